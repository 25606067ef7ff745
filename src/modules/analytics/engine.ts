/**
 * The analytics run's arithmetic over one in-memory population (engine.population.ts): RFM scores and groups
 * (engine.rfm.ts), formula CLV, the purchase and contract models with P(alive), expected purchases and model CLV
 * (engine.models.ts), the value scorecard and tiers, loyalty and the value × loyalty quadrant, churn risk with its
 * reasons, and k-means segments. No database here: the repository fills a `Population`, this file returns the results.
 * Long loops give the event loop a turn every few milliseconds (the run shares the server's thread).
 */
import { kmeans } from 'ml-kmeans';
import type {
  AnalyticsSettings,
  ChurnLevel,
  ChurnReason,
  Quadrant,
  RfmGroup,
  RunDiagnostics,
  RunFits,
  RunWarning,
  ValueKind,
  ValueTier,
} from './analytics.contract.js';
import { VALUE_KINDS } from './analytics.contract.js';
import { contractModel, purchaseModels, seasonsOf } from './engine.models.js';
import { cooperative, dateOfDay, stride, type Population, type RunClock } from './engine.population.js';
import { midRanks, scoreRfm } from './engine.rfm.js';

export {
  DAY,
  FIT_SAMPLE,
  HOLDOUT_WEEKS,
  MIN_FIT,
  PNBD_SAMPLE,
  Population,
  runClock,
  SEASON_BITS,
  WEEK,
  type RunClock,
} from './engine.population.js';
export { lowerBound, midRanks, quintiles, rfmGroup } from './engine.rfm.js';

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

/** The other modules' churn reasons, by customer index (only customers that have any). */
export type Signals = () => Promise<ChurnSignalResult>;

/** P(alive) below this adds churn-risk points (1 − P(alive)) × 50 and shows as a reason. */
export const P_ALIVE_SIGNAL = 0.8;

