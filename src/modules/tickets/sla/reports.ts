/**
 * 工单报表: volume by category, compound and day; first-response and resolution times in business hours (median, p90)
 * on each ticket's own SLA calendar; SLA compliance; reopen rate; satisfaction after tickets — overall, per agent and
 * per team, for a date range (company time zone).
 *
 * Definitions: first-response time = business time from creation to the first reply; resolution time = business
 * time from creation to the (last) resolution minus the business time paused while waiting on the customer (both over
 * the tickets created in the range); reopen rate = reopened tickets / tickets resolved at least once; percentiles
 * interpolate linearly between ranks. SLA compliance is `slaCompliance()` below — the one definition the report, the
 * home page's service tile, the goal metrics and the performance page share: per target, the targets *settled* in the
 * range (met when the clock stopped in time, missed when the due time passed), so it is not limited to the tickets
 * created in the range.
 * Scope: `all` sees every ticket, `team` the tickets of its teams (the ticket's team, else its assignee's) and its
 * own, `own` the tickets assigned to the caller. The team filter (`teamId`) keeps the tickets of that team and of every
 * team below it (a department counts its groups), within the caller's scope; an unknown or deleted team is a 400. */
import { sql, type SQL } from 'drizzle-orm';
import { dataScopeOf, scopeWhere } from '../../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/errors.js';
import { t } from '../../../platform/i18n/index.js';
import { knownZone, startOfDay, zoneOffsetMs } from '../../../platform/time.js';
import { findTeam } from '../../accounts/index.js';
import { readCompanySettings } from '../../settings/index.js';
import { addBusinessMs, addWorkingDays, businessMsBetween, compileCalendar, DEFAULT_CALENDAR, type CompiledCalendar } from './calendar.js';
import type { SlaTargetFigures, TicketPerformanceRow, TicketReport } from './sla.contract.js';
import * as repo from './sla.repository.js';
import { calendarOf } from './sla.service.js';
import type { ReportQuery } from './sla.types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const REPORT_MAX_DAYS = 366;
const MAX_TICKETS = 200_000;

type Row = {
  id: string;
  created_at: Date | string;
  category: string | null;
  compound: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  team_id: string | null;
  team_name: string | null;
  first_responded_at: Date | string | null;
  resolved_at: Date | string | null;
  reopen_count: number;
  rating: number | null;
  calendar_id: string | null;
  c_paused_business_ms: number | string | null;
};

const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

/** The value at quantile q (0..1) of sorted numbers, interpolating linearly between ranks. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR) * 100) / 100);
const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 10_000) / 10_000 : null);

type Measured = {
  row: Row;
  frMs: number | null;
  resMs: number | null;
  resolvedOnce: boolean;
  reopened: boolean;
};

type SlaPart = Pick<SlaComplianceGroup, 'firstResponse' | 'resolution'>;

function summarise(key: string | null, name: string, items: readonly Measured[], sla: SlaPart): TicketPerformanceRow {
  const fr = items.flatMap((m) => (m.frMs === null ? [] : [m.frMs])).sort((a, b) => a - b);
  const res = items.flatMap((m) => (m.resMs === null ? [] : [m.resMs])).sort((a, b) => a - b);
  const resolvedOnce = items.filter((m) => m.resolvedOnce).length;
  const ratings = items.flatMap((m) => (m.row.rating === null ? [] : [Number(m.row.rating)]));
  return {
    key,
    name,
    tickets: items.length,
    firstResponseMedianHours: hours(quantile(fr, 0.5)),
    firstResponseP90Hours: hours(quantile(fr, 0.9)),
    resolutionMedianHours: hours(quantile(res, 0.5)),
    resolutionP90Hours: hours(quantile(res, 0.9)),
    slaCompliance: sla.resolution.compliance,
    slaMeasured: sla.resolution.settled,
    slaBreached: sla.resolution.missed,
    firstResponseCompliance: sla.firstResponse.compliance,
    firstResponseMeasured: sla.firstResponse.settled,
    firstResponseBreached: sla.firstResponse.missed,
    reopenRate: ratio(items.filter((m) => m.reopened).length, resolvedOnce),
    satisfactionAvg: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null,
    ratings: ratings.length,
  };
}

/**
 * Rows per key (agent or team): the tickets created in the range, and the SLA targets settled in it — a key with
 * settled targets but no ticket created in the range still has its row (0 tickets).
 */
