/**
 * Background jobs through pg-boss 10, in the same database: PostgreSQL, or PGlite through a small adapter (pg-boss
 * only needs `executeSql`). pg-boss starts on the first use, so processes that never queue work (most tests, the
 * CLI) do not pay for it. Handlers are registered by modules at composition time.
 */
import PgBoss from 'pg-boss';
import type { Database } from './db/client.js';

/** `signal` aborts when the process is stopping: a handler checkpoints and returns; the work resumes on restart. */
export type JobHandler = (data: Record<string, unknown>, signal: AbortSignal) => Promise<void>;

export class Jobs {
  private starting: Promise<PgBoss> | null = null;
  private readonly handlers = new Map<string, JobHandler>();
  private abort = new AbortController();

  constructor(private readonly database: Database) {}

  /** Registers the handler of a queue (before the first send). */
  handle(queue: string, handler: JobHandler): void {
    this.handlers.set(queue, handler);
  }

  private start(): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = new PgBoss({
        db: { executeSql: (text: string, values?: unknown[]) => this.database.executeSql(text, values) },
        schema: 'pgboss',
        schedule: false,
        supervise: true,
      } as PgBoss.ConstructorOptions);
      boss.on('error', (err) => console.warn(`job queue: ${err.message}`));
      await boss.start();
      for (const [queue, handler] of this.handlers) {
        await boss.createQueue(queue);
        await boss.work(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) await handler(job.data as Record<string, unknown>, this.abort.signal);
        });
      }
      return boss;
    })();
    return this.starting;
  }

  async send(queue: string, data: Record<string, unknown>, startAfterSeconds = 0): Promise<void> {
    if (!this.handlers.has(queue)) throw new Error(`no handler for job queue ${queue}`);
    const boss = await this.start();
    await boss.send(queue, data, { retryLimit: 0, expireInSeconds: 23 * 3600, ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}) });
  }

  /** Stops taking work and waits for running handlers (they checkpoint as they go). */
  async stop(): Promise<void> {
    if (!this.starting) return;
    this.abort.abort();
    const boss = await this.starting.catch(() => null);
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.starting = null;
    this.abort = new AbortController();
  }
}
