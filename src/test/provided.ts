/**
 * The side of the template databases (templates.ts) a test file sees, without loading the app: what the global
 * setup provided, and a new DATA_DIR filled with the migrated PGlite data directory for real server and CLI processes.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** What the global setup hands to the test files (serialisable: paths and database names). */
export type Templates =
  | { kind: 'pglite'; dir: string; migrated: string; dataDir: string }
  | { kind: 'postgres'; migrated: string };

declare module 'vitest' {
  interface ProvidedContext {
    hearthTemplates: Templates | null;
    /** The browser suite's global setup built web/dist (when its sources changed) before any file started. */
    hearthWebBuilt: boolean;
    /**
     * The browser suite's servers run on PostgreSQL (a copy of this migrated template on `base`) when the run has
     * TEST_DATABASE_URL; null: on PGlite data directories (e2e/harness.ts startServer).
     */
    hearthE2ePostgres: { base: string; template: string } | null;
  }
}

let provided: Templates | null | undefined;

/** The run's templates, or null when the tests run without the global setup (then everything is made afresh). */
export async function templates(): Promise<Templates | null> {
  if (provided === undefined) {
    try {
      const { inject } = await import('vitest');
      provided = inject('hearthTemplates') ?? null;
    } catch {
      provided = null;
    }
  }
  return provided;
}

/**
 * Fills a new DATA_DIR with the run's migrated PGlite data directory (`DATA_DIR/pglite`, where the server keeps it),
 * so a real server or CLI process starting on it skips initdb and the migrations. Returns false (and leaves the
 * directory as it is: the process then creates the database itself) when there is no template.
 */
export async function seedDataDir(dataDir: string): Promise<boolean> {
  const t = await templates();
  if (!t || t.kind === 'postgres' || !existsSync(t.dataDir)) return false;
  mkdirSync(dataDir, { recursive: true });
  cpSync(t.dataDir, path.join(dataDir, 'pglite'), { recursive: true });
  return true;
}

/**
 * A new database on the PostgreSQL server at `base` (`<prefix>_<pid>_<hex>`), empty or a copy of `template`; `drop`
 * removes it (connections ended).
 */
export async function scratchPostgres(base: string, prefix: string, template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The browser suite's PostgreSQL template, when its servers run on PostgreSQL (see hearthE2ePostgres). */
export async function e2ePostgres(): Promise<{ base: string; template: string } | null> {
  try {
    const { inject } = await import('vitest');
    return inject('hearthE2ePostgres') ?? null;
  } catch {
    return null;
  }
}
