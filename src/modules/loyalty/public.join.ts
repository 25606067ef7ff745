/**
 * The public join page of 老带新 (issue #16 part 3), server-rendered, no sign-in, no script (a plain form: it works with
 * JavaScript off and in WeChat's in-app browser), one column up to 560 px, tap targets at least 44 px high:
 * - `GET /s/j/<code>` — the referrer's name masked (李**), the offer (points for both after the first payment), a form:
 *   name, mobile number, address. zh-CN by default, English by `?lang=en` (or Accept-Language).
 * - `POST /s/j/<code>` (application/x-www-form-urlencoded) — creates the customer through the customers module's
 *   `createCustomer` (a system actor; owned by the referrer's account manager when that user is active) with the code,
 *   so the customers module's created hook attributes it (referrals.ts: the fraud rules, a refusal stored with its
 *   reason). The answer: registered, or registered with the reason the referral earns nothing; the form again with the
 *   messages (422).
 *
 * A double submit creates one customer: the submit takes a transaction-scoped advisory lock on the mobile number, and a
 * number a live customer has already is not a new customer — when that customer came through this code the page answers
 * as the first time did (a repeat, on this process or another), when it is the referrer's own number the referral is
 * refused as a self-referral (nothing is written), otherwise "already a customer" (409). Outside /api/, so no session,
 * CSRF or Idempotency-Key applies. Rate-limited per client address like the other public pages; bodies over 16 KB are
 * refused (413) before they are read; every failure is an HTML page in the visitor's language.
 */
import { sql } from 'drizzle-orm';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemActor } from '../../platform/auth/permissions.js';
import type { ServiceContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { issueMessage } from '../../platform/http/problem.js';
import { pageTrouble } from '../../platform/http/household-pages.js';
import type { App } from '../../platform/http/server.js';
import { issuesFromZod } from '../../platform/http/validation.js';
import { negotiateLocale, t, type Locale, type MessageKey, type MessageParams } from '../../platform/i18n/index.js';
import { normalizePhone } from '../../platform/phone.js';
import { findUserById } from '../accounts/index.js';
import { createCustomer, createCustomerBody, customersByKeys } from '../customers/index.js';
import { readCompanySettings } from '../settings/index.js';
import { joinOffer, normaliseCode, referralOf, refusalKey, refusalText } from './referrals.js';
import { BRAND_SLOT } from '../settings/index.js';

/** Per client address and minute: views of the page, submits of the form. */
export const JOIN_LIMITS = { view: 60, submit: 5 } as const;
export const JOIN_BODY_LIMIT = 16 * 1024;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const m = (lang: Locale, key: MessageKey, params?: MessageParams) => esc(t(lang, key, params));

const CSS = `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f5f5f5;color:#1f1f1f;font:16px/1.6 -apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif}
main{max-width:560px;margin:0 auto;padding:12px}.card{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:19px;margin:0 0 8px}p{margin:0 0 10px}.muted{color:#6b6b6b;font-size:14px}
.offer{background:#fff7e6;border:1px solid #ffd591;border-radius:6px;padding:10px 12px;margin:0 0 12px}
label{display:block;font-weight:600;margin:12px 0 4px}
input{display:block;width:100%;font:inherit;border:1px solid #d0d0d0;border-radius:6px;padding:8px 10px;min-height:44px}
.bad{border-color:#ff7875}.err{color:#cf1322;font-size:14px;margin:4px 0 0}
.alert{background:#fff2f0;border:1px solid #ffccc7;border-radius:6px;padding:8px 12px;margin:0 0 12px}
button{font:inherit;font-size:16px;min-height:46px;width:100%;margin-top:16px;border:0;border-radius:6px;background:#1668dc;color:#fff}
.lang{text-align:right;font-size:14px;margin:0 0 6px}a{color:#1668dc;text-decoration:none}
.done{text-align:center;padding:24px 0}.done .icon{width:56px;height:56px;line-height:56px;margin:0 auto 12px;border-radius:50%;background:#52c41a;color:#fff;font-size:30px}
.done.warn .icon{background:#faad14}`;

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-robots-tag': 'noindex',
} as const;

