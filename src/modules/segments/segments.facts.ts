/**
 * The facts read model of segment counts (`customer_facts`, schema.ts): one narrow row per live customer, so that the
 * builder's count of a rule reads one table of ~250 bytes a row instead of aggregating a year of transactions per
 * customer and scanning the customers heap (1 GB at a million households).
 *
 * Sources, each through what its owner exports: the customer columns from `customer_directory` (customers), the
 * transaction facts from `transaction_ledger` (transactions: counts and sums per type in the FACTS_DAYS window —
 * from the start of the company day 365 days before the facts' as-of day, the live SQL's window too — and the latest
 * transaction of each type ever), the latest analytics results from `analyticsFacts.results` (analytics).
 *
 * Current, exactly:
 * - writes: statement-level triggers that customers and transactions keep on their own tables (migration 0036) append
 *   the customers they touched to the platform queue `customer_changes`; before counting on the facts, `useFacts`
 *   drains it (recomputes those customers' rows), in chunks under one advisory lock that every writer of the facts
 *   takes, so two drains or a drain and a rebuild never interleave their reads and writes;
 * - a new company day (the window moves), another time zone, a new analytics run (its results are a new table, swapped
 *   in) or a queue too long to drain during a request (a bulk load) make the facts stale: the count then uses the live
 *   SQL (same members, slower) and a rebuild is requested — a pg-boss job (`FACTS_QUEUE`, `rebuildFacts`) that
 *   truncates the table and fills it in short id-range transactions, claimed by one process (owner and heartbeat on
 *   the state row) and resumable from its last id. The server's 10-minute check requests it too: the facts are
 *   rebuilt after every company midnight.
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { customerChanges } from '../../platform/db/changes.schema.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { analyticsFacts } from '../analytics/index.js';
import { customerDirectory } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { transactionLedger } from '../transactions/index.js';
import { ANALYTICS_FACT_COLUMNS } from './fields.behaviour.js';
import { dayStart, FACTS_DAYS, instant, uuidArray } from './fields.sql.js';
import { customerFacts, customerFactsState } from './schema.js';

/** pg-boss queue of facts rebuilds. */
export const FACTS_QUEUE = 'segments.facts';
/** A rebuild whose heartbeat is older than this was left by a stopped process (a running one beats every batch). */
const STALE_BUILD_SECONDS = 60;
/** Customers recomputed per drain transaction. */
const DRAIN_CHUNK = 2000;
/** A queue longer than this is not drained during a request: the facts go stale and are rebuilt by the job. */
const DRAIN_MAX = 20_000;
/** Customers per rebuild transaction on PostgreSQL (about half a second); PGlite sizes its slices by time. */
const BUILD_BATCH = 25_000;

type State = {
  ready: boolean;
  as_of_day: string | null;
  zone: string | null;
  analytics_run_id: string | null;
  build_owner: string | null;
  build_key: string | null;
  build_after: string | null;
};

