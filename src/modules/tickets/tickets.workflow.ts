/**
 * The ticket workflow (new → assigned → in_progress → waiting_on_customer → resolved → closed, reopen counted): every
 * status change is a row of TRANSITIONS (from-status, action, to-status, who may) and goes through `transition`, which
 * saves the ticket, writes the status entry of the timeline and calls the SLA hook. The SLA hooks (./sla) are called
 * from this file only, inside the caller's transaction. Use cases here: status (start, wait, close), assign, resolve,
 * reopen, merge.
 */
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { customerValueTier } from '../analytics/index.js';
import { createTask, logInteraction } from '../interactions/index.js';
import { slaFactsChanged, slaFirstResponse, slaStatusChanged, startSlaClock, type SlaTicketFacts, type TicketStatus } from './sla/index.js';
import { TICKET_STATUSES } from './sla/sla.contract.js';
import type { TicketDetail } from './tickets.contract.js';
import { customerActor, deliver } from './tickets.delivery.js';
import * as repo from './tickets.repository.js';
import type { TicketRow } from './tickets.repository.js';
import type { ResolveInput, TicketsRuntime } from './tickets.types.js';
import { detailOf, reload } from './tickets.views.js';
import { ticketResolved } from './resolved.js';
import { canSee, loadForWrite } from './tickets.visibility.js';
import { audit, checkAssignee, clip, event, save } from './tickets.writes.js';
import { ticketAssigned, userOf } from './hooks.js';

// ---- the transition table ------------------------------------------------------------------------------------------

export const OPEN: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'waiting_on_customer'];

export type TicketAction =
  | 'route'
  | 'assign'
  | 'unassign'
  | 'start'
  | 'wait'
  | 'reply'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'merge'
  | 'customer_reply'
  | 'customer_reopen';

/**
 * Who may take a step: a user holding ticket:write; the intake's routing (the assignment rules or the creator's
 * choice — also for the public form, which has no signed-in user); the household holding the follow link.
 */
type StepPermission = 'ticket:write' | 'intake' | 'follow_link';

type Transition = { readonly from: readonly TicketStatus[]; readonly action: TicketAction; readonly to: TicketStatus; readonly permission: StepPermission };

export const TRANSITIONS: readonly Transition[] = [
  { from: ['new'], action: 'route', to: 'assigned', permission: 'intake' },
  { from: ['new'], action: 'assign', to: 'assigned', permission: 'ticket:write' },
  { from: ['assigned'], action: 'unassign', to: 'new', permission: 'ticket:write' },
  { from: ['new', 'assigned', 'waiting_on_customer'], action: 'start', to: 'in_progress', permission: 'ticket:write' },
  { from: ['new', 'assigned', 'in_progress'], action: 'wait', to: 'waiting_on_customer', permission: 'ticket:write' },
  { from: ['new', 'assigned'], action: 'reply', to: 'in_progress', permission: 'ticket:write' },
  { from: OPEN, action: 'resolve', to: 'resolved', permission: 'ticket:write' },
  { from: ['resolved'], action: 'close', to: 'closed', permission: 'ticket:write' },
  { from: ['resolved', 'closed'], action: 'reopen', to: 'in_progress', permission: 'ticket:write' },
  // A duplicate closes whatever its status (an already closed one only gets its link to the survivor).
  { from: TICKET_STATUSES, action: 'merge', to: 'closed', permission: 'ticket:write' },
  { from: ['waiting_on_customer'], action: 'customer_reply', to: 'in_progress', permission: 'follow_link' },
  { from: ['resolved', 'closed'], action: 'customer_reopen', to: 'in_progress', permission: 'follow_link' },
];

const stepOf = (action: TicketAction, from: TicketStatus) => TRANSITIONS.find((s) => s.action === action && s.from.includes(from));

/** Whether the table lets `action` move a ticket in status `from`. */
export const allows = (action: TicketAction, from: TicketStatus): boolean => stepOf(action, from) !== undefined;

const badTransition = (actor: Actor | null, from: TicketStatus, to: TicketStatus) =>
  AppError.conflict('tickets.bad_transition', { from: t(actor?.locale ?? 'zh-CN', `tickets.status.${from}`), to: t(actor?.locale ?? 'zh-CN', `tickets.status.${to}`) }, 'status');

