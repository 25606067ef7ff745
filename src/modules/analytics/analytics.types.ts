import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { CHURN_LEVELS, INDICATOR_METRICS, VALUE_KINDS, VALUE_TIERS, type AnalyticsSettings } from './analytics.contract.js';

const score = z.number().min(0).max(100);
/** Four ascending cut points (RFM thresholds). */
const ascending4 = (min: number, max: number) =>
  z
    .array(z.number().int().min(min).max(max))
    .length(4)
    .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), { message: 'analytics.thresholds_order' });

export const indicatorSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  labelZh: z.string().trim().min(1).max(40),
  labelEn: z.string().trim().min(1).max(60),
  kind: z.enum(VALUE_KINDS),
  metric: z.enum(INDICATOR_METRICS),
  weight: z.number().min(0).max(100),
  field: z.string().trim().max(60).nullable().optional(),
  invert: z.boolean().optional(),
});

/** The settings of the analytics run: one schema for validation, types and the OpenAPI document. */
export const settingsSchema = z
  .strictObject({
    rfmWindowDays: z.number().int().min(30).max(3650),
    rfmScoring: z.enum(['quintiles', 'thresholds']),
    rfmThresholds: z.strictObject({ r: ascending4(0, 3650), f: ascending4(1, 10_000), m: ascending4(1, 100_000_000_000) }),
    modelUnitDays: z.union([z.literal(7), z.literal(1)]),
    fitSeconds: z.number().int().min(1).max(600),
    margin: z.number().min(0).max(1),
    lifetimeYears: z.number().min(0.1).max(50),
    acquisitionCostFen: z.number().int().min(0).max(100_000_000_000),
    horizonMonths: z.number().int().min(1).max(120),
    discountRate: z.number().min(0).max(1),
    expectedPurchaseWeeks: z.number().int().min(1).max(520),
    contractCategories: z.array(z.string().trim().min(1).max(60)).max(20),
    tierCutoffs: z.strictObject({ high: score, middle: score }),
    riskCutoffs: z.strictObject({ high: score, medium: score }),
    loyaltyCutoff: score,
    segments: z.number().int().min(2).max(10).nullable(),
    churnTags: z.array(z.strictObject({ tag: z.string().trim().min(1).max(50), points: z.number().int().min(0).max(100) })).max(16),
    indicators: z.array(indicatorSchema).min(1).max(15),
    nightly: z.boolean(),
    historyDailyDays: z.number().int().min(7).max(3650),
  })
  .superRefine((s, ctx) => {
    if (s.tierCutoffs.high <= s.tierCutoffs.middle) ctx.addIssue({ code: 'custom', path: ['tierCutoffs', 'high'], message: 'analytics.cutoff_order' });
    if (s.riskCutoffs.high <= s.riskCutoffs.medium) ctx.addIssue({ code: 'custom', path: ['riskCutoffs', 'high'], message: 'analytics.cutoff_order' });
    if (!s.indicators.some((i) => i.weight > 0)) ctx.addIssue({ code: 'custom', path: ['indicators'], message: 'analytics.weights_zero' });
    const seen = new Set<string>();
    s.indicators.forEach((ind, k) => {
      if (seen.has(ind.key)) ctx.addIssue({ code: 'custom', path: ['indicators', k, 'key'], message: 'analytics.duplicate_indicator' });
      seen.add(ind.key);
      if ((ind.metric === 'customNumber' || ind.metric === 'tag' || ind.metric === 'input') && !ind.field) {
        ctx.addIssue({ code: 'custom', path: ['indicators', k, 'field'], message: 'analytics.indicator_field' });
      }
    });
  });

export const DEFAULT_SETTINGS: AnalyticsSettings = {
  rfmWindowDays: 365,
  rfmScoring: 'quintiles',
  rfmThresholds: { r: [30, 90, 180, 270], f: [2, 3, 5, 8], m: [10_000, 50_000, 100_000, 500_000] },
  modelUnitDays: 7,
  fitSeconds: 30,
  margin: 0.3,
  lifetimeYears: 5,
  // No acquisition cost until an administrator sets one: a guessed default made formula CLV negative for most customers.
  acquisitionCostFen: 0,
  horizonMonths: 36,
  discountRate: 0.1,
  expectedPurchaseWeeks: 52,
  contractCategories: [],
  tierCutoffs: { high: 70, middle: 40 },
  riskCutoffs: { high: 60, medium: 30 },
  loyaltyCutoff: 50,
  segments: null,
  churnTags: [
    { tag: '欠费', points: 25 },
    { tag: '已报停', points: 40 },
  ],
  indicators: [
    { key: 'clv', labelZh: '客户终身价值', labelEn: 'Customer lifetime value', kind: 'economic', metric: 'clv', weight: 30 },
    { key: 'monetary', labelZh: '近一年消费额', labelEn: 'Spend in the window', kind: 'economic', metric: 'monetary', weight: 20 },
    { key: 'frequency', labelZh: '近一年消费次数', labelEn: 'Purchases in the window', kind: 'economic', metric: 'frequency', weight: 10 },
    { key: 'recency', labelZh: '最近消费', labelEn: 'Recency', kind: 'economic', metric: 'recency', weight: 10, invert: true },
    { key: 'tenure', labelZh: '客户年限', labelEn: 'Tenure', kind: 'emotional', metric: 'tenure', weight: 15 },
    { key: 'interactions', labelZh: '近一年沟通次数', labelEn: 'Contacts in the window', kind: 'emotional', metric: 'interactions', weight: 10 },
    { key: 'heated_area', labelZh: '供暖面积', labelEn: 'Heated area', kind: 'strategic', metric: 'customNumber', field: 'heated_area', weight: 5 },
    // Word of mouth (口碑): the latest NPS answer of the past year. Weight 0: the word-of-mouth value shows it (a kind
    // whose indicators all weigh 0 shows their plain mean) without moving the value score until an administrator
    // gives it weight — most households have never answered a survey.
    { key: 'nps', labelZh: '净推荐值', labelEn: 'Net Promoter Score', kind: 'wordOfMouth', metric: 'input', field: 'surveys.nps', weight: 0 },
  ],
  nightly: true,
  historyDailyDays: 35,
};

export const runIdParam = z.strictObject({ id: z.uuid() });
export const customerIdParam = z.strictObject({ id: z.uuid() });
export const startRunBody = z.strictObject({ asOf: z.iso.date().optional().describe('Defaults to today (company time zone)') });
export const runQuery = z.strictObject({ runId: z.uuid().optional().describe('Defaults to the current results') });
export const listRunsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const churnQuery = z.strictObject({
  level: z.enum(CHURN_LEVELS).optional(),
  tier: z.enum(VALUE_TIERS).optional(),
  ownerId: z.uuid().optional(),
  sort: z.enum(['risk', 'clv', 'recency', 'name']).default('risk'),
  order: z.enum(['asc', 'desc']).default('desc'),
  ...pageQuery(200, 20),
});
export const movementQuery = z.strictObject({ from: z.uuid(), to: z.uuid() });
export const histogramQuery = z.strictObject({ buckets: z.coerce.number().int().min(2).max(50).default(20) });
