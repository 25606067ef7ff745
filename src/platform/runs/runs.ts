/**
 * Durable runs: long work (an import, an analytics run, the demo load) that survives the process running it. One
 * row per run in the module's own table, with the columns of `runColumns()`; `DurableRuns` drives them.
 *
 * - **Claim**: a run is taken when it is queued, or running while its owner is gone: its heartbeat is older than the
 *   stale limit (the owner died or lost the database), or nobody holds it (released at a stop). On the embedded
 *   database this process is the only one that can open the data, so a run held by any other owner was left by a
 *   process that ended: it is taken at once. One `UPDATE … WHERE` decides: of two claimers exactly one wins (the
 *   second re-reads the row after the first commits and no longer matches).
 * - **Heartbeat**: a timer beats every `heartbeatMs` while the work computes (the work must give the event loop turns:
 *   `yieldToEventLoop`, `forEachSliced`). It also notices a cancel request and a lost ownership (`run.signal`).
 * - **Checkpoint**: `run.save(tx, checkpoint, progress)` inside the transaction of the work it describes, so a resume
 *   starts exactly after the last committed piece. The update is fenced by the owner: a run taken over by another
 *   process fails its next save (`RunLostError`) and the transaction of its work rolls back with it.
 * - **Cancel**: `requestCancel` ends a run nobody is running at once; a running one sees the request at its next
 *   save, which commits the work and the status `cancelled` together.
 * - **Finish / fail**: `run.finish(tx)` (in the transaction of the last writes), a failure stores its message. A lost
 *   database connection (`isConnectionLost`) leaves the run running: its heartbeat goes stale and it is taken over
 *   (the job runner queues the job again). A stop (`signal`) releases the run: claimable at once by any process.
 * - **Unfinished**: the ids of queued or running runs, for the server to queue again when it starts.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { isConnectionLost, rowsOf, type Db, type DbOrTx } from '../db/client.js';
import { isEmbedded } from '../db/slice.js';
import type { RunProgress, RunStatus } from './columns.js';

/** This process, as the owner of the runs it claims (host, pid and a random part: a pid can be reused after a restart). */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** A table that spreads `runColumns()` and has a uuid `id`. */
export type RunTable = PgTable & {
  id: PgColumn;
  status: PgColumn;
  owner: PgColumn;
  progress: PgColumn;
  checkpoint: PgColumn;
  cancelRequested: PgColumn;
  heartbeatAt: PgColumn;
};

export type DurableRunsOptions = {
  /** A running run whose heartbeat is older than this is taken over (default 60 s). */
  staleSeconds?: number;
  /** How often the owner beats (default 10 s). */
  heartbeatMs?: number;
  /** Progress reports are written at most this often unless forced (default 1 s). */
  progressMs?: number;
};

/** The run's columns as the primitive reads them. */
export type RunState<C> = {
  id: string;
  status: RunStatus;
  owner: string | null;
  progress: RunProgress;
  checkpoint: C | null;
  cancelRequested: boolean;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  finishedAt: Date | null;
};

/** The run is no longer this process's: taken over after its heartbeat went stale, cancelled, or ended. */
export class RunLostError extends Error {
  override name = 'RunLostError';
  constructor(readonly runId: string) {
    super(`run ${runId} is no longer held by this process`);
  }
}

/**
 * How `execute` ended: `busy` — not claimed (someone else runs it, or it is finished); `released` — the work stopped
 * early (a process stop) and the run waits to be resumed; `lost` — another process took it over meanwhile.
 */
export type RunOutcome = 'busy' | 'done' | 'cancelled' | 'released' | 'lost';

const RETURNING = sql.raw(
  'id, status, owner, progress, checkpoint, cancel_requested as "cancelRequested", error, created_at as "createdAt", started_at as "startedAt", heartbeat_at as "heartbeatAt", finished_at as "finishedAt"',
);

type RawState = Omit<RunState<unknown>, 'createdAt' | 'startedAt' | 'heartbeatAt' | 'finishedAt'> & Record<'createdAt' | 'startedAt' | 'heartbeatAt' | 'finishedAt', Date | string | null>;

