/**
 * The loyalty module's personal-data hook (issue #18): the person's membership, points ledger (entries, lots, debts),
 * tier changes, redemptions, adjustments, and the referrals they made or came through.
 *
 * Erasure keeps the ledger whole (points are a liability in the books: entries, lots, debts and balances stay, on the
 * pseudonymised customer) and takes every identifying string of the person out of its texts: the reasons of entries
 * and adjustments (a person's own words at the desk) and their parameters, and the refusal reasons of referrals.
 */
import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { scrubJson, scrubText, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { loyaltyAdjustments, loyaltyMembers, loyaltyRedemptions, loyaltyReferrals, loyaltyTierChanges, pointsDebts, pointsEntries, pointsLots } from './schema.js';

export const loyaltyPersonalData: PersonalDataHook = {
  module: 'loyalty',
  tables: ['loyalty_members', 'points_entries', 'points_lots', 'points_debts', 'loyalty_tier_changes', 'loyalty_redemptions', 'loyalty_adjustments', 'loyalty_referrals'],
  async export(db: DbOrTx, customerId: string) {
    return [
      { name: 'member', table: 'loyalty_members', rows: await db.select().from(loyaltyMembers).where(eq(loyaltyMembers.customerId, customerId)) },
      { name: 'ledger', table: 'points_entries', rows: await db.select().from(pointsEntries).where(eq(pointsEntries.customerId, customerId)).orderBy(pointsEntries.id) },
      { name: 'lots', table: 'points_lots', rows: await db.select().from(pointsLots).where(eq(pointsLots.customerId, customerId)) },
      { name: 'debts', table: 'points_debts', rows: await db.select().from(pointsDebts).where(eq(pointsDebts.customerId, customerId)) },
      { name: 'tier_changes', table: 'loyalty_tier_changes', rows: await db.select().from(loyaltyTierChanges).where(eq(loyaltyTierChanges.customerId, customerId)).orderBy(loyaltyTierChanges.at) },
      { name: 'redemptions', table: 'loyalty_redemptions', rows: await db.select().from(loyaltyRedemptions).where(eq(loyaltyRedemptions.customerId, customerId)) },
      { name: 'adjustments', table: 'loyalty_adjustments', rows: await db.select().from(loyaltyAdjustments).where(eq(loyaltyAdjustments.customerId, customerId)) },
      {
        name: 'referrals',
        table: 'loyalty_referrals',
        rows: await db.select().from(loyaltyReferrals).where(or(eq(loyaltyReferrals.referrerId, customerId), eq(loyaltyReferrals.refereeId, customerId))),
      },
    ];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext): Promise<Record<string, number>> {
    const n = ctx.needles;
    if (!n.length) return {};
    const entries = await db
      .select({ id: pointsEntries.id, reason: pointsEntries.reason, params: pointsEntries.reasonParams })
      .from(pointsEntries)
      .where(and(eq(pointsEntries.customerId, customerId), or(sqlHoldsAny(pointsEntries.reason, n), sqlHoldsAny(pointsEntries.reasonParams, n))));
    for (const e of entries) await db.update(pointsEntries).set({ reason: scrubText(e.reason, n), reasonParams: scrubJson(e.params, n) }).where(eq(pointsEntries.id, e.id));
    const adjustments = await db
      .select({ id: loyaltyAdjustments.id, reason: loyaltyAdjustments.reason })
      .from(loyaltyAdjustments)
      .where(and(eq(loyaltyAdjustments.customerId, customerId), sqlHoldsAny(loyaltyAdjustments.reason, n)));
    for (const a of adjustments) await db.update(loyaltyAdjustments).set({ reason: scrubText(a.reason, n) }).where(eq(loyaltyAdjustments.id, a.id));
    const referrals = await db
      .select({ id: loyaltyReferrals.id, refusedReason: loyaltyReferrals.refusedReason })
      .from(loyaltyReferrals)
      .where(and(or(eq(loyaltyReferrals.referrerId, customerId), eq(loyaltyReferrals.refereeId, customerId)), sqlHoldsAny(loyaltyReferrals.refusedReason, n)));
    for (const r of referrals) await db.update(loyaltyReferrals).set({ refusedReason: scrubText(r.refusedReason, n) }).where(eq(loyaltyReferrals.id, r.id));
    return { points_entries: entries.length, loyalty_adjustments: adjustments.length, loyalty_referrals: referrals.length };
  },
};