/**
 * Takes one step of the table: saves the ticket (with `extra` values) and, when the status changed, the timeline entry
 * and the SLA hook (same transaction). Callers refuse a step the table does not allow with their own message first.
 */
export async function transition(
  db: DbOrTx,
  actor: Actor | null,
  tk: TicketRow,
  action: TicketAction,
  now: Date,
  extra: Partial<repo.TicketInsert> = {},
  data: Record<string, unknown> = {},
): Promise<TicketRow> {
  const step = stepOf(action, tk.status);
  if (!step) throw badTransition(actor, tk.status, TRANSITIONS.find((s) => s.action === action)!.to);
  if (step.permission === 'ticket:write') requireAccess(actor, 'ticket:write');
  const from = tk.status;
  const row = await save(db, tk, { status: step.to, ...extra });
  if (from !== step.to) {
    await event(db, tk.id, 'status', actor, null, { from, to: step.to, ...data }, now);
    await slaStatusChanged(db, tk.id, from, step.to, now);
  }
  return row;
}

// ---- the other SLA hooks ---------------------------------------------------------------------------------------------

async function factsOf(db: DbOrTx, tk: TicketRow): Promise<SlaTicketFacts> {
  return {
    id: tk.id,
    type: tk.type,
    priority: tk.priority,
    customerTier: tk.customerId ? await customerValueTier(db, tk.customerId) : null,
    createdAt: tk.createdAt,
  };
}

/** A new ticket: its SLA clock starts (policy by type, priority and customer tier). */
export async function startClock(db: DbOrTx, tk: TicketRow, now: Date): Promise<void> {
  await startSlaClock(db, await factsOf(db, tk), now);
}

/** Type, priority or customer changed: the SLA policy is picked again. */
export async function clockFactsChanged(db: DbOrTx, tk: TicketRow, now: Date): Promise<void> {
  await slaFactsChanged(db, await factsOf(db, tk), now);
}

/** The first reply to the customer stops the first-response clock; returns the values to save with the ticket. */
export async function firstResponse(db: DbOrTx, tk: TicketRow, now: Date): Promise<Partial<repo.TicketInsert>> {
  if (tk.firstRespondedAt) return {};
  await slaFirstResponse(db, tk.id, now);
  return { firstRespondedAt: now };
}

// ---- status, assignment ----------------------------------------------------------------------------------------------

const MANUAL: Record<'in_progress' | 'waiting_on_customer' | 'closed', TicketAction> = { in_progress: 'start', waiting_on_customer: 'wait', closed: 'close' };

/** The manual status changes (resolve and reopen have their own actions). */
export async function setStatus(db: DbOrTx, actor: Actor | null, id: string, to: 'in_progress' | 'waiting_on_customer' | 'closed', version: number | undefined, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id, version);
  const tk = r.ticket;
  if (tk.status === to) return detailOf(db, actor, r, rt);
  if (!allows(MANUAL[to], tk.status)) throw badTransition(actor, tk.status, to);
  const now = rt.now();
  const extra: Partial<repo.TicketInsert> = to === 'closed' ? { closedAt: now } : {};
  // Taking a ticket nobody holds makes it the taker's.
  if (to === 'in_progress' && !tk.assigneeId && actor.userId) Object.assign(extra, { assigneeId: actor.userId, teamId: actor.teamId });
  const row = await transition(db, actor, tk, MANUAL[to], now, extra);
  if (extra.assigneeId) await event(db, id, 'assigned', actor, null, { assigneeId: extra.assigneeId, teamId: extra.teamId ?? null }, now);
  await audit(db, actor, 'ticket_status', row, { status: [tk.status, to] });
  return reload(db, actor, id, rt);
}

