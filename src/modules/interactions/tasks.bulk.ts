/**
 * Bulk changes from 我的任务 (POST /tasks/bulk): reassign, move the due time, complete with one result, or cancel, up
 * to 500 tasks. Each task goes through the use case of a single change — `updateTask` (who may change it, who it may go
 * to: someone in the caller's reach who can see its customer) or `completeTask` (a return visit logs its call) — so a
 * bulk change never does what the single one would refuse; a task the caller may not change is "not found", as alone.
 *
 * Transactions, as for tickets (tickets.bulk.ts): one transaction for the request, a savepoint per task. A refused task
 * (an AppError) rolls back alone and is reported with the reason in the caller's language; the others are kept. Any
 * other failure fails the whole request with nothing changed, so the answer — and its replay under the same
 * Idempotency-Key — always says what was committed.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problem.js';
import type { TaskBulkItem, TaskBulkResult, TaskView } from './interactions.contract.js';
import type { BulkTasksInput } from './interactions.types.js';
import * as repo from './tasks.repository.js';
import { completeTask, updateTask } from './tasks.service.js';

/** One task's change in its savepoint; whether it changed. */
async function changeOne(db: DbOrTx, actor: Actor, id: string, input: BulkTasksInput): Promise<boolean> {
  const before = await repo.findTask(db, id);
  if (!before) throw AppError.notFound('tasks.not_found');
  let after: TaskView;
  if (input.action === 'complete') after = await completeTask(db, actor, id, { result: input.result!, version: before.version });
  else if (input.action === 'cancel') after = await updateTask(db, actor, id, { status: 'cancelled', version: before.version });
  else if (input.action === 'due') after = await updateTask(db, actor, id, { dueAt: input.dueAt!, version: before.version });
  else after = await updateTask(db, actor, id, { assigneeId: input.assigneeId!, version: before.version });
  return after.version !== before.version;
}

export async function bulkTasks(db: DbOrTx, actor: Actor | null, input: BulkTasksInput): Promise<TaskBulkResult> {
  requireAccess(actor, 'customer:write');
  const outcomes = new Map<string, TaskBulkItem>();
  for (const id of [...input.ids].sort()) {
    try {
      const changed = await (db as Db).transaction((sp) => changeOne(sp, actor, id, input));
      outcomes.set(id, { id, outcome: changed ? 'done' : 'unchanged', code: null, reason: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const code = err.key === 'problem.validation' && err.issues[0] ? err.issues[0].key : err.key;
      outcomes.set(id, { id, outcome: 'refused', code, reason: toProblem(err, actor.locale, '', 'task').detail });
    }
  }
  const items = input.ids.map((id) => outcomes.get(id)!);
  const count = (o: TaskBulkItem['outcome']) => items.filter((x) => x.outcome === o).length;
  return { action: input.action, done: count('done'), unchanged: count('unchanged'), refused: count('refused'), items };
}
