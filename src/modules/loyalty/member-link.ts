/**
 * The member's own link (会员中心, issue #16 part 4): `/s/m/<token>`, no sign-in — the token is the only key.
 *
 * A token is `<payload>.<signature>`, both base64url: the payload is the customer's 16 id bytes and the second it was
 * issued (4 bytes, big-endian), the signature the first 16 bytes of HMAC-SHA256 over
 * `loyalty-member:<id>:<issued>` under the installation's signing key (the messages module's `signingSecret`, as the
 * survey and unsubscribe links). So a token cannot be guessed, moved to another member or used for another purpose
 * (a survey token is signed for 'survey' and has no issue time), and nothing is stored per link.
 *
 * A link is long-lived but not for ever: it opens the page for MEMBER_LINK_DAYS days after it was issued (then 410
 * with a page that says so; the agent sends a new one). A member who left the programme gets 410 at once. Staff can
 * revoke every link of one member issued so far (a link forwarded to the wrong person, a lost phone):
 * `POST /api/v1/loyalty/members/:customerId/link/revoke` sets the member's `links_valid_from` to the next whole second,
 * and a link issued before it opens a 410 page that says the link is no longer valid. A link issued afterwards
 * carries an issue time of at least that instant (tokens count whole seconds), so it works at once.
 *
 * Agents get a link, or send it by SMS or WeChat through the outbox (consent and quiet hours apply; category
 * transactional, so the weekly cap does not), with `POST /api/v1/loyalty/members/:customerId/link`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { customerInScope } from '../customers/index.js';
import { publicBaseUrl, sendMessage, signingSecret, type MessagingRuntime, type MessageView } from '../messages/index.js';
import { readCompanySettings } from '../settings/index.js';
import { loadMember } from './loyalty.service.js';

/** How long a member link opens the page after it was issued. */
export const MEMBER_LINK_DAYS = 180;
const DAY_MS = 86_400_000;
const PURPOSE = 'loyalty-member';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const signature = (secret: Buffer, id: string, issued: number) => createHmac('sha256', secret).update(`${PURPOSE}:${id.toLowerCase()}:${issued}`).digest().subarray(0, 16);

/** The token of a member's link issued at `issuedAt` (whole seconds). */
export function signMemberToken(secret: Buffer, customerId: string, issuedAt: Date): string {
  if (!UUID.test(customerId)) throw new Error(`not an id: ${customerId}`);
  const issued = Math.floor(issuedAt.getTime() / 1000);
  const payload = Buffer.alloc(20);
  Buffer.from(customerId.replace(/-/g, ''), 'hex').copy(payload, 0);
  payload.writeUInt32BE(issued, 16);
  return `${payload.toString('base64url')}.${signature(secret, customerId, issued).toString('base64url')}`;
}

/** What a genuine token carries; null for anything forged, mangled or signed for another purpose. */
export function verifyMemberToken(secret: Buffer, token: string): { customerId: string; issuedAt: Date } | null {
  if (typeof token !== 'string' || token.length > 64) return null;
  const [payloadPart, sigPart, extra] = token.split('.');
  if (!payloadPart || !sigPart || extra !== undefined) return null;
  const payload = Buffer.from(payloadPart, 'base64url');
  const sig = Buffer.from(sigPart, 'base64url');
  if (payload.length !== 20 || sig.length !== 16) return null;
  const hex = payload.subarray(0, 16).toString('hex');
  const customerId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const issued = payload.readUInt32BE(16);
  if (!timingSafeEqual(sig, signature(secret, customerId, issued))) return null;
  return { customerId, issuedAt: new Date(issued * 1000) };
}

/** When a link issued at `issuedAt` stops opening the page. */
export const memberLinkExpiry = (issuedAt: Date): Date => new Date(issuedAt.getTime() + MEMBER_LINK_DAYS * DAY_MS);

/** The page's path for a token (`/s/m/<token>`). */
export const memberPath = (token: string): string => `/s/m/${token}`;

/** Since when the member's links open the page (null: any link not expired), as its row says. */
export async function linksValidFrom(db: DbOrTx, customerId: string): Promise<Date | null> {
  const [row] = rowsOf<{ at: Date | string | null }>(await db.execute(sql`select links_valid_from as at from loyalty_members where customer_id = ${customerId}`));
  return row?.at ? new Date(row.at) : null;
}

/**
 * The full link of a member, issued now — or at the instant the member's links were last revoked from, when that is
 * still ahead (the same second) — in the member's language (`?lang=en` for an English-speaking member).
 */
export async function memberLinkFor(db: DbOrTx, fallbackUrl: string, customerId: string, now: Date, lang: Locale = 'zh-CN'): Promise<{ url: string; expiresAt: Date }> {
  const from = await linksValidFrom(db, customerId);
  const issued = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, from?.getTime() ?? 0));
  const token = signMemberToken(await signingSecret(db), customerId, issued);
  const base = await publicBaseUrl(db, fallbackUrl);
  return { url: `${base}${memberPath(token)}${lang === 'en' ? '?lang=en' : ''}`, expiresAt: memberLinkExpiry(issued) };
}

