/**
 * The households' server-rendered pages (surveys /s/v, feedback /f, loyalty /s/m and /s/j) answer every error of
 * their routes as a page in the household's language. What kind of trouble an error is, the same for all of them:
 * a body too large (413), the rate limit (429, with Retry-After), another refusal (4xx), or a bug (500, logged).
 * Each module shows its own texts for the kind.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export type PageTrouble = { kind: 'too_large' | 'rate_limited' | 'bad_request' | 'error'; status: number };

export function pageTrouble(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply, page: string): PageTrouble {
  const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
  if (status === 413) return { kind: 'too_large', status };
  if (status === 429) {
    if (!reply.getHeader('retry-after')) reply.header('retry-after', '60');
    return { kind: 'rate_limited', status };
  }
  if (status >= 400 && status < 500) return { kind: 'bad_request', status };
  req.log.error({ err: error }, `${page} error`);
  return { kind: 'error', status: 500 };
}
