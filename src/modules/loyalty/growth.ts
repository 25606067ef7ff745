/**
 * 成长值: the growth value a member's tier is measured on, on the programme's base, over the 12 months before `now`:
 *
 * - `points`: points earned (entries of kind earn and bonus) in the window, less their reversals up to `now` (entries
 *   whose `reverses_id` is such an entry; signed: a refund's take-back or a debt paid lowers it, a give-back raises it
 *   again). A reversal of points earned before the window takes nothing from growth they no longer count for;
 * - `spend`: purchases + payments − refunds in the window, in whole yuan (fen / 100, rounded down), through the
 *   transactions module's `transaction_ledger` view, deleted transactions left out;
 * - `tenure`: whole years since the member joined, counted on the company's calendar;
 * - `value_tier`: the rank of the customer's value tier in the latest analytics results (低 1, 中 2, 高 3; 0 unscored).
 *
 * Never negative. One SQL form serves both uses: `growthSource` answers a builder of `select customer_id, growth` over
 * the members a condition picks (the review walks customer-id ranges with it), and `growthFor` asks it for a few ids
 * (upgrade at once, right after points are earned).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { analyticsFacts } from '../analytics/index.js';
import { companyClock } from '../settings/index.js';
import { transactionLedger } from '../transactions/index.js';
import { VALUE_TIER_RANK, type Programme } from './loyalty.contract.js';
import { uuids } from './rows.js';

/** A condition over a customer-id column (the members whose growth to compute). */
export type MemberFilter = (customerId: SQL) => SQL;

/**
 * `select customer_id, growth` (growth a bigint ≥ 0) for the members (`loyalty_members`) whose id passes the filter.
 * The filter is applied to the members and to the facts read for them (entries, transactions, analytics results), so
 * a customer-id range is an index range scan on each.
 */
export type GrowthSource = (filter: MemberFilter) => SQL;

/** The window's first instant (exclusive): 12 months before `now`. */
export function growthWindowStart(now: Date): Date {
  const from = new Date(now.getTime());
  from.setUTCFullYear(from.getUTCFullYear() - 1);
  return from;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Whether analytics has results to read (before its first run the results table does not exist). */
async function valueTiersExist(db: DbOrTx): Promise<boolean> {
  return analyticsFacts.exist(db);
}

/**
 * The set-based growth on the programme's base as of `now` (see the file comment). Reads what it needs once (the
 * company zone for tenure, whether analytics results exist for value tiers) and answers a builder to run per range.
 */
export async function growthSource(db: DbOrTx, programme: Pick<Programme, 'growthBase'>, now: Date, opts: { perMember?: boolean } = {}): Promise<GrowthSource> {
  const from = ts(growthWindowStart(now));
  const to = ts(now);
  switch (programme.growthBase) {
    case 'points': {
      // The members' own entries up to `now`, read once through the customer index (materialized, so neither part
      // below can pick another index — the partial one on reverses_id, or the time BRIN — and scan everybody's rows);
      // then what was earned in the window, and the reversals of those very entries. `perMember` (the review's ranges,
      // run with sequential scans off): member by member, a lateral subquery the planner cannot flatten — given 5,000
      // ids as a list it read the time BRIN, i.e. every entry, once per range.
      return (filter) => sql`
        select m.customer_id, greatest(0, coalesce(g.v, 0))::bigint as growth
        from loyalty_members m
        left join (
          with mine as materialized (${
            opts.perMember
              ? sql`
            select e.id, e.customer_id, e.kind, e.points, e.reverses_id, e.occurred_at
            from loyalty_members o
            cross join lateral (
              select e.id, e.customer_id, e.kind, e.points, e.reverses_id, e.occurred_at from points_entries e
              where e.customer_id = o.customer_id and e.occurred_at <= ${to} offset 0
            ) e
            where ${filter(sql`o.customer_id`)}`
              : sql`
            select e.id, e.customer_id, e.kind, e.points, e.reverses_id, e.occurred_at from points_entries e
            where ${filter(sql`e.customer_id`)} and e.occurred_at <= ${to}`
          }),
          earned as (select id, customer_id, points from mine where kind in ('earn', 'bonus') and occurred_at > ${from})
          select x.customer_id, sum(x.points) as v from (
            select customer_id, points from earned
            union all
            select r.customer_id, r.points from mine r join earned o on o.id = r.reverses_id
          ) x group by x.customer_id
        ) g on g.customer_id = m.customer_id
        where ${filter(sql`m.customer_id`)}`;
    }
    case 'spend':
      return (filter) => sql`
        select m.customer_id, greatest(0, div(coalesce(g.v, 0), 100))::bigint as growth
        from loyalty_members m
        left join (
          select t.customer_id, sum(case when t.type = 'refund' then -t.amount_fen else t.amount_fen end) as v
          from ${transactionLedger} t
          where ${filter(sql`t.customer_id`)} and t.deleted_at is null and t.occurred_at > ${from} and t.occurred_at <= ${to}
          group by t.customer_id
        ) g on g.customer_id = m.customer_id
        where ${filter(sql`m.customer_id`)}`;
    case 'tenure': {
      const { zone } = await companyClock(db, now);
      return (filter) => sql`
        select m.customer_id,
               greatest(0, extract(year from age(${to} at time zone ${zone}, m.joined_at at time zone ${zone})))::bigint as growth
        from loyalty_members m
        where ${filter(sql`m.customer_id`)}`;
    }
    case 'value_tier': {
      if (!(await valueTiersExist(db))) {
        return (filter) => sql`select m.customer_id, 0::bigint as growth from loyalty_members m where ${filter(sql`m.customer_id`)}`;
      }
      const rank = sql.join(
        Object.entries(VALUE_TIER_RANK).map(([tier, r]) => sql`when ${tier} then ${sql.raw(String(r))}`),
        sql` `,
      );
      return (filter) => sql`
        select m.customer_id, (case a."valueTier" ${rank} else 0 end)::bigint as growth
        from loyalty_members m
        left join (${analyticsFacts.results(['valueTier'], filter)}) a on a.customer_id = m.customer_id
        where ${filter(sql`m.customer_id`)}`;
    }
  }
}

/** Customer ids as a uuid[] parameter. */
export const uuidArray = uuids;

/** Members with ids in (after, upTo]: either end open when null. */
export const idRange =
  (after: string | null, upTo: string | null): MemberFilter =>
  (col) =>
    sql`${after ? sql`${col} > ${after}::uuid` : sql`true`} and ${upTo ? sql`${col} <= ${upTo}::uuid` : sql`true`}`;

/**
 * Growth of a few customers (upgrade at once after an earn). Every id asked is in the answer: a customer who is not
 * a member answers 0.
 */
export async function growthFor(db: DbOrTx, programme: Pick<Programme, 'growthBase'>, customerIds: string[], now: Date): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = [...new Set(customerIds)];
  if (!ids.length) return out;
  const source = await growthSource(db, programme, now);
  const rows = rowsOf<{ customer_id: string; growth: string | number }>(await db.execute(source((col) => sql`${col} = any(${uuidArray(ids)})`)));
  for (const id of ids) out.set(id, 0);
  for (const r of rows) out.set(r.customer_id, Number(r.growth));
  return out;
}
