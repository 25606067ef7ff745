/**
 * The tickets module's tiles on the home page (首页, issue #17), registered by src/app.ts:
 * - `tickets.mine` (the agent's board): my open tickets, how many of them are past their SLA deadline and how many
 *   are due soon, and the five with the nearest deadline. The figures are the queue's own: the same filters
 *   (tickets.repository's ListFilter: visibility, status=open, assignee = me) and the same SLA states (breached decided
 *   in SQL from the stored due times; warning by the SLA module over the running clocks), so each figure equals the
 *   `total` of the queue its link opens.
 * - `tickets.service` (the manager's board): this month in the company's zone — SLA compliance (the resolution target's,
 *   by the ticket report's `slaCompliance()`: of the resolution targets settled this month — met when resolved in time,
 *   missed when the due time passed first — the share met), complaints opened, complaints per 1,000 customers
 *   the actor sees, the median first-response time in business hours (as the ticket report measures it: on each
 *   ticket's own SLA calendar), and complaints per month over the last six months.
 * Both within the actor's ticket scope, by the queue's condition (tickets.visibility.ts); merged duplicates and deleted
 * tickets never count in the service figures (as in the ticket report).
 *
 * The complaint figures and each month's bar drill to that month's complaints (`type=complaint`, any status,
 * `createdFrom`/`createdTo` the month's first and last day in the company's zone, as the queue reads them).
 */
import { and, eq, gte, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { NO_USER } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { startOfDay } from '../../platform/time.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import type { DashboardTileDef, DashboardTileView, TileContext, TileRow, TileTone } from '../dashboards/index.js';
import { slaClocks, type SlaClockView } from './sla/index.js';
import { businessMsBetween } from './sla/calendar.js';
import { calendarLookup, quantile, slaCompliance } from './sla/reports.js';
import { ticketSlaClocks } from './sla/schema.js';
import { tickets } from './schema.js';
import * as repo from './tickets.repository.js';
import { visibilityOf } from './tickets.visibility.js';

/** Rows the `tickets.mine` tile lists. */
export const MINE_ROWS = 5;
/** Months the complaints chart covers, this one included. */
export const CHART_MONTHS = 6;
const SLA_CHUNK = 5000;
const HOUR = 3_600_000;

type TileBody = Omit<DashboardTileView, 'key'>;

/** The web queue's URL for these filters (web/src/modules/tickets/queueParams.ts reads them). */
export function queueLink(f: { mine?: boolean; status?: string; type?: string; sla?: string; createdFrom?: string; createdTo?: string; merged?: 'exclude' }): string {
  const p = new URLSearchParams();
  if (f.mine) p.set('mine', '1');
  if (f.status) p.set('status', f.status);
  if (f.type) p.set('type', f.type);
  if (f.sla) p.set('sla', f.sla);
  if (f.createdFrom) p.set('createdFrom', f.createdFrom);
  if (f.createdTo) p.set('createdTo', f.createdTo);
  if (f.merged) p.set('merged', f.merged);
  const qs = p.toString();
  return qs ? `/tickets?${qs}` : '/tickets';
}

const SLA_TONE: Partial<Record<SlaClockView['state'], TileTone>> = { breached: 'danger', warning: 'warning' };

/** The customers alias the queue's visibility condition names (customerAccess over `c`). */
const customers = alias(customerDirectory, repo.CUSTOMER_ALIAS);

/** The nearer open SLA target's due time (first response until answered, then resolution); null when none is open. */
const k = ticketSlaClocks;
const dueAt = sql`case when ${k.resolvedAt} is null then least(case when ${k.firstRespondedAt} is null then ${k.firstResponseDueAt} end, ${k.resolutionDueAt}) end`;

// ---- tickets.mine ----------------------------------------------------------------------------------------------------

/** The running clocks of these tickets that the SLA module says are in their warning zone (as the queue's `sla=warning`). */
async function countWarning(db: DbOrTx, ids: readonly string[], now: Date): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += SLA_CHUNK) {
    const clocks = await slaClocks(db, ids.slice(i, i + SLA_CHUNK), now);
    for (const c of clocks.values()) if (c.state === 'warning') n++;
  }
  return n;
}

