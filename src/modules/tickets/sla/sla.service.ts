/**
 * SLA use cases: the hooks the tickets workflow calls inside its transactions (start, status change, first response,
 * facts changed, clock views) and the settings (business calendars, policies).
 */
import { requireAccess, type Actor } from '../../../platform/auth/permissions.js';
import { isUniqueViolation, type DbOrTx } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/errors.js';
import { recordAudit } from '../../audit/index.js';
import { compileCalendar, type CompiledCalendar } from './calendar.js';
import {
  clockView,
  firstResponse,
  pauseClock,
  reopenClock,
  resolveClock,
  resumeClock,
  retarget,
  startClock,
  type ClockState,
  type ClockTargets,
} from './clock.js';
import type { SlaCalendarView, SlaClockView, SlaPolicyView, SlaTicketFacts, TicketStatus } from './sla.contract.js';
import * as repo from './sla.repository.js';
import type { CreateCalendarInput, CreatePolicyInput, UpdateCalendarInput, UpdatePolicyInput } from './sla.types.js';

// ---- calendars, compiled once per version ----

const compiled = new Map<string, CompiledCalendar>();

export function calendarOf(row: repo.CalendarRow): CompiledCalendar {
  const key = `${row.id}:${row.version}`;
  let c = compiled.get(key);
  if (!c) {
    if (compiled.size > 500) compiled.clear();
    c = compileCalendar(row);
    compiled.set(key, c);
  }
  return c;
}

export const targetsOf = (p: repo.PolicyRow): ClockTargets => ({
  firstResponseMinutes: p.firstResponseMinutes,
  resolutionMinutes: p.resolutionMinutes,
  warnAtPercent: p.warnAtPercent,
});

