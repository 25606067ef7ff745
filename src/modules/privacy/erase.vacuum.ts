/**
 * After an erasure on PostgreSQL (issue #18): an UPDATE leaves the old row version — the person's name, phones, ID
 * number — in the table's file as a dead tuple, and the old index entries beside it, until VACUUM prunes them (pg_dump
 * never shows them: it reads live rows only; whoever reads the files does). So once an erasure has committed, the
 * tables its hooks changed are vacuumed: `VACUUM (INDEX_CLEANUP ON)` — plain VACUUM may skip the indexes when few rows
 * died, and the name and phone are keys of btree indexes. Plain, not FULL: VACUUM FULL would lock the customers table
 * against every read while it rewrites it; plain VACUUM takes a lock that lets reads and writes go on. Outside any
 * transaction (VACUUM cannot run in one), one table after another; a failure (a lock wait cut short, a table gone) is
 * logged and the rest go on — autovacuum gets there later anyway. The embedded database (PGlite) is skipped: its files
 * are the process's own. What VACUUM does not reach (WAL, backups, freed space not yet reused) is in
 * docs/ARCHITECTURE.md (Decisions, erasure).
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../platform/db/client.js';
import { isEmbedded } from '../../platform/db/slice.js';

/** The tables of these that exist in the current schema (ordinary or partitioned), by name. */
async function existing(db: Db, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const rows = rowsOf<{ t: string }>(
    await db.execute(sql`
      select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname = any(${`{${names.join(',')}}`}::text[])
      order by 1`),
  );
  return rows.map((r) => r.t);
}

/**
 * VACUUMs the tables an erasure changed (PostgreSQL only; `db` must be the pool, not a transaction). Returns the
 * tables vacuumed; failures are logged, never thrown.
 */
export async function vacuumAfterErasure(db: Db, tables: Iterable<string>, log: (line: string) => void): Promise<string[]> {
  if (isEmbedded(db)) return [];
  const done: string[] = [];
  try {
    const names = [...new Set(tables)].filter((t) => /^[a-z_][a-z0-9_]*$/.test(t));
    for (const t of await existing(db, names)) {
      try {
        await db.execute(sql.raw(`vacuum (index_cleanup on) "${t}"`));
        done.push(t);
      } catch (err) {
        log(`vacuum ${t} after an erasure: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } catch (err) {
    log(`vacuum after an erasure: ${err instanceof Error ? err.message : String(err)}`);
  }
  return done;
}

/** The tables an erasure's counts name with rows changed (what to vacuum). */
export function touchedTables(counts: Record<string, number> | null | undefined): string[] {
  return Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([t]) => t);
}
