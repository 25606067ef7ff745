/**
 * 会员与积分 (issue #16): what the loyalty API returns. Plain types and constants, no imports (the web app compiles
 * this file as it is). Points are whole numbers; money is integer fen.
 */

/** Ledger entry kinds. Credits: earn, bonus, adjust (+), reverse (+, points given back). Debits: redeem, expire, adjust (−), reverse (−). */
export const LEDGER_KINDS = ['earn', 'bonus', 'redeem', 'expire', 'adjust', 'reverse'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Where an entry came from. */
export const LEDGER_SOURCES = ['transaction', 'refund', 'campaign', 'survey', 'feedback', 'referral', 'manual', 'redemption', 'expiry', 'debt'] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

/** What growth value (成长值) the tiers are measured on, over the last 12 months (tenure: whole years as a member). */
export const GROWTH_BASES = ['points', 'spend', 'tenure', 'value_tier'] as const;
export type GrowthBase = (typeof GROWTH_BASES)[number];

/** When an earned lot expires: at the end of the following calendar year, after N months (end of that month), never. */
export const EXPIRY_POLICIES = ['end_of_following_year', 'months', 'never'] as const;
export type ExpiryPolicy = (typeof EXPIRY_POLICIES)[number];

export const REWARD_KINDS = ['gift', 'voucher', 'fee_deduction'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export const REDEMPTION_CHANNELS = ['desk', 'member'] as const;
export type RedemptionChannel = (typeof REDEMPTION_CHANNELS)[number];

export const REFERRAL_STATUSES = ['pending', 'rewarded', 'refused'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const TIER_CHANGE_REASONS = ['join', 'upgrade', 'review_keep', 'review_downgrade', 'manual'] as const;
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number];

export const ADJUSTMENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];

/** The value tiers of analytics, for the `value_tier` growth base (a tier's threshold is the tier's rank: 1 = 低价值, 2 = 中价值, 3 = 高价值). */
export const VALUE_TIER_RANK = { low: 1, middle: 2, high: 3 } as const;

export type LocalText = { zh: string; en: string };

/** A membership tier. Growth ≥ `threshold` upgrades at once; at the yearly review growth ≥ `keepThreshold` keeps it (保级). */
export type TierDef = {
  key: string;
  name: LocalText;
  threshold: number;
  keepThreshold: number;
  /** Earn multiplier ×100 (150 = 1.5×). */
  earnMultiplierX100: number;
  benefits: LocalText;
};

/** Points per yuan of a transaction type, ×100 (100 = 1 point per yuan); optionally only before a month-day of the season (e.g. paid before 11-15). */
export type EarnRule = {
  id: string;
  name: LocalText;
  transactionType: 'purchase' | 'payment';
  pointsPerYuanX100: number;
  /** "MM-DD": the rule applies to transactions on or before this day of the heating season's start year (heating fee paid early); null: always. */
  beforeMonthDay: string | null;
};

export type Programme = {
  enabled: boolean;
  /** all: every customer is a member (joined on the first points); manual: members are enrolled. */
  enrolment: 'all' | 'manual';
  growthBase: GrowthBase;
  /** Lowest first; the first tier's threshold is 0. */
  tiers: TierDef[];
  earnRules: EarnRule[];
  /** Birthday multiplier ×100 on the base points of a transaction on the member's birthday (200 = double; 100 = off). */
  birthdayMultiplierX100: number;
  birthdayCalendar: 'solar' | 'lunar';
  /** Points for a completed survey response and for a piece of feedback (0 = none). */
  surveyPoints: number;
  feedbackPoints: number;
  expiryPolicy: ExpiryPolicy;
  expiryMonths: number;
  /** What one point is worth in fen, for the liability (1 = one point is one fen). */
  pointValueFen: number;
  /** A manual adjustment of more points than this needs a second person's approval. */
  adjustApprovalLimit: number;
  /** The yearly tier review's day (MM-DD, company time zone). */
  reviewMonthDay: string;
  referral: {
    referrerPoints: number;
    refereePoints: number;
    /** At most this many referrals attributed (and not refused) per referrer per calendar month, company time; 0: no cap. */
    monthlyCap: number;
  };
};

export type MemberView = {
  customerId: string;
  memberNo: string;
  name: string;
  tier: string;
  tierName: string;
  tierSince: string;
  joinedAt: string;
  balance: number;
  /** Points still owed from refunds of purchases whose points were already spent; settled from future earnings. */
  debt: number;
  /** Growth value on the programme's base, now. */
  growth: number;
  /** The next tier and the growth it needs, or null at the top. */
  nextTier: { key: string; name: string; threshold: number } | null;
  expiringSoon: { points: number; expiresAt: string }[];
  referralCode: string;
  referredBy: string | null;
  status: 'active' | 'left';
  /** When staff last revoked the member's page links (links issued before no longer open it); null: never. */
  linksRevokedAt: string | null;
  version: number;
};

export type LedgerEntryView = {
  id: number;
  customerId: string;
  kind: LedgerKind;
  points: number;
  /** The balance after this entry. */
  balance: number;
  reason: string;
  sourceKind: LedgerSource | null;
  sourceId: string | null;
  expiresAt: string | null;
  createdBy: string | null;
  createdByName: string | null;
  occurredAt: string;
  createdAt: string;
};

export type RewardView = {
  id: string;
  name: LocalText;
  kind: RewardKind;
  pointsCost: number;
  /** fee_deduction and voucher: the value in fen. */
  valueFen: number;
  /** null: unlimited. */
  stock: number | null;
  minTier: string | null;
  description: LocalText;
  active: boolean;
  redeemedCount: number;
  createdAt: string;
};

export type RedemptionView = {
  id: string;
  customerId: string;
  customerName: string;
  rewardId: string;
  rewardName: string;
  quantity: number;
  points: number;
  channel: RedemptionChannel;
  transactionId: string | null;
  status: 'done' | 'cancelled';
  createdAt: string;
  createdByName: string | null;
};

export type ReferralView = {
  id: string;
  referrerId: string;
  referrerName: string;
  refereeId: string;
  refereeName: string;
  code: string;
  status: ReferralStatus;
  refusedReason: string | null;
  qualifyingTransactionId: string | null;
  rewardedAt: string | null;
  createdAt: string;
};

export type TierChangeView = {
  id: number;
  customerId: string;
  fromTier: string | null;
  toTier: string;
  reason: TierChangeReason;
  growth: number;
  at: string;
};

export type AdjustmentView = {
  id: string;
  customerId: string;
  customerName: string;
  points: number;
  reason: string;
  status: AdjustmentStatus;
  requestedBy: string;
  requestedByName: string | null;
  decidedByName: string | null;
  entryId: number | null;
  createdAt: string;
  decidedAt: string | null;
};

export const LOYALTY_LIMITS = { reason: 200, rewardName: 60, description: 2000, maxPoints: 100_000_000 } as const;

// ---- reports (GET /loyalty/reports) ---------------------------------------------------------------------------------
//
// Every figure counts the members (customers) in the reader's data scope; referrals count when the reader sees the
// referrer or the referee. The period is `from`..`to`, company days, both inclusive (the instants from the start of
// `from` to the start of the day after `to`, company time zone); "now" figures ignore the period. Rates are percent
// with two decimals, null when the denominator is zero.

/** The longest period a report may span, in days; and the windows of the "now" figures. */
export const LOYALTY_REPORT = { maxDays: 731, expiringDays: 90, cohortMonths: 12, repeatDays: 90, activeDays: 90 } as const;

/**
 * Points moved in a period (or a month of it), by the ledger entries whose `occurred_at` falls in it. The kinds
 * partition the entries, so `net` = issued + returned + restored − redeemed − expired − reversed − adjustedDown,
 * the change of the balances over the period.
 */
export type LoyaltyPointsFlow = {
  /** Earn and bonus entries (transactions, birthdays, campaigns, surveys, feedback, referrals) and positive adjustments. */
  issued: number;
  /** Spent on redemptions (redeem entries), gross: a redemption cancelled later counts here and its points in `returned`. */
  redeemed: number;
  /** Points of redemptions given back (a redemption cancelled, a fee deduction's bill refunded): positive reversals of a redeem entry. */
  returned: number;
  /** Expired unused (expire entries). */
  expired: number;
  /** Taken back by reversals (refunds, deleted transactions, debts paid from new points): negative reverse entries. */
  reversed: number;
  /** Given back by other positive reversals (a deleted transaction restored, a refund deleted). */
  restored: number;
  /** Negative manual adjustments. */
  adjustedDown: number;
  net: number;
};

export type LoyaltyTierMovement = { fromTier: string | null; toTier: string; kind: 'join' | 'upgrade' | 'downgrade'; count: number };

/** A cohort's customers of one kind: how many, how many bought again within 90 days, how many are still active. */
export type LoyaltyCohortGroup = {
  customers: number;
  /** Another live purchase or payment within `repeatDays` of the first (the first's instant included, another transaction). */
  repeaters: number;
  repeatRate: number | null;
  /** A live purchase or payment in the last `activeDays` days up to now, other than the first. */
  retained: number;
  retentionRate: number | null;
};

/**
 * A cohort: the customers (live, in scope) whose first live purchase or payment (transactions module's ledger view)
 * fell in `month` (company time zone), one of the last `cohortMonths` months up to now. Members: loyalty members now
 * (status active); non-members: the rest. `windowOpen`: the month's last day is less than `repeatDays` ago, so some of
 * its customers still have time to repeat.
 */
export type LoyaltyCohort = { month: string; windowOpen: boolean; members: LoyaltyCohortGroup; nonMembers: LoyaltyCohortGroup };

export type LoyaltyReport = {
  from: string;
  to: string;
  /** The instant the "now" figures were read. */
  asOf: string;
  /** The programme's value of a point, in fen (the liability's rate). */
  pointValueFen: number;
  members: {
    /** Active members now (a merged-away member, status left, is not one). */
    total: number;
    /** Active members now by tier, in the programme's order (then any tier no longer in it). */
    byTier: { tier: string; name: string; count: number }[];
    /**
     * Tier changes in the period: joins (a member enrolled), upgrades (to a higher tier: at once on growth, at the
     * review, or by hand) and downgrades (to a lower one), by tier order; `paths` per from → to, most first.
     */
    movements: { joins: number; upgrades: number; downgrades: number; paths: LoyaltyTierMovement[] };
  };
  points: { total: LoyaltyPointsFlow; byMonth: ({ month: string } & LoyaltyPointsFlow)[] };
  /**
   * Now: the members' balances (every member row) and their value (points × pointValueFen, fen); points still owed by
   * refunds (debt, not in the balances); the points of open lots expiring within `expiringDays` days — lots already
   * due but not yet swept by the nightly expiry included: they are still in the balances.
   */
  liability: { points: number; valueFen: number; debtPoints: number; expiringPoints: number; expiringValueFen: number; expiringDays: number };
  /**
   * `pointsRate`: points redeemed ÷ points issued in the period (gross redeemed, as in `points.total`).
   * `memberShare`: members who made at least one redemption in the period that is not cancelled ÷ members who had
   * joined by the period's end and are active.
   */
  redemption: { pointsRate: number | null; redeemers: number; members: number; memberShare: number | null };
  /**
   * 老带新 in the period: attributed (referrals made in it, not refused), refused (made in it, by reason), rewarded
   * (rewarded in it), and the points credited for referrals in it, to referrers and referees.
   */
  referrals: {
    attributed: number;
    refused: { total: number; byReason: { reason: string; label: string; count: number }[] };
    rewarded: number;
    pointsPaid: number;
  };
  /** Repeat purchase and retention of members versus non-members, per cohort and over all the cohorts together. */
  cohorts: { repeatDays: number; activeDays: number; months: LoyaltyCohort[]; total: { members: LoyaltyCohortGroup; nonMembers: LoyaltyCohortGroup } };
};

/** What a nightly upkeep run did. `kept`: reviewed and kept their tier (保级); `upgraded` counts the review's and the sweep's upgrades. */
export type UpkeepSummary = {
  expiredMembers: number;
  expiredPoints: number;
  expiredLots: number;
  reviewed: number;
  kept: number;
  downgraded: number;
  upgraded: number;
};
