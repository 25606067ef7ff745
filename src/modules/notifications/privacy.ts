/**
 * The notifications module's personal-data hook (issue #18). Notifications are the staff's, not the person's: none is
 * linked to a customer, so the export gives nothing. But a notification's parameters may name the person (a ticket
 * assigned about their report, a mention quoting them): erasure replaces every identifying string of theirs (phone and
 * ID numbers, full address, a name no one else bears) found in them.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { scrubJson, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { notifications } from './schema.js';

export const notificationPersonalData: PersonalDataHook = {
  module: 'notifications',
  tables: ['notifications'],
  async export() {
    return [];
  },
  async erase(db: DbOrTx, _customerId: string, ctx: ErasureContext) {
    const rows = await db.select({ id: notifications.id, params: notifications.params }).from(notifications).where(sqlHoldsAny(notifications.params, ctx.everywhere));
    for (const r of rows) await db.update(notifications).set({ params: scrubJson(r.params, ctx.everywhere) }).where(eq(notifications.id, r.id));
    return { notifications: rows.length };
  },
};
