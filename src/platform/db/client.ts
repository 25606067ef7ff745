import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';
import { ROOT_DIR } from '../version.js';

export type Schema = typeof schema;
/** The one database type every repository receives, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;
export type DatabaseKind = 'pglite' | 'postgres';

export type Database = {
  db: Db;
  kind: DatabaseKind;
  /** Applies pending migrations from ./drizzle. Idempotent. */
  migrate(): Promise<void>;
  /** Raw SQL for libraries that bring their own queries (pg-boss): parameters → one statement, none → a script. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
  /**
   * Resolves when the database answers (PostgreSQL: `select 1` within timeoutMs); otherwise rejects with an error that
   * isConnectionLost() recognises. The embedded database cannot be lost, so it is up while it is open.
   */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export const MIGRATIONS_DIR = path.join(ROOT_DIR, 'drizzle');

export type OpenOptions =
  | { kind: 'pglite'; dataDir: string | null /* null: in memory */ }
  | { kind: 'postgres'; url: string; poolSize?: number };

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.kind === 'postgres') return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // JIT compilation pays off for long analytical queries only: for the short queries of a request it adds tens of
  // milliseconds whenever a plan's cost crosses jit_above_cost (a count over a large table, say). Analytics runs
  // that want it can `set local jit = on`.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'hearth',
    options: '-c jit=off',
    // Waiting for a connection (a new one, or a free one of the pool) gives up after this: the request then fails
    // with 503 (isConnectionLost) instead of hanging while the server is unreachable.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A server that vanished without closing the socket (a network cut) is noticed by TCP keep-alive.
    keepAlive: true,
  });
  // A connection can be lost at any time: the server restarts, an administrator terminates it (57P01), the network
  // drops. pg then emits 'error' on the client, and an 'error' event without a listener ends the process. The pool
  // listens on idle clients only (and drops them); a client checked out for a transaction or a COPY had none. So
  // every client gets its own listener when the pool opens it: the query in flight fails (→ 503 for its request),
  // the pool discards the client at release (it is no longer queryable) and opens a new one on the next query.
  const lost = lostLogger();
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', lost);
  // Fail early with a clear message when the server is unreachable.
  const client = await pool.connect();
  client.release();
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    migrate: () => migratePg(drizzlePg({ client: pool, schema }), { migrationsFolder: MIGRATIONS_DIR }),
    executeSql: async (text, values) => {
      const r = await pool.query(text, values);
      const last = Array.isArray(r) ? (r[r.length - 1] as pg.QueryResult) : r;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    },
    ping: (timeoutMs = 3000) => withTimeout(pool.query('select 1').then(() => undefined), timeoutMs),
    close: () => pool.end(),
  };
}

