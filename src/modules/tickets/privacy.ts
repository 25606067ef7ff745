/**
 * The tickets module's personal-data hook (issue #18): the person's tickets, their events (replies to the person,
 * notes, status changes, ratings), their attachments' descriptions, and the attachments themselves (the bytes kept in
 * DATA_DIR/attachments, as `files/tickets/<ticket number>-<attachment id>-<file name>` in the ZIP). The follow link's
 * token is the company's secret and is left out by the privacy module's export.
 *
 * Erasure: the person's tickets — linked to the customer, or a report without a customer whose contact phone, name or
 * address is theirs — keep number, type, category, priority, status, times, SLA and rating (the service figures), and
 * lose title and description (「[已删除]」: what they wrote), contact name, phone and address, the rating comment, and
 * the follow link (a new random token: the old link stops working); the agent's solution keeps no identifying string.
 * Events: what came from the person (the created text, their replies on the public page, the rating) becomes
 * 「[已删除]」, the agents' notes and replies keep no identifying string, and changed fields recorded on an event
 * (title, description, contact) are blanked. Attachments are deleted — the rows now, the files once it commits.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_TEXT, scrubJson, scrubText, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataFile, PersonalDataHook } from '../privacy/index.js';
import { ticketAttachments, ticketEvents, tickets } from './schema.js';

async function ticketsOf(db: DbOrTx, customerId: string) {
  return db.select().from(tickets).where(eq(tickets.customerId, customerId)).orderBy(asc(tickets.createdAt), asc(tickets.id));
}

async function attachmentsOf(db: DbOrTx, ticketIds: string[]) {
  return ticketIds.length ? db.select().from(ticketAttachments).where(inArray(ticketAttachments.ticketId, ticketIds)).orderBy(asc(ticketAttachments.createdAt)) : [];
}

export const ticketPersonalData: PersonalDataHook = {
  module: 'tickets',
  tables: ['tickets', 'ticket_events', 'ticket_attachments'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await ticketsOf(db, customerId);
    const ids = rows.map((r) => r.id);
    const events = ids.length ? await db.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, ids)).orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id)) : [];
    return [
      { name: 'tickets', table: 'tickets', rows },
      { name: 'events', table: 'ticket_events', rows: events },
      { name: 'attachments', table: 'ticket_attachments', rows: await attachmentsOf(db, ids) },
    ];
  },
  async files(db: DbOrTx, customerId: string, dataDir: string) {
    const rows = await ticketsOf(db, customerId);
    const numbers = new Map(rows.map((r) => [r.id, r.number]));
    const out: PersonalDataFile[] = [];
    for (const a of await attachmentsOf(db, rows.map((r) => r.id))) {
      // A file missing on disk (a restored backup without DATA_DIR) is left out; its description stays in the JSON.
      const bytes = await readFile(path.join(dataDir, 'attachments', a.id)).catch(() => null);
      if (bytes) out.push({ name: `${numbers.get(a.ticketId)}-${a.id}-${a.fileName}`, bytes: new Uint8Array(bytes) });
    }
    return out;
  },
  erase: eraseTickets,
};

/** Event kinds whose text is the person's own. */
const THEIRS = new Set(['created', 'customer_reply', 'rated']);
/** Changed fields an event may record that hold what the person wrote or who they are. */
const PERSONAL_KEY = /title|description|contact|comment|solution/i;

function blankPersonal(data: Record<string, unknown>, needles: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = PERSONAL_KEY.test(k) && v !== null ? ERASED_TEXT : scrubJson(v, needles);
  return out;
}

async function eraseTickets(db: DbOrTx, customerId: string, ctx: ErasureContext): Promise<Record<string, number>> {
  const unlinked = and(isNull(tickets.customerId), or(sqlHoldsAny(tickets.contactPhone, ctx.everywhere), sqlHoldsAny(tickets.contactName, ctx.everywhere), sqlHoldsAny(tickets.contactAddress, ctx.everywhere)));
  const rows = await db.select({ id: tickets.id, solution: tickets.solution, tags: tickets.tags }).from(tickets).where(or(eq(tickets.customerId, customerId), unlinked));
  if (!rows.length) return {};
  for (const r of rows)
    await db
      .update(tickets)
      .set({
        title: ERASED_TEXT,
        description: ERASED_TEXT,
        contactName: null,
        contactPhone: null,
        contactAddress: null,
        ratingComment: null,
        solution: scrubText(r.solution, ctx.needles),
        tags: r.tags.map((t) => scrubText(t, ctx.needles)),
        publicToken: randomBytes(32).toString('base64url'),
        updatedAt: ctx.now,
      })
      .where(eq(tickets.id, r.id));
  const ids = rows.map((r) => r.id);
  const events = await db.select({ id: ticketEvents.id, kind: ticketEvents.kind, body: ticketEvents.body, data: ticketEvents.data }).from(ticketEvents).where(inArray(ticketEvents.ticketId, ids));
  for (const e of events) {
    const body = e.body === null ? null : THEIRS.has(e.kind) ? ERASED_TEXT : scrubText(e.body, ctx.needles);
    await db.update(ticketEvents).set({ body, data: blankPersonal(e.data, ctx.needles) }).where(eq(ticketEvents.id, e.id));
  }
  const files = await db.delete(ticketAttachments).where(inArray(ticketAttachments.ticketId, ids)).returning({ id: ticketAttachments.id });
  const dataDir = ctx.dataDir;
  if (dataDir && files.length) ctx.afterCommit(async () => void (await Promise.all(files.map((f) => rm(path.join(dataDir, 'attachments', f.id), { force: true })))));
  return { tickets: rows.length, ticket_events: events.length, ticket_attachments: files.length };
}
