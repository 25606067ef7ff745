/**
 * The conversation on a ticket: internal notes (never shown to the customer) and replies to the customer (on the
 * follow page, and through the outbox when the ticket has a customer). Attachments: attachments.service.ts.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { TicketDetail } from './tickets.contract.js';
import { deliver } from './tickets.delivery.js';
import type { TicketsRuntime } from './tickets.types.js';
import { reload } from './tickets.views.js';
import { loadForWrite } from './tickets.visibility.js';
import { allows, firstResponse, transition } from './tickets.workflow.js';
import { audit, event, save } from './tickets.writes.js';
import { ticketMessageWritten, userOf } from './hooks.js';

export async function addNote(db: DbOrTx, actor: Actor | null, id: string, body: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  await event(db, id, 'note', actor, body, {}, rt.now());
  await ticketMessageWritten(db, { ticketId: id, number: r.ticket.number, title: r.ticket.title, kind: 'note', body, author: userOf(actor), at: rt.now() });
  await save(db, r.ticket, {});
  await audit(db, actor, 'ticket_note', r.ticket, { length: body.length });
  return reload(db, actor, id, rt);
}

/** A reply to the customer: on the public page, and through the outbox when the ticket has a customer. */
export async function addReply(db: DbOrTx, actor: Actor | null, id: string, input: { body: string; kbArticleId?: string; send: boolean }, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  let tk = r.ticket;
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  const now = rt.now();
  const delivery = input.send ? await deliver(db, actor, tk, input.body, rt) : { messageId: null, channel: null, status: 'not_sent' };
  await event(db, id, 'reply', actor, input.body, { delivery, ...(input.kbArticleId ? { kbArticleId: input.kbArticleId } : {}) }, now);
  await ticketMessageWritten(db, { ticketId: id, number: tk.number, title: tk.title, kind: 'reply', body: input.body, author: userOf(actor), at: now });
  const extra = await firstResponse(db, tk, now);
  if (allows('reply', tk.status)) {
    // Answering a ticket nobody holds makes it the answerer's.
    tk = await transition(db, actor, tk, 'reply', now, { ...extra, ...(!tk.assigneeId && actor.userId ? { assigneeId: actor.userId, teamId: actor.teamId } : {}) });
  } else {
    tk = await save(db, tk, extra);
  }
  await audit(db, actor, 'ticket_reply', tk, { messageId: delivery.messageId, channel: delivery.channel, kbArticleId: input.kbArticleId ?? null });
  return reload(db, actor, id, rt);
}
