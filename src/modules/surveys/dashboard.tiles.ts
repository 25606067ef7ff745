/**
 * The surveys module's home-page tile (issue #17): 满意度 on the manager's board — NPS and CSAT over the answers of
 * the last 90 days, the response rate of the invitations of the last 90 days, and NPS per month for the last six
 * months (the company's months).
 *
 * The figures are the results page's own (results.ts): complete responses, counts per score of the headline columns
 * (nps 0–10, csat 1–5) handed to npsFigures / csatFigures, invitations not withdrawn and those answered handed to
 * responseRate — here over every survey not in the trash rather than one version. The data scope is the results
 * page's too: scope `all` counts every response (anonymous QR answers included); anyone else only the responses and
 * invitations of customers in their scope (customerAccess).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { startOfDay } from '../../platform/time.js';
import { customerAccess } from '../customers/index.js';
import type { DashboardTileDef, TileContext, TileStat, TileTone } from '../dashboards/index.js';
import { SCALES } from './definition.js';
import { csatFigures, npsFigures } from './results.js';
import { surveyInvitations, surveyResponses, surveys } from './schema.js';
import { responseRate } from './stats.js';

const DAY_MS = 24 * 3600_000;
/** The window of the headline figures, in days. */
export const SATISFACTION_DAYS = 90;
/** Months on the chart, this one included. */
export const SATISFACTION_MONTHS = 6;
const LINK = '/surveys';

/** Scope over a customer id column, as the results page applies it (results.ts responseConditions). */
function scoped(actor: Actor, customerId: SQL): SQL {
  if (customerAccess.scope(actor).kind === 'all') return sql`true`;
  return sql`${customerId} is not null and ${customerAccess.filter(actor, customerId)}`;
}

/** Complete responses of surveys not in the trash, completed since `since`, in the actor's scope (alias r). */
function responsesSince(actor: Actor, since: Date): SQL {
  return sql`${surveyResponses} r join ${surveys} s on s.id = r.survey_id and s.deleted_at is null
    where r.status = 'complete' and r.completed_at >= ${since.toISOString()}::timestamptz and ${scoped(actor, sql`r.customer_id`)}`;
}

/** Counts per score min..max from (score, n) rows; scores outside the scale are left out, as results.ts does. */
function countsOf(rows: readonly { score: number | null; n: number }[], min: number, max: number): number[] {
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const r of rows) {
    const score = Number(r.score);
    if (r.score !== null && Number.isInteger(score) && score >= min && score <= max) counts[score - min]! += Number(r.n);
  }
  return counts;
}

type ScoreRow = { part: 'nps' | 'csat'; score: number | null; n: number };

async function headline(db: DbOrTx, actor: Actor, since: Date) {
  const rows = rowsOf<ScoreRow>(
    await db.execute(sql`
      select 'nps' as part, r.nps as score, count(*)::int as n from ${responsesSince(actor, since)} and r.nps is not null group by r.nps
      union all
      select 'csat', r.csat, count(*)::int from ${responsesSince(actor, since)} and r.csat is not null group by r.csat`),
  );
  const nps = npsFigures(countsOf(rows.filter((r) => r.part === 'nps'), SCALES.nps.min, SCALES.nps.max));
  const csat = csatFigures(countsOf(rows.filter((r) => r.part === 'csat'), SCALES.csat.min, SCALES.csat.max));
  // The invitations: as results.ts invitationCounts — not withdrawn, created within the period, answered = responded.
  const [inv] = rowsOf<{ invited: number; responded: number }>(
    await db.execute(sql`
      select count(*)::int as invited, count(*) filter (where i.status = 'responded')::int as responded
        from ${surveyInvitations} i join ${surveys} s on s.id = i.survey_id and s.deleted_at is null
       where i.status <> 'withdrawn' and i.created_at >= ${since.toISOString()}::timestamptz
         and ${customerAccess.scope(actor).kind === 'all' ? sql`true` : customerAccess.filter(actor, sql`i.customer_id`)}`),
  );
  return { nps, csat, rate: responseRate(Number(inv?.invited ?? 0), Number(inv?.responded ?? 0)) };
}

/** The last months as YYYY-MM (oldest first) and the instant the oldest begins, from the company's today. */
export function lastMonths(today: string, zone: string, count = SATISFACTION_MONTHS): { months: string[]; start: Date } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return { months, start: startOfDay(zone, y, m - (count - 1), 1) };
}

async function monthly(db: DbOrTx, actor: Actor, today: string, zone: string): Promise<{ months: string[]; values: (number | null)[] }> {
  const { months, start } = lastMonths(today, zone);
  const rows = rowsOf<{ month: string; score: number; n: number }>(
    await db.execute(sql`
      select to_char(date_trunc('month', r.completed_at at time zone ${zone}), 'YYYY-MM') as month, r.nps as score, count(*)::int as n
        from ${responsesSince(actor, start)} and r.nps is not null
       group by 1, 2`),
  );
  const values = months.map((month) => npsFigures(countsOf(rows.filter((r) => r.month === month), SCALES.nps.min, SCALES.nps.max)).nps);
  return { months, values };
}

const npsTone = (nps: number | null): TileTone => (nps === null ? 'default' : nps < 0 ? 'danger' : nps >= 50 ? 'success' : 'default');
const csatTone = (share: number | null): TileTone => (share === null ? 'default' : share < 50 ? 'danger' : 'default');

async function loadSatisfaction(ctx: TileContext) {
  const { db, actor, locale } = ctx;
  const since = new Date(ctx.now.getTime() - SATISFACTION_DAYS * DAY_MS);
  const { nps, csat, rate } = await headline(db, actor, since);
  const chart = await monthly(db, actor, ctx.today, ctx.zone);
  const stats: TileStat[] = [
    { label: t(locale, 'surveys.tile.nps'), value: nps.nps, unit: 'score', tone: npsTone(nps.nps), link: LINK },
    { label: t(locale, 'surveys.tile.csat'), value: csat.satisfiedShare, unit: 'percent', tone: csatTone(csat.satisfiedShare), link: LINK },
    { label: t(locale, 'surveys.tile.response_rate'), value: rate, unit: 'percent', tone: 'default', link: LINK },
  ];
  return {
    title: t(locale, 'surveys.tile.title'),
    description: t(locale, 'surveys.tile.description', { days: SATISFACTION_DAYS, months: SATISFACTION_MONTHS }),
    stats,
    rows: [],
    chart: {
      kind: 'line' as const,
      unit: 'score' as const,
      x: chart.months,
      series: [{ name: t(locale, 'surveys.tile.nps'), values: chart.values, links: chart.months.map(() => LINK) }],
    },
    link: LINK,
  };
}

export const surveyDashboardTiles: DashboardTileDef[] = [
  { key: 'surveys.satisfaction', boards: ['manager'], order: 30, permissions: ['survey:read'], load: loadSatisfaction },
];
