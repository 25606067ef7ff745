import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Keyset pagination cursors: the last row's sort value (as PostgreSQL text, full precision) and its id, as
 * base64url JSON. Decoding checks both, so a forged or foreign cursor is a 400 naming `cursor`, never a 500.
 * Every paged list answers `{ items, nextCursor }` (`pageOf` in ./response.ts) and takes `cursor` and `limit`
 * (`pageQuery` here); a sort over a nullable column sorts a coalesced value, so the cursor value is never null.
 */
export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})?$/;

/** What a list is sorted by: an instant, a text (collated by the database) or a number (integer or decimal). */
export type SortKind = 'timestamp' | 'text' | 'number';

const NUMBER = /^-?\d{1,30}(\.\d{1,30})?(e[+-]?\d{1,3})?$/i;

/** Whether a sort value is one the database can compare with (a cursor of another sort is not). */
function validSortValue(kind: SortKind, value: string): boolean {
  if (kind === 'text') return !value.includes('\u0000');
  if (kind === 'number') return NUMBER.test(value);
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1000 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

export function decodeCursor(cursor: string, kind: SortKind): { value: string; id: string } {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof value === 'string' && typeof id === 'string' && UUID.test(id) && validSortValue(kind, value)) return { value, id };
  } catch {
    // fall through
  }
  throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
}

/** The query parameters of every paged list: the previous answer's `nextCursor`, and the page size. */
export const pageQuery = (maxLimit: number, defaultLimit: number) => ({
  cursor: z.string().max(300).optional().describe('The previous page\'s nextCursor; none for the first page'),
  limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
});
