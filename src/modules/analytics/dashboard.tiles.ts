/**
 * The analytics module's tiles on the home dashboards (issue #17): an account manager's book by value tier, the
 * customers most at risk of churn, and the tier movement since the previous run — each over the customers in the
 * actor's data scope (customer_directory and customerAccess, as the module's own reports), from the latest finished
 * run. Before any run the figures are null and the description says so.
 *
 * The analytics page (web/src/modules/analytics/AnalyticsPage.tsx) keeps its filters in component state, not in the
 * URL, so the tiles drill to the page itself: /analytics.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { customerAccess } from '../customers/index.js';
import type { DashboardTileDef, TileRow, TileTone } from '../dashboards/index.js';
import { VALUE_TIERS, type ChurnLevel, type ChurnReason } from './analytics.contract.js';

const PAGE = '/analytics';
const ROWS = 5;

type DoneRun = { id: string; asOf: string; pruned: boolean };

/** The latest finished runs, newest first (the current results are the first one's). */
async function latestRuns(db: DbOrTx, n: number): Promise<DoneRun[]> {
  return rowsOf<{ id: string; as_of: string; pruned: boolean }>(
    await db.execute(sql`select id, as_of::text as as_of, coalesce((counts ->> 'historyPruned')::boolean, false) as pruned
                         from analytics_runs where status = 'done' order by finished_at desc, id desc limit ${n}`),
  ).map((r) => ({ id: r.id, asOf: r.as_of, pruned: r.pruned }));
}

/** Live customers the actor sees, as alias c (customer_directory: the customers module's read surface). */
/** The customer list filtered by the latest run's value tier (analytics/list-filters.ts): the tier's figure, listed. */
const tierLink = (tier: (typeof VALUE_TIERS)[number]) => `/customers?valueTier=${tier}`;

const inScope = (actor: Actor) => sql`c.deleted_at is null and ${customerAccess.where(actor, 'c')}`;

const tierLabel = (locale: Locale, tier: (typeof VALUE_TIERS)[number] | 'none') => t(locale, `analytics.tile.tier.${tier}`);

/** 我的客户价值: the customers in scope, the high-value ones, their total CLV, and customers per tier. */
export const bookTile: DashboardTileDef = {
  key: 'analytics.book',
  boards: ['account'],
  order: 10,
  permissions: ['analytics:read'],
  async load({ db, actor, locale }) {
    const title = t(locale, 'analytics.tile.book.title');
    const [run] = await latestRuns(db, 1);
    const labels = {
      customers: t(locale, 'analytics.tile.book.customers'),
      high: t(locale, 'analytics.tile.book.high'),
      clv: t(locale, 'analytics.tile.book.clv'),
    };
    if (!run) {
      return {
        title,
        description: t(locale, 'analytics.tile.no_run'),
        stats: [
          { label: labels.customers, value: null, unit: 'count', tone: 'default', link: '/customers' },
          { label: labels.high, value: null, unit: 'count', tone: 'success', link: PAGE },
          { label: labels.clv, value: null, unit: 'fen', tone: 'default', link: PAGE },
        ],
        rows: [],
        chart: null,
        link: PAGE,
      };
    }
    const [r] = rowsOf<{ customers: number; high: number; middle: number; low: number; clv: number }>(
      await db.execute(sql`
        select count(*)::int as customers,
               (count(*) filter (where a.value_tier = 'high'))::int as high,
               (count(*) filter (where a.value_tier = 'middle'))::int as middle,
               (count(*) filter (where a.value_tier = 'low'))::int as low,
               coalesce(sum(a.clv_fen), 0)::float8 as clv
        from customer_directory c left join analytics_customer_current a on a.customer_id = c.id
        where ${inScope(actor)}`),
    );
    const byTier = { high: r?.high ?? 0, middle: r?.middle ?? 0, low: r?.low ?? 0 };
    const customers = r?.customers ?? 0;
    const unscored = customers - byTier.high - byTier.middle - byTier.low;
    return {
      title,
      description: t(locale, 'analytics.tile.book.description', { asOf: run.asOf }),
      stats: [
        { label: labels.customers, value: customers, unit: 'count', tone: 'default', link: '/customers' },
        { label: labels.high, value: byTier.high, unit: 'count', tone: 'success', link: tierLink('high') },
        { label: labels.clv, value: Math.round(r?.clv ?? 0), unit: 'fen', tone: 'default', link: PAGE },
      ],
      rows: [],
      chart: {
        kind: 'bar',
        unit: 'count',
        x: [...VALUE_TIERS.map((tier) => tierLabel(locale, tier)), tierLabel(locale, 'none')],
        series: [
          {
            name: t(locale, 'analytics.tile.book.series'),
            values: [...VALUE_TIERS.map((tier) => byTier[tier]), unscored],
            links: [...VALUE_TIERS.map((tier) => tierLink(tier)), PAGE],
          },
        ],
      },
      link: PAGE,
    };
  },
};

