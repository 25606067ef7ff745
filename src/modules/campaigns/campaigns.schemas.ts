/**
 * Response schemas of the campaigns API (documented in /api/docs/json, checked under the test runner), each tied to
 * its campaigns.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { itemsOf, pageOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  CAMPAIGN_GOALS,
  CAMPAIGN_STATUSES,
  CAMPAIGN_TIERS,
  CODE_MODES,
  OFFER_KINDS,
  REDEMPTION_SOURCES,
  type CampaignListItem,
  type CampaignPage,
  type CampaignResults,
  type CampaignSettings,
  type CampaignView,
  type CouponView,
  type GroupFigures,
  type Interval,
  type LaunchView,
  type OfferView,
  type RedemptionPage,
  type RedemptionView,
} from './campaigns.contract.js';

const userRef = z.object({ id: z.string(), name: z.string() });

export const offerView = responseOf<OfferView>()(
  z.object({
    id: z.string(),
    kind: z.enum(OFFER_KINDS),
    name: z.string(),
    percentOffBp: z.number().int().nullable(),
    thresholdFen: z.number().int().nullable(),
    discountFen: z.number().int().nullable(),
    detail: z.string().nullable(),
    multiplierX100: z.number().int().nullable(),
    codeMode: z.enum(CODE_MODES),
    sharedCode: z.string().nullable(),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
    perCustomerLimit: z.number().int(),
  }),
);

export const launchView = responseOf<LaunchView>()(
  z.object({
    id: z.string(),
    campaignId: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
);

export const campaignView = responseOf<CampaignView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(CAMPAIGN_STATUSES),
    goal: z.enum(CAMPAIGN_GOALS),
    goalTarget: z.number().int(),
    segmentId: z.string().nullable(),
    segmentName: z.string().nullable(),
    holdoutBp: z.number().int(),
    offers: z.array(offerView),
    channels: z.array(z.object({ templateId: z.string(), templateName: z.string(), channel: z.enum(['sms', 'email', 'wechat']) })),
    startsAt: z.string().nullable(),
    attributionDays: z.number().int(),
    budgetFen: z.number().int(),
    costPerMessageFen: z.number().int(),
    costPerRedemptionFen: z.number().int(),
    marginBp: z.number().int(),
    owner: userRef.nullable(),
    needsApproval: z.boolean(),
    approvedBy: userRef.nullable(),
    approvedAt: z.string().nullable(),
    launchedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    treatedCount: z.number().int(),
    holdoutCount: z.number().int(),
    launch: launchView.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const campaignListItem = responseOf<CampaignListItem>()(
  z.object({
    id: z.string(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    goal: z.enum(CAMPAIGN_GOALS),
    segmentName: z.string().nullable(),
    holdoutBp: z.number().int(),
    budgetFen: z.number().int(),
    startsAt: z.string().nullable(),
    launchedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    treatedCount: z.number().int(),
    holdoutCount: z.number().int(),
    createdAt: z.string(),
    ownerName: z.string().nullable(),
  }),
);

export const campaignPage = responseOf<CampaignPage>()(pageWithTotalOf(campaignListItem));

export const redemptionView = responseOf<RedemptionView>()(
  z.object({
    id: z.string(),
    campaignId: z.string(),
    offerId: z.string(),
    code: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    transactionId: z.string().nullable(),
    orderFen: z.number().int().nullable(),
    discountFen: z.number().int(),
    source: z.enum(REDEMPTION_SOURCES),
    redeemedAt: z.string(),
  }),
);

export const redemptionPage = responseOf<RedemptionPage>()(pageOf(redemptionView));

export const couponList = responseOf<{ items: CouponView[] }>()(
  itemsOf(
    z.object({
      code: z.string(),
      campaignId: z.string(),
      campaignName: z.string(),
      offerName: z.string(),
      validTo: z.string().nullable(),
      uses: z.number().int(),
      maxUses: z.number().int(),
    }),
  ),
);

const intervalSchema = responseOf<Interval>()(z.object({ diff: z.number(), lower: z.number(), upper: z.number() }));

const groupFigures = responseOf<GroupFigures>()(
  z.object({
    reach: z.number().int(),
    delivered: z.number().int(),
    opened: z.number().int().describe('Opened a campaign message: an email’s image loaded or a tracked link followed'),
    clicked: z.number().int().describe('Followed a tracked link in a campaign message'),
    responded: z.number().int(),
    redeemed: z.number().int(),
    revenueFen: z.number().int(),
    marginFen: z.number().int(),
    complained: z.number().int(),
    rated: z.number().int().describe('Members who gave a satisfaction score (survey CSAT or ticket rating) in the window'),
    satisfied: z.number().int().describe('Of the rated, those whose latest score was 4 or 5'),
    satisfiedRate: z.number().nullable(),
    responseRate: z.number(),
    revenuePerHeadFen: z.number(),
  }),
);

const upliftFields = {
  treated: groupFigures,
  holdout: groupFigures,
  responseUplift: intervalSchema.nullable().describe('Response rate treated − holdout, 95% Newcombe interval'),
  revenueUplift: intervalSchema.nullable().describe('Revenue per head treated − holdout (fen), 95% bootstrap interval'),
  complaintUplift: intervalSchema.nullable(),
  satisfactionUplift: intervalSchema.nullable().describe('Satisfied share of the rated, treated − holdout, 95% Newcombe interval'),
  incrementalRevenueFen: z.number().int().nullable(),
  incrementalMarginFen: z.number().int().nullable(),
};

export const campaignResults = responseOf<CampaignResults>()(
  z.object({
    campaignId: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    windowStart: z.string().nullable(),
    windowEnd: z.string().nullable(),
    asOf: z.string(),
    ...upliftFields,
    messages: z.object({ total: z.number().int(), queued: z.number().int(), sent: z.number().int(), failed: z.number().int(), blocked: z.record(z.string(), z.number().int()) }),
    costFen: z.number().int(),
    roi: z.number().nullable().describe('(incremental margin − cost) / cost'),
    goal: z.object({ metric: z.enum(CAMPAIGN_GOALS), target: z.number(), achieved: z.number().nullable(), met: z.boolean().nullable() }),
    tiers: z.array(z.object({ tier: z.enum(CAMPAIGN_TIERS), ...upliftFields })),
    daily: z.array(
      z.object({ day: z.string(), treatedRate: z.number(), holdoutRate: z.number(), treatedRevenuePerHeadFen: z.number(), holdoutRevenuePerHeadFen: z.number() }),
    ),
  }),
);

export const campaignSettings = responseOf<CampaignSettings>()(z.object({ approvalLimitFen: z.number().int() }));
