import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Keyset pagination cursors: the last row's sort values (as PostgreSQL text, full precision) and its id, as
 * base64url JSON `[value…, id]`. Decoding checks every part against the kind of its sort key, so a forged or foreign
 * cursor (another list's, another sort's, another number of keys) is a 400 naming `cursor`, never a database error.
 * Every paged list answers `{ items, nextCursor }` (`pageOf` in ./response.ts) and takes `cursor` and `limit`
 * (`pageQuery` here); a sort over a nullable column sorts a coalesced value, so a cursor value is never null. The
 * keyset condition is one row-value comparison: `(key1, …, id) < (value1, …, id)` descending (`>` ascending).
 */
export function encodeCursor(value: string, id: string): string {
  return encodeKeysCursor([value], id);
}

/** A cursor of a list sorted by several keys before the id. */
export function encodeKeysCursor(values: string[], id: string): string {
  return Buffer.from(JSON.stringify([...values, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})?$/;

/**
 * What a list is sorted by: an instant, a text (collated by the database), a number (a finite decimal: numeric,
 * float8) or an integer (int4, int8).
 */
export type SortKind = 'timestamp' | 'text' | 'number' | 'integer';

const NUMBER = /^-?\d{1,30}(\.\d{1,30})?(e[+-]?\d{1,3})?$/i;
const INTEGER = /^-?\d{1,18}$/;

/** Whether a sort value is one the database can compare with (a cursor of another sort is not). */
function validSortValue(kind: SortKind, value: string): boolean {
  if (kind === 'text') return !value.includes('\u0000');
  if (kind === 'number') return NUMBER.test(value) && Number.isFinite(Number(value));
  if (kind === 'integer') return INTEGER.test(value);
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1000 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/** The sort values and id of a cursor made by `encodeKeysCursor`, each checked against its key's kind. */
export function decodeKeysCursor(cursor: string, kinds: SortKind[]): { values: string[]; id: string } {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === kinds.length + 1 && parts.every((p) => typeof p === 'string')) {
      const values = parts.slice(0, -1) as string[];
      const id = parts[parts.length - 1] as string;
      if (UUID.test(id) && values.every((v, i) => validSortValue(kinds[i]!, v))) return { values, id };
    }
  } catch {
    // fall through
  }
  throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
}

/** The sort value and id of a one-key cursor (`encodeCursor`). */
export function decodeCursor(cursor: string, kind: SortKind): { value: string; id: string } {
  const { values, id } = decodeKeysCursor(cursor, [kind]);
  return { value: values[0]!, id };
}

/** The query parameters of every paged list: the previous answer's `nextCursor`, and the page size. */
export const pageQuery = (maxLimit: number, defaultLimit: number) => ({
  cursor: z.string().max(300).optional().describe('The previous page\'s nextCursor; none for the first page'),
  limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
});
