/**
 * The training pipeline behind scripts/train-sentiment.ts: feature rows → vocabulary → NB-SVM per feature group →
 * one combined weight per feature; k-fold cross-validation for every choice (C, heating row weight, neutral band,
 * calibration). The groups: character n-grams (`c…`) and everything else (words, bigrams, lexicon, temperature,
 * question); each group's values are 1/√(the text's features in that group), and the ensemble adds the two models'
 * margins, each divided by its spread on the training data — still one linear model, stored as one table.
 */
import { hashFeature } from '../features.js';
import { nbRatio, rng, scale, trainLogistic, trainSvm, type Sparse } from './linear.js';

export interface Row {
  features: string[];
  /** 0 negative, 1 positive, 0.5 neutral. */
  y: number;
  weight: number;
}

export const GROUPS = ['char', 'word'] as const;
export type Group = (typeof GROUPS)[number];
export const groupOf = (feature: string): Group => (feature.charCodeAt(0) === 99 /* c */ ? 'char' : 'word');

export interface GroupModel {
  vocab: Map<string, number>;
  /** Weight per vocabulary entry (NB ratio × SVM weight), before the ensemble's scaling. */
  w: Float64Array;
  b: number;
  /** Standard deviation of the training margins: the ensemble divides by it. */
  spread: number;
}

export interface Ensemble {
  groups: Record<Group, GroupModel>;
}

export interface TrainOptions {
  C: Record<Group, number>;
  mindf: number;
  alpha: number;
  epochs: number;
  seed: number;
}

