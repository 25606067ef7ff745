/**
 * The tickets module's personal-data hook (issue #18): the person's tickets, their events (replies to the person,
 * notes, status changes, ratings), their attachments' descriptions, and the attachments themselves (the bytes kept in
 * DATA_DIR/attachments, as `files/tickets/<ticket number>-<attachment id>-<file name>` in the ZIP). The follow link's
 * token is the company's secret and is left out by the privacy module's export.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataFile, PersonalDataHook } from '../privacy/index.js';
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
};
