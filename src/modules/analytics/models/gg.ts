import { compressSpend, logBox, outcomeOf, totalWeight } from './common.js';
import { bfgsThenNelderMead, drive, driveAsync, type Budget, type Steps } from './optimize.js';
import { digamma, lgamma } from './special.js';
import type { Fit, GammaGammaParams, SpendSummary } from './types.js';

/** Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves"; Colombo & Jiang 1999). */

export function ggLogLik(p: GammaGammaParams, rows: readonly SpendSummary[]): number {
  const { p: pp, q, v } = p;
  if (!(pp > 0 && q > 0 && v > 0)) return -Infinity;
  const lq = lgamma(q) - q * Math.log(v);
  let ll = 0;
  for (const row of rows) {
    const { x, m } = row;
    const px = pp * x;
    ll += (row.n ?? 1) * (lgamma(px + q) - lgamma(px) - lq + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(x * m + v));
  }
  return ll;
}

/** −LL / n and its gradient in θ = ln(p, q, v); the gamma terms depend on x only and are computed per distinct x. */
function ggObjective(rows: readonly SpendSummary[]): (th: readonly number[], grad: number[] | null) => number {
  const xIds = new Map<number, number>();
  const xValues: number[] = [];
  const count = rows.length;
  const xIdx = new Int32Array(count);
  const w = new Float64Array(count);
  const xm = new Float64Array(count);
  let constant = 0; // Σ n (x ln x − ln m), the part of (px − 1) ln m + px ln x that does not multiply p
  let lnmx = 0; // Σ n x (ln m + ln x)
  let total = 0;
  rows.forEach((r, i) => {
    let k = xIds.get(r.x);
    if (k === undefined) {
      k = xValues.length;
      xIds.set(r.x, k);
      xValues.push(r.x);
    }
    const n = r.n ?? 1;
    xIdx[i] = k;
    w[i] = n;
    xm[i] = r.x * r.m;
    constant -= n * Math.log(r.m);
    lnmx += n * r.x * (Math.log(r.m) + Math.log(r.x));
    total += n;
  });
  const wX = new Float64Array(xValues.length);
  for (let i = 0; i < count; i++) wX[xIdx[i]!]! += w[i]!;
  return (th, grad) => {
    const p = Math.exp(th[0]!);
    const q = Math.exp(th[1]!);
    const v = Math.exp(th[2]!);
    if (!(p > 0 && q > 0 && v > 0 && Number.isFinite(p * q * v))) return Infinity;
    const lnV = Math.log(v);
    let ll = constant + p * lnmx + total * (q * lnV - lgamma(q));
    let gp = lnmx;
    let gq = total * (lnV - digamma(q));
    let gv = (total * q) / v;
    for (let k = 0; k < xValues.length; k++) {
      const x = xValues[k]!;
      const px = p * x;
      const psiPxQ = digamma(px + q);
      ll += wX[k]! * (lgamma(px + q) - lgamma(px));
      gp += wX[k]! * x * (psiPxQ - digamma(px));
      gq += wX[k]! * psiPxQ;
    }
    for (let i = 0; i < count; i++) {
      const x = xValues[xIdx[i]!]!;
      const s = xm[i]! + v;
      const ls = Math.log(s);
      const n = w[i]!;
      ll -= n * (p * x + q) * ls;
      gp -= n * x * ls;
      gq -= n * ls;
      gv -= (n * (p * x + q)) / s;
    }
    if (grad) {
      grad[0] = (-p * gp) / total;
      grad[1] = (-q * gq) / total;
      grad[2] = (-v * gv) / total;
    }
    return -ll / total;
  };
}

/** The maximum-likelihood search of Gamma-Gamma, in steps (see optimize.ts). */
export function* ggFitSteps(rows: readonly SpendSummary[], budget?: Budget): Steps<Fit<GammaGammaParams>> {
  if (rows.length === 0) throw new Error('no customers with repeat purchases to fit');
  rows.forEach((r, i) => {
    if (!(Number.isFinite(r.x) && Number.isFinite(r.m) && r.x >= 1 && r.m > 0)) {
      throw new Error(`row ${i + 1}: Gamma-Gamma needs x ≥ 1 and a positive mean spend: x=${r.x}, m=${r.m}`);
    }
  });
  const data = compressSpend(rows);
  const n = totalWeight(data);
  let meanM = 0;
  for (const d of data) meanM += (d.n ?? 1) * d.m;
  meanM /= n;
  const toParams = (th: readonly number[]): GammaGammaParams => ({ p: Math.exp(th[0]!), q: Math.exp(th[1]!), v: Math.exp(th[2]!) });
  const start = [0, Math.log(2), Math.log(meanM)];
  const box = logBox([null, null, meanM]);
  const res = yield* bfgsThenNelderMead(ggObjective(data), (th) => -ggLogLik(toParams(th), data) / n, start, box, budget);
  return { model: 'gg', params: toParams(res.x), logLik: -res.f * n, n, iterations: res.iterations, ...outcomeOf(res, box, ['p', 'q', 'v']) };
}

export function fitGammaGamma(rows: readonly SpendSummary[], budget?: Budget): Fit<GammaGammaParams> {
  return drive(ggFitSteps(rows, budget));
}
export function fitGammaGammaAsync(rows: readonly SpendSummary[], budget?: Budget): Promise<Fit<GammaGammaParams>> {
  return driveAsync(ggFitSteps(rows, budget));
}

export function ggExpectedSpend(p: GammaGammaParams, x: number, m: number): number {
  const { p: pp, q, v } = p;
  if (x <= 0) return (pp * v) / (q - 1);
  return (pp * (v + x * m)) / (pp * x + q - 1);
}
