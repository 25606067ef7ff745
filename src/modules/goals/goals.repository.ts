/** Queries of the goals module (no rules: goals.service.ts decides who sees and changes what). */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { teamDirectory, userDirectory } from '../accounts/index.js';
import { goals, goalSnapshots } from './schema.js';

export type GoalRow = typeof goals.$inferSelect;
export type GoalWithNames = { goal: GoalRow; teamName: string | null; userName: string | null; creatorName: string | null };

const ownerUser = alias(userDirectory, 'owner_user');
const creator = alias(userDirectory, 'creator');
const ownerTeam = alias(teamDirectory, 'owner_team');

/** Who may see a goal, as data: every goal (`all`), or the company's, those of these teams, and those of these people. */
export type GoalVisibility = { kind: 'all' } | { kind: 'some'; teamIds: readonly string[]; userId: string; userTeamIds: readonly string[] };

function visibilityWhere(v: GoalVisibility): SQL | undefined {
  if (v.kind === 'all') return undefined;
  const teams = v.teamIds.length ? sql`array[${sql.join(v.teamIds.map((t) => sql`${t}`), sql`, `)}]::uuid[]` : sql`array[]::uuid[]`;
  const userTeams = v.userTeamIds.length ? sql`array[${sql.join(v.userTeamIds.map((t) => sql`${t}`), sql`, `)}]::uuid[]` : sql`array[]::uuid[]`;
  return sql`(${goals.ownerKind} = 'company' or ${goals.ownerTeamId} = any(${teams}) or ${goals.ownerUserId} = ${v.userId}::uuid
    or ${ownerUser.teamId} = any(${userTeams}))`;
}

function selectWithNames(db: DbOrTx) {
  return db
    .select({ goal: goals, teamName: ownerTeam.name, userName: ownerUser.displayName, creatorName: creator.displayName })
    .from(goals)
    .leftJoin(ownerTeam, eq(ownerTeam.id, goals.ownerTeamId))
    .leftJoin(ownerUser, eq(ownerUser.id, goals.ownerUserId))
    .leftJoin(creator, eq(creator.id, goals.createdBy));
}

export const LIST_MAX = 500;

export async function listGoals(
  db: DbOrTx,
  f: {
    visibility: GoalVisibility;
    when: 'current' | 'upcoming' | 'past' | 'all';
    today: string;
    ownerKind?: GoalRow['ownerKind'];
    deleted: 'exclude' | 'only';
    /** Only goals on these metrics whose period overlaps these days (a report's goals). */
    only?: { metrics: readonly string[]; start: string; end: string };
  },
): Promise<GoalWithNames[]> {
  const conds: (SQL | undefined)[] = [
    f.deleted === 'only' ? isNotNull(goals.deletedAt) : isNull(goals.deletedAt),
    visibilityWhere(f.visibility),
    f.ownerKind ? eq(goals.ownerKind, f.ownerKind) : undefined,
  ];
  if (f.when === 'current') conds.push(lte(goals.periodStart, f.today), gte(goals.periodEnd, f.today));
  if (f.when === 'upcoming') conds.push(sql`${goals.periodStart} > ${f.today}`);
  if (f.when === 'past') conds.push(lt(goals.periodEnd, f.today));
  if (f.only) conds.push(inArray(goals.metric, [...f.only.metrics]), lte(goals.periodStart, f.only.end), gte(goals.periodEnd, f.only.start));
  return selectWithNames(db)
    .where(and(...conds))
    .orderBy(asc(goals.periodEnd), asc(goals.name), asc(goals.id))
    .limit(LIST_MAX);
}

export async function findGoal(db: DbOrTx, id: string, visibility: GoalVisibility, lock = false): Promise<GoalWithNames | null> {
  const q = selectWithNames(db).where(and(eq(goals.id, id), visibilityWhere(visibility)));
  const [row] = lock ? await q.for('update', { of: goals }) : await q;
  return row ?? null;
}

export async function insertGoal(db: DbOrTx, values: typeof goals.$inferInsert): Promise<GoalRow> {
  const [row] = await db.insert(goals).values(values).returning();
  return row!;
}

/** Inserts a seeded goal once (its seed key is unique); null when it was there already. */
export async function insertSeededGoal(db: DbOrTx, values: typeof goals.$inferInsert): Promise<GoalRow | null> {
  const [row] = await db.insert(goals).values(values).onConflictDoNothing({ target: goals.seedKey }).returning();
  return row ?? null;
}

export async function updateGoal(db: DbOrTx, id: string, values: Partial<typeof goals.$inferInsert>): Promise<void> {
  await db
    .update(goals)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(goals.id, id));
}

/** Drops the history of a goal whose period or target changed (the clock writes it again). */
export async function clearSnapshots(db: DbOrTx, goalId: string): Promise<void> {
  await db.delete(goalSnapshots).where(eq(goalSnapshots.goalId, goalId));
}

export async function snapshotsOf(db: DbOrTx, goalId: string) {
  return db.select().from(goalSnapshots).where(eq(goalSnapshots.goalId, goalId)).orderBy(asc(goalSnapshots.day));
}

/** Live goals whose period has begun before `today` and that lack a snapshot of some day up to yesterday or their end. */
export async function goalsMissingSnapshots(db: DbOrTx, today: string, limit: number): Promise<{ goal: GoalRow; days: string[] }[]> {
  const rows = await db.execute(sql`
    select g.id, array(
        select d::date::text from generate_series(g.period_start::timestamp, least(g.period_end, ${today}::date - 1)::timestamp, interval '1 day') d
        where not exists (select 1 from ${goalSnapshots} s where s.goal_id = g.id and s.day = d::date)
        order by d) as days
    from ${goals} g
    where g.deleted_at is null and g.period_start < ${today}::date
    order by g.period_end desc, g.id
    limit ${limit}`);
  const list = rowsOf<{ id: string; days: string[] | string }>(rows).map((r) => ({
    id: r.id,
    days: Array.isArray(r.days) ? r.days : String(r.days).replace(/[{}]/g, '').split(',').filter(Boolean),
  }));
  const wanted = list.filter((r) => r.days.length);
  if (!wanted.length) return [];
  const found = await db
    .select()
    .from(goals)
    .where(sql`${goals.id} = any(${`{${wanted.map((w) => w.id).join(',')}}`}::uuid[])`);
  const byId = new Map(found.map((g) => [g.id, g]));
  return wanted.map((w) => ({ goal: byId.get(w.id)!, days: w.days })).filter((w) => w.goal);
}

export async function insertSnapshot(db: DbOrTx, values: typeof goalSnapshots.$inferInsert): Promise<void> {
  await db.insert(goalSnapshots).values(values).onConflictDoNothing();
}
