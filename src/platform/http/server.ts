import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { negotiateLocale, type Locale } from '../i18n/index.js';
import type { Actor } from '../auth/permissions.js';
import { ROOT_DIR, VERSION } from '../version.js';
import { fromFastifyError, sendProblem } from './problem.js';
import { zodValidatorCompiler } from './validation.js';

export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'x-csrf-token';
export const WEB_DIST = path.join(ROOT_DIR, 'web', 'dist');

export type SessionInfo = { id: string; csrfToken: string };

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
  logger?: boolean;
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The Fastify instance with everything modules rely on: errors, locale, auth, CSRF, OpenAPI, rate limits, the web UI. */
export async function createServer(opts: ServerOptions): Promise<App> {
  const { config } = opts;
  const app = Fastify({
    logger: opts.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'zh-CN');
  app.decorateRequest('session', null);

  await app.register(fastifyCookie);
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
        request.actor = result.actor;
        request.session = result.session;
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
      throw new AppError('unauthenticated', sessionToken ? 'auth.session_expired' : 'problem.unauthenticated');
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, request, error);
    const mapped = fromFastifyError(error, config.bodyLimitBytes);
    if (mapped) return sendProblem(reply, request, mapped);
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

  app.get('/api/health', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'ok',
    version: VERSION,
    database: opts.databaseKind,
  }));

  const hasWeb = existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: false,
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
    // The single-page app handles its own routes.
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'",
    );
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
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
