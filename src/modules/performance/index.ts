export { performanceRoutes } from './performance.routes.js';
export type { PerformanceReport, PerformanceRow, PerformanceWeights } from './performance.contract.js';
export { performanceDashboardTiles } from './dashboard.tiles.js';
// The demo's training notes (demo/content.ts).
export { addTrainingNote } from './performance.service.js';
