import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { transactions } from './schema.js';

/**
 * Merging duplicate customers: the duplicate's transactions (deleted ones too) move to the survivor, so its history
 * and lifetime figures include them; undo moves exactly those back.
 */
export const transactionMergeHook: MergeHook = {
  key: 'transactions',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(transactions)
      .set({ customerId: toId, updatedAt: new Date(), version: sql`${transactions.version} + 1` })
      .where(eq(transactions.customerId, fromId))
      .returning({ id: transactions.id });
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .update(transactions)
        .set({ customerId: toId, updatedAt: new Date(), version: sql`${transactions.version} + 1` })
        .where(and(inArray(transactions.id, ids.slice(i, i + 1000)), eq(transactions.customerId, fromId)));
    }
  },
};
