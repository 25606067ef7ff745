import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';

/**
 * What other modules may do when a ticket is assigned to someone, or when a note or a reply is written on it (the
 * notifications module: the assignee is told, and so is every user a note names with @). Each registered hook runs
 * inside the writing transaction, on the handle it is given (like the resolved hooks in resolved.ts), so nothing is
 * heard of a rolled-back write.
 */
export type TicketAssignedEvent = {
  ticketId: string;
  number: number;
  title: string;
  assigneeId: string;
  /** Who assigned it (null: the public form's routing, the system). */
  by: { id: string; name: string } | null;
  /** The assignment rule that picked the assignee, if one did. */
  ruleId: string | null;
  at: Date;
};

export type TicketMessageEvent = {
  ticketId: string;
  number: number;
  title: string;
  kind: 'note' | 'reply';
  body: string;
  author: { id: string; name: string } | null;
  at: Date;
};

export type TicketAssignedHook = (db: DbOrTx, e: TicketAssignedEvent) => Promise<void>;
export type TicketMessageHook = (db: DbOrTx, e: TicketMessageEvent) => Promise<void>;

const assignedHooks = new Set<TicketAssignedHook>();
const messageHooks = new Set<TicketMessageHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerTicketAssignedHook(fn: TicketAssignedHook): void {
  assignedHooks.add(fn);
}

export function registerTicketMessageHook(fn: TicketMessageHook): void {
  messageHooks.add(fn);
}

/** The user behind an actor, as the events name them. */
export const userOf = (actor: Actor | null): { id: string; name: string } | null => (actor?.userId ? { id: actor.userId, name: actor.displayName } : null);

/** Calls every registered hook (intake's routing and assignTicket, in their transactions). */
export async function ticketAssigned(db: DbOrTx, e: TicketAssignedEvent): Promise<void> {
  for (const fn of assignedHooks) await fn(db, e);
}

/** Calls every registered hook (addNote and addReply, in their transactions). */
export async function ticketMessageWritten(db: DbOrTx, e: TicketMessageEvent): Promise<void> {
  for (const fn of messageHooks) await fn(db, e);
}
