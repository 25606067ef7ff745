/** Request schemas of the loyalty API. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { trimmedText } from '../../platform/http/validation.js';
import { ADJUSTMENT_STATUSES, LEDGER_KINDS, LOYALTY_LIMITS as L, REWARD_KINDS } from './loyalty.contract.js';

export { programmeBody } from './programme.js';

export const customerParam = z.strictObject({ customerId: z.uuid() });
export const idParam = z.strictObject({ id: z.uuid() });

export const memberListQuery = z.strictObject({
  tier: z.string().max(30).optional(),
  q: trimmedText(100).min(1).optional().describe('Name contains, or the member number (M00000012 or 12)'),
  ...pageQuery(200, 50),
});
export type MemberListQuery = z.infer<typeof memberListQuery>;

export const ledgerQuery = z.strictObject({ kind: z.enum(LEDGER_KINDS).optional(), ...pageQuery(200, 50) });
export type LedgerQuery = z.infer<typeof ledgerQuery>;

export const adjustBody = z.strictObject({
  points: z
    .number()
    .int()
    .min(-L.maxPoints)
    .max(L.maxPoints)
    .refine((v) => v !== 0, { message: 'loyalty.points_zero' })
    .describe('Points to add (positive) or take (negative); above the approval limit a second person approves'),
  reason: trimmedText(L.reason).min(1).describe('Why (shown in the member’s history)'),
});
export type AdjustInput = z.infer<typeof adjustBody>;

export const decideBody = z.strictObject({ approve: z.boolean() });
export const adjustmentListQuery = z.strictObject({ status: z.enum(ADJUSTMENT_STATUSES).default('pending') });
export const tierBody = z.strictObject({ tier: z.string().min(1).max(30) });

const localText = (max: number) => z.strictObject({ zh: trimmedText(max).min(1), en: trimmedText(max).default('') });

export const rewardBody = z.strictObject({
  name: localText(L.rewardName),
  kind: z.enum(REWARD_KINDS),
  pointsCost: z.number().int().min(1).max(L.maxPoints),
  valueFen: z.number().int().min(0).max(100_000_000).default(0).describe('A voucher’s or fee deduction’s value in fen'),
  stock: z.number().int().min(0).max(10_000_000).nullable().optional().describe('Units left; null or absent: unlimited'),
  minTier: z.string().max(30).nullable().optional().describe('The lowest tier that may redeem it'),
  description: z.strictObject({ zh: trimmedText(L.description).default(''), en: trimmedText(L.description).default('') }).default({ zh: '', en: '' }),
  active: z.boolean().default(true),
});
export type RewardInput = z.infer<typeof rewardBody>;

export const redeemBody = z.strictObject({
  rewardId: z.uuid(),
  quantity: z.number().int().min(1).max(100).default(1),
  transactionId: z.uuid().nullable().optional().describe('A fee deduction: the bill it was spent on (a refund of the bill gives the points back)'),
});
export type RedeemInput = z.infer<typeof redeemBody>;

export const redemptionListQuery = z.strictObject({
  customerId: z.uuid().optional(),
  from: z.iso.date().optional().describe('Redeemed on or after this day (company time zone)'),
  to: z.iso.date().optional().describe('Redeemed on or before this day (company time zone)'),
  ...pageQuery(200, 50),
});
export type RedemptionListQuery = z.infer<typeof redemptionListQuery>;
