import { checkRepeatRows, logBox, outcomeOf, prepareRows, type PreparedRows } from './common.js';
import { bfgsThenNelderMead, drive, driveAsync, type Budget, type Steps } from './optimize.js';
import { digamma, hyp2f1, lbeta, lgamma } from './special.js';
import type { BgNbdParams, Fit, RepeatSummary } from './types.js';

/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way") and its modification MBG/NBD (Batislam,
 * Denizel & Filiztekin 2007), in one implementation. The two differ in one point: in BG/NBD a customer can drop out
 * only after a repeat purchase, so a customer without one (x = 0) is alive by construction (P(alive) = 1 however long
 * ago the only purchase was); in MBG/NBD the customer may also drop out right after the first purchase, so P(alive)
 * of a one-time buyer falls with time. With `m` = 1 for MBG/NBD and 0 for BG/NBD:
 *   L = B(a, b + x + m) / B(a, b) · Γ(r + x) α^r / Γ(r) · [(α + T)^−(r+x) + [x > 0 or m] a / (b + x − 1 + m) · (α + t_x)^−(r+x)]
 * and every conditional quantity of MBG/NBD is BG/NBD's with b + 1 in the alive part and the dead odds for every x.
 */

/** Log-likelihood of weighted rows (compressed and indexed by prepareRows); `modified`: MBG/NBD. */
export function bgnbdLogLikPrepared(p: BgNbdParams, d: PreparedRows, modified = false): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const lnAlpha = Math.log(alpha);
  const lr = lgamma(r);
  const lbAB = lbeta(a, b);
  const lnA = Math.log(a);
  const nx = d.xValues.length;
  const cX = new Float64Array(nx);
  const cDead = new Float64Array(nx);
  const rx = new Float64Array(nx);
  const m = modified ? 1 : 0;
  for (let k = 0; k < nx; k++) {
    const x = d.xValues[k]!;
    cX[k] = lgamma(r + x) - lr + r * lnAlpha + lbeta(a, b + x + m) - lbAB;
    cDead[k] = x > 0 || modified ? lnA - Math.log(b + x - 1 + m) : -Infinity;
    rx[k] = r + x;
  }
  const lnT = d.tValues.map((T) => Math.log(alpha + T));
  const lnTx = d.txValues.map((tx) => Math.log(alpha + tx));
  let ll = 0;
  for (let i = 0; i < d.count; i++) {
    const k = d.xIdx[i]!;
    const a3 = -rx[k]! * lnT[d.tIdx[i]!]!;
    let v = a3;
    const dead = cDead[k]!;
    if (dead !== -Infinity) {
      const a4 = dead - rx[k]! * lnTx[d.txIdx[i]!]!;
      v = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    }
    ll += d.n[i]! * (cX[k]! + v);
  }
  return ll;
}

/** Log-likelihood of (weighted) rows. */
export function bgnbdLogLik(p: BgNbdParams, rows: readonly RepeatSummary[]): number {
  return bgnbdLogLikPrepared(p, prepareRows(rows));
}

/** MBG/NBD log-likelihood of (weighted) rows. */
export function mbgnbdLogLik(p: BgNbdParams, rows: readonly RepeatSummary[]): number {
  return bgnbdLogLikPrepared(p, prepareRows(rows), true);
}

/**
 * −LL / n and its gradient in log-parameters θ = ln(r, α, a, b): the analytic gradient lets BFGS converge in a few
 * dozen evaluations where Nelder–Mead needs hundreds (a million customers fit in seconds).
 */
