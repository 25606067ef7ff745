/**
 * The analytics run's arithmetic, over one in-memory population of customers held in typed arrays (a million
 * customers take ~150 MB): RFM quintiles and groups, formula CLV, the model-based CLV (BG/NBD + Gamma-Gamma for the
 * non-contractual purchases, sBG for the yearly contract), the value scorecard and tiers, loyalty and the value ×
 * loyalty quadrant, churn risk with its reasons, and k-means segments. No database here: the repository fills a
 * `Population`, this file returns the results.
 */
import { kmeans } from 'ml-kmeans';
import {
  bgnbdDiscountedPurchases,
  bgnbdExpectedCumulative,
  bgnbdExpectedPurchases,
  bgnbdFrequencyDistribution,
  bgnbdPAlive,
  compress,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  fitSbg,
  ggExpectedSpend,
  sbgDiscountedResidualLifetime,
  sbgSurvival,
  type BgNbdParams,
  type Fit,
  type GammaGammaParams,
  type RepeatSummary,
  type SbgParams,
} from './models/index.js';
import type {
  AnalyticsSettings,
  ChurnLevel,
  ChurnReason,
  FitSummary,
  Quadrant,
  RfmGroup,
  RunDiagnostics,
  RunFits,
  ValueKind,
  ValueTier,
} from './analytics.contract.js';
import { VALUE_KINDS } from './analytics.contract.js';

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

/** One customer per index; times are epoch seconds (NaN when absent), money in fen. */
export class Population {
  n = 0;
  ids: string[] = [];
  firstAt: Float64Array;
  lastAt: Float64Array;
  freq: Int32Array;
  monetary: Float64Array;
  lifetime: Float64Array;
  purchases: Int32Array;
  svcN: Int32Array;
  svcFirst: Float64Array;
  svcLast: Float64Array;
  svcSum: Float64Array;
  svcFirstAmount: Float64Array;
  svcNCal: Int32Array;
  svcLastCal: Float64Array;
  seasons: Int32Array;
  fee: Float64Array;
  interactions: Int32Array;
  tagBits: Int32Array;
  customNum: Float64Array;
  /** Service purchases in each holdout week by customers acquired before the calibration end. */
  holdoutWeekly = new Float64Array(HOLDOUT_WEEKS);
  transactions = 0;

  constructor(readonly capacity: number) {
    const f = () => new Float64Array(capacity);
    const i = () => new Int32Array(capacity);
    this.firstAt = f();
    this.lastAt = f();
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
  /** The end of the as-of day (company time zone), epoch seconds. */
  asOfEnd: number;
  /** The start of the RFM window. */
  windowStart: number;
  /** The end of the calibration period of the holdout diagnostic. */
  calEnd: number;
  /** The heating season in progress at the as-of date (its start year), and whether its payment deadline passed. */
  currentSeason: number;
  seasonDue: boolean;
};

/** The season calendar of the heating template: a season's fees fall due from 15 August, the deadline is 1 December. */
export function runClock(asOf: string, windowDays: number, endOfDay: number): RunClock {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const currentSeason = m >= 8 ? y : y - 1;
  const seasonDue = m === 12 || (m < 8 && m >= 1) || (m === 11 && d > 30);
  return { asOfEnd: endOfDay, windowStart: endOfDay - windowDays * DAY, calEnd: endOfDay - HOLDOUT_WEEKS * WEEK, currentSeason, seasonDue };
}

export type ChurnSignalResult = Map<number, ChurnReason[]>;

export type Results = {
  r: Int8Array;
  f: Int8Array;
  m: Int8Array;
  group: RfmGroup[];
  recencyDays: Int32Array; // −1 = never
  tenureDays: Int32Array; // −1 = never
  clvFormula: Float64Array;
  clvService: Float64Array;
  clvContract: Float64Array;
  pAlive: Float64Array; // NaN = not applicable
  expected: Float64Array;
  renewal: Float64Array;
  valueScore: Float32Array;
  kinds: Record<ValueKind, Float32Array>;
  indicatorScores: Float32Array[];
  tier: ValueTier[];
  loyalty: Float32Array;
  quadrant: Quadrant[];
  risk: Uint8Array;
  level: ChurnLevel[];
  /** The churn reasons of customer i (built on demand). */
  reasons: (i: number) => ChurnReason[];
  segment: Int16Array;
  fits: RunFits;
  diagnostics: RunDiagnostics;
};

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function summary<P extends object>(fit: Fit<P>, sample?: number, started?: number): FitSummary {
  return {
    ...(started !== undefined ? { ms: Math.round(performance.now() - started) } : {}),
    params: Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, v as number])),
    logLik: fit.logLik,
    n: fit.n,
    converged: fit.converged,
    iterations: fit.iterations,
    ...(sample !== undefined ? { sample } : {}),
  };
}

