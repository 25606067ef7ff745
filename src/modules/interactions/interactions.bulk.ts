/**
 * Bulk writes of interactions and tasks made elsewhere in full (the demo load's generated contacts and follow-ups):
 * rows as the tables take them, all of a call in one statement with one JSON parameter (platform/db/bulk.ts); nothing
 * is read back.
 */
import { getTableName } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { interactions, tasks } from './schema.js';

/** One interaction row as inserted (the table's own insert type). */
export type InteractionBulkRow = typeof interactions.$inferInsert;
/** One task row as inserted. */
export type TaskBulkRow = typeof tasks.$inferInsert;

export const interactionBulkLoad = {
  /** The tables the loader writes: for a bulk load's index set-aside, upkeep and VACUUM. */
  tables: [getTableName(interactions), getTableName(tasks)] as readonly string[],
  async insertInteractions(db: DbOrTx, rows: InteractionBulkRow[]): Promise<void> {
    await bulkInsert(db, interactions, rows);
  },
  async insertTasks(db: DbOrTx, rows: TaskBulkRow[]): Promise<void> {
    await bulkInsert(db, tasks, rows);
  },
};
