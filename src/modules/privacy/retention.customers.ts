/**
 * The retention policy `inactive_customers`: live customers created before the cut-off with no transaction (no contract,
 * no payment, no purchase), no contact (沟通记录) and no edit since. Applied, each one is erased (anonymised) through
 * every module's hook exactly as an approved deletion request would be (erase.ts `eraseForRetention`: keyed hashes,
 * queued messages cancelled, segments left, merged duplicates with it), one customer per transaction; the apply of the
 * dry run by an administrator is the approval (docs/ARCHITECTURE.md, Decisions). An erased customer is soft-deleted, so
 * it is not selected again: an interrupted apply resumes where it stopped. Read through the owners' views
 * (customer_directory, transaction_ledger, interaction_log).
 */
import { and, asc, count, eq, gte, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { customerDirectory } from '../customers/index.js';
import { interactionLog } from '../interactions/index.js';
import { transactionLedger } from '../transactions/index.js';
import { eraseForRetention } from './erase.js';
import type { RetentionSource } from './retention.registry.js';

function inactive(db: DbOrTx, cutoff: Date) {
  const c = customerDirectory;
  return and(
    isNull(c.deletedAt),
    lt(c.createdAt, cutoff),
    lt(c.updatedAt, cutoff),
    notExists(db.select({ one: sql`1` }).from(transactionLedger).where(and(eq(transactionLedger.customerId, c.id), isNull(transactionLedger.deletedAt), gte(transactionLedger.occurredAt, cutoff)))),
    notExists(db.select({ one: sql`1` }).from(interactionLog).where(and(eq(interactionLog.customerId, c.id), gte(interactionLog.occurredAt, cutoff)))),
  );
}

export const inactiveCustomersRetention: RetentionSource = {
  kind: 'inactive_customers',
  // An erasure walks every module (and scans free texts for the person's numbers): one customer per transaction.
  slice: 1,
  async count(db, cutoff) {
    const [row] = await db.select({ n: count() }).from(customerDirectory).where(inactive(db, cutoff));
    return Number(row?.n ?? 0);
  },
  async sample(db, cutoff, limit) {
    const rows = await db.select({ id: customerDirectory.id }).from(customerDirectory).where(inactive(db, cutoff)).orderBy(asc(customerDirectory.id)).limit(limit);
    return rows.map((r) => r.id);
  },
  async apply(db, cutoff, limit, ctx) {
    const ids = await inactiveCustomersRetention.sample(db, cutoff, limit);
    for (const id of ids) {
      const rows = await eraseForRetention(db, id, { runId: ctx.runId, appliedBy: ctx.appliedBy ?? null, now: ctx.now ?? new Date(), dataDir: ctx.dataDir, afterCommit: ctx.afterCommit });
      ctx.touched?.(Object.keys(rows).filter((t) => (rows[t] ?? 0) > 0));
    }
    return ids.length;
  },
};
