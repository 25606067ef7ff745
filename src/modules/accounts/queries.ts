/**
 * Questions other modules ask about users and roles that the directory views (user_directory, team_directory) cannot
 * answer alone: which users a role's permissions make able to do something. Exported through index.ts.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Permission } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { roles, userDirectory, users } from './schema.js';

/**
 * Active users whose role holds `permission`, in a stable order (by username); with `teamId`, only the members of that
 * team (not of the teams below it). Read live from the roles table, in the caller's transaction.
 */
export async function usersHoldingPermission(db: DbOrTx, permission: Permission, opts: { teamId?: string } = {}): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(roles, eq(roles.key, users.roleKey))
    .where(and(opts.teamId ? eq(users.teamId, opts.teamId) : undefined, eq(users.active, true), sql`${permission} = any(${roles.permissions})`))
    .orderBy(asc(users.username));
  return rows.map((r) => r.id);
}

/** The display names of users by id (unknown and null ids left out), for views that name an owner or an author. */
export async function userNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = rowsOf<{ id: string; name: string }>(
    await db.execute(sql`select id, display_name as name from ${userDirectory} where id in (${sql.join(wanted.map((x) => sql`${x}::uuid`), sql`, `)})`),
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
