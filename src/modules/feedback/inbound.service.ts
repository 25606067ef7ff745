/**
 * Customer voice that arrives by itself (issue #19's intake): SMS replies, WeChat messages and emails, each posted by
 * its provider (or a relay) to a callback of its own, authenticated per channel, matched to a customer, recorded once.
 *
 * - SMS (`POST /public/feedback/inbound/sms?key=`): the Aliyun-style 上行 push the messages module reads, authenticated by
 *   the same key (messages' SMS inbound key: one provider, one key — pointing the provider here loses nothing). The
 *   messages module handles the batch first: an opt-out keyword (TD, 退订 …) withdraws SMS consent there and is never
 *   feedback. Any other text becomes an item of source `sms`, its customer found by the sender's number.
 * - WeChat (`POST /public/feedback/inbound/wechat`): an official account's message as WeChat names its fields (JSON, as a relay
 *   forwards it), authenticated by WeChat's own scheme — the query's signature is sha1 of the sorted server token,
 *   timestamp and nonce, the timestamp within 5 minutes. Text messages become items of source `wechat`, the customer
 *   found by the openid in the custom field messages sends WeChat to (wechat_openid by default), else by the number
 *   the follower bound (a message 「绑定 139…」, kept in feedback_wechat_bindings); other kinds (events, images) are
 *   ignored. WeChat itself posts XML (parsed in wechat.xml.ts) and is answered `success`; its GET check echoes
 *   `echostr` when the signature is right (`verifyWechatEcho`). Only 明文模式: a push encrypted in 安全模式 lacks
 *   FromUserName and is refused (400).
 * - Email (`POST /public/feedback/inbound/email?key=`): a mail gateway's post (Message-ID, From, Subject, plain text) with the
 *   key of the feedback settings; the quoted earlier mail is cut; the customer is found by the sender's address.
 *
 * Each message's `source_ref` is `<channel>:<provider id>` (sequence_id, MsgId, Message-ID): a retried callback finds
 * it and writes nothing (recordExternalFeedback). Texts shorter than two characters are no feedback. The keys are
 * compared in constant time; a wrong one is 403 with nothing read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import { customerByEmail, customersByKeys } from '../customers/index.js';
import { inboundChannelFacts, isSmsOptOut, receiveSms } from '../messages/index.js';
import { tryOpenSecret } from '../../platform/secrets.js';
import { readSetting, sealedSettingStore, sealSettingSecret, settingSecretContext, writeSetting } from '../settings/index.js';
import { FEEDBACK_LIMITS, type FeedbackInboundResult, type FeedbackInboundSettingsView } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import { recordExternalFeedback, type ExternalSource } from './feedback.service.js';
import type { InboundEmail, InboundSettingsPatch, InboundSms, InboundWechat } from './feedback.types.js';

const SETTINGS_KEY = 'feedback.inbound';
type InboundSecrets = { wechatToken: string | null; emailKey: string | null };
/** WeChat's timestamp may be this far from our clock. */
const WECHAT_SKEW_MS = 5 * 60_000;

/** The keys as stored: sealed (platform/secrets.ts), enough to say whether each is set. */
async function secrets(db: DbOrTx): Promise<InboundSecrets> {
  return { wechatToken: null, emailKey: null, ...((await readSetting<Partial<InboundSecrets>>(db, SETTINGS_KEY)) ?? {}) };
}

/** One key opened for a check; null when unset or when it cannot be opened (the callback is then refused). */
async function openedSecret(db: DbOrTx, name: keyof InboundSecrets): Promise<string | null> {
  return tryOpenSecret((await secrets(db))[name], settingSecretContext(SETTINGS_KEY, name));
}

/** The secret store of the inbound keys (registered in app.ts; re-sealed at start and by `hearth secrets rotate`). */
export const feedbackSecretStore = sealedSettingStore(SETTINGS_KEY, ['wechatToken', 'emailKey']);

