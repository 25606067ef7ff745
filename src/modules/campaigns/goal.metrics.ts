/**
 * The campaigns module's goal metric (目标管理, issue #17), registered by src/app.ts:
 * - `campaigns.response_uplift`: the response uplift of the campaigns launched in the goal's range, in percentage
 *   points — each campaign's treated response rate less its holdout's (a purchase in the attribution window, as the
 *   results page counts it: `responseCounts` in results.ts), over its window as of now, averaged with the campaigns'
 *   treated sizes as weights: Σ treatedᵢ × (rate treatedᵢ − rate holdoutᵢ) ÷ Σ treatedᵢ, i.e. the extra responders the
 *   campaigns made per 100 customers they reached. A point estimate (each campaign's interval is on its results
 *   page). Every campaign's goal is measured on it: the response is what repeat-purchase and reactivation campaigns
 *   aim at, and spend-per-head or complaint goals have no common unit to average.
 * Campaigns without a holdout, or not launched, have no uplift and are left out; none left: no figure. The company's
 * only: campaigns reach the whole audience, not an owner's customers.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { responseCounts } from './results.js';
import { campaigns } from './schema.js';

async function responseUplift({ db, from, to, now }: GoalMetricContext): Promise<number | null> {
  const launched = rowsOf<{ id: string }>(
    await db.execute(sql`select id from ${campaigns} where deleted_at is null and launched_at >= ${from.toISOString()}::timestamptz
      and launched_at < ${to.toISOString()}::timestamptz order by launched_at, id`),
  );
  let weighted = 0;
  let treated = 0;
  for (const c of launched) {
    const { treated: tr, holdout: ho } = await responseCounts(db, c.id, now);
    if (!tr.reach || !ho.reach) continue;
    weighted += tr.reach * (tr.responded / tr.reach - ho.responded / ho.reach);
    treated += tr.reach;
  }
  return treated ? Math.round((weighted * 10_000) / treated) / 100 : null;
}

export const campaignGoalMetrics: GoalMetricDef[] = [
  {
    key: 'campaigns.response_uplift',
    label: (l) => t(l, 'campaigns.goal.response_uplift'),
    description: (l) => t(l, 'campaigns.goal.response_uplift.description'),
    unit: 'score',
    better: 'higher',
    forecast: 'level',
    owners: ['company'],
    permission: 'campaign:read',
    compute: responseUplift,
    link: '/campaigns',
  },
];