/** The most specific active policy for a ticket: type weighs most, then customer tier, then priority; then position. */
export function choosePolicy<P extends repo.PolicyRow>(policies: readonly P[], facts: Pick<SlaTicketFacts, 'type' | 'priority' | 'customerTier'>): P | null {
  let best: P | null = null;
  let bestScore = -1;
  for (const p of policies) {
    if (!p.active) continue;
    if (p.ticketType !== null && p.ticketType !== facts.type) continue;
    if (p.priority !== null && p.priority !== facts.priority) continue;
    if (p.customerTier !== null && p.customerTier !== facts.customerTier) continue;
    const score = (p.ticketType ? 4 : 0) + (p.customerTier ? 2 : 0) + (p.priority ? 1 : 0);
    if (score > bestScore || (score === bestScore && best && p.position < best.position)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

export function stateOf(r: repo.ClockRow): ClockState {
  return {
    startedAt: r.startedAt,
    firstResponseDueAt: r.firstResponseDueAt,
    resolutionDueAt: r.resolutionDueAt,
    resolutionStartedAt: r.resolutionStartedAt,
    firstRespondedAt: r.firstRespondedAt,
    resolvedAt: r.resolvedAt,
    pausedAt: r.pausedAt,
    pausedBusinessMs: r.pausedBusinessMs,
    resolutionPausedMs: r.resolutionPausedMs,
    escalationLevel: r.escalationLevel,
  };
}

const stateValues = (s: ClockState) => ({
  startedAt: s.startedAt,
  firstResponseDueAt: s.firstResponseDueAt,
  resolutionDueAt: s.resolutionDueAt,
  resolutionStartedAt: s.resolutionStartedAt,
  firstRespondedAt: s.firstRespondedAt,
  resolvedAt: s.resolvedAt,
  pausedAt: s.pausedAt,
  pausedBusinessMs: s.pausedBusinessMs,
  resolutionPausedMs: s.resolutionPausedMs,
});

// ---- the hooks ----

export async function startSlaClock(db: DbOrTx, ticket: SlaTicketFacts, now: Date): Promise<void> {
  const policy = choosePolicy(await repo.listPolicies(db, true), ticket);
  if (!policy) return;
  const calRow = await repo.findCalendar(db, policy.calendarId);
  if (!calRow) return;
  const state = startClock(calendarOf(calRow), targetsOf(policy), now);
  await repo.insertClock(db, { ticketId: ticket.id, policyId: policy.id, calendarId: calRow.id, ...stateValues(state), escalationLevel: 0 });
}

type Loaded = { row: repo.ClockRow; policy: repo.PolicyRow; cal: CompiledCalendar };

async function loadClock(db: DbOrTx, ticketId: string): Promise<Loaded | null> {
  const row = await repo.findClock(db, ticketId, true);
  if (!row) return null;
  const policy = await repo.findPolicy(db, row.policyId);
  const calRow = await repo.findCalendar(db, row.calendarId);
  if (!policy || !calRow) return null;
  return { row, policy, cal: calendarOf(calRow) };
}

const OPEN: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'waiting_on_customer'];
const DONE: readonly TicketStatus[] = ['resolved', 'closed'];

/**
 * waiting_on_customer pauses; leaving it resumes (the open due times move by the paused business time);
 * resolved/closed stop the clock; resolved/closed → an open status is a reopen: a new round (`round` + 1) whose
 * resolution target starts from now and whose escalation level starts at 0 again.
 */
export async function slaStatusChanged(db: DbOrTx, ticketId: string, from: TicketStatus, to: TicketStatus, now: Date): Promise<void> {
  if (from === to) return;
  const l = await loadClock(db, ticketId);
  if (!l) return;
  let s = stateOf(l.row);
  let round = l.row.round;
  if (DONE.includes(from) && OPEN.includes(to)) {
    s = reopenClock(l.cal, s, targetsOf(l.policy), now);
    round++;
  } else if (from === 'waiting_on_customer') {
    s = resumeClock(l.cal, s, now);
  }
  if (DONE.includes(to)) s = resolveClock(l.cal, s, now);
  else if (to === 'waiting_on_customer') s = pauseClock(s, now);
  await repo.saveClock(db, ticketId, { ...stateValues(s), round, escalationLevel: s.escalationLevel });
}

export async function slaFirstResponse(db: DbOrTx, ticketId: string, now: Date): Promise<void> {
  const row = await repo.findClock(db, ticketId, true);
  if (!row || row.firstRespondedAt) return;
  await repo.saveClock(db, ticketId, { firstRespondedAt: firstResponse(stateOf(row), now).firstRespondedAt });
}

export async function slaFactsChanged(db: DbOrTx, ticket: SlaTicketFacts, now: Date): Promise<void> {
  const row = await repo.findClock(db, ticket.id, true);
  if (!row) return startSlaClock(db, ticket, now);
  const policy = choosePolicy(await repo.listPolicies(db, true), ticket);
  if (!policy || policy.id === row.policyId) return;
  const calRow = await repo.findCalendar(db, policy.calendarId);
  if (!calRow) return;
  const s = retarget(calendarOf(calRow), stateOf(row), targetsOf(policy));
  await repo.saveClock(db, ticket.id, { ...stateValues(s), policyId: policy.id, calendarId: calRow.id });
}

export async function slaClocks(db: DbOrTx, ticketIds: readonly string[], now: Date): Promise<Map<string, SlaClockView>> {
  const rows = await repo.findClocks(db, ticketIds);
  const out = new Map<string, SlaClockView>();
  if (!rows.length) return out;
  const policies = new Map((await repo.listPolicies(db)).map((p) => [p.id, p]));
  const calendars = new Map((await repo.listCalendars(db)).map((c) => [c.id, c]));
  for (const r of rows) {
    const p = policies.get(r.policyId);
    const c = calendars.get(r.calendarId);
    if (!p || !c) continue;
    out.set(r.ticketId, clockView(calendarOf(c), stateOf(r), targetsOf(p), { policyName: p.name, calendarName: c.name }, now));
  }
  return out;
}

// ---- settings: calendars ----

function calendarView(r: repo.CalendarRow): SlaCalendarView {
  return {
    id: r.id,
    name: r.name,
    timeZone: r.timeZone,
    alwaysOpen: r.alwaysOpen,
    hours: r.hours,
    holidays: [...r.holidays].sort((a, b) => a.date.localeCompare(b.date)),
    workdays: [...r.workdays].sort((a, b) => a.date.localeCompare(b.date)),
    isDefault: r.isDefault,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listCalendars(db: DbOrTx, actor: Actor | null): Promise<SlaCalendarView[]> {
  requireAccess(actor, 'ticket:read');
  return (await repo.listCalendars(db)).map(calendarView);
}

function checkHours(alwaysOpen: boolean, hours: readonly unknown[]): void {
  if (!alwaysOpen && hours.length === 0) throw AppError.field('hours', 'sla.calendar_no_hours');
}

async function uniqueName<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err, 'sla_calendars_name_unique')) throw AppError.field('name', 'sla.calendar_name_taken');
    throw err;
  }
}

export async function createCalendar(db: DbOrTx, actor: Actor | null, input: CreateCalendarInput): Promise<SlaCalendarView> {
  requireAccess(actor, 'ticket:manage');
  checkHours(input.alwaysOpen, input.hours);
  if ((await repo.listCalendars(db)).some((c) => c.name === input.name)) throw AppError.field('name', 'sla.calendar_name_taken');
  const row = await uniqueName(() => repo.insertCalendar(db, input));
  if (row.isDefault) await repo.clearDefaultCalendar(db, row.id);
  await recordAudit(db, actor, { action: 'sla_calendar_create', entityType: 'sla_calendar', entityId: row.id, changes: { name: row.name } });
  return calendarView(row);
}

