export { dashboardRoutes } from './dashboards.routes.js';
export { homeDashboard, availableBoards } from './dashboards.service.js';
export { registerDashboardTile, registeredTiles, type DashboardTileDef, type TileContext } from './tiles.js';
export type { DashboardBoard, DashboardHome, DashboardTileView, TileChart, TileRow, TileStat, TileTone, TileUnit } from './dashboards.contract.js';
export { DASHBOARD_BOARDS } from './dashboards.contract.js';
export { systemDashboardTiles } from './system.tiles.js';
