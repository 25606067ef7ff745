/**
 * Migrated template databases, made once per test run (src/test/global-setup.ts) instead of once per test file:
 *
 * - PGlite: a migrated database is dumped (`dumpDataDir`) to a tarball under the OS temp directory; each test file
 *   opens its own in-memory database from it (`loadDataDir`), which skips initdb (seconds in WebAssembly) and the
 *   migrations. The migrated data directory itself is kept too:
 *   tests that start real server or CLI processes copy it into their DATA_DIR. These are kept between runs, keyed by
 *   a hash of the migrations, the sources and the lock file (anything that could change what they hold).
 * - PostgreSQL: a template database on the TEST_DATABASE_URL server for the run; each test file gets
 *   `CREATE DATABASE … TEMPLATE …`.
 *
 * Both are what `prepareDatabase` leaves (migrations and built-in roles), made by the same code; a test still calls
 * prepareDatabase on its copy (a no-op check then). First-run setup is not in the templates: it stamps the audit
 * log and the first admin with the time it ran, and tests compare those with the time they started.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { Templates } from './provided.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { prepareDatabase, prepareJobs } from '../app.js';
import { isAlive, MIGRATIONS_DIR, openDatabase, openPgliteClient, type Database } from '../platform/db/client.js';
import { ROOT_DIR } from '../platform/version.js';

export type { Templates } from './provided.js';
export { seedDataDir, templates } from './provided.js';

/**
 * An in-memory PGlite opened from a dump, as `openDatabase({ kind: 'pglite', dataDir: null })` would open a new one
 * (same extensions, start parameters and driver; no data directory, so no lock and no checkpointer).
 */
export async function openPgliteFrom(dump: Blob | null, dataDir?: string): Promise<{ database: Database; client: PGlite }> {
  return openPgliteClient({ ...(dataDir ? { dataDir } : {}), ...(dump ? { loadDataDir: dump } : {}) });
}

async function dumpTo(client: PGlite, file: string): Promise<void> {
  await client.exec('checkpoint');
  // Uncompressed: a file's open then skips the gunzip (PGlite from this dump, measured 2026-12-07: 0.92 CPU-s against
  // 1.29 from the gzipped one; ~120 files open one per run). 65 MB under the OS temp dir instead of 6 MB.
  const blob = await client.dumpDataDir('none');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
}

/**
 * What the templates are made from: the migrations, the server's sources (built-in roles, the setup) and the
 * installed packages. Templates made from the same inputs are the same, so they are kept between runs.
 */
function templateKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.test.ts')) hash.update(full).update(readFileSync(full));
    }
  };
  walk(MIGRATIONS_DIR);
  walk(path.join(ROOT_DIR, 'src'));
  const lock = path.join(ROOT_DIR, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex').slice(0, 16);
}

const CACHE_PREFIX = 'hearth-tpl-';
/** Cached templates not used for this long are removed by the next run. */
const CACHE_MAX_IDLE_MS = 3 * 3600_000;

/** Removes cached templates (and half-made ones of killed runs) idle for hours. */
function pruneCache(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CACHE_PREFIX) || name === path.basename(keep)) continue;
    const full = path.join(tmpdir(), name);
    try {
      if (Date.now() - statSync(full).mtimeMs > CACHE_MAX_IDLE_MS) rmSync(full, { recursive: true, force: true });
    } catch {
      // another run removed it
    }
  }
}

/**
 * PGlite templates, made once and kept under the OS temp dir (`hearth-tpl-<key>`) for as long as their inputs do not
 * change: `datadir/` (a migrated data directory, closed cleanly) and `migrated.tar` (the same as a dump). Made in a directory of its own and renamed into place, so concurrent runs
 * never see half of one.
 */
export async function buildPgliteTemplates(): Promise<Extract<Templates, { kind: 'pglite' }>> {
  const dir = path.join(tmpdir(), `${CACHE_PREFIX}${templateKey()}`);
  const result = (d: string) => ({ kind: 'pglite' as const, dir: d, migrated: path.join(d, 'migrated.tar'), dataDir: path.join(d, 'datadir') });
  pruneCache(dir);
  if (existsSync(path.join(dir, 'ready'))) {
    const now = new Date();
    utimesSync(dir, now, now);
    return result(dir);
  }
  const work = mkdtempSync(path.join(tmpdir(), `${CACHE_PREFIX}build-`));
  const t = result(work);
  mkdirSync(t.dataDir);
  const file = await openPgliteFrom(null, t.dataDir);
  try {
    await prepareDatabase(file.database);
    await prepareJobs(file.database);
    await dumpTo(file.client, t.migrated);
  } finally {
    await file.database.close(); // a clean close: the copies replay nothing
  }
  writeFileSync(path.join(work, 'ready'), new Date().toISOString());
  try {
    renameSync(work, dir);
  } catch {
    // Another run put the same templates in place first: use those.
    rmSync(work, { recursive: true, force: true });
  }
  return result(dir);
}

const TEMPLATE_PREFIX = 'hearth_tpl_';

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(base: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}


/**
 * The PostgreSQL template for this run: `hearth_tpl_<pid>_<hex>`, migrated. Templates left by runs whose process is
 * gone (killed) are dropped first; other runs' live templates are left alone.
 */
export async function buildPostgresTemplates(base: string): Promise<Extract<Templates, { kind: 'postgres' }>> {
  const migrated = `${TEMPLATE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(base, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like '${TEMPLATE_PREFIX}%'`);
    for (const { datname } of rows) {
      const pid = Number(/^hearth_tpl_(\d+)_/.exec(datname)?.[1]);
      if (pid && !isAlive(pid)) await c.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
    }
    await c.query(`create database ${migrated}`);
  });
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(base, migrated), poolSize: 2 });
  try {
    await prepareDatabase(database);
    await prepareJobs(database);
  } finally {
    await database.close(); // no connection may stay: CREATE DATABASE … TEMPLATE needs it unused
  }
  return { kind: 'postgres', migrated };
}

export async function dropPostgresTemplates(base: string, t: Extract<Templates, { kind: 'postgres' }>): Promise<void> {
  await withAdmin(base, async (c) => {
    await c.query(`drop database if exists ${t.migrated} with (force)`);
  });
}

const dumps = new Map<string, Blob>();

/** The dump of a PGlite template, read once per worker. */
export function readDump(file: string): Blob {
  let blob = dumps.get(file);
  if (!blob) {
    blob = new Blob([readFileSync(file)]);
    dumps.set(file, blob);
  }
  return blob;
}

