import type { Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import type { Locale } from '../../platform/i18n/index.js';
import type { SearchGroupKey, SearchHit } from './search.contract.js';

/** What a source is asked: the text as typed (trimmed, checked), how many hits at most, the caller's language. */
export type SearchQuery = {
  text: string;
  limit: number;
  locale: Locale;
  /** The text is a number or a phone (digits, spaces, dashes, a leading +): sources match numbers exactly or as fragments. */
  numeric: boolean;
};

/**
 * A module's contribution to the global search (customers, tickets, knowledge base, users), like the timeline's
 * sources: exported from the module's index.ts as `…SearchSource` and registered by the composition root (src/app.ts).
 * A source applies its module's own rules — the permission, the data scope, masking — exactly as its list does, and
 * answers null when the caller may not search it at all (the group is then left out). It gets the app's database
 * handle (a read, never inside a transaction). It must stay fast at scale: an
 * indexed lookup per keystroke, never a scan of a large table.
 */
export type SearchSource = {
  group: SearchGroupKey;
  search(db: Db, actor: Actor, q: SearchQuery): Promise<SearchHit[] | null>;
};

const sources = new Map<SearchGroupKey, SearchSource>();

/** Registering a group again (another app in the same process) replaces its source. */
export function registerSearchSource(source: SearchSource): void {
  sources.set(source.group, source);
}

export function searchSources(): SearchSource[] {
  return [...sources.values()];
}
