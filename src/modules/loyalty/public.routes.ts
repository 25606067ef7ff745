/**
 * The member's own page (会员中心, issue #16 part 4), server-rendered, no sign-in (member-link.ts: the signed link):
 * - `GET /s/m/<token>` — tier and benefits, points, progress to the next tier, points expiring within 90 days, the
 *   last 20 ledger entries, the rewards the member may redeem (active, in stock, open to the tier; those beyond the
 *   balance shown without a button), the referral link `/s/j/<code>` and its QR code. zh-CN unless `?lang=en` (or
 *   WeChat's language, or Accept-Language, as the survey page).
 * - `POST /s/m/<token>/redeem` — a 兑换 form: `reward` and `after`, the member's latest ledger entry id when the page
 *   was drawn. Under the reward's and the member's locks (the order redeemFor takes them) the redemption is made only
 *   while that entry is still the latest: a double tap, two tabs or a replayed form make one redemption, and the
 *   repeat is sent to the first one's result. 303 to the result; a refusal (not enough points, out of stock …) is a
 *   page with the reason and a link back.
 * - `GET /s/m/<token>/r/<redemptionId>` — the result of one of the member's redemptions.
 *
 * Outside /api/, so no session, CSRF token or Idempotency-Key applies; a form POST needs the link's token in its
 * path (another site cannot know it) and one marked cross-site by the browser is refused. Rate-limited per client
 * address; bodies over 8 KB refused before they are read; every failure is an HTML page in the member's language.
 *
 * Also `POST /api/v1/loyalty/members/:customerId/link`: an agent's link for a member, optionally sent by SMS/WeChat,
 * and `POST /api/v1/loyalty/members/:customerId/link/revoke`: every link issued so far stops working (a 410 page).
 */
import { sql } from 'drizzle-orm';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { ServiceContext } from '../../platform/context.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { pageTrouble } from '../../platform/http/household-pages.js';
import type { App } from '../../platform/http/server.js';
import { negotiateLocale, t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import { dayInZone } from '../../platform/time.js';
import { kickIfQueued, publicBaseUrl, signingSecret, type MessagingRuntime } from '../messages/index.js';
import { companyClock } from '../settings/index.js';
import { lockMembers } from './ledger.js';
import type { MemberView } from './loyalty.contract.js';
import { ledgerOf, loadMember } from './loyalty.service.js';
import { customerParam } from './loyalty.types.js';
import { issueMemberLink, memberLinkBody, memberLinkExpiry, memberLinkRevokeView, memberLinkView, memberPath, revokeMemberLinks, verifyMemberToken } from './member-link.js';
import { readProgramme, tierOf, tierRank } from './programme.js';
import { memberPage, messagePage, textOf, type RewardOffer } from './public.page.js';
import { redeemFor, rewardsCatalogue } from './rewards.service.js';

export type LoyaltyPublicContext = ServiceContext & { messaging: MessagingRuntime };

/** Per client address and minute: page views (the result page too) and redemptions. */
export const MEMBER_PAGE_LIMITS = { view: 60, redeem: 10 } as const;
/** A redeem form is two short fields: anything over this is refused unread (413). */
export const MEMBER_BODY_LIMIT = 8 * 1024;
/** How many ledger entries the page shows. */
export const MEMBER_PAGE_ENTRIES = 20;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const num = (n: number) => new Intl.NumberFormat('en-US').format(n);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Refusal = 'invalid' | 'expired' | 'revoked' | 'ended' | 'too_large' | 'rate_limited' | 'bad_request';
const REFUSALS: Record<Refusal, { status: number; title: MessageKey; text: MessageKey }> = {
  invalid: { status: 404, title: 'loyalty_public.invalid', text: 'loyalty_public.invalid_text' },
  expired: { status: 410, title: 'loyalty_public.expired', text: 'loyalty_public.expired_text' },
  revoked: { status: 410, title: 'loyalty_public.revoked', text: 'loyalty_public.revoked_text' },
  ended: { status: 410, title: 'loyalty_public.ended', text: 'loyalty_public.ended_text' },
  too_large: { status: 413, title: 'loyalty_public.bad_request', text: 'loyalty_public.too_large_text' },
  rate_limited: { status: 429, title: 'loyalty_public.rate_limited', text: 'loyalty_public.rate_limited_text' },
  bad_request: { status: 400, title: 'loyalty_public.bad_request', text: 'loyalty_public.bad_request_text' },
};

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal);
  }
}
/** The page was drawn before the member's latest ledger entry: nothing redeemed. */
class Stale extends Error {}

