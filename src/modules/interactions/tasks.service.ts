import { dataScopeOf, scopeReaches } from '../../platform/auth/access.js';
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t } from '../../platform/i18n/index.js';
import { knownZone, startOfToday, startOfTomorrow } from '../../platform/time.js';
import { actorOfUser } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerInScope } from '../customers/index.js';
import { readCompanySettings } from '../settings/index.js';
import type { TaskBucket, TaskCounts, TaskType, TaskView, UserRef } from './interactions.contract.js';
import { logInteraction } from './interactions.service.js';
import { SUMMARY_MAX, type CompleteTaskInput, type CreateTaskInput, type TaskListBucket, type TaskListQuery, type UpdateTaskInput } from './interactions.types.js';
import { userInReach, usersInReach } from './people.js';
import * as repo from './tasks.repository.js';
import type { Clock, TaskVisibility, TaskWithRefs } from './tasks.repository.js';
import type { TimelineSource } from './timeline.js';

/** Now, and where today ends on the company's wall clock (its time zone setting, Asia/Shanghai by default). */
async function clockOf(db: DbOrTx): Promise<Clock> {
  const now = new Date();
  const zone = knownZone((await readCompanySettings(db)).timezone);
  return { now, startOfToday: startOfToday(zone, now), endOfToday: startOfTomorrow(zone, now) };
}

function bucketOf(r: { status: string; dueAt: Date }, clock: Clock): TaskBucket | null {
  if (r.status !== 'open') return null;
  if (r.dueAt < clock.now) return 'overdue';
  return r.dueAt < clock.endOfToday ? 'today' : 'upcoming';
}

const ref = (id: string | null, name: string | null): UserRef | null => (id ? { id, name: name ?? '' } : null);

