// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const TemplatesPage = /* @__PURE__ */ lazyPage(() => import('./TemplatesPage'), 'TemplatesPage');
export const OutboxPage = /* @__PURE__ */ lazyPage(() => import('./OutboxPage'), 'OutboxPage');
export const UnsubscribePage = /* @__PURE__ */ lazyPage(() => import('./UnsubscribePage'), 'UnsubscribePage');
export const MessageSettingsPage = /* @__PURE__ */ lazyPage(() => import('./MessageSettingsCard'), 'MessageSettingsPage');
/** Registers its tab (and header actions) on the customer 360 page: loaded with that page. */
export const loadCustomerTab = (): Promise<unknown> => import('./tab');
