import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { interactions, tasks } from './schema.js';

/**
 * Merging duplicate customers: the duplicate's interactions (deleted ones too) and tasks (done and cancelled too)
 * move to the survivor, so its timeline and task list include them; undo moves exactly those back.
 */
export const interactionMergeHook: MergeHook = {
  key: 'interactions',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(interactions)
      .set({ customerId: toId, updatedAt: new Date(), version: sql`${interactions.version} + 1` })
      .where(eq(interactions.customerId, fromId))
      .returning({ id: interactions.id });
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .update(interactions)
        .set({ customerId: toId, updatedAt: new Date(), version: sql`${interactions.version} + 1` })
        .where(and(inArray(interactions.id, ids.slice(i, i + 1000)), eq(interactions.customerId, fromId)));
    }
  },
};

export const taskMergeHook: MergeHook = {
  key: 'tasks',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(tasks)
      .set({ customerId: toId, updatedAt: new Date(), version: sql`${tasks.version} + 1` })
      .where(eq(tasks.customerId, fromId))
      .returning({ id: tasks.id });
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .update(tasks)
        .set({ customerId: toId, updatedAt: new Date(), version: sql`${tasks.version} + 1` })
        .where(and(inArray(tasks.id, ids.slice(i, i + 1000)), eq(tasks.customerId, fromId)));
    }
  },
};
