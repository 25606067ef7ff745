/**
 * Long jobs in short slices. On the embedded database (PGlite) every statement runs synchronously inside the server's
 * one thread, on its one connection: a job that chains its transactions without ever giving the event loop a turn
 * keeps every request — even `/api/health`, which needs no database — waiting until the job ends. So a job works in
 * slices: a transaction of bounded duration, then `yieldToEventLoop()`, during which the requests that arrived
 * meanwhile are read and take the connection (PGlite's mutex is first come, first served, so they are ahead of the
 * job's next transaction). `SliceSizer` picks the rows per transaction from the time (`sliceTimer`: CPU time) the
 * previous ones took, so a slice stays near its target on any machine and for any mix of rows. On PostgreSQL requests use other connections
 * of the pool: jobs keep their larger batches there (bounded too, a second or so each).
 */
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from './client.js';

/** Gives the event loop a turn (I/O, timers, other requests) before the job goes on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True when the handle runs on the embedded database, where a job shares the one connection and thread with requests. */
export function isEmbedded(db: DbOrTx): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof PGlite;
}

/** How long one slice of a job may hold the embedded database (a request arriving meanwhile waits about this long). */
export const SLICE_TARGET_MS = 100;

/**
 * A stopwatch for sizing slices: the milliseconds of CPU this process spent since it started (user + system). On
 * an idle machine that is the slice's wall time (PGlite runs on the server's thread). On a busy one the wall time
 * also counts the time the process waited for a core, and sizing on it shrank the slices until their fixed costs
 * (transaction, checkpoint, progress, a turn of the event loop) were most of the work: a 70,000-row import took
 * 3.5× longer with four busy processes beside it. A request waits for a slice about as long as it waits for its own
 * work on such a machine, so a slice of ~SLICE_TARGET_MS of CPU keeps the same share of the wait.
 */
export function sliceTimer(): () => number {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  };
}

export type SliceSizerOptions = { targetMs: number; initial: number; min: number; max: number };

/**
 * Rows per transaction so that a transaction takes about `targetMs`: after each one, the cost per row (smoothed over
 * the last few) gives the next size, which may at most double from one slice to the next.
 */
export class SliceSizer {
  private perRowMs: number | null = null;
  size: number;

  constructor(private readonly o: SliceSizerOptions) {
    this.size = Math.max(o.min, Math.min(o.max, o.initial));
  }

  /** A fixed size (PostgreSQL, or a caller that knows better). */
  static fixed(size: number): SliceSizer {
    return new SliceSizer({ targetMs: Infinity, initial: size, min: size, max: size });
  }

  record(rows: number, ms: number): void {
    if (rows <= 0 || !Number.isFinite(this.o.targetMs)) return;
    const perRow = Math.max(ms, 0.1) / rows;
    this.perRowMs = this.perRowMs === null ? perRow : 0.6 * this.perRowMs + 0.4 * perRow;
    const ideal = Math.round(this.o.targetMs / this.perRowMs);
    this.size = Math.max(this.o.min, Math.min(this.o.max, this.size * 2, ideal));
  }
}

/** Runs `fn` over 0…n−1 in chunks of `chunk`, yielding between chunks (CPU-heavy loops on the server's thread). */
export async function forEachSliced(n: number, chunk: number, fn: (i: number) => void): Promise<void> {
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let i = start; i < end; i++) fn(i);
    if (end < n) await yieldToEventLoop();
  }
}

/**
 * What autovacuum would do after a bulk write, done by the job itself on the embedded database (which has none), in
 * slices: one `VACUUM` or `ANALYZE` of a whole table at the end would be a statement of seconds at 100,000 households,
 * with every request waiting. So the GIN indexes' pending lists of the tables are emptied every `cleanEvery` rows
 * (otherwise the insert that overflows a list merges megabytes of entries at once, and searches read the whole list),
 * the pages written since the last time are vacuumed every `vacuumEvery` rows (a vacuum skips the pages it already
 * marked all-visible; `index_cleanup off`, as a bulk insert leaves nothing dead in the indexes), and `finish()`
 * repeats both for the last rows and analyses each table that changed by more than a tenth (a sample of it) — every
 * statement its own slice, with a turn of the event loop after it. Does nothing on PostgreSQL (autovacuum is there; callers tidy up as they did).
 */
export class BulkUpkeep {
  private ginIndexes: string[] | null = null;
  private sinceClean = 0;
  private sinceVacuum = 0;
  private readonly active: boolean;

  constructor(
    private readonly db: Db,
    private readonly tables: string[],
    private readonly o: {
      cleanEvery: number;
      vacuumEvery: number | null;
      /** `grown`: only tables that grew by more than a tenth since their last analysis (imports); `always` (bulk loads). */
      analyze: 'grown' | 'always';
    },
  ) {
    this.active = isEmbedded(db) && tables.length > 0;
  }

  /** After a slice that wrote `rows` rows. */
  async after(rows: number): Promise<void> {
    if (!this.active) return;
    this.sinceClean += rows;
    this.sinceVacuum += rows;
    if (this.sinceClean >= this.o.cleanEvery) await this.cleanPendingLists();
    if (this.o.vacuumEvery !== null && this.sinceVacuum >= this.o.vacuumEvery) await this.vacuumNewPages();
  }

  async finish(): Promise<void> {
    if (!this.active) return;
    await this.cleanPendingLists();
    if (this.o.vacuumEvery !== null) await this.vacuumNewPages();
    // Much as autovacuum would: a table is analysed once it grew by more than a tenth since its last analysis or
    // vacuum (ANALYZE reads a sample of up to 30,000 pages: about a second for a million transactions). Its size in
    // pages is the measure: the embedded database's activity counters lag behind.
    const stale = rowsOf<{ name: string }>(
      await this.db.execute(sql`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname in (${sql.join(this.tables.map((b) => sql`${b}`), sql`, `)})
          and pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.1 + 8`),
    ).map((r) => r.name);
    for (const table of this.tables) if (this.o.analyze === 'always' || stale.includes(table)) await this.step(sql.raw(`analyze ${quoteIdent(table)}`));
  }

  private async cleanPendingLists(): Promise<void> {
    this.sinceClean = 0;
    this.ginIndexes ??= rowsOf<{ name: string }>(
      await this.db.execute(sql`
        select c.relname as name from pg_index x join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
        join pg_am a on a.oid = c.relam join pg_namespace n on n.oid = t.relnamespace
        where a.amname = 'gin' and n.nspname = current_schema() and t.relname in (${sql.join(this.tables.map((b) => sql`${b}`), sql`, `)})`),
    ).map((r) => r.name);
    for (const name of this.ginIndexes) await this.step(sql`select gin_clean_pending_list(${quoteIdent(name)}::regclass)`);
  }

  private async vacuumNewPages(): Promise<void> {
    this.sinceVacuum = 0;
    for (const table of this.tables) await this.step(sql.raw(`vacuum (index_cleanup off) ${quoteIdent(table)}`));
  }

  private async step(statement: SQL): Promise<void> {
    await this.db.execute(statement);
    await yieldToEventLoop();
  }
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