function stateOf<C>(r: RawState): RunState<C> {
  const date = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
  return {
    ...r,
    checkpoint: (r.checkpoint ?? null) as C | null,
    createdAt: date(r.createdAt)!,
    startedAt: date(r.startedAt),
    heartbeatAt: date(r.heartbeatAt),
    finishedAt: date(r.finishedAt),
  };
}

const json = (v: unknown): SQL => sql`${JSON.stringify(v)}::jsonb`;

export class DurableRuns<C = unknown> {
  readonly staleSeconds: number;
  readonly heartbeatMs: number;
  readonly progressMs: number;

  constructor(
    readonly table: RunTable,
    options: DurableRunsOptions = {},
  ) {
    this.staleSeconds = options.staleSeconds ?? 60;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.progressMs = options.progressMs ?? 1000;
  }

  /**
   * True (as SQL) when a running run's owner is gone, seen from `owner`: its heartbeat is stale or missing, or — on the
   * embedded database, which only this process can open — another owner held it. A running run with no owner recorded
   * and a live heartbeat (a row written before its table had owners) is judged by its heartbeat alone.
   */
  private ownerGone(db: DbOrTx, owner: string): SQL {
    const stale = sql`(heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${this.staleSeconds}))`;
    return isEmbedded(db) ? sql`(${stale} or (owner is not null and owner <> ${owner}))` : stale;
  }

  /**
   * Takes the run if it is queued or its owner is gone. A run whose cancel was requested before its owner died is
   * ended `cancelled` instead. Returns its state, or null when it was not taken.
   */
  async claim(db: Db, id: string, opts: { owner?: string } = {}): Promise<RunState<C> | null> {
    const owner = opts.owner ?? PROCESS_OWNER;
    const rows = rowsOf<RawState>(
      await db.execute(sql`
        update ${this.table} set
          status = case when cancel_requested then 'cancelled' else 'running' end,
          owner = case when cancel_requested then null else ${owner} end,
          finished_at = case when cancel_requested then now() else null end,
          started_at = coalesce(started_at, now()), heartbeat_at = now(), error = null
        where id = ${id} and (status = 'queued' or (status = 'running' and ${this.ownerGone(db, owner)}))
        returning ${RETURNING}`),
    );
    const row = rows[0];
    return row && row.status === 'running' ? stateOf<C>(row) : null;
  }

  /**
   * Claims the run and does `work` with the heartbeat beating. The work saves checkpoints with `run.save` and ends
   * with `run.finish`; returning without finishing (a stop) releases the run for a resume. A failure is stored on the
   * run and thrown again; a lost connection is thrown with the run left running for takeover.
   */
  async execute(db: Db, id: string, work: (run: RunHandle<C>) => Promise<void>, opts: { signal?: AbortSignal; owner?: string } = {}): Promise<RunOutcome> {
    const state = await this.claim(db, id, opts);
    if (!state) return 'busy';
    const run = new RunHandle<C>(this, db, state, opts.owner ?? PROCESS_OWNER, opts.signal);
    try {
      await work(run);
      if (run.ended) return run.ended;
      if (run.lost) return 'lost';
      if (run.cancelSeen) {
        await run.endCancelled(db);
        return 'cancelled';
      }
      await run.release();
      return 'released';
    } catch (err) {
      if (err instanceof RunLostError && err.runId === id) return run.ended ?? 'lost';
      if (isConnectionLost(err)) throw err; // left running: the heartbeat goes stale and the run is taken over
      await run.fail(db, err).catch((e: unknown) => {
        if (!isConnectionLost(e)) throw e;
      });
      throw err;
    } finally {
      run.stopHeartbeat();
    }
  }

  /** The run's state (null when there is no such run). */
  async state(db: DbOrTx, id: string): Promise<RunState<C> | null> {
    const row = rowsOf<RawState>(await db.execute(sql`select ${RETURNING} from ${this.table} where id = ${id}`))[0];
    return row ? stateOf<C>(row) : null;
  }

