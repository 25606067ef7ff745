// The module's page for the shell (App.tsx): a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const PrivacyPage = /* @__PURE__ */ lazyPage(() => import('./PrivacyPage'), 'PrivacyPage');
export const RetentionPage = /* @__PURE__ */ lazyPage(() => import('./RetentionPage'), 'RetentionPage');
/** 同意记录 on the customer 360 page: the tab registers itself when this chunk loads (with the page). */
export const loadCustomerTab = (): Promise<unknown> => import('./tab');
