/**
 * The public side of feedback (no sign-in), both rate-limited per client address (PUBLIC_SUBMITS a minute; a refused
 * request is answered before its body is read, so it writes nothing):
 * - `POST /api/v1/public/feedback` — JSON { text, phone?, name? } → 201 { number }; problem+json 4xx naming the field;
 * - `GET /f` — the household's page: a plain HTML form (no script), zh-CN by default, English by `?lang=en` or
 *   Accept-Language; `POST /f` (application/x-www-form-urlencoded) answers the thanks page, or the form again with
 *   the messages (422). Every failure there, a body over the limit (413) or the rate limit (429) included, is an HTML
 *   page in the visitor's language.
 *
 * The text is stored as the visitor wrote it and only ever shown escaped. A phone, when given, must be a valid number
 * (platform/phone.ts); a complete number a customer has links the item to that customer.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { issueMessage } from '../../platform/http/problem.js';
import { pageTrouble } from '../../platform/http/household-pages.js';
import type { App } from '../../platform/http/server.js';
import { parseOrThrow } from '../../platform/http/validation.js';
import { negotiateLocale, t, type Locale } from '../../platform/i18n/index.js';
import { publicFeedbackResult } from './feedback.schemas.js';
import { submitPublicFeedback } from './feedback.service.js';
import { publicFeedbackBody } from './feedback.types.js';
import { formPage, messagePage, PAGE_HEADERS, type FormValues } from './public.page.js';

export type FeedbackPublicContext = ServiceContext & { now: () => Date };

/** Submissions per client address and minute (the JSON endpoint and the page count separately). */
export const PUBLIC_SUBMITS = 5;
/** Views of the page per client address and minute. */
export const PUBLIC_VIEWS = 60;
/** 2,000 Chinese characters are 6 KB of UTF-8 (18 KB form-encoded): anything over this is refused unread (413). */
export const PUBLIC_BODY_LIMIT = 32 * 1024;

type Query = { lang?: string };

function chooseLang(req: FastifyRequest): Locale {
  const asked = (req.query as Query | undefined)?.lang;
  if (asked === 'en') return 'en';
  if (asked === 'zh-CN' || asked === 'zh') return 'zh-CN';
  return negotiateLocale(req.headers['accept-language'], 'zh-CN');
}

/** The page's own address, keeping a language chosen by `?lang=`. */
function selfHref(req: FastifyRequest): string {
  const asked = (req.query as Query | undefined)?.lang;
  return asked === 'en' || asked === 'zh-CN' ? `/f?lang=${asked}` : '/f';
}

const sendHtml = (reply: FastifyReply, status: number, html: string) => reply.code(status).headers(PAGE_HEADERS).send(html);

/** Any error of the page's routes as an HTML page: a body too large, the rate limit, a bad request, a bug. */
function errorPage(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = chooseLang(req);
  const { kind, status } = pageTrouble(error, req, reply, 'feedback page');
  const title = `feedback_public.${kind}` as const;
  return sendHtml(reply, status, messagePage(lang, { title: t(lang, title), text: t(lang, `${title}_text`), backHref: selfHref(req) }));
}

function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v;
  return out;
}

function formHtml(req: FastifyRequest, lang: Locale, values?: FormValues, errors?: Map<string, string>): string {
  return formPage({ lang, action: selfHref(req), otherLangHref: `/f?lang=${lang === 'en' ? 'zh-CN' : 'en'}`, values, errors });
}

export async function feedbackPublicRoutes(app: App, ctx: FeedbackPublicContext): Promise<void> {
  const { db } = ctx;
  const limited = (max: number) => ({ max, timeWindow: '1 minute' });

  app.post(
    '/api/v1/public/feedback',
    {
      // The app's body limit, as every JSON route has: the text's own limit answers 400 naming the field, and a body
      // nested too deep is the platform's 400 naming the body (hostile.test.ts checks every JSON route for both).
      schema: { tags: ['public'], summary: 'Send feedback without signing in (rate-limited per address): returns its number', body: publicFeedbackBody, response: { 201: publicFeedbackResult } },
      config: { public: true, fieldLabels: 'feedback', rateLimit: limited(PUBLIC_SUBMITS) },
    },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => submitPublicFeedback(tx, req.body, req.ip, ctx.now()))),
  );

  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    // Plain HTML forms only; a body over the limit is refused from its length before it is read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: PUBLIC_BODY_LIMIT }, (_req, body, done) => done(null, parseForm(body as string)));
    scope.setErrorHandler(errorPage);
    const opts = (max: number) => ({ schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT, config: { public: true, rateLimit: limited(max) } });

    scope.get('/f', opts(PUBLIC_VIEWS), async (req, reply) => sendHtml(reply, 200, formHtml(req, chooseLang(req))));
    scope.post('/f', opts(PUBLIC_SUBMITS), async (req, reply) => {
      const lang = chooseLang(req);
      const form = (req.body ?? {}) as Record<string, string>;
      const values: FormValues = { text: form.text ?? '', phone: form.phone ?? '', name: form.name ?? '' };
      try {
        const input = parseOrThrow(publicFeedbackBody, values);
        const result = await db.transaction((tx) => submitPublicFeedback(tx, input, req.ip, ctx.now()));
        return sendHtml(reply, 200, messagePage(lang, { title: t(lang, 'feedback_public.thanks'), text: t(lang, 'feedback_public.thanks_text', { number: result.number }), ok: true }));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'validation' || !err.issues.length) throw err;
        const errors = new Map<string, string>();
        for (const issue of err.issues) if (!errors.has(issue.field)) errors.set(issue.field, issueMessage(lang, issue, 'feedback'));
        // What was sent comes back in the form (escaped), cut to the fields' limits.
        const shown = { text: values.text.slice(0, 2000), phone: values.phone.slice(0, 30), name: values.name.slice(0, 50) };
        return sendHtml(reply, 422, formHtml(req, lang, shown, errors));
      }
    });
  });
}
