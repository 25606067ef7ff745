/**
 * The value stages of the analytics run: formula CLV, the value scorecard with its tiers, and loyalty with the
 * value × loyalty quadrant. Each takes the population and what the earlier stages produced.
 */
import type { AnalyticsSettings, Indicator, Quadrant, ValueKind, ValueTier } from './analytics.contract.js';
import { VALUE_KINDS } from './analytics.contract.js';
import type { ContractModel, PurchaseModels } from './engine.models.js';
import type { Population, Tick } from './engine.population.js';
import { midRanks, type RfmStage } from './engine.rfm.js';

/** Formula CLV (Gupta & Lehmann's margin multiple): yearly net spend × margin × lifetime years − acquisition cost. */
export function formulaClv(p: Population, s: AnalyticsSettings, rfm: Pick<RfmStage, 'tenureDays'>): Float64Array {
  const { tenureDays } = rfm;
  const clvFormula = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    if (tenureDays[i]! < 0) {
      clvFormula[i] = 0;
      continue;
    }
    const years = Math.max(1, tenureDays[i]! / 365.25);
    const yearly = (p.lifetime[i]! / years) * s.margin;
    clvFormula[i] = Math.round(yearly * s.lifetimeYears - s.acquisitionCostFen);
  }
  return clvFormula;
}

export type Scorecard = {
  valueScore: Float32Array;
  kinds: Record<ValueKind, Float32Array>;
  indicatorScores: Float32Array[];
  tier: ValueTier[];
};

/** What the scorecard's metrics read besides the population. */
export type ScorecardInputs = {
  rfm: Pick<RfmStage, 'recencyDays' | 'tenureDays'>;
  clvFormula: Float64Array;
  purchase: Pick<PurchaseModels, 'pAlive' | 'clvService'>;
  contract: Pick<ContractModel, 'clvContract'>;
  /** Other modules' metrics (registerScorecardInput) by input key: one value per customer index, NaN where the customer has none. */
  external?: ReadonlyMap<string, Float64Array>;
};

/** A customer without the metric at all (never bought, no value). */
const MISSING = -1e300;

/**
 * The value scorecard: each indicator's score is the customer's mid-rank percentile of its metric (0–100, one
 * decimal), the value score their weighted mean, each value kind the weighted mean of its indicators; tiers by the
 * cut-offs.
 */
export async function scorecard(p: Population, s: AnalyticsSettings, inputs: ScorecardInputs, tick: Tick): Promise<Scorecard> {
  const n = p.n;
  const indicatorScores: Float32Array[] = [];
  const kinds = Object.fromEntries(VALUE_KINDS.map((k) => [k, new Float32Array(n)])) as Record<ValueKind, Float32Array>;
  const valueScore = new Float32Array(n);
  const totalWeight = s.indicators.reduce((a, ind) => a + ind.weight, 0) || 1;
  for (const [k, ind] of s.indicators.entries()) {
    await tick();
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) raw[i] = metricOf(p, inputs, ind, i, k);
    // Another module's metric (an NPS answer …) is ranked among the customers that have it: a detractor among ten
    // answers must not outrank the thousands who never answered.
    const ranks = ind.metric === 'input' ? ranksAmongPresent(raw) : midRanks(raw);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const q = ind.invert || ind.metric === 'recency' ? 1 - ranks[i]! : ranks[i]!;
      // A customer without the metric at all (never bought, no value) scores 0 rather than a tie-shared rank.
      out[i] = raw[i] === MISSING ? 0 : Math.round(q * 1000) / 10;
      valueScore[i] = valueScore[i]! + (out[i]! * ind.weight) / totalWeight;
    }
    indicatorScores.push(out);
  }
  // Each kind: the weighted mean of its indicators; a kind whose indicators all weigh 0 (the default word-of-mouth
  // NPS indicator) shows their plain mean, so its value is seen without moving the value score.
  for (const kind of VALUE_KINDS) {
    const members = s.indicators.flatMap((ind, k) => (ind.kind === kind ? [{ w: ind.weight, scores: indicatorScores[k]! }] : []));
    if (!members.length) continue;
    const total = members.reduce((a, m) => a + m.w, 0);
    const weights = total > 0 ? members.map((m) => m.w / total) : members.map(() => 1 / members.length);
    const out = kinds[kind];
    members.forEach((m, j) => {
      if (weights[j]! > 0) for (let i = 0; i < n; i++) out[i] = out[i]! + m.scores[i]! * weights[j]!;
    });
  }
  const tier: ValueTier[] = new Array(n);
  for (let i = 0; i < n; i++) {
    valueScore[i] = Math.round(valueScore[i]! * 10) / 10;
    tier[i] = valueScore[i]! >= s.tierCutoffs.high ? 'high' : valueScore[i]! >= s.tierCutoffs.middle ? 'middle' : 'low';
  }
  return { valueScore, kinds, indicatorScores, tier };
}

