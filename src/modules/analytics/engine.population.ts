/**
 * The analytics run's population: one customer per index in typed arrays (a million customers take ~150 MB), with
 * the run's calendar. Days are day numbers (days since 1970-01-01) of the company's time zone: the transactions of a
 * customer on one day are one purchase (the convention of Fader, Hardie & Lee, used by every figure of the run and by
 * `summarisePurchases`).
 */
import { yieldToEventLoop } from '../../platform/db/slice.js';
export const DAY = 86_400;
export const WEEK = 7 * DAY;
/** Fits use at most this many customers (an even stride over the id order, which is random): estimates from 100,000 are tight. */
export const FIT_SAMPLE = 100_000;
/**
 * Pareto/NBD, kept for comparison, has a costlier likelihood (a hypergeometric function per distinct row): a smaller
 * sample, with t_x and T rounded to whole weeks so that identical rows collapse.
 */
export const PNBD_SAMPLE = 2_000;
export const HOLDOUT_WEEKS = 52;
/**
 * Fewer customers than this are not fitted (the estimates would be noise, and on a handful of rows the likelihood can
 * run off to infinite parameters): model-based figures stay empty.
 */
export const MIN_FIT = 30;
/** Seasons of the contract kept in the bit mask (bit k = season currentSeason − k). */
export const SEASON_BITS = 30;

/** One customer per index; days are day numbers (NaN when absent), money in fen. */
export class Population {
  n = 0;
  ids: string[] = [];
  /** First transaction of any kind. */
  firstDay: Float64Array;
  /** Last purchase (any sale). */
  lastDay: Float64Array;
  /** Purchase days in the RFM window, and the window's net spend. */
  freq: Int32Array;
  monetary: Float64Array;
  /** Net spend of all time. */
  lifetime: Float64Array;
  /** Purchase days of all time. */
  purchases: Int32Array;
  /** Service (non-contract) purchase days: count, first, last, summed amount, the first day's amount. */
  svcN: Int32Array;
  svcFirst: Float64Array;
  svcLast: Float64Array;
  svcSum: Float64Array;
  svcFirstAmount: Float64Array;
  /** The same up to the calibration end of the holdout diagnostic. */
  svcNCal: Int32Array;
  svcLastCal: Float64Array;
  seasons: Int32Array;
  fee: Float64Array;
  interactions: Int32Array;
  tagBits: Int32Array;
  customNum: Float64Array;
  /** Service purchase days in each holdout week by customers acquired by the calibration end. */
  holdoutWeekly = new Float64Array(HOLDOUT_WEEKS);
  transactions = 0;

  constructor(readonly capacity: number) {
    const f = () => new Float64Array(capacity);
    const i = () => new Int32Array(capacity);
    this.firstDay = f();
    this.lastDay = f();
    this.freq = i();
    this.monetary = f();
    this.lifetime = f();
    this.purchases = i();
    this.svcN = i();
    this.svcFirst = f();
    this.svcLast = f();
    this.svcSum = f();
    this.svcFirstAmount = f();
    this.svcNCal = i();
    this.svcLastCal = f();
    this.seasons = i();
    this.fee = f();
    this.interactions = i();
    this.tagBits = i();
    this.customNum = f();
  }
}

export type RunClock = {
  /** The company's time zone: day numbers are of its calendar. */
  zone: string;
  /** The as-of date's day number (the last day included). */
  asOfDay: number;
  /** The end of the as-of day (company time zone), epoch seconds. */
  asOfEnd: number;
  /** The first day of the RFM window, and its start in epoch seconds. */
  windowStartDay: number;
  windowStartAt: number;
  /** The last day of the calibration period of the holdout diagnostic (52 weeks before the as-of date). */
  calDay: number;
  /** The heating season in progress at the as-of date (its start year), and whether its payment deadline passed. */
  currentSeason: number;
  seasonDue: boolean;
};

/** The day number of a 'YYYY-MM-DD' date. */
export function dayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The season calendar of the heating template: a season's fees fall due from 15 August, the deadline is 1 December. */
export function runClock(asOf: string, windowDays: number, endOfDay: number, zone = 'Asia/Shanghai'): RunClock {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const currentSeason = m >= 8 ? y : y - 1;
  const seasonDue = m === 12 || (m < 8 && m >= 1) || (m === 11 && d > 30);
  const asOfDay = dayOfDate(asOf);
  return {
    zone,
    asOfDay,
    asOfEnd: endOfDay,
    windowStartDay: asOfDay - windowDays + 1,
    windowStartAt: endOfDay - windowDays * DAY,
    calDay: asOfDay - HOLDOUT_WEEKS * 7,
    currentSeason,
    seasonDue,
  };
}

/** Deterministic stride sample of indexes (the id order is random, so a stride is an unbiased sample). */
export function stride(indexes: number[], max: number): number[] {
  if (indexes.length <= max) return indexes;
  const step = indexes.length / max;
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(indexes[Math.floor(k * step)]!);
  return out;
}

/**
 * A turn for the event loop whenever the caller has computed for `sliceMs`: long loops call it every few thousand
 * customers, so the server answers requests while a run computes.
 */
export function cooperative(sliceMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await yieldToEventLoop();
    since = performance.now();
  };
}
export type Tick = ReturnType<typeof cooperative>;
