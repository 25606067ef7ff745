/**
 * The model stages of the analytics run: the non-contractual purchase model (MBG/NBD preferred, BG/NBD as fallback,
 * Pareto/NBD for comparison, Gamma-Gamma for spend) with P(alive), expected purchases and the service CLV; the
 * contractual model (sBG on the contract customers' own lifetimes) with the renewal probability and the contract CLV;
 * and the diagnostics of the purchase model. Every fit runs within a time budget, gives the event loop turns while it
 * runs, and is used only when it converged inside its parameter box; otherwise the run records why and which
 * fallback it used.
 */
import type { AnalyticsSettings, FitSummary, RunDiagnostics, RunFits } from './analytics.contract.js';
import { DAY, FIT_SAMPLE, HOLDOUT_WEEKS, MIN_FIT, PNBD_SAMPLE, SEASON_BITS, stride, type Population, type RunClock, type Tick } from './engine.population.js';
import {
  bgnbdAliveExpectation,
  bgnbdDiscountedAlive,
  bgnbdExpectedCumulative,
  bgnbdFrequencyDistribution,
  bgnbdPAlive,
  compress,
  fitBgNbdAsync,
  fitGammaGammaAsync,
  fitMbgNbdAsync,
  fitParetoNbdAsync,
  fitSbgLifetimes,
  ggExpectedSpend,
  mbgnbdExpectedCumulative,
  mbgnbdPAlive,
  sbgDiscountedResidualLifetime,
  sbgSurvival,
  type BgNbdParams,
  type Fit,
  type GammaGammaParams,
  type RepeatSummary,
  type SbgLifetime,
  type SbgParams,
} from './models/index.js';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function fitSummary<P extends object>(fit: Fit<P>, sample?: number, started?: number): FitSummary {
  return {
    ...(started !== undefined ? { ms: Math.round(performance.now() - started) } : {}),
    params: Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, v as number])),
    logLik: fit.logLik,
    n: fit.n,
    converged: fit.converged,
    iterations: fit.iterations,
    stop: fit.stop,
    ...(fit.atBound?.length ? { atBound: fit.atBound } : {}),
    ...(sample !== undefined ? { sample } : {}),
  };
}

export const failedFit = (err: unknown): FitSummary => ({
  params: {},
  logLik: NaN,
  n: 0,
  converged: false,
  iterations: 0,
  stop: 'error',
  error: err instanceof Error ? err.message : String(err),
});

export type PurchaseModels = {
  /** (x, t_x, T) per customer in the model's unit; x = −1: not acquired by the as-of date. */
  rx: Int32Array;
  rtx: Float64Array;
  rT: Float64Array;
  /** P(alive) and expected purchases (NaN without a usable model), service CLV in fen. */
  pAlive: Float64Array;
  expected: Float64Array;
  clvService: Float64Array;
  /** Whether P(alive) says anything about customer i (BG/NBD's is 1 by construction for a one-time buyer). */
  pAliveInformative: (i: number) => boolean;
};

/**
 * The repeat-purchase summary of customer i: birth is the first transaction of any kind; x counts the service
 * purchase days after it; t_x and T are exact (whole days in the model's unit).
 */
function repeatOf(p: Population, i: number, endDay: number, unit: number, cal = false): RepeatSummary | null {
  const birth = p.firstDay[i]!;
  if (Number.isNaN(birth) || birth > endDay) return null;
  const n = cal ? p.svcNCal[i]! : p.svcN[i]!;
  const last = cal ? p.svcLastCal[i]! : p.svcLast[i]!;
  const x = Math.max(0, n - (p.svcFirst[i] === birth && n > 0 ? 1 : 0));
  return { x, tx: x > 0 ? (last - birth) / unit : 0, T: (endDay - birth) / unit };
}

/** (x, t_x, T) of every customer acquired by the as-of date (`born`, in id order); x = −1 for the others. */
type Repeats = { born: number[]; rx: Int32Array; rtx: Float64Array; rT: Float64Array };

