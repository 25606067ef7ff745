/**
 * Queries of the analytics module: the population read, the result writes and the history retention. Other modules'
 * data is read through the views they export: customer_directory (customers), transaction_ledger,
 * transaction_line_ledger and product_catalogue (transactions).
 */
import { sql, type SQL } from 'drizzle-orm';
import { copyTransaction, encodeRows, rebuildTable, startRebuild } from '../../platform/db/copy.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import type { AnalyticsSettings } from './analytics.contract.js';
import { HOLDOUT_WEEKS, Population, SEASON_BITS, type Results, type RunClock } from './engine.js';
import { analyticsCustomerHistory } from './schema.js';

const FETCH = 20_000;

const ts = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** The population query's row: per customer, days are day numbers (days since 1970-01-01) in the company's zone. */
type PopulationRow = {
  id: string;
  first_day: number | null;
  last_day: number | null;
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

/** Puts one row at index i of the population. */
function fill(p: Population, i: number, r: PopulationRow, clock: RunClock): void {
  p.ids[i] = r.id;
  p.firstDay[i] = num(r.first_day);
  p.lastDay[i] = num(r.last_day);
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
  if (r.holdout && p.firstDay[i]! <= clock.calDay) for (const w of r.holdout) if (w >= 0 && w < HOLDOUT_WEEKS) p.holdoutWeekly[w]!++;
}

/** Customers per query of the embedded database's read (a heating household has ~80 transactions): each query is short, and requests are served between them. */
const PGLITE_BATCH = 500;

/**
 * Reads every live customer with its transaction figures.
 *
 * PostgreSQL: in one pass per half of the id range — transactions aggregated by customer in one scan (hash
 * aggregate) joined to customers, the rows streaming through a cursor in batches of 20,000, each half on its own
 * connection. A keyset walk over customer-id ranges would read the transactions' heap once per batch, because
 * their physical order is not the customers' id order. Other requests use the pool's other connections meanwhile.
 *
 * PGlite (one connection, on the server's own thread): a keyset walk of 1,000 customers per query, each an index
 * scan of those customers' transactions (tens of milliseconds), with the event loop's turn between them, so that
 * requests are answered while the run reads.
 */
export async function readPopulation(
  db: Db,
  s: AnalyticsSettings,
  clock: RunClock,
  kind: 'pglite' | 'postgres',
  onBatch: (loaded: number, total: number, tx: DbOrTx) => Promise<void>,
): Promise<Population> {
  if (kind === 'pglite') return readPopulationInSlices(db, s, clock, onBatch);
  // PostgreSQL: two halves of the id range, each its own aggregate and cursor on its own connection, so both cores
  // work (a cursor's plan is never parallel). Each half fills its own slice of the arrays, in id order: the
  // population's order — and so the fits' samples — does not depend on which half answers first.
  const parts = PARTS;
  // Both halves counted in one scan of customers.
  const countRow = rowsOf<Record<string, number>>(
    await db.execute(sql`select ${sql.join(parts.map((part, k) => sql`(count(*) filter (where ${rangeSql(part)}))::int as ${sql.identifier(`n${k}`)}`), sql`, `)}
                         from customer_directory c where c.deleted_at is null`),
  )[0]!;
  const counts = parts.map((_, k) => Number(countRow[`n${k}`]));
  const total = counts.reduce((a, b) => a + b, 0);
  const p = new Population(total);
  p.n = total;
  p.ids = new Array<string>(total);
  let loaded = 0;
  const readPart = (part: Part, start: number, size: number) => db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '256MB'`));
    await pinPlan(tx);
    await tx.execute(sql`
      declare analytics_population no scroll cursor for ${populationSql(s, clock, part)}`);
    let i = start;
    for (;;) {
      const rows = rowsOf<PopulationRow>(await tx.execute(sql.raw(`fetch ${FETCH} from analytics_population`)));
      for (const r of rows) {
        if (i >= start + size) break; // customers added since the count wait for the next run
        fill(p, i, r, clock);
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

async function readPopulationInSlices(
  db: Db,
  s: AnalyticsSettings,
  clock: RunClock,
  onBatch: (loaded: number, total: number, tx: DbOrTx) => Promise<void>,
): Promise<Population> {
  const [{ n: total } = { n: 0 }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from customer_directory c where c.deleted_at is null`));
  const p = new Population(total);
  p.ids = new Array<string>(total);
  let i = 0;
  let after: string | null = null;
  while (i < total) {
    // The next batch's id range, then its figures: two short queries.
    const ids: { id: string }[] = rowsOf<{ id: string }>(
      await db.execute(sql`select c.id::text as id from customer_directory c where c.deleted_at is null ${after ? sql`and c.id > ${after}::uuid` : sql``}
                           order by c.id limit ${PGLITE_BATCH}`),
    );
    if (!ids.length) break;
    const bounds: { lo: string; hi: string } = { lo: ids[0]!.id, hi: ids[ids.length - 1]!.id };
    const rows = rowsOf<PopulationRow>(await db.execute(populationSql(s, clock, { lo: bounds.lo, hi: null, through: bounds.hi })));
    for (const r of rows) {
      if (i >= total) break; // customers added since the count wait for the next run
      fill(p, i, r, clock);
      i++;
    }
    after = bounds.hi;
    await onBatch(i, total, db);
    await yieldToEventLoop();
  }
  p.n = i;
  p.ids.length = i;
  return p;
}

