import type { DbOrTx } from '../../../platform/db/client.js';

/**
 * What other modules may do when the deadline checker fires a warning or an escalation level (the notifications
 * module tells the assignee and the person escalated to). Each registered hook runs inside the transaction that
 * claims the warning or level (escalation.ts `fire`), so it is heard exactly once, however many processes check.
 */
export type SlaAlertEvent = {
  ticketId: string;
  number: number;
  title: string;
  kind: 'warning' | 'escalation';
  target: 'first_response' | 'resolution';
  /** Warnings: 0 (first response) or 1 (resolution); escalations: 1–3. */
  level: number;
  round: number;
  assigneeId: string | null;
  /** The person the checker tells (its task's assignee): the assignee, the team lead, the department manager. */
  userId: string | null;
  at: Date;
};

export type SlaAlertHook = (db: DbOrTx, e: SlaAlertEvent) => Promise<void>;

const hooks = new Set<SlaAlertHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerSlaAlertHook(fn: SlaAlertHook): void {
  hooks.add(fn);
}

/** Calls every registered hook (escalation.ts, in the claiming transaction). */
export async function slaAlerted(db: DbOrTx, e: SlaAlertEvent): Promise<void> {
  for (const fn of hooks) await fn(db, e);
}
