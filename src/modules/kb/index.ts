export { kbRoutes } from './kb.routes.js';
export { suggestArticles, recordUse, ensureKbSeed } from './kb.service.js';
// The demo's knowledge base (demo/content.ts): its categories, articles and the public page's reads.
export { createArticle, createCategory, listCategories, publicArticle } from './kb.service.js';
export type { KbSuggestion, KbSuggestionList, KbArticle } from './kb.contract.js';
export { kbSearchSource } from './search.source.js';
