/**
 * 欠费 (heating-fee arrears): the rule, and the read model that keeps it (`heating_arrears`).
 *
 * **The rule.** A heating season `Y-(Y+1)` falls due at the end of 30 November of Y, company time (the payment deadline
 * the heating demo and the seeds' utilities use: fees are paid from mid-August until the heat is on). Transactions
 * carry the season they are for (`heating_season`), and by type they are:
 * - a **bill** (应收): a `purchase` carrying the season — what a utility that imports its billing charged;
 * - a **payment** (缴费): a `payment` carrying the season; a `refund` carrying the season takes it back.
 * For each household and each due season from its first season with any heating-fee transaction:
 * - paid = the season's payments − its refunds;
 * - due = its bills for the season when it has any; otherwise — the demo's case and a utility that records payments
 *   only, one a season — the fee of the household's latest *paid* earlier season (same area, same price), but only
 *   while it is still heating: not 报停 (tagged 已报停 or 报停, or at the lifecycle stage churned). Without bills a
 *   season is either paid (any payment) or owed in full: a part payment can only be judged against a bill;
 * - owed = due − paid, when above zero: the row of `heating_arrears`.
 * So a household that paid 2023-2024 and nothing since owes 2024-2025 and 2025-2026 at the 2023-2024 fee; one that
 * stopped heating owes only what its bills say; a household with nothing ever paid and no bill owes nothing (there is
 * no fee to go by). The demo's households pay every season until they stop, so its arrears are the current season's
 * late payers once 30 November has passed — the households it tags 欠费.
 *
 * **The read model.** Computing this over 200,000 households' ten seasons on every tree open is millions of rows
 * (14 s on PostgreSQL measured on a busy machine), so `heating_arrears` holds the owed rows, kept:
 * - by the transactions' written hook: the households whose heating-fee transactions an API write or an import batch
 *   created, deleted or restored, recomputed in that transaction (`refreshArrears`);
 * - by the merge hook: both customers of a merge (and of its undo);
 * - by a rebuild — a durable run over every customer by id, a slice a transaction — queued nightly (00:00–06:00),
 *   when a payment deadline passed since the last rebuild, when a demo load finished after it (the demo writes
 *   households in bulk, without the hook), once on a fresh installation, and on request (重新计算). Changes the hook
 *   cannot see (a 报停 tag, a stage) are in it by the next night.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, isUniqueViolation, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { DurableRuns, perCustomerSizer, runSlice, type RunHandle } from '../../platform/runs/index.js';
import { customerDirectory, type MergeHook } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { transactionLedger, type TransactionWrittenHook } from '../transactions/index.js';
import type { ArrearsRunView } from './heating.contract.js';
import { heatingArrears, heatingArrearsRuns } from './schema.js';

/** pg-boss queue of arrears rebuilds. */
export const ARREARS_QUEUE = 'heating.arrears';
/** The tags that mean a household stopped heating (报停): the heating template's and the demo's vocabulary. */
export const STOPPED_TAGS = ['已报停', '报停'] as const;
/** Rebuilds run at night (company time) before this hour. */
const NIGHT_ENDS_HOUR = 6;
const BIG = 1_000_000_000_000n;

type Checkpoint = { after: string | null; customers: number; rows: number };
export const arrearsRuns = new DurableRuns<Checkpoint>(heatingArrearsRuns, { staleSeconds: 60 });
type RunRow = typeof heatingArrearsRuns.$inferSelect;

export const seasonOf = (year: number) => `${year}-${year + 1}`;

/** The latest season whose payment deadline (end of 30 November, company time) has passed at `now`. */
export async function dueYearAt(db: DbOrTx, now: Date): Promise<number> {
  const { today } = await companyClock(db, now);
  const year = Number(today.slice(0, 4));
  return today.slice(5, 7) === '12' ? year : year - 1;
}

/**
 * Recomputes the owed rows of these customers (the rule above) in the caller's transaction: their rows are deleted and
 * written again. One statement reads their heating-fee transactions through the ledger's customer index. Returns the
 * rows written.
 */
