/**
 * 报表中心 (issue #17): the weekly and monthly reports — service, value, retention — as one document shown on screen and
 * rendered as XLSX and PDF (reports.render.ts).
 *
 * The figures are the goal metrics' own (each module registers its metrics with the goals module): the same
 * definition gives a goal's progress and a report's line, so the two never disagree. Each is measured over the period
 * and the period before, within the reader's data scope (a team lead's report covers the team). The service report adds
 * the ticket report's tables (by category, by agent); every report ends with the goals of its metrics that overlap
 * the period, with their status.
 */
import { dataScopeOf } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { daysBetween } from '../../platform/time.js';
import { goalMetric, listGoalViews } from '../goals/index.js';
import { companyClock, readCompanySettings } from '../settings/index.js';
import { ticketReport } from '../tickets/index.js';
import { formatFigure } from './format.js';
import type { ReportCadence, ReportDocument, ReportFigure, ReportKind, ReportPeriod, ReportSection, ReportTable } from './reports.contract.js';

const DAY = 86_400_000;

/** Which metrics each report shows, by section (keys of the goal-metric registry; those not registered are left out). */
const LAYOUT: Record<ReportKind, { key: string; metrics: string[] }[]> = {
  service: [
    {
      key: 'service.tickets',
      metrics: [
        'tickets.complaints',
        'tickets.complaint_rate',
        'tickets.complaints_answered_24h',
        'tickets.first_response_median',
        'tickets.resolution_median',
        'tickets.sla_compliance',
      ],
    },
    { key: 'service.satisfaction', metrics: ['surveys.nps', 'surveys.csat'] },
  ],
  value: [{ key: 'value.revenue', metrics: ['transactions.revenue', 'transactions.repeat_rate'] }],
  retention: [{ key: 'retention.care', metrics: ['interactions.return_visits_on_time', 'tickets.complaint_rate', 'surveys.nps'] }],
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const parse = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** The week (Monday to Sunday) or calendar month containing `date`, and the one before it. */
export function reportPeriods(cadence: ReportCadence, date: string): { period: { start: string; end: string }; previous: { start: string; end: string } } {
  if (cadence === 'week') {
    const d = parse(date);
    const weekday = (new Date(d).getUTCDay() + 6) % 7; // Monday 0
    const start = d - weekday * DAY;
    return { period: { start: day(start), end: day(start + 6 * DAY) }, previous: { start: day(start - 7 * DAY), end: day(start - DAY) } };
  }
  const [y, m] = date.split('-').map(Number) as [number, number];
  const first = Date.UTC(y, m - 1, 1);
  return {
    period: { start: day(first), end: day(Date.UTC(y, m, 0)) },
    previous: { start: day(Date.UTC(y, m - 2, 1)), end: day(first - DAY) },
  };
}

/** The last complete week or month before `today`. */
export function lastCompletePeriod(cadence: ReportCadence, today: string): { start: string; end: string } {
  const t0 = Date.parse(`${today}T00:00:00Z`);
  const inPrevious = cadence === 'week' ? new Date(t0 - 7 * DAY).toISOString().slice(0, 10) : new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1)).toISOString().slice(0, 10);
  return reportPeriods(cadence, inPrevious).period;
}

function label(locale: Locale, cadence: ReportCadence, p: { start: string; end: string }): ReportPeriod {
  const [y, m] = p.start.split('-').map(Number) as [number, number];
  const text = cadence === 'month' ? t(locale, 'reports.period.month', { year: y, month: m }) : t(locale, 'reports.period.week', { start: p.start, end: p.end });
  return { ...p, label: text };
}

