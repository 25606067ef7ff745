/** Queries of the analytics module: the population read, the result writes and the reports over the stored results. */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import type { AnalyticsSettings } from './analytics.contract.js';
import { HOLDOUT_WEEKS, Population, SEASON_BITS, type Results, type RunClock } from './engine.js';
import { analyticsCustomerCurrent, analyticsCustomerHistory } from './schema.js';

const FETCH = 20_000;

/** The data scope as SQL over customers `c` (the same rule as the customers module: own, team and below, all). */
export function scopeSql(actor: Actor): SQL {
  if (actor.scope === 'all') return sql`true`;
  const userId = actor.userId ?? '00000000-0000-0000-0000-000000000000';
  if (actor.scope === 'team' && actor.teamIds.length) {
    return sql`(c.owner_id = ${userId} or c.team_id in (${sql.join(actor.teamIds.map((t) => sql`${t}::uuid`), sql`, `)}))`;
  }
  return sql`c.owner_id = ${userId}`;
}

const ts = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/**
 * Reads every live customer with its transaction figures in one pass: transactions are aggregated by customer in one
 * scan (hash aggregate) joined to customers, and the rows stream through a cursor in batches of 20,000. A keyset
 * walk over customer-id ranges would read the transactions' heap once per batch, because their physical order is
 * not the customers' id order.
 */
export async function readPopulation(
  db: Db,
  s: AnalyticsSettings,
  clock: RunClock,
  kind: 'pglite' | 'postgres',
  onBatch: (loaded: number, total: number, tx: DbOrTx) => Promise<void>,
): Promise<Population> {
  // PostgreSQL: two halves of the id range, each its own aggregate and cursor on its own connection, so both cores
  // work (a cursor's plan is never parallel). Each half fills its own slice of the arrays, in id order: the
  // population's order — and so the fits' samples — does not depend on which half answers first.
  const parts = kind === 'postgres' ? PARTS : [{ lo: null, hi: null }];
  const counts: number[] = [];
  for (const part of parts) {
    counts.push(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from customers c where c.deleted_at is null and ${rangeSql(part)}`))[0]!.n);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const p = new Population(total);
  p.n = total;
  p.ids = new Array<string>(total);
  let loaded = 0;
  const readPart = (part: { lo: string | null; hi: string | null }, start: number, size: number) => db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${kind === 'postgres' ? '256MB' : '64MB'}'`));
    await pinPlan(tx);
    await tx.execute(sql`
      declare analytics_population no scroll cursor for ${populationSql(s, clock, part)}`);
    type Row = {
      id: string;
      first_at: number | null;
      last_at: number | null;
      freq: number;
      monetary: number;
      lifetime: number;
      purchases: number;
      svc_n: number;
      svc_first: number | null;
      svc_last: number | null;
      svc_sum: number;
      svc_first_amount: number | null;
      svc_n_cal: number;
      svc_last_cal: number | null;
      seasons: number;
      fee: number | null;
      holdout: number[] | null;
      n: number;
      interactions: number;
      tag_bits: number;
      custom_num: number | null;
    };
    const num = (v: number | null) => (v === null || v === undefined ? NaN : Number(v));
    let i = start;
    for (;;) {
      const rows = rowsOf<Row>(await tx.execute(sql.raw(`fetch ${FETCH} from analytics_population`)));
      for (const r of rows) {
        if (i >= start + size) break; // customers added since the count wait for the next run
        p.ids[i] = r.id;
        p.firstAt[i] = num(r.first_at);
        p.lastAt[i] = num(r.last_at);
        p.freq[i] = r.freq;
        p.monetary[i] = Number(r.monetary);
        p.lifetime[i] = Number(r.lifetime);
        p.purchases[i] = r.purchases;
        p.svcN[i] = r.svc_n;
        p.svcFirst[i] = num(r.svc_first);
        p.svcLast[i] = num(r.svc_last);
        p.svcSum[i] = Number(r.svc_sum);
        p.svcFirstAmount[i] = num(r.svc_first_amount);
        p.svcNCal[i] = r.svc_n_cal;
        p.svcLastCal[i] = num(r.svc_last_cal);
        p.seasons[i] = Number(r.seasons);
        p.fee[i] = num(r.fee);
        p.interactions[i] = r.interactions;
        p.tagBits[i] = r.tag_bits;
        p.customNum[i] = num(r.custom_num);
        p.transactions += r.n;
        if (r.holdout && p.firstAt[i]! < clock.calEnd) for (const w of r.holdout) if (w >= 0 && w < HOLDOUT_WEEKS) p.holdoutWeekly[w]!++;
        i++;
      }
      loaded += rows.length;
      await onBatch(Math.min(loaded, total), total, tx);
      if (rows.length < FETCH) break;
    }
    await tx.execute(sql`close analytics_population`);
    return i - start;
  });
  const starts = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
  const got = await Promise.all(parts.map((part, k) => readPart(part, starts[k]!, counts[k]!)));
  // Customers deleted since the count leave a gap: close it.
  if (got.some((g, k) => g < counts[k]!)) compact(p, starts, got);
  return p;
}


