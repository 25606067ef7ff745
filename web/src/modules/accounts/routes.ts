// The module's pages for the shell (App.tsx): each a lazy component, fetched as its own chunk when first shown.
// Other modules import the module through index.ts; only the shell imports this file.
import { lazyPage } from '../../platform/lazyPage';

export const ChangePasswordPage = /* @__PURE__ */ lazyPage(() => import('./ChangePasswordPage'), 'ChangePasswordPage');
export const LoginPage = /* @__PURE__ */ lazyPage(() => import('./LoginPage'), 'LoginPage');
export const SecurityPage = /* @__PURE__ */ lazyPage(() => import('./SecurityPage'), 'SecurityPage');
export const RolesPage = /* @__PURE__ */ lazyPage(() => import('./RolesPage'), 'RolesPage');
export const SetupPage = /* @__PURE__ */ lazyPage(() => import('./SetupPage'), 'SetupPage');
export const TokensPage = /* @__PURE__ */ lazyPage(() => import('./TokensPage'), 'TokensPage');
export const UsersPage = /* @__PURE__ */ lazyPage(() => import('./UsersPage'), 'UsersPage');
