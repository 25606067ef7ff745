import { and, asc, desc, eq, getTableColumns, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db/client.js';
import { scopeWhere, type DataScope } from '../../platform/auth/access.js';
import { userDirectory } from '../accounts/index.js';
import { customerDirectory } from '../customers/index.js';
import type { TaskBucket } from './interactions.contract.js';
import { utcText } from './interactions.repository.js';
import type { TaskListBucket } from './interactions.types.js';
import { tasks } from './schema.js';

export type TaskRow = typeof tasks.$inferSelect;
export type TaskInsert = typeof tasks.$inferInsert;
export type TaskWithRefs = TaskRow & {
  assigneeName: string;
  assigneeTeamId: string | null;
  customerName: string | null;
  customerOwnerId: string | null;
  customerTeamId: string | null;
  completedByName: string | null;
  createdByName: string | null;
  sortValue: string;
};

/** "Now" and where today begins and ends in the company's time zone: the bucket boundaries. */
export type Clock = { now: Date; startOfToday: Date; endOfToday: Date };

const assignee = alias(userDirectory, 'assignee');
const completer = alias(userDirectory, 'completer');
const creator = alias(userDirectory, 'creator');

/** How each list is ordered: open tasks by due time (soonest first), done by completion, cancelled by change (newest first). */
function sortOf(bucket: TaskListBucket) {
  if (bucket === 'done' || bucket === 'done_today') return { column: tasks.completedAt, dir: 'desc' as const };
  if (bucket === 'cancelled') return { column: tasks.updatedAt, dir: 'desc' as const };
  return { column: tasks.dueAt, dir: 'asc' as const };
}

function selectWithRefs(db: DbOrTx, sortColumn: typeof tasks.dueAt | typeof tasks.completedAt | typeof tasks.updatedAt = tasks.dueAt) {
  return db
    .select({
      ...getTableColumns(tasks),
      assigneeName: assignee.displayName,
      assigneeTeamId: assignee.teamId,
      customerName: customerDirectory.name,
      customerOwnerId: customerDirectory.ownerId,
      customerTeamId: customerDirectory.teamId,
      completedByName: completer.displayName,
      createdByName: creator.displayName,
      sortValue: utcText(sortColumn),
    })
    .from(tasks)
    .innerJoin(assignee, eq(assignee.id, tasks.assigneeId))
    .leftJoin(customerDirectory, eq(customerDirectory.id, tasks.customerId))
    .leftJoin(completer, eq(completer.id, tasks.completedBy))
    .leftJoin(creator, eq(creator.id, tasks.createdBy));
}

export function bucketCondition(bucket: TaskListBucket, clock: Clock): SQL | undefined {
  switch (bucket) {
    case 'overdue':
      return and(eq(tasks.status, 'open'), lt(tasks.dueAt, clock.now));
    case 'today':
      return and(eq(tasks.status, 'open'), gte(tasks.dueAt, clock.now), lt(tasks.dueAt, clock.endOfToday));
    case 'upcoming':
      return and(eq(tasks.status, 'open'), gte(tasks.dueAt, clock.endOfToday));
    case 'open':
      return eq(tasks.status, 'open');
    case 'done':
      return eq(tasks.status, 'done');
    case 'done_today':
      return and(eq(tasks.status, 'done'), gte(tasks.completedAt, clock.startOfToday), lt(tasks.completedAt, clock.endOfToday));
    case 'cancelled':
      return eq(tasks.status, 'cancelled');
  }
}

/**
 * Which tasks a caller sees besides a customer's: the data scope over each task's assignee and the assignee's team
 * (platform/auth/access.ts), and the tasks they created.
 */
export type TaskVisibility = DataScope;

function visibilityCondition(v: TaskVisibility): SQL | undefined {
  if (v.kind === 'all') return undefined;
  return or(scopeWhere(v, tasks.assigneeId, assignee.teamId), eq(tasks.createdBy, v.userId));
}

export async function listTasks(
  db: DbOrTx,
  q: {
    bucket: TaskListBucket;
    clock: Clock;
    assigneeId?: string;
    customerId?: string;
    visibility?: TaskVisibility;
    after?: { value: string; id: string };
    limit: number;
  },
): Promise<TaskWithRefs[]> {
  const sort = sortOf(q.bucket);
  const cmp = sort.dir === 'asc' ? sql.raw('>') : sql.raw('<');
  const conds: (SQL | undefined)[] = [
    bucketCondition(q.bucket, q.clock),
    q.assigneeId ? eq(tasks.assigneeId, q.assigneeId) : undefined,
    q.customerId ? eq(tasks.customerId, q.customerId) : undefined,
    q.visibility ? visibilityCondition(q.visibility) : undefined,
    q.after ? sql`(${sort.column}, ${tasks.id}) ${cmp} (${q.after.value}::timestamptz, ${q.after.id}::uuid)` : undefined,
  ];
  const order = sort.dir === 'asc' ? [asc(sort.column), asc(tasks.id)] : [desc(sort.column), desc(tasks.id)];
  return (await selectWithRefs(db, sort.column)
    .where(and(...conds))
    .orderBy(...order)
    .limit(q.limit)) as TaskWithRefs[];
}

/** How many open tasks of one user are overdue, due later today, and due after today. */
export async function countBuckets(db: DbOrTx, assigneeId: string, clock: Clock): Promise<Record<TaskBucket, number>> {
  const [now, end] = [clock.now.toISOString(), clock.endOfToday.toISOString()];
  const [row] = await db
    .select({
      overdue: sql<number>`(count(*) filter (where ${tasks.dueAt} < ${now}::timestamptz))::int`,
      today: sql<number>`(count(*) filter (where ${tasks.dueAt} >= ${now}::timestamptz and ${tasks.dueAt} < ${end}::timestamptz))::int`,
      upcoming: sql<number>`(count(*) filter (where ${tasks.dueAt} >= ${end}::timestamptz))::int`,
    })
    .from(tasks)
    .where(and(eq(tasks.assigneeId, assigneeId), eq(tasks.status, 'open')));
  return { overdue: row?.overdue ?? 0, today: row?.today ?? 0, upcoming: row?.upcoming ?? 0 };
}

export async function findTask(db: DbOrTx, id: string): Promise<TaskWithRefs | undefined> {
  const [row] = await selectWithRefs(db).where(eq(tasks.id, id));
  return row as TaskWithRefs | undefined;
}

export async function insertTask(db: DbOrTx, values: TaskInsert): Promise<TaskRow> {
  const [row] = await db.insert(tasks).values(values).returning();
  return row!;
}

/** Inserts many tasks with one statement (system-created tasks: care plans and rules). */
export async function insertTasks(db: DbOrTx, values: TaskInsert[]): Promise<{ id: string; customerId: string | null }[]> {
  if (!values.length) return [];
  return db.insert(tasks).values(values).returning({ id: tasks.id, customerId: tasks.customerId });
}

/** Updates a task if it still has the given version; undefined when someone changed it meanwhile. */
export async function updateTask(db: DbOrTx, id: string, version: number, values: Partial<TaskInsert>): Promise<TaskRow | undefined> {
  const [row] = await db
    .update(tasks)
    .set({ ...values, updatedAt: new Date(), version: sql`${tasks.version} + 1` })
    .where(and(eq(tasks.id, id), eq(tasks.version, version)))
    .returning();
  return row;
}

/** Done tasks of a customer that logged no interaction (the interaction shows them otherwise), newest first. */
export async function completedWithoutInteraction(
  db: DbOrTx,
  customerId: string,
  before: { at: string; id: string } | null,
  limit: number,
): Promise<(TaskWithRefs & { sortAt: string })[]> {
  const rows = await selectWithRefs(db, tasks.completedAt)
    .where(
      and(
        eq(tasks.customerId, customerId),
        eq(tasks.status, 'done'),
        isNull(tasks.interactionId),
        before ? sql`(${tasks.completedAt}, ${tasks.id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(tasks.completedAt), desc(tasks.id))
    .limit(limit);
  return (rows as TaskWithRefs[]).map((r) => ({ ...r, sortAt: r.sortValue }));
}