function repeatSummaries(p: Population, clock: RunClock, unit: number): Repeats {
  const rx = new Int32Array(p.n).fill(-1);
  const rtx = new Float64Array(p.n);
  const rT = new Float64Array(p.n);
  const born: number[] = [];
  for (let i = 0; i < p.n; i++) {
    const r0 = repeatOf(p, i, clock.asOfDay, unit);
    if (!r0) continue;
    born.push(i);
    rx[i] = r0.x;
    rtx[i] = r0.tx;
    rT[i] = r0.T;
  }
  return { born, rx, rtx, rT };
}

type Budget = { seconds: number };

/**
 * MBG/NBD and BG/NBD on a stride sample of the customers acquired; MBG/NBD is used when it converged, else BG/NBD
 * (recorded as the fallback); Pareto/NBD beside a usable model, for comparison.
 */
async function fitRepeatModel(rep: Repeats, fits: RunFits, budget: Budget): Promise<{ model: BgNbdParams | null; modified: boolean }> {
  const { born, rx, rtx, rT } = rep;
  let model: BgNbdParams | null = null;
  let modified = false;
  fits.used = null;
  fits.fallback = null;
  if (born.length < MIN_FIT) {
    fits.fallback = 'too_few_customers';
    return { model, modified };
  }
  const sample = stride(born, FIT_SAMPLE);
  const rows = compress(sample.map((i): RepeatSummary => ({ x: rx[i]!, tx: rtx[i]!, T: rT[i]! })));
  const mbg = await fitted(() => fitMbgNbdAsync(rows, budget), sample.length);
  fits.mbgnbd = mbg.summary;
  const bg = await fitted(() => fitBgNbdAsync(rows, budget), sample.length);
  fits.bgnbd = bg.summary;
  if (mbg.fit?.converged) {
    model = mbg.fit.params;
    modified = true;
    fits.used = 'mbgnbd';
  } else if (bg.fit?.converged) {
    model = bg.fit.params;
    fits.used = 'bgnbd';
    fits.fallback = 'mbgnbd_not_converged';
  } else fits.fallback = 'no_model_converged';
  // Pareto/NBD beside a usable model, for comparison: a smaller sample, t_x and T in whole units (its likelihood is costly).
  if (model) {
    const small = stride(born, PNBD_SAMPLE).map((i) => ({ x: rx[i]!, tx: Math.round(rtx[i]!), T: Math.max(Math.round(rtx[i]!), Math.round(rT[i]!)) }));
    fits.pnbd = (await fitted(() => fitParetoNbdAsync(compress(small), budget), small.length)).summary;
  }
  return { model, modified };
}

/** Gamma-Gamma on the repeat buyers' mean spend per purchase day (yuan); used only converged and with q > 1. */
async function fitSpendModel(born: number[], spend: (i: number) => number, rx: Int32Array, fits: RunFits, budget: Budget): Promise<GammaGammaParams | null> {
  const buyers = born.filter((i) => spend(i) > 0);
  if (buyers.length < MIN_FIT) return null;
  const sample = stride(buyers, FIT_SAMPLE);
  const res = await fitted(() => fitGammaGammaAsync(sample.map((i) => ({ x: rx[i]!, m: spend(i) })), budget), sample.length);
  fits.gg = res.summary;
  // The population mean spend p·v/(q − 1) exists only for q > 1; a fit that did not converge is not used.
  if (res.fit?.converged && res.fit.params.q > 1) return res.fit.params;
  if (res.fit?.converged) fits.gg.stop = 'unusable';
  return null;
}

/** Mean amount of a service purchase day over everyone (yuan): the spend without a usable Gamma-Gamma fit. */
function meanServiceSpend(p: Population): number {
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < p.n; i++) {
    if (p.svcN[i]! > 0) {
      sum += p.svcSum[i]!;
      cnt += p.svcN[i]!;
    }
  }
  return cnt ? sum / cnt / 100 : 0;
}

