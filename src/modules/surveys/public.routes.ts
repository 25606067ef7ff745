/**
 * The household's survey page (issue #15 part 3), server-rendered, no sign-in:
 * - `GET /s/v/<token>` — an invitation's link: the first view marks the invitation opened; the page continues at the
 *   first unanswered question (`?q=<id>&p=<part>` names one; `?step=submit` the last screen; `?lang=en|zh-CN`).
 * - `POST /s/v/<token>` — one screen's answer (a plain form): checked (checkAnswers, partial) and saved as the partial
 *   response, then 303 to the next question on the branching path; `_go=submit` completes it (409 the second time).
 * - `GET /s/q/<token>` — a QR code's first screen (title, intro, the phone number for a self-identifying code);
 *   `POST` starts a response and redirects to `/s/q/<token>/<key>`, which then works like an invitation's page.
 *
 * A QR response is named by a signed key in the page's URL (so in every form's action), not by a cookie: it works
 * with JavaScript off and in WeChat's WebView (which may drop cookies between openings), two people on one phone do
 * not share a response, and a cross-site form cannot write into someone's response the way it could ride a cookie
 * (these POSTs carry no CSRF token: whoever holds the link or the key is the respondent). Reopening the key's URL
 * resumes; scanning the code again starts a new response.
 *
 * Outside /api/, so no session, CSRF or Idempotency-Key applies (a repeated screen saves the same answer; a repeated
 * completion is 409). Rate-limited per client address like the other public routes; bodies over 64 KB are refused
 * (413) before they are read; every failure, including those, is an HTML page in the respondent's language.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../platform/context.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { negotiateLocale, t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import { normalizePhone } from '../../platform/phone.js';
import { pageTrouble } from '../../platform/http/household-pages.js';
import type { App } from '../../platform/http/server.js';
import { customersByKeys } from '../customers/index.js';
import { signingSecret } from '../messages/index.js';
import { checkAnswers, type AnswerIssue, type SurveyDefinition } from './definition.js';
import { applyStep, answerToFields, parseForm, placeOf, resumeStep, screenOf, stepsOf, type Fields, type Screen, type Step } from './public.flow.js';
import { issueMessages, messagePage, questionPage, startPage, submitPage, textOf } from './public.page.js';
import {
  complete,
  invitationTarget,
  markOpened,
  qrResponseTarget,
  qrTarget,
  REFUSAL_STATUS,
  RefusedAnswers,
  RefusedLink,
  savePartial,
  signResponseKey,
  startQrResponse,
  verifyResponseKey,
  type Refusal,
  type Target,
} from './responses.js';
import { surveyQrRoutes } from './qr.routes.js';
import { verifyToken } from './token.js';

/** `fallbackUrl`: the address of this server when the messages settings name no public URL (for the QR codes' links). */
export type SurveyPublicContext = ServiceContext & { now: () => Date; fallbackUrl: string };

/** A page's form is a few KB (a 2,000-character answer is 18 KB encoded): anything over this is refused unread. */
export const PUBLIC_BODY_LIMIT = 64 * 1024;
/** Per client address and minute: views, answers (a SERVQUAL survey is about eight screens), QR starts. */
export const PUBLIC_LIMITS = { view: 120, answer: 60, start: 20 } as const;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** What a page's URL leads to: its path, how to load it (locked for a write) and what a view changes. */
type Link = { base: string; load: (db: DbOrTx, lock: boolean) => Promise<Target>; viewed?: (db: DbOrTx) => Promise<void> };

type Query = { lang?: string; q?: string; p?: string; step?: string; done?: string };

const hasEnglish = (def: SurveyDefinition) => !!def.title.en && def.questions.every((q) => !!q.text.en);

/**
 * WeChat's in-app browser names the language the user chose in WeChat in its user agent (`… Language/zh_CN`,
 * `Language/en`), which its Accept-Language (the phone's system language) may not follow.
 */
function wechatLanguage(ua: string | undefined): Locale | null {
  const m = /MicroMessenger\/.*\bLanguage\/([A-Za-z]+)/.exec(ua ?? '');
  if (!m) return null;
  return m[1]!.toLowerCase() === 'en' ? 'en' : m[1]!.toLowerCase() === 'zh' ? 'zh-CN' : null;
}

/**
 * English when asked for (`?lang=en`, else WeChat's language, else Accept-Language) and the survey has English
 * texts; zh-CN otherwise.
 */
