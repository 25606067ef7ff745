/**
 * The transactions module's goal metrics (目标管理, issue #17), registered by src/app.ts:
 * - `transactions.revenue`: purchases and payments less refunds (the purchase summary's lifetime-spend rule), in fen,
 *   of live transactions that occurred in the goal's range, of the owner's customers (the forecast follows the pace);
 * - `transactions.repeat_rate`: of the owner's customers who bought or paid in the range, the share who did so on at
 *   least two different days (company time zone).
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { transactions } from './schema.js';

const inRange = ({ from, to, scope }: GoalMetricContext) =>
  sql`x.deleted_at is null and x.occurred_at >= ${from.toISOString()}::timestamptz and x.occurred_at < ${to.toISOString()}::timestamptz
    and ${customerAccess.scoped.filter(scope, sql`x.customer_id`)}`;

async function revenue(ctx: GoalMetricContext): Promise<number> {
  const [row] = rowsOf<{ fen: string | number | null }>(
    await ctx.db.execute(sql`select sum(case when x.type = 'refund' then -x.amount_fen else x.amount_fen end) as fen
      from ${transactions} x where ${inRange(ctx)}`),
  );
  return Number(row?.fen ?? 0);
}

async function repeatRate(ctx: GoalMetricContext): Promise<number | null> {
  const [row] = rowsOf<{ buyers: number; repeat: number }>(
    await ctx.db.execute(sql`select count(*)::int as buyers, count(*) filter (where days >= 2)::int as repeat from (
        select x.customer_id, count(distinct (x.occurred_at at time zone ${ctx.zone})::date) as days
        from ${transactions} x where x.type <> 'refund' and ${inRange(ctx)} group by x.customer_id) b`),
  );
  const buyers = Number(row?.buyers ?? 0);
  return buyers ? Math.round((Number(row!.repeat) * 10000) / buyers) / 100 : null;
}

export const transactionGoalMetrics: GoalMetricDef[] = [
  {
    key: 'transactions.revenue',
    label: (l) => t(l, 'transactions.goal.revenue'),
    description: (l) => t(l, 'transactions.goal.revenue.description'),
    unit: 'fen',
    better: 'higher',
    forecast: 'pace',
    owners: ['company', 'team', 'user'],
    permission: 'customer:read',
    compute: revenue,
  },
  {
    key: 'transactions.repeat_rate',
    label: (l) => t(l, 'transactions.goal.repeat_rate'),
    description: (l) => t(l, 'transactions.goal.repeat_rate.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'customer:read',
    compute: repeatRate,
  },
];
