/**
 * The deadline checker: warnings before a target and the three-level escalation after a breach. Each warning and each
 * escalation level is claimed by inserting its row ON CONFLICT DO NOTHING in the same transaction as its task, so it
 * fires exactly once however many server processes check at the same time.
 *
 * Who is told: level 1 the assignee (the agent); level 2 the team lead — the longest-serving active user with the
 * manager role in the ticket's team (the ticket's team, else the assignee's), else in the nearest ancestor team that
 * has one; level 3 the department manager — the manager of the next ancestor team above the team lead's. Whoever is
 * missing is replaced by the next level up, and at the top by the first administrator. Warnings go to the assignee.
 *
 * Rounds: each reopen starts a new SLA round (`ticket_sla_clocks.round`): a new resolution target from the reopen
 * time and the escalation level back to 0. Escalation rows carry the round, so each level fires exactly once per round.
 */
import { systemActor } from '../../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../../platform/db/client.js';
import { yieldToEventLoop } from '../../../platform/db/slice.js';
import { AppError } from '../../../platform/errors.js';
import { t, type Locale } from '../../../platform/i18n/index.js';
import type { App } from '../../../platform/http/server.js';
import { createTask } from '../../interactions/index.js';
import { businessMsBetween, type CompiledCalendar } from './calendar.js';
import { escalationTarget, inWarning, openTargets } from './clock.js';
import * as repo from './sla.repository.js';
import { calendarOf, stateOf, targetsOf } from './sla.service.js';
import { slaAlerted } from './alerts.js';

const MINUTE = 60_000;
/** How often the server checks deadlines. */
export const SLA_CHECK_MS = 60_000;
/** Running clocks looked at per check (the ones due soonest first). */
const BATCH = 5_000;
/** Clocks checked between two turns of the event loop. */
const CLOCKS_PER_TURN = 20;

export type SlaCheckResult = { warnings: number; escalations: number };
type Target = 'first_response' | 'resolution';