/** Mid-rank percentiles among the values that are not MISSING (MISSING keeps 0). */
function ranksAmongPresent(raw: Float64Array): Float64Array {
  const at: number[] = [];
  for (let i = 0; i < raw.length; i++) if (raw[i] !== MISSING) at.push(i);
  const ranks = midRanks(Float64Array.from(at, (i) => raw[i]!));
  const out = new Float64Array(raw.length);
  at.forEach((i, j) => (out[i] = ranks[j]!));
  return out;
}

/** The value of indicator k's metric for customer i (MISSING when the customer has none). */
function metricOf(p: Population, inputs: ScorecardInputs, ind: Pick<Indicator, 'metric' | 'field'>, i: number, k: number): number {
  const { recencyDays, tenureDays } = inputs.rfm;
  switch (ind.metric) {
    case 'monetary':
      return p.monetary[i]!;
    case 'frequency':
      return p.freq[i]!;
    case 'recency':
      return recencyDays[i]! < 0 ? MISSING : recencyDays[i]!;
    case 'clv':
      return inputs.purchase.clvService[i]! + inputs.contract.clvContract[i]!;
    case 'clvFormula':
      return inputs.clvFormula[i]!;
    case 'pAlive':
      return Number.isNaN(inputs.purchase.pAlive[i]!) ? MISSING : inputs.purchase.pAlive[i]!;
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
    case 'input': {
      const v = inputs.external?.get(ind.field ?? '')?.[i];
      return v === undefined || Number.isNaN(v) ? MISSING : v;
    }
    default:
      return 0;
  }
}

export type Loyalty = {
  /** 0–100: purchase rhythm, tenure and repeat rate. */
  loyalty: Float32Array;
  /** Days since the last purchase over the usual interval between purchases (NaN with fewer than two purchase days). */
  ratio: Float64Array;
  quadrant: Quadrant[];
};

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Loyalty (rhythm 40 %, tenure 30 %, repeat rate 30 %) and the value × loyalty quadrant. */
export function loyaltyStage(
  p: Population,
  s: AnalyticsSettings,
  rfm: Pick<RfmStage, 'recencyDays' | 'tenureDays'>,
  score: Pick<Scorecard, 'tier'>,
): Loyalty {
  const n = p.n;
  const { recencyDays, tenureDays } = rfm;
  const loyalty = new Float32Array(n);
  const ratio = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (tenureDays[i]! < 0) continue;
    const purchases = p.purchases[i]!;
    const span = p.lastDay[i]! - p.firstDay[i]!;
    const interval = purchases >= 2 && span > 0 ? span / (purchases - 1) : NaN;
    if (!Number.isNaN(interval)) ratio[i] = recencyDays[i]! / interval;
    const rhythm = Number.isNaN(interval) ? (recencyDays[i]! <= 365 ? 0.5 : 0) : clamp01(1 - (ratio[i]! - 1) / 2);
    const tenure = clamp01(tenureDays[i]! / 365.25 / 5);
    const repeatRate = purchases >= 1 ? (purchases - 1) / purchases : 0;
    loyalty[i] = Math.round(100 * (0.4 * rhythm + 0.3 * tenure + 0.3 * repeatRate) * 10) / 10;
  }
  const quadrant: Quadrant[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const high = score.tier[i] === 'high';
    const loyal = loyalty[i]! >= s.loyaltyCutoff;
    quadrant[i] = high ? (loyal ? 'core' : 'win') : loyal ? 'develop' : 'basic';
  }
  return { loyalty, ratio, quadrant };
}
