// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const HeatingRoutes = /* @__PURE__ */ lazyPage(() => import('./HeatingRoutes'), 'HeatingRoutes');
