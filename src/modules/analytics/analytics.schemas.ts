/**
 * Response schemas of the analytics API (see platform/http/response.ts), each tied to its analytics.contract.ts type
 * by responseOf.
 */
import { z } from 'zod';
import { itemsOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  CHURN_LEVELS,
  INDICATOR_METRICS,
  QUADRANTS,
  RFM_GROUPS,
  VALUE_KINDS,
  VALUE_TIERS,
  type AnalyticsSettings,
  type ChurnListView,
  type ChurnRow,
  type ClvHistogramView,
  type CustomerAnalyticsView,
  type FitSummary,
  type Indicator,
  type MatrixView,
  type MovementView,
  type RfmCuts,
  type RfmGridView,
  type RunCounts,
  type RunDetail,
  type RunDiagnostics,
  type RunFits,
  type RunProgress,
  type RunView,
  type ScorecardInputView,
  type RunWarning,
  type TierDistributionView,
} from './analytics.contract.js';

const instant = z.string().describe('ISO 8601 date-time (UTC)');
const date = z.string().describe('YYYY-MM-DD');
const fen = z.number().describe('Fen (0.01 yuan)');
const runIdOrNull = z.uuid().nullable().describe('The run the figures come from; null before the first finished run');

// ---- settings ----

const indicator = responseOf<Indicator>()(
  z.object({
    key: z.string(),
    labelZh: z.string(),
    labelEn: z.string(),
    kind: z.enum(VALUE_KINDS),
    metric: z.enum(INDICATOR_METRICS),
    weight: z.number(),
    field: z.string().nullable().optional().describe('customNumber: the custom field key; tag: the tag name; input: the input key (GET /analytics/scorecard-inputs)'),
    invert: z.boolean().optional().describe('Fewer is better (the percentile is inverted)'),
  }),
);

export const scorecardInputList = responseOf<{ items: ScorecardInputView[] }>()(
  itemsOf(
    responseOf<ScorecardInputView>()(
      z.object({ key: z.string().describe('The indicator field, e.g. surveys.nps'), labelZh: z.string(), labelEn: z.string(), kind: z.enum(VALUE_KINDS) }),
    ),
  ),
);

export const analyticsSettings = responseOf<AnalyticsSettings>()(
  z.object({
    rfmWindowDays: z.number().int().describe('RFM window in days'),
    rfmScoring: z.enum(['quintiles', 'thresholds']),
    rfmThresholds: z
      .object({ r: z.array(z.number()), f: z.array(z.number()), m: z.array(z.number()) })
      .describe('Cut points for `thresholds`, ascending: R in days, F in purchase days, M in fen'),
    modelUnitDays: z.union([z.literal(7), z.literal(1)]).describe('The time unit of the purchase models: 7 = weeks, 1 = days'),
    fitSeconds: z.number().int().describe('Time budget of each model fit'),
    margin: z.number().describe('Contribution margin (0–1)'),
    lifetimeYears: z.number(),
    acquisitionCostFen: fen,
    horizonMonths: z.number().int(),
    discountRate: z.number().describe('Yearly discount rate'),
    expectedPurchaseWeeks: z.number().int(),
    contractCategories: z.array(z.string()),
    tierCutoffs: z.object({ high: z.number(), middle: z.number() }),
    riskCutoffs: z.object({ high: z.number(), medium: z.number() }),
    loyaltyCutoff: z.number(),
    segments: z.number().int().nullable().describe('k-means k, or null to choose k by silhouette'),
    churnTags: z.array(z.object({ tag: z.string(), points: z.number().int() })),
    indicators: z.array(indicator),
    nightly: z.boolean(),
    historyDailyDays: z.number().int(),
  }),
);

// ---- runs ----

const runProgress = responseOf<RunProgress>()(z.object({ phase: z.string(), done: z.number(), total: z.number() }));

const runCounts = responseOf<RunCounts>()(
  z.object({
    customers: z.number().int(),
    transactions: z.number().int(),
    serviceCustomers: z.number().int(),
    contractCustomers: z.number().int(),
    tiers: z.record(z.enum(VALUE_TIERS), z.number().int()),
    churn: z.record(z.enum(CHURN_LEVELS), z.number().int()),
    peakRssMb: z.number().optional(),
    historyPruned: z.boolean().optional().describe("The run's per-customer history was removed by the retention rule"),
  }),
);