function chooseLang(req: FastifyRequest, def: SurveyDefinition | null): Locale {
  const asked = (req.query as Query).lang;
  const lang: Locale =
    asked === 'en'
      ? 'en'
      : asked === 'zh-CN' || asked === 'zh'
        ? 'zh-CN'
        : (wechatLanguage(req.headers['user-agent']) ?? negotiateLocale(req.headers['accept-language'], 'zh-CN'));
  return lang === 'en' && def && !hasEnglish(def) ? 'zh-CN' : lang;
}

/** A URL of the page: the base with the step and the language when it was chosen by `?lang=`. */
function href(req: FastifyRequest, base: string, params: Record<string, string | number> = {}): string {
  const asked = (req.query as Query).lang;
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  if (asked === 'en' || asked === 'zh-CN') search.set('lang', asked);
  const s = search.toString();
  return s ? `${base}?${s}` : base;
}

const stepHref = (req: FastifyRequest, base: string, step: Step | null) =>
  step ? href(req, base, step.part ? { q: step.id, p: step.part } : { q: step.id }) : href(req, base, { step: 'submit' });

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

const REFUSAL_TEXT: Record<Refusal, [MessageKey, MessageKey]> = {
  invalid: ['survey_public.invalid', 'survey_public.invalid_text'],
  expired: ['survey_public.expired', 'survey_public.expired_text'],
  withdrawn: ['survey_public.withdrawn', 'survey_public.withdrawn_text'],
  closed: ['survey_public.closed', 'survey_public.closed_text'],
  already: ['survey_public.already', 'survey_public.already_text'],
  too_large: ['survey_public.too_large', 'survey_public.too_large_text'],
  rate_limited: ['survey_public.rate_limited', 'survey_public.rate_limited_text'],
  bad_request: ['survey_public.bad_request', 'survey_public.bad_request_text'],
};

function refusalPage(req: FastifyRequest, reply: FastifyReply, refusal: Refusal, status = REFUSAL_STATUS[refusal], def: SurveyDefinition | null = null): FastifyReply {
  const lang = chooseLang(req, def);
  const [title, text] = REFUSAL_TEXT[refusal];
  return sendHtml(reply, status, messagePage(lang, { title: t(lang, title), text: t(lang, text) }));
}

function thanksPage(req: FastifyRequest, reply: FastifyReply, def: SurveyDefinition | null): FastifyReply {
  const lang = chooseLang(req, def);
  const text = def?.thanks ? textOf(lang, def.thanks) : t(lang, 'survey_public.thanks_text');
  return sendHtml(reply, 200, messagePage(lang, { title: t(lang, 'survey_public.thanks'), text, ok: true }));
}

/** The HTML answer of any error on these routes (a refused link, a body too large, the rate limit, a bug). */
function errorPage(error: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof RefusedLink) return refusalPage(req, reply, error.refusal, REFUSAL_STATUS[error.refusal], error.definition);
  const { kind, status } = pageTrouble(error, req, reply, 'survey page');
  if (kind !== 'error') return refusalPage(req, reply, kind, status);
  const lang = chooseLang(req, null);
  return sendHtml(reply, 500, messagePage(lang, { title: t(lang, 'survey_public.error'), text: t(lang, 'survey_public.error_text') }));
}

/** One screen, as first shown (the stored answer filled in) or again with the refused answer and its messages. */
function renderScreen(req: FastifyRequest, reply: FastifyReply, link: Link, t0: Target, screen: Screen, shown: { fields?: Fields; issues?: AnswerIssue[] } = {}): FastifyReply {
  const def = t0.definition;
  const answers = t0.response?.answers ?? {};
  const lang = chooseLang(req, def);
  const step = { id: screen.q.id, part: screen.part };
  const place = placeOf(def, answers, step) ?? { prev: null, number: 1, total: stepsOf(def, answers).length };
  const other = hasEnglish(def) ? (lang === 'en' ? 'zh-CN' : 'en') : null;
  const here = step.part ? { q: step.id, p: step.part } : { q: step.id };
  const html = questionPage({
    lang,
    def,
    screen,
    number: place.number,
    total: place.total,
    action: href(req, link.base),
    backHref: place.prev ? stepHref(req, link.base, place.prev) : null,
    langHref: other ? `${link.base}?${new URLSearchParams({ ...Object.fromEntries(Object.entries(here).map(([k, v]) => [k, String(v)])), lang: other }).toString()}` : null,
    showIntro: place.prev === null,
    fields: shown.fields ?? answerToFields(screen.q, answers[screen.q.id]),
    errors: issueMessages(lang, shown.issues ?? []),
  });
  return sendHtml(reply, shown.issues?.length ? 422 : 200, html);
}