  /**
   * A user asks the run to stop. A queued run, or a running one whose owner is gone, is cancelled at once; a running
   * one stops at its next checkpoint. Returns the status after the request (null: no such run, or already ended).
   */
  async requestCancel(db: DbOrTx, id: string): Promise<RunStatus | null> {
    const now = sql`(status = 'queued' or ${this.ownerGone(db, PROCESS_OWNER)})`;
    const rows = rowsOf<{ status: RunStatus }>(
      await db.execute(sql`
        update ${this.table} set cancel_requested = true,
          status = case when ${now} then 'cancelled' else status end,
          owner = case when ${now} then null else owner end,
          finished_at = case when ${now} then now() else finished_at end
        where id = ${id} and status in ('queued', 'running')
        returning status`),
    );
    return rows[0]?.status ?? null;
  }

  /** A failed or cancelled run queued again, to resume from its checkpoint. False when it was not failed or cancelled. */
  async requeue(db: DbOrTx, id: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        update ${this.table} set status = 'queued', owner = null, error = null, finished_at = null, cancel_requested = false
        where id = ${id} and status in ('failed', 'cancelled') returning id`),
    );
    return rows.length > 0;
  }

  /** Runs queued or running (a crash, a stop, a lost database left them): to be queued again when the server starts. */
  async unfinished(db: DbOrTx): Promise<string[]> {
    return rowsOf<{ id: string }>(await db.execute(sql`select id from ${this.table} where status in ('queued', 'running') order by created_at, id`)).map((r) => r.id);
  }

  /** Queued or running runs without a heartbeat for the stale limit are failed with `error` (before a new run may start). */
  async failStale(db: DbOrTx, error = 'interrupted'): Promise<string[]> {
    return rowsOf<{ id: string }>(
      await db.execute(sql`
        update ${this.table} set status = 'failed', owner = null, error = ${error}, finished_at = now()
        where status in ('queued', 'running') and coalesce(heartbeat_at, created_at) < now() - make_interval(secs => ${this.staleSeconds})
        returning id`),
    ).map((r) => r.id);
  }

  /** For views: a queued or running run that nobody has beaten for the stale limit (its process stopped). */
  isInterrupted(row: { status: string; heartbeatAt: Date | string | null; createdAt: Date | string }, now = Date.now()): boolean {
    if (row.status !== 'queued' && row.status !== 'running') return false;
    return now - new Date(row.heartbeatAt ?? row.createdAt).getTime() > this.staleSeconds * 1000;
  }
}

/** A claimed run, held by this process until it finishes, fails, is released or is taken over. */
export class RunHandle<C> {
  readonly id: string;
  /** The checkpoint the run resumes from (null: from the start). */
  readonly resumeFrom: C | null;
  /** Aborted when the process stops (the signal given to `execute`), a cancel is requested, or the run was taken over. */
  readonly signal: AbortSignal;
  /** How the run ended, once it did. */
  ended: 'done' | 'cancelled' | null = null;
  cancelSeen = false;
  lost = false;
  private readonly inner = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private lastProgress = 0;

  constructor(
    private readonly runs: DurableRuns<C>,
    private readonly db: Db,
    state: RunState<C>,
    readonly owner: string,
    stop?: AbortSignal,
  ) {
    this.id = state.id;
    this.resumeFrom = state.checkpoint;
    this.cancelSeen = state.cancelRequested;
    this.signal = stop ? AbortSignal.any([stop, this.inner.signal]) : this.inner.signal;
    this.timer = setInterval(() => void this.beat(), runs.heartbeatMs);
    this.timer.unref();
  }

  private get table(): RunTable {
    return this.runs.table;
  }

  private fence(): SQL {
    return sql`id = ${this.id} and status = 'running' and owner = ${this.owner}`;
  }

  /** One heartbeat (what the timer does): also learns of a cancel request, or that the run was taken over. */
  async beat(): Promise<void> {
    if (this.ended || this.lost) return;
    try {
      const rows = rowsOf<{ cancel: boolean }>(
        await this.db.execute(sql`update ${this.table} set heartbeat_at = now() where ${this.fence()} returning cancel_requested as cancel`),
      );
      if (this.ended) return;
      if (!rows.length) {
        this.lost = true;
        this.inner.abort(new RunLostError(this.id));
      } else if (rows[0]!.cancel && !this.cancelSeen) {
        this.cancelSeen = true;
        this.inner.abort(new Error('cancel requested'));
      }
    } catch {
      // The database is away: the next beat tries again (a run that cannot beat for the stale limit is taken over).
    }
  }

  /**
   * The checkpoint, in the transaction of the work it describes (make it that transaction's last statement). Returns
   * false when a cancel was requested: the work and the status `cancelled` commit together, and the run must stop.
   * Throws `RunLostError` (rolling the work back) when the run is no longer this process's.
   */
  async save(tx: DbOrTx, checkpoint: C, progress?: RunProgress): Promise<boolean> {
    const rows = rowsOf<{ status: RunStatus }>(
      await tx.execute(sql`
        update ${this.table} set checkpoint = ${json(checkpoint)}, heartbeat_at = now(),
          progress = ${progress ? json(progress) : sql`progress`},
          status = case when cancel_requested then 'cancelled' else status end,
          owner = case when cancel_requested then null else owner end,
          finished_at = case when cancel_requested then now() else finished_at end
        where ${this.fence()}
        returning status`),
    );
    if (!rows.length) {
      this.lost = true;
      throw new RunLostError(this.id);
    }
    if (rows[0]!.status === 'cancelled') {
      this.ended = 'cancelled';
      this.cancelSeen = true;
      return false;
    }
    return true;
  }

  /**
   * Progress (with a heartbeat), at most every `progressMs` unless forced. `via`: a transaction the work holds (the
   * embedded database has one connection: the outer handle would wait for the transaction to end).
   */
  async report(progress: RunProgress, opts: { force?: boolean; via?: DbOrTx } = {}): Promise<void> {
    const now = performance.now();
    if (!opts.force && now - this.lastProgress < this.runs.progressMs) return;
    this.lastProgress = now;
    await (opts.via ?? this.db).execute(sql`update ${this.table} set progress = ${json(progress)}, heartbeat_at = now() where ${this.fence()}`);
  }

  /** Done, in the transaction of the run's last writes (with its final progress and checkpoint, when given). */
  async finish(tx: DbOrTx, final: { progress?: RunProgress; checkpoint?: C } = {}): Promise<void> {
    const rows = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update ${this.table} set status = 'done', owner = null, finished_at = now(), heartbeat_at = now(), error = null,
          progress = ${final.progress ? json(final.progress) : sql`progress`},
          checkpoint = ${final.checkpoint !== undefined ? json(final.checkpoint) : sql`checkpoint`}
        where ${this.fence()}
        returning id`),
    );
    if (!rows.length) {
      this.lost = true;
      throw new RunLostError(this.id);
    }
    this.ended = 'done';
  }

  /** Ends the run `cancelled` (a run without checkpoints of its own that saw `signal` abort for a cancel). */
  async endCancelled(via: DbOrTx): Promise<void> {
    await via.execute(sql`update ${this.table} set status = 'cancelled', owner = null, finished_at = now() where ${this.fence()}`);
    this.ended = 'cancelled';
  }

  /** Stores the failure (its message) on the run. */
  async fail(via: DbOrTx, err: unknown): Promise<void> {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    await via.execute(sql`update ${this.table} set status = 'failed', owner = null, error = ${message}, finished_at = now() where ${this.fence()}`);
  }

  /** Lets go of the run unfinished (the process stops): any process may claim it at once and resume. */
  async release(): Promise<void> {
    await this.db.execute(sql`update ${this.table} set owner = null, heartbeat_at = null where ${this.fence()}`);
  }

  stopHeartbeat(): void {
    clearInterval(this.timer);
  }
}
