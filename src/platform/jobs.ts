/**
 * Background jobs through pg-boss 10, in the same database: PostgreSQL, or PGlite through a small adapter (pg-boss
 * only needs `executeSql`). pg-boss starts on the first use, so processes that never queue work (most tests, the
 * CLI) do not pay for it. Handlers are registered by modules at composition time.
 *
 * Losing the database: pg-boss has no pool of its own here (its queries go through `executeSql`, i.e. our pool,
 * whose clients all have error listeners). Its workers, maintenance and supervision catch their errors and emit
 * them on the boss, which is listened to below; they poll again and carry on once the database is back. A start
 * that failed is tried again on the next send. A handler that fails because the connection was lost is queued
 * again (after `resumeAfterSeconds`, when its own heartbeat is stale and the job takes itself over) instead of
 * being left half-done until the next process start.
 */
import { sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import { isConnectionLost, rowsOf, type Database, type DbOrTx } from './db/client.js';

/** `signal` aborts when the process is stopping: a handler checkpoints and returns; the work resumes on restart. */
export type JobHandler = (data: Record<string, unknown>, signal: AbortSignal) => Promise<void>;

export type HandlerOptions = {
  /** After a lost connection the job is queued again to start this much later (default 90 s). */
  resumeAfterSeconds?: number;
};

/** How often the re-queue of a job interrupted by a lost connection is tried while the database is still away. */
const REQUEUE_RETRY_MS = 2000;
/** Connection-lost errors of the queue are logged at most this often. */
const LOST_LOG_MS = 10_000;
/**
 * How often each queue's worker looks for jobs that no local send announced: jobs due later (a retry, a resume) and,
 * on PostgreSQL, jobs sent by another process. A job sent by this process for now wakes its worker at once (pg-boss
 * notifyWorker). On the embedded database this process is the only one, so only delayed jobs are found by polling.
 * Measured (session 18): a dozen queues polling twice a second kept an idle embedded server busy about a tenth of a
 * core (1.13 CPU-s per 10 s) and took the single PGlite connection from the requests; every 2 s with the wake, 0.37.
 */
const POLL_SECONDS = { pglite: 5, postgres: 2 } as const;

export class Jobs {
  private starting: Promise<PgBoss> | null = null;
  private readonly handlers = new Map<string, { handler: JobHandler; options: HandlerOptions }>();
  private abort = new AbortController();
  private lostLoggedAt = 0;
  private readonly requeues = new Set<Promise<void>>();

  /** `known`: the queues a handler may be registered for (the composition's list; see prepareJobQueues). */
  constructor(
    private readonly database: Database,
    private readonly known: readonly string[] | null = null,
  ) {}

  /**
   * Registers the handler of a queue. One registered after the queue started (a module wired after another module's
   * first send — the nightly jobs are sent at a server's start between 02:00 and 06:00) gets its worker at once:
   * without it, that queue's jobs waited forever.
   */
  handle(queue: string, handler: JobHandler, options: HandlerOptions = {}): void {
    if (this.known && !this.known.includes(queue)) throw new Error(`job queue ${queue} is not in the list of queues prepared ahead`);
    this.handlers.set(queue, { handler, options });
    const started = this.starting;
    if (started) void started.then((boss) => this.work(boss, queue, handler, options)).catch((err: Error) => this.onError(err));
  }

  /**
   * Queues with a worker on the started boss (one each, whoever asks first: the start or a late `handle`), by the
   * promise of their creation: a send waits for it, since pg-boss drops a job sent to a queue not yet created (on
   * PostgreSQL the late `handle`'s createQueue and the first send raced, and the job was lost).
   */
  private working = new Map<string, Promise<string>>();

  /** Resolves to the queue's worker id once the queue exists and its worker polls. */
  private work(boss: PgBoss, queue: string, handler: JobHandler, options: HandlerOptions): Promise<string> {
    let ready = this.working.get(queue);
    if (!ready) {
      ready = this.startWorker(boss, queue, handler, options);
      this.working.set(queue, ready);
      ready.catch(() => {
        if (this.working.get(queue) === ready) this.working.delete(queue);
      });
    }
    return ready;
  }

  private async startWorker(boss: PgBoss, queue: string, handler: JobHandler, options: HandlerOptions): Promise<string> {
    await boss.createQueue(queue);
    return boss.work(queue, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS[this.database.kind] }, async (jobs) => {
      for (const job of jobs) {
        const data = job.data as Record<string, unknown>;
        try {
          await handler(data, this.abort.signal);
        } catch (err) {
          if (!isConnectionLost(err) || this.abort.signal.aborted) throw err;
          this.requeue(boss, queue, data, options.resumeAfterSeconds ?? 90);
        }
      }
    });
  }

  private onError = (err: Error): void => {
    if (isConnectionLost(err)) {
      if (Date.now() - this.lostLoggedAt < LOST_LOG_MS) return;
      this.lostLoggedAt = Date.now();
      console.warn(`job queue: database unavailable (${err.message}); retrying`);
      return;
    }
    console.warn(`job queue: ${err.message}`);
  };

  private start(): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = newBoss(this.database, true);
      boss.on('error', this.onError);
      try {
        await boss.start();
        for (const [queue, { handler, options }] of this.handlers) await this.work(boss, queue, handler, options);
        return boss;
      } catch (err) {
        // Not started (the database was away, say): the next send starts afresh.
        await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
        this.starting = null;
        this.working = new Map();
        throw err;
      }
    })();
    return this.starting;
  }

  /** Queues the job again once the database takes the send, trying every couple of seconds until stopped. */
  private requeue(boss: PgBoss, queue: string, data: Record<string, unknown>, startAfter: number): void {
    console.warn(`job ${queue}: the database connection was lost; the job resumes in ${startAfter} s`);
    const signal = this.abort.signal;
    const attempt: Promise<void> = (async () => {
      while (!signal.aborted) {
        try {
          await boss.send(queue, data, { retryLimit: 0, expireInSeconds: 23 * 3600, startAfter });
          return;
        } catch (err) {
          if (!isConnectionLost(err)) {
            console.warn(`job ${queue}: could not be queued again: ${(err as Error).message}`);
            return;
          }
          await new Promise((r) => setTimeout(r, REQUEUE_RETRY_MS));
        }
      }
    })().finally(() => this.requeues.delete(attempt));
    this.requeues.add(attempt);
  }

  async send(queue: string, data: Record<string, unknown>, startAfterSeconds = 0): Promise<void> {
    const registered = this.handlers.get(queue);
    if (!registered) throw new Error(`no handler for job queue ${queue}`);
    const boss = await this.start();
    const worker = await this.work(boss, queue, registered.handler, registered.options);
    await boss.send(queue, data, { retryLimit: 0, expireInSeconds: 23 * 3600, ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}) });
    if (!startAfterSeconds) boss.notifyWorker(worker);
  }

  /** Stops taking work and waits for running handlers (they checkpoint as they go). */
  async stop(): Promise<void> {
    if (!this.starting) return;
    this.abort.abort();
    const boss = await this.starting.catch(() => null);
    await Promise.all(this.requeues);
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.starting = null;
    this.working = new Map();
    this.abort = new AbortController();
  }
}