export async function refreshArrears(db: DbOrTx, customerIds: readonly string[], dueYear: number, now: Date): Promise<number> {
  if (!customerIds.length) return 0;
  const ids = sql`${sql.param([...customerIds])}::uuid[]`;
  await db.execute(sql`delete from ${heatingArrears} where customer_id = any(${ids})`);
  const stopped = sql`${sql.param([...STOPPED_TAGS])}::text[]`;
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`
      with h as (
        select t.customer_id, left(t.heating_season, 4)::int as y,
               sum(t.amount_fen) filter (where t.type = 'purchase') as billed,
               coalesce(sum(case t.type when 'payment' then t.amount_fen when 'refund' then -t.amount_fen else 0 end), 0)::bigint as paid
        from ${transactionLedger} t
        where t.customer_id = any(${ids}) and t.deleted_at is null and t.heating_season ~ '^[0-9]{4}-[0-9]{4}$'
        group by 1, 2
      ), span as (
        select customer_id, min(y) as y0 from h group by 1
      ), grid as (
        select s.customer_id, g.y, h.billed, coalesce(h.paid, 0)::bigint as paid
        from span s
        cross join lateral generate_series(s.y0, ${dueYear}::int) as g(y)
        left join h on h.customer_id = s.customer_id and h.y = g.y
      ), x as (
        select grid.*,
               max(case when paid > 0 then y::bigint * ${BIG.toString()}::bigint + paid end)
                 over (partition by customer_id order by y rows between unbounded preceding and 1 preceding) as lp
        from grid
      ), owed as (
        select x.customer_id, x.y, x.paid,
               case when x.billed is not null then x.billed else x.lp % ${BIG.toString()}::bigint end as due,
               case when x.billed is not null then 'bill' else 'last_fee' end as basis
        from x
        join ${customerDirectory} c on c.id = x.customer_id and c.deleted_at is null
        where (x.billed is not null and x.billed > x.paid)
           or (x.billed is null and x.paid <= 0 and x.lp is not null and c.stage <> 'churned' and not (c.tags && ${stopped}))
      ), ins as (
        insert into ${heatingArrears} (customer_id, season_year, season, due_fen, paid_fen, owed_fen, basis, computed_at)
        select customer_id, y, y || '-' || (y + 1), due, paid, due - paid, basis, ${now.toISOString()}::timestamptz from owed
        returning 1
      )
      select count(*)::int as n from ins`),
  );
  return Number(rows[0]?.n ?? 0);
}

/** The customers whose heating-fee transactions these are (deleted ones too: a delete is what changed). */
async function customersOfTransactions(db: DbOrTx, ids: readonly string[]): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select distinct t.customer_id as id from ${transactionLedger} t
      where t.id = any(${sql.param([...ids])}::uuid[]) and t.heating_season is not null`),
  );
  return rows.map((r) => r.id);
}

/** The transactions' written hook: the touched households' arrears, recomputed in the writer's transaction. */
export function arrearsWrittenHook(now: () => Date): TransactionWrittenHook {
  return async (tx, _actor, event) => {
    const customers = await customersOfTransactions(tx, event.ids);
    if (!customers.length) return;
    const at = now();
    await refreshArrears(tx, customers, await dueYearAt(tx, at), at);
  };
}

/** Merging customers moves transactions: both customers' arrears again (nothing of ours moves, so no ids). */
export const arrearsMergeHook: MergeHook = {
  key: 'heating_arrears',
  async move(db, fromId, toId) {
    const now = new Date();
    await refreshArrears(db, [fromId, toId], await dueYearAt(db, now), now);
    return [];
  },
  async moveBack(db, _ids, fromId, toId) {
    const now = new Date();
    await refreshArrears(db, [fromId, toId], await dueYearAt(db, now), now);
  },
};

// ---- the rebuild ---------------------------------------------------------------------------------------------

export function runView(r: RunRow): ArrearsRunView {
  const cp = r.checkpoint;
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    dueSeason: seasonOf(r.dueYear),
    customers: cp?.customers ?? 0,
    rows: cp?.rows ?? 0,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
  };
}

/** The run queued or running now, and the latest one done. */
export async function arrearsRunState(db: DbOrTx): Promise<{ running: RunRow | null; lastDone: RunRow | null }> {
  const [running] = await db.select().from(heatingArrearsRuns).where(sql`${heatingArrearsRuns.status} in ('queued', 'running')`).limit(1);
  const [lastDone] = await db
    .select()
    .from(heatingArrearsRuns)
    .where(sql`${heatingArrearsRuns.status} = 'done'`)
    .orderBy(sql`${heatingArrearsRuns.finishedAt} desc`)
    .limit(1);
  return { running: running ?? null, lastDone: lastDone ?? null };
}

/**
 * Queues a rebuild unless one is queued or running (one at a time: a partial unique index). Returns the run's id and
 * whether this call queued it.
 */
export async function queueArrearsRebuild(db: DbOrTx, reason: string, now: Date, requestedBy: string | null): Promise<{ id: string; queued: boolean }> {
  const { today } = await companyClock(db, now);
  const dueYear = await dueYearAt(db, now);
  try {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        insert into ${heatingArrearsRuns} (reason, due_year, day, requested_by) values (${reason}, ${dueYear}, ${today}, ${requestedBy})
        on conflict do nothing returning id`),
    );
    if (rows[0]) return { id: rows[0].id, queued: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const { running } = await arrearsRunState(db);
  if (!running) throw new Error('an arrears rebuild was neither queued nor found');
  return { id: running.id, queued: false };
}

