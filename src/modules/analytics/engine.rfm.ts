/**
 * RFM scoring (one stage of the analytics run). Scores mean what users read:
 * - R = 1 for everyone whose last purchase is older than the window (or who never bought);
 * - customers without a purchase in the window get F = M = 1 and are not ranked with the buyers; a customer whose
 *   spend in the window is zero or negative gets M = 1;
 * - `quintiles`: the others are ranked among themselves by mid-rank (ties share one score, so a heap of equal values
 *   cannot be split arbitrarily); `thresholds`: fixed cut points from the settings.
 * So nobody becomes 重要价值 with zero spend, and the 64 % of a customer base that did not buy this year no longer
 * lift each other to F = 2. The cut points actually used are returned for the page.
 */
import type { AnalyticsSettings, RfmCuts, RfmGroup } from './analytics.contract.js';
import type { Population, RunClock } from './engine.population.js';

/** Mid-ranks in [0, 1): (number below + half the number equal) / n. */
export function midRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  // The end of each run of equal values, so that one search (the run's start) gives both bounds.
  const runEnd = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) runEnd[k] = k + 1 < n && sorted[k + 1] === sorted[k] ? runEnd[k + 1]! : k + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = lowerBound(sorted, values[i]!);
    out[i] = (lo + (runEnd[lo]! - lo) / 2) / n;
  }
  return out;
}

/** The first position in sorted `a` whose value is not below `v` (numbers, or strings in code-unit order). */
export function lowerBound<T extends number | string>(a: ArrayLike<T>, v: T): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Scores 1–5 by quintile of the mid-rank: a value's share of customers strictly below it plus half of those equal,
 * so ties share one score. `higherIsBetter=false` inverts (recency: fewer days is better).
 */
export function quintiles(values: Float64Array, higherIsBetter = true): Int8Array {
  const ranks = midRanks(values);
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = higherIsBetter ? ranks[i]! : 1 - ranks[i]!;
    out[i] = Math.min(5, Math.max(1, Math.floor(q * 5) + 1));
  }
  return out;
}

/** The eight groups: each of R, F, M is "high" when its score is ≥ 3. */
export function rfmGroup(r: number, f: number, m: number): RfmGroup {
  const R = r >= 3;
  const F = f >= 3;
  const M = m >= 3;
  if (M) return R ? (F ? 'important_value' : 'important_develop') : F ? 'important_keep' : 'important_retain';
  return R ? (F ? 'general_value' : 'general_develop') : F ? 'general_keep' : 'general_retain';
}

/** Scores of the eligible customers (others keep 1): quintiles among them, or fixed cut points. */
function scoreAmong(
  out: Int8Array,
  value: (i: number) => number,
  eligible: (i: number) => boolean,
  n: number,
  method: 'quintiles' | 'thresholds',
  cuts: readonly number[],
  lowerIsBetter: boolean,
): void {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    out[i] = 1;
    if (eligible(i)) idx.push(i);
  }
  if (!idx.length) return;
  if (method === 'thresholds') {
    for (const i of idx) {
      const v = value(i);
      let score = 1;
      if (lowerIsBetter) {
        // ≤ cuts[0] → 5, ≤ cuts[1] → 4, ≤ cuts[2] → 3, ≤ cuts[3] → 2
        for (let k = 0; k < 4; k++) if (v <= cuts[k]!) {
          score = 5 - k;
          break;
        }
      } else {
        // ≥ cuts[3] → 5, ≥ cuts[2] → 4, ≥ cuts[1] → 3, ≥ cuts[0] → 2
        for (let k = 3; k >= 0; k--) if (v >= cuts[k]!) {
          score = k + 2;
          break;
        }
      }
      out[i] = score;
    }
    return;
  }
  const scores = quintiles(Float64Array.from(idx, value), !lowerIsBetter);
  idx.forEach((i, k) => (out[i] = scores[k]!));
}

/** Per score, the range of values that got it (for the page: "F = 4: 3–5 purchase days, 812 customers"). */
function cutsOf(scores: Int8Array, value: (i: number) => number | null, n: number): RfmCuts['r'] {
  const out = [1, 2, 3, 4, 5].map((score) => ({ score, min: null as number | null, max: null as number | null, count: 0 }));
  for (let i = 0; i < n; i++) {
    const c = out[scores[i]! - 1]!;
    c.count++;
    const v = value(i);
    if (v === null) continue;
    c.min = c.min === null ? v : Math.min(c.min, v);
    c.max = c.max === null ? v : Math.max(c.max, v);
  }
  return out;
}

/**
 * R, F, M scores and groups. `recencyDays[i]` is −1 for a customer who never bought; `freq` counts purchase days in
 * the window and `monetary` the window's net spend in fen.
 */
export function scoreRfm(
  n: number,
  recencyDays: Int32Array,
  freq: Int32Array,
  monetary: Float64Array,
  s: Pick<AnalyticsSettings, 'rfmWindowDays' | 'rfmScoring' | 'rfmThresholds'>,
): { r: Int8Array; f: Int8Array; m: Int8Array; group: RfmGroup[]; cuts: RfmCuts } {
  const r = new Int8Array(n);
  const f = new Int8Array(n);
  const m = new Int8Array(n);
  const inWindow = (i: number) => freq[i]! > 0 && recencyDays[i]! >= 0 && recencyDays[i]! < s.rfmWindowDays;
  scoreAmong(r, (i) => recencyDays[i]!, inWindow, n, s.rfmScoring, s.rfmThresholds.r, true);
  scoreAmong(f, (i) => freq[i]!, inWindow, n, s.rfmScoring, s.rfmThresholds.f, false);
  scoreAmong(m, (i) => monetary[i]!, (i) => inWindow(i) && monetary[i]! > 0, n, s.rfmScoring, s.rfmThresholds.m, false);
  const group: RfmGroup[] = new Array(n);
  for (let i = 0; i < n; i++) group[i] = rfmGroup(r[i]!, f[i]!, m[i]!);
  const cuts: RfmCuts = {
    method: s.rfmScoring,
    r: cutsOf(r, (i) => (recencyDays[i]! < 0 ? null : recencyDays[i]!), n),
    f: cutsOf(f, (i) => freq[i]!, n),
    m: cutsOf(m, (i) => monetary[i]!, n),
  };
  return { r, f, m, group, cuts };
}

/** The RFM stage's figures: days since the last purchase and since the first transaction, the scores and groups. */
export type RfmStage = {
  recencyDays: Int32Array; // −1 = never
  tenureDays: Int32Array; // −1 = never
  /** The day of the last purchase of anyone (−Infinity without any). */
  dataEnd: number;
  r: Int8Array;
  f: Int8Array;
  m: Int8Array;
  group: RfmGroup[];
  cuts: RfmCuts;
};

/** Stage 1 of the run: recency and tenure as of the as-of date, then the R, F, M scores and the eight groups. */
export function rfmStage(p: Population, s: AnalyticsSettings, clock: RunClock): RfmStage {
  const n = p.n;
  const recencyDays = new Int32Array(n);
  const tenureDays = new Int32Array(n);
  let dataEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const last = p.lastDay[i]!;
    recencyDays[i] = Number.isNaN(last) ? -1 : Math.max(0, clock.asOfDay - last);
    tenureDays[i] = Number.isNaN(p.firstDay[i]!) ? -1 : Math.max(0, clock.asOfDay - p.firstDay[i]!);
    if (!Number.isNaN(last) && last > dataEnd) dataEnd = last;
  }
  return { recencyDays, tenureDays, dataEnd, ...scoreRfm(n, recencyDays, p.freq, p.monetary, s) };
}
