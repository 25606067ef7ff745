/** 会员与积分 (issue #16): what other modules and the composition root may use. */
export { loyaltyModuleRoutes } from './module.routes.js';
export { registerLoyaltyWriteHooks, type LoyaltyWriteRegistries } from './hooks.js';
export { registerLoyaltyHooks } from './timeline.js';
export { registerLoyaltySegmentFields } from './segment.fields.js';
export { loyaltyGoalMetrics } from './goal.metrics.js';
export { loyaltyDashboardTiles } from './dashboard.tiles.js';
export { memberLinkFor, type MemberLinkView } from './member-link.js';
export { referralFunnel, type ReferralFunnel } from './referrals.js';
// The demo load's loyalty history (demo/loyalty.ts): the starter rewards, back-filled earning, and the services it plays at past moments.
export { analyzeLedger, backfillEarn, dateAdjustment, dateRedemption, enrolSince, HEATING_REWARDS, memberStandings, seedHeatingRewards, type EarnableRow, type MemberStanding } from './seed.js';
export { earnFor, loyaltyTransactionHook } from './earn.js';
export { loyaltyCustomerCreatedHook } from './referrals.js';
export { readProgramme } from './programme.js';
export { adjustPoints } from './loyalty.service.js';
export { cancelRedemption, redeemAtDesk, redeemFor, rewardsCatalogue } from './rewards.service.js';
export type { LedgerEntryView, LoyaltyReport, MemberView, Programme, RedemptionView, ReferralView, RewardView } from './loyalty.contract.js';
export { LOYALTY_QUEUE, executeUpkeep, queueLoyaltyUpkeep, queueNightlyUpkeep, unfinishedUpkeepIds, upkeepNow, type UpkeepSummary } from './upkeep.js';
export { loyaltySummarySource } from './loyalty.summary.js';
export { loyaltyPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