function groupBy(
  items: readonly Measured[],
  keyOf: (m: Measured) => string | null,
  nameOf: (m: Measured) => string,
  sla: readonly SlaComplianceGroup[],
  slaKeyOf: (g: SlaComplianceGroup) => string | null,
  slaNameOf: (g: SlaComplianceGroup) => string,
): TicketPerformanceRow[] {
  const groups = new Map<string | null, { name: string; items: Measured[]; sla: SlaComplianceGroup[] }>();
  const at = (k: string | null, name: string) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { name, items: [], sla: [] }));
    return g;
  };
  for (const m of items) at(keyOf(m), nameOf(m)).items.push(m);
  for (const s of sla) at(slaKeyOf(s), slaNameOf(s)).sla.push(s);
  return [...groups.entries()]
    .map(([k, g]) => summarise(k, g.name, g.items, sumFigures(g.sla)))
    .sort((a, b) => b.tickets - a.tickets || a.name.localeCompare(b.name));
}

/** The caller's data scope over the ticket's assignee and its team (the ticket's, else the assignee's `u`), for alias `tk`. */
function scopeFilter(actor: Actor, tk: SQL) {
  return scopeWhere(dataScopeOf(actor), sql`${tk}.assignee_id`, sql`coalesce(${tk}.team_id, u.team_id)`);
}

/** The ticket's team (else its assignee's) is the given team or one below it (live teams only), for alias `tk`. */
function teamFilter(teamId: string, tk: SQL) {
  return sql`coalesce(${tk}.team_id, u.team_id) in (
    with recursive sub(id, depth) as (
      select id, 0 from team_directory where id = ${teamId}::uuid and deleted_at is null
      union all
      select c.id, s.depth + 1 from team_directory c join sub s on c.parent_id = s.id where c.deleted_at is null and s.depth < 20
    ) select id from sub)`;
}

const wallDay = (zone: string, at: Date) => new Date(at.getTime() + zoneOffsetMs(zone, at)).toISOString().slice(0, 10);

/**
 * A ticket's business calendar by its clock's calendar id (the default calendar, or the built-in one, when it has
 * none or it is gone), each compiled once: the reports and the home page's first-response median measure alike.
 */
export async function calendarLookup(db: DbOrTx): Promise<(calendarId: string | null | undefined) => CompiledCalendar> {
  const calendars = new Map((await repo.listCalendars(db)).map((c) => [c.id, c]));
  const defaultRow = [...calendars.values()].find((c) => c.isDefault);
  const fallback: CompiledCalendar = defaultRow ? calendarOf(defaultRow) : compileCalendar(DEFAULT_CALENDAR);
  const compiled = new Map<string, CompiledCalendar>();
  return (id) => {
    const row = id ? calendars.get(id) : undefined;
    if (!row) return fallback;
    let cal = compiled.get(row.id);
    if (!cal) compiled.set(row.id, (cal = calendarOf(row)));
    return cal;
  };
}

// ---- SLA compliance: the one definition --------------------------------------------------------------------------------

/**
 * A ticket's SLA target is *settled* once its outcome is known, and counts in the range holding that moment:
 * - met — the clock stopped by the due time (first response: the first reply, or the resolution when it came first;
 *   resolution: the last resolution), settled when it stopped;
 * - missed — the due time passed with the clock still running (not paused before it) or stopped later, settled at the
 *   due time: an unanswered complaint counts against its 24-hour target as soon as the 24 hours are up, not when (or
 *   if) it is answered.
 * Compliance = met ÷ settled, per target. Each target of a ticket counts once, in one period, so a month's figure is
 * final once the month is over (as long as no clock moves: a reopen starts a new resolution round, which counts by its
 * own outcome). Targets not settled yet (running and not due, or paused before the due time) count nowhere. Live
 * tickets only, not merged duplicates; tickets without a clock (no policy matched) have no target.
 */
const settledAt = (stop: SQL, due: SQL, now: SQL) =>
  sql`case when ${stop} <= ${due} then ${stop} when ${stop} > ${due} or (${stop} is null and ${due} < coalesce(k.paused_at, ${now})) then ${due} end`;
const FR_STOP = sql`coalesce(k.first_responded_at, k.resolved_at)`;

export type SlaComplianceGroup = {
  assigneeId: string | null;
  assigneeName: string | null;
  teamId: string | null;
  teamName: string | null;
  firstResponse: SlaTargetFigures;
  resolution: SlaTargetFigures;
};
export type SlaComplianceResult = { firstResponse: SlaTargetFigures; resolution: SlaTargetFigures; groups: SlaComplianceGroup[] };

