/**
 * What the campaigns API returns (营销活动: goals, audiences, offers and coupon codes, holdout groups, results): plain
 * types and constants with no imports, shared with the web app.
 */

/**
 * draft (being prepared) → scheduled (launch at `startsAt`) → running (members drawn, messages in the outbox, the
 * attribution window open) → ended (the window closed); cancelled from draft, scheduled or running.
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'ended', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * What the campaign is meant to move: the repeat-purchase rate (points of uplift), spend per head (fen of uplift),
 * reactivation of lapsed households (points of uplift in the rate of those who buy again), complaints (points of
 * reduction in the share who complain).
 */
export const CAMPAIGN_GOALS = ['repeat_purchase', 'spend_per_head', 'reactivation', 'fewer_complaints'] as const;
export type CampaignGoal = (typeof CAMPAIGN_GOALS)[number];

/**
 * Offers: percentage discount, 满减 (spend X get Y off), a gift, a bundle, a points multiplier (used by loyalty when it
 * lands), or none (a message only).
 */
export const OFFER_KINDS = ['percent', 'threshold', 'gift', 'bundle', 'points_multiplier'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** Coupon codes: none, one per treated customer (unguessable, short, readable), or one shared code. */
export const CODE_MODES = ['none', 'unique', 'shared'] as const;
export type CodeMode = (typeof CODE_MODES)[number];

/** Where a redemption was recorded. */
export const REDEMPTION_SOURCES = ['transaction', 'api', 'import'] as const;
export type RedemptionSource = (typeof REDEMPTION_SOURCES)[number];

export const CAMPAIGN_GROUPS = ['treated', 'holdout'] as const;
export type CampaignGroup = (typeof CAMPAIGN_GROUPS)[number];

/** Tiers as the results split them: the value tiers at launch, and customers without one. */
export const CAMPAIGN_TIERS = ['high', 'middle', 'low', 'none'] as const;
export type CampaignTier = (typeof CAMPAIGN_TIERS)[number];

export type OfferView = {
  id: string;
  kind: OfferKind;
  name: string;
  /** percent: the discount in basis points (1500 = 15% off). */
  percentOffBp: number | null;
  /** threshold (满减): spend at least `thresholdFen`, get `discountFen` off. */
  thresholdFen: number | null;
  discountFen: number | null;
  /** gift / bundle: what is given or bundled. */
  detail: string | null;
  /** points_multiplier: ×100 (200 = double points). */
  multiplierX100: number | null;
  codeMode: CodeMode;
  /** The shared code (shared mode). */
  sharedCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** How often one customer may redeem. */
  perCustomerLimit: number;
};

export type CampaignChannelView = { templateId: string; templateName: string; channel: 'sms' | 'email' | 'wechat' };

export type CampaignView = {
  id: string;
  name: string;
  description: string | null;
  status: CampaignStatus;
  goal: CampaignGoal;
  /** Points ×100 of uplift for rates (500 = +5 points), fen for spend per head. */
  goalTarget: number;
  segmentId: string | null;
  segmentName: string | null;
  /** Share of the audience held out, in basis points (1000 = 10%). */
  holdoutBp: number;
  offers: OfferView[];
  channels: CampaignChannelView[];
  startsAt: string | null;
  attributionDays: number;
  budgetFen: number;
  costPerMessageFen: number;
  costPerRedemptionFen: number;
  /** Gross margin on revenue, basis points. */
  marginBp: number;
  owner: { id: string; name: string } | null;
  /** Launching needs a manager's approval when the budget is above the limit. */
  needsApproval: boolean;
  approvedBy: { id: string; name: string } | null;
  approvedAt: string | null;
  launchedAt: string | null;
  endsAt: string | null;
  endedAt: string | null;
  cancelledAt: string | null;
  treatedCount: number;
  holdoutCount: number;
  /** The latest launch run, while or after it ran. */
  launch: LaunchView | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type CampaignListItem = Pick<
  CampaignView,
  'id' | 'name' | 'status' | 'goal' | 'segmentName' | 'holdoutBp' | 'budgetFen' | 'startsAt' | 'launchedAt' | 'endsAt' | 'treatedCount' | 'holdoutCount' | 'createdAt'
> & { ownerName: string | null };

/** Installation-wide campaign settings: budgets above the limit (fen) need a manager's approval before launch. */
export type CampaignSettings = { approvalLimitFen: number };

export type CampaignPage = { items: CampaignListItem[]; nextCursor: string | null; total: number };

export type LaunchView = {
  id: string;
  campaignId: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { phase: string; done: number; total: number };
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type RedemptionView = {
  id: string;
  campaignId: string;
  offerId: string;
  code: string;
  customerId: string;
  customerName: string;
  transactionId: string | null;
  orderFen: number | null;
  discountFen: number;
  source: RedemptionSource;
  redeemedAt: string;
};

export type RedemptionPage = { items: RedemptionView[]; nextCursor: string | null };

/** A member's coupon as the customer page and the message variable show it. */
export type CouponView = { code: string; campaignId: string; campaignName: string; offerName: string; validTo: string | null; uses: number; maxUses: number };

/** A difference with its 95% interval. */
export type Interval = { diff: number; lower: number; upper: number };

/** One group's figures (treated or holdout). Rates are 0–1; money in fen. */
export type GroupFigures = {
  reach: number;
  delivered: number;
  /** Members who opened a campaign message (an email's image, or a tracked link followed) / followed a link. */
  opened: number;
  clicked: number;
  responded: number;
  redeemed: number;
  revenueFen: number;
  marginFen: number;
  complained: number;
  /** Members who gave a satisfaction score (survey CSAT or ticket rating, 1–5) in the window, and those of them at 4–5. */
  rated: number;
  satisfied: number;
  /** satisfied / rated; null when nobody rated. */
  satisfiedRate: number | null;
  responseRate: number;
  revenuePerHeadFen: number;
};

export type UpliftFigures = {
  treated: GroupFigures;
  holdout: GroupFigures;
  /** Response rate treated − holdout, Newcombe's hybrid score interval; null without a holdout. */
  responseUplift: Interval | null;
  /** Revenue per head treated − holdout (fen), percentile bootstrap; null without a holdout. */
  revenueUplift: Interval | null;
  /** Complaint rate treated − holdout, Newcombe; null without a holdout. */
  complaintUplift: Interval | null;
  /** Satisfied share of the rated, treated − holdout, Newcombe; null without a holdout or without ratings in a group. */
  satisfactionUplift: Interval | null;
  incrementalRevenueFen: number | null;
  incrementalMarginFen: number | null;
};

export type CampaignResults = UpliftFigures & {
  campaignId: string;
  status: CampaignStatus;
  /** The attribution window: launch to launch + attributionDays (ends early at `asOf` while running). */
  windowStart: string | null;
  windowEnd: string | null;
  asOf: string;
  /** Messages: queued, sent, failed, and suppressed by rule (consent, cap, …); quiet hours are only a delay. */
  messages: { total: number; queued: number; sent: number; failed: number; blocked: Record<string, number> };
  costFen: number;
  /** (incremental margin − cost) / cost; null without a holdout or without cost. */
  roi: number | null;
  goal: { metric: 'repeat_purchase' | 'spend_per_head' | 'reactivation' | 'fewer_complaints'; target: number; achieved: number | null; met: boolean | null };
  tiers: (UpliftFigures & { tier: CampaignTier })[];
  /** Cumulative response rate and revenue per head by day since launch (company dates). */
  daily: { day: string; treatedRate: number; holdoutRate: number; treatedRevenuePerHeadFen: number; holdoutRevenuePerHeadFen: number }[];
};
