export { kbRoutes } from './kb.routes.js';
export { suggestArticles, recordUse, ensureKbSeed } from './kb.service.js';
export type { KbSuggestion, KbSuggestionList, KbArticle } from './kb.contract.js';
export { kbSearchSource } from './search.source.js';
