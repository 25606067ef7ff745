/**
 * Opened / clicked, where the channel can tell (issue #14: campaign results). Marketing messages to customers go
 * out with every web link in their text replaced by a tracked link of ours, `<public base>/l/<key>/<n>`: the key is
 * the message id signed for the purpose 'track' (platform/auth/signed-id.ts), n the link's place in the stored text.
 * Opening it records the click (and the open: a click means the message was read) and redirects to the link the
 * message had — looked up in the stored text, so no link table is kept and a forged key leads nowhere. Email also
 * gets an HTML part with a 1×1 image, `/l/<key>/o.gif`, whose load records the open. SMS and WeChat say nothing
 * about opens; for them opened is only known from a click.
 *
 * Only marketing messages are tracked: service messages (a ticket's follow link, a care greeting) go as written.
 */
import { sql } from 'drizzle-orm';
import { signId, verifySignedId } from '../../platform/auth/signed-id.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { rowsOf } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { BRAND_SLOT } from '../settings/index.js';
import type { MessageCategory } from './messages.contract.js';
import { messages } from './schema.js';

const PURPOSE = 'track';
/** Web links in a message's text: http(s) up to the first space, CJK character or closing punctuation. */
const LINK = /https?:\/\/[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef<>"'）)\]】」』]+/g;

export const tracked = (category: MessageCategory, customerId: string | null) => category === 'marketing' && customerId !== null;

export const trackingKey = (secret: Buffer, messageId: string) => signId(secret, PURPOSE, messageId);
export const messageOfTrackingKey = (secret: Buffer, key: string) => verifySignedId(secret, PURPOSE, key);

const base = (publicBase: string) => publicBase.replace(/\/+$/, '');

/** The unsubscribe link stays as it is: it must work plainly and say what it is. */
const trackable = (url: string) => !/\/unsubscribe\//.test(url);

/** The text as sent: each web link replaced by its tracked link (the n-th trackable link → `/l/<key>/<n>`). */
export function withTrackedLinks(body: string, publicBase: string, key: string): string {
  let n = 0;
  return body.replace(LINK, (url) => (trackable(url) ? `${base(publicBase)}/l/${key}/${n++}` : url));
}

/** The n-th trackable web link of the stored text; null when there is none. */
export function linkAt(body: string, n: number): string | null {
  return [...body.matchAll(LINK)].map((m) => m[0]).filter(trackable)[n] ?? null;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An email's HTML part: the text with its (tracked) links clickable, line breaks kept, and the open pixel. */
export function trackedHtml(text: string, publicBase: string, key: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    parts.push(escapeHtml(text.slice(last, m.index)), `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`);
    last = m.index + m[0].length;
  }
  parts.push(escapeHtml(text.slice(last)));
  const body = parts.join('').replace(/\r?\n/g, '<br>\n');
  return `<!doctype html><html><body><div style="font-size:14px;line-height:1.6">${body}</div><img src="${base(publicBase)}/l/${key}/o.gif" width="1" height="1" alt="" style="display:block;border:0"></body></html>`;
}

/** Records an open (the first time only) — and with a click, the click: first time and count. */
export async function recordEngagement(db: DbOrTx, messageId: string, kind: 'open' | 'click', at: Date): Promise<void> {
  const when = at.toISOString();
  await db.execute(sql`update ${messages} set opened_at = coalesce(opened_at, ${when}::timestamptz)
    ${kind === 'click' ? sql`, clicked_at = coalesce(clicked_at, ${when}::timestamptz), clicks = clicks + 1` : sql``}
    where id = ${messageId} and status = 'sent'`);
}

/** The stored text of a sent message (the tracked links point into it). */
export async function sentBody(db: DbOrTx, messageId: string): Promise<string | null> {
  const [row] = rowsOf<{ body: string }>(await db.execute(sql`select body from ${messages} where id = ${messageId} and status = 'sent'`));
  return row?.body ?? null;
}

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Where a tracked link leads (its click recorded), or null for a forged, mangled or unknown one. */
export async function followTrackedLink(db: DbOrTx, secret: Buffer, key: string, n: number, at: Date): Promise<string | null> {
  const id = messageOfTrackingKey(secret, key);
  const body = id ? await sentBody(db, id) : null;
  const url = body !== null ? linkAt(body, n) : null;
  if (!id || !url) return null;
  await recordEngagement(db, id, 'click', at);
  return url;
}

/** The answer to a forged, mangled or unknown tracked link: a 404 page, not indexed, nothing from elsewhere. */
export const INVALID_LINK_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-robots-tag': 'noindex',
} as const;

/**
 * The page of a tracked link that leads nowhere, in the household's language, under the company's name, logo and
 * hotline (BRAND_SLOT, filled by the settings module as the page is sent): whoever followed it can still call.
 */
export function invalidLinkPage(lang: Locale): string {
  const text = escapeHtml(t(lang, 'messages.link_invalid'));
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="format-detection" content="telephone=no">` +
    `<meta name="robots" content="noindex"><title>${text}</title></head>` +
    `<body style="margin:0;background:#f5f5f5;font:16px/1.6 -apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif">` +
    `<main style="max-width:560px;margin:0 auto;padding:12px"><div style="background:#fff;border-radius:8px;padding:16px">` +
    `${BRAND_SLOT}<p data-testid="link-invalid" style="margin:8px 0">${text}</p></div></main></body></html>`
  );
}

/** The open image was loaded: the open recorded when the key is genuine (the image is served either way). */
export async function recordTrackedOpen(db: DbOrTx, secret: Buffer, key: string, at: Date): Promise<void> {
  const id = messageOfTrackingKey(secret, key);
  if (id) await recordEngagement(db, id, 'open', at);
}
