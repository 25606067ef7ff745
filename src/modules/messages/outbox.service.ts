import { randomUUID, timingSafeEqual } from 'node:crypto';
import { requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { maskPhone, normalizePhone } from '../../platform/phone.js';
import { knownZone } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { consentRefusals, customerAccess, customerFields, customerInScope, recordConsent } from '../customers/index.js';
import type { TimelineSource } from '../interactions/index.js';
import { readCompanySettings } from '../settings/index.js';
import type {
  MessageCategory,
  MessageChannel,
  MessageLocale,
  MessagePage,
  MessagePreview,
  MessageReason,
  MessageStatus,
  MessageView,
  TemplateVariable,
  UnsubscribeInfo,
} from './messages.contract.js';
import * as repo from './messages.repository.js';
import type { MessageCustomer, MessageWithRefs, TemplateRow } from './messages.repository.js';
import { SMS_MAX, type OutboxQuery, type SendMessageInput } from './messages.types.js';
import { purposeRefusals } from './purpose.js';
import { CAP_WINDOW_MS, countsTowardsCap, quietUntil } from './rules.js';
import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type MessagingRuntime } from './runtime.js';
import { inboundChannelFacts, readMessageSettings, signingSecret, smsInboundKey, type MessageSettings } from './settings.js';
import { hideable, previewMaskOf, storedSpans, textShown, textShownTo, type PreviewMask, type TextShown } from './field-spans.js';
import { render, type FieldSpan, type VariableValues } from './variables.js';

// ---- views -----------------------------------------------------------------------------------------------------

/** Phones are personal data: masked wherever a message is shown (email addresses are not masked anywhere). */
const shownRecipient = (channel: MessageChannel, recipient: string) => (channel === 'sms' ? maskPhone(recipient) : recipient);

/** Whether the caller sees a message's recipient on a channel; a message to staff (no customer) always shows it. */
export type RecipientShown = (channel: MessageChannel) => boolean;

/**
 * Field grants (issue #18): a message's recipient is the customer's phone (sms), email or WeChat openid (the custom
 * field the settings name), so it is shown only to a caller whose role sees that field — the same allow-list the
 * customer record follows. Hidden, it is left out: '' in a message, null in a preview (with `recipientHidden`).
 */
export function recipientShownTo(actor: Actor, openIdField: string): RecipientShown {
  const fields = customerFields(actor);
  return (channel) => fields.visible(channel === 'sms' ? 'phones' : channel === 'email' ? 'email' : `custom.${openIdField}`);
}

async function recipientRule(db: DbOrTx, actor: Actor): Promise<RecipientShown> {
  // The stored settings, not opened: only the openid's field is needed, not the channels' secrets.
  return recipientShownTo(actor, (await inboundChannelFacts(db)).wechatOpenIdField);
}

/** What a caller sees of messages: the recipient (by channel) and the text. */
export type ViewerRule = { recipient: RecipientShown; text: TextShown };

async function viewerRule(db: DbOrTx, actor: Actor): Promise<ViewerRule> {
  return { recipient: await recipientRule(db, actor), text: textShownTo(actor) };
}

/**
 * A message as the caller sees it; without `viewer`, everything is shown (mail to staff, internal callers). The
 * viewer's rule is given as a whole, or (older callers) only its recipient part.
 */
export function toMessageView(r: MessageWithRefs, viewer?: ViewerRule | RecipientShown): MessageView {
  const rule: Partial<ViewerRule> = typeof viewer === 'function' ? { recipient: viewer } : (viewer ?? {});
  const shown = rule.recipient;
  const text = rule.text && r.customerId ? rule.text(r) : { subject: r.subject, body: r.body };
  return {
    id: r.id,
    customerId: r.customerId,
    customerName: r.customerName,
    channel: r.channel,
    category: r.category,
    templateId: r.templateId,
    templateName: r.templateName,
    locale: r.locale,
    subject: text.subject,
    body: text.body,
    recipient: !r.customerId || !shown || shown(r.channel) ? shownRecipient(r.channel, r.recipient) : '',
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: r.status === 'queued' ? (r.nextAttemptAt?.toISOString() ?? null) : null,
    provider: r.provider,
    providerMessageId: r.providerMessageId,
    createdBy: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? '' } : null,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    openedAt: r.openedAt?.toISOString() ?? null,
    clickedAt: r.clickedAt?.toISOString() ?? null,
    clicks: r.clicks,
  };
}