/** How long a query waits for a database connection before its request is answered 503. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Logs lost connections, one line per distinct message per second (a restart ends every connection at once). */
function lostLogger(): (err: Error) => void {
  let last = '';
  let at = 0;
  return (err) => {
    const line = `database connection lost: ${err.message}`;
    if (line === last && Date.now() - at < 1000) return;
    last = line;
    at = Date.now();
    console.warn(line);
  };
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DatabaseUnavailableError(`the database did not answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * A PGlite client and its `Database`, with nothing around them (no lock, no checkpointer): what `openPglite` builds
 * on, and what the test templates use to make and load dumps (`loadDataDir`: a `dumpDataDir()` tarball).
 */
export async function openPgliteClient(opts: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<{ client: PGlite; database: Database }> {
  // PGlite's own start parameters, plus a smaller buffer cache: PostgreSQL's default 128 MB lives inside the
  // WebAssembly heap and would be most of the process's memory; the OS page cache still serves the data files.
  const client = await PGlite.create({
    dataDir: opts.dataDir,
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${process.env.PGLITE_SHARED_BUFFERS ?? '32MB'}`],
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
  const db = drizzlePglite({ client, schema });
  const database: Database = {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_DIR }),
    executeSql: async (text, values) => {
      if (values && values.length) {
        const r = await client.query(text, values);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }
      const results = await client.exec(text);
      const last = results[results.length - 1];
      return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0 };
    },
    ping: async () => {
      if (client.closed) throw new DatabaseUnavailableError('the database is closed');
    },
    close: () => client.close(),
  };
  return { client, database };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  let releaseLock = (): void => {};
  let pgDir: string | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireLock(dataDir);
    pgDir = path.join(dataDir, 'pglite');
  }
  try {
    const { client, database } = await openPgliteClient({ dataDir: pgDir });
    const checkpointer = pgDir ? new PgliteCheckpointer(client) : null;
    return {
      ...database,
      close: async () => {
        await checkpointer?.stop();
        await client.close(); // a clean close ends with a shutdown checkpoint: the next open replays nothing
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

/**
 * Checkpoints for PGlite. PGlite is one standalone backend with no checkpointer process: checkpoint_timeout never
 * fires and max_wal_size does not trigger a checkpoint either (PostgreSQL requests one only under a postmaster). So
 * without help the only checkpoint is the one of a clean close: the WAL grows for as long as the process runs
 * (segments cannot be recycled), and after a crash all of it — everything written since the process started — is
 * replayed at the next open, in WebAssembly. This timer bounds both: every CHECK_MS it asks how much WAL a crash
 * would replay and runs CHECKPOINT past WAL_LIMIT bytes, or past IDLE_LIMIT bytes once a minute has gone by. The
 * check is one cheap query; it waits behind a running transaction like any other query (one connection).
 */
export class PgliteCheckpointer {
  static readonly CHECK_MS = 10_000;
  static readonly WAL_LIMIT = 16 * 1024 * 1024;
  static readonly IDLE_LIMIT = 64 * 1024;
  static readonly IDLE_MS = 60_000;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private last = Date.now();
  private stopped = false;

  constructor(private readonly client: PGlite) {
    this.timer = setInterval(() => void this.check(), PgliteCheckpointer.CHECK_MS);
    this.timer.unref();
  }

  /** One check (what the timer runs): a checkpoint when enough WAL would be replayed after a crash. */
  check(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = (async () => {
      try {
        const pending = await this.pendingWalBytes();
        const due = Date.now() - this.last >= PgliteCheckpointer.IDLE_MS;
        if (this.stopped || !(pending >= PgliteCheckpointer.WAL_LIMIT || (due && pending >= PgliteCheckpointer.IDLE_LIMIT))) return;
        await this.client.exec('checkpoint');
        this.last = Date.now();
      } catch (err) {
        if (!this.client.closed) console.warn(`database checkpoint: ${(err as Error).message}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** WAL bytes from the last checkpoint's redo point to now: what a crash would replay. */
  async pendingWalBytes(): Promise<number> {
    const r = await this.client.query<{ bytes: string | number }>(
      `select (pg_current_wal_insert_lsn() - redo_lsn)::bigint as bytes from pg_control_checkpoint()`,
    );
    return Number(r.rows[0]?.bytes ?? 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}

/**
 * PGlite is a single-process database: two servers on one data directory would corrupt it. A lock file with our
 * pid keeps a second process out; a lock left by a process that no longer runs (kill -9) is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'hearth.lock');
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The data directory ${dataDir} is in use by process ${pid}. Stop it first, or set DATA_DIR.`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  writeFileSync(lockPath, String(process.pid));
  return () => rmSync(lockPath, { force: true });
}

/** Whether a process of this machine is alive (a lock or template left by a dead one may be taken). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drizzle rows from db.execute() come back as { rows } from both drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** True when a driver error is a unique-constraint violation (optionally of one constraint). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return !!e && e.code === '23505' && (!constraint || e.constraint === constraint);
}

/** The database could not be reached in time (a health check that timed out). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** SQLSTATEs meaning the connection is gone or cannot be had: admin/crash shutdown, starting up, class 08, too many. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
/** Socket errors of a connection attempt or of an open connection. */
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own messages: the socket ended, the pool gave up waiting, a query on a client that already broke. */
const LOST_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

/**
 * True when err (or what it wraps: Drizzle's query error, an AggregateError of a connect attempt) means the database
 * connection was lost or could not be had, rather than that the query was wrong: the request should be answered
 * 503 with Retry-After, and the work tried again later.
 */
export function isConnectionLost(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    if (e instanceof DatabaseUnavailableError) return true;
    const c = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof c.code === 'string' && (LOST_SQLSTATES.has(c.code) || LOST_ERRNOS.has(c.code))) return true;
    if (typeof c.message === 'string' && LOST_MESSAGES.test(c.message)) return true;
    if (Array.isArray(c.errors) && c.errors.some((x) => visit(x, depth + 1))) return true;
    return visit(c.cause, depth + 1);
  };
  return visit(err, 0);
}

function findPgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as { code: string; constraint?: string };
    cur = c.cause;
  }
  return undefined;
}
