/** What the global search (`GET /api/v1/search`) returns: plain types and constants, no imports (the web app compiles it). */

/** The groups in the order the answer lists them (each module's source, registered in src/app.ts). */
export const SEARCH_GROUPS = ['customers', 'tickets', 'articles', 'users'] as const;
export type SearchGroupKey = (typeof SEARCH_GROUPS)[number];

/** One hit: what the palette shows and where Enter goes (an app path; null when the caller has no page for it). */
export type SearchHit = {
  id: string;
  title: string;
  subtitle: string | null;
  link: string | null;
};

/** A group the caller may search (a group the caller lacks the permission for is left out, not empty). */
export type SearchGroup = { group: SearchGroupKey; hits: SearchHit[] };

export type SearchResult = { q: string; groups: SearchGroup[] };

export const SEARCH_LIMITS = { query: 100, maxLimit: 20, defaultLimit: 5 } as const;
