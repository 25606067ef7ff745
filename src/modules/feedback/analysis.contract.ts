/**
 * What the feedback analysis API (反馈分析, issue #19) returns, shared with the web UI. Types and constants only, and
 * no imports, so the browser build can compile this file as it is.
 *
 * Every figure counts the items the reader's inbox shows (the same data scope; removed items left out), by the day
 * they arrived on the company's calendar (Asia/Shanghai by default). Every group carries the inbox filter that lists
 * the items it counts (`filter`), so a chart point or a topic opens the inbox on exactly those items.
 */

export const ANALYSIS_GRANULARITIES = ['day', 'week'] as const;
export type AnalysisGranularity = (typeof ANALYSIS_GRANULARITIES)[number];

/** How the trend is split: by the item's category, its sentiment, or the compound (小区) of its customer's address. */
export const TREND_SPLITS = ['category', 'sentiment', 'compound'] as const;
export type TrendSplit = (typeof TREND_SPLITS)[number];

/** How the negative share over time is grouped. */
export const SENTIMENT_GROUPINGS = ['category', 'compound'] as const;
export type SentimentGrouping = (typeof SENTIMENT_GROUPINGS)[number];

export const ANALYSIS_LIMITS = {
  /** The longest range a chart covers (two years). */
  maxDays: 731,
  /** Groups drawn one by one; the rest are added up as 其他. */
  groups: 8,
  /** Keywords in the cloud, at most. */
  keywords: 100,
} as const;

/** Group keys that are not a category id or a compound's name. */
export const GROUP_NONE = '__none__';
export const GROUP_OTHER = '__other__';

/**
 * The hot-topic rule (docs/FEEDBACK-TEXT.md, 热点话题): a category or keyword is hot when its share of the items in the
 * last `windowDays` company days (ending now) is at least `minRatio` times its mean weekly share over the
 * `baselineWeeks` weeks before, with at least `minCount` items in the window, and the count is at least `minZ`
 * Poisson standard deviations above what the baseline share expects. A topic with no items in the baseline is hot
 * on count and z alone. Without items in at least `minBaselineWeeks` of the baseline weeks nothing is compared.
 */
export const HOT_TOPIC_RULE = { windowDays: 7, baselineWeeks: 4, minBaselineWeeks: 2, minCount: 5, minRatio: 2, minZ: 3, samples: 5 } as const;
export type HotTopicRule = { [K in keyof typeof HOT_TOPIC_RULE]: number };

/** An inbox filter (the inbox page's URL parameters besides the days). */
export type AnalysisFilter = { categoryId?: string; sentiment?: 'neg' | 'neu' | 'pos'; compound?: string; keyword?: string };

/** A period of the chart: its key (its first day) and its days, both inclusive, `YYYY-MM-DD`. */
export type AnalysisPeriod = { key: string; from: string; to: string };

/** A group of items: a category, a sentiment, a compound, none of them (未分类, 无小区), or the rest (其他). */
export type AnalysisGroup = {
  key: string;
  label: string;
  /** The inbox filter listing its items; null when the inbox cannot list exactly them (无小区, 其他, 未分类). */
  filter: AnalysisFilter | null;
};

export type TrendSeries = AnalysisGroup & { total: number; values: number[] };

/** GET /feedback-analysis/trends: items per period, split. */
export type FeedbackTrends = {
  from: string;
  to: string;
  granularity: AnalysisGranularity;
  split: TrendSplit;
  periods: AnalysisPeriod[];
  /** Largest first (sentiment: negative, neutral, positive). */
  series: TrendSeries[];
  /** All items per period. */
  totals: number[];
  total: number;
};

/** A group's negative share per period (0–1, null where it has no items). */
export type SentimentSeries = AnalysisGroup & {
  total: number;
  negative: number;
  share: number | null;
  counts: number[];
  negatives: number[];
  shares: (number | null)[];
};

/** GET /feedback-analysis/sentiment: the negative share over time, overall and by category or compound. */
export type FeedbackSentimentTrends = {
  from: string;
  to: string;
  granularity: AnalysisGranularity;
  by: SentimentGrouping;
  periods: AnalysisPeriod[];
  overall: SentimentSeries;
  groups: SentimentSeries[];
};

/** A keyword with how many items carry it, its weight (1 for the most frequent) and how many of those are negative. */
export type KeywordWeight = { word: string; count: number; weight: number; negative: number };

/** GET /feedback-analysis/keywords: the keyword cloud. */
export type FeedbackKeywordCloud = { from: string; to: string; items: number; keywords: KeywordWeight[] };

export type HotTopicKind = 'category' | 'keyword';

export type HotTopic = {
  kind: HotTopicKind;
  /** The category's id or the keyword. */
  key: string;
  label: string;
  filter: AnalysisFilter;
  /** Items in the window carrying the topic, and their share of the window's items (0–1). */
  count: number;
  share: number;
  /** The mean weekly share over the baseline weeks (0–1). */
  baselineShare: number;
  /** share ÷ baselineShare; null for a topic new in the window (no baseline items). */
  ratio: number | null;
  /** The count the baseline share expects in the window. */
  expected: number;
  /** The newest items of the topic in the window. */
  sampleIds: string[];
};

/** GET /feedback-analysis/hot-topics: what jumps this week. */
export type FeedbackHotTopics = {
  asOf: string;
  /** The window's days (inclusive) and instants (to = now). */
  window: { from: string; to: string; start: string; end: string };
  /** The baseline's days (inclusive). */
  baseline: { from: string; to: string };
  rule: HotTopicRule;
  /** Items in the window, and in each baseline week (most recent first). */
  total: number;
  baselineTotals: number[];
  /** False when the baseline has too few weeks with items to compare against: no topics then. */
  enoughHistory: boolean;
  /** Strongest first (ratio, then count). */
  topics: HotTopic[];
};
