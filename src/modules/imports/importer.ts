/**
 * What a module provides to make its records importable: the fields a column can map to (with the header names
 * that suggest them) and a batch writer. The engine (imports.service.ts) does files, mapping, batching,
 * checkpoints, rejects and progress; the module does validation, matching and writing, inside the batch's
 * transaction.
 */
import type { Actor, Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { FieldIssue } from '../../platform/errors.js';
import type { Cell } from './reader.js';
import type { ImportKind, ImportOptions } from './imports.contract.js';

export type ImportField = {
  key: string;
  required?: boolean;
  /** Several columns may map to it; their cells are combined (phones, tags). */
  multi?: boolean;
  /** Header names (zh-CN and English) that suggest this field; compared normalised. */
  synonyms: string[];
  /** The label shown in the mapping step, for fields defined at run time (custom fields); else `import.field.<kind>.<key>`. */
  label?: { zh: string; en: string };
};

/** One data row: its spreadsheet row number and the cells of each mapped field (several for a multi field). */
export type ImportRow = { row: number; values: Record<string, Cell[]> };

export type RowOutcome =
  | { row: number; outcome: 'created' | 'updated' | 'skipped' }
  | { row: number; outcome: 'rejected'; issue: FieldIssue };

export type BatchContext = {
  actor: Actor;
  jobId: string;
  /** The prefix of this file's import keys (`<hash>:`): rows of the same file share it. */
  filePrefix: string;
  options: ImportOptions;
  /** Scratch space an importer may use across the batches of one run (lookups already made). */
  memo: Record<string, unknown>;
};

export type Importer = {
  kind: ImportKind;
  permissions: Permission[];
  fields: ImportField[];
  /** Fields defined at run time (custom fields), merged after `fields` wherever the engine uses them. */
  dynamicFields?(db: DbOrTx): Promise<ImportField[]>;
  /** Rows per batch (one transaction and one checkpoint each); 2000 when not said. On PGlite the most, sized by time. */
  batchRows?: number;
  /**
   * Tables the import writes: on PGlite the job empties their GIN pending lists as it goes and analyses them one by
   * one at the end (the whole database at once otherwise).
   */
  tables?: string[];
  /** Groups of fields of which at least one must be mapped (e.g. a customer key for transactions). */
  oneOf?: string[][];
  /**
   * Optional CPU-only work on a batch (parsing cells), run outside the transaction while the previous batch is
   * being written; its result is handed to processBatch.
   */
  prepare?(rows: ImportRow[], ctx: BatchContext): unknown;
  processBatch(tx: DbOrTx, ctx: BatchContext, rows: ImportRow[], prepared?: unknown): Promise<RowOutcome[]>;
};

const registry = new Map<ImportKind, Importer>();
export function registerImporter(importer: Importer): void {
  registry.set(importer.kind, importer);
}
/** An importer's fields: the static ones and those defined at run time. */
export async function importFieldsOf(db: DbOrTx, kind: ImportKind): Promise<ImportField[]> {
  const importer = importerFor(kind);
  return [...importer.fields, ...((await importer.dynamicFields?.(db)) ?? [])];
}
export function importerFor(kind: ImportKind): Importer {
  const i = registry.get(kind);
  if (!i) throw new Error(`no importer for ${kind}`);
  return i;
}

/** The import key of a row: file hash prefix + row number. */
export const importKeyOf = (ctx: BatchContext, row: number): string => `${ctx.filePrefix}${row}`;
/** The row number of another row of the same file, from its import key; null when from another file. */
export function sameFileRow(ctx: BatchContext, key: string | null): number | null {
  return key && key.startsWith(ctx.filePrefix) ? Number(key.slice(ctx.filePrefix.length)) : null;
}
