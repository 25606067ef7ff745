/**
 * The arithmetic of survey results (issue #15): NPS with its 95% interval, CSAT (share of 4–5 and the mean), CES,
 * SERVQUAL gaps per item, per dimension and overall (unweighted and importance-weighted), and response rates. Pure
 * functions on counts and sums, so the service can aggregate in SQL (GROUP BY score) and hand over a few numbers, and
 * tests can check every figure by hand. Numbers are returned raw (shares in percent); rounding is for presentation.
 */
import { wilson, Z95 } from '../../platform/stats.js';
import { DIMENSIONS, type Dimension, type ServqualAnswer } from './definition.js';

/** Counts per score min..max from a list of scores (scores outside the range or not integers are a RangeError). */
export function tally(scores: readonly number[], min: number, max: number): number[] {
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const s of scores) {
    if (!Number.isInteger(s) || s < min || s > max) throw new RangeError(`score ${s} is not an integer in ${min}..${max}`);
    counts[s - min]! += 1;
  }
  return counts;
}

function checkCounts(counts: readonly number[], length: number, what: string): number {
  if (counts.length !== length) throw new RangeError(`${what} needs ${length} counts, got ${counts.length}`);
  let n = 0;
  for (const c of counts) {
    if (!Number.isFinite(c) || c < 0) throw new RangeError(`${what}: a count must be a non-negative number, got ${c}`);
    n += c;
  }
  return n;
}

const sum = (counts: readonly number[], from: number, to: number) => counts.slice(from, to + 1).reduce((s, c) => s + c, 0);
/** The mean score of counts over scores min, min+1, … */
const meanOf = (counts: readonly number[], min: number, n: number) => counts.reduce((s, c, i) => s + c * (min + i), 0) / n;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export interface NpsResult {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100..100; null when n = 0. */
  nps: number | null;
  /** NPS ± z·sd (z = 1.959964, platform/stats.ts) in percentage points, clamped to [−100, 100]; null when n = 0. */
  ci95: [number, number] | null;
}

/**
 * NPS from the counts of scores 0..10 (counts[0] = how many answered 0). Promoters 9–10, passives 7–8, detractors
 * 0–6. The interval treats promoter/passive/detractor as a multinomial: var(p_pro − p_det) =
 * (p_pro + p_det − (p_pro − p_det)²) / n. All promoters (or all detractors) have variance 0: the interval is the point.
 */
export function npsOf(counts: readonly number[]): NpsResult {
  const n = checkCounts(counts, 11, 'NPS');
  const promoters = sum(counts, 9, 10);
  const passives = sum(counts, 7, 8);
  const detractors = sum(counts, 0, 6);
  if (n === 0) return { n, promoters, passives, detractors, nps: null, ci95: null };
  const pro = promoters / n;
  const det = detractors / n;
  const diff = pro - det;
  const sd = Math.sqrt(Math.max(0, pro + det - diff * diff) / n);
  const ci95: [number, number] = [clamp(100 * (diff - Z95 * sd), -100, 100), clamp(100 * (diff + Z95 * sd), -100, 100)];
  return { n, promoters, passives, detractors, nps: 100 * diff, ci95 };
}

/** NPS from a list of 0..10 scores. */
export const npsOfScores = (scores: readonly number[]) => npsOf(tally(scores, 0, 10));

/** Wilson's 95% score interval for a proportion (platform/stats.ts), in percent; null when n = 0. */
export function wilson95(successes: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const w = wilson(successes, n);
  return [100 * w.lower, 100 * w.upper];
}

export interface CsatResult {
  n: number;
  /** How many answered 4 or 5. */
  satisfied: number;
  /** Share of 4–5 in percent; null when n = 0. */
  satisfiedShare: number | null;
  /** Mean score 1–5; null when n = 0. */
  mean: number | null;
  /** Wilson 95% interval of satisfiedShare, in percent. */
  ci95: [number, number] | null;
}

/** CSAT from the counts of scores 1..5 (counts[0] = how many answered 1). */
export function csatOf(counts: readonly number[]): CsatResult {
  const n = checkCounts(counts, 5, 'CSAT');
  const satisfied = sum(counts, 3, 4);
  if (n === 0) return { n, satisfied, satisfiedShare: null, mean: null, ci95: null };
  return { n, satisfied, satisfiedShare: (100 * satisfied) / n, mean: meanOf(counts, 1, n), ci95: wilson95(satisfied, n) };
}

export const csatOfScores = (scores: readonly number[]) => csatOf(tally(scores, 1, 5));

export interface CesResult {
  n: number;
  /** Mean score 1–7 (7 = very easy); null when n = 0. */
  mean: number | null;
  /** Share of 5–7 in percent; null when n = 0. */
  easyShare: number | null;
}

