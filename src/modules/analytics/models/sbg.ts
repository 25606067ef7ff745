import { nelderMead } from './optimize.js';
import { interior } from './common.js';
import { hyp2f1, lbeta } from './special.js';
import type { Fit, SbgParams } from './types.js';

/** Shifted-beta-geometric (Fader & Hardie 2007, "How to Project Customer Retention"; 2010 for DERL). */

export function sbgLogLik(p: SbgParams, survivors: readonly number[]): number {
  const { alpha, beta } = p;
  if (!(alpha > 0 && beta > 0)) return -Infinity;
  let churn = alpha / (alpha + beta); // P(T = 1)
  let survival = 1 - churn; // S(1)
  let ll = 0;
  for (let t = 1; t < survivors.length; t++) {
    if (t > 1) {
      churn *= (beta + t - 2) / (alpha + beta + t - 1);
      survival -= churn;
    }
    ll += (survivors[t - 1]! - survivors[t]!) * Math.log(churn);
  }
  const last = survivors.length - 1;
  if (last >= 1) ll += survivors[last]! * Math.log(Math.max(survival, Number.MIN_VALUE));
  return ll;
}

export function fitSbg(survivors: readonly number[]): Fit<SbgParams> {
  if (survivors.length < 2) throw new Error('sBG needs the cohort size and at least one later count');
  survivors.forEach((s, i) => {
    if (!(Number.isFinite(s) && s >= 0 && (i === 0 ? s > 0 : s <= survivors[i - 1]!))) {
      throw new Error(`survivors[${i}] = ${s}: counts must be non-negative numbers that never increase, the first positive`);
    }
  });
  const toParams = (th: readonly number[]): SbgParams => ({ alpha: Math.exp(th[0]!), beta: Math.exp(th[1]!) });
  const n0 = survivors[0]!;
  const res = nelderMead((th) => -sbgLogLik(toParams(th), survivors) / n0, [0, 0]);
  return { model: 'sbg', params: toParams(res.x), logLik: -res.f * n0, n: n0, converged: res.converged && interior(res.x), iterations: res.iterations };
}

/** S(t) = B(α, β + t) / B(α, β). */
export function sbgSurvival(p: SbgParams, t: number): number {
  if (t <= 0) return 1;
  return Math.exp(lbeta(p.alpha, p.beta + t) - lbeta(p.alpha, p.beta));
}

/**
 * DERL (Fader & Hardie 2010, eq. 6) for a customer who has renewed `renewals` = n − 1 times and is at the end of
 * period n, about to decide whether to renew again: Σ_{t ≥ n} S(t | t > n − 1) / (1 + d)^{t − n}
 *   = (β + n − 1) / (α + β + n − 1) · 2F1(1, β + n; α + β + n; 1 / (1 + d)).
 */
export function sbgDiscountedResidualLifetime(p: SbgParams, renewals: number, d: number): number {
  const n = renewals + 1;
  const { alpha, beta } = p;
  if (d <= 0) {
    // Undiscounted: finite only for α > 1: (β + n − 1) / (α − 1).
    return alpha > 1 ? (beta + n - 1) / (alpha - 1) : Infinity;
  }
  return ((beta + n - 1) / (alpha + beta + n - 1)) * hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + d));
}
