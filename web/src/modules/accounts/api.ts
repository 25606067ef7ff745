import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { Permission, Scope, UserView } from '../../platform/auth';
import type { MessageKey, Translate } from '../../platform/i18n';
import { ROLE_KEYS } from '../../../../src/platform/auth/catalog';
import type { TeamView } from '../../../../src/modules/accounts/accounts.contract';

export { ROLE_KEYS, SCOPES } from '../../../../src/platform/auth/catalog';
export type { TeamView, UserView };
export type RoleView = { key: string; scope: Scope; permissions: Permission[]; builtin: boolean; customized: boolean };
export type TokenView = {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  permissions: Permission[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export const keys = {
  users: ['accounts', 'users'] as const,
  teams: ['accounts', 'teams'] as const,
  roles: ['accounts', 'roles'] as const,
  tokens: ['accounts', 'tokens'] as const,
};

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: keys.users,
    queryFn: async () => (await api.get<{ items: UserView[] }>('/api/v1/users')).items,
    enabled,
    staleTime: 30_000,
  });
}

export function useTeams(enabled = true) {
  return useQuery({
    queryKey: keys.teams,
    queryFn: async () => (await api.get<{ items: TeamView[] }>('/api/v1/teams')).items,
    enabled,
    staleTime: 30_000,
  });
}

export function useRoles() {
  return useQuery({ queryKey: keys.roles, queryFn: async () => (await api.get<{ items: RoleView[] }>('/api/v1/roles')).items });
}

export function useTokens() {
  return useQuery({ queryKey: keys.tokens, queryFn: async () => (await api.get<{ items: TokenView[] }>('/api/v1/tokens')).items });
}

/** A role's display name; custom role keys (not built in) are shown as they are. */
export function roleLabel(t: Translate, key: string): string {
  return (ROLE_KEYS as readonly string[]).includes(key) ? t(`role.${key}` as MessageKey) : key;
}

export const permissionLabel = (t: Translate, p: Permission): string => t(`perm.${p}`);
export const scopeLabel = (t: Translate, s: Scope): string => t(`scope.${s}`);

export type TeamNode = { value: string; title: string; key: string; kind: TeamView['kind']; children: TeamNode[] };

/** Teams as a tree (部门 → 班组), for Tree and TreeSelect. */
export function teamTree(teams: TeamView[], exclude?: string): TeamNode[] {
  const byParent = new Map<string | null, TeamView[]>();
  const ids = new Set(teams.map((t) => t.id));
  for (const t of teams) {
    if (t.id === exclude) continue;
    const parent = t.parentId && ids.has(t.parentId) ? t.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), t]);
  }
  const build = (parent: string | null): TeamNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      .map((t) => ({ value: t.id, key: t.id, title: t.name, kind: t.kind, children: build(t.id) }));
  return build(null);
}
