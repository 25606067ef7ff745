/** Queries of the analytics module: the population read, the result writes and the reports over the stored results. */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { copyTransaction, encodeRows, rebuildTable } from '../../platform/db/copy.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import type { AnalyticsSettings } from './analytics.contract.js';
import { HOLDOUT_WEEKS, Population, SEASON_BITS, type Results, type RunClock } from './engine.js';
import { analyticsCustomerHistory } from './schema.js';

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
  // Both halves counted in one scan of customers.
  const countRow = rowsOf<Record<string, number>>(
    await db.execute(sql`select ${sql.join(parts.map((part, k) => sql`(count(*) filter (where ${rangeSql(part)}))::int as ${sql.identifier(`n${k}`)}`), sql`, `)}
                         from customers c where c.deleted_at is null`),
  )[0]!;
  const counts = parts.map((_, k) => Number(countRow[`n${k}`]));
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
        -- Each row's derived values computed once (offset 0 keeps the subquery from being flattened, which would
        -- repeat these expressions in every aggregate's filter).
        select t.customer_id, t.occurred_at, t.amount_fen, t.type <> 'refund' as sale,
               case when t.type = 'refund' then -t.amount_fen else t.amount_fen end as signed,
               (t.type <> 'refund' and not ${contractSql}) as svc,
               (t.type <> 'refund' and ${contractSql}) as con,
               case when t.heating_season ~ '^[0-9]{4}' then left(t.heating_season, 4)::int end as season
        from transactions t
        where t.deleted_at is null and t.occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`t.customer_id`)}
        offset 0
      ), a as (
        select t.customer_id,
          extract(epoch from min(t.occurred_at))::float8 as first_at,
          extract(epoch from max(t.occurred_at) filter (where t.sale))::float8 as last_at,
          (count(*) filter (where t.sale and t.occurred_at >= ${ws}::timestamptz))::int as freq,
          coalesce(sum(t.signed) filter (where t.occurred_at >= ${ws}::timestamptz), 0)::float8 as monetary,
          sum(t.signed)::float8 as lifetime,
          (count(*) filter (where t.sale))::int as purchases,
          (count(*) filter (where t.svc))::int as svc_n,
          extract(epoch from min(t.occurred_at) filter (where t.svc))::float8 as svc_first,
          extract(epoch from max(t.occurred_at) filter (where t.svc))::float8 as svc_last,
          coalesce(sum(t.amount_fen) filter (where t.svc), 0)::float8 as svc_sum,
          (min(array[extract(epoch from t.occurred_at)::float8, t.amount_fen::float8]) filter (where t.svc))[2] as svc_first_amount,
          (count(*) filter (where t.svc and t.occurred_at < ${cal}::timestamptz))::int as svc_n_cal,
          extract(epoch from max(t.occurred_at) filter (where t.svc and t.occurred_at < ${cal}::timestamptz))::float8 as svc_last_cal,
          coalesce(bit_or(1 << (${cur}::int - t.season)) filter (where t.con and ${cur}::int - t.season between 0 and ${SEASON_BITS}), 0) as seasons,
          (max(array[t.season::float8, t.amount_fen::float8]) filter (where t.con and t.season is not null))[2] as fee,
          count(*)::int as n
        from t group by t.customer_id
      ), h as (
        -- The holdout weeks of service purchases, in an aggregate of their own over just those rows: an array_agg
        -- among the aggregates above makes the planner expect a large state for every customer and spill to disk
        -- (measured: 25 s instead of 15 s for half of 1M customers).
        select t.customer_id, array_agg(floor((extract(epoch from t.occurred_at) - ${clock.calEnd}::float8) / 604800)::int) as holdout
        from transactions t
        where t.deleted_at is null and t.occurred_at >= ${cal}::timestamptz and t.occurred_at < ${end}::timestamptz
          and t.type <> 'refund' and not ${contractSql} and ${rangeSql(part, sql`t.customer_id`)}
        group by t.customer_id
      ), i as (
        select customer_id, count(*)::int as n from interactions
        where deleted_at is null and occurred_at >= ${ws}::timestamptz and occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`customer_id`)}
        group by customer_id
      )
      select c.id::text as id, a.first_at, a.last_at, coalesce(a.freq, 0) as freq, coalesce(a.monetary, 0) as monetary,
             coalesce(a.lifetime, 0) as lifetime, coalesce(a.purchases, 0) as purchases, coalesce(a.svc_n, 0) as svc_n,
             a.svc_first, a.svc_last, coalesce(a.svc_sum, 0) as svc_sum, a.svc_first_amount, coalesce(a.svc_n_cal, 0) as svc_n_cal,
             a.svc_last_cal, coalesce(a.seasons, 0) as seasons, a.fee, h.holdout, coalesce(a.n, 0) as n,
             coalesce(i.n, 0) as interactions, (${tagsSql})::int as tag_bits, ${customSql} as custom_num
      from customers c left join a on a.customer_id = c.id left join h on h.customer_id = c.id left join i on i.customer_id = c.id
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