/**
 * Why the read model should be rebuilt now, or null: never built, a deadline passed since, a demo load finished after
 * the last rebuild began (`demoFinishedAt`: the composition root asks the demo module), or a night without a rebuild yet. Asked every ten minutes and at start by each server.
 */
export async function arrearsRebuildReason(db: DbOrTx, now: Date, demoFinishedAt: () => Promise<Date | null> = async () => null): Promise<string | null> {
  const { running, lastDone } = await arrearsRunState(db);
  if (running) return null;
  if (!lastDone) return 'start';
  if (lastDone.dueYear < (await dueYearAt(db, now))) return 'season';
  const demo = await demoFinishedAt();
  if (demo && lastDone.startedAt && demo.getTime() > lastDone.startedAt.getTime()) return 'demo';
  const { today, hour } = await companyClock(db, now);
  if (hour < NIGHT_ENDS_HOUR && lastDone.day < today) return 'nightly';
  return null;
}

export async function unfinishedArrearsRuns(db: DbOrTx): Promise<string[]> {
  return arrearsRuns.unfinished(db);
}

/** Executes a queued rebuild (failures are stored on the run); answers the run as it ended. */
export async function executeArrearsRebuild(db: Db, runId: string, opts: { signal?: AbortSignal; log?: (line: string) => void; now?: () => Date } = {}): Promise<ArrearsRunView> {
  try {
    await arrearsRuns.execute(db, runId, (run) => rebuild(db, run, opts.now ?? (() => new Date())), { signal: opts.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    opts.log?.(`heating arrears rebuild ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [row] = await db.select().from(heatingArrearsRuns).where(sql`${heatingArrearsRuns.id} = ${runId}`);
  if (!row) throw new Error(`no arrears rebuild ${runId}`);
  return runView(row);
}

async function rebuild(db: Db, run: RunHandle<Checkpoint>, now: () => Date): Promise<void> {
  const [row] = await db.select().from(heatingArrearsRuns).where(sql`${heatingArrearsRuns.id} = ${run.id}`);
  if (!row) throw new Error(`no arrears rebuild ${run.id}`);
  const sizer = perCustomerSizer(db);
  const at = now();
  let cp: Checkpoint = run.resumeFrom ?? { after: null, customers: 0, rows: 0 };
  for (let more = true; more; ) {
    const ok = await runSlice(
      db,
      run,
      sizer,
      async (tx, size) => {
        const ids = rowsOf<{ id: string }>(
          await tx.execute(sql`
            select c.id from ${customerDirectory} c ${cp.after ? sql`where c.id > ${cp.after}::uuid` : sql``}
            order by c.id limit ${size}`),
        ).map((r) => r.id);
        more = ids.length === size;
        const written = await refreshArrears(tx, ids, row.dueYear, at);
        const next: Checkpoint = { after: ids.at(-1) ?? cp.after, customers: cp.customers + ids.length, rows: cp.rows + written };
        return { next, progress: { phase: 'rebuild', done: next.customers, total: 0 } };
      },
      (next) => (cp = next),
    );
    if (!ok) return;
  }
  await db.transaction((tx) => run.finish(tx, { progress: { phase: 'done', done: cp.customers, total: cp.customers }, checkpoint: cp }));
}

/** 重新计算: a user asks for a rebuild now (one at a time: the one queued or running is answered). */
export async function requestArrearsRebuild(db: DbOrTx, actor: Actor | null, now: Date): Promise<{ id: string; queued: boolean }> {
  requireAccess(actor, 'customer:write');
  return queueArrearsRebuild(db, 'manual', now, actor.userId);
}

/** For tests and the CLI: queue a rebuild (or take the one queued) and run it here. */
export async function rebuildArrearsNow(db: Db, actor: Actor | null, now = new Date()): Promise<ArrearsRunView> {
  const { id } = await queueArrearsRebuild(db, 'manual', now, actor?.userId ?? null);
  return executeArrearsRebuild(db, id, { now: () => now });
}
