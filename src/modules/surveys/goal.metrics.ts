/**
 * The surveys module's goal metrics (目标管理, issue #17), registered by src/app.ts: NPS and CSAT of the complete
 * responses of the goal's range — the results page's figures (results.ts npsFigures / csatFigures over the counts per
 * score of the headline columns), over every survey not in the trash. For the company every response counts
 * (anonymous QR answers included); for a team or a person, the responses of their customers (customerAccess).
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { SCALES } from './definition.js';
import { csatFigures, npsFigures } from './results.js';
import { surveyResponses, surveys } from './schema.js';

async function counts({ db, from, to, scope }: GoalMetricContext, column: 'nps' | 'csat'): Promise<number[]> {
  const col = sql.identifier(column);
  const owned = scope.kind === 'all' ? sql`true` : sql`r.customer_id is not null and ${customerAccess.scoped.filter(scope, sql`r.customer_id`)}`;
  const rows = rowsOf<{ score: number; n: number }>(
    await db.execute(sql`select r.${col} as score, count(*)::int as n
      from ${surveyResponses} r join ${surveys} s on s.id = r.survey_id and s.deleted_at is null
      where r.status = 'complete' and r.completed_at >= ${from.toISOString()}::timestamptz and r.completed_at < ${to.toISOString()}::timestamptz
        and r.${col} is not null and ${owned}
      group by r.${col}`),
  );
  const { min, max } = SCALES[column];
  const out = new Array<number>(max - min + 1).fill(0);
  for (const r of rows) {
    const score = Number(r.score);
    if (Number.isInteger(score) && score >= min && score <= max) out[score - min]! += Number(r.n);
  }
  return out;
}

export const surveyGoalMetrics: GoalMetricDef[] = [
  {
    key: 'surveys.nps',
    label: (l) => t(l, 'surveys.goal.nps'),
    description: (l) => t(l, 'surveys.goal.nps.description'),
    unit: 'score',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'survey:read',
    compute: async (ctx) => npsFigures(await counts(ctx, 'nps')).nps,
    link: '/surveys',
  },
  {
    key: 'surveys.csat',
    label: (l) => t(l, 'surveys.goal.csat'),
    description: (l) => t(l, 'surveys.goal.csat.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'survey:read',
    compute: async (ctx) => csatFigures(await counts(ctx, 'csat')).satisfiedShare,
    link: '/surveys',
  },
];
