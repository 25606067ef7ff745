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
import { t, type Locale } from '../../platform/i18n/index.js';
import { displayPhone } from '../../platform/phone.js';
import { slaClocks } from './sla/index.js';
import type { TicketDetail, TicketSummary } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { ListTicketsQuery, TicketsRuntime } from './tickets.types.js';
import { detailOf, summaryOf } from './tickets.views.js';
import { loadVisible, visibilityOf } from './tickets.visibility.js';
import { audit } from './tickets.writes.js';

export type { TicketsRuntime } from './tickets.types.js';

// ---- reading -----------------------------------------------------------------------------------------------------

const SLA_CHUNK = 5000;

export async function listTickets(db: DbOrTx, actor: Actor | null, q: ListTicketsQuery, rt: TicketsRuntime): Promise<{ items: TicketSummary[]; total: number }> {
  requireAccess(actor, 'ticket:read');
  const filter: repo.ListFilter = {
    visibility: visibilityOf(actor),
    status: q.status,
    type: q.type,
    categoryId: q.categoryId,
    assigneeId: q.mine === 'true' ? (actor.userId ?? NO_USER) : q.assigneeId,
    customerId: q.customerId,
    q: q.q,
  };
  const now = rt.now();
  if (q.sla === 'met' || q.sla === 'breached' || q.sla === 'paused') {
    // Decided in SQL from the clock's due times (exact; paged and counted by the database).
    filter.sla = { state: q.sla, now };
  } else if (q.sla) {
    // Warning versus on track needs business time (the SLA calendar): SQL keeps the running clocks, the SLA module
    // computes their states in chunks, and the page is cut from the matching ids.
    const ids = await repo.listTicketIds(db, { ...filter, sla: { state: 'running', now } });
    const matching: string[] = [];
    for (let i = 0; i < ids.length; i += SLA_CHUNK) {
      const chunk = ids.slice(i, i + SLA_CHUNK);
      const clocks = await slaClocks(db, chunk, now);
      for (const id of chunk) if (clocks.get(id)?.state === q.sla) matching.push(id);
    }
    const page = matching.slice(q.offset, q.offset + q.limit);
    const { rows } = await repo.listTickets(db, { ...filter, ids: page }, q.limit, 0);
    const clocks = await slaClocks(db, page, now);
    return { items: rows.map((r) => summaryOf(actor, r, clocks.get(r.ticket.id))), total: matching.length };
  }
  const { rows, total } = await repo.listTickets(db, filter, q.limit, q.offset);
  const clocks = await slaClocks(db, rows.map((r) => r.ticket.id), now);
  return { items: rows.map((r) => summaryOf(actor, r, clocks.get(r.ticket.id))), total };
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
