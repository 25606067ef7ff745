export { viewRoutes } from './views.routes.js';
export type { SavedViewItem, SavedViewList, SavedViewState, ViewPage } from './views.contract.js';
export { VIEW_PAGES } from './views.contract.js';