type Part = { lo: string | null; hi: string | null; through?: string };


/**
 * The population query of one id range (exported for the benchmark's EXPLAIN). One purchase convention: the
 * transactions of a customer on one day (company time zone) are one purchase — the convention of Fader, Hardie & Lee
 * and of summarisePurchases — so the rows are first summed per customer and day, then per customer.
 */
export function populationSql(s: AnalyticsSettings, clock: RunClock, part: Part): SQL {
  const cats = s.contractCategories;
  const contractSql = cats.length
    ? sql`(t.heating_season is not null or exists (select 1 from transaction_line_ledger l join product_catalogue pr on pr.id = l.product_id
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
  const ws = clock.windowStartDay;
  const cal = clock.calDay;
  const cur = clock.currentSeason;
  const dayOf = sql`((t.occurred_at at time zone ${clock.zone})::date - date '1970-01-01')`;
  return sql`
      with t as (
        -- Each row's derived values computed once (offset 0 keeps the subquery from being flattened, which would
        -- repeat these expressions in every aggregate's filter).
        select t.customer_id, ${dayOf} as day, t.amount_fen, t.type <> 'refund' as sale,
               case when t.type = 'refund' then -t.amount_fen else t.amount_fen end as signed,
               (t.type <> 'refund' and not ${contractSql}) as svc,
               (t.type <> 'refund' and ${contractSql}) as con,
               case when t.heating_season ~ '^[0-9]{4}' then left(t.heating_season, 4)::int end as season
        from transaction_ledger t
        where t.deleted_at is null and t.occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`t.customer_id`)}
        offset 0
      ), d as (
        -- One row per customer and day: a day with several transactions is one purchase.
        select t.customer_id, t.day, bool_or(t.sale) as sale, bool_or(t.svc) as svc, sum(t.signed) as signed,
          sum(t.amount_fen) filter (where t.svc) as svc_amount,
          coalesce(bit_or(1 << (${cur}::int - t.season)) filter (where t.con and ${cur}::int - t.season between 0 and ${SEASON_BITS}), 0) as seasons,
          max(array[t.season::float8, t.amount_fen::float8]) filter (where t.con and t.season is not null) as fee,
          count(*)::int as n
        from t group by t.customer_id, t.day
      ), a as (
        select d.customer_id,
          min(d.day) as first_day,
          max(d.day) filter (where d.sale) as last_day,
          (count(*) filter (where d.sale and d.day >= ${ws}::int))::int as freq,
          coalesce(sum(d.signed) filter (where d.day >= ${ws}::int), 0)::float8 as monetary,
          sum(d.signed)::float8 as lifetime,
          (count(*) filter (where d.sale))::int as purchases,
          (count(*) filter (where d.svc))::int as svc_n,
          min(d.day) filter (where d.svc) as svc_first,
          max(d.day) filter (where d.svc) as svc_last,
          coalesce(sum(d.svc_amount) filter (where d.svc), 0)::float8 as svc_sum,
          (min(array[d.day::float8, d.svc_amount::float8]) filter (where d.svc))[2] as svc_first_amount,
          (count(*) filter (where d.svc and d.day <= ${cal}::int))::int as svc_n_cal,
          max(d.day) filter (where d.svc and d.day <= ${cal}::int) as svc_last_cal,
          bit_or(d.seasons) as seasons,
          (max(d.fee))[2] as fee,
          sum(d.n)::int as n,
          -- The holdout weeks of the service purchase days after the calibration end.
          array_agg((d.day - ${cal}::int - 1) / 7) filter (where d.svc and d.day > ${cal}::int) as holdout
        from d group by d.customer_id
      ), i as (
        select customer_id, count(*)::int as n from interaction_log
        where deleted_at is null and occurred_at >= ${ts(clock.windowStartAt)}::timestamptz and occurred_at < ${end}::timestamptz and ${rangeSql(part, sql`customer_id`)}
        group by customer_id
      )
      select c.id::text as id, a.first_day, a.last_day, coalesce(a.freq, 0) as freq, coalesce(a.monetary, 0) as monetary,
             coalesce(a.lifetime, 0) as lifetime, coalesce(a.purchases, 0) as purchases, coalesce(a.svc_n, 0) as svc_n,
             a.svc_first, a.svc_last, coalesce(a.svc_sum, 0) as svc_sum, a.svc_first_amount, coalesce(a.svc_n_cal, 0) as svc_n_cal,
             a.svc_last_cal, coalesce(a.seasons, 0) as seasons, a.fee, a.holdout, coalesce(a.n, 0) as n,
             coalesce(i.n, 0) as interactions, (${tagsSql})::int as tag_bits, ${customSql} as custom_num
      from customer_directory c left join a on a.customer_id = c.id left join i on i.customer_id = c.id
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

