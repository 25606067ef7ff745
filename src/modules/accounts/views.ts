import type { TeamView, UserView } from './accounts.contract.js';
import type { RoleRow, TeamRow, TokenRow, UserRow } from './accounts.repository.js';

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    mobile: u.mobile,
    email: u.email,
    roleKey: u.roleKey,
    teamId: u.teamId,
    active: u.active,
    locale: u.locale,
    locked: !!u.lockedUntil && u.lockedUntil > new Date(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export const toTeamView = (t: TeamRow): TeamView => ({ id: t.id, name: t.name, kind: t.kind, parentId: t.parentId });
export const toRoleView = (r: RoleRow) => ({
  key: r.key,
  scope: r.scope,
  permissions: r.permissions,
  builtin: r.builtin,
  customized: r.customized,
});
export const toTokenView = (t: TokenRow) => ({
  id: t.id,
  userId: t.userId,
  name: t.name,
  prefix: t.prefix,
  permissions: t.permissions,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});