export const runView = responseOf<RunView>()(
  z.object({
    id: z.uuid(),
    kind: z.enum(['nightly', 'manual', 'cli']),
    asOf: date,
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: runProgress,
    counts: runCounts.nullable(),
    error: z.string().nullable(),
    seconds: z.number().nullable(),
    createdAt: instant,
    startedAt: instant.nullable(),
    finishedAt: instant.nullable(),
    heartbeatAt: instant.nullable().describe('The last sign of life of the process running it'),
    interrupted: z.boolean().describe('Queued or running, but its process has given no sign of life for a minute'),
  }),
);
export const runList = responseOf<{ items: RunView[] }>()(itemsOf(runView));

const fitSummary = responseOf<FitSummary>()(
  z.object({
    params: z.record(z.string(), z.number()),
    logLik: z.number(),
    n: z.number().int(),
    converged: z.boolean(),
    iterations: z.number().int(),
    stop: z.enum(['converged', 'max_iterations', 'time_limit', 'stalled', 'at_bound', 'error', 'unusable']).optional(),
    atBound: z.array(z.string()).optional(),
    sample: z.number().int().optional().describe('Customers the fit used'),
    ms: z.number().optional().describe('Time the fit took'),
    error: z.string().optional(),
  }),
);

const runFits = responseOf<RunFits>()(
  z.object({
    unit: z.enum(['week', 'day']),
    used: z.enum(['mbgnbd', 'bgnbd']).nullable().optional().describe('The purchase model whose figures were stored'),
    fallback: z.string().nullable().optional().describe('Why the preferred model was not used'),
    mbgnbd: fitSummary.optional(),
    bgnbd: fitSummary.optional(),
    pnbd: fitSummary.optional(),
    gg: fitSummary.optional(),
    sbg: fitSummary.extend({ survival: z.array(z.number()) }).optional(),
    kmeans: z
      .object({
        k: z.number().int(),
        silhouette: z.number().nullable(),
        centroids: z.array(z.array(z.number())),
        features: z.array(z.string()),
        sizes: z.array(z.number().int()),
      })
      .optional(),
  }),
);

const cut = z.object({ score: z.number().int(), min: z.number().nullable(), max: z.number().nullable(), count: z.number().int() });
const rfmCuts = responseOf<RfmCuts>()(z.object({ method: z.enum(['quintiles', 'thresholds']), r: z.array(cut), f: z.array(cut), m: z.array(cut) }));

const runWarning = responseOf<RunWarning>()(
  z.object({ code: z.enum(['data_old', 'no_purchases_in_window', 'model_not_converged', 'few_customers']), zh: z.string(), en: z.string() }),
);

const runDiagnostics = responseOf<RunDiagnostics>()(
  z.object({
    rfm: rfmCuts.optional(),
    warnings: z.array(runWarning).optional(),
    dataEnd: date.nullable().optional().describe('The last day with a transaction (company time zone)'),
    frequency: z.object({ x: z.array(z.string()), actual: z.array(z.number()), predicted: z.array(z.number()) }).optional(),
    holdout: z.object({ weeks: z.array(z.number()), actual: z.array(z.number()), predicted: z.array(z.number()), calibrationEnd: z.string() }).optional(),
    survival: z.object({ season: z.array(z.number()), actual: z.array(z.number()), predicted: z.array(z.number()) }).optional(),
  }),
);

export const runDetail = responseOf<RunDetail>()(
  runView.extend({ settings: analyticsSettings, fits: runFits.nullable(), diagnostics: runDiagnostics.nullable() }),
);

// ---- results ----

export const rfmGridView = responseOf<RfmGridView>()(
  z.object({
    runId: runIdOrNull,
    cells: z.array(z.object({ r: z.number().int(), f: z.number().int(), count: z.number().int(), monetaryFen: fen })),
    groups: z.array(z.object({ group: z.enum(RFM_GROUPS), count: z.number().int(), monetaryFen: fen })),
  }),
);

