/**
 * Linear learners over sparse rows, for the offline training script (scripts/train-sentiment.ts): Naive Bayes
 * log-count ratios, logistic regression (L2, soft labels and row weights, L-BFGS) and an L2-loss SVM (dual coordinate
 * descent, as liblinear). Deterministic: the only randomness is the SVM's visiting order, drawn from a seeded generator.
 */

/** Rows in compressed sparse row form; labels in 0..1 (0.5 = neutral, used only by the logistic regression). */
export interface Sparse {
  dim: number;
  indptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
  y: Float64Array;
  weight: Float64Array;
}

export interface Linear {
  w: Float64Array;
  b: number;
}

/** mulberry32: a small seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function margin(m: Linear, ds: Sparse, i: number): number {
  let s = m.b;
  for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) s += m.w[ds.idx[k]!]! * ds.val[k]!;
  return s;
}

/** Rows `rows` of `ds` as a new matrix (for folds). */
export function subset(ds: Sparse, rows: number[]): Sparse {
  let nnz = 0;
  for (const i of rows) nnz += ds.indptr[i + 1]! - ds.indptr[i]!;
  const indptr = new Int32Array(rows.length + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let k = 0;
  rows.forEach((i, r) => {
    for (let j = ds.indptr[i]!; j < ds.indptr[i + 1]!; j++, k++) {
      idx[k] = ds.idx[j]!;
      val[k] = ds.val[j]!;
    }
    indptr[r + 1] = k;
  });
  return { dim: ds.dim, indptr, idx, val, y: Float64Array.from(rows, (i) => ds.y[i]!), weight: Float64Array.from(rows, (i) => ds.weight[i]!) };
}

/** A copy of `ds` with every value of feature f multiplied by r[f] (the NB-SVM scaling). */
export function scale(ds: Sparse, r: Float64Array): Sparse {
  const val = new Float32Array(ds.val.length);
  for (let k = 0; k < val.length; k++) val[k] = ds.val[k]! * r[ds.idx[k]!]!;
  return { ...ds, val };
}

/**
 * Naive Bayes log-count ratio r = log((p/|p|₁)/(q/|q|₁)), p = α + Σ positive rows, q = α + Σ negative rows (binary
 * presence counted; neutral rows ignored).
 */
export function nbRatio(ds: Sparse, alpha: number): Float64Array {
  const p = new Float64Array(ds.dim).fill(alpha);
  const q = new Float64Array(ds.dim).fill(alpha);
  for (let i = 0; i + 1 < ds.indptr.length; i++) {
    const y = ds.y[i]!;
    if (y !== 0 && y !== 1) continue;
    const t = y === 1 ? p : q;
    for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) {
      const f = ds.idx[k]!;
      t[f] = t[f]! + ds.weight[i]!;
    }
  }
  let sp = 0;
  let sq = 0;
  for (let f = 0; f < ds.dim; f++) {
    sp += p[f]!;
    sq += q[f]!;
  }
  const r = new Float64Array(ds.dim);
  for (let f = 0; f < ds.dim; f++) r[f] = Math.log(p[f]! / sp) - Math.log(q[f]! / sq);
  return r;
}

/**
 * L2-regularised logistic regression: minimise Σ weightᵢ·CE(yᵢ, σ(w·xᵢ + b)) + l2/2·|w|² by L-BFGS (the bias is not
 * regularised). Soft labels are allowed (y = 0.5 pulls a neutral row's margin towards 0).
 */
export function trainLogistic(ds: Sparse, opts: { l2: number; iterations?: number; init?: Linear }): Linear {
  const n = ds.indptr.length - 1;
  const d = ds.dim + 1; // last entry: the bias
  const x = new Float64Array(d);
  if (opts.init) {
    x.set(opts.init.w);
    x[d - 1] = opts.init.b;
  }
  const grad = new Float64Array(d);
  const evaluate = (v: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    const b = v[d - 1]!;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) z += v[ds.idx[k]!]! * ds.val[k]!;
      const y = ds.y[i]!;
      const wt = ds.weight[i]!;
      // CE = log(1 + e^z) - y z, stable
      loss += wt * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z);
      const p = 1 / (1 + Math.exp(-z));
      const e = wt * (p - y);
      if (e === 0) continue;
      for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) {
        const f = ds.idx[k]!;
        g[f] = g[f]! + e * ds.val[k]!;
      }
      g[d - 1] = g[d - 1]! + e;
    }
    for (let f = 0; f < d - 1; f++) {
      loss += 0.5 * opts.l2 * v[f]! * v[f]!;
      g[f] = g[f]! + opts.l2 * v[f]!;
    }
    return loss;
  };
  lbfgs(x, grad, evaluate, opts.iterations ?? 200);
  return { w: x.slice(0, d - 1), b: x[d - 1]! };
}