export async function assignTicket(db: DbOrTx, actor: Actor | null, id: string, input: { assigneeId: string | null; teamId?: string | null }, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  const tk = r.ticket;
  if (tk.status === 'resolved' || tk.status === 'closed') throw AppError.conflict('tickets.not_open', {}, 'status');
  const now = rt.now();
  let assigneeId: string | null = null;
  let teamId: string | null = input.teamId ?? null;
  if (input.assigneeId) {
    const u = await checkAssignee(db, input.assigneeId);
    assigneeId = u.id;
    teamId = input.teamId ?? u.teamId;
  }
  if (assigneeId === tk.assigneeId && teamId === tk.teamId) return detailOf(db, actor, r, rt);
  let row: TicketRow;
  if (assigneeId && allows('assign', tk.status)) row = await transition(db, actor, tk, 'assign', now, { assigneeId, teamId });
  else if (!assigneeId && allows('unassign', tk.status)) row = await transition(db, actor, tk, 'unassign', now, { assigneeId, teamId });
  else row = await save(db, tk, { assigneeId, teamId });
  await event(db, id, 'assigned', actor, null, { assigneeId, teamId, from: tk.assigneeId }, now);
  if (assigneeId && assigneeId !== tk.assigneeId) await ticketAssigned(db, { ticketId: id, number: row.number, title: row.title, assigneeId, by: userOf(actor), ruleId: null, at: now });
  await audit(db, actor, 'ticket_assign', row, { assigneeId: [tk.assigneeId, assigneeId], teamId: [tk.teamId, teamId] });
  return reload(db, actor, id, rt);
}

// ---- reopen ----------------------------------------------------------------------------------------------------------

/**
 * Reopens a resolved or closed ticket (agent or household): counted; the resolution clock restarts. A rating given
 * before stays in the timeline (its 'rated' event, and the previous rating on the 'reopened' one) but is no longer
 * the ticket's rating: the next resolution asks for a new one.
 */
export async function reopen(db: DbOrTx, actor: Actor | null, tk: TicketRow, reason: string, now: Date, by: 'agent' | 'customer'): Promise<TicketRow> {
  const action: TicketAction = by === 'agent' ? 'reopen' : 'customer_reopen';
  if (!allows(action, tk.status)) throw AppError.conflict('tickets.not_resolved', {}, 'status');
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  const row = await transition(
    db,
    actor,
    tk,
    action,
    now,
    { reopenCount: tk.reopenCount + 1, resolvedAt: null, closedAt: null, rating: null, ratingComment: null, ratedAt: null },
    { reopen: true },
  );
  const previous = tk.rating !== null ? { previousRating: tk.rating, previousComment: tk.ratingComment } : {};
  await event(db, tk.id, 'reopened', actor, reason, { count: row.reopenCount, by, ...previous }, now);
  return row;
}

export async function reopenTicket(db: DbOrTx, actor: Actor | null, id: string, reason: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  const row = await reopen(db, actor, r.ticket, reason, rt.now(), 'agent');
  await audit(db, actor, 'ticket_reopen', row, { reason, reopenCount: row.reopenCount, previousRating: r.ticket.rating });
  return reload(db, actor, id, rt);
}

// ---- resolve ---------------------------------------------------------------------------------------------------------

/** The outcome told by phone: the call is logged on the customer (as the handler, or the workflow on their behalf). */
async function logOutcomeCall(db: DbOrTx, actor: Actor, tk: TicketRow & { customerId: string }, solution: string): Promise<string> {
  const logged = await logInteraction(db, (await customerActor(db, actor, tk.customerId)).actor, tk.customerId, {
    channel: 'call',
    direction: 'outbound',
    summary: clip(t('zh-CN', 'tickets.outcome_call', { number: tk.number }), 200),
    content: solution,
  });
  return logged.id;
}

/** The return visit (回访 task) goes to the handler, or — when the handler cannot reach the customer — to its account manager. */
async function returnVisit(db: DbOrTx, actor: Actor, tk: TicketRow, input: ResolveInput, now: Date): Promise<string | null> {
  const visitor = tk.customerId ? await customerActor(db, actor, tk.customerId) : { actor, own: can(actor, 'customer:write') };
  const owner = !visitor.own && tk.customerId ? (await repo.customerFacts(db, tk.customerId))?.ownerId : null;
  if (input.returnVisitDays <= 0 || !(visitor.own || owner)) return null;
  const task = await createTask(db, visitor.actor, {
    ...(visitor.own ? {} : { assigneeId: owner! }),
    type: 'return_visit',
    title: clip(t('zh-CN', 'tickets.return_visit', { number: tk.number, title: tk.title }), 200),
    notes: clip(input.solution, 2000),
    customerId: tk.customerId,
    dueAt: new Date(now.getTime() + input.returnVisitDays * 86_400_000),
  });
  return task.id;
}

/**
 * Resolves a ticket: root cause and solution; the customer told the outcome (a reply through the outbox, or a logged
 * call); the satisfaction request with the public link; a return visit (回访 task) due N days later.
 */
