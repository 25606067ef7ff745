import { decodeKeysCursor, encodeKeysCursor, type SortKind } from '../../platform/http/cursor.js';
import type { ArticleSortKey } from './kb.repository.js';

/**
 * Cursors of the article lists. A list sorts by several keys before the id (`sortKeysOf` in kb.repository.ts: the
 * rank when searched, the views on the public page, the last change), so a cursor holds one value per key
 * (platform/http/cursor.ts), each checked as its key's kind: a forged cursor, or one of a list sorted otherwise
 * (another number of keys), is a 400 naming `cursor`, never a database error.
 */
const KINDS: Record<ArticleSortKey, SortKind> = { rank: 'number', views: 'integer', updated: 'timestamp' };

export function encodeArticleCursor(values: string[], id: string): string {
  return encodeKeysCursor(values, id);
}

export function decodeArticleCursor(cursor: string, keys: ArticleSortKey[]): { values: string[]; id: string } {
  return decodeKeysCursor(cursor, keys.map((k) => KINDS[k]));
}
