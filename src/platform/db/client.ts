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
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'hearth', options: '-c jit=off' });
  // An idle connection that the server ends (restart, admin command) must not crash the process: the pool drops it
  // and opens a new one on the next query.
  pool.on('error', (err) => console.warn(`database connection lost: ${err.message}`));
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
    close: () => pool.end(),
  };
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
    // PGlite's own start parameters, plus a smaller buffer cache: PostgreSQL's default 128 MB lives inside the
    // WebAssembly heap and would be most of the process's memory; the OS page cache still serves the data files.
    const client = await PGlite.create({
      dataDir: pgDir,
      extensions: { pg_trgm },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${process.env.PGLITE_SHARED_BUFFERS ?? '32MB'}`],
    });
    const db = drizzlePglite({ client, schema });
    return {
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
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
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

function isAlive(pid: number): boolean {
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

function findPgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as { code: string; constraint?: string };
    cur = c.cause;
  }
  return undefined;
}