/**
 * The purchase models stage: MBG/NBD (BG/NBD as fallback, Pareto/NBD for comparison) and Gamma-Gamma fitted, then per
 * customer P(alive), the expected purchases over `expectedPurchaseWeeks` and the service CLV, and the model's
 * diagnostics.
 */
export async function purchaseModels(
  p: Population,
  s: AnalyticsSettings,
  clock: RunClock,
  fits: RunFits,
  diagnostics: RunDiagnostics,
  tick: Tick,
): Promise<PurchaseModels> {
  const n = p.n;
  const unit = s.modelUnitDays;
  const budget = { seconds: s.fitSeconds };
  const rep = repeatSummaries(p, clock, unit);
  const { born, rx, rtx, rT } = rep;
  await tick();
  const { model, modified } = await fitRepeatModel(rep, fits, budget);
  // Mean spend per repeat purchase day (yuan), NaN without repeat purchases.
  const spend = (i: number): number => {
    if (rx[i]! < 1) return NaN;
    const repeatSum = p.svcSum[i]! - (p.svcFirst[i] === p.firstDay[i] ? p.svcFirstAmount[i]! : 0);
    return repeatSum / rx[i]! / 100;
  };
  const gg = await fitSpendModel(born, spend, rx, fits, budget);
  const svcMean = meanServiceSpend(p);

  // ---- per customer ---------------------------------------------------------------------------------------
  const pAlive = new Float64Array(n).fill(NaN);
  const expected = new Float64Array(n).fill(NaN);
  const clvService = new Float64Array(n);
  if (model) {
    const weeksPerPeriod = 7 / unit; // discounting by weeks whatever the unit
    const periods = Math.max(1, Math.round(s.horizonMonths * 4.348));
    const weekly = Math.pow(1 + s.discountRate, 1 / 52) - 1;
    const horizon = (s.expectedPurchaseWeeks * 7) / unit;
    const aliveCache = new Map<number, Map<number, number>>();
    const meanSpend = gg ? (gg.p * gg.v) / (gg.q - 1) : svcMean;
    const pa = modified ? mbgnbdPAlive : bgnbdPAlive;
    for (let k = 0; k < born.length; k++) {
      // A customer whose (x, T) is new costs a 2F1 per week of the horizon: look at the clock often.
      if ((k & 63) === 0) await tick();
      const i = born[k]!;
      const x = rx[i]!;
      const T = rT[i]!;
      const alive = pa(model, x, rtx[i]!, T);
      pAlive[i] = alive;
      // E[X] = (the part shared by customers with the same x and T) × P(alive): exact t_x and T.
      let byX = aliveCache.get(T);
      if (!byX) aliveCache.set(T, (byX = new Map()));
      let part = byX.get(x);
      if (part === undefined) byX.set(x, (part = bgnbdAliveExpectation(model, horizon, x, T, modified)));
      expected[i] = part * alive;
      // The discounted sum over the CLV horizon evaluates 2F1 once per week of it: it is shared by customers whose T
      // is the same to the nearest week (P(alive), which carries t_x and most of the difference, stays exact).
      const Tw = (Math.round((T * unit) / 7) * 7) / unit;
      const discounted = bgnbdDiscountedAlive(model, x, Tw, periods, weekly, weeksPerPeriod, modified) * alive;
      const m = spend(i);
      const value = gg && m > 0 ? ggExpectedSpend(gg, x, m) : meanSpend;
      clvService[i] = Math.round(discounted * value * 100 * s.margin);
    }
    await purchaseDiagnostics(p, clock, unit, model, modified, born, rx, rT, diagnostics, budget, tick);
  }
  return {
    rx,
    rtx,
    rT,
    pAlive,
    expected,
    clvService,
    pAliveInformative: (i) => !Number.isNaN(pAlive[i]!) && (modified || rx[i]! >= 1),
  };
}

