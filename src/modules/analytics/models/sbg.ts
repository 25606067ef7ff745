import { deadlineOf, nelderMead, type Budget } from './optimize.js';
import { logBox, outcomeOf } from './common.js';
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

/**
 * One customer (or `n` alike) of a contract cohort: `periods` renewal decisions observed; `churned`: the customer
 * left at the last of them (lifetime = periods), else still renewing after them (lifetime > periods).
 */
export interface SbgLifetime {
  periods: number;
  churned: boolean;
  n?: number;
}

/** Log-likelihood of customers' lifetimes: Σ ln P(T = t) for those who left at t, Σ ln S(t) for those still there. */
export function sbgLifetimeLogLik(p: SbgParams, rows: readonly SbgLifetime[]): number {
  const { alpha, beta } = p;
  if (!(alpha > 0 && beta > 0)) return -Infinity;
  const lb = lbeta(alpha, beta);
  let ll = 0;
  for (const row of rows) {
    const t = row.periods;
    const v = row.churned ? lbeta(alpha + 1, beta + t - 1) - lb : lbeta(alpha, beta + t) - lb;
    ll += (row.n ?? 1) * v;
  }
  return ll;
}

/** Collapses identical (periods, churned) rows. */
function compressLifetimes(rows: readonly SbgLifetime[]): SbgLifetime[] {
  const by = new Map<number, SbgLifetime>();
  for (const r of rows) {
    const key = r.periods * 2 + (r.churned ? 1 : 0);
    const hit = by.get(key);
    if (hit) hit.n! += r.n ?? 1;
    else by.set(key, { periods: r.periods, churned: r.churned, n: r.n ?? 1 });
  }
  return [...by.values()].sort((a, b) => a.periods - b.periods || Number(a.churned) - Number(b.churned));
}

/**
 * Fits sBG on the customers themselves (every cohort with its own length of observation), so the fit's n and
 * log-likelihood are the sample's.
 */
export function fitSbgLifetimes(rows: readonly SbgLifetime[], budget?: Budget): Fit<SbgParams> {
  rows.forEach((r, i) => {
    if (!(Number.isInteger(r.periods) && r.periods >= (r.churned ? 1 : 0) && (r.n ?? 1) >= 0)) {
      throw new Error(`row ${i + 1}: not a valid lifetime: periods=${r.periods}, churned=${r.churned}`);
    }
  });
  const data = compressLifetimes(rows);
  const n = data.reduce((a, r) => a + (r.n ?? 1), 0);
  if (!(n > 0)) throw new Error('sBG needs at least one customer');
  if (!data.some((r) => r.periods > 0)) throw new Error('sBG needs at least one renewal decision');
  const toParams = (th: readonly number[]): SbgParams => ({ alpha: Math.exp(th[0]!), beta: Math.exp(th[1]!) });
  const box = logBox([null, null]);
  const res = nelderMead((th) => -sbgLifetimeLogLik(toParams(th), data) / n, [0, 0], { deadline: deadlineOf(budget), ...box, ...(budget?.maxIterations ? { maxIterations: budget.maxIterations } : {}) });
  return { model: 'sbg', params: toParams(res.x), logLik: -res.f * n, n, iterations: res.iterations, ...outcomeOf(res, box, ['alpha', 'beta']) };
}

/** Fits sBG on one cohort's survivor counts (customers still active at the start of each period). */
export function fitSbg(survivors: readonly number[], budget?: Budget): Fit<SbgParams> {
  if (survivors.length < 2) throw new Error('sBG needs the cohort size and at least one later count');
  survivors.forEach((s, i) => {
    if (!(Number.isFinite(s) && s >= 0 && (i === 0 ? s > 0 : s <= survivors[i - 1]!))) {
      throw new Error(`survivors[${i}] = ${s}: counts must be non-negative numbers that never increase, the first positive`);
    }
  });
  const rows: SbgLifetime[] = [];
  for (let t = 1; t < survivors.length; t++) rows.push({ periods: t, churned: true, n: survivors[t - 1]! - survivors[t]! });
  rows.push({ periods: survivors.length - 1, churned: false, n: survivors[survivors.length - 1]! });
  return fitSbgLifetimes(rows, budget);
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