function layout(lang: Locale, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="format-detection" content="telephone=no">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head>` +
    `<body><main><div class="card">${BRAND_SLOT}${body}</div></main></body></html>`
  );
}

export type JoinValues = { name: string; phone: string; address: string };

type FormView = {
  lang: Locale;
  action: string;
  otherLangHref: string;
  company: string;
  referrer: string;
  referrerPoints: number;
  refereePoints: number;
  values?: JoinValues;
  errors?: Map<string, string>;
};

function formPage(o: FormView): string {
  const { lang } = o;
  const v = o.values ?? { name: '', phone: '', address: '' };
  const errors = o.errors ?? new Map<string, string>();
  const err = (f: string) => (errors.has(f) ? `<p class="err">${esc(errors.get(f)!)}</p>` : '');
  const bad = (f: string) => (errors.has(f) ? ' class="bad"' : '');
  const offer = o.referrerPoints > 0 || o.refereePoints > 0 ? `<p class="offer">${m(lang, 'loyalty_join.offer', { referrerPoints: o.referrerPoints, refereePoints: o.refereePoints })}</p>` : '';
  const body =
    `<p class="lang"><a href="${esc(o.otherLangHref)}">${m(lang, 'loyalty_join.other_lang')}</a></p>` +
    `<h1>${m(lang, 'loyalty_join.invited', { name: o.referrer })}</h1>${offer}<p class="muted">${m(lang, 'loyalty_join.intro')}</p>` +
    (errors.size ? `<div class="alert" role="alert">${m(lang, 'loyalty_join.fix')}</div>` : '') +
    `<form method="post" action="${esc(o.action)}" accept-charset="utf-8">` +
    `<label for="name">${m(lang, 'loyalty_join.name_label')}</label>` +
    `<input id="name" name="name" required maxlength="50" autocomplete="name" value="${esc(v.name)}"${bad('name')}>${err('name')}` +
    `<label for="phone">${m(lang, 'loyalty_join.phone_label')}</label>` +
    `<input id="phone" name="phone" type="tel" inputmode="tel" required maxlength="30" autocomplete="tel" value="${esc(v.phone)}"${bad('phone')}>${err('phone')}` +
    `<label for="address">${m(lang, 'loyalty_join.address_label')}</label>` +
    `<input id="address" name="address" required maxlength="200" autocomplete="street-address" placeholder="${m(lang, 'loyalty_join.address_hint')}" value="${esc(v.address)}"${bad('address')}>${err('address')}` +
    `<button type="submit">${m(lang, 'loyalty_join.submit')}</button></form>`;
  return layout(lang, t(lang, 'loyalty_join.title', { company: o.company }), body);
}

function messagePage(lang: Locale, o: { title: string; text: string; ok?: boolean; backHref?: string }): string {
  const back = o.backHref ? `<p><a href="${esc(o.backHref)}">${m(lang, 'loyalty_join.back')}</a></p>` : '';
  return layout(
    lang,
    o.title,
    `<div class="done${o.ok ? '' : ' warn'}" role="${o.ok ? 'status' : 'alert'}"><div class="icon">${o.ok ? '✓' : '!'}</div><h1>${esc(o.title)}</h1><p>${esc(o.text)}</p>${back}</div>`,
  );
}

// ---- the routes --------------------------------------------------------------------------------------------------

/** The form as checked: a name, a valid mobile number, an address (the customer's 详细地址). */
const joinForm = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .superRefine((s, c) => {
      if (!normalizePhone(s)) c.addIssue({ code: 'custom', message: 'validation.invalid_phone', params: { value: s.slice(0, 30) } });
    }),
  address: z.string().trim().min(1).max(200),
});

type Query = { lang?: string };
type Params = { code: string };

function chooseLang(req: FastifyRequest): Locale {
  const asked = (req.query as Query | undefined)?.lang;
  if (asked === 'en') return 'en';
  if (asked === 'zh-CN' || asked === 'zh') return 'zh-CN';
  return negotiateLocale(req.headers['accept-language'], 'zh-CN');
}

/** The page's own address, keeping a language chosen by `?lang=`. */
function selfHref(req: FastifyRequest): string {
  const code = encodeURIComponent((req.params as Params | undefined)?.code ?? '');
  const asked = (req.query as Query | undefined)?.lang;
  return asked === 'en' || asked === 'zh-CN' ? `/s/j/${code}?lang=${asked}` : `/s/j/${code}`;
}

const sendHtml = (reply: FastifyReply, status: number, html: string) => reply.code(status).headers(HEADERS).send(html);

/** A page without a form: `done` (registered: no way back), else a warning with a link back to the form. */
const page = (req: FastifyRequest, reply: FastifyReply, status: number, title: MessageKey, text: string, o: { ok?: boolean; done?: boolean } = {}) => {
  const lang = chooseLang(req);
  return sendHtml(reply, status, messagePage(lang, { title: t(lang, title), text, ok: o.ok, backHref: o.done ? undefined : selfHref(req) }));
};

function errorPage(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = chooseLang(req);
  const { kind, status } = pageTrouble(error, req, reply, 'join page');
  const title = `loyalty_join.${kind}` as const;
  return sendHtml(reply, status, messagePage(lang, { title: t(lang, title), text: t(lang, `${title}_text`) }));
}

function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v;
  return out;
}

type Outcome = { kind: 'referral'; status: 'pending' | 'rewarded' | 'refused'; reason: string | null } | { kind: 'self' } | { kind: 'already' };

export async function referralJoinRoutes(app: App, ctx: ServiceContext & { now: () => Date }): Promise<void> {
  const { db } = ctx;

  /** The code's offer and the company's name; an unknown or ended code is the "invalid link" page (404). */
  const offerOf = async (req: FastifyRequest) => {
    const code = normaliseCode((req.params as Params).code);
    const offer = await joinOffer(db, code);
    return offer ? { code, offer, company: (await readCompanySettings(db)).companyName } : null;
  };
  const form = (req: FastifyRequest, o: NonNullable<Awaited<ReturnType<typeof offerOf>>>, values?: JoinValues, errors?: Map<string, string>) => {
    const lang = chooseLang(req);
    const code = encodeURIComponent((req.params as Params).code);
    return formPage({
      lang,
      action: selfHref(req),
      otherLangHref: `/s/j/${code}?lang=${lang === 'en' ? 'zh-CN' : 'en'}`,
      company: o.company,
      referrer: o.offer.maskedName,
      referrerPoints: o.offer.programme.referral.referrerPoints,
      refereePoints: o.offer.programme.referral.refereePoints,
      values,
      errors,
    });
  };
  const invalid = (req: FastifyRequest, reply: FastifyReply) => page(req, reply, 404, 'loyalty_join.invalid', t(chooseLang(req), 'loyalty_join.invalid_text'));

  /** Creates the customer with the code, once per mobile number (see the file's comment). */
  const register = (o: NonNullable<Awaited<ReturnType<typeof offerOf>>>, input: z.infer<typeof joinForm>, lang: Locale): Promise<Outcome> =>
    db.transaction(async (tx) => {
      const phone = normalizePhone(input.phone)!;
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`hearth.loyalty.join:${phone}`}))`);
      const existing = (await customersByKeys(tx, { externalIds: [], phones: [phone] })).byPhone.get(phone);
      if (existing) {
        const earlier = await referralOf(tx, existing.id);
        if (earlier && earlier.code === o.code) return { kind: 'referral', status: earlier.status, reason: earlier.refusedReason };
        return existing.id === o.offer.referrer.customerId ? { kind: 'self' } : { kind: 'already' };
      }
      const owner = o.offer.ownerId ? await findUserById(tx, o.offer.ownerId) : undefined;
      const body = createCustomerBody.parse({ name: input.name, phones: [phone], address: { street: input.address }, source: '老带新', referralCode: o.code, ownerId: owner?.active ? owner.id : null });
      const created = await createCustomer(tx, systemActor('system', lang), body);
      const made = await referralOf(tx, created.id);
      return { kind: 'referral', status: made?.status ?? 'pending', reason: made?.refusedReason ?? null };
    });

  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    // Plain HTML forms only; a body over the limit is refused from its length before it is read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: JOIN_BODY_LIMIT }, (_req, body, done) => done(null, parseForm(body as string)));
    scope.setErrorHandler(errorPage);
    const opts = (max: number) => ({ schema: { hide: true }, bodyLimit: JOIN_BODY_LIMIT, config: { public: true, rateLimit: { max, timeWindow: '1 minute' } } });

    scope.get('/s/j/:code', opts(JOIN_LIMITS.view), async (req, reply) => {
      const o = await offerOf(req);
      return o ? sendHtml(reply, 200, form(req, o)) : invalid(req, reply);
    });

    scope.post('/s/j/:code', opts(JOIN_LIMITS.submit), async (req, reply) => {
      const lang = chooseLang(req);
      const o = await offerOf(req);
      if (!o) return invalid(req, reply);
      const sent = (req.body ?? {}) as Record<string, string>;
      const values: JoinValues = { name: sent.name ?? '', phone: sent.phone ?? '', address: sent.address ?? '' };
      const parsed = joinForm.safeParse(values, { reportInput: true });
      if (!parsed.success) {
        const errors = new Map<string, string>();
        for (const issue of issuesFromZod(parsed.error.issues, 'body')) if (!errors.has(issue.field)) errors.set(issue.field, issueMessage(lang, issue, 'loyalty'));
        const shown = { name: values.name.slice(0, 50), phone: values.phone.slice(0, 30), address: values.address.slice(0, 200) };
        return sendHtml(reply, 422, form(req, o, shown, errors));
      }
      const outcome = await register(o, parsed.data, lang);
      if (outcome.kind === 'self') return page(req, reply, 409, 'loyalty_join.not_accepted', t(lang, refusalKey('same_phone')));
      if (outcome.kind === 'already') return page(req, reply, 409, 'loyalty_join.already', t(lang, 'loyalty_join.already_text'));
      if (outcome.status === 'refused') return page(req, reply, 200, 'loyalty_join.refused', t(lang, 'loyalty_join.refused_text', { reason: refusalText(lang, outcome.reason) ?? '' }), { done: true });
      return page(req, reply, 200, 'loyalty_join.done', t(lang, 'loyalty_join.done_text', { points: o.offer.programme.referral.refereePoints }), { ok: true, done: true });
    });
  });
}
