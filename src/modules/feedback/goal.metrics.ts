/**
 * The feedback module's goal metrics (目标管理, issue #17), registered by src/app.ts, over the items that arrived in
 * the goal's range and are not in the trash — for the company every item (anonymous ones from the public page too);
 * for a team or a person, the items of their customers (customerAccess):
 * - `feedback.volume`: how many items arrived (fewer is not always better, so a goal on it is a ceiling: lower);
 * - `feedback.negative_share`: of those, the share whose sentiment is negative — the agent's correction when there
 *   is one, else the analysis' (the inbox's sentiment filter reads it the same way);
 * - `feedback.hot_topics`: how many hot topics (HOT_TOPIC_RULE) there are at the end of the range (or now, when
 *   earlier): the window is the 7 company days ending then, so a goal's history reads what the tile said that day.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { hotTopicsFor } from './analysis.service.js';
import { EFFECTIVE_SENTIMENT } from './feedback.repository.js';
import { feedbackItems } from './schema.js';

function ownedBy(scope: GoalMetricContext['scope']): SQL {
  return scope.kind === 'all' ? sql`true` : sql`${feedbackItems.customerId} is not null and ${customerAccess.scoped.filter(scope, feedbackItems.customerId)}`;
}

function arrived({ from, to, scope }: GoalMetricContext): SQL {
  const owned = ownedBy(scope);
  return sql`${feedbackItems.deletedAt} is null and ${feedbackItems.createdAt} >= ${from.toISOString()}::timestamptz
    and ${feedbackItems.createdAt} < ${to.toISOString()}::timestamptz and ${owned}`;
}

async function counts(ctx: GoalMetricContext): Promise<{ n: number; negative: number }> {
  const [row] = rowsOf<{ n: number; negative: number }>(
    await ctx.db.execute(sql`select count(*)::int as n, count(*) filter (where ${EFFECTIVE_SENTIMENT} = 'neg')::int as negative
      from ${feedbackItems} where ${arrived(ctx)}`),
  );
  return { n: Number(row?.n ?? 0), negative: Number(row?.negative ?? 0) };
}

export const feedbackGoalMetrics: GoalMetricDef[] = [
  {
    key: 'feedback.volume',
    label: (l) => t(l, 'feedback.goal.volume'),
    description: (l) => t(l, 'feedback.goal.volume.description'),
    unit: 'count',
    better: 'lower',
    forecast: 'pace',
    owners: ['company', 'team', 'user'],
    permission: 'feedback:read',
    compute: async (ctx) => (await counts(ctx)).n,
    link: '/feedback',
  },
  {
    key: 'feedback.negative_share',
    label: (l) => t(l, 'feedback.goal.negative_share'),
    description: (l) => t(l, 'feedback.goal.negative_share.description'),
    unit: 'percent',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'feedback:read',
    compute: async (ctx) => {
      const { n, negative } = await counts(ctx);
      return n ? Math.round((negative * 10000) / n) / 100 : null;
    },
    link: '/feedback?sentiment=neg',
  },
  {
    key: 'feedback.hot_topics',
    label: (l) => t(l, 'feedback.goal.hot_topics'),
    description: (l) => t(l, 'feedback.goal.hot_topics.description'),
    unit: 'count',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'feedback:read',
    compute: async (ctx) => {
      const at = new Date(Math.min(ctx.to.getTime() - 1, ctx.now.getTime()));
      return (await hotTopicsFor(ctx.db, ownedBy(ctx.scope), 'zh-CN', at)).topics.length;
    },
    link: '/feedback/analysis',
  },
];
