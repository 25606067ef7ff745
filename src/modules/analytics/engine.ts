/**
 * The analytics run's arithmetic over one in-memory population (engine.population.ts), in stages, each a function of
 * the population and of what the earlier stages produced:
 *   rfm (engine.rfm.ts) → formula CLV → purchase models: MBG/NBD, BG/NBD, Pareto/NBD, Gamma-Gamma → contract model:
 *   sBG (engine.models.ts) → diagnostics → scorecard and tiers → loyalty and the value × loyalty quadrant
 *   (engine.value.ts) → churn risk and reasons (engine.churn.ts) → k-means segments (engine.segments.ts).
 * `compute` only sequences them. No database here: the repository fills a `Population`, this file returns the
 * results. Long loops give the event loop a turn every few milliseconds (the run shares the server's thread).
 */
import type { AnalyticsSettings, ChurnLevel, ChurnReason, Quadrant, RfmGroup, RunDiagnostics, RunFits, RunWarning, ValueKind, ValueTier } from './analytics.contract.js';
import { churnStage, type ChurnSignalResult } from './engine.churn.js';
import { contractModel, purchaseModels } from './engine.models.js';
import { cooperative, dateOfDay, type Population, type RunClock } from './engine.population.js';
import { rfmStage, type RfmStage } from './engine.rfm.js';
import { segmentStage } from './engine.segments.js';
import { formulaClv, loyaltyStage, scorecard } from './engine.value.js';

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
export { P_ALIVE_SIGNAL, type ChurnSignalResult } from './engine.churn.js';
export { silhouetteOf } from './engine.segments.js';

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

/** The other modules' churn reasons, by customer index (only customers that have any). */
export type Signals = () => Promise<ChurnSignalResult>;

/** The run's figures for every customer of the population, stage by stage. */
export async function compute(
  p: Population,
  s: AnalyticsSettings,
  clock: RunClock,
  opts: { signals?: Signals; inputs?: () => Promise<ReadonlyMap<string, Float64Array>>; progress?: (phase: string) => Promise<void> } = {},
): Promise<Results> {
  const step = async (phase: string) => opts.progress?.(phase);
  const tick = cooperative();
  const fits: RunFits = { unit: s.modelUnitDays === 1 ? 'day' : 'week' };
  const diagnostics: RunDiagnostics = {};

  await step('rfm');
  const rfm = rfmStage(p, s, clock);
  diagnostics.rfm = rfm.cuts;
  await tick();
  const clvFormula = formulaClv(p, s, rfm);

  await step('fit');
  const purchase = await purchaseModels(p, s, clock, fits, diagnostics, tick);
  await step('contract');
  const contract = await contractModel(p, s, clock, fits, diagnostics, tick);
  await step('diagnostics');
  dataDiagnostics(p, clock, rfm, fits, diagnostics);

  await step('score');
  const external = opts.inputs ? await opts.inputs() : undefined;
  const score = await scorecard(p, s, { rfm, clvFormula, purchase, contract, external }, tick);
  const loyalty = loyaltyStage(p, s, rfm, score);
  await tick();

  await step('churn');
  const reasons: ChurnSignalResult = opts.signals ? await opts.signals() : new Map();
  const churn = await churnStage(p, s, clock, { rfm, purchase, contract, loyalty, external: reasons }, tick);

  await step('segments');
  const segment = await segmentStage(p, s, { rfm, loyalty, churn }, fits, tick);

  return {
    r: rfm.r,
    f: rfm.f,
    m: rfm.m,
    group: rfm.group,
    recencyDays: rfm.recencyDays,
    tenureDays: rfm.tenureDays,
    clvFormula,
    clvService: purchase.clvService,
    clvContract: contract.clvContract,
    pAlive: purchase.pAlive,
    expected: purchase.expected,
    renewal: contract.renewal,
    valueScore: score.valueScore,
    kinds: score.kinds,
    indicatorScores: score.indicatorScores,
    tier: score.tier,
    loyalty: loyalty.loyalty,
    quadrant: loyalty.quadrant,
    risk: churn.risk,
    level: churn.level,
    reasons: churn.reasons,
    segment,
    fits,
    diagnostics,
  };
}

/** The data's last purchase day and the warnings about the run's figures. */
function dataDiagnostics(p: Population, clock: RunClock, rfm: Pick<RfmStage, 'dataEnd'>, fits: RunFits, diagnostics: RunDiagnostics): void {
  diagnostics.dataEnd = Number.isFinite(rfm.dataEnd) ? dateOfDay(rfm.dataEnd) : null;
  diagnostics.warnings = warningsOf(p, clock, fits, rfm.dataEnd);
}

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
function warningsOf(p: Population, clock: RunClock, fits: RunFits, dataEnd: number): RunWarning[] {
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
  const fallback = fits.fallback ? FALLBACK_TEXT[fits.fallback] : undefined;
  if (fallback) out.push({ code: fits.fallback === 'too_few_customers' ? 'few_customers' : 'model_not_converged', ...fallback });
  return out;
}