function bgnbdObjective(d: PreparedRows, modified: boolean): (th: readonly number[], grad: number[] | null) => number {
  const m = modified ? 1 : 0;
  const nx = d.xValues.length;
  const cX = new Float64Array(nx);
  const cDead = new Float64Array(nx);
  const wX = new Float64Array(nx); // Σ n per distinct x
  for (let i = 0; i < d.count; i++) wX[d.xIdx[i]!]! += d.n[i]!;
  const lnT = new Float64Array(d.tValues.length);
  const invT = new Float64Array(d.tValues.length);
  const lnTx = new Float64Array(d.txValues.length);
  const invTx = new Float64Array(d.txValues.length);
  const total = d.total;
  return (th, grad) => {
    const r = Math.exp(th[0]!);
    const alpha = Math.exp(th[1]!);
    const a = Math.exp(th[2]!);
    const b = Math.exp(th[3]!);
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0 && Number.isFinite(r * alpha * a * b))) return Infinity;
    const lnAlpha = Math.log(alpha);
    const lr = lgamma(r);
    const lbAB = lbeta(a, b);
    const lnA = Math.log(a);
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    // Gradient parts that depend on x only.
    let gr = 0;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < nx; k++) {
      const x = d.xValues[k]!;
      cX[k] = lgamma(r + x) - lr + r * lnAlpha + lbeta(a, b + x + m) - lbAB;
      cDead[k] = x > 0 || modified ? lnA - Math.log(b + x - 1 + m) : -Infinity;
      const w = wX[k]!;
      if (w === 0) continue;
      const psiABx = digamma(a + b + x + m);
      gr += w * (digamma(r + x) - psiR + lnAlpha);
      ga += w * (psiAB - psiABx);
      gb += w * (digamma(b + x + m) - psiB + psiAB - psiABx);
    }
    let galpha = (total * r) / alpha;
    for (let j = 0; j < d.tValues.length; j++) {
      lnT[j] = Math.log(alpha + d.tValues[j]!);
      invT[j] = 1 / (alpha + d.tValues[j]!);
    }
    for (let j = 0; j < d.txValues.length; j++) {
      lnTx[j] = Math.log(alpha + d.txValues[j]!);
      invTx[j] = 1 / (alpha + d.txValues[j]!);
    }
    let ll = 0;
    for (let i = 0; i < d.count; i++) {
      const k = d.xIdx[i]!;
      const n = d.n[i]!;
      const x = d.xValues[k]!;
      const rx = r + x;
      const ti = d.tIdx[i]!;
      const a3 = -rx * lnT[ti]!;
      const dead = cDead[k]!;
      if (dead === -Infinity) {
        ll += n * (cX[k]! + a3);
        gr -= n * lnT[ti]!;
        galpha -= n * rx * invT[ti]!;
        continue;
      }
      const xi = d.txIdx[i]!;
      const a4 = dead - rx * lnTx[xi]!;
      let v: number;
      let w4: number;
      if (a3 > a4) {
        const e = Math.exp(a4 - a3);
        v = a3 + Math.log1p(e);
        w4 = e / (1 + e);
      } else {
        const e = Math.exp(a3 - a4);
        v = a4 + Math.log1p(e);
        w4 = 1 / (1 + e);
      }
      const w3 = 1 - w4;
      ll += n * (cX[k]! + v);
      gr -= n * (w3 * lnT[ti]! + w4 * lnTx[xi]!);
      galpha -= n * rx * (w3 * invT[ti]! + w4 * invTx[xi]!);
      ga += (n * w4) / a;
      gb -= (n * w4) / (b + x - 1 + m);
    }
    // d(−LL/n)/dθ = −param · dLL/dparam / n
    if (grad) {
      grad[0] = (-r * gr) / total;
      grad[1] = (-alpha * galpha) / total;
      grad[2] = (-a * ga) / total;
      grad[3] = (-b * gb) / total;
    }
    return -ll / total;
  };
}

const NAMES = ['r', 'alpha', 'a', 'b'];

/** The maximum-likelihood search of BG/NBD (or MBG/NBD), in steps (see optimize.ts). */
export function* bgnbdFitSteps(rows: readonly RepeatSummary[], budget?: Budget, modified = false): Steps<Fit<BgNbdParams>> {
  checkRepeatRows(rows);
  const data = prepareRows(rows);
  const n = data.total;
  // Scale: α is in the units of t; start it at a tenth of the mean observation time (data in days or weeks alike).
  const meanT = Math.max(data.meanT, 1e-6);
  const toParams = (th: readonly number[]): BgNbdParams => ({ r: Math.exp(th[0]!), alpha: Math.exp(th[1]!), a: Math.exp(th[2]!), b: Math.exp(th[3]!) });
  const box = logBox([null, meanT, null, null]);
  const start = [0, Math.log(meanT / 10), 0, 0];
  const res = yield* bfgsThenNelderMead(bgnbdObjective(data, modified), (th) => -bgnbdLogLikPrepared(toParams(th), data, modified) / n, start, box, budget);
  return { model: modified ? 'mbgnbd' : 'bgnbd', params: toParams(res.x), logLik: -res.f * n, n, iterations: res.iterations, ...outcomeOf(res, box, NAMES) };
}

