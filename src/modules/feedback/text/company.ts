/**
 * A company's own sentiment model, fitted from its agents' corrections (`hearth feedback retrain`, docs/FEEDBACK-TEXT.md
 * 公司模型). Pure functions: the service reads the corrections and stores the result (a JSON document) in the database.
 *
 * The shipped model is kept; the company model is the shipped model refitted on the corrections: a residual logistic
 * regression over the same features (features.ts, read as feedback to a heating company), whose offset is the shipped
 * model's calibrated log-odds, with an L2 prior pulling every residual weight to 0 (to "the shipped model knew best").
 * - polarity: the corrections labelled neg / pos (offset: the shipped log-odds a·margin + b);
 * - neutral: all corrections, neutral or not (offset: the neutral detector's log-odds; word-level features, as the
 *   detector's own).
 * In use (sentiment.ts `scoreText`), the blended log-odds are (1 − λ)·shipped + λ·company = shipped + λ·Δ(x), with
 * λ = weightCap · n / (n + weightHalf) (n: the corrections that part learnt from): a handful of corrections nudges, a
 * few hundred decide. A feature the corrections never contained has Δ = 0, so texts unlike them score as shipped.
 */
import { createHash } from 'node:crypto';
import { FEEDBACK_MODEL_RULES } from '../feedback.contract.js';
import { hashFeature } from './features.js';
import type { LoadedModel } from './model.js';
import { scoreText, type CompanySentiment } from './sentiment.js';
import type { Sentiment } from './types.js';

/** Changes whenever the method below changes: a retrain over the same corrections then writes a new version. */
export const COMPANY_METHOD = 'residual-lr/1';
/** The L2 prior's strength (per residual weight, on the sum of the examples' log-losses). */
const L2 = 0.05;
const EPOCHS = 300;
const RATE = 0.5;

export interface SentimentCorrection {
  text: string;
  label: Sentiment;
}

/** The company sentiment model as stored (feedback_models.model): residual weights by feature hash, rounded. */
export interface StoredCompanySentiment {
  method: string;
  weight: number;
  neutralWeight: number;
  polarity: { h: number[]; w: number[] };
  neutral: { h: number[]; w: number[] };
}

export const blendWeight = (n: number): number => (FEEDBACK_MODEL_RULES.weightCap * n) / (n + FEEDBACK_MODEL_RULES.weightHalf);

/** Corrections per class. */
export function sentimentCounts(rows: readonly SentimentCorrection[]): Record<Sentiment, number> {
  const counts: Record<Sentiment, number> = { neg: 0, neu: 0, pos: 0 };
  for (const r of rows) counts[r.label]++;
  return counts;
}

/** Null when a sentiment model can be fitted; else the classes short of the minimum and by how many. */
export function sentimentShortfall(counts: Record<Sentiment, number>): { neg: number; pos: number } | null {
  const min = FEEDBACK_MODEL_RULES.minPerClass;
  return counts.neg >= min && counts.pos >= min ? null : { neg: Math.max(0, min - counts.neg), pos: Math.max(0, min - counts.pos) };
}

type Row = { idx: Int32Array; val: Float32Array; offset: number; y: number };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** Gives the event loop a turn (`pause`) whenever `SLICE_MS` of computing went by since the last one. */
function pacer(pause: () => Promise<void>): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < SLICE_MS) return;
    await pause();
    last = performance.now();
  };
}
const SLICE_MS = 25;

/**
 * Residual logistic regression: minimises Σ log-loss(y, offset + Σ δ·x) + L2/2·‖δ‖² by full-batch Adagrad (convex: the
 * result does not depend on the order of the rows). `pause` gives the event loop a turn every few milliseconds, so
 * requests are answered while a large set is fitted.
 */
async function fitResidual(rows: Row[], features: number, pause: () => Promise<void>): Promise<Float64Array> {
  const delta = new Float64Array(features);
  const g2 = new Float64Array(features);
  const grad = new Float64Array(features);
  const tick = pacer(pause);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let j = 0; j < features; j++) grad[j] = L2 * delta[j]!;
    for (let i = 0; i < rows.length; i++) {
      if ((i & 255) === 255) await tick();
      const r = rows[i]!;
      let z = r.offset;
      for (let k = 0; k < r.idx.length; k++) z += delta[r.idx[k]!]! * r.val[k]!;
      const e = sigmoid(z) - r.y;
      for (let k = 0; k < r.idx.length; k++) grad[r.idx[k]!] = grad[r.idx[k]!]! + e * r.val[k]!;
    }
    for (let j = 0; j < features; j++) {
      const g = grad[j]!;
      g2[j] = g2[j]! + g * g;
      delta[j] = delta[j]! - (RATE * g) / Math.sqrt(g2[j]! + 1e-8);
    }
    await tick();
  }
  return delta;
}

