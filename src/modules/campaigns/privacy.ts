/** The campaigns module's personal-data hook (issue #18): the launches that drew the person, their coupon codes and redemptions. Erasure: draws, coupon codes and redemptions are ids, codes and amounts: kept (the campaign results and its costs stay whole). */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { campaignMembers, couponCodes, couponRedemptions } from './schema.js';

export const campaignPersonalData: PersonalDataHook = {
  module: 'campaigns',
  tables: ['campaign_members', 'coupon_codes', 'coupon_redemptions'],
  async export(db: DbOrTx, customerId: string) {
    const members = await db.select().from(campaignMembers).where(eq(campaignMembers.customerId, customerId));
    const codes = await db.select().from(couponCodes).where(eq(couponCodes.customerId, customerId));
    const redemptions = await db.select().from(couponRedemptions).where(eq(couponRedemptions.customerId, customerId));
    return [
      { name: 'members', table: 'campaign_members', rows: members },
      { name: 'coupon_codes', table: 'coupon_codes', rows: codes },
      { name: 'redemptions', table: 'coupon_redemptions', rows: redemptions },
    ];
  },
  async erase() {
    return {};
  },
};
