/**
 * Bulk changes from the ticket queue (POST /tickets/bulk): assign, change the status, or add tags, on up to 500
 * tickets. Each ticket goes through the very use case of a single change — `assignTicket`, `setStatus`,
 * `updateTicket`: the permission, the data scope (a ticket the caller cannot see is "not found", as on its own page),
 * the workflow's transition table, the SLA hooks, the timeline entry and the audit entry, and whatever hooks those use
 * cases call — so a bulk change can never do what the single change would refuse.
 *
 * Transactions: the request is one transaction and each ticket a savepoint in it. A ticket the rules refuse (an
 * AppError) rolls back its savepoint alone and is reported by id with the reason, in the caller's language; the others
 * are kept. Not all-or-nothing, because a queue selection routinely mixes tickets a step applies to and tickets it does
 * not (closing a page where a few are still open): refusing 49 changes for one would make the user unpick the list by
 * hand, while the per-id report says exactly what happened to each. Still one transaction rather than one per ticket,
 * so that the answer describes exactly what was committed: any other failure (the database, a bug) fails the request
 * as a whole with nothing changed, never half a selection, and a repeat under the same Idempotency-Key replays a report
 * that is true. Tickets are locked in id order, so two bulk changes over overlapping selections cannot deadlock.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problem.js';
import type { TicketBulkItem, TicketBulkResult, TicketDetail } from './tickets.contract.js';
import { updateTicket } from './tickets.intake.js';
import * as repo from './tickets.repository.js';
import type { BulkTicketsInput, TicketsRuntime } from './tickets.types.js';
import { canSee } from './tickets.visibility.js';
import { assignTicket, setStatus } from './tickets.workflow.js';
import { checkAssignee } from './tickets.writes.js';

/** The tags a ticket has, then the new ones it lacks (order kept). */
const withTags = (have: readonly string[], add: readonly string[]) => [...have, ...add.filter((x) => !have.includes(x))];

/** One ticket's change in its savepoint: 'done' when it changed, 'unchanged' when it already was so. */
async function changeOne(db: DbOrTx, actor: Actor, id: string, input: BulkTicketsInput, rt: TicketsRuntime): Promise<{ number: number; changed: boolean }> {
  // Locked first, so the version compared below is the one the use case changes.
  const before = await repo.findTicket(db, id, true);
  if (!before || !canSee(actor, before)) throw AppError.notFound('tickets.not_found');
  let after: TicketDetail;
  if (input.action === 'assign') after = await assignTicket(db, actor, id, { assigneeId: input.assigneeId ?? null }, rt);
  else if (input.action === 'status') after = await setStatus(db, actor, id, input.status!, undefined, rt);
  else after = await updateTicket(db, actor, id, { tags: withTags(before.ticket.tags, input.tags!) }, rt);
  return { number: before.ticket.number, changed: after.version !== before.ticket.version };
}

/** Why a ticket was refused, in the caller's language (field messages with the ticket's own field labels). */
function refusal(actor: Actor, err: AppError): { code: string; reason: string } {
  return { code: err.key === 'problem.validation' && err.issues[0] ? err.issues[0].key : err.key, reason: toProblem(err, actor.locale, '', 'ticket').detail };
}

export async function bulkTickets(db: DbOrTx, actor: Actor | null, input: BulkTicketsInput, rt: TicketsRuntime): Promise<TicketBulkResult> {
  requireAccess(actor, 'ticket:write');
  // An assignee nobody can take is the request's mistake, not each ticket's: a 400 naming the field.
  if (input.action === 'assign' && input.assigneeId) await checkAssignee(db, input.assigneeId);
  const outcomes = new Map<string, TicketBulkItem>();
  for (const id of [...input.ids].sort()) {
    try {
      const r = await (db as Db).transaction((sp) => changeOne(sp, actor, id, input, rt));
      outcomes.set(id, { id, number: r.number, outcome: r.changed ? 'done' : 'unchanged', code: null, reason: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const number = err.code === 'not_found' ? null : ((await repo.findTicket(db, id))?.ticket.number ?? null);
      outcomes.set(id, { id, number, outcome: 'refused', ...refusal(actor, err) });
    }
  }
  const items = input.ids.map((id) => outcomes.get(id)!);
  const count = (o: TicketBulkItem['outcome']) => items.filter((x) => x.outcome === o).length;
  return { action: input.action, done: count('done'), unchanged: count('unchanged'), refused: count('refused'), items };
}
