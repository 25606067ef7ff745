/**
 * A migrated database for the `hearth` commands a test runs as real processes: on PGlite a new DATA_DIR filled with
 * the run's migrated data directory, on PostgreSQL a copy of the run's migrated template. Without the global setup's
 * templates it is made empty and migrated by `hearth migrate`. On PGlite, initdb and the migrations in a fresh data
 * directory cost a CLI file ~15 CPU-s (measured 2026-12-07): the files about the first run (cli.test.ts) make theirs
 * from nothing; the others start here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migratedPostgresDatabase, TEST_DB_KIND } from './harness.js';
import { seedDataDir, templates } from './provided.js';
import { runHearth } from './spawn.js';

export type CliDatabase = { env: Record<string, string | undefined>; cleanup: () => Promise<void> };

/** `env` gets DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite; one the caller set is filled, not replaced). */
export async function migratedCliDatabase(prefix: string, env: Record<string, string | undefined> = {}): Promise<CliDatabase> {
  let cleanup: () => Promise<void>;
  let seeded: boolean;
  if (TEST_DB_KIND === 'postgres') {
    const t = await templates();
    const scratch = await migratedPostgresDatabase(prefix);
    env.DATABASE_URL = scratch.url;
    cleanup = scratch.drop;
    seeded = t?.kind === 'postgres';
  } else {
    // The caller's DATA_DIR when it set one (it removes it), else a new one removed by `cleanup`.
    const own = !env.DATA_DIR;
    const dir = env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), `${prefix}-`));
    env.DATA_DIR = dir;
    cleanup = async () => (own ? rmSync(dir, { recursive: true, force: true }) : undefined);
    seeded = await seedDataDir(dir);
  }
  if (!seeded) {
    const migrate = await runHearth(['migrate'], env);
    if (migrate.code !== 0) throw new Error(`hearth migrate failed:\n${migrate.stderr}`);
  }
  return { env, cleanup };
}
