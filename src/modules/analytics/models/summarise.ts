import { bgnbdFrequencyDistribution } from './bgnbd.js';
import type { BgNbdParams, RepeatSummary } from './types.js';

/** A purchase date: a Date, 'YYYY-MM-DD' / 'YYYYMMDD', or a UTC day number (days since 1970-01-01). */
export type PurchaseDate = Date | string | number;

const DAY_MS = 86_400_000;

/** The UTC day number of a purchase date. */
export function dayNumber(d: PurchaseDate): number {
  if (typeof d === 'number') return Math.floor(d);
  if (d instanceof Date) return Math.floor(d.getTime() / DAY_MS);
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(d.trim());
  if (!m) throw new Error(`not a date: ${d}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export interface SummariseOptions {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: PurchaseDate;
  /** Last day of the holdout period (inclusive); default: no holdout. */
  observationEnd?: PurchaseDate;
  /** Days per time unit of t_x and T: 7 = weeks (default), 1 = days. */
  unitDays?: number;
}

/** A purchase: its date, or its date and amount (amounts of the same day are added: one transaction). */
export type Purchase = PurchaseDate | { date: PurchaseDate; amount: number };

export interface PurchaseSummary extends RepeatSummary {
  /** Position of the customer in the input. */
  index: number;
  /** Day number of the first purchase. */
  first: number;
  /** Repeat purchases (distinct days) after the calibration end, up to the observation end: x*. */
  holdout: number;
  /** Mean amount of the calibration-period repeat transactions (0 when x = 0 or no amounts were given). */
  m: number;
}

/** Distinct purchase days in order, with the day's summed amount. */
function purchaseDays(purchases: readonly Purchase[]): { days: number[]; amounts: number[] } {
  const byDay = new Map<number, number>();
  for (const p of purchases) {
    if (typeof p === 'object' && !(p instanceof Date)) {
      const d = dayNumber(p.date);
      byDay.set(d, (byDay.get(d) ?? 0) + p.amount);
    } else {
      const d = dayNumber(p);
      byDay.set(d, byDay.get(d) ?? 0);
    }
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  return { days, amounts: days.map((d) => byDay.get(d)!) };
}

/**
 * Builds calibration-period (x, t_x, T), the mean repeat spend m and holdout counts x* from raw purchases, as in
 * Fader, Hardie & Lee: purchases on the same day are one transaction; x counts the days with a purchase after the
 * first; t_x is the time from the first purchase to the last one and T from the first purchase to the calibration
 * end. Customers whose first purchase is after the calibration end are left out (their `index` is missing).
 */
export function summarisePurchases(customers: Iterable<readonly Purchase[]>, options: SummariseOptions): PurchaseSummary[] {
  const calEnd = dayNumber(options.calibrationEnd);
  const obsEnd = options.observationEnd === undefined ? calEnd : dayNumber(options.observationEnd);
  const unit = options.unitDays ?? 7;
  const out: PurchaseSummary[] = [];
  let index = -1;
  for (const purchases of customers) {
    index++;
    if (purchases.length === 0) continue;
    const { days, amounts } = purchaseDays(purchases);
    const first = days[0]!;
    if (first > calEnd) continue;
    let x = 0;
    let last = first;
    let holdout = 0;
    let spend = 0;
    for (let i = 1; i < days.length; i++) {
      const d = days[i]!;
      if (d <= calEnd) {
        x++;
        last = d;
        spend += amounts[i]!;
      } else if (d <= obsEnd) holdout++;
    }
    out.push({ index, first, x, tx: (last - first) / unit, T: (calEnd - first) / unit, holdout, m: x > 0 ? spend / x : 0 });
  }
  return out;
}

export interface TrackingPoint {
  /** 1-based period number from the start. */
  period: number;
  /** Day number where the period ends (exclusive). */
  end: number;
  actual: number;
  expected: number;
  actualCumulative: number;
  expectedCumulative: number;
}

export interface TrackingOptions {
  /** First day of the first period (default: the earliest first purchase). */
  start?: PurchaseDate;
  /** Last day included (inclusive). */
  end: PurchaseDate;
  unitDays?: number;
}

/**
 * Actual vs expected repeat purchases per period (the tracking plot of Fader, Hardie & Lee, Figure 2/3): every
 * customer enters at the first purchase; the expected cumulative repeat purchases at time τ are
 * Σ_customers E[X(τ − first)], with `expectedCumulative` the model's E[X(t)] in periods of `unitDays` days
 * (e.g. `(t) => bgnbdExpectedCumulative(params, t)`). Customers are grouped by their first day, so the cost is
 * (distinct first days × periods) evaluations of E[X(t)].
 */
export function trackingCurve(
  customers: Iterable<readonly Purchase[]>,
  expectedCumulative: (t: number) => number,
  options: TrackingOptions,
): TrackingPoint[] {
  const unit = options.unitDays ?? 7;
  const end = dayNumber(options.end);
  const cohorts = new Map<number, number>();
  const repeatDays: number[] = [];
  let earliest = Infinity;
  for (const purchases of customers) {
    if (purchases.length === 0) continue;
    const { days } = purchaseDays(purchases);
    const first = days[0]!;
    if (first > end) continue;
    earliest = Math.min(earliest, first);
    cohorts.set(first, (cohorts.get(first) ?? 0) + 1);
    for (let i = 1; i < days.length; i++) if (days[i]! <= end) repeatDays.push(days[i]!);
  }
  if (!Number.isFinite(earliest)) return [];
  const start = options.start === undefined ? earliest : dayNumber(options.start);
  const periods = Math.ceil((end + 1 - start) / unit);
  const actual = new Array<number>(periods).fill(0);
  for (const d of repeatDays) {
    const k = Math.floor((d - start) / unit);
    if (k >= 0 && k < periods) actual[k]!++;
  }
  const points: TrackingPoint[] = [];
  let actualCumulative = 0;
  let previousExpected = 0;
  const cohortList = [...cohorts.entries()];
  for (let k = 0; k < periods; k++) {
    const periodEnd = Math.min(start + (k + 1) * unit, end + 1);
    let expectedCum = 0;
    for (const [first, count] of cohortList) if (first < periodEnd) expectedCum += count * expectedCumulative((periodEnd - first) / unit);
    actualCumulative += actual[k]!;
    points.push({ period: k + 1, end: periodEnd, actual: actual[k]!, expected: expectedCum - previousExpected, actualCumulative, expectedCumulative: expectedCum });
    previousExpected = expectedCum;
  }
  return points;
}

export interface FrequencyPoint {
  /** Repeat purchases; the last bucket holds `x ≥ maxX`. */
  x: number;
  actual: number;
  expected: number;
}

/**
 * Actual vs predicted number of customers by calibration-period repeat frequency (Fader, Hardie & Lee, Figure 1):
 * expected = Σ_customers P(X(T_i) = x). Customers sharing T share the computation.
 */
export function bgnbdFrequencyComparison(p: BgNbdParams, rows: readonly RepeatSummary[], maxX: number): FrequencyPoint[] {
  const points: FrequencyPoint[] = Array.from({ length: maxX + 1 }, (_, x) => ({ x, actual: 0, expected: 0 }));
  const byT = new Map<number, number>();
  for (const r of rows) {
    const n = r.n ?? 1;
    points[Math.min(r.x, maxX)]!.actual += n;
    byT.set(r.T, (byT.get(r.T) ?? 0) + n);
  }
  for (const [T, n] of byT) {
    const dist = bgnbdFrequencyDistribution(p, T, maxX - 1);
    let rest = 1;
    for (let x = 0; x < maxX; x++) {
      points[x]!.expected += n * dist[x]!;
      rest -= dist[x]!;
    }
    points[maxX]!.expected += n * Math.max(0, rest);
  }
  return points;
}
