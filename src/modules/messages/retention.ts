/**
 * 数据保留 (issue #18 item 5): the policy `outbox_messages` — messages that are done with (sent, failed, suppressed)
 * and were written before the cut-off are deleted, oldest first. Queued and sending ones are never touched. Reports that
 * count old sends (a campaign's results) count what is left.
 */
import { and, asc, count, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { RetentionSource } from '../privacy/index.js';
import { messages } from './schema.js';

const due = (cutoff: Date) => and(inArray(messages.status, ['sent', 'failed', 'suppressed']), lt(messages.createdAt, cutoff));

async function dueIds(db: DbOrTx, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await db.select({ id: messages.id }).from(messages).where(due(cutoff)).orderBy(asc(messages.createdAt), asc(messages.id)).limit(limit);
  return rows.map((r) => r.id);
}

export const outboxRetention: RetentionSource = {
  kind: 'outbox_messages',
  async count(db, cutoff) {
    const [row] = await db.select({ n: count() }).from(messages).where(due(cutoff));
    return Number(row?.n ?? 0);
  },
  sample: dueIds,
  async apply(db, cutoff, limit) {
    const ids = await dueIds(db, cutoff, limit);
    if (!ids.length) return 0;
    const gone = await db.delete(messages).where(inArray(messages.id, ids)).returning({ id: messages.id });
    return gone.length;
  },
};
