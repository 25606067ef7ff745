export { careRoutes } from './care.routes.js';
export { careMergeHook } from './merge.js';
export { runCare, CATCH_UP_DAYS, createPlan as createCarePlan, createRule as createCareRule, type CareRuntime } from './care.service.js';
export type { PlanView, RuleView, RunSummary } from './care.contract.js';
export { careDashboardTiles } from './dashboard.tiles.js';
export { festivalDate, lunarBirthdaysOn } from './festivals.js';
export { careSummarySource } from './care.summary.js';
export { carePersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
