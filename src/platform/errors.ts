import type { MessageKey, MessageParams } from './i18n/index.js';

export type ErrorCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'locked'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'csrf';

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  csrf: 403,
};

/** One field problem: the path of the field (dot separated) and a translatable message. */
export type FieldIssue = { field: string; key: MessageKey; params?: MessageParams };

/**
 * The one error type of Hearth. Services throw it; the HTTP layer turns it into application/problem+json
 * (translated to the caller's language), the CLI prints it.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    readonly issues: FieldIssue[] = [],
  ) {
    super(key);
    this.status = STATUS[code];
  }

  static validation(issues: FieldIssue[]): AppError {
    return new AppError('validation', 'problem.validation', {}, issues);
  }
  static field(field: string, key: MessageKey, params: MessageParams = {}, code: ErrorCode = 'validation'): AppError {
    return new AppError(code, code === 'validation' ? 'problem.validation' : key, params, [{ field, key, params }]);
  }
  static notFound(key: MessageKey = 'problem.not_found'): AppError {
    return new AppError('not_found', key);
  }
  static forbidden(key: MessageKey = 'problem.forbidden', params: MessageParams = {}): AppError {
    return new AppError('forbidden', key, params);
  }
  static conflict(key: MessageKey, params: MessageParams = {}, field?: string): AppError {
    return new AppError('conflict', key, params, field ? [{ field, key, params }] : []);
  }
}
