/**
 * Service tickets (工单). The use cases live by purpose, every write in the caller's transaction with its audit entry:
 * - tickets.intake.ts — creating tickets (agents, the API, the public form; matching the customer), the assignment
 *   rules, correcting a ticket's facts, the category defaults;
 * - tickets.workflow.ts — the status transition table and the SLA hooks (./sla); assign, status, resolve, reopen, merge;
 * - tickets.conversation.ts — internal notes and replies (tickets.delivery.ts: through the outbox); attachments.service.ts;
 * - tickets.public.ts — the follow link `/s/t/<token>`: the household's messages, reopen, rating;
 * - shared: tickets.visibility.ts (who sees which ticket), tickets.views.ts (what the API returns), tickets.writes.ts.
 * This file: reading tickets (the queue, one ticket, the contact's phone) and what other modules use (the customer
 * timeline's source, the customer-merge hook).
 */
import { NO_USER } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { displayPhone } from '../../platform/phone.js';
import { AppError } from '../../platform/errors.js';
import { dayRange } from '../../platform/time.js';
import { companyClock } from '../settings/index.js';
import { slaClocks } from './sla/index.js';
import type { TicketDetail, TicketPage } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { ListTicketsQuery, TicketsRuntime } from './tickets.types.js';
import { detailOf, summaryOf } from './tickets.views.js';
import { loadVisible, visibilityOf } from './tickets.visibility.js';
import { audit } from './tickets.writes.js';

export type { TicketsRuntime } from './tickets.types.js';

// ---- reading -----------------------------------------------------------------------------------------------------

const SLA_CHUNK = 5000;

/** The queue's creation-day filter as instants: the company's calendar days, `createdTo` inclusive. */
async function createdRange(db: DbOrTx, q: ListTicketsQuery): Promise<repo.ListFilter['created']> {
  if (!q.createdFrom && !q.createdTo) return undefined;
  if (q.createdFrom && q.createdTo && q.createdTo < q.createdFrom) throw AppError.field('createdTo', 'tickets.created_order');
  return dayRange((await companyClock(db)).zone, q.createdFrom, q.createdTo);
}

/**
 * The ticket queue, newest first, a keyset page at a time: `cursor` is the last answer's `nextCursor` (the last
 * row's creation time and id); `total` counts every ticket matching the filters, on every page.
 */
export async function listTickets(db: DbOrTx, actor: Actor | null, q: ListTicketsQuery, rt: TicketsRuntime): Promise<TicketPage> {
  requireAccess(actor, 'ticket:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const filter: repo.ListFilter = {
    visibility: visibilityOf(actor),
    status: q.status,
    type: q.type,
    categoryId: q.categoryId,
    assigneeId: q.mine === 'true' ? (actor.userId ?? NO_USER) : q.assigneeId,
    customerId: q.customerId,
    q: q.q,
    tag: q.tag,
    created: await createdRange(db, q),
    excludeMerged: q.merged === 'exclude',
  };
  const now = rt.now();
  let rows: Awaited<ReturnType<typeof repo.listTickets>>;
  let total: number;
  if (q.sla === 'warning' || q.sla === 'on_track') {
    // Warning versus on track needs business time (the SLA calendar): SQL keeps the running clocks (in the queue's
    // order, each marked whether it is after the cursor), the SLA module computes their states in chunks; the page is
    // the first matching ids after the cursor, and the total counts every match.
    const ids = await repo.listTicketIds(db, { ...filter, sla: { state: 'running', now } }, after);
    const matching: { id: string; afterCursor: boolean }[] = [];
    for (let i = 0; i < ids.length; i += SLA_CHUNK) {
      const chunk = ids.slice(i, i + SLA_CHUNK);
      const clocks = await slaClocks(db, chunk.map((x) => x.id), now);
      for (const x of chunk) if (clocks.get(x.id)?.state === q.sla) matching.push(x);
    }
    const page = matching.filter((x) => x.afterCursor).slice(0, q.limit + 1).map((x) => x.id);
    rows = await repo.listTickets(db, { ...filter, ids: page }, { limit: q.limit + 1 });
    total = matching.length;
  } else {
    // Met, breached and paused are decided in SQL from the clock's due times (exact; paged and counted by the database).
    if (q.sla) filter.sla = { state: q.sla, now };
    rows = await repo.listTickets(db, filter, { after, limit: q.limit + 1 });
    // A first page that is not full holds every match: its length is the total, no count needed.
    total = !after && rows.length <= q.limit ? rows.length : await repo.countTickets(db, filter);
  }
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  const clocks = await slaClocks(db, shown.map((r) => r.ticket.id), now);
  return {
    items: shown.map((r) => summaryOf(actor, r, clocks.get(r.ticket.id))),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.ticket.id) : null,
    total,
  };
}

export async function getTicket(db: DbOrTx, actor: Actor | null, id: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:read');
  return detailOf(db, actor, await loadVisible(db, actor, id), rt);
}

/** The full contact phone of a ticket, for customer:pii holders; every reveal is audited. */
export async function revealContact(db: DbOrTx, actor: Actor | null, id: string): Promise<{ contactPhone: string | null }> {
  requireAccess(actor, 'ticket:read');
  requireAccess(actor, 'customer:pii');
  const r = await loadVisible(db, actor, id);
  await audit(db, actor, 'ticket_reveal', r.ticket, { fields: ['contactPhone'] });
  return { contactPhone: r.ticket.contactPhone ? displayPhone(r.ticket.contactPhone) : null };
}

/** Tags in use on the tickets the caller sees, most used first (the queue's tag filter, the bulk tag picker). */
export async function listTicketTags(db: DbOrTx, actor: Actor | null): Promise<{ tag: string; count: number }[]> {
  requireAccess(actor, 'ticket:read');
  return repo.tagCounts(db, visibilityOf(actor), 200);
}

// ---- the customer timeline ---------------------------------------------------------------------------------------

export const ticketTimelineSource = {
  kind: 'ticket',
  async events(db: DbOrTx, q: { customerId: string; before: { at: string; id: string } | null; limit: number; locale: Locale }) {
    const rows = await repo.ticketsForTimeline(db, q.customerId, q.before, q.limit);
    return rows.map(({ ticket: tk, sortAt, creatorName }) => ({
      kind: 'ticket',
      id: tk.id,
      at: tk.createdAt.toISOString(),
      sortAt,
      title: t(q.locale, 'tickets.timeline.title', { number: tk.number, title: tk.title }),
      summary: [
        t(q.locale, `tickets.type.${tk.type}`),
        t(q.locale, `tickets.status.${tk.status}`),
        tk.rating !== null ? t(q.locale, 'tickets.timeline.rated', { rating: tk.rating }) : null,
      ]
        .filter(Boolean)
        .join(' · '),
      actor: tk.createdBy ? { id: tk.createdBy, name: creatorName ?? '' } : null,
      data: { id: tk.id, number: tk.number, status: tk.status, type: tk.type, rating: tk.rating, ratingComment: tk.ratingComment },
    }));
  },
};

/** Merging duplicate customers: their tickets move to the survivor (and back on undo). */
export const ticketMergeHook = {
  key: 'tickets',
  move: (db: DbOrTx, fromId: string, toId: string) => repo.moveTicketsToCustomer(db, fromId, toId),
  moveBack: (db: DbOrTx, ids: readonly string[], fromId: string, toId: string) => repo.moveTicketsBack(db, ids, fromId, toId),
};
