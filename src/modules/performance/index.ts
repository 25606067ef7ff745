export { performanceRoutes } from './performance.routes.js';
export type { PerformanceReport, PerformanceRow, PerformanceWeights } from './performance.contract.js';
export { performanceDashboardTiles } from './dashboard.tiles.js';