/** The first `limit` of these tickets by their nearest SLA deadline (those without a clock last, oldest first). */
async function nearestDeadlines(db: DbOrTx, ids: readonly string[], limit: number) {
  if (!ids.length) return [];
  return db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      contactName: tickets.contactName,
      customerId: tickets.customerId,
      customerName: customers.name,
      customerOwnerId: customers.ownerId,
      customerTeamId: customers.teamId,
      due: sql<string | null>`to_char(${dueAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(ticketSlaClocks, eq(ticketSlaClocks.ticketId, tickets.id))
    .where(sql`${tickets.id} = any(${`{${ids.join(',')}}`}::uuid[])`)
    .orderBy(sql`${dueAt} asc nulls last`, tickets.createdAt, tickets.id)
    .limit(limit);
}

async function loadMine({ db, actor, now, locale }: TileContext): Promise<TileBody> {
  // The queue's filter for `mine=true&status=open` (tickets.service.ts listTickets).
  const mine: repo.ListFilter = { visibility: visibilityOf(actor), status: 'open', assigneeId: actor.userId ?? NO_USER };
  const open = await repo.listTicketIds(db, mine);
  const breached = await repo.countTickets(db, { ...mine, sla: { state: 'breached', now } });
  const running = await repo.listTicketIds(db, { ...mine, sla: { state: 'running', now } });
  const warning = await countWarning(
    db,
    running.map((x) => x.id),
    now,
  );
  const nearest = await nearestDeadlines(
    db,
    open.map((x) => x.id),
    MINE_ROWS,
  );
  const clocks = await slaClocks(
    db,
    nearest.map((r) => r.id),
    now,
  );
  const rows: TileRow[] = nearest.map((r) => {
    // The customer's name only for those who reach the customer (as the queue shows it), else the contact's.
    const reachable = r.customerId && customerAccess.reaches(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
    const who = (reachable ? r.customerName : null) || r.contactName;
    const state = clocks.get(r.id)?.state;
    return {
      id: r.id,
      label: `#${r.number} ${r.title}`,
      detail: [who, t(locale, `tickets.status.${r.status}`)].filter(Boolean).join(' · '),
      at: r.due,
      tone: (state && SLA_TONE[state]) ?? 'default',
      link: `/tickets/${r.id}`,
    };
  });
  return {
    title: t(locale, 'tickets.tile.mine.title'),
    description: t(locale, 'tickets.tile.mine.description'),
    stats: [
      { label: t(locale, 'tickets.tile.mine.open'), value: open.length, unit: 'count', tone: 'default', link: queueLink({ mine: true, status: 'open' }) },
      {
        label: t(locale, 'tickets.tile.mine.breached'),
        value: breached,
        unit: 'count',
        tone: breached ? 'danger' : 'default',
        link: queueLink({ mine: true, status: 'open', sla: 'breached' }),
      },
      {
        label: t(locale, 'tickets.tile.mine.warning'),
        value: warning,
        unit: 'count',
        tone: warning ? 'warning' : 'default',
        link: queueLink({ mine: true, status: 'open', sla: 'warning' }),
      },
    ],
    rows,
    chart: null,
    link: queueLink({ mine: true, status: 'open' }),
  };
}

// ---- tickets.service -------------------------------------------------------------------------------------------------

/** The first instant of the month `back` months before today's (company zone), and its `YYYY-MM`. */
function monthOf(zone: string, today: string, back: number): { start: Date; key: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return { start: startOfDay(zone, y, m - back, 1), key: new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 7) };
}

/** Tickets that count in the service figures: live, not a merged duplicate, within the actor's queue scope. */
function serviceScope(actor: Actor): SQL[] {
  const vis = repo.visibilityCondition(visibilityOf(actor));
  return [isNull(tickets.deletedAt), isNull(tickets.mergedIntoId), ...(vis ? [vis] : [])];
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Median business hours from creation to the first reply, on each ticket's SLA calendar (the ticket report's measure). */
async function medianFirstResponseHours(db: DbOrTx, actor: Actor, from: Date, to: Date): Promise<number | null> {
  const rows = await db
    .select({ createdAt: tickets.createdAt, firstRespondedAt: tickets.firstRespondedAt, calendarId: ticketSlaClocks.calendarId })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(ticketSlaClocks, eq(ticketSlaClocks.ticketId, tickets.id))
    .where(and(...serviceScope(actor), gte(tickets.createdAt, from), lt(tickets.createdAt, to), isNotNull(tickets.firstRespondedAt)));
  if (!rows.length) return null;
  const calendarFor = await calendarLookup(db);
  const ms = rows
    .map((r) => Math.max(0, businessMsBetween(calendarFor(r.calendarId), toDate(r.createdAt), toDate(r.firstRespondedAt!))))
    .sort((a, b) => a - b);
  const median = quantile(ms, 0.5);
  return median === null ? null : Math.round((median / HOUR) * 100) / 100;
}

