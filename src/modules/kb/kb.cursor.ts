import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, type SortKind } from '../../platform/http/cursor.js';
import type { ArticleSortKey } from './kb.repository.js';

/**
 * Cursors of the article lists. A list sorts by several keys before the id (`sortKeysOf` in kb.repository.ts: the
 * rank when searched, the views on the public page, the last change), so the platform cursor's value (cursor.ts) is
 * the JSON array of the last row's values, one per key. Each is checked as its key's kind, so a forged cursor, or one
 * of a list sorted otherwise (another number of keys), is a 400 naming `cursor`, never a database error.
 */
export function encodeArticleCursor(values: string[], id: string): string {
  return encodeCursor(JSON.stringify(values), id);
}

const KINDS: Record<ArticleSortKey, SortKind> = { rank: 'number', views: 'number', updated: 'timestamp' };

/** Whether the platform's cursor check takes this value as one of `kind`. */
function sortable(kind: SortKind, value: string, id: string): boolean {
  try {
    decodeCursor(encodeCursor(value, id), kind);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a value is one its key's cast takes: the rank a finite float8 as JavaScript writes it (what the list puts in
 * its cursors), the views a whole count, the instant a valid one.
 */
function valid(key: ArticleSortKey, value: string, id: string): boolean {
  if (!sortable(KINDS[key], value, id)) return false;
  if (key === 'rank') return Number.isFinite(Number(value)) && String(Number(value)) === value;
  if (key === 'views') return /^\d{1,15}$/.test(value);
  return true;
}

export function decodeArticleCursor(cursor: string, keys: ArticleSortKey[]): { values: string[]; id: string } {
  const { value, id } = decodeCursor(cursor, 'text');
  let values: unknown = null;
  try {
    values = JSON.parse(value);
  } catch {
    // refused below
  }
  if (Array.isArray(values) && values.length === keys.length && values.every((v, i) => typeof v === 'string' && valid(keys[i]!, v, id))) {
    return { values: values as string[], id };
  }
  throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
}
