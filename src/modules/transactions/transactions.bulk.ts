/**
 * Bulk writes of transactions and their lines made elsewhere in full (the demo load's generated history): rows as
 * the tables take them, all of a call in one statement with one JSON parameter (platform/db/bulk.ts); nothing is read
 * back.
 */
import { getTableName } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { transactionLines, transactions } from './schema.js';

/** One transaction row as inserted (the table's own insert type). */
export type TransactionBulkRow = typeof transactions.$inferInsert;
/** One transaction line as inserted. */
export type TransactionLineBulkRow = typeof transactionLines.$inferInsert;

export const transactionBulkLoad = {
  /** The tables the loader writes: for a bulk load's index set-aside, upkeep and VACUUM. */
  tables: [getTableName(transactions), getTableName(transactionLines)] as readonly string[],
  async insertTransactions(db: DbOrTx, rows: TransactionBulkRow[]): Promise<void> {
    await bulkInsert(db, transactions, rows);
  },
  async insertLines(db: DbOrTx, rows: TransactionLineBulkRow[]): Promise<void> {
    await bulkInsert(db, transactionLines, rows);
  },
};
