/**
 * 数据保留 (issue #18 item 5): the policy `audit_entries` — entries older than the cut-off are deleted, oldest first.
 * The audit log is append-only for everything else; this is its one delete, run by a retention apply an administrator
 * started after seeing its dry run (the run itself is the record of what was deleted: counts per policy).
 */
import { asc, count, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { RetentionSource } from '../privacy/index.js';
import { auditLog } from './schema.js';

async function dueIds(db: DbOrTx, cutoff: Date, limit: number): Promise<number[]> {
  const rows = await db.select({ id: auditLog.id }).from(auditLog).where(lt(auditLog.at, cutoff)).orderBy(asc(auditLog.id)).limit(limit);
  return rows.map((r) => r.id);
}

export const auditRetention: RetentionSource = {
  kind: 'audit_entries',
  async count(db, cutoff) {
    const [row] = await db.select({ n: count() }).from(auditLog).where(lt(auditLog.at, cutoff));
    return Number(row?.n ?? 0);
  },
  sample: async (db, cutoff, limit) => (await dueIds(db, cutoff, limit)).map(String),
  async apply(db, cutoff, limit) {
    const ids = await dueIds(db, cutoff, limit);
    if (!ids.length) return 0;
    const gone = await db.delete(auditLog).where(inArray(auditLog.id, ids)).returning({ id: auditLog.id });
    return gone.length;
  },
};