async function loadService({ db, actor, locale, zone, today, now }: TileContext): Promise<TileBody> {
  const months = Array.from({ length: CHART_MONTHS }, (_, i) => monthOf(zone, today, CHART_MONTHS - 1 - i));
  const next = monthOf(zone, today, -1).start;
  const thisMonth = months[CHART_MONTHS - 1]!;
  const scope = serviceScope(actor);

  // The resolution target's compliance over the targets settled this month (the one definition, sla/reports.ts).
  const sla = await slaCompliance(db, { from: thisMonth.start, to: next, now, where: and(...scope) });
  const compliance = sla.resolution.compliance === null ? null : round1(sla.resolution.compliance * 100);

  // Complaints opened per month (the chart), the last one being this month's.
  const buckets: Record<string, SQL<number>> = {};
  months.forEach((m, i) => {
    const end = (months[i + 1]?.start ?? next).toISOString();
    buckets[`m${i}`] = sql<number>`count(*) filter (where ${tickets.createdAt} >= ${m.start.toISOString()}::timestamptz and ${tickets.createdAt} < ${end}::timestamptz)::int`;
  });
  const [byMonth] = await db
    .select(buckets)
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(...scope, eq(tickets.type, 'complaint'), gte(tickets.createdAt, months[0]!.start), lt(tickets.createdAt, next)));
  const perMonth = months.map((_, i) => Number(byMonth?.[`m${i}`] ?? 0));
  const complaints = perMonth[CHART_MONTHS - 1]!;

  // The customers the actor sees (live ones; a merged duplicate is deleted).
  const [cust] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${customerDirectory} c where c.deleted_at is null and ${customerAccess.where(actor, 'c')}`),
  );
  const customerCount = Number(cust?.n ?? 0);
  const perThousand = customerCount ? round1((complaints * 1000) / customerCount) : null;

  const frHours = await medianFirstResponseHours(db, actor, thisMonth.start, next);
  const monthLink = (key: string) => {
    const [y, m] = key.split('-').map(Number) as [number, number];
    return queueLink({ type: 'complaint', status: 'all', createdFrom: `${key}-01`, createdTo: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10), merged: 'exclude' });
  };
  const complaintsLink = monthLink(thisMonth.key);
  return {
    title: t(locale, 'tickets.tile.service.title'),
    description: t(locale, 'tickets.tile.service.description', { month: thisMonth.key, months: CHART_MONTHS }),
    stats: [
      {
        label: t(locale, 'tickets.tile.service.compliance'),
        value: compliance,
        unit: 'percent',
        tone: compliance === null ? 'default' : compliance >= 90 ? 'success' : compliance >= 80 ? 'warning' : 'danger',
        link: null,
      },
      { label: t(locale, 'tickets.tile.service.complaints'), value: complaints, unit: 'count', tone: 'default', link: complaintsLink },
      { label: t(locale, 'tickets.tile.service.complaint_rate'), value: perThousand, unit: 'score', tone: 'default', link: complaintsLink },
      { label: t(locale, 'tickets.tile.service.first_response'), value: frHours, unit: 'hours', tone: 'default', link: null },
    ],
    rows: [],
    chart: {
      kind: 'bar',
      unit: 'count',
      x: months.map((m) => m.key),
      series: [{ name: t(locale, 'tickets.tile.service.series'), values: perMonth, links: months.map((m) => monthLink(m.key)) }],
    },
    link: '/tickets/reports',
  };
}

export const ticketDashboardTiles: DashboardTileDef[] = [
  { key: 'tickets.mine', boards: ['agent'], order: 10, permissions: ['ticket:read'], load: loadMine },
  { key: 'tickets.service', boards: ['manager'], order: 20, permissions: ['ticket:read'], load: loadService },
];
