/**
 * Handling an item: the reply to the customer (反馈结果的反馈) through the outbox of the messages module, and one click
 * from an item to a ticket (tickets module). Both need feedback:manage and an item the user sees; both write in the
 * caller's transaction with their audit entry.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { sendMessage, type MessageView, type MessagingRuntime } from '../messages/index.js';
import { createTicket } from '../tickets/index.js';
import type { FeedbackItemView } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import { loadForWrite, reload } from './feedback.service.js';
import type { ReplyInput } from './feedback.types.js';

type Channel = 'sms' | 'email' | 'wechat';
const CHANNELS: readonly Channel[] = ['sms', 'email', 'wechat'];

/**
 * The channels to try, best first: the customer's preferred contact channel when they agreed to it, then SMS (with a
 * number), email (with an address) and WeChat, each only with consent. Empty when the customer agreed to none.
 */
export function replyChannels(c: repo.CustomerBrief): Channel[] {
  const consent = c.consent ?? {};
  const reachable = (ch: Channel) => !!consent[ch] && (ch === 'sms' ? c.phones.length > 0 : ch === 'email' ? !!c.email : true);
  const preferred = c.preferences?.contactChannel;
  const order = CHANNELS.includes(preferred as Channel) ? [preferred as Channel, ...CHANNELS.filter((ch) => ch !== preferred)] : [...CHANNELS];
  return order.filter(reachable);
}

/**
 * Sends the reply to the item's customer (category transactional: the answer to their own message, outside the
 * weekly cap; consent and quiet hours still apply) and records it on the item, which becomes `replied`. A 409 when the
 * item has no customer, or the customer agreed to no channel that has an address. Returns the item and the message
 * (the caller kicks the sender after the commit).
 */
export async function replyToFeedback(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  input: ReplyInput,
  rt: MessagingRuntime,
): Promise<{ item: FeedbackItemView; message: MessageView }> {
  requireAccess(actor, 'feedback:manage');
  const { item } = await loadForWrite(db, actor, id);
  const customer = item.customerId ? await repo.customerBrief(db, item.customerId) : undefined;
  if (!customer || customer.deleted) throw AppError.conflict('feedback.no_customer');
  let message: MessageView | null = null;
  for (const channel of replyChannels(customer)) {
    try {
      const subject = channel === 'email' ? t('zh-CN', 'feedback.timeline.title', { number: item.number }) : undefined;
      message = await sendMessage(db, actor, customer.id, { channel, category: 'transactional', body: input.body, subject }, rt);
      break;
    } catch (err) {
      // No address on this channel (a landline for SMS, no WeChat openid): try the next one. Nothing was written.
      if (err instanceof AppError && err.code === 'validation' && err.issues[0]?.field === 'channel') continue;
      throw err;
    }
  }
  if (!message) throw AppError.conflict('feedback.no_channel');
  const now = rt.now();
  await repo.updateItem(db, id, { replyText: input.body, repliedAt: now, replyMessageId: message.id, status: 'replied' }, now);
  await recordAudit(db, actor, { action: 'feedback_reply', entityType: 'feedback', entityId: id, changes: { messageId: message.id, channel: message.channel, status: message.status } });
  return { item: await reload(db, actor, id), message };
}

/**
 * Turns the item into a ticket (once: a second time is 409): the customer, the text as the description, a complaint
 * when the sentiment (the agent's correction first) is negative, else an inquiry; the assignment rules route it.
 * The item links to the ticket and, when still new, is in progress.
 */
export async function feedbackToTicket(db: DbOrTx, actor: Actor | null, id: string, rt: MessagingRuntime): Promise<FeedbackItemView> {
  requireAccess(actor, 'feedback:manage');
  requireAccess(actor, 'ticket:write');
  const { item } = await loadForWrite(db, actor, id);
  if (item.ticketId) throw AppError.conflict('feedback.ticket_exists');
  const sentiment = item.sentimentCorrected ?? item.sentiment;
  const head = Array.from(item.text.replace(/\s+/g, ' ')).slice(0, 40).join('');
  const ticket = await createTicket(
    db,
    actor,
    {
      title: t('zh-CN', 'feedback.ticket_title', { number: item.number, text: head }),
      description: item.text,
      type: sentiment === 'neg' ? 'complaint' : 'inquiry',
      priority: 'normal',
      severity: 'minor',
      source: 'agent',
      customerId: item.customerId,
      contactName: item.contactName,
      contactPhone: item.customerId ? null : item.contactPhone,
    },
    rt,
  );
  const now = rt.now();
  await repo.updateItem(db, id, { ticketId: ticket.id, ...(item.status === 'new' ? { status: 'in_progress' as const } : {}) }, now);
  await recordAudit(db, actor, { action: 'feedback_ticket', entityType: 'feedback', entityId: id, changes: { ticketId: ticket.id, ticketNumber: ticket.number, type: ticket.type } });
  return reload(db, actor, id);
}
