/**
 * A small network for the sentiment ensemble, trained offline here in plain typed arrays (no ML dependency): the
 * fastText idea (Joulin et al. 2016) with one hidden layer — each feature of a text (the same features as the linear
 * model: character n-grams, words, bigrams, negation-marked words, lexicon classes) has a `dim`-vector; a text is the
 * mean of its features' vectors, then `hidden` ReLU units, then one logit. Trained by Adagrad on the logistic loss, features dropped at random while training (regularisation), visiting order and
 * initial values from a seeded generator: the same data and seed give the same bytes.
 */
import { rng } from './linear.js';

export interface NetOptions {
  dim: number;
  hidden: number;
  epochs: number;
  lr: number;
  /** Share of a text's features left out at each visit while training. */
  dropout: number;
  /** Features seen in fewer training texts are not given a vector. */
  mindf: number;
  seed: number;
  /** Keep only features this predicate accepts (e.g. no domain-tagged copies). */
  keep?: (feature: string) => boolean;
}

export const DEFAULT_NET: NetOptions = { dim: 16, hidden: 16, epochs: 8, lr: 0.05, dropout: 0.3, mindf: 5, seed: 19 };

export interface Net {
  vocab: Map<string, number>;
  dim: number;
  hidden: number;
  /** vocab.size × dim */
  E: Float32Array;
  /** hidden × dim */
  W1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}

