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

const BODY_ISSUE = (key: MessageKey, params: MessageParams = {}): AppError =>
  new AppError('validation', 'problem.validation', params, [{ field: 'body', key, params: { ...params, field: 'body' } }]);

/** Maps Fastify's own errors (bad JSON, body too large, wrong media type, rate limit) to AppErrors. */
export function fromFastifyError(err: FastifyError, bodyLimit: number): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return BODY_ISSUE('problem.malformed_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'problem.payload_too_large', { limit: bodyLimit }, [
        { field: 'body', key: 'problem.payload_too_large', params: { limit: bodyLimit, field: 'body' } },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'problem.unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return BODY_ISSUE('problem.invalid_content_length');
    default:
      break;
  }
  if (err.statusCode === 429) return new AppError('rate_limited', 'problem.rate_limited');
  if (err instanceof SyntaxError && err.statusCode === 400) return BODY_ISSUE('problem.malformed_json');
  return null;
}

/**
 * Statuses Fastify, its plugins or Node's HTTP parser answer by themselves (no AppError behind them): each gets a
 * code and a message of its own, so every answer of the API is problem+json in the caller's language.
 */
const HTTP_PROBLEMS: Record<number, { code: string; key: MessageKey }> = {
  400: { code: 'bad_request', key: 'problem.bad_request' },
  404: { code: 'not_found', key: 'problem.not_found' },
  405: { code: 'method_not_allowed', key: 'problem.method_not_allowed' },
  406: { code: 'not_acceptable', key: 'problem.not_acceptable' },
  408: { code: 'request_timeout', key: 'problem.request_timeout' },
  413: { code: 'payload_too_large', key: 'problem.payload_too_large' },
  414: { code: 'uri_too_long', key: 'problem.uri_too_long' },
  415: { code: 'unsupported_media_type', key: 'problem.unsupported_media_type' },
  416: { code: 'range_not_satisfiable', key: 'problem.range_not_satisfiable' },
  431: { code: 'headers_too_large', key: 'problem.headers_too_large' },
};

/**
 * Problem details for a bare HTTP status (4xx): the title names the status, the detail says what was wrong
 * (`detailKey`, else the same sentence). Statuses without an entry read as a generic bad request.
 */
export function httpProblem(
  locale: Locale,
  status: number,
  instance: string,
  detailKey?: MessageKey,
  params: MessageParams = {},
): Problem {
  const known = HTTP_PROBLEMS[status] ?? { code: 'bad_request', key: 'problem.bad_request' as MessageKey };
  const title = t(locale, known.key, params);
  return {
    type: `urn:hearth:problem:${known.code}`,
    title,
    status,
    detail: detailKey ? t(locale, detailKey, params) : title,
    code: known.code,
    instance,
    errors: [],
  };
}

/** Fastify's routing errors (answered before any hook runs): a malformed %-escape, a path parameter too long. */
export function fromFrameworkError(err: FastifyError): { status: number; detailKey: MessageKey } {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return { status: 400, detailKey: 'problem.bad_url' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, detailKey: 'problem.uri_too_long' };
    default: {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      return { status, detailKey: HTTP_PROBLEMS[status]?.key ?? 'problem.bad_request' };
    }
  }
}

/** Sends a bare-status problem (see `httpProblem`) in the request's language. */
export function sendHttpProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  detailKey?: MessageKey,
  params: MessageParams = {},
): FastifyReply {
  const problem = httpProblem(request.locale, status, request.url.split('?')[0] ?? request.url, detailKey, params);
  return reply.code(status).type('application/problem+json; charset=utf-8').send(problem);
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const problem = toProblem(err, request.locale, request.url.split('?')[0] ?? request.url, request.routeOptions?.config?.fieldLabels);
  if (err.code === 'rate_limited' && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  return reply.code(err.status).type('application/problem+json; charset=utf-8').send(problem);
}