// ---- rendering -------------------------------------------------------------------------------------------------

/** The customer's language for messages: preferences.language, else Chinese. */
export const localeOf = (c: MessageCustomer): MessageLocale => (c.preferences?.language === 'en' ? 'en' : 'zh-CN');

/**
 * What rendering needs besides the customer, read once (per message, or per bulk slice): the company's name and
 * today's date in its time zone, formatted once per language.
 */
export type RenderContext = { companyName: string; date: (locale: MessageLocale) => string };

export function renderContext(company: { companyName: string; timezone: string }, now: Date): RenderContext {
  const zone = knownZone(company.timezone);
  const dates = new Map<MessageLocale, string>();
  return {
    companyName: company.companyName,
    date: (locale) => {
      let text = dates.get(locale);
      if (text === undefined) {
        text = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'zh-CN', { dateStyle: 'long', timeZone: zone }).format(now);
        dates.set(locale, text);
      }
      return text;
    },
  };
}

/**
 * The values of the template variables for a customer. `extra` are per-message values only the caller knows (a
 * campaign's coupon code); a variable without a value renders as empty text and is reported missing.
 */
function variableValues(rc: RenderContext, c: MessageCustomer, locale: MessageLocale, extra?: Partial<Record<TemplateVariable, string>>): VariableValues {
  const points = c.custom?.points;
  return {
    name: c.name,
    company: rc.companyName,
    points: typeof points === 'number' || (typeof points === 'string' && points) ? String(points) : null,
    date: rc.date(locale),
    owner: c.ownerName,
    customerNo: c.externalId,
    coupon: null,
    ...extra,
  };
}

export type Rendered = {
  locale: MessageLocale;
  fellBack: boolean;
  subject: string | null;
  body: string;
  missing: TemplateVariable[];
  /** Where values of customer fields a role may hide landed; none when none did. */
  spans: { subject: FieldSpan[]; body: FieldSpan[] };
};

export type RenderableTemplate = Pick<TemplateRow, 'channel' | 'subjectZh' | 'subjectEn' | 'bodyZh' | 'bodyEn'>;

/** A template in the customer's language (Chinese when it has no English text), its variables filled in. */
export function renderFor(
  tpl: RenderableTemplate,
  c: MessageCustomer,
  rc: RenderContext,
  extra?: Partial<Record<TemplateVariable, string>>,
  mask?: PreviewMask,
): Rendered {
  const wanted = localeOf(c);
  const english = wanted === 'en' && !!tpl.bodyEn;
  const locale: MessageLocale = english ? 'en' : 'zh-CN';
  const values = variableValues(rc, c, locale, extra);
  const missing = new Set<TemplateVariable>();
  const subjectText = tpl.channel === 'email' ? (english ? tpl.subjectEn : tpl.subjectZh) : null;
  const subjectSpans: FieldSpan[] = [];
  const bodySpans: FieldSpan[] = [];
  const subject = subjectText ? render(subjectText, values, missing, { spans: subjectSpans, hideable, ...mask }) : null;
  const body = render(english ? tpl.bodyEn! : tpl.bodyZh, values, missing, { spans: bodySpans, hideable, ...mask });
  return { locale, fellBack: wanted === 'en' && !english, subject, body, missing: [...missing], spans: { subject: subjectSpans, body: bodySpans } };
}

async function renderTemplate(db: DbOrTx, tpl: RenderableTemplate, c: MessageCustomer, now: Date, mask?: PreviewMask): Promise<Rendered> {
  return renderFor(tpl, c, renderContext(await readCompanySettings(db), now), undefined, mask);
}

