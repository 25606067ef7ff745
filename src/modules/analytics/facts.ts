/**
 * What other modules may ask of the latest analytics results (through index.ts), without naming the results table:
 * it is rebuilt by every run (a fresh table swapped in), so it cannot carry a view, and other modules get SQL
 * builders over their own customer-id column instead.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { ValueTier } from './analytics.contract.js';

const textArray = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/** The per-customer results other modules may filter on (segment rules), by name → column. */
const METRIC_COLUMNS = {
  valueTier: 'value_tier',
  valueScore: 'value_score',
  rfmGroup: 'rfm_group',
  rScore: 'r_score',
  fScore: 'f_score',
  mScore: 'm_score',
  churnLevel: 'churn_level',
  churnRisk: 'churn_risk',
  clvFen: 'clv_fen',
  pAlive: 'p_alive',
  segment: 'segment',
  quadrant: 'quadrant',
} as const;
export type AnalyticsMetric = keyof typeof METRIC_COLUMNS;
export const ANALYTICS_METRICS = Object.keys(METRIC_COLUMNS) as AnalyticsMetric[];

export const analyticsFacts = {
  /**
   * The ids of the customers whose latest result's `metric` satisfies `predicate` (given the metric's column as SQL),
   * as a subquery for `<customer id> in (…)`: uncorrelated, so the planner may hash it once (a segment rule under OR
   * or NOT) or probe it per customer. A customer never scored is in no such set. The metric is one of a fixed list.
   */
  metricIds(metric: AnalyticsMetric, predicate: (column: SQL) => SQL): SQL {
    const column = METRIC_COLUMNS[metric];
    if (!column) throw new Error(`unknown analytics metric ${String(metric)}`);
    return sql`select a.customer_id from analytics_customer_current a where ${predicate(sql.raw(`a.${column}`))}`;
  },
  /**
   * The latest results for a read model (the segments' facts): one row per scored customer whose id passes
   * `customerFilter` (given the id column), with `customer_id` and each of `metrics` under its own name (`"valueTier"` …).
   */
  results(metrics: readonly AnalyticsMetric[], customerFilter: (customerId: SQL) => SQL): SQL {
    const cols = metrics.map((m) => {
      const column = METRIC_COLUMNS[m];
      if (!column) throw new Error(`unknown analytics metric ${String(m)}`);
      return sql.raw(`a.${column} as "${m}"`);
    });
    return sql`select a.customer_id, ${sql.join(cols, sql`, `)} from analytics_customer_current a where ${customerFilter(sql`a.customer_id`)}`;
  },
  /** The run whose results are the latest (null before the first run, or when it scored nobody): a read model built from them is current while this stays. */
  async currentRunId(db: DbOrTx): Promise<string | null> {
    if (!(await analyticsFacts.exist(db))) return null;
    const [row] = rowsOf<{ run_id: string }>(await db.execute(sql`select a.run_id from analytics_customer_current a limit 1`));
    return row?.run_id ?? null;
  },
  /** Whether any run has stored results yet (before the first run the table does not exist). */
  async exist(db: DbOrTx): Promise<boolean> {
    const [row] = rowsOf<{ ok: boolean }>(await db.execute(sql`select to_regclass('public.analytics_customer_current') is not null as ok`));
    return !!row?.ok;
  },
  /** The customer's value tier (null when not scored), as an SQL expression over a customer-id column. */
  tierOf(customerId: SQLWrapper): SQL {
    return sql`(select a.value_tier from analytics_customer_current a where a.customer_id = ${customerId})`;
  },
  /** The customer's tier is one of `tiers`. */
  tierIn(customerId: SQLWrapper, tiers: readonly string[]): SQL {
    return sql`exists (select 1 from analytics_customer_current a where a.customer_id = ${customerId} and a.value_tier = any(${textArray(tiers)}))`;
  },
  /** The customer has no tier (never scored, or scored without one). */
  untiered(customerId: SQLWrapper): SQL {
    return sql`not exists (select 1 from analytics_customer_current a where a.customer_id = ${customerId} and a.value_tier is not null)`;
  },
  /** The customer's k-means segment is one of `segments`. */
  segmentIn(customerId: SQLWrapper, segments: readonly number[]): SQL {
    return sql`exists (select 1 from analytics_customer_current a where a.customer_id = ${customerId} and a.segment = any(${`{${segments.map((s) => Math.trunc(s)).join(',')}}`}::int[]))`;
  },
};

/** The customer's value tier from the latest analytics run, or null (no run yet, or not scored). */
export async function customerValueTier(db: DbOrTx, customerId: string): Promise<ValueTier | null> {
  if (!(await analyticsFacts.exist(db))) return null;
  const rows = rowsOf<{ tier: string | null }>(await db.execute(sql`select ${analyticsFacts.tierOf(sql`${customerId}::uuid`)} as tier`));
  const tier = rows[0]?.tier;
  return tier === 'high' || tier === 'middle' || tier === 'low' ? tier : null;
}