function toView(actor: Actor, r: TaskWithRefs, clock: Clock): TaskView {
  // A customer outside the caller's data scope is not named (as everywhere else, it does not exist for them).
  const reachable = r.customerId !== null && customerAccess.reaches(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    notes: r.notes,
    customerId: r.customerId,
    customerName: reachable ? r.customerName : null,
    assignee: { id: r.assigneeId, name: r.assigneeName },
    dueAt: r.dueAt.toISOString(),
    status: r.status,
    bucket: bucketOf(r, clock),
    result: r.result,
    interactionId: r.interactionId,
    completedAt: r.completedAt?.toISOString() ?? null,
    completedBy: ref(r.completedBy, r.completedByName),
    createdBy: ref(r.createdBy, r.createdByName),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Which tasks the actor sees besides a customer's: their data scope over the tasks' assignees (and their own). */
function visibilityOf(actor: Actor): TaskVisibility {
  return dataScopeOf(actor);
}

/** Whether the actor may change a task: their own (assigned or created), or one of their data scope's people. */
function manages(actor: Actor, r: TaskWithRefs): boolean {
  if (actor.userId && r.createdBy === actor.userId) return true;
  return scopeReaches(dataScopeOf(actor), { ownerId: r.assigneeId, teamId: r.assigneeTeamId });
}

async function loadManaged(db: DbOrTx, actor: Actor, id: string): Promise<TaskWithRefs> {
  const row = await repo.findTask(db, id);
  if (!row || !manages(actor, row)) throw AppError.notFound('tasks.not_found');
  return row;
}

/**
 * Who a task goes to: the caller by default; someone else only within the caller's data scope (agents assign to
 * themselves), and only someone who can see the task's customer.
 */
async function checkAssignee(db: DbOrTx, actor: Actor, assigneeId: string | undefined, customerId: string | null): Promise<string> {
  const id = assigneeId ?? actor.userId;
  if (!id) throw AppError.field('assigneeId', 'validation.required', { field: 'assigneeId' });
  if (id !== actor.userId && !(await userInReach(db, actor, id))) throw AppError.field('assigneeId', 'tasks.assignee_out_of_scope');
  if (customerId && id !== actor.userId) {
    const other = await actorOfUser(db, id);
    const sees = other && can(other, 'customer:read') && (await customerInScope(db, other, customerId).then(() => true, () => false));
    if (!sees) throw AppError.field('assigneeId', 'tasks.assignee_cannot_see_customer');
  }
  return id;
}

/** Audited on the customer when there is one (so it shows in the customer's history), else on the task. */
function auditTarget(r: { id: string; customerId: string | null }) {
  return r.customerId ? { entityType: 'customer', entityId: r.customerId } : { entityType: 'task', entityId: r.id };
}

export async function createTask(db: DbOrTx, actor: Actor | null, input: CreateTaskInput): Promise<TaskView> {
  requireAccess(actor, 'customer:write');
  const customerId = input.customerId ?? null;
  if (customerId) {
    await customerInScope(db, actor, customerId, { forWrite: true }).catch(() => {
      throw AppError.field('customerId', 'customers.not_found');
    });
  }
  const assigneeId = await checkAssignee(db, actor, input.assigneeId, customerId);
  const row = await repo.insertTask(db, {
    type: input.type,
    title: input.title,
    notes: input.notes ?? null,
    customerId,
    assigneeId,
    dueAt: input.dueAt,
    createdBy: actor.userId,
  });
  await recordAudit(db, actor, {
    action: 'task_create',
    ...auditTarget(row),
    changes: { taskId: row.id, type: row.type, title: row.title, assigneeId, dueAt: row.dueAt.toISOString() },
  });
  return toView(actor, (await repo.findTask(db, row.id))!, await clockOf(db));
}

export type SystemTask = { type: TaskType; title: string; notes: string | null; customerId: string; assigneeId: string; dueAt: Date };

/**
 * Tasks the system creates in bulk (return-visit plans, care rules), in the caller's transaction: the caller has
 * checked that each assignee may see the customer. Audited on each customer like any created task.
 */
export async function createSystemTasks(db: DbOrTx, actor: Actor | null, rows: SystemTask[]): Promise<string[]> {
  requireAccess(actor, 'customer:write');
  const inserted = await repo.insertTasks(
    db,
    rows.map((r) => ({ ...r, createdBy: actor.userId })),
  );
  await recordAudit(
    db,
    actor,
    inserted.map((r, i) => ({
      action: 'task_create',
      entityType: 'customer',
      entityId: r.customerId,
      changes: { taskId: r.id, type: rows[i]!.type, title: rows[i]!.title, assigneeId: rows[i]!.assigneeId, dueAt: rows[i]!.dueAt.toISOString() },
    })),
  );
  return inserted.map((r) => r.id);
}

const stale = (current: number, given: number) => AppError.conflict('tasks.stale', { current, given }, 'version');

/** Changes a task's title, type, notes, due time or assignee; cancels an open one or reopens a cancelled one. */
export async function updateTask(db: DbOrTx, actor: Actor | null, id: string, input: UpdateTaskInput): Promise<TaskView> {
  requireAccess(actor, 'customer:write');
  const row = await loadManaged(db, actor, id);
  if (input.version !== undefined && input.version !== row.version) throw stale(row.version, input.version);
  if (row.status === 'done') throw AppError.conflict('tasks.not_open');
  const values: Partial<repo.TaskInsert> = {};
  if (input.type !== undefined) values.type = input.type;
  if (input.title !== undefined) values.title = input.title;
  if (input.notes !== undefined) values.notes = input.notes;
  if (input.dueAt !== undefined) values.dueAt = input.dueAt;
  if (input.status !== undefined) values.status = input.status;
  if (input.assigneeId !== undefined && input.assigneeId !== row.assigneeId) {
    values.assigneeId = await checkAssignee(db, actor, input.assigneeId, row.customerId);
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(values)) {
    const before = (row as Record<string, unknown>)[k];
    const plain = (x: unknown) => (x instanceof Date ? x.toISOString() : (x ?? null));
    if (plain(before) !== plain(v)) changes[k] = [plain(before), plain(v)];
  }
  if (!Object.keys(changes).length) return toView(actor, row, await clockOf(db));
  const updated = await repo.updateTask(db, id, row.version, values);
  if (!updated) throw stale(row.version + 1, row.version);
  const action = changes.status ? (values.status === 'cancelled' ? 'task_cancel' : 'task_reopen') : 'task_update';
  await recordAudit(db, actor, { action, ...auditTarget(row), changes: { taskId: id, title: updated.title, ...changes } });
  return toView(actor, (await repo.findTask(db, id))!, await clockOf(db));
}

/** A one-sentence summary from a longer result: cut at the limit. */
const clip = (s: string) => (s.length <= SUMMARY_MAX ? s : `${s.slice(0, SUMMARY_MAX - 1)}…`);

/**
 * Completes an open task with its result. A return visit on a customer logs the interaction that was its outcome
 * (channel, direction and time may be given; the result is the summary unless one is given) in the same
 * transaction; other tasks log one when `interaction` is given; `interaction: null` logs none.
 */
export async function completeTask(db: DbOrTx, actor: Actor | null, id: string, input: CompleteTaskInput): Promise<TaskView> {
  requireAccess(actor, 'customer:write');
  const row = await loadManaged(db, actor, id);
  if (input.version !== undefined && input.version !== row.version) throw stale(row.version, input.version);
  if (row.status !== 'open') throw AppError.conflict('tasks.not_open');
  let log = input.interaction;
  if (log && !row.customerId) throw AppError.field('interaction', 'tasks.no_customer');
  if (log === undefined && row.type === 'return_visit' && row.customerId) {
    // By default only while the customer is there to log it on (a deleted customer's visit is just closed).
    const customer = await customerInScope(db, actor, row.customerId).catch(() => null);
    if (customer && !customer.deleted) log = { channel: 'call', direction: 'outbound' };
  }
  let interactionId: string | null = null;
  if (log && row.customerId) {
    const logged = await logInteraction(db, actor, row.customerId, {
      channel: log.channel,
      direction: log.direction,
      occurredAt: log.occurredAt,
      summary: log.summary ?? clip(input.result),
      content: log.content ?? (input.result.length > SUMMARY_MAX ? input.result : null),
      outcome: log.outcome ?? null,
      nextStep: log.nextStep ?? null,
    });
    interactionId = logged.id;
  }
  const updated = await repo.updateTask(db, id, row.version, {
    status: 'done',
    result: input.result,
    interactionId,
    completedAt: new Date(),
    completedBy: actor.userId,
  });
  if (!updated) throw stale(row.version + 1, row.version);
  await recordAudit(db, actor, {
    action: 'task_complete',
    ...auditTarget(row),
    changes: { taskId: id, type: row.type, title: row.title, result: input.result, interactionId },
  });
  return toView(actor, (await repo.findTask(db, id))!, await clockOf(db));
}

function page(actor: Actor, rows: TaskWithRefs[], limit: number, clock: Clock): { items: TaskView[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => toView(actor, r, clock)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

/** 我的任务: the caller's tasks in one bucket (today, overdue, upcoming, all open, done, cancelled). */
export async function myTasks(
  db: DbOrTx,
  actor: Actor | null,
  q: { bucket: TaskListBucket; cursor?: string; limit: number },
): Promise<{ items: TaskView[]; nextCursor: string | null }> {
  requireAccess(actor);
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  if (!actor.userId) return { items: [], nextCursor: null };
  const clock = await clockOf(db);
  const rows = await repo.listTasks(db, { bucket: q.bucket, clock, assigneeId: actor.userId, after, limit: q.limit + 1 });
  return page(actor, rows, q.limit, clock);
}

/** The caller's open tasks per bucket (the bell in the header shows overdue + today). */
export async function myTaskCounts(db: DbOrTx, actor: Actor | null): Promise<TaskCounts> {
  requireAccess(actor);
  if (!actor.userId) return { overdue: 0, today: 0, upcoming: 0 };
  return repo.countBuckets(db, actor.userId, await clockOf(db));
}

/**
 * Tasks the caller can see: with `customerId`, every task on that customer (if the caller reaches it); otherwise
 * their own and, for managers (data scope team or all), their people's.
 */
export async function listTasks(db: DbOrTx, actor: Actor | null, q: TaskListQuery): Promise<{ items: TaskView[]; nextCursor: string | null }> {
  requireAccess(actor, 'customer:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  if (q.customerId) await customerInScope(db, actor, q.customerId);
  const clock = await clockOf(db);
  const rows = await repo.listTasks(db, {
    bucket: q.bucket,
    clock,
    assigneeId: q.assigneeId,
    customerId: q.customerId,
    visibility: q.customerId ? undefined : visibilityOf(actor),
    after,
    limit: q.limit + 1,
  });
  return page(actor, rows, q.limit, clock);
}

/** The people the caller may assign a task to (or log an interaction for). */
export async function assignableUsers(db: DbOrTx, actor: Actor | null): Promise<UserRef[]> {
  requireAccess(actor, 'customer:write');
  return usersInReach(db, actor);
}

/** Done tasks that logged no interaction, on the customer timeline: "完成关怀任务". */
export const taskTimelineSource: TimelineSource = {
  kind: 'task',
  async events(db, q) {
    const rows = await repo.completedWithoutInteraction(db, q.customerId, q.before, q.limit);
    return rows.map((r) => ({
      kind: 'task',
      id: r.id,
      at: r.completedAt!.toISOString(),
      sortAt: r.sortAt,
      title: t(q.locale, 'timeline.task_done', { type: t(q.locale, `tasks.type.${r.type}`) }),
      summary: `${r.title}${q.locale === 'en' ? ': ' : '：'}${r.result ?? ''}`,
      actor: ref(r.completedBy, r.completedByName),
      data: { type: r.type, title: r.title, result: r.result, dueAt: r.dueAt.toISOString(), assignee: { id: r.assigneeId, name: r.assigneeName } },
    }));
  },
};