/** Runs a fit, timing it; a thrown error becomes a failed summary. */
async function fitted<P extends object>(run: () => Promise<Fit<P>>, sample: number): Promise<{ fit: Fit<P> | null; summary: FitSummary }> {
  const t0 = performance.now();
  try {
    const fit = await run();
    return { fit, summary: fitSummary(fit, sample, t0) };
  } catch (err) {
    return { fit: null, summary: failedFit(err) };
  }
}

/** Frequency (actual vs predicted customers by repeat purchases) and the holdout tracking of the purchase model. */
async function purchaseDiagnostics(
  p: Population,
  clock: RunClock,
  unit: number,
  model: BgNbdParams,
  modified: boolean,
  born: number[],
  rx: Int32Array,
  rT: Float64Array,
  diagnostics: RunDiagnostics,
  budget: { seconds: number },
  tick: Tick,
): Promise<void> {
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
      const dist = bgnbdFrequencyDistribution(model, T, maxX, modified);
      let sum = 0;
      for (let x = 0; x < maxX; x++) {
        predicted[x]! += count * (dist[x] ?? 0);
        sum += dist[x] ?? 0;
      }
      predicted[maxX]! += count * Math.max(0, 1 - sum);
    }
    diagnostics.frequency = { x: actual.map((_, x) => (x === maxX ? `${maxX}+` : String(x))), actual, predicted: predicted.map((v) => round(v, 1)) };
  } catch {
    // the frequency diagnostic is optional
  }
  await tick();
  try {
    const cal = born.filter((i) => p.firstDay[i]! <= clock.calDay);
    if (cal.length < MIN_FIT) return;
    const sample = stride(cal, FIT_SAMPLE);
    const rows = compress(sample.map((i) => repeatOf(p, i, clock.calDay, unit, true)!));
    const calFit = modified ? await fitMbgNbdAsync(rows, budget) : await fitBgNbdAsync(rows, budget);
    if (!calFit.converged) return;
    const cumulative = modified ? mbgnbdExpectedCumulative : bgnbdExpectedCumulative;
    const byT = new Map<number, number>();
    for (const i of cal) {
      const T = clock.calDay - p.firstDay[i]!;
      byT.set(T, (byT.get(T) ?? 0) + 1);
    }
    const weeksAxis = Array.from({ length: HOLDOUT_WEEKS }, (_, w) => w + 1);
    const predicted = weeksAxis.map((w) => {
      let sum = 0;
      for (const [T, count] of byT) sum += count * (cumulative(calFit.params, (T + 7 * w) / unit) - cumulative(calFit.params, T / unit));
      return round(sum, 1);
    });
    let acc = 0;
    const actual = weeksAxis.map((_, w) => (acc += p.holdoutWeekly[w]!));
    diagnostics.holdout = { weeks: weeksAxis, actual, predicted, calibrationEnd: new Date((clock.calDay + 1) * DAY * 1000).toISOString() };
  } catch {
    // no holdout diagnostic without a calibration fit
  }
}

// ---- the contract (sBG) ---------------------------------------------------------------------------------------

function lowestBit(mask: number): number {
  for (let k = 0; k <= SEASON_BITS; k++) if (mask & (1 << k)) return k;
  return -1;
}
function highestBit(mask: number): number {
  for (let k = SEASON_BITS; k >= 0; k--) if (mask & (1 << k)) return k;
  return -1;
}

/** First and last paid season of customer i (−1 without contract payments). */
export function seasonsOf(p: Population, clock: RunClock, i: number): { first: number; last: number } | null {
  const mask = p.seasons[i]!;
  if (!mask) return null;
  return { first: clock.currentSeason - highestBit(mask), last: clock.currentSeason - lowestBit(mask) };
}

export type ContractModel = { renewal: Float64Array; clvContract: Float64Array; contractCustomers: number };

/**
 * sBG fitted on the contract customers themselves: a customer who paid seasons f..l and did not renew by the last
 * complete season L left after l − f + 1 periods; one still paying at L has lived more than L − f periods (every
 * cohort with its own length of observation). The fit's n and log-likelihood are the sample's. The pooled survival
 * curve is kept as the diagnostic.
 */