/** The one-pass population query of one id range (exported for the benchmark's EXPLAIN). */
export function populationSql(s: AnalyticsSettings, clock: RunClock, part: { lo: string | null; hi: string | null }): SQL {
  const cats = s.contractCategories;
  const contractSql = cats.length
    ? sql`(t.heating_season is not null or exists (select 1 from transaction_lines l join products pr on pr.id = l.product_id
            where l.transaction_id = t.id and pr.category in (${sql.join(cats.map((c) => sql`${c}`), sql`, `)})))`
    : sql`(t.heating_season is not null)`;
  const tagBit = (tag: string, bit: number) => sql`(case when c.tags @> array[${tag}]::text[] then ${1 << bit} else 0 end)`;
  const tagParts: SQL[] = [];
  s.churnTags.slice(0, 16).forEach((t, k) => tagParts.push(tagBit(t.tag, k)));
  s.indicators.forEach((ind, k) => {
    if (ind.metric === 'tag' && ind.field && k < 15) tagParts.push(tagBit(ind.field, 16 + k));
  });
  const tagsSql = tagParts.length ? sql.join(tagParts, sql` | `) : sql`0`;
  const customKey = s.indicators.find((i) => i.metric === 'customNumber' && i.field)?.field ?? null;
  const customSql = customKey
    ? sql`case when jsonb_typeof(c.custom -> ${customKey}) = 'number' then (c.custom ->> ${customKey})::float8 end`
    : sql`null::float8`;
  const end = ts(clock.asOfEnd);
  const ws = ts(clock.windowStart);
  const cal = ts(clock.calEnd);
  const cur = clock.currentSeason;
  return sql`
      with t as (
        select t.customer_id, t.occurred_at, t.type, t.amount_fen, t.heating_season,
               (t.type <> 'refund' and not ${contractSql}) as svc,
               (t.type <> 'refund' and ${contractSql}) as con
        from transactions t
        where t.deleted_at is null and t.occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`t.customer_id`)}
      ), a as (
        select t.customer_id,
          extract(epoch from min(t.occurred_at))::float8 as first_at,
          extract(epoch from max(t.occurred_at) filter (where t.type <> 'refund'))::float8 as last_at,
          (count(*) filter (where t.type <> 'refund' and t.occurred_at >= ${ws}::timestamptz))::int as freq,
          coalesce(sum(case when t.type = 'refund' then -t.amount_fen else t.amount_fen end) filter (where t.occurred_at >= ${ws}::timestamptz), 0)::float8 as monetary,
          sum(case when t.type = 'refund' then -t.amount_fen else t.amount_fen end)::float8 as lifetime,
          (count(*) filter (where t.type <> 'refund'))::int as purchases,
          (count(*) filter (where t.svc))::int as svc_n,
          extract(epoch from min(t.occurred_at) filter (where t.svc))::float8 as svc_first,
          extract(epoch from max(t.occurred_at) filter (where t.svc))::float8 as svc_last,
          coalesce(sum(t.amount_fen) filter (where t.svc), 0)::float8 as svc_sum,
          (min(array[extract(epoch from t.occurred_at)::float8, t.amount_fen::float8]) filter (where t.svc))[2] as svc_first_amount,
          (count(*) filter (where t.svc and t.occurred_at < ${cal}::timestamptz))::int as svc_n_cal,
          extract(epoch from max(t.occurred_at) filter (where t.svc and t.occurred_at < ${cal}::timestamptz))::float8 as svc_last_cal,
          coalesce(bit_or(1 << (${cur}::int - left(t.heating_season, 4)::int))
            filter (where t.con and t.heating_season ~ '^[0-9]{4}' and ${cur}::int - left(t.heating_season, 4)::int between 0 and ${SEASON_BITS}), 0) as seasons,
          (max(array[left(t.heating_season, 4)::float8, t.amount_fen::float8]) filter (where t.con and t.heating_season ~ '^[0-9]{4}'))[2] as fee,
          array_agg(floor((extract(epoch from t.occurred_at) - ${clock.calEnd}::float8) / 604800)::int)
            filter (where t.svc and t.occurred_at >= ${cal}::timestamptz) as holdout,
          count(*)::int as n
        from t group by t.customer_id
      ), i as (
        select customer_id, count(*)::int as n from interactions
        where deleted_at is null and occurred_at >= ${ws}::timestamptz and occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`customer_id`)}
        group by customer_id
      )
      select c.id::text as id, a.first_at, a.last_at, coalesce(a.freq, 0) as freq, coalesce(a.monetary, 0) as monetary,
             coalesce(a.lifetime, 0) as lifetime, coalesce(a.purchases, 0) as purchases, coalesce(a.svc_n, 0) as svc_n,
             a.svc_first, a.svc_last, coalesce(a.svc_sum, 0) as svc_sum, a.svc_first_amount, coalesce(a.svc_n_cal, 0) as svc_n_cal,
             a.svc_last_cal, coalesce(a.seasons, 0) as seasons, a.fee, a.holdout, coalesce(a.n, 0) as n,
             coalesce(i.n, 0) as interactions, (${tagsSql})::int as tag_bits, ${customSql} as custom_num
      from customers c left join a on a.customer_id = c.id left join i on i.customer_id = c.id
      where c.deleted_at is null and ${rangeSql(part)} order by c.id`;
}