export interface NetRow {
  features: string[];
  /** 0 or 1 (other rows are skipped). */
  y: number;
  weight: number;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The ids of a text's known features. */
export function netIds(net: Pick<Net, 'vocab'>, features: string[]): number[] {
  const ids: number[] = [];
  for (const f of features) {
    const id = net.vocab.get(f);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

export function trainNet(rows: NetRow[], opts: NetOptions): Net {
  const keep = opts.keep ?? (() => true);
  const binary = rows.filter((r) => r.y === 0 || r.y === 1);
  const df = new Map<string, number>();
  for (const r of binary) for (const f of r.features) if (keep(f)) df.set(f, (df.get(f) ?? 0) + 1);
  // ids in order of first appearance (deterministic for the same rows)
  const vocab = new Map<string, number>();
  for (const [f, c] of df) if (c >= opts.mindf) vocab.set(f, vocab.size);
  const { dim, hidden } = opts;
  const random = rng(opts.seed);
  const E = new Float32Array(vocab.size * dim);
  for (let i = 0; i < E.length; i++) E[i] = (random() * 2 - 1) / dim;
  const H = Math.max(hidden, 1);
  const W1 = new Float32Array(H * dim);
  const b1 = new Float32Array(H);
  const w2 = new Float32Array(H);
  for (let i = 0; i < W1.length; i++) W1[i] = gaussian(random) * Math.sqrt(2 / dim);
  for (let i = 0; i < H; i++) w2[i] = gaussian(random) * Math.sqrt(1 / H);
  if (hidden === 0) {
    // no hidden layer: the text vector's first `dim` values feed the logit directly (fastText proper)
    W1.fill(0);
  }
  let b2 = 0;
  const net: Net = { vocab, dim, hidden, E, W1, b1, w2, b2 };
  const docs = binary.map((r) => Int32Array.from(netIds(net, r.features)));
  const order = binary.map((_, i) => i);
  const h = new Float32Array(dim);
  const a = new Float32Array(H);
  const dh = new Float32Array(dim);
  // Adagrad: a step per parameter scaled by its accumulated squared gradients (sparse feature vectors are touched
  // rarely and keep large steps; the 1/n of the mean does not shrink them)
  const GE = new Float32Array(E.length);
  const GW1 = new Float32Array(W1.length);
  const Gb1 = new Float32Array(H);
  const Gw2 = new Float32Array(H);
  let Gb2 = 0;
  const lr = opts.lr;
  const eps = 1e-8;
  const picked: number[] = [];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    for (const i of order) {
      const ids = docs[i]!;
      picked.length = 0;
      for (let t = 0; t < ids.length; t++) if (random() >= opts.dropout) picked.push(ids[t]!);
      if (!picked.length) continue;
      const inv = 1 / picked.length;
      h.fill(0);
      for (const id of picked) {
        const o = id * dim;
        for (let d = 0; d < dim; d++) h[d] = h[d]! + E[o + d]!;
      }
      for (let d = 0; d < dim; d++) h[d] = h[d]! * inv;
      let z = b2;
      if (hidden === 0) {
        for (let d = 0; d < dim; d++) z += h[d]! * W1[d]!;
      } else {
        for (let u = 0; u < H; u++) {
          let s = b1[u]!;
          const o = u * dim;
          for (let d = 0; d < dim; d++) s += W1[o + d]! * h[d]!;
          a[u] = s > 0 ? s : 0;
          z += w2[u]! * a[u]!;
        }
      }
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - binary[i]!.y) * binary[i]!.weight;
      if (g === 0) continue;
      dh.fill(0);
      if (hidden === 0) {
        for (let d = 0; d < dim; d++) {
          dh[d] = g * W1[d]!;
          const gw = g * h[d]!;
          GW1[d] = GW1[d]! + gw * gw;
          W1[d] = W1[d]! - (lr * gw) / (Math.sqrt(GW1[d]!) + eps);
        }
      } else {
        for (let u = 0; u < H; u++) {
          if (a[u]! <= 0) continue;
          const du = g * w2[u]!;
          const gw2 = g * a[u]!;
          Gw2[u] = Gw2[u]! + gw2 * gw2;
          w2[u] = w2[u]! - (lr * gw2) / (Math.sqrt(Gw2[u]!) + eps);
          Gb1[u] = Gb1[u]! + du * du;
          b1[u] = b1[u]! - (lr * du) / (Math.sqrt(Gb1[u]!) + eps);
          const o = u * dim;
          for (let d = 0; d < dim; d++) {
            dh[d] = dh[d]! + du * W1[o + d]!;
            const gw = du * h[d]!;
            GW1[o + d] = GW1[o + d]! + gw * gw;
            W1[o + d] = W1[o + d]! - (lr * gw) / (Math.sqrt(GW1[o + d]!) + eps);
          }
        }
      }
      Gb2 += g * g;
      b2 -= (lr * g) / (Math.sqrt(Gb2) + eps);
      for (let d = 0; d < dim; d++) dh[d] = dh[d]! * inv;
      for (const id of picked) {
        const o = id * dim;
        for (let d = 0; d < dim; d++) {
          const ge = dh[d]!;
          GE[o + d] = GE[o + d]! + ge * ge;
          E[o + d] = E[o + d]! - (lr * ge) / (Math.sqrt(GE[o + d]!) + eps);
        }
      }
    }
  }
  net.b2 = b2;
  return net;
}

/** The network's logit for a text's feature ids (no dropout). */
export function netLogitIds(net: Net, ids: ArrayLike<number>): number {
  const { dim, hidden, E, W1, b1, w2 } = net;
  if (!ids.length) return net.b2;
  const h = new Float32Array(dim);
  for (let t = 0; t < ids.length; t++) {
    const o = ids[t]! * dim;
    for (let d = 0; d < dim; d++) h[d] = h[d]! + E[o + d]!;
  }
  const inv = 1 / ids.length;
  let z = net.b2;
  if (hidden === 0) {
    for (let d = 0; d < dim; d++) z += h[d]! * inv * W1[d]!;
    return z;
  }
  for (let u = 0; u < hidden; u++) {
    let s = b1[u]!;
    const o = u * dim;
    for (let d = 0; d < dim; d++) s += W1[o + d]! * h[d]! * inv;
    if (s > 0) z += w2[u]! * s;
  }
  return z;
}

export function netLogit(net: Net, features: string[]): number {
  return netLogitIds(net, netIds(net, features));
}
