import { z } from 'zod';
import { SEARCH_LIMITS } from './search.contract.js';

/** Digits with the separators people type in numbers: 138 1234 5678, 0451-8888-6666, +86… */
export const NUMERIC = /^\+?[\d\s\-()]+$/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;

/** Long enough to search: a number of any length, else one Chinese character or two letters. */
export function searchable(q: string): boolean {
  if (!q) return false;
  if (NUMERIC.test(q) && /\d/.test(q)) return true;
  return CJK.test(q) || Array.from(q).length >= 2;
}

export const searchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .max(SEARCH_LIMITS.query)
    .refine(searchable, { message: 'search.query_too_short' })
    .describe('Text to find: a name, address, phone (fragments need customer:pii), customer or ticket number, words of an article, a user'),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.maxLimit).default(SEARCH_LIMITS.defaultLimit).describe('Hits per group'),
});
export type SearchQueryInput = z.infer<typeof searchQuery>;
