/**
 * Which tickets an actor sees: tickets of customers in the actor's data scope (asked of the customers module), tickets
 * assigned to them or — for `team` scope — to their teams (the platform's scope rule over the ticket's assignee and
 * team), and unlinked intake (public reports whose phone matched no customer: everyone's queue). Outside it, a ticket
 * is a 404.
 */
import { dataScopeOf, scopeReaches } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { customerAccess } from '../customers/index.js';
import * as repo from './tickets.repository.js';
import type { TicketWithRefs, Visibility } from './tickets.repository.js';
import { stale } from './tickets.writes.js';

/** The rule as a query condition (the ticket queue). */
export function visibilityOf(actor: Actor): Visibility {
  return { scope: dataScopeOf(actor), customers: customerAccess.where(actor, repo.CUSTOMER_ALIAS) };
}

/** The same rule on a loaded ticket. */
export function canSee(actor: Actor, r: TicketWithRefs): boolean {
  const tk = r.ticket;
  if (!tk.customerId) return true;
  if (scopeReaches(dataScopeOf(actor), { ownerId: tk.assigneeId, teamId: tk.teamId })) return true;
  return customerAccess.reaches(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
}

export async function loadVisible(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<TicketWithRefs> {
  const row = await repo.findTicket(db, id, lock);
  if (!row || !canSee(actor, row)) throw AppError.notFound('tickets.not_found');
  return row;
}

/** A visible ticket, locked for the write; `version` (when given) must still be the current one. */
export async function loadForWrite(db: DbOrTx, actor: Actor, id: string, version?: number): Promise<TicketWithRefs> {
  const r = await loadVisible(db, actor, id, true);
  if (version !== undefined && version !== r.ticket.version) throw stale(r.ticket.version, version);
  return r;
}
