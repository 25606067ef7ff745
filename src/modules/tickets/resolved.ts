import type { DbOrTx } from '../../platform/db/client.js';

/**
 * What other modules may do when a ticket of a customer is resolved (the surveys module's ticket_resolved trigger):
 * each registered hook runs inside the resolving transaction, on the handle it is given (like the SLA hooks), so a
 * failed hook rolls the resolution back and a rolled-back resolution leaves nothing behind. A ticket without a
 * customer calls no hook. A ticket resolved again after a reopen calls them again: a hook keeps its own
 * once-per-ticket rule.
 */
export type TicketResolvedEvent = {
  ticketId: string;
  customerId: string;
  /** Who served the customer: the ticket's assignee, else the user who resolved it. */
  agentId: string | null;
  resolvedAt: Date;
};

export type TicketResolvedHook = (db: DbOrTx, e: TicketResolvedEvent) => Promise<void>;

const hooks = new Set<TicketResolvedHook>();

/** Registers a hook (the composition root, src/app.ts, at start; registering the same function again changes nothing). */
export function registerTicketResolvedHook(fn: TicketResolvedHook): void {
  hooks.add(fn);
}

/** Calls every registered hook, in registration order (tickets.workflow.ts, in the resolve's transaction). */
export async function ticketResolved(db: DbOrTx, e: TicketResolvedEvent): Promise<void> {
  for (const fn of hooks) await fn(db, e);
}

/**
 * A household rated a ticket's handling (the public follow page): other modules hear the customer's voice (the
 * feedback inbox takes a comment as an item). Called inside the rating's transaction, like the resolved hooks; a
 * ticket is rated once, so each hook sees a ticket at most once.
 */
export type TicketRatedEvent = {
  ticketId: string;
  number: number;
  customerId: string | null;
  contactName: string | null;
  contactPhone: string | null;
  rating: number;
  comment: string | null;
  ratedAt: Date;
};

export type TicketRatedHook = (db: DbOrTx, e: TicketRatedEvent) => Promise<void>;

const ratedHooks = new Set<TicketRatedHook>();

export function registerTicketRatedHook(fn: TicketRatedHook): void {
  ratedHooks.add(fn);
}

/** Calls every registered hook (tickets.public.ts, in the rating's transaction). */
export async function ticketRated(db: DbOrTx, e: TicketRatedEvent): Promise<void> {
  for (const fn of ratedHooks) await fn(db, e);
}