/** CES from the counts of scores 1..7 (counts[0] = how many answered 1). */
export function cesOf(counts: readonly number[]): CesResult {
  const n = checkCounts(counts, 7, 'CES');
  if (n === 0) return { n, mean: null, easyShare: null };
  return { n, mean: meanOf(counts, 1, n), easyShare: (100 * sum(counts, 4, 6)) / n };
}

export const cesOfScores = (scores: readonly number[]) => cesOf(tally(scores, 1, 7));

/** Per SERVQUAL item: how many answered it and the sums of their expectation and perception scores. */
export interface ServqualSums {
  itemId: string;
  n: number;
  sumE: number;
  sumP: number;
}

export interface ServqualItemResult {
  id: string;
  dimension: Dimension;
  n: number;
  expectation: number | null;
  perception: number | null;
  /** mean(P) − mean(E): negative when the service falls short of what was expected. */
  gap: number | null;
}

export interface ServqualDimensionResult {
  dimension: Dimension;
  /** Items of the dimension with answers. */
  items: number;
  expectation: number | null;
  perception: number | null;
  /** Mean of its items' gaps (unweighted); null when none has answers. */
  gap: number | null;
  /** Importance points (of 100), or null when no weights were given. */
  weight: number | null;
}

export interface ServqualResult {
  items: ServqualItemResult[];
  /** The five dimensions in the classic order (those without items have null gaps). */
  dimensions: ServqualDimensionResult[];
  /** Mean of the dimension gaps (unweighted SERVQUAL score). */
  gap: number | null;
  /**
   * Σ weight_d · gap_d / 100 (weighted SERVQUAL score). Should a dimension have no answers, the others' weights are
   * scaled up to 100 (Σ w_d·gap_d / Σ w_d over the dimensions with a gap). Null without weights.
   */
  weightedGap: number | null;
}

const mean = (values: readonly number[]) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
const present = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null);

/** The gap and weight of one dimension from its items' results. */
function dimensionOf(dimension: Dimension, items: readonly ServqualItemResult[], weights?: Partial<Record<Dimension, number>>): ServqualDimensionResult {
  const own = items.filter((i) => i.dimension === dimension && i.n > 0);
  return {
    dimension,
    items: own.length,
    expectation: mean(present(own.map((i) => i.expectation))),
    perception: mean(present(own.map((i) => i.perception))),
    gap: mean(present(own.map((i) => i.gap))),
    weight: weights ? (weights[dimension] ?? 0) : null,
  };
}

/** The weighted score over the dimensions with a gap, their weights rescaled to their own total. */
function weightedGapOf(dimensions: readonly ServqualDimensionResult[]): number | null {
  let weightSum = 0;
  let total = 0;
  for (const d of dimensions) {
    if (d.gap === null || d.weight === null) continue;
    weightSum += d.weight;
    total += d.weight * d.gap;
  }
  return weightSum > 0 ? total / weightSum : null;
}

/**
 * SERVQUAL results from the items of the question (id and dimension) and the per-item sums. Items without sums count
 * as unanswered; sums for items not in the question are ignored.
 */
export function servqualOf(
  items: readonly { id: string; dimension: Dimension }[],
  sums: readonly ServqualSums[],
  weights?: Partial<Record<Dimension, number>>,
): ServqualResult {
  const byItem = new Map(sums.map((s) => [s.itemId, s]));
  const itemResults = items.map((item): ServqualItemResult => {
    const s = byItem.get(item.id);
    if (!s || s.n <= 0) return { id: item.id, dimension: item.dimension, n: 0, expectation: null, perception: null, gap: null };
    const expectation = s.sumE / s.n;
    const perception = s.sumP / s.n;
    return { id: item.id, dimension: item.dimension, n: s.n, expectation, perception, gap: perception - expectation };
  });
  const dimensions = DIMENSIONS.map((d) => dimensionOf(d, itemResults, weights));
  return { items: itemResults, dimensions, gap: mean(present(dimensions.map((d) => d.gap))), weightedGap: weights ? weightedGapOf(dimensions) : null };
}

/** Per-item sums from cleaned SERVQUAL answers (one per response), for servqualOf. */
export function servqualSumsOf(items: readonly { id: string }[], answers: readonly ServqualAnswer[]): ServqualSums[] {
  return items.map(({ id }) => {
    const out: ServqualSums = { itemId: id, n: 0, sumE: 0, sumP: 0 };
    for (const a of answers) {
      const pair = a[id];
      if (!pair) continue;
      out.n += 1;
      out.sumE += pair.e;
      out.sumP += pair.p;
    }
    return out;
  });
}

/** Responses per invitation in percent; null when nobody was invited. */
export function responseRate(invited: number, responded: number): number | null {
  if (!(invited > 0)) return null;
  return (100 * Math.max(0, responded)) / invited;
}
