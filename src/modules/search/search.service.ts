import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import type { SearchResult } from './search.contract.js';
import { searchSources } from './sources.js';
import { NUMERIC, type SearchQueryInput } from './search.types.js';

/**
 * The global search: every registered source asked at once with the same text, each answering within its module's
 * rules (permission, data scope, masking); groups the caller may not search are left out.
 */
export async function search(db: Db, actor: Actor | null, input: SearchQueryInput): Promise<SearchResult> {
  requireAccess(actor);
  const q = { text: input.q, limit: input.limit, locale: actor.locale, numeric: NUMERIC.test(input.q) && /\d/.test(input.q) };
  const answers = [];
  // One after another: on PGlite there is one connection anyway, and on PostgreSQL a keystroke should hold one.
  for (const source of searchSources()) {
    const hits = await source.search(db, actor, q);
    if (hits) answers.push({ group: source.group, hits: hits.slice(0, input.limit) });
  }
  return { q: input.q, groups: answers };
}
