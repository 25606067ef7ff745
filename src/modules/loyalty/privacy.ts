/**
 * The loyalty module's personal-data hook (issue #18): the person's membership, points ledger (entries, lots, debts),
 * tier changes, redemptions, adjustments, and the referrals they made or came through.
 */
import { eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
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
};