/** Limited-memory BFGS (m = 8) with a backtracking Armijo line search; minimises in place. */
export function lbfgs(x: Float64Array, g: Float64Array, f: (x: Float64Array, g: Float64Array) => number, iterations: number): number {
  const m = 8;
  const d = x.length;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let fx = f(x, g);
  const dir = new Float64Array(d);
  const xn = new Float64Array(d);
  const gn = new Float64Array(d);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
    return s;
  };
  for (let it = 0; it < iterations; it++) {
    // two-loop recursion
    for (let i = 0; i < d; i++) dir[i] = -g[i]!;
    const alpha: number[] = [];
    for (let j = S.length - 1; j >= 0; j--) {
      const a = rho[j]! * dot(S[j]!, dir);
      alpha[j] = a;
      const y = Y[j]!;
      for (let i = 0; i < d; i++) dir[i] = dir[i]! - a * y[i]!;
    }
    const gamma = S.length ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < d; i++) dir[i] = dir[i]! * gamma;
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j]! * dot(Y[j]!, dir);
      const s = S[j]!;
      for (let i = 0; i < d; i++) dir[i] = dir[i]! + (alpha[j]! - beta) * s[i]!;
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
      S.length = Y.length = rho.length = 0;
    }
    let step = 1;
    let fn = 0;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < d; i++) xn[i] = x[i]! + step * dir[i]!;
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
    }
    const sy = dot(s, y);
    x.set(xn);
    g.set(gn);
    const done = Math.abs(fx - fn) <= 1e-7 * Math.max(1, Math.abs(fx));
    fx = fn;
    if (done) break;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
  }
  return fx;
}

/**
 * L2-regularised L2-loss (squared hinge) SVM by dual coordinate descent (Hsieh et al. 2008), bias as a constant
 * feature of value `biasValue`. Rows with a soft label (neither 0 nor 1) are skipped; `C` scales with the row weight.
 */
export function trainSvm(ds: Sparse, opts: { C: number; epochs?: number; seed?: number; biasValue?: number }): Linear {
  const n = ds.indptr.length - 1;
  const bias = opts.biasValue ?? 1;
  const w = new Float64Array(ds.dim);
  let b = 0;
  const alpha = new Float64Array(n);
  const qd = new Float64Array(n);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ds.y[i] !== 0 && ds.y[i] !== 1) continue;
    let s = bias * bias;
    for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) s += ds.val[k]! * ds.val[k]!;
    qd[i] = s + 1 / (2 * opts.C * ds.weight[i]!);
    rows.push(i);
  }
  const random = rng(opts.seed ?? 1);
  for (let epoch = 0; epoch < (opts.epochs ?? 30); epoch++) {
    for (let j = rows.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [rows[j], rows[k]] = [rows[k]!, rows[j]!];
    }
    let maxPg = 0;
    for (const i of rows) {
      const yi = ds.y[i] === 1 ? 1 : -1;
      let z = b * bias;
      for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) z += w[ds.idx[k]!]! * ds.val[k]!;
      const G = yi * z - 1 + alpha[i]! / (2 * opts.C * ds.weight[i]!);
      const pg = alpha[i] === 0 ? Math.min(G, 0) : G;
      maxPg = Math.max(maxPg, Math.abs(pg));
      if (Math.abs(pg) < 1e-12) continue;
      const old = alpha[i]!;
      alpha[i] = Math.max(old - G / qd[i]!, 0);
      const delta = (alpha[i]! - old) * yi;
      for (let k = ds.indptr[i]!; k < ds.indptr[i + 1]!; k++) {
        const f = ds.idx[k]!;
        w[f] = w[f]! + delta * ds.val[k]!;
      }
      b += delta * bias;
    }
    if (maxPg < 1e-3) break;
  }
  return { w, b: b * bias };
}