/** What the revoke route answers. */
export type MemberLinkRevokeView = { revokedAt: string };
export const memberLinkRevokeView = z.object({
  revokedAt: z.string().describe('Links issued before this instant no longer open the member page; a link issued now works'),
});

/**
 * Revokes every link of the member issued so far (loyalty:write; the customer in the agent's scope for writing, and
 * a member — 404 otherwise): `links_valid_from` becomes the next whole second after `now`. Audited. A link issued
 * afterwards (memberLinkFor) works at once.
 */
export async function revokeMemberLinks(db: DbOrTx, actor: Actor | null, customerId: string, now: Date): Promise<MemberLinkRevokeView> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const from = new Date((Math.floor(now.getTime() / 1000) + 1) * 1000);
  const [row] = rowsOf<{ at: Date | string }>(
    await db.execute(sql`
      update loyalty_members set links_valid_from = greatest(coalesce(links_valid_from, ${from.toISOString()}::timestamptz), ${from.toISOString()}::timestamptz), updated_at = now()
      where customer_id = ${customerId} returning links_valid_from as at`),
  );
  if (!row) throw AppError.notFound('loyalty.member_not_found');
  const revokedAt = new Date(row.at).toISOString();
  await recordAudit(db, actor, { action: 'loyalty_member_link_revoke', entityType: 'customer', entityId: customerId, changes: { validFrom: revokedAt } });
  return { revokedAt };
}

export const MEMBER_LINK_CHANNELS = ['sms', 'wechat'] as const;

export const memberLinkBody = z.strictObject({
  send: z.enum(MEMBER_LINK_CHANNELS).optional().describe("Also send the link to the member by SMS or WeChat (the outbox: consent and quiet hours apply); absent: only answer it"),
});
export type MemberLinkInput = z.infer<typeof memberLinkBody>;

/** What the link route answers. (For the web UI: to move into loyalty.contract.ts.) */
export type MemberLinkView = {
  url: string;
  expiresAt: string;
  /** The message that carries it, when asked to send: queued, or suppressed with the reason (no consent …). */
  message: { id: string; channel: 'sms' | 'wechat'; status: string; reason: string | null } | null;
};

export const memberLinkView = z.object({
  url: z.string().describe('The member page: /s/m/<token>, no sign-in'),
  expiresAt: z.string().describe(`The link opens the page until then (${MEMBER_LINK_DAYS} days)`),
  message: z
    .object({ id: z.uuid(), channel: z.enum(MEMBER_LINK_CHANNELS), status: z.string(), reason: z.string().nullable() })
    .nullable()
    .describe('The outbox message, when sent'),
});

/**
 * A member's link for an agent (loyalty:write; the customer in the agent's data scope for writing, and a member — 404
 * otherwise); with `send`, the text with the link queued to the member (the caller kicks the sender after the commit).
 * The text is in the member's language. An agent without customer:write sends on the programme's behalf, as the
 * tickets module does for its replies; the audit keeps the agent's name.
 */
export async function issueMemberLink(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  input: MemberLinkInput,
  rt: MessagingRuntime,
): Promise<{ view: MemberLinkView; message: MessageView | null }> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const now = rt.now();
  const member = await loadMember(db, customerId, actor.locale, now);
  const [pref] = rowsOf<{ lang: string | null }>(await db.execute(sql`select preferences->>'language' as lang from customer_directory where id = ${customerId}`));
  const lang: Locale = pref?.lang === 'en' ? 'en' : 'zh-CN';
  const link = await memberLinkFor(db, rt.fallbackUrl, customerId, now, lang);
  let message: MessageView | null = null;
  if (input.send) {
    const company = (await readCompanySettings(db)).companyName;
    const body = t(lang, 'loyalty_public.message', { company, name: member.name, url: link.url, days: MEMBER_LINK_DAYS });
    const sender = can(actor, 'customer:write') ? actor : { ...systemActor('system', actor.locale), displayName: actor.displayName, username: actor.username };
    message = await sendMessage(db, sender, customerId, { channel: input.send, category: 'transactional', body }, rt);
  }
  await recordAudit(db, actor, {
    action: 'loyalty_member_link',
    entityType: 'customer',
    entityId: customerId,
    changes: { expiresAt: link.expiresAt.toISOString(), send: input.send ?? null, messageId: message?.id ?? null, status: message?.status ?? null },
  });
  return {
    view: {
      url: link.url,
      expiresAt: link.expiresAt.toISOString(),
      message: message ? { id: message.id, channel: input.send!, status: message.status, reason: message.reason } : null,
    },
    message,
  };
}