function matrix(rows: Row[], group: Group, vocab: Map<string, number>): Sparse {
  const indptr = new Int32Array(rows.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  rows.forEach((r, i) => {
    const fs = r.features.filter((f) => groupOf(f) === group);
    const v = 1 / Math.sqrt(fs.length || 1);
    for (const f of fs) {
      const id = vocab.get(f);
      if (id === undefined) continue;
      idx.push(id);
      val.push(v);
    }
    indptr[i + 1] = idx.length;
  });
  return {
    dim: vocab.size,
    indptr,
    idx: Int32Array.from(idx),
    val: Float32Array.from(val),
    y: Float64Array.from(rows, (r) => r.y),
    weight: Float64Array.from(rows, (r) => r.weight),
  };
}

function vocabulary(rows: Row[], group: Group, mindf: number): Map<string, number> {
  const df = new Map<string, number>();
  for (const r of rows) for (const f of r.features) if (groupOf(f) === group) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [f, c] of [...df.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c >= mindf) vocab.set(f, vocab.size);
  return vocab;
}

/** Trains one NB-SVM per group on the binary rows (neutral rows are not seen by the SVM). */
export function trainEnsemble(rows: Row[], opts: TrainOptions): Ensemble {
  const binary = rows.filter((r) => r.y === 0 || r.y === 1);
  const groups = {} as Record<Group, GroupModel>;
  for (const g of GROUPS) {
    const vocab = vocabulary(binary, g, opts.mindf);
    const ds = matrix(binary, g, vocab);
    const r = nbRatio({ ...ds, val: new Float32Array(ds.val.length).fill(1) }, opts.alpha);
    const svm = trainSvm(scale(ds, r), { C: opts.C[g], epochs: opts.epochs, seed: opts.seed });
    const w = new Float64Array(ds.dim);
    for (let f = 0; f < ds.dim; f++) w[f] = svm.w[f]! * r[f]!;
    const model: GroupModel = { vocab, w, b: svm.b, spread: 1 };
    const margins = binary.map((row) => groupMargin(model, row.features, g));
    const mean = margins.reduce((s, x) => s + x, 0) / (margins.length || 1);
    model.spread = Math.sqrt(margins.reduce((s, x) => s + (x - mean) ** 2, 0) / (margins.length || 1)) || 1;
    groups[g] = model;
  }
  return { groups };
}

function groupMargin(m: GroupModel, features: string[], g: Group): number {
  let n = 0;
  let s = 0;
  for (const f of features) {
    if (groupOf(f) !== g) continue;
    n++;
    const id = m.vocab.get(f);
    if (id !== undefined) s += m.w[id]!;
  }
  return m.b + s / Math.sqrt(n || 1);
}

/** The ensemble's margin for one row's features. */
export function ensembleMargin(e: Ensemble, features: string[]): number {
  let s = 0;
  for (const g of GROUPS) s += groupMargin(e.groups[g], features, g) / e.groups[g].spread;
  return s;
}

/** The ensemble as one table: feature hash → weight, the bias, and each group's share of it. */
export function flatten(e: Ensemble): { weights: Map<number, number>; bias: number; names: Map<number, string> } {
  const weights = new Map<number, number>();
  const names = new Map<number, string>();
  let bias = 0;
  for (const g of GROUPS) {
    const m = e.groups[g];
    bias += m.b / m.spread;
    for (const [f, id] of m.vocab) {
      const w = m.w[id]! / m.spread;
      if (w === 0) continue;
      const h = hashFeature(f);
      weights.set(h, (weights.get(h) ?? 0) + w);
      names.set(h, f);
    }
  }
  return { weights, bias, names };
}

/** Drops the smallest weights until at most `keep` remain (pruning for the file size). */
export function prune(weights: Map<number, number>, keep: number): Map<number, number> {
  if (weights.size <= keep) return weights;
  const sorted = [...weights.entries()].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return new Map(sorted.slice(0, keep));
}

/** k folds over `n` rows, shuffled with a seeded generator: fold index per row. */
export function folds(n: number, k: number, seed: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = rng(seed);
  for (let j = n - 1; j > 0; j--) {
    const i = Math.floor(random() * (j + 1));
    [order[j], order[i]] = [order[i]!, order[j]!];
  }
  const fold = new Int32Array(n);
  order.forEach((row, j) => (fold[row] = j % k));
  return fold;
}

/**
 * Out-of-fold margins: for each fold of `cv`, the ensemble trained on `always` + the other folds of `cv`, applied
 * to the held fold.
 */
export function outOfFold(cv: Row[], always: Row[], k: number, opts: TrainOptions): Float64Array {
  const fold = folds(cv.length, k, opts.seed);
  const out = new Float64Array(cv.length);
  for (let f = 0; f < k; f++) {
    const train = [...always, ...cv.filter((_, i) => fold[i] !== f)];
    const e = trainEnsemble(train, opts);
    cv.forEach((r, i) => {
      if (fold[i] === f) out[i] = ensembleMargin(e, r.features);
    });
  }
  return out;
}

/** Binary accuracy of margins (margin > 0 ⇒ positive) on the rows labelled 0 or 1. */
export function binaryAccuracy(rows: Row[], margins: ArrayLike<number>): number {
  let n = 0;
  let ok = 0;
  rows.forEach((r, i) => {
    if (r.y !== 0 && r.y !== 1) return;
    n++;
    if ((margins[i]! > 0 ? 1 : 0) === r.y) ok++;
  });
  return n ? ok / n : 0;
}

/** Platt scaling: a, b maximising the likelihood of σ(a·margin + b) for the binary rows (gradient descent). */
export function platt(rows: Row[], margins: ArrayLike<number>): { a: number; b: number } {
  let a = 1;
  let b = 0;
  const idx = rows.map((_, i) => i).filter((i) => rows[i]!.y === 0 || rows[i]!.y === 1);
  for (let it = 0; it < 2000; it++) {
    let ga = 0;
    let gb = 0;
    for (const i of idx) {
      const p = 1 / (1 + Math.exp(-(a * margins[i]! + b)));
      const e = p - rows[i]!.y;
      ga += e * margins[i]!;
      gb += e;
    }
    a -= (0.5 * ga) / idx.length;
    b -= (0.5 * gb) / idx.length;
  }
  return { a, b };
}

// ------------------------------------------------------------------------------------------- the neutral detector

export interface DetectorRow {
  features: string[];
  /** 1 neutral, 0 not. */
  neutral: number;
  /** The sentiment margin (out of fold for training rows). */
  margin: number;
  weight: number;
}

export interface Detector {
  vocab: Map<string, number>;
  w: Float64Array;
  bias: number;
  marginWeight: number;
}

/**
 * Logistic regression for "is this text neutral": word-level features (values 1/√n, as at run time) and one more
 * column, |sentiment margin|.
 */
export function trainDetector(rows: DetectorRow[], l2: number): Detector {
  const words = rows.map((r) => r.features.filter((f) => groupOf(f) === 'word'));
  const df = new Map<string, number>();
  for (const fs of words) for (const f of fs) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [f, c] of [...df.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c >= 2) vocab.set(f, vocab.size);
  const extra = vocab.size;
  const indptr = new Int32Array(rows.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  rows.forEach((r, i) => {
    const v = 1 / Math.sqrt(words[i]!.length || 1);
    for (const f of words[i]!) {
      const id = vocab.get(f);
      if (id === undefined) continue;
      idx.push(id);
      val.push(v);
    }
    idx.push(extra);
    val.push(Math.abs(r.margin));
    indptr[i + 1] = idx.length;
  });
  const ds: Sparse = {
    dim: extra + 1,
    indptr,
    idx: Int32Array.from(idx),
    val: Float32Array.from(val),
    y: Float64Array.from(rows, (r) => r.neutral),
    weight: Float64Array.from(rows, (r) => r.weight),
  };
  const m = trainLogistic(ds, { l2, iterations: 300 });
  return { vocab, w: m.w.slice(0, extra), bias: m.b, marginWeight: m.w[extra]! };
}

export function detectorLogit(d: Detector, features: string[], margin: number): number {
  const words = features.filter((f) => groupOf(f) === 'word');
  let s = 0;
  for (const f of words) {
    const id = d.vocab.get(f);
    if (id !== undefined) s += d.w[id]!;
  }
  return d.bias + s / Math.sqrt(words.length || 1) + d.marginWeight * Math.abs(margin);
}

/** Out-of-fold P(neutral) for `cv` rows (`always` rows in every fold's training). */
export function detectorOutOfFold(cv: DetectorRow[], always: DetectorRow[], k: number, l2: number, seed: number): Float64Array {
  const fold = folds(cv.length, k, seed);
  const out = new Float64Array(cv.length);
  for (let f = 0; f < k; f++) {
    const d = trainDetector([...always, ...cv.filter((_, i) => fold[i] !== f)], l2);
    cv.forEach((r, i) => {
      if (fold[i] === f) out[i] = 1 / (1 + Math.exp(-detectorLogit(d, r.features, r.margin)));
    });
  }
  return out;
}

/** The detector as a table: feature hash → weight. */
export function flattenDetector(d: Detector): Map<number, number> {
  const out = new Map<number, number>();
  for (const [f, id] of d.vocab) if (d.w[id] !== 0) out.set(hashFeature(f), d.w[id]!);
  return out;
}
