import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldIssue } from '../errors.js';
import { fieldLabel, isMessageKey, t, type Locale, type MessageKey, type MessageParams } from '../i18n/index.js';

const TITLES: Record<ErrorCode, MessageKey> = {
  validation: 'problem.validation',
  unauthenticated: 'problem.unauthenticated',
  forbidden: 'problem.forbidden',
  not_found: 'problem.not_found',
  conflict: 'problem.conflict',
  locked: 'problem.locked',
  rate_limited: 'problem.rate_limited',
  payload_too_large: 'problem.payload_too_large',
  unsupported_media_type: 'problem.unsupported_media_type',
  csrf: 'problem.csrf',
};

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  errors: { field: string; message: string }[];
};

/** A field's label, in the route's own namespace of labels first (`field.task.title`), then the shared one. */
function labelOf(locale: Locale, path: string, namespace?: string): string {
  if (namespace) {
    const scoped = `${namespace}.${path}`;
    const label = fieldLabel(locale, scoped);
    if (label !== scoped) return label;
  }
  return fieldLabel(locale, path);
}

/** One field problem as a sentence in the given language. */
export function issueMessage(locale: Locale, i: FieldIssue, namespace?: string): string {
  // An unknown field is named as the caller sent it; a known one by its label in the caller's language.
  const raw = String(i.params?.field ?? i.field);
  const params: MessageParams = { ...i.params, field: i.key === 'validation.unknown_field' ? raw : labelOf(locale, raw, namespace) };
  // "expected string" → "应为文本" / "expected text": the type names are translated too.
  const expected = `type.${String(params.expected)}`;
  if (params.expected !== undefined && isMessageKey(expected)) params.expected = t(locale, expected);
  return t(locale, i.key, params);
}

/** Renders an AppError as RFC 9457 problem details in the given locale. */
export function toProblem(err: AppError, locale: Locale, instance: string, labels?: string): Problem {
  const errors = err.issues.map((i) => ({ field: i.field, message: issueMessage(locale, i, labels) }));
  const title = t(locale, TITLES[err.code], err.params);
  const detail = errors.length ? errors.map((e) => e.message).join(locale === 'en' ? '; ' : '；') : t(locale, err.key, err.params);
  return { type: `urn:hearth:problem:${err.code}`, title, status: err.status, detail, code: err.code, instance, errors };
}

/** Maps Fastify's own errors (bad JSON, body too large, wrong media type, rate limit) to AppErrors. */
export function fromFastifyError(err: FastifyError, bodyLimit: number): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('validation', 'problem.validation', {}, [
        { field: 'body', key: 'problem.malformed_json', params: { field: 'body' } },
      ]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'problem.payload_too_large', { limit: bodyLimit }, [
        { field: 'body', key: 'problem.payload_too_large', params: { limit: bodyLimit, field: 'body' } },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type', 'problem.unsupported_media_type');
    default:
      break;
  }
  if (err.statusCode === 429) return new AppError('rate_limited', 'problem.rate_limited');
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new AppError('validation', 'problem.validation', {}, [
      { field: 'body', key: 'problem.malformed_json', params: { field: 'body' } },
    ]);
  }
  return null;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const problem = toProblem(err, request.locale, request.url.split('?')[0] ?? request.url, request.routeOptions?.config?.fieldLabels);
  if (err.code === 'rate_limited' && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  return reply.code(err.status).type('application/problem+json; charset=utf-8').send(problem);
}
