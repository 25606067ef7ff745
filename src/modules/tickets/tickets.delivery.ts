/**
 * Texts to the ticket's customer go through the outbox (messages module): replies, and the outcome with the
 * satisfaction request at resolution. Also who acts on the customer for the ticket (messages, logged calls, visits).
 */
import { can, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { customerInScope } from '../customers/index.js';
import { publicBaseUrl, sendMessage } from '../messages/index.js';
import * as repo from './tickets.repository.js';
import type { TicketRow } from './tickets.repository.js';
import type { TicketsRuntime } from './tickets.types.js';
import { followPath } from './tickets.views.js';
import { clip } from './tickets.writes.js';

/**
 * Who acts on the ticket's customer (messages, the logged call, the return visit): the handler when their own role
 * reaches the customer; otherwise — a ticket assigned to someone outside the customer's data scope — the ticket
 * workflow on the handler's behalf (answering the ticket's customer is what ticket:write is for; consent still
 * applies). The audit keeps the handler's name.
 */
export async function customerActor(db: DbOrTx, actor: Actor, customerId: string): Promise<{ actor: Actor; own: boolean }> {
  if (can(actor, 'customer:write')) {
    const reaches = await customerInScope(db, actor, customerId, { forWrite: true }).then(
      () => true,
      () => false,
    );
    if (reaches) return { actor, own: true };
  }
  return { actor: { ...systemActor('system', actor.locale), displayName: actor.displayName, username: actor.username }, own: false };
}

export type Delivery = { messageId: string | null; channel: string | null; status: string; reason?: string };

/**
 * Sends a text to the ticket's customer through the outbox: SMS, else email (the outbox applies consent). Returns
 * the message id, or why nothing was queued (no linked customer, no number or address).
 */
export async function deliver(db: DbOrTx, actor: Actor, tk: TicketRow, text: string, rt: TicketsRuntime): Promise<Delivery> {
  if (!tk.customerId) return { messageId: null, channel: null, status: 'public_only' };
  const c = await repo.customerContact(db, tk.customerId);
  // SMS when the customer agreed to it, else email when agreed; with neither, SMS (the outbox records it as
  // suppressed for want of consent) or, without a number, nothing.
  const channel = c?.consent?.sms && c.phones.length ? 'sms' : c?.consent?.email && c.email ? 'email' : c?.phones.length ? 'sms' : c?.email ? 'email' : null;
  if (!channel) return { messageId: null, channel: null, status: 'not_sent', reason: 'no_recipient' };
  const sender = (await customerActor(db, actor, tk.customerId)).actor;
  const link = `${await publicBaseUrl(db, rt.fallbackUrl)}${followPath(tk.publicToken)}`;
  const prefix = t('zh-CN', 'tickets.message.prefix', { number: tk.number });
  const body = channel === 'sms' ? `${prefix}${clip(text, 380)} ${link}` : `${prefix}${text}\n\n${link}`;
  try {
    const m = await sendMessage(db, sender, tk.customerId, { channel, category: 'transactional', body, subject: channel === 'email' ? clip(prefix, 100) : undefined }, rt);
    return { messageId: m.id, channel, status: m.status, ...(m.reason ? { reason: m.reason } : {}) };
  } catch (err) {
    // No usable recipient (a landline for SMS, say): the reply stands on the follow page; nothing was written.
    if (err instanceof AppError && err.code === 'validation') return { messageId: null, channel, status: 'not_sent', reason: err.issues[0]?.key ?? 'no_recipient' };
    throw err;
  }
}