const failed = (err: unknown): FitSummary => ({ params: {}, logLik: NaN, n: 0, converged: false, iterations: 0, error: err instanceof Error ? err.message : String(err) });

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

/** The eight groups: each of R, F, M is "high" when its score is ≥ 3. */
export function rfmGroup(r: number, f: number, m: number): RfmGroup {
  const R = r >= 3;
  const F = f >= 3;
  const M = m >= 3;
  if (M) return R ? (F ? 'important_value' : 'important_develop') : F ? 'important_keep' : 'important_retain';
  return R ? (F ? 'general_value' : 'general_develop') : F ? 'general_keep' : 'general_retain';
}

/** Deterministic stride sample of indexes (the id order is random, so a stride is an unbiased sample). */
function stride(indexes: number[], max: number): number[] {
  if (indexes.length <= max) return indexes;
  const step = indexes.length / max;
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(indexes[Math.floor(k * step)]!);
  return out;
}

const weeks = (seconds: number) => Math.round(seconds / DAY) / 7;

/** The non-contractual repeat-purchase summary of customer i: birth = first transaction of any kind. */
function repeatOf(p: Population, i: number, end: number, cal = false): RepeatSummary | null {
  const birth = p.firstAt[i]!;
  if (Number.isNaN(birth) || birth >= end) return null;
  const n = cal ? p.svcNCal[i]! : p.svcN[i]!;
  const first = p.svcFirst[i]!;
  const last = cal ? p.svcLastCal[i]! : p.svcLast[i]!;
  const x = Math.max(0, n - (first === birth && n > 0 ? 1 : 0));
  return { x, tx: x > 0 ? weeks(last - birth) : 0, T: weeks(end - birth) };
}

function lowestBit(mask: number): number {
  for (let k = 0; k <= SEASON_BITS; k++) if (mask & (1 << k)) return k;
  return -1;
}
function highestBit(mask: number): number {
  for (let k = SEASON_BITS; k >= 0; k--) if (mask & (1 << k)) return k;
  return -1;
}

/** The other modules' churn reasons, by customer index (only customers that have any). */
export type Signals = () => Promise<ChurnSignalResult>;

