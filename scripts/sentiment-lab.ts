/**
 * Experiments behind the sentiment model's choices (docs/FEEDBACK-TEXT.md): 5-fold cross-validation on the cleaned
 * ChnSentiCorp train rows only. `ref` alone reads dev.tsv, to measure the README's reference model with and without
 * the dev texts that train.tsv holds.
 *
 *   node --import tsx scripts/sentiment-lab.ts ref|base|net|mnb|stack [--dim 24 --hidden 16 --epochs 8 ...]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURES, extractFeatures } from '../src/modules/feedback/text/features.js';
import { dedupe, readTsv, withoutOverlap } from '../src/modules/feedback/text/train/corpus.js';
import { nbRatio, scale, trainLogistic, trainSvm, type Sparse } from '../src/modules/feedback/text/train/linear.js';
import { DEFAULT_NET, netLogit, trainNet, type NetOptions } from '../src/modules/feedback/text/train/network.js';
import { binaryAccuracy, ensembleMargin, folds, trainEnsemble, type Row, type TrainOptions } from '../src/modules/feedback/text/train/pipeline.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(ROOT, '../shared/data/sentiment/chnsenticorp');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const MODE = process.argv[2] ?? 'base';
const K = 5;
const SEED = 19;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const log = (...a: unknown[]) => console.log(...a);
const t0 = performance.now();
const secs = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

const csRaw = readTsv(path.join(DATA, 'train.tsv'));
const devRaw = readTsv(path.join(DATA, 'dev.tsv'));
const { kept } = withoutOverlap(csRaw, devRaw.map((r) => r.text));
const cs = dedupe(kept.map((r) => ({ text: r.text, y: Number(r.label), source: 'chnsenticorp' as const })));

const CACHE = '/tmp/hearth-sentiment-lab.json';
let csFeatures: string[][];
if (existsSync(CACHE)) csFeatures = JSON.parse(readFileSync(CACHE, 'utf8')) as string[][];
else {
  csFeatures = cs.map((r) => extractFeatures(r.text, DEFAULT_FEATURES).features);
  writeFileSync(CACHE, JSON.stringify(csFeatures));
}
const rows: Row[] = cs.map((r, i) => ({ features: csFeatures[i]!, y: r.y, weight: 1 }));
const fold = folds(rows.length, K, SEED);
log(`${rows.length} rows, features ready in ${secs()}`);

/** Out-of-fold scores of a learner. */
const FOLDS = Number(arg('folds', String(K)));
/** Rows scored so far (all with --folds 5; only the first folds' rows with fewer). */
const covered = (i: number) => fold[i]! < FOLDS;

function oof(train: (rows: Row[]) => (features: string[]) => number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let f = 0; f < FOLDS; f++) {
    const score = train(rows.filter((_, i) => fold[i] !== f));
    rows.forEach((r, i) => {
      if (fold[i] === f) out[i] = score(r.features);
    });
    log(`  fold ${f + 1}/${K} done (${secs()})`);
  }
  return out;
}

/** Accuracy on the covered rows. */
function accuracy(m: ArrayLike<number>): number {
  let n = 0;
  let ok = 0;
  rows.forEach((r, i) => {
    if (!covered(i)) return;
    n++;
    if ((m[i]! > 0 ? 1 : 0) === r.y) ok++;
  });
  return ok / n;
}

function save(name: string, m: Float64Array) {
  writeFileSync(`/tmp/hearth-lab-${name}.json`, JSON.stringify([...m]));
  log(`${name}: CV ${pct(accuracy(m))} on ${FOLDS} of ${K} folds (${secs()})`);
}

const base: TrainOptions = { C: { char: 1, word: 1 }, mindf: 2, alpha: 1, epochs: 50, seed: SEED };

if (MODE === 'base') {
  save('base', oof((tr) => {
    const e = trainEnsemble(tr, base);
    return (f) => ensembleMargin(e, f);
  }));
}

if (MODE === 'net') {
  const opts: NetOptions = {
    ...DEFAULT_NET,
    dim: Number(arg('dim', String(DEFAULT_NET.dim))),
    hidden: Number(arg('hidden', String(DEFAULT_NET.hidden))),
    epochs: Number(arg('epochs', String(DEFAULT_NET.epochs))),
    lr: Number(arg('lr', String(DEFAULT_NET.lr))),
    dropout: Number(arg('dropout', String(DEFAULT_NET.dropout))),
    mindf: Number(arg('mindf', String(DEFAULT_NET.mindf))),
  };
  const domains = arg('domains', '1') === '1';
  if (!domains) opts.keep = (f) => !(f.startsWith('D') || f.startsWith('cD'));
  const name = `net-lr${opts.lr}-d${opts.dim}-h${opts.hidden}-e${opts.epochs}-lr${opts.lr}-do${opts.dropout}-m${opts.mindf}${domains ? '' : '-nodom'}`;
  save(name, oof((tr) => {
    const n = trainNet(tr, opts);
    return (f) => netLogit(n, f);
  }));
}

if (MODE === 'mnb') {
  // multinomial-style NB on binary presence: Σ log-count ratios + log prior ratio
  save('mnb', oof((tr) => {
    const vocab = new Map<string, number>();
    const df = new Map<string, number>();
    for (const r of tr) for (const f of r.features) df.set(f, (df.get(f) ?? 0) + 1);
    for (const [f, c] of df) if (c >= 2) vocab.set(f, vocab.size);
    const ds = sparse(tr, vocab, () => 1);
    const r = nbRatio(ds, 1);
    const pos = tr.filter((x) => x.y === 1).length;
    const prior = Math.log(pos / (tr.length - pos));
    return (fs) => {
      let s = prior;
      for (const f of fs) {
        const id = vocab.get(f);
        if (id !== undefined) s += r[id]!;
      }
      return s;
    };
  }));
}