type Query = { lang?: string };

function chooseLang(req: FastifyRequest): Locale {
  const asked = (req.query as Query | undefined)?.lang;
  if (asked === 'en') return 'en';
  if (asked === 'zh-CN' || asked === 'zh') return 'zh-CN';
  const wechat = /MicroMessenger\/.*\bLanguage\/([A-Za-z]+)/.exec(req.headers['user-agent'] ?? '')?.[1]?.toLowerCase();
  if (wechat === 'en') return 'en';
  if (wechat === 'zh') return 'zh-CN';
  return negotiateLocale(req.headers['accept-language'], 'zh-CN');
}

/** A URL of the page keeping a language chosen by `?lang=`. */
function href(req: FastifyRequest, path: string): string {
  const asked = (req.query as Query | undefined)?.lang;
  return asked === 'en' || asked === 'zh-CN' ? `${path}?lang=${asked}` : path;
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('x-robots-tag', 'noindex')
    .send(html);
}

const seeOther = (reply: FastifyReply, location: string) => reply.code(303).header('location', location).header('cache-control', 'no-store').send();

function refusalPage(req: FastifyRequest, reply: FastifyReply, refusal: Refusal, status = REFUSALS[refusal].status): FastifyReply {
  const lang = chooseLang(req);
  const r = REFUSALS[refusal];
  if (refusal === 'rate_limited' && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  return sendHtml(reply, status, messagePage(lang, { title: t(lang, r.title), text: t(lang, r.text) }));
}

/** Any error of the page's routes as an HTML page: a refused link, a body too large, the rate limit, a bug. */
function errorPage(error: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof Refused) return refusalPage(req, reply, error.refusal);
  const { kind, status } = pageTrouble(error, req, reply, 'member page');
  if (kind !== 'error') return refusalPage(req, reply, kind, status);
  const lang = chooseLang(req);
  return sendHtml(reply, 500, messagePage(lang, { title: t(lang, 'loyalty_public.error'), text: t(lang, 'loyalty_public.error_text') }));
}

function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v;
  return out;
}

/** The member a link opens: a genuine token, not expired nor revoked, of a member who has not left. */
async function memberOfLink(db: DbOrTx, token: string, lang: Locale, now: Date): Promise<MemberView> {
  const link = verifyMemberToken(await signingSecret(db), token);
  if (!link) throw new Refused('invalid');
  if (memberLinkExpiry(link.issuedAt) <= now) throw new Refused('expired');
  let member: MemberView;
  try {
    member = await loadMember(db, link.customerId, lang, now);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw new Refused('invalid');
    throw err;
  }
  if (member.status !== 'active') throw new Refused('ended');
  if (member.linksRevokedAt && link.issuedAt < new Date(member.linksRevokedAt)) throw new Refused('revoked');
  return member;
}

const lastEntryId = async (db: DbOrTx, customerId: string): Promise<number> =>
  Number(rowsOf<{ id: string | null }>(await db.execute(sql`select max(id) as id from points_entries where customer_id = ${customerId}`))[0]?.id ?? 0);

/** A calendar-day formatter in the company's zone; a lot's expiry (the start of a day) shows as its last valid day. */
async function dayFormatter(db: DbOrTx, now: Date): Promise<(iso: string) => string> {
  const { zone } = await companyClock(db, now);
  return (iso) => dayInZone(zone, new Date(iso));
}

