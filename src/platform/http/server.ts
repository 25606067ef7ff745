import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { responseSerializerCompiler } from './response.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { negotiateLocale, type Locale } from '../i18n/index.js';
import type { Actor } from '../auth/permissions.js';
import { ROOT_DIR, VERSION } from '../version.js';
import { fromFastifyError, fromFrameworkError, httpProblem, sendHttpProblem, sendProblem } from './problem.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH, zodValidatorCompiler } from './validation.js';
import { sendUnavailable } from './unavailable.js';
import { registerSecurityHeaders } from './security-headers.js';
import { installKeyring, loadKeyring } from '../secrets.js';
import { isConnectionLost } from '../db/client.js';

export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'x-csrf-token';
export const WEB_DIST = path.join(ROOT_DIR, 'web', 'dist');

/** `pending`: a sign-in still waiting for its second step (two-factor code, or enrolment), reaching only those routes. */
export type SessionInfo = { id: string; csrfToken: string; pending?: 'totp' | 'enrol' | null };

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    locale: Locale;
    session: SessionInfo | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (health, setup, sign-in, public pages). */
    public?: boolean;
    /**
     * Field labels of this route's errors are looked up under `field.<fieldLabels>.` first (a task's `title` is 标题,
     * not a contact's 职务), then as usual.
     */
    fieldLabels?: string;
    /** Reached by a session still waiting for its second sign-in step (the two-factor code or enrolment). */
    twoFactorStep?: boolean;
  }
}

export type App = FastifyInstance<
  FastifyInstance['server'],
  FastifyRequest['raw'],
  FastifyReply['raw'],
  FastifyInstance['log'],
  ZodTypeProvider
>;

export type Credentials = {
  bearer: string | null;
  sessionToken: string | null;
  ip: string;
  userAgent: string | null;
  locale: Locale;
};
export type Authenticator = (c: Credentials) => Promise<{ actor: Actor; session: SessionInfo | null } | null>;

