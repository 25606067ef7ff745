// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const LoyaltyPage = /* @__PURE__ */ lazyPage(() => import('./LoyaltyPage'), 'LoyaltyPage');
/** Registers its tab (会员积分) on the customer 360 page: loaded with that page. */
export const loadCustomerTab = (): Promise<unknown> => import('./tab');
