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

/** At most this many nested arrays and objects in a JSON body (checked before parsing; see `jsonDepthExceeds`). */
export const MAX_JSON_DEPTH = 64;

/**
 * True when JSON text nests arrays and objects more than `max` levels deep. A single pass over the characters with
 * a counter (no recursion, no parse), so a body of 100,000 brackets costs what its length costs and stops at the
 * first bracket too many. Brackets inside strings do not count; the text need not be valid JSON (the parser decides).
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* backslash */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

// String.prototype.isWellFormed (ES2024, in Node since 20): false when a string holds half of a surrogate pair.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The problem with one piece of text, if any: a NUL character, or half of a UTF-16 surrogate pair. */
function textProblem(s: string): 'validation.invalid_characters' | 'validation.invalid_text' | null {
  if (s.includes('\u0000')) return 'validation.invalid_characters';
  if (!isWellFormed(s)) return 'validation.invalid_text';
  return null;
}

/**
 * Text PostgreSQL cannot store: a NUL character (text cannot hold one) or a lone UTF-16 surrogate such as the JSON
 * `"x\ud800"` (not valid UTF-8, so json/jsonb and text refuse it). Either would fail deep in the database (a 500),
 * so both are refused up front, in values and in object keys, naming the field (`body.name`, `body.tags.2`).
 * Iterative (a queue, no recursion), so no input nests deep enough to exhaust the call stack.
 */
export function nulCharacterIssues(data: unknown, rootField = 'body'): FieldIssue[] {
  const out: FieldIssue[] = [];
  // Containers still to look into, breadth first (top-level fields are reported first), with their paths; a path
  // is built only for a container or a field with a problem.
  const containers: object[] = [];
  const paths: string[] = [];
  const fieldOf = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  const check = (value: unknown, path: string, key: string | number) => {
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) {
        const field = fieldOf(path, key);
        out.push({ field, key: problem, params: { field } });
      }
    } else if (value !== null && typeof value === 'object') {
      containers.push(value);
      paths.push(fieldOf(path, key));
    }
  };
  if (typeof data === 'string') {
    const problem = textProblem(data);
    return problem ? [{ field: rootField, key: problem, params: { field: rootField } }] : [];
  }
  if (data === null || typeof data !== 'object') return [];
  containers.push(data);
  paths.push('');
  for (let q = 0; q < containers.length; q++) {
    const container = containers[q]!;
    const path = paths[q]!;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) check(container[i], path, i);
      continue;
    }
    for (const k in container) {
      if (!Object.hasOwn(container, k)) continue;
      const keyProblem = textProblem(k);
      if (keyProblem) {
        // A bad key is named escaped (JSON.stringify writes `\ud800`), so the answer itself stays valid text.
        const field = fieldOf(path, JSON.stringify(k).slice(1, -1));
        out.push({ field, key: keyProblem, params: { field } });
      } else {
        check((container as Record<string, unknown>)[k], path, k);
      }
    }
  }
  return out;
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
