/**
 * 工单报表: volume by category, compound and day; first-response and resolution times in business hours (median, p90)
 * on each ticket's own SLA calendar; SLA compliance; reopen rate; satisfaction after tickets — overall, per agent and
 * per team, for tickets created in a date range (company time zone).
 *
 * Definitions: first-response time = business time from creation to the first reply; resolution time = business
 * time from creation to the (last) resolution minus the business time paused while waiting on the customer; a ticket
 * is compliant when neither target was missed (an open target past its due time counts as missed); reopen rate =
 * reopened tickets / tickets resolved at least once; percentiles interpolate linearly between ranks.
 * Scope: `all` sees every ticket, `team` the tickets of its teams (the ticket's team, else its assignee's) and its
 * own, `own` the tickets assigned to the caller. The team filter (`teamId`) keeps the tickets of that team and of every
 * team below it (a department counts its groups), within the caller's scope; an unknown or deleted team is a 400.
 */
import { sql } from 'drizzle-orm';
import { dataScopeOf, scopeWhere } from '../../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/errors.js';
import { t } from '../../../platform/i18n/index.js';
import { knownZone, startOfDay, zoneOffsetMs } from '../../../platform/time.js';
import { findTeam } from '../../accounts/index.js';
import { readCompanySettings } from '../../settings/index.js';
import { addBusinessMs, businessMsBetween, compileCalendar, DEFAULT_CALENDAR, type CompiledCalendar } from './calendar.js';
import type { TicketPerformanceRow, TicketReport } from './sla.contract.js';
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
  c_first_response_due_at: Date | string | null;
  c_resolution_due_at: Date | string | null;
  c_first_responded_at: Date | string | null;
  c_resolved_at: Date | string | null;
  c_paused_at: Date | string | null;
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
  measured: boolean;
  breached: boolean;
  resolvedOnce: boolean;
  reopened: boolean;
};

function summarise(key: string | null, name: string, items: readonly Measured[]): TicketPerformanceRow {
  const fr = items.flatMap((m) => (m.frMs === null ? [] : [m.frMs])).sort((a, b) => a - b);
  const res = items.flatMap((m) => (m.resMs === null ? [] : [m.resMs])).sort((a, b) => a - b);
  const measured = items.filter((m) => m.measured);
  const breached = measured.filter((m) => m.breached).length;
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
    slaCompliance: ratio(measured.length - breached, measured.length),
    slaMeasured: measured.length,
    slaBreached: breached,
    reopenRate: ratio(items.filter((m) => m.reopened).length, resolvedOnce),
    satisfactionAvg: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null,
    ratings: ratings.length,
  };
}

function groupBy(items: readonly Measured[], keyOf: (m: Measured) => string | null, nameOf: (m: Measured) => string): TicketPerformanceRow[] {
  const groups = new Map<string | null, Measured[]>();
  for (const m of items) {
    const k = keyOf(m);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(m);
  }
  return [...groups.entries()].map(([k, g]) => summarise(k, nameOf(g[0]!), g)).sort((a, b) => b.tickets - a.tickets || a.name.localeCompare(b.name));
}

/** The caller's data scope over the ticket's assignee and its team (the ticket's, else the assignee's). */
function scopeFilter(actor: Actor) {
  return scopeWhere(dataScopeOf(actor), sql`t.assignee_id`, sql`coalesce(t.team_id, u.team_id)`);
}

/** The ticket's team (else its assignee's) is the given team or one below it (live teams only). */
function teamFilter(teamId: string) {
  return sql`coalesce(t.team_id, u.team_id) in (
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
           c.calendar_id, c.first_response_due_at as c_first_response_due_at, c.resolution_due_at as c_resolution_due_at,
           c.first_responded_at as c_first_responded_at, c.resolved_at as c_resolved_at, c.paused_at as c_paused_at,
           c.paused_business_ms as c_paused_business_ms
    from tickets t
    left join user_directory u on u.id = t.assignee_id
    left join team_directory tm on tm.id = coalesce(t.team_id, u.team_id)
    left join customer_directory cu on cu.id = t.customer_id
    left join ticket_sla_clocks c on c.ticket_id = t.id
    where t.created_at >= ${start.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz
      and t.deleted_at is null and t.merged_into_id is null
      and ${q.teamId ? teamFilter(q.teamId) : sql`true`}
      and ${scopeFilter(actor)}
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
    let breached = false;
    const hasClock = r.calendar_id !== null;
    if (hasClock) {
      const openUntil = date(r.c_paused_at) ?? now;
      const frDue = date(r.c_first_response_due_at)!;
      const resDue = date(r.c_resolution_due_at)!;
      const frDone = date(r.c_first_responded_at);
      const resDone = date(r.c_resolved_at);
      breached = (frDone ?? resDone ?? openUntil) > frDue || (resDone ?? openUntil) > resDue;
    }
    const reopened = Number(r.reopen_count) > 0;
    return { row: r, frMs, resMs, measured: hasClock, breached, resolvedOnce: resolvedAt !== null || reopened, reopened };
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
    overall: summarise(null, t(locale, 'sla.report.all'), measured),
    byAgent: groupBy(
      measured,
      (m) => m.row.assignee_id,
      (m) => m.row.assignee_name ?? t(locale, 'sla.report.unassigned'),
    ),
    byTeam: groupBy(
      measured,
      (m) => m.row.team_id,
      (m) => m.row.team_name ?? t(locale, 'sla.report.no_team'),
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