/**
 * The rules at enqueueing, in this order: no consent to the channel → suppressed (no_consent); over the weekly cap →
 * suppressed (frequency_cap); in quiet hours → queued until they end (quiet_hours); else queued, due now. `capped` is
 * only asked when the customer consents.
 */
export async function enqueueOutcome(
  consents: boolean,
  capped: () => boolean | Promise<boolean>,
  quietEnd: () => Date | null,
  now: Date,
): Promise<{ status: MessageStatus; reason: MessageReason | null; nextAttemptAt: Date | null }> {
  if (!consents) return { status: 'suppressed', reason: 'no_consent', nextAttemptAt: null };
  if (await capped()) return { status: 'suppressed', reason: 'frequency_cap', nextAttemptAt: null };
  const until = quietEnd();
  return until ? { status: 'queued', reason: 'quiet_hours', nextAttemptAt: until } : { status: 'queued', reason: null, nextAttemptAt: now };
}

/** Where a message to the customer goes on a channel; null when the customer has no such address. */
export function recipientOf(c: MessageCustomer, channel: MessageChannel, settings: MessageSettings): string | null {
  if (channel === 'email') return c.email || null;
  if (channel === 'sms') return c.phones.find((p) => /^\+861\d{10}$/.test(p)) ?? c.phones.find((p) => !p.startsWith('+86')) ?? null;
  const openId = c.custom?.[settings.wechat.openIdField];
  return typeof openId === 'string' && openId.trim() ? openId.trim() : null;
}

/** How the customer can opt out, at the end of the text: a signed link in emails, the TD keyword in marketing SMS. */
export function withOptOut(body: string, channel: MessageChannel, category: MessageCategory, locale: Locale, link: string): string {
  if (channel === 'email') return `${body}\n\n${t(locale, 'messages.footer.email', { link })}`;
  if (channel === 'sms' && countsTowardsCap(category)) return `${body}${t(locale, 'messages.footer.sms')}`;
  return body;
}

export async function previewTemplate(db: DbOrTx, actor: Actor | null, templateId: string, customerId: string, rt: MessagingRuntime): Promise<MessagePreview> {
  requireAccess(actor, 'customer:read');
  const tpl = await repo.findTemplate(db, templateId);
  if (!tpl) throw AppError.notFound('messages.template_not_found');
  await customerInScope(db, actor, customerId);
  const c = (await repo.customerForMessage(db, customerId))!;
  const settings = await readMessageSettings(db);
  // Field grants (issue #18): a variable of a field the caller does not see shows 「（无权查看）」, never its value.
  const r = await renderTemplate(db, tpl, c, rt.now(), previewMaskOf(actor));
  const recipient = recipientOf(c, tpl.channel, settings);
  const hidden = !recipientShownTo(actor, settings.wechat.openIdField)(tpl.channel);
  return {
    channel: tpl.channel,
    locale: r.locale,
    fellBack: r.fellBack,
    subject: r.subject,
    body: r.body,
    missing: r.missing,
    recipient: recipient && !hidden ? shownRecipient(tpl.channel, recipient) : null,
    ...(hidden ? { recipientHidden: true as const } : {}),
    consent: !!c.consent?.[tpl.channel],
  };
}

// ---- enqueueing --------------------------------------------------------------------------------------------------

/**
 * Puts a message to a customer in the outbox (the caller's transaction): rendered from a template in the customer's
 * language, or free text; checked against consent and the weekly cap (suppressed, with the reason, when either says
 * no) and quiet hours (queued for when they end). Nothing is sent here: after the commit a sender is kicked.
 */