/** Every writer of the facts holds this for its transaction (drains, rebuild batches). */
const lock = (tx: DbOrTx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('hearth.customer_facts'))`);

async function readState(db: DbOrTx): Promise<State> {
  const [row] = rowsOf<State>(
    await db.execute(sql`select ready, as_of_day::text as as_of_day, zone, analytics_run_id, build_owner, build_key, build_after from ${customerFactsState} where id = 1`),
  );
  return row ?? { ready: false, as_of_day: null, zone: null, analytics_run_id: null, build_owner: null, build_key: null, build_after: null };
}

const METRICS = Object.keys(ANALYTICS_FACT_COLUMNS) as (keyof typeof ANALYTICS_FACT_COLUMNS)[];
const CUSTOMER_COLUMNS = 'id, owner_id, team_id, created_at, birthday, consent_phone, consent_sms, consent_email, consent_wechat, has_phone, stage, city, district, compound, building, tags';
const TX_COLUMNS = 'purchase_count, payment_count, refund_count, purchase_fen, payment_fen, refund_fen, last_purchase_at, last_payment_at, last_refund_at';

/**
 * Writes the facts rows of the live customers whose id passes `only` (given an id column), with the transaction window
 * starting at `from` and the analytics results when there are any. The caller has removed their old rows.
 */
function insertFacts(only: (id: SQL) => SQL, from: Date, analytics: boolean): SQL {
  const since = instant(from);
  const win = (type: string) => sql`t.type = ${type} and t.occurred_at >= ${since}`;
  const results = analytics ? sql`left join (${analyticsFacts.results(METRICS, only)}) a on a.customer_id = c.id` : sql``;
  const metric = (m: string) => (analytics ? sql.raw(`a."${m}"`) : sql`null`);
  const perType = (['purchase', 'payment', 'refund'] as const).map((type) => ({
    count: sql`nullif(count(*) filter (where ${win(type)}), 0)`,
    fen: sql`sum(t.amount_fen) filter (where ${win(type)})`,
    last: sql`max(t.occurred_at) filter (where t.type = ${type})`,
  }));
  return sql`
    insert into ${customerFacts} (${sql.raw(CUSTOMER_COLUMNS)}, ${sql.raw(METRICS.map((m) => ANALYTICS_FACT_COLUMNS[m]).join(', '))}, ${sql.raw(TX_COLUMNS)})
    select c.id, c.owner_id, c.team_id, c.created_at, c.birthday,
           coalesce((c.consent ->> 'phone')::boolean, false), coalesce((c.consent ->> 'sms')::boolean, false),
           coalesce((c.consent ->> 'email')::boolean, false), coalesce((c.consent ->> 'wechat')::boolean, false),
           cardinality(c.phones) > 0, c.stage, c.city, c.district, c.compound, c.building, c.tags,
           ${sql.join(METRICS.map(metric), sql`, `)},
           t.purchase_count, t.payment_count, t.refund_count, t.purchase_fen, t.payment_fen, t.refund_fen,
           t.last_purchase_at, t.last_payment_at, t.last_refund_at
    from ${customerDirectory} c
    ${results}
    left join (
      select t.customer_id,
             ${perType[0]!.count} as purchase_count, ${perType[1]!.count} as payment_count, ${perType[2]!.count} as refund_count,
             ${perType[0]!.fen} as purchase_fen, ${perType[1]!.fen} as payment_fen, ${perType[2]!.fen} as refund_fen,
             ${perType[0]!.last} as last_purchase_at, ${perType[1]!.last} as last_payment_at, ${perType[2]!.last} as last_refund_at
      from ${transactionLedger} t
      where t.deleted_at is null and ${only(sql`t.customer_id`)}
      group by t.customer_id
    ) t on t.customer_id = c.id
    where c.deleted_at is null and ${only(sql`c.id`)}`;
}

const idRange = (after: string | null, upTo: string | null) => (col: SQL) =>
  sql`${after ? sql`${col} > ${after}::uuid` : sql`true`} and ${upTo ? sql`${col} <= ${upTo}::uuid` : sql`true`}`;

/** The facts' window start for a state's day and zone. */
const windowOf = (day: string, zone: string) => dayStart(day, zone, -FACTS_DAYS);

// ---- freshness and the drain ----------------------------------------------------------------------------------------

/** Asks for a rebuild (the server's job queue); unset in processes that run no jobs (tests, the CLI, the benchmark). */
let requester: (() => Promise<void>) | null = null;
export function setFactsRebuildRequester(fn: (() => Promise<void>) | null): void {
  requester = fn;
}

/** Requests a rebuild unless one is running or was requested in the last minute. */
export async function requestFactsRebuild(db: DbOrTx): Promise<boolean> {
  if (!requester) return false;
  const claimed = rowsOf<{ id: number }>(
    await db.execute(sql`
      update ${customerFactsState} set requested_at = now()
      where id = 1 and (requested_at is null or requested_at < now() - interval '1 minute')
        and (build_owner is null or build_beat < now() - make_interval(secs => ${STALE_BUILD_SECONDS}))
      returning id`),
  );
  if (!claimed.length) return false;
  await requester();
  return true;
}

export type FactsUse = { ok: true } | { ok: false; reason: 'not built' | 'other day' | 'other zone' | 'other analytics run' | 'too many changes' };

/** Whether the facts are complete and of today, this zone and the latest analytics run (nothing is changed). */
export async function factsFreshness(db: DbOrTx, now: Date): Promise<FactsUse> {
  const [state, clock, run] = await Promise.all([readState(db), companyClock(db, now), analyticsFacts.currentRunId(db)]);
  if (!state.ready) return { ok: false, reason: 'not built' };
  if (state.as_of_day !== clock.today) return { ok: false, reason: 'other day' };
  if (state.zone !== clock.zone) return { ok: false, reason: 'other zone' };
  if (state.analytics_run_id !== run) return { ok: false, reason: 'other analytics run' };
  return { ok: true };
}

/**
 * Makes the facts answer for `now` if they can: fresh, and every change queued so far recomputed. When they cannot,
 * a rebuild is requested and the caller counts with the live SQL.
 */
export async function useFacts(db: Db, now: Date): Promise<FactsUse> {
  const fresh = await factsFreshness(db, now);
  if (!fresh.ok) {
    await requestFactsRebuild(db);
    return fresh;
  }
  const drained = await drainChanges(db);
  if (!drained) {
    await db.execute(sql`update ${customerFactsState} set ready = false where id = 1`);
    await requestFactsRebuild(db);
    return { ok: false, reason: 'too many changes' };
  }
  return { ok: true };
}

/**
 * Recomputes the facts of the customers queued in `customer_changes`, DRAIN_CHUNK per transaction, until the queue is
 * empty (true) — or answers false at once when more than DRAIN_MAX are waiting (a bulk load: the rebuild's job).
 */
export async function drainChanges(db: Db): Promise<boolean> {
  const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from (select 1 from ${customerChanges} limit ${DRAIN_MAX + 1}) q`)) as [{ n: number }];
  if (n === 0) return true;
  if (n > DRAIN_MAX) return false;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      const state = await readState(tx);
      if (!state.ready || !state.as_of_day || !state.zone) return -1; // a rebuild started meanwhile: it takes the queue
      const ids = rowsOf<{ customer_id: string }>(
        await tx.execute(sql`delete from ${customerChanges} where seq in (select seq from ${customerChanges} order by seq limit ${DRAIN_CHUNK}) returning customer_id`),
      ).map((r) => r.customer_id);
      if (!ids.length) return 0;
      const only = (col: SQL) => sql`${col} = any(${uuidArray([...new Set(ids)])})`;
      await tx.execute(sql`delete from ${customerFacts} where ${only(sql`id`)}`);
      await tx.execute(insertFacts(only, windowOf(state.as_of_day, state.zone), await analyticsFacts.exist(tx)));
      return ids.length;
    });
    if (done < 0) return false;
    if (done < DRAIN_CHUNK) return true;
    await yieldToEventLoop();
  }
}