function formatDue(zone: string, at: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

type People = { level1: string | null; level2: string | null; level3: string | null };

async function peopleFor(db: DbOrTx, facts: repo.TicketFacts): Promise<People> {
  let lead: string | null = null;
  let manager: string | null = null;
  if (facts.teamId) {
    const chain = await repo.teamChain(db, facts.teamId);
    const managers = await repo.managersOf(db, chain);
    const i = chain.findIndex((id) => managers.has(id));
    if (i >= 0) {
      lead = managers.get(chain[i]!)!;
      const j = chain.findIndex((id, k) => k > i && managers.has(id));
      if (j >= 0) manager = managers.get(chain[j]!)!;
    }
  }
  const admin = !manager || !lead || !facts.assigneeId ? await repo.firstAdmin(db) : null;
  const level3 = manager ?? admin;
  const level2 = lead ?? level3;
  return { level1: facts.assigneeId ?? level2, level2, level3 };
}

/** A task for the person told (with the customer when they may see it, else without). */
async function taskFor(db: DbOrTx, userId: string, customerId: string | null, title: string, notes: string, dueAt: Date): Promise<string> {
  const actor = systemActor();
  const input = { type: 'other' as const, title: title.slice(0, 200), notes, assigneeId: userId, dueAt };
  if (customerId) {
    try {
      return (await createTask(db, actor, { ...input, customerId })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  return (await createTask(db, actor, input)).id;
}

/**
 * Claims and fires one warning or escalation. The clocks were read before this transaction, so the clock is read again
 * under a row lock: a ticket answered, resolved, paused, reopened or retargeted meanwhile (its target no longer open
 * with the same due time, or another round) fires nothing, and a level already reached in the round is not fired again.
 */
async function fire(
  db: Db,
  what: { ticketId: string; kind: 'escalation' | 'warning'; level: number; round: number; target: Target; userId: string | null },
  dueAt: Date,
  task: (tx: DbOrTx) => Promise<string | null>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const current = await repo.findClock(tx, what.ticketId, true);
    if (!current || current.pausedAt) return false;
    const open = openTargets(stateOf(current)).find((o) => o.kind === what.target);
    if (!open || open.dueAt.getTime() !== dueAt.getTime()) return false;
    if (what.kind === 'escalation' && (current.round !== what.round || current.escalationLevel >= what.level)) return false;
    if (what.kind === 'warning' && what.target === 'resolution' && current.round !== what.round) return false;
    const id = await repo.claimEscalation(tx, what);
    if (!id) return false;
    await repo.setEscalationTask(tx, id, await task(tx));
    if (what.kind === 'escalation') await repo.raiseEscalationLevel(tx, what.ticketId, what.level);
    return true;
  });
}

/** One pass over the running clocks: due warnings and escalations fire (each once). */
export async function checkSlaDeadlines(db: Db, now: Date): Promise<SlaCheckResult> {
  return checkClocks(db, await repo.runningClocks(db, BATCH, now), now);
}

/** Checks these clocks (as read at the start of the pass; `fire` re-reads each under a lock). Exported for tests. */
export async function checkClocks(db: Db, clocks: readonly repo.ClockRow[], now: Date): Promise<SlaCheckResult> {
  const result: SlaCheckResult = { warnings: 0, escalations: 0 };
  if (!clocks.length) return result;
  const facts = await repo.ticketFacts(
    db,
    clocks.map((c) => c.ticketId),
  );
  const warned = await repo.firedWarnings(
    db,
    clocks.map((c) => c.ticketId),
  );
  const policies = new Map((await repo.listPolicies(db)).map((p) => [p.id, p]));
  const calendars = new Map((await repo.listCalendars(db)).map((c) => [c.id, c]));
  for (const [k, clock] of clocks.entries()) {
    // A mass breach fires thousands of small transactions: a turn of the event loop every few clocks, so that the
    // embedded database's one thread and connection serve requests in between.
    if (k > 0 && k % CLOCKS_PER_TURN === 0) await yieldToEventLoop();
    const ticket = facts.get(clock.ticketId);
    const policy = policies.get(clock.policyId);
    const calRow = calendars.get(clock.calendarId);
    if (!ticket || !policy || !calRow) continue;
    const cal: CompiledCalendar = calendarOf(calRow);
    const state = stateOf(clock);
    const targets = targetsOf(policy);
    let people: People | null = null;
    const who = async () => (people ??= await peopleFor(db, ticket));

    for (const open of openTargets(state)) {
      // Past its due time a target is breached, not in warning: skip the day-by-day count back to an old due time.
      if (open.dueAt <= now) continue;
      const minutes = open.kind === 'first_response' ? targets.firstResponseMinutes : targets.resolutionMinutes;
      if (!inWarning(businessMsBetween(cal, now, open.dueAt), minutes, targets.warnAtPercent)) continue;
      const level = open.kind === 'first_response' ? 0 : 1;
      const round = open.kind === 'first_response' ? 0 : clock.round;
      if (warned.has(`${ticket.id}:${level}:${round}`)) continue;
      const userId = (await who()).level1;
      if (!userId) continue;
      const fired = await fire(
        db,
        { ticketId: ticket.id, kind: 'warning', level, round, target: open.kind, userId },
        open.dueAt,
        async (tx) => {
          await slaAlerted(tx, { ticketId: ticket.id, number: ticket.number, title: ticket.title, kind: 'warning', target: open.kind, level, round, assigneeId: ticket.assigneeId, userId, at: now });
          const locale = await repo.userLocale(tx, userId);
          const target = t(locale, `sla.target.${open.kind}`);
          const title = t(locale, 'sla.task.warning', { number: ticket.number, target, title: ticket.title });
          const notes = t(locale, 'sla.task.warning_notes', { target, due: formatDue(calRow.timeZone, open.dueAt, locale) });
          return taskFor(tx, userId, ticket.customerId, title, notes, open.dueAt);
        },
      );
      if (fired) result.warnings++;
    }

    // Each reopen is a new round: the level went back to 0 and the rows are keyed by the round, so every level fires
    // once per round.
    const escalating = escalationTarget(state, clock.round);
    if (!escalating || now < escalating.dueAt || clock.escalationLevel >= 3) continue;
    const { kind, dueAt: breach } = escalating;
    const late = businessMsBetween(cal, breach, now);
    const due = [1, late >= policy.level2AfterMinutes * MINUTE ? 2 : 0, late >= policy.level3AfterMinutes * MINUTE ? 3 : 0];
    for (const level of due) {
      if (!level || level <= clock.escalationLevel) continue;
      const p = await who();
      const userId = level === 1 ? p.level1 : level === 2 ? p.level2 : p.level3;
      const fired = await fire(db, { ticketId: ticket.id, kind: 'escalation', level, round: clock.round, target: kind, userId }, breach, async (tx) => {
        await slaAlerted(tx, { ticketId: ticket.id, number: ticket.number, title: ticket.title, kind: 'escalation', target: kind, level, round: clock.round, assigneeId: ticket.assigneeId, userId, at: now });
        if (!userId) return null;
        const locale = await repo.userLocale(tx, userId);
        const target = t(locale, `sla.target.${kind}`);
        const levelName = t(locale, `sla.level.${level as 1 | 2 | 3}`);
        const title = t(locale, 'sla.task.escalation', { number: ticket.number, level: levelName, title: ticket.title });
        const notes = t(locale, 'sla.task.escalation_notes', { target, due: formatDue(calRow.timeZone, breach, locale), level: levelName });
        return taskFor(tx, userId, ticket.customerId, title, notes, now);
      });
      if (fired) result.escalations++;
    }
  }
  return result;
}

const runners = new WeakMap<object, () => Promise<SlaCheckResult>>();

/**
 * Registers the periodic check on a server (every minute when `timer`, as the outbox sweep) with the app's clock;
 * `runSlaCheck(app)` runs one pass now (tests move the clock and call it instead of waiting).
 */
export function startSlaChecker(app: App, db: Db, opts: { now: () => Date; timer: boolean }): void {
  let running: Promise<SlaCheckResult> | null = null;
  const run = () =>
    (running ??= checkSlaDeadlines(db, opts.now()).finally(() => {
      running = null;
    }));
  runners.set(app, run);
  const tick = () => {
    run().catch((err: Error) => app.log.warn(`sla check: ${err.message}`));
  };
  const timer = opts.timer ? setInterval(tick, SLA_CHECK_MS) : null;
  timer?.unref();
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await running?.catch(() => undefined);
  });
}

export function runSlaCheck(app: App): Promise<SlaCheckResult> {
  const run = runners.get(app);
  if (!run) throw new Error('the SLA checker is not registered on this app');
  return run();
}