export async function resolveTicket(db: DbOrTx, actor: Actor | null, id: string, input: ResolveInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  let tk = r.ticket;
  if (!allows('resolve', tk.status)) throw AppError.conflict('tickets.not_open', {}, 'status');
  const cause = await repo.findRootCause(db, input.rootCauseId);
  if (!cause || !cause.active) throw AppError.field('rootCauseId', 'tickets.root_cause_not_found');
  const now = rt.now();
  let outcomeToldAt: Date | null = null;
  let interactionId: string | null = null;
  if (input.outcomeTold === 'call' && tk.customerId) {
    interactionId = await logOutcomeCall(db, actor, { ...tk, customerId: tk.customerId }, input.solution);
    outcomeToldAt = now;
  }
  // The satisfaction request carries the outcome too, so a reply-told outcome is one message, not two.
  // Not told yet: nothing is sent now (the follow page still offers the rating).
  const delivery =
    input.outcomeTold === 'not_yet'
      ? { messageId: null, channel: null, status: 'not_sent' }
      : await deliver(db, actor, tk, t('zh-CN', 'tickets.message.resolved_body', { solution: clip(input.solution, 300) }), rt);
  if (input.outcomeTold === 'reply') {
    await event(db, id, 'reply', actor, input.solution, { delivery, resolution: true }, now);
    outcomeToldAt = now;
  }
  if (outcomeToldAt) await event(db, id, 'outcome_told', actor, null, { via: input.outcomeTold, interactionId }, now);
  if (input.outcomeTold !== 'not_yet') await event(db, id, 'satisfaction_requested', actor, null, { delivery }, now);
  const returnVisitTaskId = await returnVisit(db, actor, tk, input, now);
  const extra = input.outcomeTold === 'reply' ? await firstResponse(db, tk, now) : {};
  tk = await transition(db, actor, tk, 'resolve', now, {
    ...extra,
    rootCauseId: cause.id,
    solution: input.solution,
    outcomeToldAt,
    resolvedAt: now,
    returnVisitTaskId,
  });
  await event(db, id, 'resolved', actor, input.solution, { rootCauseId: cause.id, rootCause: cause.nameZh, returnVisitTaskId }, now);
  if (tk.customerId) await ticketResolved(db, { ticketId: tk.id, customerId: tk.customerId, agentId: tk.assigneeId ?? actor.userId, resolvedAt: now });
  await audit(db, actor, 'ticket_resolve', tk, { rootCause: cause.nameZh, outcomeTold: input.outcomeTold, returnVisitTaskId, messageId: delivery.messageId });
  return reload(db, actor, id, rt);
}

// ---- merge -----------------------------------------------------------------------------------------------------------

/** Merges a duplicate into another ticket: the duplicate closes (linked to the survivor), its conversation moves. */
export async function mergeTicket(db: DbOrTx, actor: Actor | null, id: string, intoId: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  if (id === intoId) throw AppError.field('intoId', 'tickets.merge_self');
  const dup = (await loadForWrite(db, actor, id)).ticket;
  const into = await repo.findTicket(db, intoId, true);
  if (!into || !canSee(actor, into)) throw AppError.field('intoId', 'tickets.not_found');
  if (into.ticket.mergedIntoId || into.ticket.status === 'closed') throw AppError.field('intoId', 'tickets.merge_target_invalid');
  if (dup.mergedIntoId) throw AppError.conflict('tickets.merged', { number: dup.number });
  const now = rt.now();
  const moved = await repo.moveConversation(db, dup.id, into.ticket.id);
  await repo.moveAttachments(db, dup.id, into.ticket.id);
  const row = await transition(db, actor, dup, 'merge', now, { mergedIntoId: into.ticket.id, closedAt: now }, { merged: true });
  await event(db, dup.id, 'merged', actor, null, { intoId: into.ticket.id, intoNumber: into.ticket.number, moved: moved.length }, now);
  await event(db, into.ticket.id, 'merged', actor, null, { fromId: dup.id, fromNumber: dup.number, moved: moved.length }, now);
  await save(db, into.ticket, {});
  await audit(db, actor, 'ticket_merge', row, { intoId: into.ticket.id, intoNumber: into.ticket.number, movedEvents: moved });
  return reload(db, actor, into.ticket.id, rt);
}