// ---- the rebuild ----------------------------------------------------------------------------------------------------

export type RebuildOptions = {
  /** The clock (tests): the facts are built for its company day. */
  now?: Date;
  signal?: AbortSignal;
  /** Customers per transaction (default: BUILD_BATCH on PostgreSQL, sized by time on PGlite). */
  batch?: number;
  /** Called after each committed batch. */
  onBatch?: (customersDone: string | null) => void | Promise<void>;
};

/** The id ending the next batch of `size` customers after `after` (null: the rest fits). */
async function batchEnd(db: DbOrTx, after: string | null, size: number): Promise<string | null> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from ${customerDirectory} c ${after ? sql`where c.id > ${after}::uuid` : sql``} order by c.id offset ${size - 1} limit 1`),
  );
  return rows[0]?.id ?? null;
}

/**
 * Rebuilds the facts for `now`'s company day and the latest analytics run (the job; also the CLI, the benchmark and
 * tests). One process at a time: 'busy' when another holds a live claim. A stop (signal) leaves the claim's checkpoint
 * for the next rebuild of the same day, zone and run to continue from. Each batch is its own short transaction.
 */
export async function rebuildFacts(db: Db, opts: RebuildOptions = {}): Promise<'built' | 'busy' | 'stopped'> {
  const owner = randomUUID();
  const claimed = rowsOf<{ id: number }>(
    await db.execute(sql`
      update ${customerFactsState} set build_owner = ${owner}, build_beat = now()
      where id = 1 and (build_owner is null or build_beat < now() - make_interval(secs => ${STALE_BUILD_SECONDS}))
      returning id`),
  );
  if (!claimed.length) return 'busy';
  const release = () => db.execute(sql`update ${customerFactsState} set build_owner = null, build_beat = null where id = 1 and build_owner = ${owner}`);
  try {
    const now = opts.now ?? new Date();
    const [clock, run, analytics] = await Promise.all([companyClock(db, now), analyticsFacts.currentRunId(db), analyticsFacts.exist(db)]);
    const key = `${clock.today}|${clock.zone}|${run ?? ''}`;
    const from = windowOf(clock.today, clock.zone);
    const state = await readState(db);
    let after: string | null = null;
    if (state.build_key === key) after = state.build_after;
    else {
      // A fresh start: the rows and every change queued so far go (the batches read the sources after this commits).
      await db.transaction(async (tx) => {
        await lock(tx);
        await tx.execute(sql`truncate ${customerFacts}`);
        await tx.execute(sql`delete from ${customerChanges}`);
        await tx.execute(sql`update ${customerFactsState} set ready = false, build_key = ${key}, build_after = null where id = 1 and build_owner = ${owner}`);
      });
    }
    const embedded = isEmbedded(db);
    const sizer = opts.batch ? SliceSizer.fixed(opts.batch) : embedded ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 1000, min: 100, max: BUILD_BATCH }) : SliceSizer.fixed(BUILD_BATCH);
    for (;;) {
      if (opts.signal?.aborted) {
        await release();
        return 'stopped';
      }
      const size = sizer.size;
      const elapsed = sliceTimer();
      const upTo = await db.transaction(async (tx) => {
        await lock(tx);
        const end = await batchEnd(tx, after, size);
        await tx.execute(insertFacts(idRange(after, end), from, analytics));
        const kept = rowsOf<{ id: number }>(
          await tx.execute(sql`update ${customerFactsState} set build_after = ${end}, build_beat = now() where id = 1 and build_owner = ${owner} returning id`),
        );
        if (!kept.length) throw new Error('the facts rebuild was taken over by another process');
        return end;
      });
      if (embedded) sizer.record(size, elapsed());
      after = upTo;
      await opts.onBatch?.(upTo);
      await yieldToEventLoop();
      if (upTo === null) break;
    }
    await db.transaction(async (tx) => {
      await lock(tx);
      await tx.execute(sql`
        update ${customerFactsState} set ready = true, as_of_day = ${clock.today}::date, zone = ${clock.zone}, analytics_run_id = ${run},
               built_at = now(), build_owner = null, build_beat = null, build_key = null, build_after = null
        where id = 1 and build_owner = ${owner}`);
    });
    // Statistics for the planner (and, on PostgreSQL, the hint bits and visibility map a first count would set).
    await db.execute(embedded ? sql`analyze ${customerFacts}` : sql`vacuum analyze ${customerFacts}`);
    return 'built';
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
}

/** The job: rebuild unless the facts are fresh (a request may be queued twice) or another process is at it. */
export async function executeFactsRebuild(db: Db, opts: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<void> {
  const fresh = await factsFreshness(db, new Date());
  if (fresh.ok) return;
  const t0 = performance.now();
  const outcome = await rebuildFacts(db, { signal: opts.signal });
  if (outcome === 'built') opts.log?.(`segment facts rebuilt (${fresh.reason}) in ${Math.round(performance.now() - t0)} ms`);
}

/**
 * The server's periodic check (every 10 minutes, and at start): stale facts get a rebuild requested (after every
 * company midnight, after every analytics run); fresh ones have the queued changes recomputed, so a count finds little
 * to drain.
 */
export async function checkFacts(db: Db): Promise<void> {
  await useFacts(db, new Date());
}
