/**
 * The SLA clock of service tickets (issue #7): business calendars, policies, pause/resume, warnings and the
 * three-level escalation. The tickets workflow calls these hooks inside its own transactions; this folder owns its
 * tables (policies, calendars, each ticket's clock, escalations) and the schedule that checks deadlines.
 *
 * The signatures below are the contract between the tickets workflow and the SLA code: fixed; more may be added.
 */
import type { DbOrTx } from '../../../platform/db/client.js';
import type { SlaClockView, SlaTicketFacts, TicketStatus } from './sla.contract.js';
import * as service from './sla.service.js';

export type { SlaClockView, SlaTicketFacts, TicketStatus } from './sla.contract.js';
export { slaRoutes } from './sla.routes.js';
export { checkSlaDeadlines, runSlaCheck, startSlaChecker, SLA_CHECK_MS, type SlaCheckResult } from './escalation.js';
export { registerSlaAlertHook, type SlaAlertEvent, type SlaAlertHook } from './alerts.js';

/** A ticket was created: pick its policy (type, priority, customer tier) and start the clock. */
export async function startSlaClock(db: DbOrTx, ticket: SlaTicketFacts, now: Date): Promise<void> {
  await service.startSlaClock(db, ticket, now);
}

/**
 * The ticket's status changed: waiting_on_customer pauses the clock, leaving it resumes, resolved/closed stop it,
 * reopen restarts the resolution clock.
 */
export async function slaStatusChanged(db: DbOrTx, ticketId: string, from: TicketStatus, to: TicketStatus, now: Date): Promise<void> {
  await service.slaStatusChanged(db, ticketId, from, to, now);
}

/** The first reply to the customer was sent (internal notes do not count). */
export async function slaFirstResponse(db: DbOrTx, ticketId: string, now: Date): Promise<void> {
  await service.slaFirstResponse(db, ticketId, now);
}

/** The ticket's priority, type or customer changed: re-pick the policy and recompute the due times. */
export async function slaFactsChanged(db: DbOrTx, ticket: SlaTicketFacts, now: Date): Promise<void> {
  await service.slaFactsChanged(db, ticket, now);
}

/** The clocks of these tickets, for lists and the ticket page (missing id = no clock). */
export async function slaClocks(db: DbOrTx, ticketIds: readonly string[], now: Date): Promise<Map<string, SlaClockView>> {
  return service.slaClocks(db, ticketIds, now);
}
export { slaClockView } from './sla.schemas.js';
