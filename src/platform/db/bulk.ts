/**
 * Bulk inserts for imports: all rows travel as one JSON parameter and PostgreSQL spreads them with
 * json_populate_recordset. Compared with a multi-row VALUES list built by the ORM (one bind parameter per cell),
 * this costs a fraction of the CPU on our side and has no parameter-count limit. Keys are the table's JS property
 * names; columns left out get their database defaults.
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from './client.js';

export async function bulkInsert<T extends PgTable, R extends Record<string, unknown> = Record<string, never>>(
  db: DbOrTx,
  table: T,
  rows: Partial<T['$inferInsert']>[],
  opts: { returning?: (keyof T['$inferSelect'] & string)[]; onConflictDoNothing?: boolean } = {},
): Promise<R[]> {
  if (!rows.length) return [];
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => columns[k]);
  const json = JSON.stringify(
    rows.map((r) => Object.fromEntries(keys.map((k) => [columns[k]!.name, (r as Record<string, unknown>)[k] ?? null]))),
  );
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const names = keys.map((k) => ident(columns[k]!.name)).join(', ');
  const tableName = ident(getTableName(table));
  const returning = opts.returning?.length
    ? ` returning ${opts.returning.map((k) => `${ident(columns[k]!.name)} as ${ident(k)}`).join(', ')}`
    : '';
  const conflict = opts.onConflictDoNothing ? ' on conflict do nothing' : '';
  const query: SQL = sql`${sql.raw(`insert into ${tableName} (${names}) select ${names} from json_populate_recordset(null::${tableName}, `)}${json}${sql.raw(`::json)${conflict}${returning}`)}`;
  const res = await db.execute(query);
  return rowsOf<R>(res);
}
