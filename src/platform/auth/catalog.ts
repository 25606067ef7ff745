/**
 * The names of permissions, data scopes and built-in roles: plain constants shared with the web UI, which bundles
 * this file. No imports, so the browser build can compile it as it is.
 */

/** Every named permission. A role holds a set of them; an API token holds a subset of its creator's. */
export const PERMISSIONS = [
  'customer:read',
  'customer:write',
  'customer:delete',
  'customer:export',
  'customer:pii',
  'tag:manage',
  'transaction:write',
  'product:manage',
  'user:read',
  'user:manage',
  'role:manage',
  'audit:read',
  'settings:manage',
  'token:manage',
  'care:manage',
  'message:manage',
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
  'privacy:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const SCOPES = ['own', 'team', 'all'] as const;
/** Which customers a role reaches: those it owns, those of its team (and sub-teams), or all. */
export type Scope = (typeof SCOPES)[number];

export const ROLE_KEYS = ['admin', 'manager', 'account_manager', 'agent', 'marketer', 'viewer'] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];
