/**
 * The side of the template databases (templates.ts) a test file sees, without loading the app: what the global
 * setup provided, and a new DATA_DIR filled with the migrated PGlite data directory for real server and CLI processes.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** What the global setup hands to the test files (serialisable: paths and database names). */
export type Templates =
  | { kind: 'pglite'; dir: string; migrated: string; dataDir: string }
  | { kind: 'postgres'; migrated: string };

declare module 'vitest' {
  interface ProvidedContext {
    hearthTemplates: Templates | null;
    /** The browser suite's global setup built web/dist (when its sources changed) before any file started. */
    hearthWebBuilt: boolean;
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