/** Rows per COPY statement, and history rows per committed transaction (progress is reported between them). */
const COPY_BATCH = 20_000;
const HISTORY_COMMIT = 100_000;

const CURRENT_COLUMNS = [
  'customer_id', 'run_id', 'as_of', 'value_tier', 'value_score', 'rfm_group', 'r_score', 'f_score', 'm_score', 'recency_days',
  'frequency', 'monetary_fen', 'tenure_days', 'clv_formula_fen', 'clv_fen', 'clv_service_fen', 'clv_contract_fen', 'p_alive',
  'expected_purchases', 'renewal_prob', 'churn_risk', 'churn_level', 'churn_reasons', 'loyalty', 'quadrant', 'segment', 'scores',
] as const;
const HISTORY_COLUMNS = [
  'run_id', 'customer_id', 'as_of', 'value_tier', 'value_score', 'rfm_group', 'clv_fen', 'p_alive', 'churn_risk', 'churn_level',
  'quadrant', 'segment',
] as const;

const tenth = (v: number) => Math.round(v * 10) / 10;
const orNull = (v: number) => (v < 0 ? null : v);
/** A number inside a JSON text (null when not finite: NaN is not JSON). */
const jnum = (v: number) => (Number.isFinite(v) ? tenth(v) : 'null');

/** The "current" row of customer i, in CURRENT_COLUMNS order; `keys` are the indicator keys as JSON strings. */
function currentRow(p: Population, res: Results, i: number, run: { id: string; asOf: string }, keys: string[]): unknown[] {
  // The scores document is written as text: a million objects through JSON.stringify cost several seconds.
  let indicators = '';
  keys.forEach((k, j) => (indicators += `${j ? ',' : ''}${k}:${jnum(res.indicatorScores[j]![i]!)}`));
  const scores =
    `{"kinds":{"economic":${jnum(res.kinds.economic[i]!)},"wordOfMouth":${jnum(res.kinds.wordOfMouth[i]!)},` +
    `"strategic":${jnum(res.kinds.strategic[i]!)},"emotional":${jnum(res.kinds.emotional[i]!)},"learning":${jnum(res.kinds.learning[i]!)}},` +
    `"indicators":{${indicators}}}`;
  const reasons = res.reasons(i);
  return [
    p.ids[i]!,
    run.id,
    run.asOf,
    res.tier[i]!,
    tenth(res.valueScore[i]!),
    res.group[i]!,
    res.r[i]!,
    res.f[i]!,
    res.m[i]!,
    orNull(res.recencyDays[i]!),
    p.freq[i]!,
    Math.round(p.monetary[i]!),
    orNull(res.tenureDays[i]!),
    Math.round(res.clvFormula[i]!),
    Math.round(res.clvService[i]! + res.clvContract[i]!),
    Math.round(res.clvService[i]!),
    Math.round(res.clvContract[i]!),
    res.pAlive[i]!,
    res.expected[i]!,
    res.renewal[i]!,
    res.risk[i]!,
    res.level[i]!,
    reasons.length ? JSON.stringify(reasons) : '[]',
    tenth(res.loyalty[i]!),
    res.quadrant[i]!,
    orNull(res.segment[i]!),
    scores,
  ];
}