/**
 * One sequential scan and a hash aggregate: given `order by c.id`, the planner may otherwise walk the transactions'
 * customer index and fetch every row from the heap at random.
 */
export async function pinPlan(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`set local enable_indexscan = off`);
  await tx.execute(sql`set local enable_bitmapscan = off`);
}

export const PARTS = [
  { lo: null, hi: '80000000-0000-0000-0000-000000000000' },
  { lo: '80000000-0000-0000-0000-000000000000', hi: null },
];
/** The id range of a part, on a column (the aggregates get it too: PostgreSQL does not carry a range across a join). */
const rangeSql = (part: { lo: string | null; hi: string | null }, column = sql`c.id`) =>
  sql.join([sql`true`, ...(part.lo ? [sql`${column} >= ${part.lo}::uuid`] : []), ...(part.hi ? [sql`${column} < ${part.hi}::uuid`] : [])], sql` and `);

/** Moves each part's rows together when a part returned fewer rows than counted. */
function compact(p: Population, starts: number[], got: number[]): void {
  const arrays = [p.firstAt, p.lastAt, p.freq, p.monetary, p.lifetime, p.purchases, p.svcN, p.svcFirst, p.svcLast, p.svcSum, p.svcFirstAmount, p.svcNCal, p.svcLastCal, p.seasons, p.fee, p.interactions, p.tagBits, p.customNum];
  let to = 0;
  starts.forEach((start, k) => {
    for (let j = 0; j < got[k]!; j++, to++) {
      if (to === start + j) continue;
      p.ids[to] = p.ids[start + j]!;
      for (const a of arrays) a[to] = a[start + j]!;
    }
  });
  p.n = to;
  p.ids.length = to;
}

const WRITE = 5_000;

type CurrentRow = typeof analyticsCustomerCurrent.$inferInsert;

