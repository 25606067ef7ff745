/** Response schemas of the loyalty API, each bound to its contract type. */
import { z } from 'zod';
import { itemsOf, pageOf, responseOf } from '../../platform/http/response.js';
import {
  ADJUSTMENT_STATUSES,
  EXPIRY_POLICIES,
  GROWTH_BASES,
  LEDGER_KINDS,
  LEDGER_SOURCES,
  REDEMPTION_CHANNELS,
  REWARD_KINDS,
  TIER_CHANGE_REASONS,
  type AdjustmentView,
  type LedgerEntryView,
  type MemberView,
  type Programme,
  type RedemptionView,
  type RewardView,
  type TierChangeView,
} from './loyalty.contract.js';
import type { MemberListItem } from './loyalty.service.js';

const localText = z.object({ zh: z.string(), en: z.string() });

export const programmeView = responseOf<Programme>()(
  z.object({
    enabled: z.boolean(),
    enrolment: z.enum(['all', 'manual']),
    growthBase: z.enum(GROWTH_BASES),
    tiers: z.array(z.object({ key: z.string(), name: localText, threshold: z.number(), keepThreshold: z.number(), earnMultiplierX100: z.number(), benefits: localText })),
    earnRules: z.array(
      z.object({ id: z.string(), name: localText, transactionType: z.enum(['purchase', 'payment']), pointsPerYuanX100: z.number(), beforeMonthDay: z.string().nullable() }),
    ),
    birthdayMultiplierX100: z.number(),
    birthdayCalendar: z.enum(['solar', 'lunar']),
    surveyPoints: z.number(),
    feedbackPoints: z.number(),
    expiryPolicy: z.enum(EXPIRY_POLICIES),
    expiryMonths: z.number(),
    pointValueFen: z.number(),
    adjustApprovalLimit: z.number(),
    reviewMonthDay: z.string(),
    referral: z.object({ referrerPoints: z.number(), refereePoints: z.number(), monthlyCap: z.number() }),
  }),
);

export const memberView = responseOf<MemberView>()(
  z.object({
    customerId: z.uuid(),
    memberNo: z.string(),
    name: z.string(),
    tier: z.string(),
    tierName: z.string(),
    tierSince: z.string(),
    joinedAt: z.string(),
    balance: z.number().int(),
    debt: z.number().int(),
    growth: z.number(),
    nextTier: z.object({ key: z.string(), name: z.string(), threshold: z.number() }).nullable(),
    expiringSoon: z.array(z.object({ points: z.number().int(), expiresAt: z.string() })),
    referralCode: z.string(),
    referredBy: z.uuid().nullable(),
    status: z.enum(['active', 'left']),
    linksRevokedAt: z.string().nullable().describe("When staff last revoked the member's page links; null: never"),
    version: z.number().int(),
  }),
);

export const memberListItem = responseOf<MemberListItem>()(
  z.object({
    customerId: z.uuid(),
    memberNo: z.string(),
    name: z.string(),
    tier: z.string(),
    tierName: z.string(),
    balance: z.number().int(),
    debt: z.number().int(),
    joinedAt: z.string(),
    status: z.enum(['active', 'left']),
  }),
);
export const memberPage = pageOf(memberListItem);

export const ledgerEntryView = responseOf<LedgerEntryView>()(
  z.object({
    id: z.number().int(),
    customerId: z.uuid(),
    kind: z.enum(LEDGER_KINDS),
    points: z.number().int(),
    balance: z.number().int(),
    reason: z.string(),
    sourceKind: z.enum(LEDGER_SOURCES).nullable(),
    sourceId: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdByName: z.string().nullable(),
    occurredAt: z.string(),
    createdAt: z.string(),
  }),
);
export const ledgerPage = pageOf(ledgerEntryView);

export const tierChangeList = itemsOf(
  responseOf<TierChangeView>()(
    z.object({ id: z.number().int(), customerId: z.uuid(), fromTier: z.string().nullable(), toTier: z.string(), reason: z.enum(TIER_CHANGE_REASONS), growth: z.number(), at: z.string() }),
  ),
);

export const adjustmentView = responseOf<AdjustmentView>()(
  z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    customerName: z.string(),
    points: z.number().int(),
    reason: z.string(),
    status: z.enum(ADJUSTMENT_STATUSES),
    requestedBy: z.uuid(),
    requestedByName: z.string().nullable(),
    decidedByName: z.string().nullable(),
    entryId: z.number().int().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  }),
);
export const adjustmentList = itemsOf(adjustmentView);

export const rewardView = responseOf<RewardView>()(
  z.object({
    id: z.uuid(),
    name: localText,
    kind: z.enum(REWARD_KINDS),
    pointsCost: z.number().int(),
    valueFen: z.number().int(),
    stock: z.number().int().nullable(),
    minTier: z.string().nullable(),
    description: localText,
    active: z.boolean(),
    redeemedCount: z.number().int(),
    createdAt: z.string(),
  }),
);
export const rewardList = itemsOf(rewardView);

export const redemptionView = responseOf<RedemptionView>()(
  z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    customerName: z.string(),
    rewardId: z.uuid(),
    rewardName: z.string(),
    quantity: z.number().int(),
    points: z.number().int(),
    channel: z.enum(REDEMPTION_CHANNELS),
    transactionId: z.uuid().nullable(),
    status: z.enum(['done', 'cancelled']),
    createdAt: z.string(),
    createdByName: z.string().nullable(),
  }),
);
export const redemptionPage = pageOf(redemptionView);
