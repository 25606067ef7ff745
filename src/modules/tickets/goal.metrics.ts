/**
 * The tickets module's goal metrics (目标管理, issue #17), registered by src/app.ts. Each counts live tickets that are not
 * merged duplicates (as the ticket report does), created — or, for SLA compliance, resolved — in the goal's range, for
 * the goal's owner: the company; a team (tickets of the team or of its members, sub-teams included: the ticket's team,
 * else its assignee's); a person (tickets assigned to them).
 * - `tickets.complaints`: complaints opened (lower is better; the forecast follows the pace);
 * - `tickets.complaint_rate`: complaints opened per 1,000 customers of the owner (live customers; the company's all);
 * - `tickets.complaints_answered_24h`: of the complaints opened, the share whose first reply came within 24 hours
 *   (clock hours) — a complaint still unanswered counts against it once its 24 hours have passed, and not before;
 * - `tickets.first_response_median`: the median first-response time in business hours on each ticket's SLA calendar
 *   (the ticket report's measure), of the tickets answered;
 * - `tickets.resolution_median`: the median resolution time in business hours less the time paused waiting on the
 *   customer (the ticket report's measure), of the tickets opened in the range and resolved;
 * - `tickets.sla_compliance`: the resolution target's compliance — of the resolution targets settled in the range (met:
 *   resolved by the due time; missed: the due time passed first), the share met;
 * - `tickets.first_response_compliance`: the same for the first-response target.
 * Both are the ticket report's `slaCompliance()` (sla/reports.ts), the one definition of SLA compliance.
 */
import { sql, type SQL } from 'drizzle-orm';
import { scopeWhere, type DataScope } from '../../platform/auth/access.js';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { businessMsBetween } from './sla/calendar.js';
import { calendarLookup, quantile, slaCompliance } from './sla/reports.js';
import { ticketSlaClocks } from './sla/schema.js';
import { tickets } from './schema.js';

const HOUR = 3_600_000;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The owner's tickets (alias t): the ticket's team, else its assignee's, for a team; the assignee for a person. */
function ownerTickets(scope: DataScope): SQL {
  return scopeWhere(scope, sql`t.assignee_id`, sql`coalesce(t.team_id, (select u.team_id from ${userDirectory} u where u.id = t.assignee_id))`);
}

function live(scope: DataScope): SQL {
  return sql`t.deleted_at is null and t.merged_into_id is null and ${ownerTickets(scope)}`;
}