export async function sendMessage(db: DbOrTx, actor: Actor | null, customerId: string, input: SendMessageInput, rt: MessagingRuntime): Promise<MessageView> {
  requireAccess(actor, 'customer:write');
  const now = rt.now();
  let channel: MessageChannel;
  let category: MessageCategory;
  let tpl: TemplateRow | undefined;
  if (input.templateId) {
    if (input.body || input.subject) throw AppError.field('body', 'messages.template_or_text');
    tpl = await repo.findTemplate(db, input.templateId);
    if (!tpl) throw AppError.field('templateId', 'messages.template_not_found');
    if (tpl.archivedAt) throw AppError.field('templateId', 'messages.template_archived');
    if (input.channel && input.channel !== tpl.channel) throw AppError.field('channel', 'messages.channel_mismatch');
    channel = tpl.channel;
    category = input.category ?? tpl.category;
  } else {
    if (!input.channel) throw AppError.field('channel', 'validation.required', { field: 'channel' });
    if (!input.body) throw AppError.field('body', 'validation.required', { field: 'body' });
    if (input.channel === 'email' && !input.subject) throw AppError.field('subject', 'validation.required', { field: 'subject' });
    if (input.channel !== 'email' && input.body.length > SMS_MAX) throw AppError.field('body', 'validation.too_long', { field: 'body', max: SMS_MAX });
    channel = input.channel;
    category = input.category ?? 'care';
  }
  await customerInScope(db, actor, customerId, { forWrite: true });
  // Locked until commit: two messages for one customer are checked against the weekly cap one after the other.
  const c = (await repo.customerForMessage(db, customerId, true))!;
  const settings = await readMessageSettings(db);
  const recipient = recipientOf(c, channel, settings);
  if (!recipient) throw AppError.field('channel', `messages.no_recipient.${channel}`);

  const company = await readCompanySettings(db);
  const rendered = renderFor(
    tpl ?? { channel, subjectZh: input.subject ?? null, subjectEn: null, bodyZh: input.body!, bodyEn: null },
    c,
    renderContext(company, now),
  );
  const locale: MessageLocale = tpl ? rendered.locale : localeOf(c);
  const id = randomUUID();
  const link = unsubscribeUrl(settings.publicUrl ?? rt.fallbackUrl, unsubscribeToken(await signingSecret(db), id));
  const body = withOptOut(rendered.body, channel, category, locale, link);

  const { status, reason, nextAttemptAt } = await enqueueOutcome(
    !!c.consent?.[channel] && !(await purposeRefusals(db, [customerId], channel, category, null)).has(customerId),
    async () =>
      countsTowardsCap(category) &&
      (await repo.cappedCount(db, customerId, new Date(now.getTime() - CAP_WINDOW_MS), { includePending: true })) >= settings.weeklyCap,
    () => quietUntil(now, channel, settings.quietHours, knownZone(company.timezone)),
    now,
  );
  await repo.insertMessage(db, {
    id,
    customerId,
    channel,
    category,
    templateId: tpl?.id ?? null,
    locale,
    subject: rendered.subject,
    body,
    fieldSpans: storedSpans(rendered, rendered.subject, body),
    recipient,
    status,
    reason,
    nextAttemptAt,
    createdBy: actor.userId,
    createdAt: now,
  });
  await recordAudit(db, actor, {
    action: 'message_create',
    entityType: 'customer',
    entityId: customerId,
    changes: { messageId: id, channel, category, templateId: tpl?.id ?? null, templateName: tpl?.name ?? null, status, reason },
  });
  return toMessageView((await repo.findMessage(db, id))!, { recipient: recipientShownTo(actor, settings.wechat.openIdField), text: textShownTo(actor) });
}

/** After the enqueueing transaction committed: a sender tries a queued message when it is due. */
export async function kickIfQueued(rt: MessagingRuntime, m: MessageView): Promise<void> {
  if (m.status !== 'queued' || !m.nextAttemptAt) return;
  try {
    await rt.kick(m.id, Math.max(0, Date.parse(m.nextAttemptAt) - rt.now().getTime()));
  } catch (err) {
    // The periodic sweep delivers it anyway.
    rt.log(`message ${m.id}: could not queue the delivery job (${(err as Error).message}); the sweep will send it`);
  }
}

