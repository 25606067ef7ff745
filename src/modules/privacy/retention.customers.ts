/**
 * The retention policy `inactive_customers`: live customers created before the cut-off with no transaction (no contract,
 * no payment, no purchase), no contact (沟通记录) and no edit since. The erasure (issue #18 item 3) anonymises a person
 * with two-person approval, so a policy does not erase by itself: it marks the customer (`privacy_retention_marks`)
 * for the erasure to take up, and a marked customer is not counted again. Read through the owners' views
 * (customer_directory, transaction_ledger, interaction_log).
 */
import { and, asc, count, eq, gte, isNull, lt, notExists, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { customerDirectory } from '../customers/index.js';
import { interactionLog } from '../interactions/index.js';
import { transactionLedger } from '../transactions/index.js';
import type { RetentionSource } from './retention.registry.js';
import { retentionMarks } from './retention.schema.js';

function inactive(db: DbOrTx, cutoff: Date) {
  const c = customerDirectory;
  return and(
    isNull(c.deletedAt),
    lt(c.createdAt, cutoff),
    lt(c.updatedAt, cutoff),
    notExists(db.select({ one: sql`1` }).from(transactionLedger).where(and(eq(transactionLedger.customerId, c.id), isNull(transactionLedger.deletedAt), gte(transactionLedger.occurredAt, cutoff)))),
    notExists(db.select({ one: sql`1` }).from(interactionLog).where(and(eq(interactionLog.customerId, c.id), gte(interactionLog.occurredAt, cutoff)))),
    notExists(db.select({ one: sql`1` }).from(retentionMarks).where(eq(retentionMarks.customerId, c.id))),
  );
}

export const inactiveCustomersRetention: RetentionSource = {
  kind: 'inactive_customers',
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
    if (!ids.length) return 0;
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        insert into ${retentionMarks} (customer_id, run_id)
        select x, ${ctx.runId}::uuid from unnest(${`{${ids.join(',')}}`}::uuid[]) as x
        on conflict do nothing returning customer_id as id`),
    );
    return rows.length;
  },
};

/** The customers marked for anonymisation and not yet taken up (for the erasure; oldest mark first). */
export async function markedForAnonymisation(db: DbOrTx, limit = 1000): Promise<{ customerId: string; runId: string; markedAt: Date }[]> {
  return db.select().from(retentionMarks).orderBy(asc(retentionMarks.markedAt), asc(retentionMarks.customerId)).limit(limit);
}
