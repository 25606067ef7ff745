/**
 * 503 for a request whose database connection was lost or could not be had (PostgreSQL restarting, a connection
 * terminated by an administrator, the pool waiting too long): problem details in the caller's language with
 * Retry-After, so clients and proxies try again instead of reporting an internal error. The pool reconnects by itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';

/** Seconds a client should wait before trying again (a restart of PostgreSQL takes a few). */
export const RETRY_AFTER_SECONDS = 5;

/** While the database is away every request fails: one log line per LOG_EVERY_MS, with the count, is enough. */
const LOG_EVERY_MS = 5000;
let loggedAt = 0;
let unlogged = 0;

export function sendUnavailable(reply: FastifyReply, request: FastifyRequest, cause: Error): FastifyReply {
  unlogged++;
  if (Date.now() - loggedAt >= LOG_EVERY_MS) {
    request.log.warn(`database unavailable: ${rootMessage(cause)} (${unlogged} request(s) answered 503)`);
    loggedAt = Date.now();
    unlogged = 0;
  }
  return reply
    .code(503)
    .header('retry-after', String(RETRY_AFTER_SECONDS))
    .type('application/problem+json; charset=utf-8')
    .send({
      type: 'urn:hearth:problem:unavailable',
      title: t(request.locale, 'problem.unavailable'),
      status: 503,
      detail: t(request.locale, 'problem.database_unavailable'),
      code: 'unavailable',
      instance: request.url.split('?')[0] ?? request.url,
      errors: [],
    });
}

/** The innermost message (Drizzle wraps the driver's error as "Failed query: …"). */
function rootMessage(err: Error): string {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur instanceof Error && cur.cause instanceof Error; i++) cur = cur.cause;
  return cur instanceof Error ? cur.message : err.message;
}