function historyRow(p: Population, res: Results, i: number, run: { id: string; asOf: string }): unknown[] {
  return [
    run.id,
    p.ids[i]!,
    run.asOf,
    res.tier[i]!,
    tenth(res.valueScore[i]!),
    res.group[i]!,
    Math.round(res.clvService[i]! + res.clvContract[i]!),
    Number.isFinite(res.pAlive[i]!) ? Math.round(res.pAlive[i]! * 10_000) / 10_000 : null,
    res.risk[i]!,
    res.level[i]!,
    res.quadrant[i]!,
    orNull(res.segment[i]!),
  ];
}

/**
 * Writes the run's results with COPY: the history rows first (committed every 100,000 rows, with progress), then
 * the "current" table rebuilt as a new table and swapped in, in one transaction (readers keep seeing the previous run
 * until it commits). On PostgreSQL both go at once on two connections (two cores busy).
 */
export async function writeResults(
  db: Db,
  p: Population,
  res: Results,
  run: { id: string; asOf: string; indicatorKeys: string[] },
  opts: { parallel: boolean; onProgress: (done: number, total: number) => Promise<void> },
): Promise<void> {
  const n = p.n;
  await db.execute(sql`delete from ${analyticsCustomerHistory} where run_id = ${run.id}`);
  const keys = run.indicatorKeys.map((k) => JSON.stringify(k));
  // PostgreSQL streams each COPY while it is encoded (one statement per commit of history, one for the current
  // table); PGlite takes a COPY's data whole, so it gets batches of 20,000 rows.
  const perCopy = opts.parallel ? n : COPY_BATCH;
  const history = async () => {
    for (let from = 0; from < n; from += HISTORY_COMMIT) {
      const end = Math.min(n, from + HISTORY_COMMIT);
      await copyTransaction(db, async (c) => {
        for (let at = from; at < end; at += perCopy) {
          await c.copy('analytics_customer_history', HISTORY_COLUMNS, encodeRows(at, Math.min(end, at + perCopy), (i) => historyRow(p, res, i, run)));
        }
      });
      await opts.onProgress(end, n);
    }
  };
  const current = () =>
    copyTransaction(db, (c) =>
      rebuildTable(c, 'analytics_customer_current', async (next) => {
        for (let from = 0; from < n; from += perCopy) {
          await c.copy(next, CURRENT_COLUMNS, encodeRows(from, Math.min(n, from + perCopy), (i) => currentRow(p, res, i, run, keys)));
        }
      }),
    );
  if (opts.parallel) await Promise.all([history(), current()]);
  else {
    await history();
    await current();
  }
}

/**
 * History retention: the per-customer history of finished runs older than `keepDays` before `asOf` is deleted, except
 * for the first finished run of each month (the monthly snapshot). The runs themselves stay, marked historyPruned.
 * Returns the runs pruned.
 */
export async function pruneHistory(db: Db, asOf: string, keepDays: number): Promise<string[]> {
  const doomed = rowsOf<{ id: string }>(
    await db.execute(sql`
      select r.id from analytics_runs r
      where r.status = 'done' and r.as_of < ${asOf}::date - ${keepDays}::int
        and coalesce((r.counts ->> 'historyPruned')::boolean, false) = false
        and r.id not in (
          select distinct on (date_trunc('month', m.as_of)) m.id from analytics_runs m
          where m.status = 'done' order by date_trunc('month', m.as_of), m.as_of, m.finished_at, m.id)`),
  ).map((r) => r.id);
  for (const id of doomed) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from ${analyticsCustomerHistory} where run_id = ${id}`);
      await tx.execute(sql`update analytics_runs set counts = coalesce(counts, '{}'::jsonb) || '{"historyPruned": true}'::jsonb where id = ${id}`);
    });
  }
  return doomed;
}