async function complaints({ db, from, to, scope }: GoalMetricContext): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${tickets} t
      where t.type = 'complaint' and t.created_at >= ${iso(from)} and t.created_at < ${iso(to)} and ${live(scope)}`),
  );
  return Number(row?.n ?? 0);
}

async function complaintRate(ctx: GoalMetricContext): Promise<number | null> {
  const [row] = rowsOf<{ n: number }>(
    await ctx.db.execute(sql`select count(*)::int as n from ${customerDirectory} c where c.deleted_at is null and ${customerAccess.scoped.where(ctx.scope, 'c')}`),
  );
  const customers = Number(row?.n ?? 0);
  if (!customers) return null;
  return round(((await complaints(ctx)) * 1000) / customers, 4);
}

async function answeredWithin24h({ db, from, to, scope }: GoalMetricContext): Promise<number | null> {
  const [row] = rowsOf<{ met: number; counted: number }>(
    await db.execute(sql`select
        count(*) filter (where t.first_responded_at is not null and t.first_responded_at <= t.created_at + interval '24 hours'
                           and t.first_responded_at < ${iso(to)})::int as met,
        count(*) filter (where (t.first_responded_at is not null and t.first_responded_at < ${iso(to)})
                            or t.created_at + interval '24 hours' <= ${iso(to)})::int as counted
      from ${tickets} t
      where t.type = 'complaint' and t.created_at >= ${iso(from)} and t.created_at < ${iso(to)} and ${live(scope)}`),
  );
  const counted = Number(row?.counted ?? 0);
  return counted ? round((Number(row!.met) * 100) / counted, 2) : null;
}

/**
 * The median business hours from creation to `until` (the first reply, or the resolution less the time paused) of the
 * tickets opened in the range that reached it before the range's end, on each ticket's own SLA calendar.
 */
function medianHours(until: 'first_responded_at' | 'resolved_at') {
  const col = sql.identifier(until);
  return async ({ db, from, to, scope }: GoalMetricContext): Promise<number | null> => {
    const rows = rowsOf<{ created_at: string | Date; until: string | Date; calendar_id: string | null; paused: string | number | null }>(
      await db.execute(sql`select t.created_at, t.${col} as until, k.calendar_id, k.paused_business_ms as paused from ${tickets} t
        left join ${ticketSlaClocks} k on k.ticket_id = t.id
        where t.created_at >= ${iso(from)} and t.created_at < ${iso(to)} and t.${col} is not null and t.${col} < ${iso(to)}
          and ${live(scope)}`),
    );
    if (!rows.length) return null;
    const calendarFor = await calendarLookup(db);
    const date = (v: string | Date) => (v instanceof Date ? v : new Date(v));
    const paused = (r: (typeof rows)[number]) => (until === 'resolved_at' ? Number(r.paused ?? 0) : 0);
    const ms = rows.map((r) => Math.max(0, businessMsBetween(calendarFor(r.calendar_id), date(r.created_at), date(r.until)) - paused(r))).sort((a, b) => a - b);
    return round(quantile(ms, 0.5)! / HOUR, 2);
  };
}

/** The owner's tickets for `slaCompliance` (which names the tickets table itself and the assignee as `u`). */
function ownerOfTickets(scope: DataScope): SQL {
  return scopeWhere(scope, sql`tickets.assignee_id`, sql`coalesce(tickets.team_id, u.team_id)`);
}

function compliance(target: 'firstResponse' | 'resolution') {
  return async ({ db, from, to, scope, now }: GoalMetricContext): Promise<number | null> => {
    const r = (await slaCompliance(db, { from, to, now, where: ownerOfTickets(scope) }))[target];
    return r.compliance === null ? null : round(r.compliance * 100, 2);
  };
}

const COMPLAINTS = '/tickets?status=all&type=complaint';

export const ticketGoalMetrics: GoalMetricDef[] = [
  {
    key: 'tickets.complaints',
    label: (l) => t(l, 'tickets.goal.complaints'),
    description: (l) => t(l, 'tickets.goal.complaints.description'),
    unit: 'count',
    better: 'lower',
    forecast: 'pace',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: complaints,
    link: COMPLAINTS,
  },
  {
    key: 'tickets.complaint_rate',
    label: (l) => t(l, 'tickets.goal.complaint_rate'),
    description: (l) => t(l, 'tickets.goal.complaint_rate.description'),
    unit: 'score',
    better: 'lower',
    forecast: 'pace',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: complaintRate,
    link: COMPLAINTS,
  },
  {
    key: 'tickets.complaints_answered_24h',
    label: (l) => t(l, 'tickets.goal.answered_24h'),
    description: (l) => t(l, 'tickets.goal.answered_24h.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: answeredWithin24h,
    link: COMPLAINTS,
  },
  {
    key: 'tickets.first_response_median',
    label: (l) => t(l, 'tickets.goal.first_response'),
    description: (l) => t(l, 'tickets.goal.first_response.description'),
    unit: 'hours',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: medianHours('first_responded_at'),
    link: '/tickets/reports',
  },
  {
    key: 'tickets.resolution_median',
    label: (l) => t(l, 'tickets.goal.resolution'),
    description: (l) => t(l, 'tickets.goal.resolution.description'),
    unit: 'hours',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: medianHours('resolved_at'),
    link: '/tickets/reports',
  },
  {
    key: 'tickets.sla_compliance',
    label: (l) => t(l, 'tickets.goal.sla'),
    description: (l) => t(l, 'tickets.goal.sla.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: compliance('resolution'),
    link: '/tickets/reports',
  },
  {
    key: 'tickets.first_response_compliance',
    label: (l) => t(l, 'tickets.goal.first_response_sla'),
    description: (l) => t(l, 'tickets.goal.first_response_sla.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'ticket:read',
    compute: compliance('firstResponse'),
    link: '/tickets/reports',
  },
];