const sameSecret = (given: string, expected: string | null | undefined): boolean => {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const inboundActor = (channel: string): Actor => ({ ...systemActor('system'), displayName: `inbound ${channel}` });

type Tally = { recorded: number; duplicates: number; ignored: number };
const answer = (t: Tally): FeedbackInboundResult => ({ code: 0, msg: 'ok', ...t });

async function record(
  db: DbOrTx,
  t: Tally,
  input: { text: string; source: ExternalSource; sourceRef: string; customerId: string | null; contactPhone?: string | null; contactName?: string | null; now: Date },
): Promise<void> {
  const text = input.text.trim();
  if (text.length < FEEDBACK_LIMITS.textMin) {
    t.ignored++;
    return;
  }
  const { duplicate } = await recordExternalFeedback(db, { ...input, text }, inboundActor(input.source));
  if (duplicate) t.duplicates++;
  else t.recorded++;
}

// ---- SMS -------------------------------------------------------------------------------------------------------------

export async function receiveSmsFeedback(db: DbOrTx, key: string, items: InboundSms[], now: Date): Promise<FeedbackInboundResult> {
  const missing = items.findIndex((i) => i.sequence_id === undefined);
  if (missing !== -1) {
    const field = items.length === 1 ? 'sequence_id' : `${missing}.sequence_id`;
    throw AppError.field(field, 'validation.required', { field: 'sequence_id' });
  }
  // The key check and the opt-outs are the messages module's (403 on a wrong key, before anything is read).
  await receiveSms(db, key, items);
  const phones = items.map((i) => normalizePhone(i.phone_number)).filter((p): p is string => !!p);
  const { byPhone } = await customersByKeys(db, { externalIds: [], phones });
  const t: Tally = { recorded: 0, duplicates: 0, ignored: 0 };
  for (const item of items) {
    if (isSmsOptOut(item.content)) {
      t.ignored++;
      continue;
    }
    const phone = normalizePhone(item.phone_number);
    await record(db, t, {
      text: item.content,
      source: 'sms',
      sourceRef: `sms:${item.sequence_id}`,
      customerId: phone ? (byPhone.get(phone)?.id ?? null) : null,
      contactPhone: phone,
      now,
    });
  }
  return answer(t);
}

// ---- WeChat ----------------------------------------------------------------------------------------------------------

/** WeChat's server signature: sha1 of the token, timestamp and nonce sorted and joined. */
export const wechatSignature = (token: string, timestamp: string, nonce: string): string =>
  createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');

/** The query's signature is WeChat's over the server token, and its timestamp within the window; 403 otherwise. */
async function checkWechatSignature(db: DbOrTx, q: { signature: string; timestamp: string; nonce: string }, now: Date): Promise<void> {
  const wechatToken = await openedSecret(db, 'wechatToken');
  if (!wechatToken || !sameSecret(q.signature.toLowerCase(), wechatSignature(wechatToken, q.timestamp, q.nonce))) throw AppError.forbidden('feedback.inbound_key');
  if (Math.abs(Number(q.timestamp) * 1000 - now.getTime()) > WECHAT_SKEW_MS) throw AppError.forbidden('feedback.inbound_stale');
}

/**
 * WeChat's server check (服务器配置 → 提交): a GET with signature, timestamp, nonce and echostr; the echostr is answered
 * as it came when the signature is right (the same check as the pushes).
 */
export async function verifyWechatEcho(db: DbOrTx, q: { signature: string; timestamp: string; nonce: string; echostr: string }, now: Date): Promise<string> {
  await checkWechatSignature(db, q, now);
  return q.echostr;
}

/** 「绑定 13900005001」, or a message that is nothing but a mainland mobile number: the follower binds that number. */
const BIND = /^\s*(?:绑定(?:手机|手机号|手机号码|电话)?|bind)?\s*[:：]?\s*((?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8})\s*[。.!！]?\s*$/iu;

/** The number a follower bound, when the text is a binding; null otherwise. */
export function wechatBinding(text: string): string | null {
  const m = BIND.exec(text);
  return m ? normalizePhone(m[1]!.replace(/[\s-]/g, '')) : null;
}

/**
 * A text message: a binding (「绑定 139…」) is stored, not recorded as feedback; any other text becomes an item, its
 * customer the one holding the openid in the WeChat custom field, else the one with the follower's bound number (the
 * number shown on the item either way). Other kinds (events, images, voice) are ignored.
 */
export async function receiveWechatFeedback(
  db: DbOrTx,
  q: { signature: string; timestamp: string; nonce: string },
  msg: InboundWechat,
  now: Date,
): Promise<FeedbackInboundResult> {
  await checkWechatSignature(db, q, now);
  const t: Tally = { recorded: 0, duplicates: 0, ignored: 0 };
  if (msg.MsgType !== 'text' || !msg.Content) {
    t.ignored++;
    return answer(t);
  }
  const msgId = msg.MsgId;
  if (msgId === undefined) throw AppError.field('MsgId', 'validation.required', { field: 'MsgId' });
  const openid = msg.FromUserName;
  const bound = wechatBinding(msg.Content);
  if (bound) {
    await repo.bindWechatPhone(db, openid, bound, now);
    t.ignored++;
    return answer(t);
  }
  const phone = await repo.wechatBoundPhone(db, openid);
  let customerId = await repo.customerByCustomValue(db, (await inboundChannelFacts(db)).wechatOpenIdField, openid);
  if (!customerId && phone) customerId = (await customersByKeys(db, { externalIds: [], phones: [phone] })).byPhone.get(phone)?.id ?? null;
  await record(db, t, { text: msg.Content, source: 'wechat', sourceRef: `wechat:${msgId}`, customerId, contactPhone: phone, now });
  return answer(t);
}

// ---- email -----------------------------------------------------------------------------------------------------------

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** The address in `Name <address>` or a bare address; null when there is none. */
export function senderAddress(from: string): { address: string; name: string | null } | null {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/.exec(from);
  const address = (m ? m[2]! : from).trim();
  if (!ADDRESS.test(address)) return null;
  const name = m?.[1]?.trim() || null;
  return { address: address.toLowerCase(), name };
}

/** The new words of a reply: the quoted earlier mail (「> …」, 「-----Original Message-----」, 「On … wrote:」, 「在…写道：」) is cut. */
export function newPartOfMail(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = lines.findIndex((l) => /^\s*>/.test(l) || /^\s*-{2,}\s*(Original Message|原始邮件)/i.test(l) || /^\s*On .{4,200} wrote:\s*$/.test(l) || /^\s*在.{2,200}写道[:：]\s*$/.test(l));
  return (cut === -1 ? lines : lines.slice(0, cut)).join('\n').trim();
}

export async function receiveEmailFeedback(db: DbOrTx, key: string, mail: InboundEmail, now: Date): Promise<FeedbackInboundResult> {
  if (!sameSecret(key, await openedSecret(db, 'emailKey'))) throw AppError.forbidden('feedback.inbound_key');
  const sender = senderAddress(mail.from);
  if (!sender) throw AppError.field('from', 'feedback.email_invalid');
  const body = newPartOfMail(mail.text);
  const subject = (mail.subject ?? '').replace(/^\s*((re|回复|答复|fwd?|转发)\s*[:：]\s*)+/i, '').trim();
  const text = body || subject;
  const customerId = await customerByEmail(db, sender.address);
  const t: Tally = { recorded: 0, duplicates: 0, ignored: 0 };
  await record(db, t, { text, source: 'email', sourceRef: `email:${mail.messageId}`, customerId, contactName: customerId ? null : (sender.name ?? sender.address).slice(0, FEEDBACK_LIMITS.name), now });
  return answer(t);
}

// ---- settings --------------------------------------------------------------------------------------------------------

export async function inboundSettingsView(db: DbOrTx, actor: Actor | null): Promise<FeedbackInboundSettingsView> {
  requireAccess(actor, 'settings:manage');
  const s = await secrets(db);
  return { smsKeySet: (await inboundChannelFacts(db)).smsInboundKeySet, wechatTokenSet: !!s.wechatToken, emailKeySet: !!s.emailKey };
}

/** Sets or removes the WeChat token and the email key (a value sets, null removes, absent keeps); audited without them. */
export async function updateInboundSettings(db: DbOrTx, actor: Actor | null, patch: InboundSettingsPatch): Promise<FeedbackInboundSettingsView> {
  requireAccess(actor, 'settings:manage');
  const s = await secrets(db);
  // Stored sealed: the database never holds a key in plain text.
  const sealed = (name: keyof InboundSecrets, v: string | null | undefined) => (v === undefined ? s[name] : v ? sealSettingSecret(SETTINGS_KEY, name, v) : null);
  const next: InboundSecrets = { wechatToken: sealed('wechatToken', patch.wechatToken), emailKey: sealed('emailKey', patch.emailKey) };
  await writeSetting(db, SETTINGS_KEY, next);
  await recordAudit(db, actor, { action: 'feedback_inbound_settings', entityType: 'feedback_settings', entityId: SETTINGS_KEY, changes: { changed: Object.keys(patch) } });
  return inboundSettingsView(db, actor);
}
