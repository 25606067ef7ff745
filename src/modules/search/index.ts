export { searchRoutes } from './search.routes.js';
export { registerSearchSource, type SearchQuery, type SearchSource } from './sources.js';
export type { SearchGroupKey, SearchHit, SearchResult } from './search.contract.js';