if (MODE === 'stack') {
  // stacking: logistic regression over standardised out-of-fold scores, itself cross-validated on other folds
  const names = process.argv.slice(3).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const cols = names.map((n) => Float64Array.from(JSON.parse(readFileSync(`/tmp/hearth-lab-${n}.json`, 'utf8')) as number[]));
  for (const [j, c] of cols.entries()) log(`${names[j]}: ${pct(accuracy(c))}`);
  for (const w of [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2]) log(`  ${names[0]} + ${w} × ${names[1]}: ${pct(accuracy(Float64Array.from(cols[0]!, (x, i) => x + w * (cols[1]?.[i] ?? 0))))}`);
  const std = cols.map((c) => {
    const m = c.reduce((s, x) => s + x, 0) / c.length;
    const sd = Math.sqrt(c.reduce((s, x) => s + (x - m) ** 2, 0) / c.length) || 1;
    return Float64Array.from(c, (x) => x / sd);
  });
  const sum = new Float64Array(rows.length);
  for (const c of std) c.forEach((x, i) => (sum[i] = sum[i]! + x));
  log(`standardised sum: ${pct(accuracy(sum))}`);
  if (FOLDS < K) process.exit(0);
  const fold2 = folds(rows.length, K, SEED + 1);
  const out = new Float64Array(rows.length);
  const weights: number[][] = [];
  for (let f = 0; f < K; f++) {
    const idx = rows.map((_, i) => i).filter((i) => fold2[i] !== f);
    const ds = dense(idx, std);
    const m = trainLogistic(ds, { l2: 1, iterations: 200 });
    weights.push([...m.w].map((w) => Math.round(w * 100) / 100));
    rows.forEach((_, i) => {
      if (fold2[i] !== f) return;
      let z = m.b;
      std.forEach((c, j) => (z += m.w[j]! * c[i]!));
      out[i] = z;
    });
  }
  log(`stacked LR: ${pct(binaryAccuracy(rows, out))}; weights per fold ${JSON.stringify(weights)}`);
}

if (MODE === 'ref') {
  // the README's reference: NB-weighted linear models on binary character 1–3-grams, trained on all of train.tsv
  // (with its 353 verbatim dev texts) and on the cleaned rows; dev accuracy overall and on the dev texts with / without
  // a copy in train
  const charOpts = { charN: 3, bigrams: false, negScope: 0, contrast: false, domains: false };
  const chars = (t: string) => extractFeatures(t, charOpts).features.filter((f) => f.charCodeAt(0) === 99);
  const trainKeys = new Set(csRaw.map((r) => r.text.trim()));
  const devRows = devRaw.map((r) => ({ f: chars(r.text), y: Number(r.label), copy: trainKeys.has(r.text.trim()) }));
  log(`dev texts with a verbatim copy in train.tsv: ${devRows.filter((r) => r.copy).length}`);
  for (const [name, data] of [
    ['all of train.tsv (9,600 rows)', csRaw.map((r) => ({ text: r.text, y: Number(r.label) }))],
    ['cleaned, de-duplicated train rows', cs],
  ] as const) {
    const tr = data.map((r) => ({ features: chars(r.text), y: r.y, weight: 1 }));
    const vocab = new Map<string, number>();
    for (const r of tr) for (const f of r.features) if (!vocab.has(f)) vocab.set(f, vocab.size);
    const ds = sparse(tr, vocab, () => 1);
    const r = nbRatio(ds, 1);
    for (const [learner, fit] of [
      ['NB-SVM (C = 1)', () => trainSvm(scale(ds, r), { C: 1, epochs: 50, seed: SEED })],
      ['NB-LR (l2 = 1)', () => trainLogistic(scale(ds, r), { l2: 1, iterations: 200 })],
    ] as const) {
      const m = fit();
      const score = (fs: string[]) => {
        let s = m.b;
        for (const f of fs) {
          const id = vocab.get(f);
          if (id !== undefined) s += m.w[id]! * r[id]!;
        }
        return s;
      };
      const acc = (sel: typeof devRows) => sel.filter((d) => (score(d.f) > 0 ? 1 : 0) === d.y).length / sel.length;
      log(`${learner}, trained on ${name}: dev ${pct(acc(devRows))}; dev texts with a copy in train ${pct(acc(devRows.filter((d) => d.copy)))}, without ${pct(acc(devRows.filter((d) => !d.copy)))} (${secs()})`);
    }
  }
}

function sparse(tr: Row[], vocab: Map<string, number>, value: (n: number) => number): Sparse {
  const indptr = new Int32Array(tr.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  tr.forEach((r, i) => {
    const v = value(r.features.length);
    for (const f of r.features) {
      const id = vocab.get(f);
      if (id === undefined) continue;
      idx.push(id);
      val.push(v);
    }
    indptr[i + 1] = idx.length;
  });
  return { dim: vocab.size, indptr, idx: Int32Array.from(idx), val: Float32Array.from(val), y: Float64Array.from(tr, (r) => r.y), weight: Float64Array.from(tr, (r) => r.weight) };
}

function dense(idx: number[], cols: Float64Array[]): Sparse {
  const d = cols.length;
  const indptr = new Int32Array(idx.length + 1);
  const id = new Int32Array(idx.length * d);
  const val = new Float32Array(idx.length * d);
  idx.forEach((i, r) => {
    for (let j = 0; j < d; j++) {
      id[r * d + j] = j;
      val[r * d + j] = cols[j]![i]!;
    }
    indptr[r + 1] = (r + 1) * d;
  });
  return { dim: d, indptr, idx: id, val, y: Float64Array.from(idx, (i) => rows[i]!.y), weight: new Float64Array(idx.length).fill(1) };
}