export const tierDistributionView = responseOf<TierDistributionView>()(
  z.object({
    runId: runIdOrNull,
    tiers: z.array(z.object({ tier: z.enum(VALUE_TIERS), count: z.number().int(), clvFen: fen, monetaryFen: fen })),
  }),
);

export const matrixView = responseOf<MatrixView>()(
  z.object({ runId: runIdOrNull, cells: z.array(z.object({ quadrant: z.enum(QUADRANTS), count: z.number().int(), clvFen: fen })) }),
);

export const clvHistogramView = responseOf<ClvHistogramView>()(
  z.object({ runId: runIdOrNull, buckets: z.array(z.object({ fromFen: fen, toFen: fen, count: z.number().int() })) }),
);

const churnRow = responseOf<ChurnRow>()(
  z.object({
    customerId: z.uuid(),
    name: z.string(),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    valueTier: z.enum(VALUE_TIERS),
    rfmGroup: z.enum(RFM_GROUPS),
    churnRisk: z.number(),
    churnLevel: z.enum(CHURN_LEVELS),
    reasons: z.array(z.string()),
    pAlive: z.number().nullable(),
    clvFen: fen,
    recencyDays: z.number().nullable(),
  }),
);
export const churnListView = responseOf<ChurnListView>()(pageWithTotalOf(churnRow));

export const movementView = responseOf<MovementView>()(
  z.object({
    from: z.uuid().describe('Run id'),
    to: z.uuid().describe('Run id'),
    matrix: z.array(z.object({ from: z.enum([...VALUE_TIERS, 'none']), to: z.enum([...VALUE_TIERS, 'none']), count: z.number().int() })),
  }),
);

export const customerAnalyticsView = responseOf<CustomerAnalyticsView>()(
  z.object({
    customerId: z.uuid(),
    runId: z.uuid(),
    asOf: date,
    valueTier: z.enum(VALUE_TIERS),
    valueScore: z.number(),
    rfmGroup: z.enum(RFM_GROUPS),
    r: z.number().int(),
    f: z.number().int(),
    m: z.number().int(),
    recencyDays: z.number().nullable(),
    frequency: z.number().describe('Purchase days in the RFM window'),
    monetaryFen: fen.describe('Net spend in the RFM window'),
    lifetimePurchases: z.number().int().nullable().describe('Purchase days of all time up to the as-of date'),
    lifetimeFen: fen.nullable().describe('Net spend of all time up to the as-of date'),
    tenureDays: z.number().nullable(),
    clvFormulaFen: fen,
    clvFen: fen,
    clvServiceFen: fen,
    clvContractFen: fen,
    pAlive: z.number().nullable(),
    expectedPurchases: z.number().nullable(),
    renewalProb: z.number().nullable(),
    churnRisk: z.number(),
    churnLevel: z.enum(CHURN_LEVELS),
    reasons: z.array(z.string()),
    loyalty: z.number(),
    quadrant: z.enum(QUADRANTS),
    segment: z.number().int().nullable(),
    scores: z.object({ kinds: z.record(z.enum(VALUE_KINDS), z.number()), indicators: z.record(z.string(), z.number()) }),
    basis: z
      .object({
        rfmWindowDays: z.number().int(),
        rfmScoring: z.enum(['quintiles', 'thresholds']),
        purchaseModel: z.enum(['mbgnbd', 'bgnbd']).nullable(),
        expectedPurchaseWeeks: z.number().int(),
        horizonMonths: z.number().int(),
        discountRate: z.number(),
        renewalModel: z.enum(['sbg']).nullable(),
        indicators: z.number().int(),
      })
      .describe('The windows and models behind the figures'),
    history: z.array(
      z.object({
        runId: z.uuid(),
        asOf: date,
        valueTier: z.enum(VALUE_TIERS),
        valueScore: z.number(),
        clvFen: fen,
        pAlive: z.number().nullable(),
        churnRisk: z.number(),
        churnLevel: z.enum(CHURN_LEVELS),
      }),
    ),
  }),
);