/** One text's features as the shipped model sees them (heating domain), with their values and both offsets. */
function rowOf(text: string, shipped: LoadedModel, index: Map<number, number>, wordOnly: boolean) {
  const s = scoreText(text, shipped, 'heating');
  const f = s.extracted.features;
  let chars = 0;
  for (const x of f) if (x.charCodeAt(0) === 99) chars++;
  const group = shipped.header.normalise === 'group';
  const vChar = group ? 1 / Math.sqrt(chars || 1) : 1;
  const vWord = group ? 1 / Math.sqrt(f.length - chars || 1) : 1;
  const idx: number[] = [];
  const val: number[] = [];
  for (const x of f) {
    const isChar = x.charCodeAt(0) === 99;
    if (wordOnly && isChar) continue;
    const h = hashFeature(x);
    let j = index.get(h);
    if (j === undefined) {
      j = index.size;
      index.set(h, j);
    }
    idx.push(j);
    val.push(isChar ? vChar : vWord);
  }
  const { a, b } = shipped.header.calibration;
  return { idx: Int32Array.from(idx), val: Float32Array.from(val), polarityLogit: a * s.margin + b, neutralLogit: logit(s.neutrality) };
}

function packed(index: Map<number, number>, delta: Float64Array): { h: number[]; w: number[] } {
  const h: number[] = [];
  const w: number[] = [];
  for (const [hash, j] of [...index.entries()].sort((x, y) => x[0] - y[0])) {
    const v = Math.round(delta[j]! * 10_000) / 10_000;
    if (v === 0) continue;
    h.push(hash);
    w.push(v);
  }
  return { h, w };
}

/** Fits the company model from the corrections (call only when `sentimentShortfall` is null). */
export async function trainCompanySentiment(rows: readonly SentimentCorrection[], shipped: LoadedModel, pause: () => Promise<void> = async () => {}): Promise<StoredCompanySentiment> {
  const counts = sentimentCounts(rows);
  const polarIndex = new Map<number, number>();
  const polarRows: Row[] = [];
  const neutralIndex = new Map<number, number>();
  const neutralRows: Row[] = [];
  // The neutral residual learns from every correction: a text the shipped detector called neutral that an agent
  // labelled neg or pos pulls its words away from neutral, a neutral correction towards it (texts it already judged
  // right carry almost no gradient, so the fit is about its mistakes).
  const fitNeutral = counts.neg + counts.pos >= FEEDBACK_MODEL_RULES.minPerClass;
  const tick = pacer(pause);
  for (const r of rows) {
    if (r.label !== 'neu') {
      const x = rowOf(r.text, shipped, polarIndex, false);
      polarRows.push({ idx: x.idx, val: x.val, offset: x.polarityLogit, y: r.label === 'pos' ? 1 : 0 });
    }
    if (fitNeutral) {
      const x = rowOf(r.text, shipped, neutralIndex, true);
      neutralRows.push({ idx: x.idx, val: x.val, offset: x.neutralLogit, y: r.label === 'neu' ? 1 : 0 });
    }
    await tick();
  }
  const polarity = packed(polarIndex, await fitResidual(polarRows, polarIndex.size, pause));
  const neutral = fitNeutral ? packed(neutralIndex, await fitResidual(neutralRows, neutralIndex.size, pause)) : { h: [], w: [] };
  return {
    method: COMPANY_METHOD,
    weight: round(blendWeight(polarRows.length)),
    neutralWeight: fitNeutral ? round(blendWeight(neutralRows.length)) : 0,
    polarity,
    neutral,
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

const loaded = new WeakMap<object, CompanySentiment>();

/** The stored model in the form scoreText reads (cached per stored object). */
export function companySentiment(stored: StoredCompanySentiment): CompanySentiment {
  let m = loaded.get(stored);
  if (!m) {
    const map = (p: { h: number[]; w: number[] }) => new Map(p.h.map((h, i) => [h, p.w[i]!] as const));
    m = { weight: stored.weight, neutralWeight: stored.neutralWeight, polarity: map(stored.polarity), neutral: map(stored.neutral) };
    loaded.set(stored, m);
  }
  return m;
}

/**
 * The fingerprint of a training set: the method and every (id, label, text), in id order. The same corrections give the
 * same fingerprint, so a retrain over them writes nothing (idempotent).
 */
export function trainingFingerprint(method: string, rows: readonly { id: string; label: string; text: string }[]): string {
  const h = createHash('sha256').update(method).update('\n');
  for (const r of [...rows].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) h.update(`${r.id}\t${r.label}\t${r.text}\n`);
  return h.digest('hex');
}
