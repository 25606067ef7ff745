export { analyticsRoutes, ANALYTICS_QUEUE } from './analytics.routes.js';
export {
  executeRun,
  getRun,
  queueNightly,
  readAnalyticsSettings,
  registerChurnSignal,
  startRun,
  unfinishedRunIds,
  type ChurnSignal,
} from './analytics.service.js';
export type { ValueTier, ChurnLevel, ChurnReason, RunView } from './analytics.contract.js';
export { analyticsFacts, customerValueTier } from './facts.js';