export async function updateCalendar(db: DbOrTx, actor: Actor | null, id: string, input: UpdateCalendarInput): Promise<SlaCalendarView> {
  requireAccess(actor, 'ticket:manage');
  const row = await repo.findCalendar(db, id);
  if (!row) throw AppError.notFound('sla.calendar_not_found');
  if (row.version !== input.version) throw AppError.conflict('sla.stale', { current: row.version }, 'version');
  const { version, ...values } = input;
  checkHours(values.alwaysOpen ?? row.alwaysOpen, values.hours ?? row.hours);
  if (values.name && values.name !== row.name && (await repo.listCalendars(db)).some((c) => c.name === values.name))
    throw AppError.field('name', 'sla.calendar_name_taken');
  const updated = await uniqueName(() => repo.updateCalendar(db, id, version, values));
  if (!updated) throw AppError.conflict('sla.stale', { current: version + 1 }, 'version');
  if (values.isDefault) await repo.clearDefaultCalendar(db, id);
  const changes: Record<string, unknown> = {};
  for (const k of Object.keys(values)) changes[k] = [(row as Record<string, unknown>)[k], (values as Record<string, unknown>)[k]];
  await recordAudit(db, actor, { action: 'sla_calendar_update', entityType: 'sla_calendar', entityId: id, changes });
  return calendarView(updated);
}

export async function deleteCalendar(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'ticket:manage');
  const row = await repo.findCalendar(db, id);
  if (!row) throw AppError.notFound('sla.calendar_not_found');
  if (row.isDefault) throw AppError.conflict('sla.calendar_default');
  if (await repo.calendarInUse(db, id)) throw AppError.conflict('sla.calendar_in_use');
  if (await repo.calendarHasClocks(db, id)) throw AppError.conflict('sla.calendar_has_clocks');
  await repo.deleteCalendar(db, id);
  await recordAudit(db, actor, { action: 'sla_calendar_delete', entityType: 'sla_calendar', entityId: id, changes: { name: row.name } });
}

// ---- settings: policies ----

function policyView(p: repo.PolicyWithCalendar): SlaPolicyView {
  return {
    id: p.id,
    name: p.name,
    ticketType: p.ticketType as SlaPolicyView['ticketType'],
    priority: p.priority as SlaPolicyView['priority'],
    customerTier: p.customerTier as SlaPolicyView['customerTier'],
    calendarId: p.calendarId,
    calendarName: p.calendarName,
    firstResponseMinutes: p.firstResponseMinutes,
    resolutionMinutes: p.resolutionMinutes,
    warnAtPercent: p.warnAtPercent,
    level2AfterMinutes: p.level2AfterMinutes,
    level3AfterMinutes: p.level3AfterMinutes,
    position: p.position,
    active: p.active,
    version: p.version,
  };
}

export async function listPolicies(db: DbOrTx, actor: Actor | null): Promise<SlaPolicyView[]> {
  requireAccess(actor, 'ticket:read');
  return (await repo.listPolicies(db)).map(policyView);
}

async function calendarIdOr(db: DbOrTx, id: string | undefined): Promise<string> {
  if (id) {
    if (!(await repo.findCalendar(db, id))) throw AppError.field('calendarId', 'sla.calendar_not_found');
    return id;
  }
  const all = await repo.listCalendars(db);
  const def = all.find((c) => c.isDefault) ?? all[0];
  if (!def) throw AppError.field('calendarId', 'sla.calendar_not_found');
  return def.id;
}

export async function createPolicy(db: DbOrTx, actor: Actor | null, input: CreatePolicyInput): Promise<SlaPolicyView> {
  requireAccess(actor, 'ticket:manage');
  const calendarId = await calendarIdOr(db, input.calendarId);
  const row = await repo.insertPolicy(db, { ...input, calendarId });
  await recordAudit(db, actor, { action: 'sla_policy_create', entityType: 'sla_policy', entityId: row.id, changes: { ...input, calendarId } });
  return policyView((await repo.findPolicy(db, row.id))!);
}

export async function updatePolicy(db: DbOrTx, actor: Actor | null, id: string, input: UpdatePolicyInput): Promise<SlaPolicyView> {
  requireAccess(actor, 'ticket:manage');
  const row = await repo.findPolicy(db, id);
  if (!row) throw AppError.notFound('sla.policy_not_found');
  if (row.version !== input.version) throw AppError.conflict('sla.stale', { current: row.version }, 'version');
  const { version, ...values } = input;
  if (values.calendarId) await calendarIdOr(db, values.calendarId);
  const l2 = values.level2AfterMinutes ?? row.level2AfterMinutes;
  const l3 = values.level3AfterMinutes ?? row.level3AfterMinutes;
  if (l2 >= l3) throw AppError.field('level3AfterMinutes', 'sla.level2_after_level3');
  const updated = await repo.updatePolicy(db, id, version, values);
  if (!updated) throw AppError.conflict('sla.stale', { current: version + 1 }, 'version');
  const changes: Record<string, unknown> = {};
  for (const k of Object.keys(values)) changes[k] = [(row as Record<string, unknown>)[k], (values as Record<string, unknown>)[k]];
  await recordAudit(db, actor, { action: 'sla_policy_update', entityType: 'sla_policy', entityId: id, changes });
  return policyView((await repo.findPolicy(db, id))!);
}
