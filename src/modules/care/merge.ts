import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { careOccurrences } from './schema.js';

/**
 * Merging duplicate customers: the duplicate's care occurrences move to the survivor (so its moved 回访 task still
 * counts as the plan's open task, and an occasion already handled is not handled again), except those the survivor
 * has for the same plan/rule and occasion; undo moves exactly the moved ones back.
 */
export const careMergeHook: MergeHook = {
  key: 'care',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        update care_occurrences o set customer_id = ${toId}
        where o.customer_id = ${fromId}
          and not exists (select 1 from care_occurrences s where s.customer_id = ${toId} and s.source_id = o.source_id and s.occasion_key = o.occasion_key)
        returning o.id`),
    );
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .update(careOccurrences)
        .set({ customerId: toId })
        .where(and(inArray(careOccurrences.id, ids.slice(i, i + 1000)), eq(careOccurrences.customerId, fromId)));
    }
  },
};