function currentRow(p: Population, res: Results, i: number, runId: string, asOf: string): CurrentRow {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const indicators: Record<string, number> = {};
  return {
    customerId: p.ids[i]!,
    runId,
    asOf,
    valueTier: res.tier[i]!,
    valueScore: res.valueScore[i]!,
    rfmGroup: res.group[i]!,
    rScore: res.r[i]!,
    fScore: res.f[i]!,
    mScore: res.m[i]!,
    recencyDays: res.recencyDays[i]! < 0 ? null : res.recencyDays[i]!,
    frequency: p.freq[i]!,
    monetaryFen: Math.round(p.monetary[i]!),
    tenureDays: res.tenureDays[i]! < 0 ? null : res.tenureDays[i]!,
    clvFormulaFen: Math.round(res.clvFormula[i]!),
    clvFen: Math.round(res.clvService[i]! + res.clvContract[i]!),
    clvServiceFen: Math.round(res.clvService[i]!),
    clvContractFen: Math.round(res.clvContract[i]!),
    pAlive: finite(res.pAlive[i]!),
    expectedPurchases: finite(res.expected[i]!),
    renewalProb: finite(res.renewal[i]!),
    churnRisk: res.risk[i]!,
    churnLevel: res.level[i]!,
    churnReasons: res.reasons[i]!,
    loyalty: res.loyalty[i]!,
    quadrant: res.quadrant[i]!,
    segment: res.segment[i]! < 0 ? null : res.segment[i]!,
    scores: {
      kinds: {
        economic: res.kinds.economic[i]!,
        wordOfMouth: res.kinds.wordOfMouth[i]!,
        strategic: res.kinds.strategic[i]!,
        emotional: res.kinds.emotional[i]!,
        learning: res.kinds.learning[i]!,
      },
      indicators,
    },
  };
}

/**
 * Writes the run's results: the history rows first (committed batch by batch, with progress), then the "current"
 * table swapped in one transaction (delete + insert: readers keep seeing the previous run until it commits).
 */
export async function writeResults(
  db: Db,
  p: Population,
  res: Results,
  run: { id: string; asOf: string; indicatorKeys: string[] },
  opts: { skipForeignKeyChecks: boolean; parallel: boolean; onProgress: (done: number, total: number) => Promise<void> },
): Promise<void> {
  const n = p.n;
  await db.execute(sql`delete from ${analyticsCustomerHistory} where run_id = ${run.id}`);
  const history = async () => {
  for (let from = 0; from < n; from += WRITE * 4) {
    const rows = [];
    for (let i = from; i < Math.min(n, from + WRITE * 4); i++) {
      rows.push({
        runId: run.id,
        customerId: p.ids[i]!,
        asOf: run.asOf,
        valueTier: res.tier[i]!,
        valueScore: res.valueScore[i]!,
        rfmGroup: res.group[i]!,
        clvFen: Math.round(res.clvService[i]! + res.clvContract[i]!),
        pAlive: Number.isFinite(res.pAlive[i]!) ? Math.round(res.pAlive[i]! * 10_000) / 10_000 : null,
        churnRisk: res.risk[i]!,
        churnLevel: res.level[i]!,
        quadrant: res.quadrant[i]!,
        segment: res.segment[i]! < 0 ? null : res.segment[i]!,
      });
    }
    await bulkInsert(db, analyticsCustomerHistory, rows);
    await opts.onProgress(Math.min(n, from + WRITE * 4), n);
  }
  };
  const current = () => db.transaction(async (tx) => {
    if (opts.skipForeignKeyChecks) await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`delete from ${analyticsCustomerCurrent}`);
    for (let from = 0; from < n; from += WRITE) {
      const rows: CurrentRow[] = [];
      for (let i = from; i < Math.min(n, from + WRITE); i++) {
        const row = currentRow(p, res, i, run.id, run.asOf);
        run.indicatorKeys.forEach((k, j) => (row.scores!.indicators[k] = res.indicatorScores[j]![i]!));
        rows.push(row);
      }
      await bulkInsert(tx, analyticsCustomerCurrent, rows);
    }
  });
  // PostgreSQL: the history and the swap of the current table on two connections at once (two cores busy).
  if (opts.parallel) await Promise.all([history(), current()]);
  else {
    await history();
    await current();
  }
}

export async function isSuperuser(db: DbOrTx): Promise<boolean> {
  return rowsOf<{ su: boolean }>(await db.execute(sql`select rolsuper as su from pg_roles where rolname = current_user`))[0]?.su === true;
}
