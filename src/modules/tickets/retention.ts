/**
 * 数据保留 (issue #18 item 5): the policy `ticket_attachments` — the images of tickets closed before the cut-off are
 * deleted, rows in the slice's transaction and files (DATA_DIR/attachments/<id>) once it committed. The ticket, its
 * events and its texts stay.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, count, eq, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { RetentionSource } from '../privacy/index.js';
import { ticketAttachments, tickets } from './schema.js';

const due = (cutoff: Date) => and(eq(tickets.status, 'closed'), lt(tickets.closedAt, cutoff));

async function dueIds(db: DbOrTx, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: ticketAttachments.id })
    .from(ticketAttachments)
    .innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId))
    .where(due(cutoff))
    .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

export const ticketAttachmentRetention: RetentionSource = {
  kind: 'ticket_attachments',
  async count(db, cutoff) {
    const [row] = await db.select({ n: count() }).from(ticketAttachments).innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId)).where(due(cutoff));
    return Number(row?.n ?? 0);
  },
  sample: dueIds,
  async apply(db, cutoff, limit, ctx) {
    const ids = await dueIds(db, cutoff, limit);
    if (!ids.length) return 0;
    const gone = await db.delete(ticketAttachments).where(inArray(ticketAttachments.id, ids)).returning({ id: ticketAttachments.id });
    ctx.afterCommit(async () => {
      for (const g of gone) await rm(path.join(ctx.dataDir, 'attachments', g.id), { force: true });
    });
    return gone.length;
  },
};

