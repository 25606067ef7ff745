/**
 * What the accounts API returns, shared with the web UI. Types only, and no imports, so the browser build can
 * compile this file as it is.
 */

export type UserView = {
  id: string;
  username: string;
  displayName: string;
  mobile: string | null;
  email: string | null;
  roleKey: string;
  teamId: string | null;
  active: boolean;
  locale: string | null;
  locked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  /** The user admins' list only: whether the user signs in with two-factor (an admin can reset it). */
  twoFactor?: boolean;
};

/** 部门 / 班组: departments contain groups. */
export type TeamView = { id: string; name: string; kind: 'department' | 'group'; parentId: string | null };

/** GET /setup: whether first-run setup is still needed, and the company's name once it is not. */
export type SetupStatusView = { needed: boolean; companyName: string | null };
/** POST /setup: the first administrator, created with the company. */
export type SetupResultView = { admin: UserView };
/**
 * POST /auth/login: the user and the CSRF token writes must carry in the `x-csrf-token` header; `twoFactor` names the
 * step still needed before the session is signed in (security.contract.ts), null when it is.
 */
export type LoginView = { user: UserView; csrfToken: string; twoFactor: 'code' | 'enrol' | null };

/** GET /auth/me: who is signed in, what they may do and see, and the company (its type from settings.contract.ts). */
export type MeView<Company> = {
  /** Null for actors without a user (the CLI, the system). */
  user: UserView | null;
  permissions: string[];
  scope: 'own' | 'team' | 'all';
  via: 'session' | 'token' | 'cli' | 'system';
  /** Null when signed in with an API token (no session, no CSRF check). */
  csrfToken: string | null;
  company: Company;
};

export type RoleView = { key: string; scope: 'own' | 'team' | 'all'; permissions: string[]; builtin: boolean; customized: boolean };

export type TokenView = {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the token, to recognise it. */
  prefix: string;
  permissions: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};
/** A new token: the only answer that carries the secret itself. */
export type CreatedTokenView = TokenView & { token: string };
