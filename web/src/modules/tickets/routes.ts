// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const TicketQueuePage = /* @__PURE__ */ lazyPage(() => import('./TicketQueuePage'), 'TicketQueuePage');
export const TicketPage = /* @__PURE__ */ lazyPage(() => import('./TicketPage'), 'TicketPage');
export const TicketSettingsPage = /* @__PURE__ */ lazyPage(() => import('./TicketSettingsPage'), 'TicketSettingsPage');
export const SlaSettingsPage = /* @__PURE__ */ lazyPage(() => import('./sla/SlaSettingsPage'), 'SlaSettingsPage');
export const TicketReportsPage = /* @__PURE__ */ lazyPage(() => import('./sla/TicketReportsPage'), 'TicketReportsPage');
/** Registers its tab (and header actions) on the customer 360 page: loaded with that page. */
export const loadCustomerTab = (): Promise<unknown> => import('./tab');