export async function compute(
  p: Population,
  s: AnalyticsSettings,
  clock: RunClock,
  opts: { signals?: Signals; progress?: (phase: string) => Promise<void> } = {},
): Promise<Results> {
  const n = p.n;
  const step = async (phase: string) => opts.progress?.(phase);
  const fits: RunFits = { unit: 'week' };
  const diagnostics: RunDiagnostics = {};

  // ---- RFM --------------------------------------------------------------------------------------------
  await step('rfm');
  const recencyDays = new Int32Array(n);
  const tenureDays = new Int32Array(n);
  const recencyKey = new Float64Array(n);
  const freqKey = new Float64Array(n);
  const monKey = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const last = p.lastAt[i]!;
    recencyDays[i] = Number.isNaN(last) ? -1 : Math.max(0, Math.floor((clock.asOfEnd - last) / DAY));
    tenureDays[i] = Number.isNaN(p.firstAt[i]!) ? -1 : Math.max(0, Math.floor((clock.asOfEnd - p.firstAt[i]!) / DAY));
    recencyKey[i] = recencyDays[i]! < 0 ? Number.MAX_SAFE_INTEGER : recencyDays[i]!;
    freqKey[i] = p.freq[i]!;
    monKey[i] = p.monetary[i]!;
  }
  const r = quintiles(recencyKey, false);
  const f = quintiles(freqKey);
  const m = quintiles(monKey);
  const group: RfmGroup[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (recencyDays[i]! < 0) r[i] = f[i] = m[i] = 1;
    group[i] = rfmGroup(r[i]!, f[i]!, m[i]!);
  }

  // ---- formula CLV --------------------------------------------------------------------------------------
  const clvFormula = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (tenureDays[i]! < 0) {
      clvFormula[i] = 0;
      continue;
    }
    const years = Math.max(1, tenureDays[i]! / 365.25);
    const yearly = (p.lifetime[i]! / years) * s.margin;
    clvFormula[i] = Math.round(yearly * s.lifetimeYears - s.acquisitionCostFen);
  }

  // ---- BG/NBD, Pareto/NBD and Gamma-Gamma on the non-contractual purchases ------------------------------
  await step('fit');
  // (x, t_x, T) per customer in typed arrays (a million objects would weigh on the heap); x = −1: not acquired.
  const rx = new Int32Array(n).fill(-1);
  const rtx = new Float64Array(n);
  const rT = new Float64Array(n);
  const born: number[] = [];
  for (let i = 0; i < n; i++) {
    const r0 = repeatOf(p, i, clock.asOfEnd);
    if (!r0) continue;
    born.push(i);
    rx[i] = r0.x;
    rtx[i] = r0.tx;
    rT[i] = r0.T;
  }
  const repeat = { at: (i: number): RepeatSummary | null => (rx[i]! < 0 ? null : { x: rx[i]!, tx: rtx[i]!, T: rT[i]! }) };
  let bg: BgNbdParams | null = null;
  let gg: GammaGammaParams | null = null;
  if (born.length >= MIN_FIT) try {
    const t0 = performance.now();
    const sample = stride(born, FIT_SAMPLE);
    const fit = fitBgNbd(compress(sample.map((i) => repeat.at(i)!)));
    fits.bgnbd = summary(fit, sample.length, t0);
    if (fit.converged) bg = fit.params;
  } catch (err) {
    fits.bgnbd = failed(err);
  }
  // Pareto/NBD only beside a converged BG/NBD: its likelihood is the costly one, and it is kept for comparison.
  if (fits.bgnbd?.converged) try {
    const t0 = performance.now();
    const sample = stride(born, PNBD_SAMPLE);
    const rows = sample.map((i) => ({ x: repeat.at(i)!.x, tx: Math.round(repeat.at(i)!.tx), T: Math.round(repeat.at(i)!.T) }));
    fits.pnbd = summary(fitParetoNbd(compress(rows)), sample.length, t0);
  } catch (err) {
    fits.pnbd = failed(err);
  }
  /** Mean repeat spend of customer i in yuan (NaN without a repeat purchase). */
  const spend = (i: number): number => {
    if (rx[i]! < 1) return NaN;
    const repeatSum = p.svcSum[i]! - (p.svcFirst[i] === p.firstAt[i] ? p.svcFirstAmount[i]! : 0);
    return repeatSum / rx[i]! / 100;
  };
  try {
    const t0 = performance.now();
    const buyers = born.filter((i) => spend(i) > 0);
    if (buyers.length < MIN_FIT) throw new Error(`${buyers.length} repeat buyers`);
    const sample = stride(buyers, FIT_SAMPLE);
    const fit = fitGammaGamma(sample.map((i) => ({ x: rx[i]!, m: spend(i) })));
    fits.gg = summary(fit, sample.length, t0);
    // The population mean spend p·v/(q − 1) exists only for q > 1; a fit that did not converge is not used.
    if (fit.converged && fit.params.q > 1) gg = fit.params;
  } catch (err) {
    fits.gg = failed(err);
  }
  const svcMean = (() => {
    let sum = 0;
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      if (p.svcN[i]! > 0) {
        sum += p.svcSum[i]!;
        cnt += p.svcN[i]!;
      }
    }
    return cnt ? sum / cnt / 100 : 0;
  })();

  await step('clv');
  const pAlive = new Float64Array(n).fill(NaN);
  const expected = new Float64Array(n).fill(NaN);
  const clvService = new Float64Array(n);
  if (bg) {
    const periods = Math.max(1, Math.round(s.horizonMonths * 4.348));
    const weekly = Math.pow(1 + s.discountRate, 1 / 52) - 1;
    const cache = new Map<string, [number, number]>();
    const meanSpend = gg ? (gg.p * gg.v) / (gg.q - 1) : svcMean;
    for (const i of born) {
      const x = rx[i]!;
      pAlive[i] = bgnbdPAlive(bg, x, rtx[i]!, rT[i]!);
      // Expected and discounted purchases are evaluated on whole weeks and shared by customers with the same key.
      const txw = Math.round(rtx[i]!);
      const Tw = Math.max(txw, Math.round(rT[i]!));
      const key = `${x}:${txw}:${Tw}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = [bgnbdExpectedPurchases(bg, s.expectedPurchaseWeeks, x, txw, Tw), bgnbdDiscountedPurchases(bg, x, txw, Tw, periods, weekly)];
        cache.set(key, hit);
      }
      expected[i] = hit[0];
      const m = spend(i);
      const value = gg && m > 0 ? ggExpectedSpend(gg, x, m) : meanSpend;
      clvService[i] = Math.round(hit[1] * value * 100 * s.margin);
    }
  }

  // ---- sBG on the contract cohorts ----------------------------------------------------------------------
  await step('contract');
  const renewal = new Float64Array(n).fill(NaN);
  const clvContract = new Float64Array(n);
  const lastComplete = clock.currentSeason - 1; // the season in progress may still be paid
  // Pooled survival by age: for each age k, the share of customers alive at k−1 (among cohorts observed at k) still alive at k.
  const aliveAt = new Float64Array(SEASON_BITS + 1);
  const observedAt = new Float64Array(SEASON_BITS + 1);
  let contractCustomers = 0;
  for (let i = 0; i < n; i++) {
    const mask = p.seasons[i]!;
    if (!mask) continue;
    contractCustomers++;
    const first = clock.currentSeason - highestBit(mask);
    const last = clock.currentSeason - lowestBit(mask);
    for (let k = 0; first + k <= lastComplete && k <= SEASON_BITS; k++) {
      observedAt[k]!++;
      if (last >= first + k) aliveAt[k]!++;
    }
  }
  let sbg: SbgParams | null = null;
  const survivors: number[] = [];
  if (observedAt[0]! > 0) {
    let level = 10_000;
    survivors.push(level);
    for (let k = 1; k <= SEASON_BITS && observedAt[k]! > 0; k++) {
      // retention at age k among cohorts observed that long: alive(k) / alive(k−1), both over those cohorts.
      const prevAlive = aliveAtAmong(p, clock, k);
      if (prevAlive[0] <= 0) break;
      level = level * (prevAlive[1] / prevAlive[0]);
      survivors.push(Math.round(level));
    }
    if (survivors.length >= 3) {
      try {
        const fit = fitSbg(survivors);
        sbg = fit.params;
        fits.sbg = { ...summary(fit), survival: survivors.map((v) => v / 10_000) };
        diagnostics.survival = {
          season: survivors.map((_, k) => k),
          actual: survivors.map((v) => round(v / 10_000, 4)),
          predicted: survivors.map((_, k) => round(sbgSurvival(sbg!, k), 4)),
        };
      } catch (err) {
        fits.sbg = { ...failed(err), survival: survivors.map((v) => v / 10_000) };
      }
    }
  }
  const annualDiscount = s.discountRate;
  const derlCache = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const mask = p.seasons[i]!;
    if (!mask) continue;
    const first = clock.currentSeason - highestBit(mask);
    const last = clock.currentSeason - lowestBit(mask);
    if (last < lastComplete) {
      renewal[i] = 0; // lapsed: did not renew the last complete season
      continue;
    }
    const renewals = last - first;
    if (!sbg) continue;
    renewal[i] = (sbg.beta + renewals) / (sbg.alpha + sbg.beta + renewals);
    let derl = derlCache.get(renewals);
    if (derl === undefined) {
      derl = sbgDiscountedResidualLifetime(sbg, renewals, annualDiscount);
      derlCache.set(renewals, derl);
    }
    // DERL counts the current period, already paid when the customer paid the season in progress.
    const future = last === clock.currentSeason ? Math.max(0, derl - 1) : derl;
    clvContract[i] = Math.round(p.fee[i]! * future * s.margin);
  }

  // ---- diagnostics of BG/NBD --------------------------------------------------------------------------
  await step('diagnostics');
  if (bg) {
    try {
      const maxX = 7;
      const actual = new Array<number>(maxX + 1).fill(0);
      const predicted = new Array<number>(maxX + 1).fill(0);
      const byT = new Map<number, number>();
      for (const i of born) {
        actual[Math.min(maxX, rx[i]!)]!++;
        const Tw = Math.round(rT[i]!);
        byT.set(Tw, (byT.get(Tw) ?? 0) + 1);
      }
      for (const [T, count] of byT) {
        const dist = bgnbdFrequencyDistribution(bg, T, maxX);
        let sum = 0;
        for (let x = 0; x < maxX; x++) {
          predicted[x]! += count * (dist[x] ?? 0);
          sum += dist[x] ?? 0;
        }
        predicted[maxX]! += count * Math.max(0, 1 - sum);
      }
      diagnostics.frequency = {
        x: actual.map((_, x) => (x === maxX ? `${maxX}+` : String(x))),
        actual,
        predicted: predicted.map((v) => round(v, 1)),
      };
    } catch {
      // the frequency diagnostic is optional
    }
    try {
      const cal = born.filter((i) => p.firstAt[i]! < clock.calEnd);
      const sample = stride(cal, FIT_SAMPLE);
      const calFit = fitBgNbd(compress(sample.map((i) => repeatOf(p, i, clock.calEnd, true)!)));
      const scale = cal.length / Math.max(1, sample.length);
      const byT = new Map<number, number>();
      for (const i of cal) {
        const T = Math.round((clock.calEnd - p.firstAt[i]!) / WEEK);
        byT.set(T, (byT.get(T) ?? 0) + 1);
      }
      const weeksAxis = Array.from({ length: HOLDOUT_WEEKS }, (_, w) => w + 1);
      const predicted = weeksAxis.map((t) => {
        let sum = 0;
        for (const [T, count] of byT) sum += count * (bgnbdExpectedCumulative(calFit.params, T + t) - bgnbdExpectedCumulative(calFit.params, T));
        return round(sum, 1);
      });
      let acc = 0;
      const actual = weeksAxis.map((_, w) => (acc += p.holdoutWeekly[w]!));
      diagnostics.holdout = { weeks: weeksAxis, actual, predicted, calibrationEnd: new Date(clock.calEnd * 1000).toISOString() };
      void scale;
    } catch {
      // no holdout diagnostic without a calibration fit
    }
  }

  // ---- scorecard and tiers ----------------------------------------------------------------------------
  await step('score');
  const indicatorScores: Float32Array[] = [];
  const kinds = Object.fromEntries(VALUE_KINDS.map((k) => [k, new Float32Array(n)])) as Record<ValueKind, Float32Array>;
  const kindWeight: Record<ValueKind, number> = { economic: 0, wordOfMouth: 0, strategic: 0, emotional: 0, learning: 0 };
  const valueScore = new Float32Array(n);
  const totalWeight = s.indicators.reduce((a, ind) => a + ind.weight, 0) || 1;
  s.indicators.forEach((ind, k) => {
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) raw[i] = metricOf(ind.metric, i, k);
    const ranks = midRanks(raw);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const q = ind.invert || ind.metric === 'recency' ? 1 - ranks[i]! : ranks[i]!;
      // A customer without the metric at all (never bought, no value) scores 0 rather than a tie-shared rank.
      out[i] = raw[i] === MISSING ? 0 : Math.round(q * 1000) / 10;
      valueScore[i] = valueScore[i]! + (out[i]! * ind.weight) / totalWeight;
      kinds[ind.kind][i] = kinds[ind.kind][i]! + out[i]! * ind.weight;
    }
    kindWeight[ind.kind] += ind.weight;
    indicatorScores.push(out);
  });
  for (const kind of VALUE_KINDS) if (kindWeight[kind] > 0) for (let i = 0; i < n; i++) kinds[kind][i] = kinds[kind][i]! / kindWeight[kind];
  const tier: ValueTier[] = new Array(n);
  for (let i = 0; i < n; i++) {
    valueScore[i] = Math.round(valueScore[i]! * 10) / 10;
    tier[i] = valueScore[i]! >= s.tierCutoffs.high ? 'high' : valueScore[i]! >= s.tierCutoffs.middle ? 'middle' : 'low';
  }

  function metricOf(metric: string, i: number, k: number): number {
    switch (metric) {
      case 'monetary':
        return p.monetary[i]!;
      case 'frequency':
        return p.freq[i]!;
      case 'recency':
        return recencyDays[i]! < 0 ? MISSING : recencyDays[i]!;
      case 'clv':
        return clvService[i]! + clvContract[i]!;
      case 'clvFormula':
        return clvFormula[i]!;
      case 'pAlive':
        return Number.isNaN(pAlive[i]!) ? MISSING : pAlive[i]!;
      case 'tenure':
        return tenureDays[i]! < 0 ? MISSING : tenureDays[i]!;
      case 'interactions':
        return p.interactions[i]!;
      case 'lifetimeSpend':
        return p.lifetime[i]!;
      case 'customNumber':
        return Number.isNaN(p.customNum[i]!) ? MISSING : p.customNum[i]!;
      case 'tag':
        return p.tagBits[i]! & (1 << (16 + Math.min(k, 14))) ? 1 : 0;
      default:
        return 0;
    }
  }

  // ---- loyalty and the value × loyalty matrix ----------------------------------------------------------
  const loyalty = new Float32Array(n);
  const ratio = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (tenureDays[i]! < 0) continue;
    const purchases = p.purchases[i]!;
    const span = (p.lastAt[i]! - p.firstAt[i]!) / DAY;
    const interval = purchases >= 2 && span > 0 ? span / (purchases - 1) : NaN;
    if (!Number.isNaN(interval)) ratio[i] = recencyDays[i]! / interval;
    const rhythm = Number.isNaN(interval) ? (recencyDays[i]! <= 365 ? 0.5 : 0) : clamp01(1 - (ratio[i]! - 1) / 2);
    const tenure = clamp01(tenureDays[i]! / 365.25 / 5);
    const repeatRate = purchases >= 1 ? (purchases - 1) / purchases : 0;
    loyalty[i] = Math.round(100 * (0.4 * rhythm + 0.3 * tenure + 0.3 * repeatRate) * 10) / 10;
  }
  const quadrant: Quadrant[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const high = tier[i] === 'high';
    const loyal = loyalty[i]! >= s.loyaltyCutoff;
    quadrant[i] = high ? (loyal ? 'core' : 'win') : loyal ? 'develop' : 'basic';
  }

  // ---- churn risk -----------------------------------------------------------------------------------
  await step('churn');
  const risk = new Uint8Array(n);
  const level: ChurnLevel[] = new Array(n);
  const external: ChurnSignalResult = opts.signals ? await opts.signals() : new Map();
  /**
   * The reasons of customer i, highest points first. Built again when the results are written rather than kept: a
   * million arrays of reason objects with their sentences would weigh several hundred MB.
   */
  const reasonsOf = (i: number, text = true): ChurnReason[] => {
    const out: ChurnReason[] = [];
    if (tenureDays[i]! >= 0) {
      const pa = pAlive[i]!;
      if (!Number.isNaN(pa) && rx[i]! >= 1 && pa < 0.5) {
        out.push({ code: 'p_alive', zh: text ? `P(存活) ${pa.toFixed(2)}` : '', en: text ? `P(alive) ${pa.toFixed(2)}` : '', points: Math.round((1 - pa) * 40) });
      }
      const q = ratio[i]!;
      if (!Number.isNaN(q) && q >= 2) {
        const times = q >= 10 ? Math.round(q) : Math.round(q * 10) / 10;
        out.push({ code: 'rhythm', zh: text ? `已超过平常购买间隔的 ${times} 倍未购买` : '', en: text ? `No purchase for ${times}× the usual interval` : '', points: q >= 3 ? 25 : 15 });
      }
      const mask = p.seasons[i]!;
      if (mask) {
        const last = clock.currentSeason - lowestBit(mask);
        if (last < lastComplete) {
          const season = `${last}-${last + 1}`;
          out.push({ code: 'contract_lapsed', zh: text ? `已停止供暖（报停），最后缴费采暖季 ${season}` : '', en: text ? `Stopped heating (报停): last paid season ${season}` : '', points: 50 });
        } else if (last < clock.currentSeason && clock.seasonDue) {
          const season = `${clock.currentSeason}-${clock.currentSeason + 1}`;
          out.push({ code: 'contract_unpaid', zh: text ? `${season} 采暖季采暖费未缴` : '', en: text ? `Heating fee for ${season} unpaid` : '', points: 20 });
        }
        const rp = renewal[i]!;
        if (!Number.isNaN(rp) && rp > 0 && rp < 0.9) {
          out.push({ code: 'renewal', zh: text ? `续费概率 ${(rp * 100).toFixed(0)}%` : '', en: text ? `Renewal probability ${(rp * 100).toFixed(0)}%` : '', points: Math.round((1 - rp) * 30) });
        }
      }
      s.churnTags.forEach((t, k) => {
        if (p.tagBits[i]! & (1 << k)) out.push({ code: `tag`, zh: text ? `标签「${t.tag}」` : '', en: text ? `Tag "${t.tag}"` : '', points: t.points });
      });
    }
    const more = external.get(i);
    if (more) out.push(...more);
    if (!out.length) return NO_REASONS;
    out.sort((a, b) => b.points - a.points);
    return out;
  };
  for (let i = 0; i < n; i++) {
    const total = Math.min(100, reasonsOf(i, false).reduce((a, x) => a + x.points, 0));
    risk[i] = total;
    level[i] = total >= s.riskCutoffs.high ? 'high' : total >= s.riskCutoffs.medium ? 'medium' : 'low';
  }

  // ---- k-means segments -------------------------------------------------------------------------------
  await step('segments');
  const segment = new Int16Array(n).fill(-1);
  const features = ['recency', 'frequency', 'monetary', 'tenure', 'loyalty', 'churnRisk'];
  const withData: number[] = [];
  for (let i = 0; i < n; i++) if (tenureDays[i]! >= 0) withData.push(i);
  if (withData.length >= 20) {
    const raw = (i: number) => [
      Math.log1p(recencyDays[i]!),
      Math.log1p(p.purchases[i]!),
      Math.log1p(Math.max(0, p.lifetime[i]!) / 100),
      Math.log1p(tenureDays[i]!),
      loyalty[i]! / 100,
      risk[i]! / 100,
    ];
    const mean = new Array(features.length).fill(0);
    const sd = new Array(features.length).fill(0);
    for (const i of withData) raw(i).forEach((v, d) => (mean[d] += v));
    for (let d = 0; d < features.length; d++) mean[d] /= withData.length;
    for (const i of withData) raw(i).forEach((v, d) => (sd[d] += (v - mean[d]) ** 2));
    for (let d = 0; d < features.length; d++) sd[d] = Math.sqrt(sd[d] / withData.length) || 1;
    const z = (i: number) => raw(i).map((v, d) => (v - mean[d]) / sd[d]);
    const sample = stride(withData, 20_000).map(z);
    let k = s.segments ?? 0;
    let silhouette: number | null = null;
    if (!k) {
      const small = sample.filter((_, j) => j % Math.max(1, Math.floor(sample.length / 1000)) === 0);
      let best = -2;
      for (let c = 2; c <= Math.min(6, small.length - 1); c++) {
        const res = kmeans(small, c, { seed: 42, maxIterations: 50 });
        const sil = silhouetteOf(small, res.clusters, c);
        if (sil > best) {
          best = sil;
          k = c;
        }
      }
      silhouette = round(best, 4);
    }
    k = Math.max(2, Math.min(k || 4, sample.length - 1));
    const res = kmeans(sample, k, { seed: 42, maxIterations: 100 });
    // Number the segments by their centroid's spend, highest first, so the numbering is stable between runs.
    const order = res.centroids.map((c, j) => [c[2]!, j] as const).sort((a, b) => b[0] - a[0]).map(([, j]) => j);
    const rank = new Array(k);
    order.forEach((j, pos) => (rank[j] = pos + 1));
    const sizes = new Array(k).fill(0);
    for (const i of withData) {
      const v = z(i);
      let best = 0;
      let bestD = Infinity;
      res.centroids.forEach((c, j) => {
        let d = 0;
        for (let t = 0; t < v.length; t++) d += (v[t]! - c[t]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      });
      segment[i] = rank[best];
      sizes[rank[best] - 1]++;
    }
    fits.kmeans = {
      k,
      silhouette,
      features,
      sizes,
      centroids: order.map((j) => res.centroids[j]!.map((v, d) => round(v * sd[d] + mean[d], 4))),
    };
  }
  void contractCustomers;

  return {
    r,
    f,
    m,
    group,
    recencyDays,
    tenureDays,
    clvFormula,
    clvService,
    clvContract,
    pAlive,
    expected,
    renewal,
    valueScore,
    kinds,
    indicatorScores,
    tier,
    loyalty,
    quadrant,
    risk,
    level,
    reasons: reasonsOf,
    segment,
    fits,
    diagnostics,
  };
}

const MISSING = -1e300;
const NO_REASONS: ChurnReason[] = [];
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** alive at age k−1 and at age k, over the cohorts observed for k seasons. */
function aliveAtAmong(p: Population, clock: RunClock, k: number): [number, number] {
  const lastComplete = clock.currentSeason - 1;
  let prev = 0;
  let now = 0;
  for (let i = 0; i < p.n; i++) {
    const mask = p.seasons[i]!;
    if (!mask) continue;
    const first = clock.currentSeason - highestBit(mask);
    if (first + k > lastComplete) continue;
    const last = clock.currentSeason - lowestBit(mask);
    if (last >= first + k - 1) prev++;
    if (last >= first + k) now++;
  }
  return [prev, now];
}

/** Mean silhouette of a clustering (O(n²): for a sample of a few thousand points). */
export function silhouetteOf(points: number[][], clusters: number[], k: number): number {
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sums = new Array(k).fill(0);
    const counts = new Array(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      let d = 0;
      for (let t = 0; t < points[i]!.length; t++) d += (points[i]![t]! - points[j]![t]!) ** 2;
      sums[clusters[j]!] += Math.sqrt(d);
      counts[clusters[j]!]++;
    }
    const own = clusters[i]!;
    const a = counts[own] ? sums[own] / counts[own] : 0;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]) b = Math.min(b, sums[c] / counts[c]);
    if (!Number.isFinite(b) || counts[own] === 0) continue;
    total += (b - a) / Math.max(a, b) || 0;
  }
  return total / points.length;
}
