/** What the analytics API returns and accepts (shared with the web app; no imports). */

export const VALUE_TIERS = ['high', 'middle', 'low'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];
export const CHURN_LEVELS = ['low', 'medium', 'high'] as const;
export type ChurnLevel = (typeof CHURN_LEVELS)[number];

/**
 * The eight RFM groups: R, F and M each "high" when the customer's quintile score is ≥ 3 (at or above the middle
 * quintile), else "low". Codes are stored; labels live in the UI (重要价值客户 …).
 */
export const RFM_GROUPS = [
  'important_value', // R↑ F↑ M↑ 重要价值客户
  'important_develop', // R↑ F↓ M↑ 重要发展客户
  'important_keep', // R↓ F↑ M↑ 重要保持客户
  'important_retain', // R↓ F↓ M↑ 重要挽留客户
  'general_value', // R↑ F↑ M↓ 一般价值客户
  'general_develop', // R↑ F↓ M↓ 一般发展客户
  'general_keep', // R↓ F↑ M↓ 一般保持客户
  'general_retain', // R↓ F↓ M↓ 一般挽留客户
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

export const RFM_GROUP_LABELS: Record<RfmGroup, { zh: string; en: string }> = {
  important_value: { zh: '重要价值客户', en: 'Important value' },
  important_develop: { zh: '重要发展客户', en: 'Important to develop' },
  important_keep: { zh: '重要保持客户', en: 'Important to keep' },
  important_retain: { zh: '重要挽留客户', en: 'Important to win back' },
  general_value: { zh: '一般价值客户', en: 'General value' },
  general_develop: { zh: '一般发展客户', en: 'General to develop' },
  general_keep: { zh: '一般保持客户', en: 'General to keep' },
  general_retain: { zh: '一般挽留客户', en: 'General to win back' },
};

/** Value × loyalty: core (high, high), win (high value, low loyalty), develop (low value, high loyalty), basic. */
export const QUADRANTS = ['core', 'win', 'develop', 'basic'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

/** The five kinds of customer value (brief §3). */
export const VALUE_KINDS = ['economic', 'wordOfMouth', 'strategic', 'emotional', 'learning'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** Metrics an indicator of the scorecard may use. */
export const INDICATOR_METRICS = [
  'monetary',
  'frequency',
  'recency',
  'clv',
  'clvFormula',
  'pAlive',
  'tenure',
  'interactions',
  'lifetimeSpend',
  'customNumber',
  'tag',
  /** Another module's per-customer metric (registerScorecardInput); `field` names it, e.g. `surveys.nps`. */
  'input',
] as const;
export type IndicatorMetric = (typeof INDICATOR_METRICS)[number];

export type Indicator = {
  key: string;
  labelZh: string;
  labelEn: string;
  kind: ValueKind;
  metric: IndicatorMetric;
  weight: number;
  /** customNumber: the custom field key; tag: the tag name; input: the input's key (`surveys.nps`). */
  field?: string | null;
  /** For recency: fewer days is better (the percentile is inverted). */
  invert?: boolean;
};

/** A metric another module offers the scorecard (GET /api/v1/analytics/scorecard-inputs). */
export type ScorecardInputView = { key: string; labelZh: string; labelEn: string; kind: ValueKind };

export type AnalyticsSettings = {
  /** RFM window in days. */
  rfmWindowDays: number;
  /**
   * How R, F and M become scores 1–5: `quintiles` ranks the customers who bought in the window among themselves (ties
   * share a score; customers without a purchase in the window get F = M = 1 and R = 1); `thresholds` uses the fixed
   * cut points of `rfmThresholds`.
   */
  rfmScoring: 'quintiles' | 'thresholds';
  /**
   * Cut points for `thresholds`, ascending: R in days since the last purchase (≤ r[0] → 5, ≤ r[1] → 4, ≤ r[2] → 3,
   * ≤ r[3] → 2, else 1); F in purchase days in the window and M in fen (≥ x[3] → 5, ≥ x[2] → 4, ≥ x[1] → 3,
   * ≥ x[0] → 2, else 1).
   */
  rfmThresholds: { r: number[]; f: number[]; m: number[] };
  /** The time unit of the purchase models: 7 = weeks (the published convention), 1 = days. */
  modelUnitDays: 7 | 1;
  /** Time budget of each model fit, in seconds: a fit that needs longer stops and is reported as not converged. */
  fitSeconds: number;
  /** Formula CLV: contribution margin (0–1), expected lifetime in years, acquisition cost in fen. */
  margin: number;
  lifetimeYears: number;
  acquisitionCostFen: number;
  /** Probabilistic CLV: horizon in months and yearly discount rate. */
  horizonMonths: number;
  discountRate: number;
  /** Expected purchases are reported for the next N weeks. */
  expectedPurchaseWeeks: number;
  /** Transactions of these product categories count as contractual (besides any with a heating season). */
  contractCategories: string[];
  /** Value tiers: total score ≥ high → high, ≥ middle → middle, else low. */
  tierCutoffs: { high: number; middle: number };
  /** Churn risk levels: ≥ high → high, ≥ medium → medium. */
  riskCutoffs: { high: number; medium: number };
  /** Loyalty score at or above which a customer counts as loyal in the value × loyalty matrix; value: the tier. */
  loyaltyCutoff: number;
  /** k-means: k (2–10), or null to choose k by silhouette on a sample. */
  segments: number | null;
  /** Tags that signal churn (欠费, 报停) with the risk points each adds. */
  churnTags: { tag: string; points: number }[];
  /** The scorecard: weighted indicators over the five kinds of value. */
  indicators: Indicator[];
  /** Run nightly (at 02:00 in the company's time zone). */
  nightly: boolean;
  /**
   * Every run's per-customer history is kept this many days; older runs keep it only for the first finished run of each
   * month (a monthly snapshot), so tier movement stays visible for years without a million rows a night.
   */
  historyDailyDays: number;
};

export type RunProgress = { phase: string; done: number; total: number };

export type FitSummary = {
  params: Record<string, number>;
  logLik: number;
  n: number;
  converged: boolean;
  iterations: number;
  /** Why the search stopped: converged, max_iterations, time_limit, stalled, at_bound (see atBound), or error. */
  stop?: 'converged' | 'max_iterations' | 'time_limit' | 'stalled' | 'at_bound' | 'error' | 'unusable';
  atBound?: string[];
  /** Customers the fit used (a sample for the slower models). */
  sample?: number;
  /** Time the fit took. */
  ms?: number;
  error?: string;
};

export type RunFits = {
  unit: 'week' | 'day';
  /**
   * The purchase model whose P(alive), expected purchases and CLV were stored: MBG/NBD when it converged, else BG/NBD
   * (P(alive) of one-time buyers is then not informative and not used for churn risk), else none (CLV from the mean
   * spend only). `fallback` says why the preferred model was not used.
   */
  used?: 'mbgnbd' | 'bgnbd' | null;
  fallback?: string | null;
  mbgnbd?: FitSummary;
  bgnbd?: FitSummary;
  pnbd?: FitSummary;
  gg?: FitSummary;
  sbg?: FitSummary & { survival: number[] };
  kmeans?: { k: number; silhouette: number | null; centroids: number[][]; features: string[]; sizes: number[] };
};

/** How the RFM scores were cut: per dimension and score, the range of values that got it and how many customers. */
export type RfmCuts = {
  method: 'quintiles' | 'thresholds';
  r: { score: number; min: number | null; max: number | null; count: number }[];
  f: { score: number; min: number | null; max: number | null; count: number }[];
  m: { score: number; min: number | null; max: number | null; count: number }[];
};

/** Something the user should know about a run's figures. */
export type RunWarning = { code: 'data_old' | 'no_purchases_in_window' | 'model_not_converged' | 'few_customers'; zh: string; en: string };

export type RunDiagnostics = {
  rfm?: RfmCuts;
  warnings?: RunWarning[];
  /** The last day with a transaction (company time zone). */
  dataEnd?: string | null;
  /** Customers by repeat purchases in the calibration period: actual vs BG/NBD-predicted (last bucket is "≥ max"). */
  frequency?: { x: string[]; actual: number[]; predicted: number[] };
  /** Cumulative repeat purchases over the holdout weeks: actual vs expected from a fit on the calibration period. */
  holdout?: { weeks: number[]; actual: number[]; predicted: number[]; calibrationEnd: string };
  /** Contract cohorts: share still renewing after k seasons, observed vs sBG. */
  survival?: { season: number[]; actual: number[]; predicted: number[] };
};

export type RunCounts = {
  customers: number;
  transactions: number;
  serviceCustomers: number;
  contractCustomers: number;
  tiers: Record<ValueTier, number>;
  churn: Record<ChurnLevel, number>;
  peakRssMb?: number;
  /** The per-customer history of this run was removed by the retention rule (settings.historyDailyDays). */
  historyPruned?: boolean;
};

export type RunView = {
  id: string;
  kind: 'nightly' | 'manual' | 'cli';
  asOf: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: RunProgress;
  counts: RunCounts | null;
  error: string | null;
  seconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The last sign of life of the process running it. */
  heartbeatAt: string | null;
  /**
   * Queued or running, but its process has given no sign of life for a minute (it stopped): the run is taken over
   * and resumed by the next process that starts (or by another process on PostgreSQL), or set aside when a new
   * run is started.
   */
  interrupted: boolean;
};

export type RunDetail = RunView & { settings: AnalyticsSettings; fits: RunFits | null; diagnostics: RunDiagnostics | null };

export type ChurnReason = { code: string; zh: string; en: string; points: number };

export type CustomerScores = {
  kinds: Record<ValueKind, number>;
  indicators: Record<string, number>;
};

export type RfmCell = { r: number; f: number; count: number; monetaryFen: number };
export type RfmGridView = { runId: string | null; cells: RfmCell[]; groups: { group: RfmGroup; count: number; monetaryFen: number }[] };
export type TierDistributionView = { runId: string | null; tiers: { tier: ValueTier; count: number; clvFen: number; monetaryFen: number }[] };
export type MatrixView = { runId: string | null; cells: { quadrant: Quadrant; count: number; clvFen: number }[] };
export type ClvHistogramView = { runId: string | null; buckets: { fromFen: number; toFen: number; count: number }[] };

export type ChurnRow = {
  customerId: string;
  name: string;
  ownerId: string | null;
  ownerName: string | null;
  valueTier: ValueTier;
  rfmGroup: RfmGroup;
  churnRisk: number;
  churnLevel: ChurnLevel;
  reasons: string[];
  pAlive: number | null;
  clvFen: number;
  recencyDays: number | null;
};
/** A keyset page of the churn list (`nextCursor` for the next page), with the number of customers matching the filters. */
export type ChurnListView = { items: ChurnRow[]; nextCursor: string | null; total: number };

export type CustomerAnalyticsView = {
  customerId: string;
  runId: string;
  asOf: string;
  valueTier: ValueTier;
  valueScore: number;
  rfmGroup: RfmGroup;
  r: number;
  f: number;
  m: number;
  recencyDays: number | null;
  /** Purchase days and net spend in the RFM window (basis.rfmWindowDays before the as-of date). */
  frequency: number;
  monetaryFen: number;
  /** Purchase days and net spend of all time up to the as-of date (null for a run before these were kept). */
  lifetimePurchases: number | null;
  lifetimeFen: number | null;
  tenureDays: number | null;
  clvFormulaFen: number;
  clvFen: number;
  clvServiceFen: number;
  clvContractFen: number;
  pAlive: number | null;
  expectedPurchases: number | null;
  renewalProb: number | null;
  churnRisk: number;
  churnLevel: ChurnLevel;
  reasons: string[];
  loyalty: number;
  quadrant: Quadrant;
  segment: number | null;
  scores: CustomerScores;
  /** Where each figure comes from: the window and the model of the run that computed them. */
  basis: AnalyticsBasis;
  history: { runId: string; asOf: string; valueTier: ValueTier; valueScore: number; clvFen: number; pAlive: number | null; churnRisk: number; churnLevel: ChurnLevel }[];
};

/**
 * The windows and models behind a customer's figures (the value card labels each figure with them). The figures
 * measure different things and may seem to disagree: the RFM scores count the window only; P(alive) and the expected
 * purchases come from the purchase model over non-contract purchases; the renewal probability from the contract model
 * over heating seasons.
 */
export type AnalyticsBasis = {
  rfmWindowDays: number;
  rfmScoring: 'quintiles' | 'thresholds';
  /** The purchase model of P(alive), the expected purchases and the service CLV (null: none converged). */
  purchaseModel: 'mbgnbd' | 'bgnbd' | null;
  expectedPurchaseWeeks: number;
  /** The CLV horizon and yearly discount rate. */
  horizonMonths: number;
  discountRate: number;
  /** The contract model of the renewal probability and the contract CLV (sBG over heating seasons; null: not fitted). */
  renewalModel: 'sbg' | null;
  /** The scorecard's indicator count (the value score and tier). */
  indicators: number;
};

export type MovementView = { from: string; to: string; matrix: { from: ValueTier | 'none'; to: ValueTier | 'none'; count: number }[] };
