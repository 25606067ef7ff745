import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { invalidateDirectory } from './directory.state.js';
import { apiTokens, roles, sessions, teams, users } from './schema.js';

export type UserRow = typeof users.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;
export type RoleRow = typeof roles.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;

// users
export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}
export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}
export async function findUserByLogin(db: DbOrTx, login: string, mobile: string | null): Promise<UserRow | undefined> {
  const cond = mobile ? or(eq(users.username, login.toLowerCase()), eq(users.mobile, mobile)) : eq(users.username, login.toLowerCase());
  const [row] = await db.select().from(users).where(cond).limit(1);
  return row;
}
export async function listUsers(db: DbOrTx): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.username));
}
export async function insertUser(db: DbOrTx, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}
export async function updateUser(db: DbOrTx, id: string, values: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
  invalidateDirectory(db);
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}
export async function countActiveAdmins(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.roleKey, 'admin'), eq(users.active, true)));
  return row?.n ?? 0;
}
/** Counts consecutive failures; once a lock has run out, counting starts again (one more mistake does not re-lock). */
export async function recordLoginFailure(db: DbOrTx, id: string, max: number, lockMinutes: number): Promise<UserRow | undefined> {
  invalidateDirectory(db);
  const expired = sql`(${users.lockedUntil} is not null and ${users.lockedUntil} <= now())`;
  const next = sql`(case when ${expired} then 1 else ${users.failedLogins} + 1 end)`;
  const [row] = await db
    .update(users)
    .set({
      failedLogins: next,
      lockedUntil: sql`case when ${next} >= ${max} then now() + make_interval(mins => ${lockMinutes}) when ${expired} then null else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, id))
    .returning();
  return row;
}

// teams
export async function listTeams(db: DbOrTx): Promise<TeamRow[]> {
  return db.select().from(teams).where(isNull(teams.deletedAt)).orderBy(asc(teams.name));
}
export async function findTeam(db: DbOrTx, id: string): Promise<TeamRow | undefined> {
  const [row] = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), isNull(teams.deletedAt)));
  return row;
}
export async function insertTeam(db: DbOrTx, values: typeof teams.$inferInsert): Promise<TeamRow> {
  const [row] = await db.insert(teams).values(values).returning();
  return row!;
}
export async function updateTeam(db: DbOrTx, id: string, values: Partial<typeof teams.$inferInsert>): Promise<TeamRow | undefined> {
  const [row] = await db
    .update(teams)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(teams.id, id))
    .returning();
  return row;
}
/** A team and all teams below it. */
export async function teamAndDescendants(db: DbOrTx, teamId: string): Promise<string[]> {
  const result = await db.execute(sql`
    with recursive t(id) as (
      select id from teams where id = ${teamId} and deleted_at is null
      union
      select c.id from teams c join t on c.parent_id = t.id where c.deleted_at is null
    ) select id from t`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}
export async function countTeamDependents(db: DbOrTx, teamId: string): Promise<number> {
  const [a] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.teamId, teamId));
  const [b] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(teams)
    .where(and(eq(teams.parentId, teamId), isNull(teams.deletedAt)));
  // Customers hold a foreign key to their team; counted through the customers module's view (customer_directory)
  // because that module depends on this one, not the other way round.
  const c = await db.execute(sql`select count(*)::int as n from customer_directory where team_id = ${teamId} and deleted_at is null`);
  return (a?.n ?? 0) + (b?.n ?? 0) + (rowsOf<{ n: number }>(c)[0]?.n ?? 0);
}

// roles
export async function listRoles(db: DbOrTx): Promise<RoleRow[]> {
  return db.select().from(roles).orderBy(asc(roles.key));
}
export async function findRole(db: DbOrTx, key: string): Promise<RoleRow | undefined> {
  const [row] = await db.select().from(roles).where(eq(roles.key, key));
  return row;
}
export async function upsertBuiltinRole(db: DbOrTx, key: string, scope: RoleRow['scope'], permissions: string[]): Promise<void> {
  // Built-in roles nobody customised follow the code's defaults; customised ones are left alone.
  await db
    .insert(roles)
    .values({ key, scope, permissions, builtin: true, customized: false })
    .onConflictDoUpdate({
      target: roles.key,
      set: { scope, permissions },
      setWhere: eq(roles.customized, false),
    });
}
export async function updateRole(db: DbOrTx, key: string, values: Partial<typeof roles.$inferInsert>): Promise<RoleRow | undefined> {
  const [row] = await db
    .update(roles)
    .set({ ...values, customized: true, updatedAt: new Date() })
    .where(eq(roles.key, key))
    .returning();
  return row;
}

// sessions
export async function insertSession(db: DbOrTx, values: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(values);
}
export async function findLiveSession(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date())));
  return row;
}
export async function touchSession(db: DbOrTx, id: string, expiresAt: Date): Promise<void> {
  invalidateDirectory(db);
  await db.update(sessions).set({ lastSeenAt: new Date(), expiresAt }).where(eq(sessions.id, id));
}
export async function deleteSession(db: DbOrTx, id: string): Promise<void> {
  invalidateDirectory(db);
  await db.delete(sessions).where(eq(sessions.id, id));
}
export async function deleteUserSessions(db: DbOrTx, userId: string, exceptId?: string): Promise<void> {
  invalidateDirectory(db);
  await db
    .delete(sessions)
    .where(exceptId ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${exceptId}`) : eq(sessions.userId, userId));
}

// tokens
export async function insertToken(db: DbOrTx, values: typeof apiTokens.$inferInsert): Promise<TokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}
export async function findLiveToken(db: DbOrTx, hash: string) {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
      ),
    );
  return row;
}
export async function touchToken(db: DbOrTx, id: string): Promise<void> {
  invalidateDirectory(db);
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}
export async function listTokens(db: DbOrTx, userIds: string[] | null): Promise<TokenRow[]> {
  return db
    .select()
    .from(apiTokens)
    .where(userIds ? inArray(apiTokens.userId, userIds) : undefined)
    .orderBy(asc(apiTokens.createdAt));
}
export async function findToken(db: DbOrTx, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}
export async function revokeToken(db: DbOrTx, id: string): Promise<void> {
  invalidateDirectory(db);
  await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
}
/** Field-level access (issue #18): a role's field grants (null: the default, every field editable). */
export async function setRoleFieldGrants(db: DbOrTx, key: string, fieldGrants: Record<string, 'read' | 'edit'> | null): Promise<RoleRow | undefined> {
  invalidateDirectory(db);
  const [row] = await db.update(roles).set({ fieldGrants, updatedAt: new Date() }).where(eq(roles.key, key)).returning();
  return row;
}
