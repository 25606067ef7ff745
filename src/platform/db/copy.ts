/**
 * Bulk writes of large result sets (the analytics run's million rows) with COPY … FROM in PostgreSQL's text format.
 * COPY inserts rows in batches without per-row statement overhead and without a JSON parse on the server, so it costs
 * a fraction of the JSON-recordset path of bulk.ts, which stays the path for imports (it can return ids and skip
 * conflicts). PostgreSQL gets the lines through pg-copy-streams on a connection of the pool; PGlite reads them from
 * its /dev/blob device.
 *
 * The transaction runs on the driver's own client, outside Drizzle: on PGlite, a query through the Drizzle handle
 * inside `fn` would wait for this transaction to end.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, type Transaction as PgliteTx } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isConnectionLost, type Db } from './client.js';

export type CopyClient = {
  execute(text: string): Promise<void>;
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  /**
   * Copies the rows — lines from copyLine, or buffers from CopyEncoder / encodeRows — into table (columns). On
   * PostgreSQL the data streams as it is produced (a generator is encoded while the server parses what came before);
   * PGlite takes it whole.
   */
  copy(table: string, columns: readonly string[], data: Iterable<string | Buffer>): Promise<void>;
};

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One row in COPY's text format: null/undefined/NaN → \\N, objects as JSON, tabs, newlines and backslashes escaped. */
export function copyLine(values: readonly unknown[]): string {
  const encoder = new CopyEncoder();
  encoder.row(values);
  return Buffer.concat(encoder.take()).toString('utf8');
}

/**
 * Rows encoded straight into ~1 MB buffers in COPY's text format (as copyLine). For a million rows this avoids a
 * million line strings and their joins, which left most of the run's time to the garbage collector.
 */
export class CopyEncoder {
  private chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** Appends one row (built as one string, written with one call: a write per field cost more than the text). */
  row(values: readonly unknown[]): void {
    let line = '';
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      let field: string;
      if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) field = '\\N';
      else if (typeof v === 'number') field = String(v);
      else {
        field = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
        if (/[\\\t\n\r]/.test(field)) field = field.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
      }
      line += k ? `\t${field}` : field;
    }
    line += '\n';
    this.room(line.length * 3);
    this.pos += this.buf.write(line, this.pos, 'utf8');
  }

  /** Whether full buffers wait to be drained. */
  get ready(): boolean {
    return this.chunks.length > 0;
  }

  /** The full buffers so far (the one being filled stays). */
  drain(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }

  /** The encoded bytes so far, and a fresh start. */
  take(): Buffer[] {
    if (this.pos) this.chunks.push(this.buf.subarray(0, this.pos));
    const out = this.chunks;
    this.chunks = [];
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
    return out;
  }
}
const CHUNK_BYTES = 1 << 20;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const copySql = (table: string, columns: readonly string[], source: string) =>
  `copy ${ident(table)} (${columns.map(ident).join(', ')}) from ${source}`;

/** Buffers as they are; lines joined into chunks of about 256 KB for the stream. */
function* chunks(data: Iterable<string | Buffer>): Generator<string | Buffer> {
  let lines: string[] = [];
  let size = 0;
  for (const item of data) {
    if (typeof item !== 'string') {
      if (lines.length) yield lines.join('');
      lines = [];
      size = 0;
      yield item;
      continue;
    }
    lines.push(item);
    size += item.length;
    if (size >= 262_144) {
      yield lines.join('');
      lines = [];
      size = 0;
    }
  }
  if (lines.length) yield lines.join('');
}

/** Rows from..to−1 encoded lazily: a buffer of about 1 MB at a time (see CopyClient.copy). */
export function* encodeRows(from: number, to: number, row: (i: number) => readonly unknown[]): Generator<Buffer> {
  const encoder = new CopyEncoder();
  for (let i = from; i < to; i++) {
    encoder.row(row(i));
    if (encoder.ready) yield* encoder.drain();
  }
  yield* encoder.take();
}

