export { analyticsRoutes, ANALYTICS_QUEUE } from './analytics.routes.js';
export {
  executeRun,
  getRun,
  listRuns,
  queueNightly,
  readAnalyticsSettings,
  registerChurnSignal,
  registerScorecardInput,
  startRun,
  unfinishedRunIds,
  type ChurnSignal,
  type ScorecardInput,
} from './analytics.service.js';
export type { ValueTier, ChurnLevel, ChurnReason, RunView } from './analytics.contract.js';
export { analyticsFacts, customerValueTier, ANALYTICS_METRICS, type AnalyticsMetric } from './facts.js';
export { RFM_GROUPS, RFM_GROUP_LABELS } from './analytics.contract.js';
export { analyticsDashboardTiles } from './dashboard.tiles.js';
export { analyticsListFilters } from './list-filters.js';
export { analyticsGoalMetrics } from './goal.metrics.js';
export { registerAnalyticsRunFinishedHook, type AnalyticsRunFinishedEvent, type AnalyticsRunFinishedHook } from './finished.js';
export { analyticsSummarySource } from './analytics.summary.js';
export { analyticsPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
