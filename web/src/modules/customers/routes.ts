// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const CustomerListPage = /* @__PURE__ */ lazyPage(() => import('./CustomerListPage'), 'CustomerListPage');
export const NewCustomerPage = /* @__PURE__ */ lazyPage(() => import('./CustomerFormPage'), 'NewCustomerPage');
export const EditCustomerPage = /* @__PURE__ */ lazyPage(() => import('./CustomerFormPage'), 'EditCustomerPage');
export const TagsPage = /* @__PURE__ */ lazyPage(() => import('./TagsPage'), 'TagsPage');
/**
 * The 360 page, fetched together with the tabs and header actions other modules register on it (`tabs`: their
 * `loadCustomerTab`), so each tab's code comes with the page and none of it before.
 */
export const customerPageWithTabs = (tabs: (() => Promise<unknown>)[]) =>
  lazyPage(async () => {
    await Promise.all(tabs.map((load) => load()));
    return import('./CustomerPage');
  }, 'CustomerPage');
