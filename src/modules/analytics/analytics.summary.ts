/**
 * The analytics module's figures on the customer 360 page's summary band (registered in src/app.ts): the value tier
 * (with the value score), the CLV (with P(alive)) and the churn risk with its top reason, from the latest analytics
 * run (`analytics_customer_current`), dated with that run's as-of day. Needs `analytics:read`: without it the three
 * figures are left out. Before any run, or for a customer the latest run did not score (created after it), each figure
 * is empty and says why.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import type { CustomerSummarySource, SummaryFigureDraft, SummaryText } from '../customers/index.js';
import type { ChurnLevel, ChurnReason, ValueTier } from './analytics.contract.js';
import { analyticsFacts } from './facts.js';
import { analyticsRuns } from './schema.js';

type Current = {
  as_of: string;
  value_tier: ValueTier;
  value_score: number | string;
  clv_fen: number | string;
  p_alive: number | null;
  churn_risk: number;
  churn_level: ChurnLevel;
  churn_reasons: ChurnReason[];
};

const TONE = { high: 'danger', medium: 'warning', low: 'success' } as const;

export const analyticsSummarySource: CustomerSummarySource = {
  key: 'analytics',
  order: 10,
  permissions: ['analytics:read'],
  source: 'summary.source.analytics',
  async figures({ db, customer, locale, tab }) {
    const link = tab('value');
    const none = (empty: SummaryText, asOf?: string): SummaryFigureDraft[] =>
      (['value_tier', 'clv', 'churn'] as const).map((k) => ({
        key: `analytics.${k}`,
        label: `summary.analytics.${k}`,
        value: null,
        unit: k === 'clv' ? 'fen' : k === 'churn' ? 'score' : 'text',
        link,
        empty,
        ...(asOf ? { asOf } : {}),
      }));
    const [lastRun] = rowsOf<{ as_of: string }>(
      await db.execute(sql`select as_of::text as as_of from ${analyticsRuns} where status = 'done' order by finished_at desc, id desc limit 1`),
    );
    if (!lastRun || !(await analyticsFacts.exist(db))) return none('summary.analytics.no_run');
    const [a] = rowsOf<Current>(
      await db.execute(sql`select a.as_of::text as as_of, a.value_tier, a.value_score, a.clv_fen, a.p_alive, a.churn_risk, a.churn_level, a.churn_reasons
                           from analytics_customer_current a where a.customer_id = ${customer.id}`),
    );
    if (!a) return none({ key: 'summary.analytics.not_scored', params: { date: lastRun.as_of } }, lastRun.as_of);
    const top = [...(a.churn_reasons ?? [])].sort((x, y) => y.points - x.points)[0];
    const reason = top ? { text: locale === 'en' ? top.en : top.zh } : 'summary.analytics.no_reason';
    return [
      {
        key: 'analytics.value_tier',
        label: 'summary.analytics.value_tier',
        value: a.value_tier,
        unit: 'text',
        text: `analytics.tile.tier.${a.value_tier}`,
        detail: { key: 'summary.analytics.value_score', params: { score: Math.round(Number(a.value_score)) } },
        tone: a.value_tier === 'high' ? 'success' : 'default',
        asOf: a.as_of,
        link,
      },
      {
        key: 'analytics.clv',
        label: 'summary.analytics.clv',
        value: Number(a.clv_fen),
        unit: 'fen',
        detail: a.p_alive === null ? null : { key: 'summary.analytics.clv_detail', params: { pAlive: Number(a.p_alive).toFixed(2) } },
        asOf: a.as_of,
        link,
      },
      {
        key: 'analytics.churn',
        label: 'summary.analytics.churn',
        value: a.churn_risk,
        unit: 'score',
        text: { key: `summary.analytics.churn.${a.churn_level}`, params: { risk: a.churn_risk } },
        detail: reason,
        tone: TONE[a.churn_level],
        asOf: a.as_of,
        link,
      },
    ];
  },
};
