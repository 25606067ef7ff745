/**
 * Data scope: the one place that reads an actor's scope (ESLint forbids `actor.scope` anywhere else).
 *
 * A role's scope says which rows its holders reach by who owns them: `own` (rows owned by or assigned to the user),
 * `team` (those, and rows of the user's team and every team below it), `all`. Every module asks through here:
 * - `dataScopeOf(actor)` — the scope as data, for repositories that build their own conditions;
 * - `scopeWhere(scope, ownerColumn, teamColumn)` — the SQL condition over any owner/team column pair;
 * - `scopeReaches(scope, row)` — the same rule as a row predicate, for a row already loaded.
 * Which *customers* an actor may see is asked of the customers module (`customerAccess` in its index.ts), which
 * builds on these; tickets, tasks and imports use them over their own assignee/team columns.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Actor } from './permissions.js';
import type { Scope } from './catalog.js';

/** A user id no row has: what an actor without a user (a token's system actor has one; the CLI has none) owns. */
export const NO_USER = '00000000-0000-0000-0000-000000000000';

/** Which rows an actor reaches, as data (the service decides; repositories only apply it). */
export type DataScope = { kind: 'all' } | { kind: 'own'; userId: string } | { kind: 'team'; userId: string; teamIds: readonly string[] };

export function dataScopeOf(actor: Actor): DataScope {
  if (actor.scope === 'all') return { kind: 'all' };
  const userId = actor.userId ?? NO_USER;
  return actor.scope === 'team' ? { kind: 'team', userId, teamIds: actor.teamIds } : { kind: 'own', userId };
}

/** Whether the actor reaches every row (scope `all`): no condition to apply. */
export function reachesAll(actor: Actor): boolean {
  return actor.scope === 'all';
}

/** The actor's scope name, for showing it (the signed-in user's profile) — never for deciding access. */
export function scopeName(actor: Actor): Scope {
  return actor.scope;
}

const SCOPE_RANK: Record<Scope, number> = { own: 0, team: 1, all: 2 };

/** Whether a role of scope `scope` is no stronger than the actor's own (an actor grants at most what it holds). */
export function scopeWithin(actor: Actor, scope: Scope): boolean {
  return SCOPE_RANK[scope] <= SCOPE_RANK[actor.scope];
}

/** The teams the scope reaches beyond the user's own rows (none for `own` and `all`). */
export function scopeTeams(scope: DataScope): readonly string[] {
  return scope.kind === 'team' ? scope.teamIds : [];
}

function teamList(teamIds: readonly string[]): SQL {
  return sql`array[${sql.join(
    teamIds.map((t) => sql`${t}`),
    sql`, `,
  )}]::uuid[]`;
}

/**
 * The scope as a SQL condition over an owner column and a team column (either may be a column of any table or an
 * expression such as `coalesce(t.team_id, u.team_id)`): `true` for `all`.
 */
export function scopeWhere(scope: DataScope, owner: SQLWrapper, team: SQLWrapper | null): SQL {
  if (scope.kind === 'all') return sql`true`;
  const own = sql`${owner} = ${scope.userId}::uuid`;
  if (scope.kind === 'own' || !team || !scope.teamIds.length) return own;
  return sql`(${own} or ${team} = any(${teamList(scope.teamIds)}))`;
}

/** The same rule as a row predicate. */
export function scopeReaches(scope: DataScope, row: { ownerId: string | null; teamId: string | null }): boolean {
  if (scope.kind === 'all') return true;
  if (row.ownerId && row.ownerId === scope.userId) return true;
  return scope.kind === 'team' && !!row.teamId && scope.teamIds.includes(row.teamId);
}
