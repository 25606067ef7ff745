/**
 * What the PostgreSQL benchmarks of single modules (segments.bench.ts, surveys.bench.ts) share: the command line,
 * the server they run on (BENCH_DATABASE_URL), an administrative statement outside any benchmark database, and the
 * log and rounding of their output.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The demo's "today": every benchmark dataset is generated as of this date. */
export const AS_OF = '2026-11-01';
export const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `--name value` (the fallback when absent or last). */
export const arg = (name: string, fallback: string | null = null): string | null => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
/** Whether `--name` was given. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);
export const log = (...a: unknown[]): void => console.error('·', ...a);
export const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

/** One statement on the server's maintenance database (create or drop a benchmark database). */
export async function admin(text: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  try {
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}