/** GET: the asked step when it is on the path, else where the respondent left off; the submit screen at the end. */
async function view(req: FastifyRequest, reply: FastifyReply, link: Link, db: DbOrTx): Promise<FastifyReply> {
  const query = req.query as Query;
  let target: Target;
  try {
    target = await link.load(db, false);
  } catch (err) {
    if (err instanceof RefusedLink && err.refusal === 'already' && query.done) return thanksPage(req, reply, err.definition);
    throw err;
  }
  await link.viewed?.(db);
  const def = target.definition;
  const answers = target.response?.answers ?? {};
  const asked: Step | null = query.q ? { id: query.q, part: Number(query.p ?? 0) } : null;
  const resume = resumeStep(def, answers);
  if (query.step === 'submit' || (!asked && !resume)) {
    // The submit screen once every required question on the path has its answer (optional ones may stay empty).
    const full = checkAnswers(def, answers, { partial: false });
    if (!full.ok) {
      const missing = full.issues[0]?.path.split('.')[1];
      const steps = stepsOf(def, answers);
      return seeOther(reply, stepHref(req, link.base, steps.find((st) => st.id === missing) ?? resume ?? steps[0]!));
    }
    const steps = stepsOf(def, answers);
    const lang = chooseLang(req, def);
    return sendHtml(reply, 200, submitPage({ lang, def, action: href(req, link.base), backHref: stepHref(req, link.base, steps[steps.length - 1] ?? null), error: null }));
  }
  const step = asked && placeOf(def, answers, asked) ? asked : (resume ?? stepsOf(def, answers)[0]!);
  return renderScreen(req, reply, link, target, screenOf(def, step)!);
}

const field = (fields: Fields, name: string) => fields[name]?.[0] ?? '';

/** POST: one screen's answer saved (303 to the next step), or the completion (303 to the thanks). */
async function answer(req: FastifyRequest, reply: FastifyReply, link: Link, db: Db, now: Date): Promise<FastifyReply> {
  const fields = (req.body ?? {}) as Fields;
  if (field(fields, '_go') === 'submit') {
    let target: Target | null = null;
    try {
      await db.transaction(async (tx) => {
        target = await link.load(tx, true);
        await complete(tx, target, target.response?.answers ?? {}, now);
      });
    } catch (err) {
      if (!(err instanceof RefusedAnswers) || !target) throw err;
      // A required question left unanswered (or a stale page): that question again, with the message.
      const t1: Target = target;
      const missing = err.issues[0]!.path.split('.')[1]!;
      const step = stepsOf(t1.definition, t1.response?.answers ?? {}).find((s) => s.id === missing) ?? resumeStep(t1.definition, t1.response?.answers ?? {});
      const screen = step ? screenOf(t1.definition, step) : null;
      if (!screen) throw new RefusedLink('bad_request');
      return renderScreen(req, reply, link, t1, screen, { issues: err.issues.filter((i) => i.path.startsWith(`answers.${missing}`)) });
    }
    return seeOther(reply, href(req, link.base, { done: 1 }));
  }
  const step: Step = { id: field(fields, '_q'), part: Number(field(fields, '_p') || 0) };
  let shown: { target: Target; screen: Screen } | null = null;
  let next: Step | null = null;
  try {
    await db.transaction(async (tx) => {
      const target = await link.load(tx, true);
      const screen = screenOf(target.definition, step);
      if (!screen) throw new RefusedLink('bad_request');
      shown = { target, screen };
      const result = applyStep(target.definition, target.response?.answers ?? {}, screen, fields);
      if (!result.ok) throw new RefusedAnswers(result.issues);
      await savePartial(tx, target, result.answers, now);
      next = placeOf(target.definition, result.answers, step)?.next ?? null;
    });
  } catch (err) {
    if (!(err instanceof RefusedAnswers) || !shown) throw err;
    const s: { target: Target; screen: Screen } = shown;
    return renderScreen(req, reply, link, s.target, s.screen, { fields, issues: err.issues });
  }
  return seeOther(reply, stepHref(req, link.base, next));
}

