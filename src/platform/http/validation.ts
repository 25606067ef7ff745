import { z, type ZodType } from 'zod';
import type { $ZodIssue } from 'zod/v4/core';
import { AppError, type FieldIssue } from '../errors.js';
import { isMessageKey, type MessageParams } from '../i18n/index.js';

/** Turns zod issues into Hearth field issues with message keys (translated later, in the caller's language). */
export function issuesFromZod(issues: readonly $ZodIssue[], rootField = 'body'): FieldIssue[] {
  const out: FieldIssue[] = [];
  const wrongType = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    const field = path || rootField;
    // Zod still runs length checks on a value of the wrong type ("phones": "138…" is also "too long"): one message is enough.
    if (wrongType.has(field)) continue;
    if (issue.code === 'invalid_type') wrongType.add(field);
    switch (issue.code) {
      case 'invalid_type': {
        const missing = (issue as { input?: unknown }).input === undefined;
        out.push(
          missing
            ? { field, key: 'validation.required', params: { field } }
            : { field, key: 'validation.invalid_type', params: { field, expected: issue.expected } },
        );
        break;
      }
      case 'too_big': {
        const key =
          issue.origin === 'string' ? 'validation.too_long' : issue.origin === 'array' ? 'validation.too_many' : 'validation.too_big';
        out.push({ field, key, params: { field, max: Number(issue.maximum) } });
        break;
      }
      case 'too_small': {
        const key =
          issue.origin === 'string'
            ? Number(issue.minimum) === 1
              ? 'validation.required'
              : 'validation.too_short'
            : issue.origin === 'array'
              ? 'validation.too_few'
              : 'validation.too_small';
        out.push({ field, key, params: { field, min: Number(issue.minimum) } });
        break;
      }
      case 'unrecognized_keys':
        for (const k of issue.keys) {
          const f = path ? `${path}.${k}` : k;
          out.push({ field: f, key: 'validation.unknown_field', params: { field: f } });
        }
        break;
      case 'invalid_value':
        out.push({
          field,
          key: 'validation.invalid_value',
          params: { field, options: issue.values.map(String).join(' / ') },
        });
        break;
      case 'invalid_format':
        out.push({
          field,
          key: issue.format === 'email' ? 'validation.invalid_email' : issue.format === 'date' ? 'validation.invalid_date' : 'validation.invalid_format',
          params: { field },
        });
        break;
      case 'custom': {
        const key = isMessageKey(issue.message) ? issue.message : 'validation.invalid';
        out.push({ field, key, params: { field, ...((issue.params ?? {}) as MessageParams) } });
        break;
      }
      default:
        out.push({ field, key: 'validation.invalid', params: { field } });
    }
  }
  return out;
}

/**
 * Strings with a NUL character: PostgreSQL text cannot hold one, so they would fail deep in the database (a 500).
 * They are refused up front, naming the field.
 */
export function nulCharacterIssues(data: unknown, rootField = 'body', path: string[] = []): FieldIssue[] {
  if (typeof data === 'string') {
    if (!data.includes('\u0000')) return [];
    const field = path.join('.') || rootField;
    return [{ field, key: 'validation.invalid_characters', params: { field } }];
  }
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([k, v]) => nulCharacterIssues(v, rootField, [...path, k]));
}

/** Parses input with a zod schema or throws a validation AppError naming every wrong field. */
export function parseOrThrow<S extends ZodType>(schema: S, data: unknown, rootField = 'body'): ReturnType<S['parse']> {
  const nul = nulCharacterIssues(data, rootField);
  if (nul.length) throw AppError.validation(nul);
  const r = schema.safeParse(data, { reportInput: true });
  if (!r.success) throw AppError.validation(issuesFromZod(r.error.issues, rootField));
  return r.data as ReturnType<S['parse']>;
}

/** Fastify validator compiler: zod with inputs reported (so "missing" and "wrong type" differ). */
export function zodValidatorCompiler({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  const root = httpPart === 'querystring' ? 'query' : httpPart === 'params' ? 'params' : 'body';
  return (data: unknown) => {
    const nul = nulCharacterIssues(data, root);
    if (nul.length) return { error: AppError.validation(nul) };
    const r = (schema as ZodType).safeParse(data ?? undefined, { reportInput: true });
    if (r.success) return { value: r.data };
    return { error: AppError.validation(issuesFromZod(r.error.issues, root)) };
  };
}

/** Trimmed text of at most `max` characters. */
export const trimmedText = (max: number) => z.string().trim().max(max);

/** Optional trimmed text where an empty string means "no value" (null). */
export const optionalText = (max: number) =>
  trimmedText(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();
