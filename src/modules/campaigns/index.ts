export { campaignRoutes, type CampaignRouteContext } from './campaigns.routes.js';
export { CAMPAIGNS_QUEUE, executeLaunch, unfinishedLaunchIds, type LaunchDeps } from './launch.js';
export { endDueCampaigns, launchDueCampaigns } from './campaigns.service.js';
export { campaignResults } from './results.js';
export { transactionCodeHandler } from './redemptions.js';
export type { CampaignResults, CampaignView } from './campaigns.contract.js';
export { campaignDashboardTiles } from './dashboard.tiles.js';
export { campaignGoalMetrics } from './goal.metrics.js';
export { campaignPointsMultipliers } from './points.js';
