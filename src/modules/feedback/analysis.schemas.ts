/** Request and response schemas of the feedback analysis API (反馈分析), documented in /api/docs/json. */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import { trimmedText } from '../../platform/http/validation.js';
import {
  ANALYSIS_GRANULARITIES,
  ANALYSIS_LIMITS,
  SENTIMENT_GROUPINGS,
  TREND_SPLITS,
  type AnalysisFilter,
  type FeedbackHotTopics,
  type FeedbackKeywordCloud,
  type FeedbackSentimentTrends,
  type FeedbackTrends,
  type SentimentSeries,
} from './analysis.contract.js';
import { FEEDBACK_SENTIMENTS } from './feedback.contract.js';

// ---- requests ----

const range = {
  from: z.iso.date().optional().describe('First day (company time zone); default: 29 days (day) or 12 weeks (week) before `to`'),
  to: z.iso.date().optional().describe('Last day, inclusive (company time zone); default: today'),
};
const filters = {
  categoryId: z.uuid().optional(),
  sentiment: z.enum(FEEDBACK_SENTIMENTS).optional().describe("The agent's correction when there is one, else the analysis'"),
  compound: trimmedText(100).min(1).optional().describe("The compound (小区) of the customer's address"),
};

export const trendsQuery = z.strictObject({
  ...range,
  granularity: z.enum(ANALYSIS_GRANULARITIES).default('day'),
  split: z.enum(TREND_SPLITS).default('category'),
  ...filters,
});
export type TrendsQuery = z.infer<typeof trendsQuery>;

export const sentimentQuery = z.strictObject({
  ...range,
  granularity: z.enum(ANALYSIS_GRANULARITIES).default('week'),
  by: z.enum(SENTIMENT_GROUPINGS).default('category'),
  categoryId: filters.categoryId,
  compound: filters.compound,
});
export type SentimentQuery = z.infer<typeof sentimentQuery>;

export const keywordsQuery = z.strictObject({
  ...range,
  ...filters,
  limit: z.coerce.number().int().min(1).max(ANALYSIS_LIMITS.keywords).default(50),
});
export type KeywordsQuery = z.infer<typeof keywordsQuery>;

// ---- responses ----

const filter = responseOf<AnalysisFilter>()(
  z.object({
    categoryId: z.string().optional(),
    sentiment: z.enum(FEEDBACK_SENTIMENTS).optional(),
    compound: z.string().optional(),
    keyword: z.string().optional(),
  }),
);
const period = z.object({ key: z.string(), from: z.string(), to: z.string() });
const group = { key: z.string(), label: z.string(), filter: filter.nullable().describe('The inbox filter listing these items; null when none lists exactly them') };

export const trendsResponse = responseOf<FeedbackTrends>()(
  z.object({
    from: z.string(),
    to: z.string(),
    granularity: z.enum(ANALYSIS_GRANULARITIES),
    split: z.enum(TREND_SPLITS),
    periods: z.array(period),
    series: z.array(z.object({ ...group, total: z.number().int(), values: z.array(z.number().int()) })),
    totals: z.array(z.number().int()),
    total: z.number().int(),
  }),
);

const sentimentSeries = responseOf<SentimentSeries>()(
  z.object({
    ...group,
    total: z.number().int(),
    negative: z.number().int(),
    share: z.number().nullable().describe('Negative share, 0–1'),
    counts: z.array(z.number().int()),
    negatives: z.array(z.number().int()),
    shares: z.array(z.number().nullable()),
  }),
);

export const sentimentResponse = responseOf<FeedbackSentimentTrends>()(
  z.object({
    from: z.string(),
    to: z.string(),
    granularity: z.enum(ANALYSIS_GRANULARITIES),
    by: z.enum(SENTIMENT_GROUPINGS),
    periods: z.array(period),
    overall: sentimentSeries,
    groups: z.array(sentimentSeries),
  }),
);

export const keywordsResponse = responseOf<FeedbackKeywordCloud>()(
  z.object({
    from: z.string(),
    to: z.string(),
    items: z.number().int(),
    keywords: z.array(z.object({ word: z.string(), count: z.number().int(), weight: z.number(), negative: z.number().int() })),
  }),
);

export const hotTopicsResponse = responseOf<FeedbackHotTopics>()(
  z.object({
    asOf: z.string(),
    window: z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() }),
    baseline: z.object({ from: z.string(), to: z.string() }),
    rule: z.object({
      windowDays: z.number(),
      baselineWeeks: z.number(),
      minBaselineWeeks: z.number(),
      minCount: z.number(),
      minRatio: z.number(),
      minZ: z.number(),
      samples: z.number(),
    }),
    total: z.number().int(),
    baselineTotals: z.array(z.number().int()),
    enoughHistory: z.boolean(),
    topics: z.array(
      z.object({
        kind: z.enum(['category', 'keyword']),
        key: z.string(),
        label: z.string(),
        filter,
        count: z.number().int(),
        share: z.number(),
        baselineShare: z.number(),
        ratio: z.number().nullable(),
        expected: z.number(),
        sampleIds: z.array(z.string()),
      }),
    ),
  }),
);