// ---- reading and retrying ----------------------------------------------------------------------------------------

function page(rows: MessageWithRefs[], limit: number, shown: ViewerRule): MessagePage {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map((r) => toMessageView(r, shown)), nextCursor: rows.length > limit && last ? encodeCursor(last.sortAt, last.id) : null };
}

export async function customerMessages(db: DbOrTx, actor: Actor | null, customerId: string, q: { cursor?: string; limit: number }): Promise<MessagePage> {
  requireAccess(actor, 'customer:read');
  const before = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  await customerInScope(db, actor, customerId);
  return page(await repo.listMessages(db, { customerId, before, limit: q.limit + 1 }), q.limit, await viewerRule(db, actor));
}

/**
 * The outbox (message:manage): messages to customers within the caller's data scope, filtered by status, channel,
 * customer and creation time.
 */
export async function listOutbox(db: DbOrTx, actor: Actor | null, q: OutboxQuery): Promise<MessagePage> {
  requireAccess(actor, 'message:manage');
  const before = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  return page(
    await repo.listMessages(db, {
      customerId: q.customerId,
      status: q.status,
      channel: q.channel,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      // Only messages to customers within the caller's data scope (the customers module's rule).
      visibleTo: actor,
      before,
      limit: q.limit + 1,
    }),
    q.limit,
    await viewerRule(db, actor),
  );
}

export async function getMessage(db: DbOrTx, actor: Actor | null, id: string): Promise<MessageView> {
  requireAccess(actor, 'customer:read');
  const row = await repo.findMessage(db, id);
  if (!row) throw AppError.notFound('messages.not_found');
  // Out of the caller's data scope, the customer — and so the message — does not exist for them. Mail to staff (no
  // customer) is seen by those who see every customer.
  if (!row.customerId) {
    if (customerAccess.scope(actor).kind !== 'all') throw AppError.notFound('messages.not_found');
    return toMessageView(row);
  }
  await customerInScope(db, actor, row.customerId).catch(() => {
    throw AppError.notFound('messages.not_found');
  });
  return toMessageView(row, await viewerRule(db, actor));
}

/** A failed message goes back to the queue with fresh attempts (admin); the rules are checked again when it is sent. */
export async function retryMessage(db: DbOrTx, actor: Actor | null, id: string, rt: MessagingRuntime): Promise<MessageView> {
  requireAccess(actor, 'message:manage');
  const row = await repo.findMessage(db, id);
  if (!row) throw AppError.notFound('messages.not_found');
  if (row.status !== 'failed') throw AppError.conflict('messages.not_failed');
  if (!(await repo.requeue(db, id, rt.now(), ['failed']))) throw AppError.conflict('messages.not_failed');
  await recordAudit(db, actor, { action: 'message_retry', entityType: 'customer', entityId: row.customerId, changes: { messageId: id, channel: row.channel, lastError: row.lastError } });
  return toMessageView((await repo.findMessage(db, id))!, await viewerRule(db, actor));
}

// ---- the customer timeline -------------------------------------------------------------------------------------

/** Sent messages on the customer timeline: "发送短信" / "发送邮件：subject" and the text. */
export const messageTimelineSource: TimelineSource = {
  kind: 'message',
  async events(db, q) {
    const rows = await repo.sentForTimeline(db, q.customerId, q.before, q.limit);
    // No caller (an internal reader): nothing is shown that a role might hide.
    // The text too: a span of a field the caller does not see is shown as 「（无权查看）」 (hidden from every role without one).
    const shown: ViewerRule = q.actor
      ? await viewerRule(db, q.actor)
      : { recipient: () => false, text: textShown(() => false, q.locale) };
    return rows.map((r) => {
      const { subject, body } = shown.text(r);
      return {
        kind: 'message',
        id: r.id,
        at: r.sentAt!.toISOString(),
        sortAt: r.sortAt,
        title: subject
          ? t(q.locale, 'messages.timeline.with_subject', { channel: t(q.locale, `messages.channel.${r.channel}`), subject })
          : t(q.locale, 'messages.timeline.title', { channel: t(q.locale, `messages.channel.${r.channel}`) }),
        summary: body.length > 300 ? `${body.slice(0, 300)}…` : body,
        actor: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? '' } : null,
        data: toMessageView(r, shown),
      };
    });
  },
};