export async function contractModel(p: Population, s: AnalyticsSettings, clock: RunClock, fits: RunFits, diagnostics: RunDiagnostics, tick: Tick): Promise<ContractModel> {
  const n = p.n;
  const renewal = new Float64Array(n).fill(NaN);
  const clvContract = new Float64Array(n);
  const lastComplete = clock.currentSeason - 1; // the season in progress may still be paid
  const lifetimes: SbgLifetime[] = [];
  const aliveAt = new Float64Array(SEASON_BITS + 2);
  const observedAt = new Float64Array(SEASON_BITS + 2);
  const prevAt = new Float64Array(SEASON_BITS + 2); // observed at k and still paying at k − 1
  let contractCustomers = 0;
  for (let i = 0; i < n; i++) {
    const seasons = seasonsOf(p, clock, i);
    if (!seasons) continue;
    contractCustomers++;
    const { first, last } = seasons;
    if (first > lastComplete) continue; // joined in the season in progress: nothing observed yet
    if (last < lastComplete) lifetimes.push({ periods: last - first + 1, churned: true });
    else if (lastComplete - first > 0) lifetimes.push({ periods: lastComplete - first, churned: false });
    // The pooled survival curve: at each age k, those observed that long, and those still paying at k.
    for (let k = 0; first + k <= lastComplete && k <= SEASON_BITS; k++) {
      observedAt[k]!++;
      if (last >= first + k) aliveAt[k]!++;
      if (k > 0 && last >= first + k - 1) prevAt[k]!++;
    }
  }
  await tick();
  let sbg: SbgParams | null = null;
  if (lifetimes.length >= MIN_FIT && lifetimes.some((l) => l.periods > 0)) {
    const t0 = performance.now();
    try {
      const fit = fitSbgLifetimes(lifetimes, { seconds: s.fitSeconds });
      const survival = pooledSurvival(observedAt, aliveAt, prevAt);
      fits.sbg = { ...fitSummary(fit, lifetimes.length, t0), survival };
      if (fit.converged) {
        sbg = fit.params;
        diagnostics.survival = {
          season: survival.map((_, k) => k),
          actual: survival.map((v) => round(v, 4)),
          predicted: survival.map((_, k) => round(sbgSurvival(fit.params, k), 4)),
        };
      }
    } catch (err) {
      fits.sbg = { ...failedFit(err), survival: [] };
    }
  }
  const derlCache = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const seasons = seasonsOf(p, clock, i);
    if (!seasons) continue;
    const { first, last } = seasons;
    if (last < lastComplete) {
      renewal[i] = 0; // lapsed: did not renew the last complete season
      continue;
    }
    const renewals = last - first;
    if (!sbg) continue;
    renewal[i] = (sbg.beta + renewals) / (sbg.alpha + sbg.beta + renewals);
    let derl = derlCache.get(renewals);
    if (derl === undefined) {
      derl = sbgDiscountedResidualLifetime(sbg, renewals, s.discountRate);
      derlCache.set(renewals, derl);
    }
    // DERL counts the current period, already paid when the customer paid the season in progress.
    const future = last === clock.currentSeason ? Math.max(0, derl - 1) : derl;
    clvContract[i] = Math.round(p.fee[i]! * future * s.margin);
  }
  return { renewal, clvContract, contractCustomers };
}

/** Share still paying at each age: the product of the age-to-age retention among the cohorts observed that long. */
function pooledSurvival(observedAt: Float64Array, aliveAt: Float64Array, prevAt: Float64Array): number[] {
  const out = [1];
  let level = 1;
  for (let k = 1; k <= SEASON_BITS && observedAt[k]! > 0; k++) {
    // Retention at age k among the cohorts observed that long: still paying at k over still paying at k − 1.
    if (prevAt[k]! <= 0) break;
    level *= aliveAt[k]! / prevAt[k]!;
    out.push(level);
  }
  return out;
}
