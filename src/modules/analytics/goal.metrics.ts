/**
 * The analytics module's goal metrics (目标管理, issue #17), registered by src/app.ts: customer retention and churn over
 * a goal's period, for the owner's customers (the company's all; a team's and a person's by the customers' owner and
 * team, as everywhere).
 *
 * Definitions (the value analysis's own notion of a lapsed customer, on the observable facts — a purchase or payment,
 * as the heating contract's renewal is a season's payment, docs/ANALYTICS.md *Contract model* and *Churn risk*):
 * - the **base** of a period starting at `from`: the owner's live customers active — a live purchase or payment (not a
 *   refund) — in the year before it, [from − 1 year, from): for the heating contract, those who paid the last season;
 * - `analytics.retention_rate`: of the base, the share active again from the period's start to now (or to its end);
 * - `analytics.churn_rate`: 100 − the retention rate: the share of the base not active again (yet).
 * A year, not the goal's own length, so a month's or a season's goal asks the same question — who of last year's
 * customers came back — and the forecast is the level so far (`level`): a retention rate only rises through the
 * period as customers renew, so it never overstates; a season goal is met once the season's payments are in.
 * No base (nobody active in the year before): no figure.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { transactionLedger } from '../transactions/index.js';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The base and how many of it were active again in [from, to), for the scope. */
export async function retentionCounts({ db, from, to, scope }: GoalMetricContext): Promise<{ base: number; retained: number }> {
  const f = sql`${from.toISOString()}::timestamptz`;
  const active = (start: ReturnType<typeof sql>, end: ReturnType<typeof sql>) =>
    sql`exists (select 1 from ${transactionLedger} x where x.customer_id = c.id and x.deleted_at is null and x.type <> 'refund'
      and x.occurred_at >= ${start} and x.occurred_at < ${end})`;
  const [row] = rowsOf<{ base: number; retained: number }>(
    await db.execute(sql`select count(*)::int as base, count(*) filter (where ${active(f, sql`${to.toISOString()}::timestamptz`)})::int as retained
      from ${customerDirectory} c
      where c.deleted_at is null and ${customerAccess.scoped.where(scope, 'c')} and ${active(sql`${f} - interval '1 year'`, f)}`),
  );
  return { base: Number(row?.base ?? 0), retained: Number(row?.retained ?? 0) };
}

async function retentionRate(ctx: GoalMetricContext): Promise<number | null> {
  const { base, retained } = await retentionCounts(ctx);
  return base ? round2((retained * 100) / base) : null;
}

async function churnRate(ctx: GoalMetricContext): Promise<number | null> {
  const { base, retained } = await retentionCounts(ctx);
  return base ? round2(((base - retained) * 100) / base) : null;
}

export const analyticsGoalMetrics: GoalMetricDef[] = [
  {
    key: 'analytics.retention_rate',
    label: (l) => t(l, 'analytics.goal.retention_rate'),
    description: (l) => t(l, 'analytics.goal.retention_rate.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'analytics:read',
    compute: retentionRate,
    link: '/analytics',
  },
  {
    key: 'analytics.churn_rate',
    label: (l) => t(l, 'analytics.goal.churn_rate'),
    description: (l) => t(l, 'analytics.goal.churn_rate.description'),
    unit: 'percent',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'analytics:read',
    compute: churnRate,
    link: '/analytics',
  },
];