// ---- opting out: the unsubscribe link and the TD keyword -----------------------------------------------------------

/**
 * Withdraws a customer's consent to a channel (every purpose), audited on the customer (its history shows it) and
 * recorded in the consent ledger with its source (the link's message, the keyword), which rewrites the consent column.
 */
async function withdraw(db: DbOrTx, customerId: string, channel: MessageChannel, via: 'link' | 'sms_keyword', detail: Record<string, unknown>): Promise<boolean> {
  const c = await repo.customerForMessage(db, customerId, true);
  if (!c || !c.consent?.[channel]) return false;
  const ref = String(detail.messageId ?? detail.keyword ?? '') || null;
  await recordConsent(db, null, [{ customerId, source: via === 'link' ? 'unsubscribe_link' : 'sms_keyword', ref, changes: [{ channel, purpose: 'all', granted: false }] }]);
  const before = { ...c.consent };
  const after = { ...c.consent, [channel]: false };
  await recordAudit(db, systemActor('system'), {
    action: 'consent_withdraw',
    entityType: 'customer',
    entityId: customerId,
    changes: { consent: [before, after], channel, via, ...detail },
  });
  return true;
}

async function messageOfToken(db: DbOrTx, token: string): Promise<MessageWithRefs> {
  const id = verifyUnsubscribeToken(await signingSecret(db), token);
  const row = id ? await repo.findMessage(db, id) : undefined;
  if (!row) throw AppError.notFound('messages.unsubscribe_invalid');
  return row;
}

/** What the public unsubscribe page shows before the customer confirms. */
export async function unsubscribeInfo(db: DbOrTx, token: string): Promise<UnsubscribeInfo> {
  const m = await messageOfToken(db, token);
  if (!m.customerId) throw AppError.notFound('messages.unsubscribe_invalid');
  const c = await repo.customerForMessage(db, m.customerId);
  return { channel: m.channel, companyName: (await readCompanySettings(db)).companyName, withdrawn: !c?.consent?.[m.channel], marketingObjected: await objectsToMarketing(db, m.customerId) };
}

/** The consent channels (the ledger's): an objection to marketing covers them all, the phone too. */
const MARKETING_CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;

async function objectsToMarketing(db: DbOrTx, customerId: string): Promise<boolean> {
  for (const ch of MARKETING_CHANNELS) if (!(await consentRefusals(db, [customerId], ch, 'marketing')).has(customerId)) return false;
  return true;
}

/** The customer confirmed on the unsubscribe page: no more messages on the message's channel. Idempotent. */
export async function unsubscribe(db: DbOrTx, token: string): Promise<UnsubscribeInfo> {
  const m = await messageOfToken(db, token);
  if (!m.customerId) throw AppError.notFound('messages.unsubscribe_invalid');
  await withdraw(db, m.customerId, m.channel, 'link', { messageId: m.id });
  return { channel: m.channel, companyName: (await readCompanySettings(db)).companyName, withdrawn: true, marketingObjected: await objectsToMarketing(db, m.customerId) };
}

/**
 * PIPL Art. 24: the household refuses automated marketing on every channel, in one click on the unsubscribe page. The
 * channels stay open for service notices; campaigns and care greetings stop (the outbox's purpose check). Idempotent:
 * a second click records nothing new.
 */
