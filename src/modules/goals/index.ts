export { goalRoutes } from './goals.routes.js';
export { registerGoalMetric, goalMetric, goalMetrics, type GoalMetricContext, type GoalMetricDef, type GoalMetricParamDef } from './metrics.js';
export { snapshotGoals, goalProgress, ensureGoalSeed, listGoalViews } from './goals.service.js';
// The demo's goals (demo/content.ts).
export { createGoal } from './goals.service.js';
export { goalDashboardTiles } from './dashboard.tiles.js';
export type { GoalDetail, GoalList, GoalView, GoalStatus, GoalMetricList, GoalMetricView, GoalParamOption } from './goals.contract.js';