async function renderMember(req: FastifyRequest, reply: FastifyReply, ctx: LoyaltyPublicContext, token: string): Promise<FastifyReply> {
  const { db } = ctx;
  const now = ctx.messaging.now();
  const lang = chooseLang(req);
  const member = await memberOfLink(db, token, lang, now);
  const p = await readProgramme(db);
  const rank = tierRank(p, member.tier);
  const offers: RewardOffer[] = (await rewardsCatalogue(db, { activeOnly: true }))
    .filter((r) => (r.stock === null || r.stock > 0) && (!r.minTier || tierRank(p, r.minTier) <= rank))
    .map((reward) => ({ reward, affordable: reward.pointsCost <= member.balance }));
  const [entries, after, day, base] = await Promise.all([
    ledgerOf(db, member.customerId, { limit: MEMBER_PAGE_ENTRIES }, lang),
    lastEntryId(db, member.customerId),
    dayFormatter(db, now),
    publicBaseUrl(db, ctx.messaging.fallbackUrl),
  ]);
  const referralUrl = `${base}/s/j/${encodeURIComponent(member.referralCode)}`;
  const svg = await QRCode.toString(referralUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const html = memberPage({
    lang,
    member,
    benefits: textOf(lang, tierOf(p, member.tier).benefits),
    rewards: offers,
    entries: entries.items,
    referral: { code: member.referralCode, url: referralUrl, svg, referrerPoints: p.referral.referrerPoints, refereePoints: p.referral.refereePoints },
    redeemAction: href(req, `${memberPath(token)}/redeem`),
    after,
    langHref: `${memberPath(token)}?lang=${lang === 'en' ? 'zh-CN' : 'en'}`,
    dayOf: day,
    // A lot expiring at the start of a day is good until the end of the day before.
    lastDayOf: (iso) => day(new Date(Date.parse(iso) - 1).toISOString()),
  });
  return sendHtml(reply, 200, html);
}

/** The first member redemption of `rewardId` after ledger entry `after`: what a repeated form already made. */
async function madeAfter(db: DbOrTx, customerId: string, after: number, rewardId: string): Promise<string | null> {
  const [row] = rowsOf<{ id: string; reward_id: string }>(
    await db.execute(sql`select id, reward_id from loyalty_redemptions where customer_id = ${customerId} and channel = 'member' and entry_id > ${after} order by entry_id limit 1`),
  );
  return row && row.reward_id === rewardId ? row.id : null;
}

/**
 * Refused when the browser says the form came from another site (as the API's origin check; older browsers say
 * nothing). An opaque `Origin: null` passes: the token in the path is the key, this is only a second fence.
 */
function sameSite(req: FastifyRequest, trustProxy: boolean): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return true;
  try {
    return new URL(origin).host === ((trustProxy && req.headers['x-forwarded-host']) || req.headers.host);
  } catch {
    return false;
  }
}

async function redeem(req: FastifyRequest, reply: FastifyReply, ctx: LoyaltyPublicContext, token: string): Promise<FastifyReply> {
  const db: Db = ctx.db;
  const now = ctx.messaging.now();
  const lang = chooseLang(req);
  if (!sameSite(req, ctx.config.trustProxy)) throw new Refused('bad_request');
  const form = (req.body ?? {}) as Record<string, string>;
  const rewardId = form.reward ?? '';
  const after = /^\d{1,15}$/.test(form.after ?? '') ? Number(form.after) : null;
  if (!UUID.test(rewardId) || after === null) throw new Refused('bad_request');
  const member = await memberOfLink(db, token, lang, now);
  const back = href(req, memberPath(token));
  const result = (id: string) => seeOther(reply, href(req, `${memberPath(token)}/r/${id}`));
  try {
    const id = await db.transaction(async (tx) => {
      // The locks redeemFor takes, in its order (the reward, then the member), so the check below holds until commit.
      await tx.execute(sql`select id from loyalty_rewards where id = ${rewardId} for update`);
      await lockMembers(tx, [member.customerId]);
      if ((await lastEntryId(tx, member.customerId)) !== after) throw new Stale();
      return (await redeemFor(tx, member.customerId, { rewardId, quantity: 1 }, { channel: 'member', userId: null, locale: lang }, now)).id;
    });
    return result(id);
  } catch (err) {
    if (err instanceof Stale) {
      const first = await madeAfter(db, member.customerId, after, rewardId);
      if (first) return result(first);
      return sendHtml(reply, 409, messagePage(lang, { title: t(lang, 'loyalty_public.stale'), text: t(lang, 'loyalty_public.stale_text'), backHref: back }));
    }
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const issue = err.issues[0];
    const text = issue ? t(lang, issue.key, issue.params ?? {}) : t(lang, err.key, err.params);
    return sendHtml(reply, err.status, messagePage(lang, { title: t(lang, 'loyalty_public.redeem_failed'), text, backHref: back }));
  }
}