export async function objectToMarketing(db: DbOrTx, token: string): Promise<UnsubscribeInfo> {
  const m = await messageOfToken(db, token);
  if (!m.customerId) throw AppError.notFound('messages.unsubscribe_invalid');
  const customerId = m.customerId;
  const changes: { channel: (typeof MARKETING_CHANNELS)[number]; purpose: 'marketing'; granted: false }[] = [];
  for (const channel of MARKETING_CHANNELS) {
    if (!(await consentRefusals(db, [customerId], channel, 'marketing')).has(customerId)) changes.push({ channel, purpose: 'marketing', granted: false });
  }
  if (changes.length) {
    await recordConsent(db, null, [{ customerId: m.customerId, source: 'public_page', ref: m.id, changes }]);
    await recordAudit(db, systemActor('system'), {
      action: 'consent_withdraw',
      entityType: 'customer',
      entityId: m.customerId,
      changes: { purpose: 'marketing', channels: changes.map((c) => c.channel), via: 'marketing_objection', messageId: m.id },
    });
  }
  return unsubscribeInfo(db, token);
}

/** 退订, TD, T (any case, with or without punctuation) in an inbound SMS withdraw SMS consent. */
const OPT_OUT = new Set(['TD', 'T', '退订', 'UNSUBSCRIBE', 'STOP']);
export const isOptOut = (content: string) => OPT_OUT.has(content.replace(/[\s\p{P}]/gu, '').toUpperCase());

/**
 * Inbound SMS (上行) from the provider's callback, which must carry the configured key: each opt-out keyword
 * withdraws SMS consent of every customer with the sender's number. Other texts are ignored.
 */
export async function receiveSms(
  db: DbOrTx,
  key: string,
  items: { phone_number: string; content: string }[],
): Promise<{ code: number; msg: string; unsubscribed: number }> {
  const expected = await smsInboundKey(db);
  const given = Buffer.from(key);
  if (!expected || given.length !== Buffer.byteLength(expected) || !timingSafeEqual(given, Buffer.from(expected))) {
    throw AppError.forbidden('messages.inbound_key');
  }
  let unsubscribed = 0;
  for (const item of items) {
    if (!isOptOut(item.content)) continue;
    const phone = normalizePhone(item.phone_number);
    if (!phone) continue;
    for (const customerId of await repo.customersWithPhone(db, phone)) {
      if (await withdraw(db, customerId, 'sms', 'sms_keyword', { keyword: item.content.trim().slice(0, 20) })) unsubscribed++;
    }
  }
  return { code: 0, msg: 'ok', unsubscribed };
}

// ---- the company's own mail to its staff ---------------------------------------------------------------------------

/**
 * Queues an email from the company to a member of staff (a scheduled report to its subscribers): no customer, so no
 * consent, weekly cap or quiet hours; sent, retried with backoff and recorded like every other message. `sourceKind`
 * and `sourceId` name what it is about, and the attachments provider of that kind (attachments.ts) makes its files at
 * send time. Returns the message's id; the caller asks for a sweep once its transaction commits (kickSweep).
 */
export async function enqueueStaffEmail(
  db: DbOrTx,
  input: { recipient: string; subject: string; body: string; locale: MessageLocale; sourceKind: string; sourceId: string; createdBy: string | null },
  now: Date,
): Promise<string> {
  const row = await repo.insertMessage(db, {
    customerId: null,
    channel: 'email',
    category: 'transactional',
    templateId: null,
    locale: input.locale,
    subject: input.subject,
    body: input.body,
    recipient: input.recipient,
    status: 'queued',
    reason: null,
    nextAttemptAt: now,
    createdBy: input.createdBy,
    sourceKind: input.sourceKind,
    sourceId: input.sourceId,
  });
  return row.id;
}

/** Where these messages stand (for a module's own send history): status, attempts, the last error, when sent. */
export async function messageStatuses(
  db: DbOrTx,
  ids: readonly string[],
): Promise<Map<string, { recipient: string; status: MessageView['status']; attempts: number; lastError: string | null; sentAt: string | null; nextAttemptAt: string | null }>> {
  const rows = await repo.messagesByIds(db, ids);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        recipient: r.recipient,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        sentAt: r.sentAt?.toISOString() ?? null,
        nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      },
    ]),
  );
}
