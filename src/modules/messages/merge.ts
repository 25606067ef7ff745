import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { messages } from './schema.js';

/**
 * Merging duplicate customers: the duplicate's messages (whatever their status) move to the survivor, so its
 * timeline, message list and weekly cap include them; undo moves exactly those back. A bulk send (a campaign, a
 * survey send) writes one message per customer and template (`messages_source_unique`): when it reached both, the
 * duplicate's copy stays with the duplicate, as moving it would break that rule (and the merge with it).
 */
export const messageMergeHook: MergeHook = {
  key: 'messages',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(messages)
      .set({ customerId: toId, updatedAt: new Date() })
      .where(
        and(
          eq(messages.customerId, fromId),
          sql`not exists (select 1 from ${messages} s where ${messages.sourceId} is not null and s.source_id = ${messages.sourceId}
                and s.customer_id = ${toId} and s.template_id = ${messages.templateId})`,
        ),
      )
      .returning({ id: messages.id });
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .update(messages)
        .set({ customerId: toId, updatedAt: new Date() })
        .where(and(inArray(messages.id, ids.slice(i, i + 1000)), eq(messages.customerId, fromId)));
    }
  },
};
