export { campaignRoutes, type CampaignRouteContext } from './campaigns.routes.js';
export { CAMPAIGNS_QUEUE, executeLaunch, unfinishedLaunchIds, type LaunchDeps } from './launch.js';
export { endDueCampaigns, launchDueCampaigns } from './campaigns.service.js';
export { campaignResults } from './results.js';
export { transactionCodeHandler } from './redemptions.js';
export type { CampaignResults, CampaignView } from './campaigns.contract.js';
export { campaignDashboardTiles } from './dashboard.tiles.js';
export { campaignGoalMetrics } from './goal.metrics.js';
export { campaignPointsMultipliers } from './points.js';
// The demo's campaigns (demo/outreach.ts): the marketer's services, and the coupons a household holds.
export { createCampaign, getCampaign, launchCampaign, listCampaigns } from './campaigns.service.js';
export { customerCoupons } from './redemptions.js';
export { campaignPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