export async function compute(
  p: Population,
  s: AnalyticsSettings,
  clock: RunClock,
  opts: { signals?: Signals; progress?: (phase: string) => Promise<void> } = {},
): Promise<Results> {
  const n = p.n;
  const step = async (phase: string) => opts.progress?.(phase);
  const tick = cooperative();
  const fits: RunFits = { unit: s.modelUnitDays === 1 ? 'day' : 'week' };
  const diagnostics: RunDiagnostics = {};

  // ---- RFM --------------------------------------------------------------------------------------------
  await step('rfm');
  const recencyDays = new Int32Array(n);
  const tenureDays = new Int32Array(n);
  let dataEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const last = p.lastDay[i]!;
    recencyDays[i] = Number.isNaN(last) ? -1 : Math.max(0, clock.asOfDay - last);
    tenureDays[i] = Number.isNaN(p.firstDay[i]!) ? -1 : Math.max(0, clock.asOfDay - p.firstDay[i]!);
    if (!Number.isNaN(last) && last > dataEnd) dataEnd = last;
  }
  const { r, f, m, group, cuts } = scoreRfm(n, recencyDays, p.freq, p.monetary, s);
  diagnostics.rfm = cuts;
  await tick();

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

  // ---- purchase models, then the contract -------------------------------------------------------------------
  await step('fit');
  const purchase = await purchaseModels(p, s, clock, fits, diagnostics, tick);
  const { pAlive, expected, clvService } = purchase;
  await step('contract');
  const { renewal, clvContract } = await contractModel(p, s, clock, fits, diagnostics, tick);
  await step('diagnostics');
  diagnostics.dataEnd = Number.isFinite(dataEnd) ? dateOfDay(dataEnd) : null;
  diagnostics.warnings = warningsOf(p, clock, fits, dataEnd, f);

  // ---- scorecard and tiers ----------------------------------------------------------------------------
  await step('score');
  const indicatorScores: Float32Array[] = [];
  const kinds = Object.fromEntries(VALUE_KINDS.map((k) => [k, new Float32Array(n)])) as Record<ValueKind, Float32Array>;
  const kindWeight: Record<ValueKind, number> = { economic: 0, wordOfMouth: 0, strategic: 0, emotional: 0, learning: 0 };
  const valueScore = new Float32Array(n);
  const totalWeight = s.indicators.reduce((a, ind) => a + ind.weight, 0) || 1;
  for (const [k, ind] of s.indicators.entries()) {
    await tick();
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
  }
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
    const high = tier[i] === 'high';
    const loyal = loyalty[i]! >= s.loyaltyCutoff;
    quadrant[i] = high ? (loyal ? 'core' : 'win') : loyal ? 'develop' : 'basic';
  }
  await tick();

  // ---- churn risk -----------------------------------------------------------------------------------
  await step('churn');
  const risk = new Uint8Array(n);
  const level: ChurnLevel[] = new Array(n);
  const external: ChurnSignalResult = opts.signals ? await opts.signals() : new Map();
  const lastComplete = clock.currentSeason - 1;
  /**
   * The reasons of customer i, highest points first: each signal that drove the risk says so. Built again when the
   * results are written rather than kept: a million arrays of reason objects with their sentences would weigh
   * several hundred MB.
   */
  const reasonsOf = (i: number, text = true): ChurnReason[] => {
    const out: ChurnReason[] = [];
    if (tenureDays[i]! >= 0) {
      // P(alive) of the purchase model; MBG/NBD's also falls for a one-time buyer whose purchase was long ago.
      const pa = pAlive[i]!;
      if (purchase.pAliveInformative(i) && pa < P_ALIVE_SIGNAL) {
        out.push({ code: 'p_alive', zh: text ? `P(存活) ${pa.toFixed(2)}` : '', en: text ? `P(alive) ${pa.toFixed(2)}` : '', points: Math.round((1 - pa) * 50) });
      }
      const q = ratio[i]!;
      if (!Number.isNaN(q) && q >= 2) {
        const times = q >= 10 ? Math.round(q) : Math.round(q * 10) / 10;
        out.push({ code: 'rhythm', zh: text ? `已超过平常购买间隔的 ${times} 倍未购买` : '', en: text ? `No purchase for ${times}× the usual interval` : '', points: q >= 3 ? 25 : 15 });
      }
      const seasons = seasonsOf(p, clock, i);
      if (seasons) {
        const last = seasons.last;
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
    if ((i & 1023) === 0) await tick();
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
        await tick();
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
    await tick();
    const res = kmeans(sample, k, { seed: 42, maxIterations: 100 });
    // Number the segments by their centroid's spend, highest first, so the numbering is stable between runs.
    const order = res.centroids.map((c, j) => [c[2]!, j] as const).sort((a, b) => b[0] - a[0]).map(([, j]) => j);
    const rank = new Array(k);
    order.forEach((j, pos) => (rank[j] = pos + 1));
    const sizes = new Array(k).fill(0);
    for (let w = 0; w < withData.length; w++) {
      if ((w & 1023) === 0) await tick();
      const i = withData[w]!;
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
const FALLBACK_TEXT: Record<string, { zh: string; en: string }> = {
  mbgnbd_not_converged: {
    zh: 'MBG/NBD 模型未收敛，改用 BG/NBD：只购买过一次的客户的存活概率不可用，流失风险看购买节奏等其他信号',
    en: 'MBG/NBD did not converge; BG/NBD is used instead: P(alive) of one-time buyers is not available, churn risk uses the other signals',
  },
  no_model_converged: {
    zh: '购买模型均未收敛：不给出存活概率和预测购买次数，CLV 按平均消费估计',
    en: 'No purchase model converged: no P(alive) or expected purchases; CLV uses the mean spend',
  },
  too_few_customers: {
    zh: '有交易的客户太少（少于 30 位），不拟合购买模型',
    en: 'Too few customers with transactions (under 30) to fit the purchase models',
  },
};

/** What the user should know about the run's figures. */
function warningsOf(p: Population, clock: RunClock, fits: RunFits, dataEnd: number, f: Int8Array): RunWarning[] {
  const out: RunWarning[] = [];
  if (Number.isFinite(dataEnd) && clock.asOfDay - dataEnd > 180) {
    const days = clock.asOfDay - dataEnd;
    const date = dateOfDay(dataEnd);
    out.push({
      code: 'data_old',
      zh: `数据的最后一笔交易在 ${date}，距分析日期已 ${days.toLocaleString('zh-CN')} 天：近期指标（RFM、存活概率、流失风险）都按分析日期计算。分析历史数据时，请把分析日期设为 ${date}。`,
      en: `The last transaction is from ${date}, ${days.toLocaleString('en')} days before the as-of date: recent figures (RFM, P(alive), churn risk) are as of the as-of date. To analyse historical data, set the as-of date to ${date}.`,
    });
  }
  let buyers = 0;
  for (let i = 0; i < p.n; i++) if (p.freq[i]! > 0) buyers++;
  if (Number.isFinite(dataEnd) && buyers === 0) {
    out.push({
      code: 'no_purchases_in_window',
      zh: '统计窗口内没有任何客户购买：所有客户的 F、M 都为 1，RFM 分组都落在“一般挽留”',
      en: 'Nobody bought within the window: every customer has F = M = 1 and the RFM groups are all "general retain"',
    });
  }
  void f;
  const fallback = fits.fallback ? FALLBACK_TEXT[fits.fallback] : undefined;
  if (fallback) out.push({ code: fits.fallback === 'too_few_customers' ? 'few_customers' : 'model_not_converged', ...fallback });
  return out;
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
