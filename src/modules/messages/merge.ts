import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { messages } from './schema.js';

/**
 * Merging duplicate customers: the duplicate's messages (whatever their status) move to the survivor, so its
 * timeline, message list and weekly cap include them; undo moves exactly those back.
 */
export const messageMergeHook: MergeHook = {
  key: 'messages',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(messages)
      .set({ customerId: toId, updatedAt: new Date() })
      .where(eq(messages.customerId, fromId))
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