export function fitBgNbd(rows: readonly RepeatSummary[], budget?: Budget): Fit<BgNbdParams> {
  return drive(bgnbdFitSteps(rows, budget));
}
export function fitBgNbdAsync(rows: readonly RepeatSummary[], budget?: Budget): Promise<Fit<BgNbdParams>> {
  return driveAsync(bgnbdFitSteps(rows, budget));
}
export function fitMbgNbd(rows: readonly RepeatSummary[], budget?: Budget): Fit<BgNbdParams> {
  return drive(bgnbdFitSteps(rows, budget, true));
}
export function fitMbgNbdAsync(rows: readonly RepeatSummary[], budget?: Budget): Promise<Fit<BgNbdParams>> {
  return driveAsync(bgnbdFitSteps(rows, budget, true));
}

/** 1 / P(alive) − 1 for x > 0: (a / (b + x − 1)) ((α + T) / (α + t_x))^{r+x}. */
function deadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 0;
  return (p.a / (p.b + x - 1)) * Math.exp((p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx)));
}

export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + deadOdds(p, x, tx, T));
}

/** E[X(T, T + t) | alive at T, x, T]: the part of the conditional expectation that does not depend on t_x. */
function aliveExpectation(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  // a = 1 is a removable singularity; step beside it.
  const a = Math.abs(p.a - 1) < 1e-7 ? 1 + 1e-7 : p.a;
  const h = alpha + T;
  const z = t / (h + t);
  // f = (1 − z)^{r+x} 2F1(r + x, b + x; a + b + x − 1; z), rewritten by Euler's transformation as
  // (1 − z)^{a−1} 2F1(a + b − 1 − r, a − 1; a + b + x − 1; z): the textbook form multiplies a power that underflows
  // by a 2F1 that overflows once x is in the thousands (0 · ∞ = NaN); this one stays O(1) for any x.
  const f = Math.exp((a - 1) * Math.log(h / (h + t))) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - f);
}

export function bgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return aliveExpectation(p, t, x, T) / (1 + deadOdds(p, x, tx, T));
}

/** E[X(t)] for a customer just acquired: the alive-conditional expectation with x = 0, T = 0. */
export function bgnbdExpectedCumulative(p: BgNbdParams, t: number): number {
  return aliveExpectation(p, t, 0, 0);
}

/** P(X(T) = x) for x = 0..maxX; `modified`: MBG/NBD (the customer may also drop out right after the first purchase). */
export function bgnbdFrequencyDistribution(p: BgNbdParams, T: number, maxX: number, modified = false): number[] {
  const m = modified ? 1 : 0;
  const { r, alpha, a, b } = p;
  const out: number[] = [];
  const lq0 = r * Math.log(alpha / (alpha + T)); // ln (α/(α+T))^r
  const lq = Math.log(T / (alpha + T));
  const lbAB = lbeta(a, b);
  const lr = lgamma(r);
  // Σ_{j<x} Γ(r+j)/(Γ(r) j!) (T/(α+T))^j, accumulated as x grows.
  let cumulative = 0;
  let term = 1; // the j-th summand without the (α/(α+T))^r factor
  for (let x = 0; x <= maxX; x++) {
    let v = Math.exp(lbeta(a, b + x + m) - lbAB + lgamma(r + x) - lr - lgamma(x + 1) + lq0 + (T > 0 ? x * lq : x === 0 ? 0 : -Infinity));
    if (x > 0) {
      cumulative += term;
      term *= ((r + x - 1) / x) * (T / (alpha + T));
    }
    // Dropped out at the x-th opportunity (after the x-th repeat purchase; MBG/NBD: also right after the first).
    if (x > 0 || modified) v += Math.exp(lbeta(a + 1, b + x - 1 + m) - lbAB) * Math.max(0, 1 - Math.exp(lq0) * cumulative);
    out.push(v);
  }
  return out;
}

/**
 * Per-parameter caches of the discounted, alive-conditional purchase sums: customers sharing (x, T) share the
 * expensive part (one 2F1 per period), so a run over a million customers with integer T computes each once.
 * Keyed by the params object, then (periods, discount), then T and x as numbers (no string keys in the hot path).
 */
interface DiscountCache {
  periods: number;
  discount: number;
  step: number;
  size: number;
  byT: Map<number, Map<number, number>>;
}
const discountCaches = new WeakMap<BgNbdParams, DiscountCache>();
const CACHE_LIMIT = 1_000_000;

