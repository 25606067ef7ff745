import { AppError } from '../errors.js';
import type { Locale } from '../i18n/index.js';
import { PERMISSIONS, type Permission, type RoleKey, type Scope } from './catalog.js';
import type { FieldGrants } from './field-catalog.js';

export { PERMISSIONS, ROLE_KEYS, SCOPES, type Permission, type RoleKey, type Scope } from './catalog.js';

export const BUILTIN_ROLES: Record<RoleKey, { scope: Scope; permissions: Permission[] }> = {
  admin: { scope: 'all', permissions: [...PERMISSIONS] },
  manager: {
    scope: 'all',
    permissions: [
      'customer:read',
      'customer:write',
      'customer:delete',
      'customer:export',
      'customer:pii',
      'tag:manage',
      'transaction:write',
      'product:manage',
      'user:read',
      'audit:read',
      'token:manage',
      'care:manage',
      'ticket:read',
      'ticket:write',
      'ticket:manage',
      'kb:read',
      'kb:manage',
      'analytics:read',
      'analytics:run',
      'segment:read',
      'segment:manage',
      'campaign:read',
      'campaign:manage',
      'campaign:approve',
      'survey:read',
      'survey:manage',
      'goal:read',
      'goal:manage',
      'performance:read',
      'performance:manage',
      'report:read',
      'feedback:read',
      'feedback:manage',
      'loyalty:read',
      'loyalty:write',
      'loyalty:manage',
    ],
  },
  account_manager: { scope: 'own', permissions: ['customer:read', 'customer:write', 'customer:pii', 'transaction:write', 'user:read', 'ticket:read', 'ticket:write', 'kb:read', 'analytics:read', 'segment:read', 'survey:read', 'goal:read', 'feedback:read', 'loyalty:read', 'loyalty:write'] },
  agent: { scope: 'own', permissions: ['customer:read', 'customer:write', 'customer:pii', 'transaction:write', 'user:read', 'ticket:read', 'ticket:write', 'kb:read', 'segment:read', 'survey:read', 'goal:read', 'feedback:read', 'feedback:manage', 'loyalty:read', 'loyalty:write'] },
  marketer: { scope: 'all', permissions: ['customer:read', 'customer:export', 'tag:manage', 'user:read', 'message:manage', 'analytics:read', 'segment:read', 'segment:manage', 'campaign:read', 'campaign:manage', 'survey:read', 'survey:manage', 'goal:read', 'feedback:read', 'loyalty:read', 'loyalty:manage'] },
  viewer: { scope: 'all', permissions: ['customer:read', 'user:read', 'ticket:read', 'kb:read', 'segment:read', 'survey:read', 'goal:read', 'loyalty:read'] },
};

/** Who is acting: a signed-in user, a token, the CLI or the system itself. Built once per request. */
export type Actor = {
  userId: string | null;
  username: string;
  displayName: string;
  roleKey: string;
  permissions: ReadonlySet<Permission>;
  scope: Scope;
  teamId: string | null;
  /** The actor's team and every team below it: what a "team" scope reaches. */
  teamIds: readonly string[];
  /** The role's field grants (field-catalog.ts): null or absent — every field `edit`, capped by the permissions. */
  fieldGrants?: Readonly<FieldGrants> | null;
  via: 'session' | 'token' | 'cli' | 'system';
  ip: string | null;
  userAgent: string | null;
  locale: Locale;
};

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** The first line of every use case. */
export function requireAccess(actor: Actor | null, permission?: Permission): asserts actor is Actor {
  if (!actor) throw new AppError('unauthenticated', 'problem.unauthenticated');
  if (permission && !actor.permissions.has(permission)) throw AppError.forbidden();
}

/** The system actor: full access, for the CLI and background jobs. */
export function systemActor(via: 'cli' | 'system' = 'system', locale: Locale = 'zh-CN'): Actor {
  return {
    userId: null,
    username: via,
    displayName: via === 'cli' ? 'CLI' : 'System',
    roleKey: 'admin',
    permissions: new Set(PERMISSIONS),
    scope: 'all',
    teamId: null,
    teamIds: [],
    via,
    ip: null,
    userAgent: null,
    locale,
  };
}
