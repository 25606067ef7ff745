/**
 * One ticket's SLA clock as pure state transitions (the service stores the result): start, pause while waiting on the
 * customer, resume (open due times move by the paused business time), first response, resolve, reopen (the
 * resolution target starts again from the reopen time), and the view the UI shows.
 */
import { addBusinessMs, businessMsBetween, type CompiledCalendar } from './calendar.js';
import type { SlaClockView } from './sla.contract.js';

const MINUTE = 60_000;

export type ClockTargets = { firstResponseMinutes: number; resolutionMinutes: number; warnAtPercent: number };

export type ClockState = {
  startedAt: Date;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  /** When the current resolution target started (creation, or the last reopen). */
  resolutionStartedAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  pausedAt: Date | null;
  pausedBusinessMs: number;
  /** Business time paused since the current resolution target started. */
  resolutionPausedMs: number;
  escalationLevel: number;
};

export function startClock(cal: CompiledCalendar, t: ClockTargets, now: Date): ClockState {
  return {
    startedAt: now,
    firstResponseDueAt: addBusinessMs(cal, now, t.firstResponseMinutes * MINUTE),
    resolutionDueAt: addBusinessMs(cal, now, t.resolutionMinutes * MINUTE),
    resolutionStartedAt: now,
    firstRespondedAt: null,
    resolvedAt: null,
    pausedAt: null,
    pausedBusinessMs: 0,
    resolutionPausedMs: 0,
    escalationLevel: 0,
  };
}

/**
 * New targets (another policy after a change of type, priority or customer): due times count from the same starts,
 * plus the business time spent paused so far.
 */
export function retarget(cal: CompiledCalendar, c: ClockState, t: ClockTargets): ClockState {
  return {
    ...c,
    firstResponseDueAt: c.firstRespondedAt ? c.firstResponseDueAt : addBusinessMs(cal, c.startedAt, t.firstResponseMinutes * MINUTE + c.pausedBusinessMs),
    resolutionDueAt: c.resolvedAt ? c.resolutionDueAt : addBusinessMs(cal, c.resolutionStartedAt, t.resolutionMinutes * MINUTE + c.resolutionPausedMs),
  };
}

export function pauseClock(c: ClockState, now: Date): ClockState {
  if (c.pausedAt || c.resolvedAt) return c;
  return { ...c, pausedAt: now };
}

/** The targets still open move by the business time spent paused. */
export function resumeClock(cal: CompiledCalendar, c: ClockState, now: Date): ClockState {
  if (!c.pausedAt) return c;
  const paused = Math.max(0, businessMsBetween(cal, c.pausedAt, now));
  return {
    ...c,
    pausedAt: null,
    pausedBusinessMs: c.pausedBusinessMs + paused,
    resolutionPausedMs: c.resolutionPausedMs + paused,
    firstResponseDueAt: c.firstRespondedAt ? c.firstResponseDueAt : addBusinessMs(cal, c.firstResponseDueAt, paused),
    resolutionDueAt: c.resolvedAt ? c.resolutionDueAt : addBusinessMs(cal, c.resolutionDueAt, paused),
  };
}

export function firstResponse(c: ClockState, now: Date): ClockState {
  return c.firstRespondedAt ? c : { ...c, firstRespondedAt: now };
}

/** Resolved (or closed): the clock stops; a pause in progress ends without moving anything. */
export function resolveClock(cal: CompiledCalendar, c: ClockState, now: Date): ClockState {
  if (c.resolvedAt) return c;
  const resumed = c.pausedAt ? resumeClock(cal, c, now) : c;
  return { ...resumed, resolvedAt: now };
}

/**
 * Reopened: a new SLA round. The resolution target starts again from now and the escalation level goes back to 0, so
 * each level can fire once more in this round (the first response stays as it was).
 */
export function reopenClock(cal: CompiledCalendar, c: ClockState, t: ClockTargets, now: Date): ClockState {
  return {
    ...c,
    resolvedAt: null,
    pausedAt: null,
    resolutionPausedMs: 0,
    resolutionStartedAt: now,
    resolutionDueAt: addBusinessMs(cal, now, t.resolutionMinutes * MINUTE),
    escalationLevel: 0,
  };
}

/** The open targets (not met yet), earliest first. */
export function openTargets(c: ClockState): { kind: 'first_response' | 'resolution'; dueAt: Date }[] {
  const out: { kind: 'first_response' | 'resolution'; dueAt: Date }[] = [];
  if (c.resolvedAt) return out;
  if (!c.firstRespondedAt) out.push({ kind: 'first_response', dueAt: c.firstResponseDueAt });
  out.push({ kind: 'resolution', dueAt: c.resolutionDueAt });
  return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** When the earliest open target was (or will be) breached; null when none is open. */
export function breachAt(c: ClockState): Date | null {
  return openTargets(c)[0]?.dueAt ?? null;
}

/**
 * The target escalation follows in a round: in the first round (0) the earliest open target; after a reopen (round ≥ 1)
 * the round's resolution target only — a first response still open then belongs to the first round (its breach was
 * escalated then, or the ticket was resolved before it was due), and counting from its old due time would fire every
 * level of the new round at once.
 */
export function escalationTarget(c: ClockState, round: number): { kind: 'first_response' | 'resolution'; dueAt: Date } | null {
  const open = openTargets(c);
  return (round > 0 ? open.find((o) => o.kind === 'resolution') : open[0]) ?? null;
}

/** Whether a target is in its warning zone: less than (100 − warnAtPercent)% of it left. */
export function inWarning(remainingMs: number, targetMinutes: number, warnAtPercent: number): boolean {
  return remainingMs > 0 && remainingMs <= (targetMinutes * MINUTE * (100 - warnAtPercent)) / 100;
}

export function clockView(
  cal: CompiledCalendar,
  c: ClockState,
  t: ClockTargets,
  names: { policyName: string; calendarName: string },
  now: Date,
): SlaClockView {
  const base = {
    policyName: names.policyName,
    calendarName: names.calendarName,
    firstResponseDueAt: c.firstResponseDueAt.toISOString(),
    firstRespondedAt: c.firstRespondedAt?.toISOString() ?? null,
    resolutionDueAt: c.resolutionDueAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    paused: c.pausedAt !== null,
    escalationLevel: Math.min(3, Math.max(0, c.escalationLevel)) as 0 | 1 | 2 | 3,
  };
  const next = openTargets(c)[0];
  if (!next) return { ...base, remainingMs: null, state: 'met' };
  const at = c.pausedAt ?? now;
  const remainingMs = businessMsBetween(cal, at, next.dueAt);
  if (c.pausedAt) return { ...base, remainingMs, state: remainingMs <= 0 ? 'breached' : 'paused' };
  if (remainingMs <= 0) return { ...base, remainingMs, state: 'breached' };
  const minutes = next.kind === 'first_response' ? t.firstResponseMinutes : t.resolutionMinutes;
  return { ...base, remainingMs, state: inWarning(remainingMs, minutes, t.warnAtPercent) ? 'warning' : 'on_track' };
}