function discountedAlive(p: BgNbdParams, x: number, T: number, periods: number, discountPerPeriod: number, step: number): number {
  let sum = 0;
  let prev = 0;
  let disc = 1;
  const factor = 1 / (1 + discountPerPeriod);
  for (let k = 1; k <= periods; k++) {
    const e = aliveExpectation(p, k * step, x, T);
    disc *= factor;
    sum += (e - prev) * disc;
    prev = e;
  }
  return sum;
}

export function bgnbdDiscountedPurchases(p: BgNbdParams, x: number, tx: number, T: number, periods: number, discountPerPeriod: number): number {
  return discountedAliveCached(p, x, T, periods, discountPerPeriod) / (1 + deadOdds(p, x, tx, T));
}

/**
 * Σ over `periods` periods of `step` time units each: the alive-conditional expected purchases of period k, discounted
 * by (1 + discountPerPeriod)^−k. Cached per params, x and T. Times P(alive), the discounted expected purchases.
 */
export function bgnbdDiscountedAlive(p: BgNbdParams, x: number, T: number, periods: number, discountPerPeriod: number, step = 1, modified = false): number {
  return discountedAliveCached(modified ? aliveParams(p) : p, x, T, periods, discountPerPeriod, step);
}

function discountedAliveCached(p: BgNbdParams, x: number, T: number, periods: number, discountPerPeriod: number, step = 1): number {
  let cache = discountCaches.get(p);
  if (!cache || cache.periods !== periods || cache.discount !== discountPerPeriod || cache.step !== step || cache.size >= CACHE_LIMIT) {
    cache = { periods, discount: discountPerPeriod, step, size: 0, byT: new Map() };
    discountCaches.set(p, cache);
  }
  let byX = cache.byT.get(T);
  if (!byX) cache.byT.set(T, (byX = new Map()));
  let sum = byX.get(x);
  if (sum === undefined) {
    sum = discountedAlive(p, x, T, periods, discountPerPeriod, step);
    byX.set(x, sum);
    cache.size++;
  }
  return sum;
}

// ---- MBG/NBD ------------------------------------------------------------------------------------------------

/** The BG/NBD parameters whose alive part equals MBG/NBD's (b + 1), one object per params (the caches key on it). */
const shifted = new WeakMap<BgNbdParams, BgNbdParams>();
function aliveParams(p: BgNbdParams): BgNbdParams {
  let q = shifted.get(p);
  if (!q) shifted.set(p, (q = { r: p.r, alpha: p.alpha, a: p.a, b: p.b + 1 }));
  return q;
}

/** MBG/NBD: 1 / P(alive) − 1 = (a / (b + x)) ((α + T) / (α + t_x))^{r+x}, for every x (a one-time buyer too). */
function mbgDeadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  return (p.a / (p.b + x)) * Math.exp((p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx)));
}

export function mbgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + mbgDeadOdds(p, x, tx, T));
}

/** E[X(T, T + t) | x, t_x, T] under MBG/NBD. */
export function mbgnbdExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return aliveExpectation(aliveParams(p), t, x, T) / (1 + mbgDeadOdds(p, x, tx, T));
}

/**
 * E[X(t)] for a customer just acquired: alive after the first purchase with probability b / (a + b), then the alive
 * part with x = 0, T = 0: b / (a − 1) · [1 − (α / (α + t))^r 2F1(r, b + 1; a + b; t / (α + t))].
 */
export function mbgnbdExpectedCumulative(p: BgNbdParams, t: number): number {
  return (p.b / (p.a + p.b)) * aliveExpectation(aliveParams(p), t, 0, 0);
}

/** Discounted expected purchases over `periods` under MBG/NBD (the alive part cached per x and T as for BG/NBD). */
export function mbgnbdDiscountedPurchases(p: BgNbdParams, x: number, tx: number, T: number, periods: number, discountPerPeriod: number): number {
  return discountedAliveCached(aliveParams(p), x, T, periods, discountPerPeriod) / (1 + mbgDeadOdds(p, x, tx, T));
}

/**
 * The part of E[X(T, T + t) | x, t_x, T] that does not depend on t_x (shared by customers with the same x and T):
 * E = this × P(alive). `modified`: MBG/NBD.
 */
export function bgnbdAliveExpectation(p: BgNbdParams, t: number, x: number, T: number, modified = false): number {
  return aliveExpectation(modified ? aliveParams(p) : p, t, x, T);
}
