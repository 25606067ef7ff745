// The module's page for the shell (App.tsx): a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const PrivacyPage = /* @__PURE__ */ lazyPage(() => import('./PrivacyPage'), 'PrivacyPage');
