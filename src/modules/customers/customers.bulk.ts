/**
 * Bulk writes of customers made elsewhere in full (the demo load's generated households): rows as the table takes
 * them, all of a call in one statement with one JSON parameter (platform/db/bulk.ts). The caller fills the derived
 * columns with searchTextOf/phoneDigitsOf, as createCustomer does; nothing is read back.
 */
import { getTableName } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { consentChanges, recordConsent } from './consent.js';
import { customers } from './schema.js';

/** One customer row as inserted (the table's own insert type). */
export type CustomerBulkRow = typeof customers.$inferInsert;

export const customerBulkLoad = {
  /** The tables the loader writes: for a bulk load's index set-aside, upkeep and VACUUM. */
  tables: [getTableName(customers)] as readonly string[],
  async insert(db: DbOrTx, rows: CustomerBulkRow[]): Promise<void> {
    await bulkInsert(db, customers, rows);
    // Their consent enters the consent ledger as what they already had (source `migration`), so the ledger explains the cache.
    await recordConsent(db, null, rows.flatMap((r) => (r.id ? [{ customerId: r.id, source: 'migration' as const, changes: consentChanges(null, r.consent) }] : [])));
  },
};