/** Runs fn in one transaction on the database's own client (committed when fn resolves, rolled back if it throws). */
export async function copyTransaction(db: Db, fn: (client: CopyClient) => Promise<void>): Promise<void> {
  const driver = (db as unknown as { $client: unknown }).$client;
  if (driver instanceof PGlite) {
    await driver.transaction(async (tx: PgliteTx) => {
      await fn({
        execute: async (text) => void (await tx.exec(text)),
        query: async <T,>(text: string, values: unknown[] = []) => (await tx.query<T>(text, values)).rows,
        copy: async (table, columns, data) => {
          const parts = [...chunks(data)];
          if (!parts.length) return;
          await tx.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob(parts) });
        },
      });
    });
    return;
  }
  if (!(driver instanceof pg.Pool)) throw new Error('copyTransaction: unknown database driver');
  // The client has an 'error' listener from the pool (client.ts), so a connection lost mid-COPY fails this call
  // (pg-copy-streams' stream errors, the pipeline rejects) and does not end the process.
  const client = await driver.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    await fn({
      execute: async (text) => void (await client.query(text)),
      query: async <T,>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as T[],
      copy: async (table, columns, data) => {
        await pipeline(Readable.from(chunks(data)), client.query(copyFrom(copySql(table, columns, 'stdin'))));
      },
    });
    await client.query('commit');
  } catch (err) {
    // A lost connection has nothing to roll back (the server did); the client is then discarded, not pooled.
    if (isConnectionLost(err)) broken = err as Error;
    else await client.query('rollback').catch((e: unknown) => void (broken = e as Error));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Replaces every row of `table` inside the caller's transaction by filling a new table and swapping it in: `fill`
 * copies into the new table, which gets the old one's constraints and indexes (read from the catalogue, so it follows
 * the migrations) built once over the finished data, and statistics; then the old table is dropped and the new one
 * takes its name. Far cheaper than delete + insert on a large table (no index maintenance row by row, no dead rows),
 * and readers see the old rows until commit (the drop waits for them, briefly). Foreign keys are added NOT VALID;
 * grants on the old table are not carried over.
 */
export async function rebuildTable(c: CopyClient, table: string, fill: (next: string) => Promise<void>): Promise<void> {
  const rebuild = await startRebuild(c, table);
  await fill(rebuild.next);
  for (const statement of rebuild.finishing) await c.execute(statement);
  for (const statement of rebuild.swap) await c.execute(statement);
}

/**
 * The same rebuild in steps, for a caller that runs each in a short transaction of its own (the embedded database,
 * where one long transaction would keep every request waiting): `startRebuild` creates the new table and returns the
 * statements that build its constraints, indexes and statistics (`finishing`, each can run alone: nobody reads the
 * new table yet) and those that swap it in (`swap`, to run together in one transaction).
 */
export async function startRebuild(c: CopyClient, table: string): Promise<{ next: string; finishing: string[]; swap: string[] }> {
  const next = `${table}_next`;
  await c.execute(`drop table if exists ${ident(next)}`);
  await c.execute(`create table ${ident(next)} (like ${ident(table)} including defaults including constraints including generated including identity)`);
  const constraints = await c.query<{ name: string; def: string; type: string }>(
    `select conname as name, pg_get_constraintdef(oid) as def, contype as type from pg_constraint
     where conrelid = $1::regclass and contype in ('p', 'u', 'f', 'x') order by contype = 'f', conname`,
    [table],
  );
  const indexes = await c.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = $1
       and not exists (select 1 from pg_constraint k where k.conrelid = $1::regclass and k.conname = i.indexname)
     order by i.indexname`,
    [table],
  );
  const temp = (name: string) => `${name.slice(0, 55)}_next`;
  const finishing: string[] = [];
  for (const k of constraints) {
    finishing.push(`alter table ${ident(next)} add constraint ${ident(temp(k.name))} ${k.def}${k.type === 'f' ? ' not valid' : ''}`);
  }
  for (const ix of indexes) {
    // "CREATE [UNIQUE] INDEX name ON schema.table USING …": the same definition on the new table, under a temporary name.
    const m = /^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( .*)$/s.exec(ix.def);
    if (!m) throw new Error(`rebuildTable: cannot read the definition of index ${ix.name}`);
    finishing.push(`${m[1]}${ident(temp(ix.name))}${m[3]}${ident(next)}${m[5]}`);
  }
  finishing.push(`analyze ${ident(next)}`);
  const swap = [`drop table ${ident(table)}`, `alter table ${ident(next)} rename to ${ident(table)}`];
  for (const k of constraints) swap.push(`alter table ${ident(table)} rename constraint ${ident(temp(k.name))} to ${ident(k.name)}`);
  for (const ix of indexes) swap.push(`alter index ${ident(temp(ix.name))} rename to ${ident(ix.name)}`);
  return { next, finishing, swap };
}