/** The public page's routes, and the QR codes' management routes (/api/v1/surveys/:id/qr-codes, qr.routes.ts). */
export async function surveyPublicRoutes(app: App, ctx: SurveyPublicContext): Promise<void> {
  const { db } = ctx;
  await surveyQrRoutes(app, ctx);
  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    // Plain HTML forms only; a body over the limit is refused from its length before it is read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: PUBLIC_BODY_LIMIT }, (_req, body, done) => done(null, parseForm(body as string)));
    scope.setErrorHandler(errorPage);
    const limit = (max: number) => ({ public: true, rateLimit: { max, timeWindow: '1 minute' } });
    const opts = (max: number) => ({ schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT, config: limit(max) });
    type P = { token: string; key?: string };

    const invitationLink = async (req: FastifyRequest): Promise<Link> => {
      const { token } = req.params as P;
      const id = verifyToken(await signingSecret(db), token, 'survey');
      if (!id) throw new RefusedLink('invalid');
      return { base: `/s/v/${token}`, load: (tx, lock) => invitationTarget(tx, id, ctx.now(), { lock }), viewed: (tx) => markOpened(tx, id, ctx.now()) };
    };
    const qrLink = async (req: FastifyRequest): Promise<Link> => {
      const { token, key = '' } = req.params as P;
      const secret = await signingSecret(db);
      const qrId = verifyToken(secret, token, 'qr');
      const responseId = verifyResponseKey(secret, key);
      if (!qrId || !responseId) throw new RefusedLink('invalid');
      return { base: `/s/q/${token}/${key}`, load: (tx, lock) => qrResponseTarget(tx, qrId, responseId, { lock }) };
    };

    scope.get('/s/v/:token', opts(PUBLIC_LIMITS.view), async (req, reply) => view(req, reply, await invitationLink(req), db));
    scope.post('/s/v/:token', opts(PUBLIC_LIMITS.answer), async (req, reply) => answer(req, reply, await invitationLink(req), db, ctx.now()));
    scope.get('/s/q/:token/:key', opts(PUBLIC_LIMITS.view), async (req, reply) => view(req, reply, await qrLink(req), db));
    scope.post('/s/q/:token/:key', opts(PUBLIC_LIMITS.answer), async (req, reply) => answer(req, reply, await qrLink(req), db, ctx.now()));

    const qrStart = async (req: FastifyRequest) => {
      const { token } = req.params as P;
      const secret = await signingSecret(db);
      const qrId = verifyToken(secret, token, 'qr');
      if (!qrId) throw new RefusedLink('invalid');
      return { token, secret, target: await qrTarget(db, qrId) };
    };
    const startHtml = (req: FastifyRequest, s: Awaited<ReturnType<typeof qrStart>>, phone: string, error: string | null) => {
      const lang = chooseLang(req, s.target.definition);
      const other = hasEnglish(s.target.definition) ? (lang === 'en' ? 'zh-CN' : 'en') : null;
      const base = `/s/q/${s.token}`;
      return startPage({ lang, def: s.target.definition, action: href(req, base), askPhone: s.target.qr.identify === 'self', phone, error, langHref: other ? `${base}?lang=${other}` : null });
    };
    scope.get('/s/q/:token', opts(PUBLIC_LIMITS.view), async (req, reply) => sendHtml(reply, 200, startHtml(req, await qrStart(req), '', null)));
    scope.post('/s/q/:token', opts(PUBLIC_LIMITS.start), async (req, reply) => {
      const s = await qrStart(req);
      const phoneText = field((req.body ?? {}) as Fields, 'phone').trim();
      let customerId: string | null = null;
      if (s.target.qr.identify === 'self' && phoneText) {
        const phone = normalizePhone(phoneText);
        if (!phone) return sendHtml(reply, 422, startHtml(req, s, phoneText.slice(0, 20), t(chooseLang(req, s.target.definition), 'survey_public.phone_invalid')));
        // A number no customer has is still welcome: the answers are taken anonymously.
        customerId = (await customersByKeys(db, { externalIds: [], phones: [phone] })).byPhone.get(phone)?.id ?? null;
      }
      const row = await db.transaction((tx) => startQrResponse(tx, s.target, customerId, ctx.now()));
      const key = signResponseKey(s.secret, row.id);
      return seeOther(reply, href(req, `/s/q/${s.token}/${key}`));
    });
  });
}