const figuresOf = (settled: number, met: number): SlaTargetFigures => ({ settled, met, missed: settled - met, compliance: ratio(met, settled) });

/**
 * SLA compliance over the instants [from, to) as of `now`, per target, overall and per assignee × team (the ticket's
 * team, else its assignee's). `where` narrows the tickets: SQL over `tickets` (the table, unaliased), `u` (the
 * assignee's user_directory row) and `c` (the customer's customer_directory row, null for unlinked intake).
 */
export async function slaCompliance(db: DbOrTx, opts: { from: Date; to: Date; now: Date; where?: SQL }): Promise<SlaComplianceResult> {
  const from = sql`${opts.from.toISOString()}::timestamptz`;
  const to = sql`${opts.to.toISOString()}::timestamptz`;
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const fr = settledAt(FR_STOP, sql`k.first_response_due_at`, now);
  const res = settledAt(sql`k.resolved_at`, sql`k.resolution_due_at`, now);
  const inRange = (x: SQL) => sql`${x} >= ${from} and ${x} < ${to}`;
  const rows = rowsOf<{
    assignee_id: string | null;
    assignee_name: string | null;
    team_id: string | null;
    team_name: string | null;
    fr_settled: number;
    fr_met: number;
    res_settled: number;
    res_met: number;
  }>(
    await db.execute(sql`
      select tickets.assignee_id, min(u.display_name) as assignee_name, coalesce(tickets.team_id, u.team_id) as team_id, min(tm.name) as team_name,
             count(*) filter (where ${inRange(fr)})::int as fr_settled,
             count(*) filter (where ${inRange(fr)} and ${FR_STOP} <= k.first_response_due_at)::int as fr_met,
             count(*) filter (where ${inRange(res)})::int as res_settled,
             count(*) filter (where ${inRange(res)} and k.resolved_at <= k.resolution_due_at)::int as res_met
        from tickets
        join ticket_sla_clocks k on k.ticket_id = tickets.id
        left join user_directory u on u.id = tickets.assignee_id
        left join team_directory tm on tm.id = coalesce(tickets.team_id, u.team_id)
        left join customer_directory c on c.id = tickets.customer_id
       where tickets.deleted_at is null and tickets.merged_into_id is null
         -- settled in the range ⇒ stopped or due in it (lets the planner skip the rest)
         and (${inRange(sql`k.first_response_due_at`)} or ${inRange(sql`k.resolution_due_at`)}
              or ${inRange(sql`k.first_responded_at`)} or ${inRange(sql`k.resolved_at`)})
         and ${opts.where ?? sql`true`}
       group by tickets.assignee_id, coalesce(tickets.team_id, u.team_id)`),
  );
  const groups = rows
    .filter((r) => Number(r.fr_settled) + Number(r.res_settled) > 0)
    .map((r) => ({
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_name,
      teamId: r.team_id,
      teamName: r.team_name,
      firstResponse: figuresOf(Number(r.fr_settled), Number(r.fr_met)),
      resolution: figuresOf(Number(r.res_settled), Number(r.res_met)),
    }));
  return { ...sumFigures(groups), groups };
}

/** The figures of several groups together. */
export function sumFigures(groups: readonly Pick<SlaComplianceGroup, 'firstResponse' | 'resolution'>[]): Pick<SlaComplianceResult, 'firstResponse' | 'resolution'> {
  const add = (pick: (g: (typeof groups)[number]) => SlaTargetFigures) =>
    figuresOf(
      groups.reduce((n, g) => n + pick(g).settled, 0),
      groups.reduce((n, g) => n + pick(g).met, 0),
    );
  return { firstResponse: add((g) => g.firstResponse), resolution: add((g) => g.resolution) };
}