async function result(req: FastifyRequest, reply: FastifyReply, ctx: LoyaltyPublicContext, token: string, redemptionId: string): Promise<FastifyReply> {
  const { db } = ctx;
  const now = ctx.messaging.now();
  const lang = chooseLang(req);
  const member = await memberOfLink(db, token, lang, now);
  if (!UUID.test(redemptionId)) throw new Refused('invalid');
  const [row] = rowsOf<{ reward_name: { zh: string; en: string }; quantity: number; points: string; status: string }>(
    await db.execute(sql`
      select w.name as reward_name, r.quantity, r.points, r.status from loyalty_redemptions r join loyalty_rewards w on w.id = r.reward_id
      where r.id = ${redemptionId} and r.customer_id = ${member.customerId}`),
  );
  if (!row) throw new Refused('invalid');
  const text = t(lang, row.status === 'done' ? 'loyalty_public.redeemed_text' : 'loyalty_public.redeemed_cancelled_text', {
    reward: textOf(lang, row.reward_name),
    quantity: row.quantity,
    points: num(Number(row.points)),
    balance: num(member.balance),
    no: redemptionId.slice(0, 8).toUpperCase(),
  });
  const title = t(lang, row.status === 'done' ? 'loyalty_public.redeemed' : 'loyalty_public.redeemed_cancelled');
  return sendHtml(reply, 200, messagePage(lang, { title, text, ok: row.status === 'done', backHref: href(req, memberPath(token)) }));
}

/** The member page's routes and the agents' link route. */
export async function loyaltyPublicRoutes(app: App, ctx: LoyaltyPublicContext): Promise<void> {
  const { db, messaging } = ctx;
  app.post(
    '/api/v1/loyalty/members/:customerId/link',
    {
      schema: {
        tags: ['loyalty'],
        summary: "The member's own page link (/s/m/<token>, no sign-in), optionally sent by SMS or WeChat",
        params: customerParam,
        body: memberLinkBody,
        response: { 200: memberLinkView },
      },
      config: { fieldLabels: 'loyalty' },
    },
    async (req) => {
      const made = await db.transaction((tx) => issueMemberLink(tx, req.actor, req.params.customerId, req.body, messaging));
      if (made.message) await kickIfQueued(messaging, made.message);
      return made.view;
    },
  );
  app.post(
    '/api/v1/loyalty/members/:customerId/link/revoke',
    {
      schema: {
        tags: ['loyalty'],
        summary: "Revoke every member page link issued so far (they show 'no longer valid'); a link issued afterwards works",
        params: customerParam,
        response: { 200: memberLinkRevokeView },
      },
    },
    async (req) => db.transaction((tx) => revokeMemberLinks(tx, req.actor, req.params.customerId, messaging.now())),
  );

  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    // Plain HTML forms only; a body over the limit is refused from its length before it is read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MEMBER_BODY_LIMIT }, (_req, body, done) => done(null, parseForm(body as string)));
    scope.setErrorHandler(errorPage);
    const opts = (max: number) => ({ schema: { hide: true }, bodyLimit: MEMBER_BODY_LIMIT, config: { public: true, rateLimit: { max, timeWindow: '1 minute' } } });
    type P = { token: string; id?: string };

    scope.get('/s/m/:token', opts(MEMBER_PAGE_LIMITS.view), async (req, reply) => renderMember(req, reply, ctx, (req.params as P).token));
    scope.post('/s/m/:token/redeem', opts(MEMBER_PAGE_LIMITS.redeem), async (req, reply) => redeem(req, reply, ctx, (req.params as P).token));
    scope.get('/s/m/:token/r/:id', opts(MEMBER_PAGE_LIMITS.view), async (req, reply) => result(req, reply, ctx, (req.params as P).token, (req.params as P).id ?? ''));
  });
}