function newBoss(database: Database, supervise: boolean): PgBoss {
  return new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => database.executeSql(text, values) },
    schema: 'pgboss',
    schedule: false,
    supervise,
  } as PgBoss.ConstructorOptions);
}

/** Installs pg-boss's tables (or checks them) and creates the queues, then lets go: no worker, no maintenance. */
export async function prepareJobQueues(database: Database, queues: readonly string[]): Promise<void> {
  const boss = newBoss(database, false);
  await boss.start();
  try {
    for (const queue of queues) await boss.createQueue(queue);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/**
 * The background queue at a glance (the admin's home board): jobs waiting, running, and failed in the last 24 hours
 * (pg-boss's job table and its archive). All 0 before the queue's first start made its schema.
 */
export async function jobStats(db: DbOrTx, now: Date): Promise<{ queued: number; active: number; failed24h: number }> {
  const [exists] = rowsOf<{ ok: boolean }>(await db.execute(sql`select to_regclass('pgboss.job') is not null as ok`));
  if (!exists?.ok) return { queued: 0, active: 0, failed24h: 0 };
  const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const [row] = rowsOf<{ queued: number; active: number; failed: number }>(
    await db.execute(sql`
      select count(*) filter (where state in ('created', 'retry'))::int as queued,
             count(*) filter (where state = 'active')::int as active,
             (count(*) filter (where state = 'failed' and completed_on >= ${since}::timestamptz)
               + (select count(*) from pgboss.archive a where a.state = 'failed' and a.completed_on >= ${since}::timestamptz))::int as failed
      from pgboss.job`),
  );
  return { queued: row?.queued ?? 0, active: row?.active ?? 0, failed24h: row?.failed ?? 0 };
}