export async function ticketReport(db: DbOrTx, actor: Actor | null, q: ReportQuery, now: Date): Promise<TicketReport> {
  requireAccess(actor, 'ticket:read');
  const zone = knownZone((await readCompanySettings(db)).timezone);
  const to = q.to ?? wallDay(zone, now);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  if (from > to) throw AppError.field('from', 'sla.report_order');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY + 1;
  if (days > REPORT_MAX_DAYS) throw AppError.field('from', 'sla.report_range', { max: REPORT_MAX_DAYS });
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  if (q.teamId && !(await findTeam(db, q.teamId))) throw AppError.field('teamId', 'sla.report_team_not_found');
  const start = startOfDay(zone, fy, fm, fd);
  const end = startOfDay(zone, ty, tm, td + 1);

  const res = await db.execute(sql`
    select t.id, t.created_at, t.category, cu.compound, t.assignee_id, u.display_name as assignee_name,
           coalesce(t.team_id, u.team_id) as team_id, tm.name as team_name,
           t.first_responded_at, t.resolved_at, t.reopen_count, t.rating,
           c.calendar_id, c.paused_business_ms as c_paused_business_ms
    from tickets t
    left join user_directory u on u.id = t.assignee_id
    left join team_directory tm on tm.id = coalesce(t.team_id, u.team_id)
    left join customer_directory cu on cu.id = t.customer_id
    left join ticket_sla_clocks c on c.ticket_id = t.id
    where t.created_at >= ${start.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz
      and t.deleted_at is null and t.merged_into_id is null
      and ${q.teamId ? teamFilter(q.teamId, sql`t`) : sql`true`}
      and ${scopeFilter(actor, sql`t`)}
    limit ${MAX_TICKETS}`);
  const rows = rowsOf<Row>(res);

  const calendarFor = await calendarLookup(db);
  const measured: Measured[] = rows.map((r) => {
    const cal = calendarFor(r.calendar_id);
    const created = date(r.created_at)!;
    const frAt = date(r.first_responded_at);
    const resolvedAt = date(r.resolved_at);
    const paused = Number(r.c_paused_business_ms ?? 0);
    const frMs = frAt ? Math.max(0, businessMsBetween(cal, created, frAt)) : null;
    const resMs = resolvedAt ? Math.max(0, businessMsBetween(cal, created, resolvedAt) - paused) : null;
    const reopened = Number(r.reopen_count) > 0;
    return { row: r, frMs, resMs, resolvedOnce: resolvedAt !== null || reopened, reopened };
  });
  const sla = await slaCompliance(db, {
    from: start,
    to: end,
    now,
    where: sql`${q.teamId ? teamFilter(q.teamId, sql`tickets`) : sql`true`} and ${scopeFilter(actor, sql`tickets`)}`,
  });

  const locale = actor.locale;
  const count = (keyOf: (r: Row) => string | null) => {
    const m = new Map<string | null, number>();
    for (const r of rows) m.set(keyOf(r), (m.get(keyOf(r)) ?? 0) + 1);
    return [...m.entries()].map(([key, n]) => ({ key, count: n })).sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
  };
  const perDay = new Map<string, number>();
  for (const r of rows) {
    const d = wallDay(zone, date(r.created_at)!);
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const byDay: { day: string; count: number }[] = [];
  for (let i = 0; i < days; i++) {
    const d = new Date(Date.parse(`${from}T00:00:00Z`) + i * DAY).toISOString().slice(0, 10);
    byDay.push({ day: d, count: perDay.get(d) ?? 0 });
  }

  return {
    from,
    to,
    total: rows.length,
    byCategory: count((r) => r.category),
    byCompound: count((r) => r.compound),
    byDay,
    overall: summarise(null, t(locale, 'sla.report.all'), measured, sla),
    byAgent: groupBy(
      measured,
      (m) => m.row.assignee_id,
      (m) => m.row.assignee_name ?? t(locale, 'sla.report.unassigned'),
      sla.groups,
      (g) => g.assigneeId,
      (g) => g.assigneeName ?? t(locale, 'sla.report.unassigned'),
    ),
    byTeam: groupBy(
      measured,
      (m) => m.row.team_id,
      (m) => m.row.team_name ?? t(locale, 'sla.report.no_team'),
      sla.groups,
      (g) => g.teamId,
      (g) => g.teamName ?? t(locale, 'sla.report.no_team'),
    ),
  };
}

/**
 * An instant `businessMs` of working time after `start` on the company's default SLA calendar (the built-in one when
 * none is set): deadlines of other modules' work (a feedback item's handling) on the same business calendar as tickets.
 */
export async function businessDeadline(db: DbOrTx, start: Date, businessMs: number): Promise<Date> {
  return addBusinessMs((await calendarLookup(db))(null), start, businessMs);
}

/**
 * The end of the `days`-th working day after the day of `start` on the company's default SLA calendar (holidays and
 * 调休 days included): deadlines counted in working days (a personal-information request's 15, issue #18).
 */
export async function workingDaysDeadline(db: DbOrTx, start: Date, days: number): Promise<{ day: string; at: Date }> {
  const { day, end } = addWorkingDays((await calendarLookup(db))(null), start, days);
  return { day, at: end };
}