export const PARTS: Part[] = [
  { lo: null, hi: '80000000-0000-0000-0000-000000000000' },
  { lo: '80000000-0000-0000-0000-000000000000', hi: null },
];
/** The id range of a part, on a column (the aggregates get it too: PostgreSQL does not carry a range across a join). */
const rangeSql = (part: Part, column = sql`c.id`) =>
  sql.join(
    [
      sql`true`,
      ...(part.lo ? [sql`${column} >= ${part.lo}::uuid`] : []),
      ...(part.hi ? [sql`${column} < ${part.hi}::uuid`] : []),
      ...(part.through ? [sql`${column} <= ${part.through}::uuid`] : []),
    ],
    sql` and `,
  );

/** Moves each part's rows together when a part returned fewer rows than counted. */
function compact(p: Population, starts: number[], got: number[]): void {
  const arrays = [p.firstDay, p.lastDay, p.freq, p.monetary, p.lifetime, p.purchases, p.svcN, p.svcFirst, p.svcLast, p.svcSum, p.svcFirstAmount, p.svcNCal, p.svcLastCal, p.seasons, p.fee, p.interactions, p.tagBits, p.customNum];
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

/** PostgreSQL: history rows per committed transaction (progress is reported between them). */
const HISTORY_COMMIT = 100_000;
/** PGlite: rows per COPY, each in its own short transaction. */
const SLICE_ROWS = 2_000;

const CURRENT_COLUMNS = [
  'customer_id', 'run_id', 'as_of', 'value_tier', 'value_score', 'rfm_group', 'r_score', 'f_score', 'm_score', 'recency_days',
  'frequency', 'monetary_fen', 'lifetime_purchases', 'lifetime_fen', 'tenure_days', 'clv_formula_fen', 'clv_fen', 'clv_service_fen', 'clv_contract_fen', 'p_alive',
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
    p.purchases[i]!,
    Math.round(p.lifetime[i]!),
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
 * Writes the run's results with COPY: the history rows first, then the "current" table rebuilt as a new table and
 * swapped in (readers keep seeing the previous run until the swap commits).
 *
 * PostgreSQL: history committed every 100,000 rows, the current table in one transaction, both at once on two
 * connections (two cores busy). PGlite (one connection on the server's thread): every step is a short transaction of
 * its own — 2,000 rows per COPY, the new table's indexes one by one, then the swap — with the event loop's turn
 * between them, so requests are answered while the run writes.
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
  if (!opts.parallel) {
    for (let from = 0; from < n; from += SLICE_ROWS) {
      const end = Math.min(n, from + SLICE_ROWS);
      await copyTransaction(db, (c) => c.copy('analytics_customer_history', HISTORY_COLUMNS, encodeRows(from, end, (i) => historyRow(p, res, i, run))));
      await opts.onProgress(end, n);
      await yieldToEventLoop();
    }
    let rebuild: Awaited<ReturnType<typeof startRebuild>> | undefined;
    await copyTransaction(db, async (c) => void (rebuild = await startRebuild(c, 'analytics_customer_current')));
    for (let from = 0; from < n; from += SLICE_ROWS) {
      const end = Math.min(n, from + SLICE_ROWS);
      await copyTransaction(db, (c) => c.copy(rebuild!.next, CURRENT_COLUMNS, encodeRows(from, end, (i) => currentRow(p, res, i, run, keys))));
      await yieldToEventLoop();
    }
    for (const statement of rebuild!.finishing) {
      await copyTransaction(db, (c) => c.execute(statement));
      await yieldToEventLoop();
    }
    await copyTransaction(db, async (c) => {
      for (const statement of rebuild!.swap) await c.execute(statement);
    });
    return;
  }
  // PostgreSQL streams each COPY while it is encoded (one statement per commit of history, one for the current table).
  const history = async () => {
    for (let from = 0; from < n; from += HISTORY_COMMIT) {
      const end = Math.min(n, from + HISTORY_COMMIT);
      await copyTransaction(db, (c) => c.copy('analytics_customer_history', HISTORY_COLUMNS, encodeRows(from, end, (i) => historyRow(p, res, i, run))));
      await opts.onProgress(end, n);
    }
  };
  const current = () =>
    copyTransaction(db, (c) =>
      rebuildTable(c, 'analytics_customer_current', async (next) => {
        await c.copy(next, CURRENT_COLUMNS, encodeRows(0, n, (i) => currentRow(p, res, i, run, keys)));
      }),
    );
  await Promise.all([history(), current()]);
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
    // 10,000 rows per statement, each its own short transaction (on PGlite a million-row delete would stop every
    // request); the run is marked pruned once its rows are gone, so an interrupted prune is finished next time.
    for (;;) {
      const gone = rowsOf<{ n: number }>(
        await db.execute(sql`with d as (delete from ${analyticsCustomerHistory} where ctid = any(array(
                               select ctid from ${analyticsCustomerHistory} where run_id = ${id} limit 10000)) returning 1)
                             select count(*)::int as n from d`),
      )[0]?.n ?? 0;
      if (gone === 0) break;
      await yieldToEventLoop();
    }
    await db.execute(sql`update analytics_runs set counts = coalesce(counts, '{}'::jsonb) || '{"historyPruned": true}'::jsonb where id = ${id}`);
  }
  return doomed;
}
