/**
 * The household's follow page (`/s/t/<token>`, no sign-in; the token is the only key): the ticket's status and the
 * replies, the household's own messages, the reopen within PUBLIC_REOPEN_DAYS of the resolution, and the 1–5 star
 * rating. (Submitting the public form is intake: tickets.intake.ts.)
 */
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { ticketRated } from './resolved.js';
import { PUBLIC_REOPEN_DAYS, type PublicTicketView } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketRow, TicketWithRefs } from './tickets.repository.js';
import type { TicketsRuntime } from './tickets.types.js';
import { attachmentView, iso } from './tickets.views.js';
import { allows, OPEN, reopen, transition } from './tickets.workflow.js';
import { audit, event, publicActor, save } from './tickets.writes.js';

async function loadByToken(db: DbOrTx, token: string): Promise<TicketWithRefs> {
  const r = await repo.findByToken(db, token);
  if (!r) throw AppError.notFound('tickets.link_invalid');
  return r;
}

/** The ticket behind the link, locked for a write. */
async function lockByToken(db: DbOrTx, token: string): Promise<TicketRow> {
  const r = await loadByToken(db, token);
  return (await repo.findTicket(db, r.ticket.id, true))!.ticket;
}

const REOPEN_MS = PUBLIC_REOPEN_DAYS * 86_400_000;

/** The household may reopen within PUBLIC_REOPEN_DAYS of the resolution (a merged duplicate never). */
function reopenable(tk: TicketRow, now: Date): boolean {
  return (tk.status === 'resolved' || tk.status === 'closed') && !tk.mergedIntoId && tk.resolvedAt !== null && now.getTime() - tk.resolvedAt.getTime() <= REOPEN_MS;
}

export async function publicTicket(db: DbOrTx, token: string, now: Date): Promise<PublicTicketView> {
  const r = await loadByToken(db, token);
  const tk = r.ticket;
  const events = await repo.eventsOf(db, tk.id);
  const attachments = await repo.attachmentsOf(db, tk.id);
  return {
    number: tk.number,
    title: tk.title,
    status: tk.status,
    type: tk.type,
    category: tk.category,
    description: tk.description,
    createdAt: tk.createdAt.toISOString(),
    resolvedAt: iso(tk.resolvedAt),
    solution: tk.solution,
    replies: events
      .filter((e) => e.event.kind === 'reply' || e.event.kind === 'customer_reply')
      .map((e) => ({ body: e.event.body ?? '', at: e.event.createdAt.toISOString(), from: e.event.kind === 'reply' ? ('agent' as const) : ('customer' as const) })),
    attachments: attachments.map(attachmentView),
    canReply: OPEN.includes(tk.status) && !tk.mergedIntoId,
    canReopen: reopenable(tk, now),
    canRate: (tk.status === 'resolved' || tk.status === 'closed') && tk.rating === null && !tk.mergedIntoId,
    rating: tk.rating,
    ratingComment: tk.ratingComment,
  };
}

/** The household rates the handling (1–5 stars and a comment), once, after resolution. */
export async function rateTicket(db: DbOrTx, token: string, input: { rating: number; comment?: string | null }, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const tk = await lockByToken(db, token);
  if (tk.status !== 'resolved' && tk.status !== 'closed') throw AppError.conflict('tickets.not_resolved');
  if (tk.rating !== null) throw AppError.conflict('tickets.already_rated');
  const now = rt.now();
  const row = await save(db, tk, { rating: input.rating, ratingComment: input.comment ?? null, ratedAt: now });
  await event(db, tk.id, 'rated', null, input.comment ?? null, { rating: input.rating }, now);
  await audit(db, publicActor(ip), 'ticket_rate', row, { rating: input.rating });
  await ticketRated(db, {
    ticketId: tk.id,
    number: tk.number,
    customerId: tk.customerId,
    contactName: tk.contactName,
    contactPhone: tk.contactPhone,
    rating: input.rating,
    comment: input.comment ?? null,
    ratedAt: now,
  });
  return publicTicket(db, token, now);
}

/**
 * The household adds a message on the follow page (stored as text). It shows to the agent as the customer's message;
 * a ticket waiting on the customer goes back to in progress (the SLA clock resumes, as on the agents' path).
 */
export async function publicReply(db: DbOrTx, token: string, body: string, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const tk = await lockByToken(db, token);
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  if (!OPEN.includes(tk.status)) throw AppError.conflict('tickets.public_closed', {}, 'body');
  const now = rt.now();
  await event(db, tk.id, 'customer_reply', null, body, {}, now);
  const row = allows('customer_reply', tk.status) ? await transition(db, null, tk, 'customer_reply', now, {}, { customerReply: true }) : await save(db, tk, {});
  await audit(db, publicActor(ip), 'ticket_customer_reply', row, { length: body.length, status: [tk.status, row.status] });
  return publicTicket(db, token, now);
}

/** The household reopens a resolved ticket from the follow page, within PUBLIC_REOPEN_DAYS days, with a reason. */
export async function publicReopen(db: DbOrTx, token: string, reason: string, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const tk = await lockByToken(db, token);
  const now = rt.now();
  if ((tk.status === 'resolved' || tk.status === 'closed') && !tk.mergedIntoId && !reopenable(tk, now)) {
    throw AppError.conflict('tickets.reopen_expired', { days: PUBLIC_REOPEN_DAYS }, 'reason');
  }
  const row = await reopen(db, null, tk, reason, now, 'customer');
  await audit(db, publicActor(ip), 'ticket_reopen', row, { reason, reopenCount: row.reopenCount, previousRating: tk.rating, by: 'customer' });
  return publicTicket(db, token, now);
}