export async function generateReport(
  db: DbOrTx,
  actor: Actor | null,
  q: { kind: ReportKind; cadence: ReportCadence; date?: string },
  now = new Date(),
): Promise<ReportDocument> {
  requireAccess(actor, 'report:read');
  const { zone, today } = await companyClock(db, now);
  // By default the last complete period: last week, or last month (as the subscriptions send it).
  const { period, previous } = reportPeriods(q.cadence, q.date ?? lastCompletePeriod(q.cadence, today).start);
  const locale = actor.locale;
  const scope = dataScopeOf(actor);
  const cur = daysBetween(zone, period.start, period.end);
  const prev = daysBetween(zone, previous.start, previous.end);
  const cut = (r: { from: Date; to: Date }) => ({ from: r.from, to: r.to < now ? r.to : now });

  const sections: ReportSection[] = [];
  const shownMetrics: string[] = [];
  for (const s of LAYOUT[q.kind]) {
    const figures: ReportFigure[] = [];
    for (const key of s.metrics) {
      const m = goalMetric(key);
      if (!m || !actor.permissions.has(m.permission)) continue;
      const thisPeriod = cut(cur);
      const value = thisPeriod.from < thisPeriod.to ? await m.compute({ db, ...thisPeriod, scope, zone, now }) : null;
      const before = await m.compute({ db, ...cut(prev), scope, zone, now });
      figures.push({ key, label: m.label(locale), unit: m.unit, value, previous: before, better: m.better });
      shownMetrics.push(key);
    }
    const tables: ReportTable[] = [];
    if (s.key === 'service.tickets' && actor.permissions.has('ticket:read')) tables.push(...(await ticketTables(db, actor, period, now)));
    if (figures.length || tables.length) sections.push({ key: s.key, title: t(locale, `reports.section.${s.key}` as 'reports.section.service.tickets'), figures, tables });
  }
  const goals = await goalsTable(db, actor, period, shownMetrics, now);
  if (goals) sections.push({ key: 'goals', title: t(locale, 'reports.section.goals'), figures: [], tables: [goals] });

  const company = (await readCompanySettings(db)).companyName;
  const p = label(locale, q.cadence, period);
  return {
    kind: q.kind,
    cadence: q.cadence,
    title: t(locale, 'reports.title', { company, kind: t(locale, `reports.kind.${q.kind}`), period: p.label }),
    company,
    period: p,
    previous: label(locale, q.cadence, previous),
    generatedAt: now.toISOString(),
    sections,
  };
}

async function ticketTables(db: DbOrTx, actor: Actor, period: { start: string; end: string }, now: Date): Promise<ReportTable[]> {
  const locale = actor.locale;
  const r = await ticketReport(db, actor, { from: period.start, to: period.end }, now);
  const col = (key: string, unit: ReportTable['columns'][number]['unit']) => ({ key, label: t(locale, `reports.col.${key}` as 'reports.col.category'), unit });
  return [
    {
      title: t(locale, 'reports.table.by_category'),
      columns: [col('category', 'text'), col('tickets', 'count')],
      rows: r.byCategory.map((c) => ({ category: c.key ?? t(locale, 'reports.none'), tickets: c.count })),
    },
    {
      title: t(locale, 'reports.table.by_agent'),
      // No SLA column: the ticket report counts open breaches of tickets created in the period, the SLA figure above
      // (the goal metric) the tickets resolved in it — one report shows one SLA compliance.
      columns: [col('agent', 'text'), col('tickets', 'count'), col('first_response', 'hours'), col('resolution', 'hours'), col('satisfaction', 'score')],
      rows: r.byAgent.map((a) => ({
        agent: a.name,
        tickets: a.tickets,
        first_response: a.firstResponseMedianHours,
        resolution: a.resolutionMedianHours,
        satisfaction: a.satisfactionAvg,
      })),
    },
  ];
}

/** The goals on the report's metrics whose period overlaps the report's, as the goals list shows them now. */
async function goalsTable(db: DbOrTx, actor: Actor, period: { start: string; end: string }, metrics: string[], now: Date): Promise<ReportTable | null> {
  if (!actor.permissions.has('goal:read')) return null;
  const locale = actor.locale;
  // Narrowed in the query: progress is computed only for the goals the table shows.
  const { items } = await listGoalViews(db, actor, { when: 'all', deleted: 'exclude', only: { metrics, ...period } }, now);
  const rows = items.map((g) => ({
      goal: g.name,
      metric: g.metric.label,
      value: formatFigure(g.progress.value, g.metric.unit, locale),
      target: formatFigure(g.progress.target, g.metric.unit, locale),
      status: t(locale, `goals.status.${g.progress.status}`),
    }));
  if (!rows.length) return null;
  const col = (key: string, unit: ReportTable['columns'][number]['unit']) => ({ key, label: t(locale, `reports.col.${key}` as 'reports.col.goal'), unit });
  return { title: t(locale, 'reports.section.goals'), columns: [col('goal', 'text'), col('metric', 'text'), col('value', 'text'), col('target', 'text'), col('status', 'text')], rows };
}
