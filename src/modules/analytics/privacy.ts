/**
 * The analytics module's personal-data hook (issue #18): the person's current value results and their per-run history.
 * Erasure keeps both: they hold scores, tiers and money figures keyed by the customer's id — no name, phone, ID number
 * or address — so once the customer is a pseudonym they identify nobody, and the company's past value reports stay
 * whole. The next run leaves the erased (soft-deleted) record out.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { analyticsCustomerCurrent, analyticsCustomerHistory } from './schema.js';

export const analyticsPersonalData: PersonalDataHook = {
  module: 'analytics',
  tables: ['analytics_customer_current', 'analytics_customer_history'],
  async export(db: DbOrTx, customerId: string) {
    const current = await db.select().from(analyticsCustomerCurrent).where(eq(analyticsCustomerCurrent.customerId, customerId));
    const history = await db.select().from(analyticsCustomerHistory).where(eq(analyticsCustomerHistory.customerId, customerId)).orderBy(asc(analyticsCustomerHistory.asOf));
    return [
      { name: 'current', table: 'analytics_customer_current', rows: current },
      { name: 'history', table: 'analytics_customer_history', rows: history },
    ];
  },
  async erase() {
    return {};
  },
};