const LEVEL_TONE: Record<ChurnLevel, TileTone> = { high: 'danger', medium: 'warning', low: 'default' };

/** 高流失风险客户: how many customers in scope are at high risk, and the five most at risk, with their first two reasons. */
export const riskTile: DashboardTileDef = {
  key: 'analytics.risk',
  boards: ['account', 'manager'],
  order: 20,
  permissions: ['analytics:read'],
  async load({ db, actor, locale }) {
    const title = t(locale, 'analytics.tile.risk.title');
    const label = t(locale, 'analytics.tile.risk.count');
    const [run] = await latestRuns(db, 1);
    if (!run) {
      return {
        title,
        description: t(locale, 'analytics.tile.no_run'),
        stats: [{ label, value: null, unit: 'count', tone: 'danger', link: PAGE }],
        rows: [],
        chart: null,
        link: PAGE,
      };
    }
    const from = sql`analytics_customer_current a join customer_directory c on c.id = a.customer_id and ${inScope(actor)}`;
    const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${from} where a.churn_level = 'high'`));
    // The churn list's order (risk, then the highest CLV, then the id), among the high-risk customers.
    const top = rowsOf<{ id: string; name: string; churn_level: ChurnLevel; churn_reasons: ChurnReason[] }>(
      await db.execute(sql`select a.customer_id as id, c.name, a.churn_level, a.churn_reasons from ${from}
                           where a.churn_level = 'high' order by a.churn_risk desc, a.clv_fen desc, a.customer_id desc limit ${ROWS}`),
    );
    // The reasons as the analytics module words them for the churn list and the customer's value tab.
    const en = locale === 'en';
    const rows: TileRow[] = top.map((r) => {
      const reasons = r.churn_reasons.slice(0, 2).map((x) => (en ? x.en : x.zh));
      return {
        id: r.id,
        label: r.name,
        detail: reasons.length ? reasons.join(en ? '; ' : '；') : null,
        at: null,
        tone: LEVEL_TONE[r.churn_level],
        link: `/customers/${r.id}`,
      };
    });
    return {
      title,
      description: t(locale, 'analytics.tile.risk.description', { asOf: run.asOf }),
      stats: [{ label, value: count?.n ?? 0, unit: 'count', tone: 'danger', link: '/customers?churnLevel=high' }],
      rows,
      chart: null,
      link: PAGE,
    };
  },
};

/** 价值等级变动: customers in scope whose tier rose or fell between the previous run and the latest one. */
export const movementTile: DashboardTileDef = {
  key: 'analytics.movement',
  boards: ['account'],
  order: 30,
  permissions: ['analytics:read'],
  async load({ db, actor, locale }) {
    const title = t(locale, 'analytics.tile.movement.title');
    const labels = { up: t(locale, 'analytics.tile.movement.up'), down: t(locale, 'analytics.tile.movement.down') };
    const [last, previous] = await latestRuns(db, 2);
    if (!last || !previous || last.pruned || previous.pruned) {
      return {
        title,
        description: t(locale, last ? 'analytics.tile.movement.one_run' : 'analytics.tile.no_run'),
        stats: [
          { label: labels.up, value: null, unit: 'count', tone: 'success', link: PAGE },
          { label: labels.down, value: null, unit: 'count', tone: 'warning', link: PAGE },
        ],
        rows: [],
        chart: null,
        link: PAGE,
      };
    }
    // Tiers ranked low < middle < high; customers in both runs only (a customer new in the latest run has not moved).
    const rank = (alias: string) => sql`(case ${sql.identifier(alias)}.value_tier when 'high' then 3 when 'middle' then 2 else 1 end)`;
    const [r] = rowsOf<{ up: number; down: number }>(
      await db.execute(sql`
        select (count(*) filter (where ${rank('l')} > ${rank('p')}))::int as up,
               (count(*) filter (where ${rank('l')} < ${rank('p')}))::int as down
        from analytics_customer_history l
        join analytics_customer_history p on p.run_id = ${previous.id} and p.customer_id = l.customer_id
        join customer_directory c on c.id = l.customer_id and ${inScope(actor)}
        where l.run_id = ${last.id}`),
    );
    return {
      title,
      description: t(locale, 'analytics.tile.movement.description', { from: previous.asOf, to: last.asOf }),
      stats: [
        { label: labels.up, value: r?.up ?? 0, unit: 'count', tone: 'success', link: PAGE },
        { label: labels.down, value: r?.down ?? 0, unit: 'count', tone: 'warning', link: PAGE },
      ],
      rows: [],
      chart: null,
      link: PAGE,
    };
  },
};

/** Registered by src/app.ts with the dashboards registry. */
export const analyticsDashboardTiles: readonly DashboardTileDef[] = [bookTile, riskTile, movementTile];
