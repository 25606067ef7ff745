/**
 * The household's follow page (`/s/t/<token>`, no sign-in; the token is the only key): the ticket's status and the
 * replies, the household's own messages, the reopen within PUBLIC_REOPEN_DAYS of the resolution, and the 1–5 star
 * rating. (Submitting the public form is intake: tickets.intake.ts.) And who the reporter of a public form is: the
 * customer holding the phone given, when exactly one does (`linkedByPhone`, at intake); otherwise the candidates an
 * agent is offered on the ticket page (`customerCandidates`): every customer holding that phone when several do, else
 * the households the written address names (customers module `customersByPhone` / `customersByAddress`).
 */
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { maskPhone } from '../../platform/phone.js';
import { customerAccess, customersByAddress, customersByPhone, type CustomerMatch } from '../customers/index.js';
import type { TicketCandidatesView } from './candidates.contract.js';
import { ticketRated } from './resolved.js';
import { PUBLIC_REOPEN_DAYS, type PublicTicketView } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketRow, TicketWithRefs } from './tickets.repository.js';
import type { TicketsRuntime } from './tickets.types.js';
import { attachmentView, iso } from './tickets.views.js';
import { loadVisible } from './tickets.visibility.js';
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

// ---- who the reporter is ------------------------------------------------------------------------------------------

/**
 * The customer a public report is linked to at intake: the one live customer holding the phone (normalised), or null
 * when none or several do — several are not chosen among automatically; the agent sees them as candidates.
 */
export async function linkedByPhone(db: DbOrTx, phone: string): Promise<string | null> {
  const found = await customersByPhone(db, phone, 2);
  return found.length === 1 ? found[0]!.id : null;
}

const CANDIDATES = 10;
const ADDRESS_PARTS = ['compound', 'building', 'unit', 'room'] as const;

/**
 * The households an unlinked ticket's reporter may be (candidates.contract.ts): by the contact phone when customers
 * hold it, else by the written address; only those in the caller's data scope are listed (a phone held by customers
 * the caller cannot see still decides that the address is not used).
 */
export async function customerCandidates(db: DbOrTx, actor: Actor | null, ticketId: string): Promise<TicketCandidatesView> {
  requireAccess(actor, 'ticket:read');
  const tk = (await loadVisible(db, actor, ticketId)).ticket;
  if (tk.customerId || !can(actor, 'customer:read')) return { by: null, items: [] };
  const view = (c: CustomerMatch, phone: string | null) => ({
    customerId: c.id,
    name: c.name,
    address: ADDRESS_PARTS.map((k) => c.address[k]).filter(Boolean).join(' '),
    phone: phone ? maskPhone(phone) : null,
  });
  const reached = (cs: CustomerMatch[]) => cs.filter((c) => customerAccess.reaches(actor, c));
  const byPhone = tk.contactPhone ? await customersByPhone(db, tk.contactPhone, CANDIDATES) : [];
  if (byPhone.length) return { by: 'phone', items: reached(byPhone).map((c) => view(c, tk.contactPhone)) };
  const byAddress = tk.contactAddress ? reached(await customersByAddress(db, tk.contactAddress, 5)) : [];
  return byAddress.length ? { by: 'address', items: byAddress.map((c) => view(c, c.phones[0] ?? null)) } : { by: null, items: [] };
}
