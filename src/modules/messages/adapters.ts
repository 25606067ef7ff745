/**
 * Channel adapters: one interface, one implementation per provider. Which one a channel uses is an installation
 * setting (admin); every channel defaults to the log-only adapter, so nothing leaves an unconfigured machine.
 */
import { createHmac, randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { maskPhone } from '../../platform/phone.js';
import type { MessageChannel, MessageLocale } from './messages.contract.js';
import type { MessageSettings } from './settings.js';

/** One message as an adapter sends it: already rendered, its recipient resolved. */
export type OutgoingMessage = {
  id: string;
  channel: MessageChannel;
  recipient: string;
  subject: string | null;
  body: string;
  /** Emails of tracked messages: an HTML part (the text with its links and the open image: tracking.ts). */
  html?: string;
  locale: MessageLocale;
  /** Emails: the signed unsubscribe page (also in the List-Unsubscribe header). */
  unsubscribeUrl: string | null;
  /** Emails: files to attach (made at send time: attachments.ts). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
};

export type Delivered = { providerMessageId: string | null };

export interface ChannelAdapter {
  /** Stored on the message (log, smtp, aliyun, wechat_mp). */
  readonly name: string;
  send(message: OutgoingMessage): Promise<Delivered>;
}

/** A failed attempt. `permanent`: trying again cannot help (a refused address, a rejected template). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const TIMEOUT_MS = 15_000;

/** Writes the message to the server log instead of sending it (phones masked). */
export function logAdapter(log: (line: string) => void): ChannelAdapter {
  return {
    name: 'log',
    async send(m) {
      const to = m.channel === 'sms' ? maskPhone(m.recipient) : m.recipient;
      const files = m.attachments?.length ? ` [${m.attachments.map((a) => `${a.filename} ${a.content.length} B`).join(', ')}]` : '';
      log(`message ${m.id} (${m.channel}, log only) to ${to}: ${m.subject ? `${m.subject} — ` : ''}${m.body.slice(0, 200)}${files}`);
      return { providerMessageId: `log-${m.id}` };
    },
  };
}

// ---- email over SMTP -----------------------------------------------------------------------------------------

export function smtpAdapter(s: MessageSettings['email']): ChannelAdapter {
  return {
    name: 'smtp',
    async send(m) {
      const transport = nodemailer.createTransport({
        host: s.host ?? 'localhost',
        port: s.port,
        secure: s.secure,
        auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: 2 * TIMEOUT_MS,
      });
      try {
        const info = await transport.sendMail({
          from: s.fromName ? { name: s.fromName, address: s.fromAddress ?? '' } : (s.fromAddress ?? ''),
          to: m.recipient,
          subject: m.subject ?? '',
          text: m.body,
          html: m.html,
          attachments: m.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
          // The page people open, which also takes the one-click POST of mail clients (RFC 8058).
          headers: m.unsubscribeUrl ? { 'List-Unsubscribe': `<${m.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : undefined,
        });
        return { providerMessageId: info.messageId ?? null };
      } catch (err) {
        const e = err as Error & { responseCode?: number };
        // SMTP 5xx replies are permanent (unknown mailbox, rejected); 4xx and connection problems are worth retrying.
        throw new DeliveryError(e.message, typeof e.responseCode === 'number' && e.responseCode >= 500);
      } finally {
        transport.close();
      }
    },
  };
}

// ---- HTTP providers ------------------------------------------------------------------------------------------

/** A JSON request; network errors, timeouts, 429 and 5xx are transient, other 4xx permanent. */
async function httpJson(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new DeliveryError(`${new URL(url).host}: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    throw new DeliveryError(`HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 300)}` : ''}`, res.status < 500 && res.status !== 429);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new DeliveryError(`HTTP ${res.status}: not JSON: ${text.slice(0, 200)}`);
  }
}

/** Mainland numbers as 11 digits (13800138000); others as international digits. */
const smsNumber = (e164: string) => (e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+/, '00'));

/**
 * SMS in the shape of Aliyun's SendSms (阿里云短信): a signed JSON POST of PhoneNumbers, SignName, TemplateCode and
 * TemplateParam — the text goes into the registered template's `${content}` — with our message id as OutId;
 * `{"Code":"OK","BizId":…}` means accepted. Throttling codes are retried; other refusals are permanent.
 */
export function aliyunSmsAdapter(s: MessageSettings['sms']): ChannelAdapter {
  return {
    name: 'aliyun',
    async send(m) {
      const body = JSON.stringify({
        Action: 'SendSms',
        PhoneNumbers: smsNumber(m.recipient),
        SignName: s.signName,
        TemplateCode: s.templateCode,
        TemplateParam: JSON.stringify({ content: m.body }),
        OutId: m.id,
      });
      const date = new Date().toISOString();
      const nonce = randomUUID();
      const signature = createHmac('sha256', s.accessKeySecret ?? '').update(`${date}\n${nonce}\n${body}`).digest('hex');
      const r = await httpJson(s.baseUrl ?? 'https://dysmsapi.aliyuncs.com', {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-acs-action': 'SendSms',
          'x-acs-date': date,
          'x-acs-signature-nonce': nonce,
          authorization: `ACS3-HMAC-SHA256 Credential=${s.accessKeyId},Signature=${signature}`,
        },
        body,
      });
      if (r.Code !== 'OK') {
        const code = String(r.Code ?? 'unknown');
        throw new DeliveryError(`${code}: ${String(r.Message ?? '')}`, !/LIMIT|Throttling|ServiceUnavailable/i.test(code));
      }
      return { providerMessageId: r.BizId ? String(r.BizId) : null };
    },
  };
}

/** Access tokens of WeChat official accounts, per API base and appid, until shortly before they expire. */
const wechatTokens = new Map<string, { token: string; until: number }>();

/**
 * WeChat official-account template messages (公众号模板消息): an access token from /cgi-bin/token, then a POST to
 * /cgi-bin/message/template/send with the customer's openid, the template id and the text under `contentKey`.
 * An expired token is fetched again once; errcode -1 (busy) is retried; other errcodes are permanent.
 */
export function wechatAdapter(s: MessageSettings['wechat']): ChannelAdapter {
  const base = (s.baseUrl ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
  const cacheKey = `${base}|${s.appId}`;
  const token = async (fresh: boolean): Promise<string> => {
    const cached = wechatTokens.get(cacheKey);
    if (!fresh && cached && cached.until > Date.now()) return cached.token;
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: s.appId ?? '', secret: s.appSecret ?? '' });
    const r = await httpJson(`${base}/cgi-bin/token?${q}`, { method: 'GET' });
    if (typeof r.access_token !== 'string') throw new DeliveryError(`token: ${String(r.errcode ?? '')} ${String(r.errmsg ?? '')}`, r.errcode !== -1);
    const seconds = typeof r.expires_in === 'number' ? r.expires_in : 7200;
    wechatTokens.set(cacheKey, { token: r.access_token, until: Date.now() + Math.max(60, seconds - 300) * 1000 });
    return r.access_token;
  };
  return {
    name: 'wechat_mp',
    async send(m) {
      const body = JSON.stringify({ touser: m.recipient, template_id: s.templateId, data: { [s.contentKey]: { value: m.body } } });
      for (let attempt = 0; ; attempt++) {
        const r = await httpJson(`${base}/cgi-bin/message/template/send?access_token=${encodeURIComponent(await token(attempt > 0))}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
        });
        const code = Number(r.errcode ?? 0);
        if (code === 0) return { providerMessageId: r.msgid === undefined ? null : String(r.msgid) };
        if ([40001, 40014, 42001].includes(code) && attempt === 0) continue;
        throw new DeliveryError(`errcode ${code}: ${String(r.errmsg ?? '')}`, code !== -1);
      }
    },
  };
}

/** The adapter a channel is configured with. */
export function adapterFor(channel: MessageChannel, settings: MessageSettings, log: (line: string) => void): ChannelAdapter {
  if (channel === 'email' && settings.email.adapter === 'smtp') return smtpAdapter(settings.email);
  if (channel === 'sms' && settings.sms.adapter === 'aliyun') return aliyunSmsAdapter(settings.sms);
  if (channel === 'wechat' && settings.wechat.adapter === 'wechat_mp') return wechatAdapter(settings.wechat);
  return logAdapter(log);
}