export type ServerOptions = {
  config: Config;
  authenticate: Authenticator;
  databaseKind: string;
  /** Rejects while the database cannot be reached: /api/health then answers 503. */
  checkDatabase?: () => Promise<void>;
  logger?: boolean;
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The Fastify instance with everything modules rely on: errors, locale, auth, CSRF, OpenAPI, rate limits, the web UI. */
export async function createServer(opts: ServerOptions): Promise<App> {
  const { config } = opts;
  // The key stored secrets are sealed under (platform/secrets.ts): this server's configuration's.
  installKeyring(loadKeyring(config));
  const app = Fastify({
    logger: opts.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true },
    // avvio's default of 10 s per plugin failed a start on a machine at load 10+ (CI on two cores: '@fastify/swagger-ui'
    // "did not start in time" while it read its assets). A plugin that truly hangs still fails the start, later.
    pluginTimeout: 120_000,
    // Routing errors (a malformed %-escape, a path parameter over 100 characters → 414) come before any hook:
    // answered here as problem+json in the caller's language, like every other error.
    frameworkErrors: (error, request, reply) => {
      request.locale = negotiateLocale(request.headers['accept-language'], config.defaultLocale);
      reply.header('x-content-type-options', 'nosniff');
      const { status, detailKey } = fromFrameworkError(error);
      sendHttpProblem(reply, request, status, detailKey);
    },
    // Requests Node's HTTP parser refuses (headers too large, malformed request line, timeout) never reach Fastify.
    clientErrorHandler: (error, socket) => rawClientError(error, socket, config.defaultLocale),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);

  // JSON bodies: the nesting is measured on the raw text before anything recursive sees it (at most 64 levels), and
  // the body must be an object or an array — `null` or a bare value is refused, never read as "no body".
  const parseJson = app.getDefaultJsonParser('error', 'error') as (req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => void;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepthExceeds(body as string)) {
      done(AppError.field('body', 'validation.too_deep', { max: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parseJson(request, body as string, (err, value) => {
      if (err) done(err, undefined);
      else if (value === null || typeof value !== 'object') done(AppError.field('body', 'validation.body_not_object', { got: value === null ? 'null' : typeof value }), undefined);
      else done(null, value);
    });
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'zh-CN');
  app.decorateRequest('session', null);

  await app.register(fastifyCookie);
  // Security headers on every response, the public pages included (security-headers.ts).
  await registerSecurityHeaders(app, config);
  // Rate limits are opt-in per route (sign-in, public forms): API clients and benchmarks are not throttled.
  await app.register(fastifyRateLimit, { global: false });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Hearth API', description: 'Hearth (客情管理系统) JSON API', version: VERSION },
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas named in zod's global registry (`.meta({ id })`, e.g. the recursive SegmentRule) become components.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (request, reply) => {
    request.locale = negotiateLocale(request.headers['accept-language'], config.defaultLocale);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!request.url.startsWith('/api/')) return;
    if (UNSAFE.has(request.method)) checkOrigin(request, config.trustProxy);
    const auth = request.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : null;
    const sessionToken = request.cookies[SESSION_COOKIE] ?? null;
    if (bearer || sessionToken) {
      const result = await opts.authenticate({
        bearer,
        sessionToken: bearer ? null : sessionToken,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        locale: request.locale,
      });
      if (result) {
        request.session = result.session;
        // A sign-in waiting for its second step is signed in only for the routes of that step.
        if (!result.session?.pending || request.routeOptions.config?.twoFactorStep) request.actor = result.actor;
      } else if (bearer) {
        throw new AppError('unauthenticated', 'problem.unauthenticated');
      }
    }
    // A cookie-authenticated write must carry the session's CSRF token in a header (cross-site forms cannot).
    if (request.session && UNSAFE.has(request.method) && request.headers[CSRF_HEADER] !== request.session.csrfToken) {
      throw new AppError('csrf', 'problem.csrf');
    }
    const isPublic = request.routeOptions.config?.public || request.url.startsWith('/api/docs');
    if (!request.actor && !isPublic && request.routeOptions.url) {
      throw new AppError('unauthenticated', request.session?.pending ? 'auth.two_factor_pending' : sessionToken ? 'auth.session_expired' : 'problem.unauthenticated');
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, request, error);
    const mapped = fromFastifyError(error, config.bodyLimitBytes);
    if (mapped) return sendProblem(reply, request, mapped);
    if (isConnectionLost(error)) return sendUnavailable(reply, request, error);
    // Any other 4xx Fastify or a plugin raised by itself (406, 416, …): problem+json too, never its own JSON.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.debug({ err: error }, 'client error');
      return sendHttpProblem(reply, request, error.statusCode);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .type('application/problem+json; charset=utf-8')
      .send({
        type: 'urn:hearth:problem:internal',
        title: request.locale === 'en' ? 'Internal server error' : '服务器内部错误',
        status: 500,
        detail: request.locale === 'en' ? 'Internal server error, please try again later' : '服务器内部错误，请稍后重试',
        code: 'internal',
        instance: request.url.split('?')[0],
        errors: [],
      });
  });

  const health = z.object({ status: z.literal('ok'), version: z.string(), database: z.string().describe('pglite or postgres') });
  app.get('/api/health', { config: { public: true }, schema: { hide: true, response: { 200: health } } }, async () => {
    await opts.checkDatabase?.(); // the database lost: 503 through the error handler
    return { status: 'ok' as const, version: VERSION, database: opts.databaseKind };
  });

  const hasWeb = existsSync(path.join(WEB_DIST, 'index.html'));
  const hasPublicPages = existsSync(path.join(WEB_DIST, 'public.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: false,
      // scripts/build-web.mjs writes .br and .gz beside each asset: sent to browsers that accept them.
      preCompressed: true,
      // Vite's /assets/* carry a content hash in their names: cache them for good; everything else briefly.
      setHeaders: (reply: FastifyReply, filePath: string) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        else if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'public, max-age=300');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET' || !hasWeb) {
      return sendProblem(reply, request, AppError.notFound());
    }
    // The single-page app handles its own routes; the household's public pages (/s/*) are a small page of their own.
    // Their Content-Security-Policy is the one of every response (security-headers.ts).
    const page = /^\/s(\/|\?|$)/.test(request.url) && hasPublicPages ? 'public.html' : 'index.html';
    return reply.header('cache-control', 'no-cache').sendFile(page);
  });

  return app;
}

/**
 * Answers a request Node's HTTP parser refused (431 headers too large, 408 timeout, 400 otherwise) with problem+json,
 * in the language of its Accept-Language header when the raw bytes show one.
 */
function rawClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket, fallback: Locale): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const header = Buffer.isBuffer(error.rawPacket) ? /\r\naccept-language:[ \t]*([^\r\n]{0,200})/i.exec(error.rawPacket.toString('latin1'))?.[1] : undefined;
  const body = JSON.stringify(httpProblem(negotiateLocale(header, fallback), status, ''));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Unsafe requests from another site (a form on evil.example posting here) are refused outright. */
function checkOrigin(request: FastifyRequest, trustProxy: boolean): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf', 'problem.csrf');
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new AppError('csrf', 'problem.csrf');
  }
  const expected = (trustProxy && request.headers['x-forwarded-host']) || request.headers.host;
  if (host !== expected) throw new AppError('csrf', 'problem.csrf');
}
