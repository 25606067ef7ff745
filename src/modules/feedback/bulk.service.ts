/**
 * Bulk changes from the 客户反馈 inbox (POST /feedback/bulk): assign, change the status, or set the category of up to
 * 500 items — the shape of the tickets' and tasks' bulk changes. Each item goes through the single change
 * (`updateFeedback`): the permission, the data scope (an item the caller cannot see is "not found", as on its own
 * page), the checks (a deleted item is refused), the version and the audit entry.
 *
 * The request is one transaction and each item a savepoint in it: an item refused (an AppError) rolls back alone and is
 * reported by id with the reason in the caller's language; any other failure fails the request with nothing changed,
 * so the report always says what was committed (and a repeat under the same Idempotency-Key replays a true one). Items
 * are changed in id order, so two bulk changes over overlapping selections cannot deadlock.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problem.js';
import { liveCategory } from './categories.service.js';
import type { FeedbackBulkItem, FeedbackBulkResult } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import { updateFeedback, visibleTo } from './feedback.service.js';
import type { BulkFeedbackInput } from './feedback.types.js';

function refusal(actor: Actor, err: AppError): { code: string; reason: string } {
  return { code: err.key === 'problem.validation' && err.issues[0] ? err.issues[0].key : err.key, reason: toProblem(err, actor.locale, '', 'feedback').detail };
}

export async function bulkFeedback(db: DbOrTx, actor: Actor | null, input: BulkFeedbackInput, now = new Date()): Promise<FeedbackBulkResult> {
  requireAccess(actor, 'feedback:manage');
  // An owner nobody can be or a category that is gone is the request's mistake, not each item's: a 400 naming the field.
  if (input.action === 'assign' && input.ownerId && !(await repo.activeUser(db, input.ownerId))) throw AppError.field('ownerId', 'feedback.owner_not_found');
  if (input.action === 'category' && input.categoryId) await liveCategory(db, input.categoryId);
  const change =
    input.action === 'assign' ? { ownerId: input.ownerId ?? null } : input.action === 'status' ? { status: input.status! } : { categoryId: input.categoryId ?? null };
  const outcomes = new Map<string, FeedbackBulkItem>();
  for (const id of [...input.ids].sort()) {
    try {
      const r = await (db as Db).transaction(async (sp) => {
        const before = await repo.findItem(sp, id, visibleTo(actor), true);
        if (!before) throw AppError.notFound('feedback.not_found');
        const after = await updateFeedback(sp, actor, id, change, now);
        return { number: before.item.number, changed: after.version !== before.item.version };
      });
      outcomes.set(id, { id, number: r.number, outcome: r.changed ? 'done' : 'unchanged', code: null, reason: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const number = err.code === 'not_found' ? null : ((await repo.findItem(db, id, visibleTo(actor)))?.item.number ?? null);
      outcomes.set(id, { id, number, outcome: 'refused', ...refusal(actor, err) });
    }
  }
  const items = input.ids.map((id) => outcomes.get(id)!);
  const count = (o: FeedbackBulkItem['outcome']) => items.filter((x) => x.outcome === o).length;
  return { action: input.action, done: count('done'), unchanged: count('unchanged'), refused: count('refused'), items };
}
