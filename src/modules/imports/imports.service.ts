/**
 * The import engine: upload → preview with a suggested mapping → start → a background job that reads the file in
 * batches. Each batch writes its rows, its rejected rows and the new checkpoint in one transaction, so a crash
 * loses at most the batch in flight, and the job resumes from the checkpoint. Every row carries an import key
 * (file hash + row number), so a replayed batch or a re-imported file writes nothing twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { reachesAll } from '../../platform/auth/access.js';
import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { Config } from '../../platform/config.js';
import { isConnectionLost, type Db } from '../../platform/db/client.js';
import { BulkUpkeep, isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { issueMessage } from '../../platform/http/problem.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
import { DurableRuns, type RunHandle } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import { importerFor, importFieldsOf, type ImportField, type ImportRow, type RowOutcome } from './importer.js';
import { IMPORT_PENDING_TTL_MS, type ImportFieldView, type ImportJobView, type ImportKind, type ImportOptions, type ImportPreview, type ImportRejectView, type ImportTemplateView } from './imports.contract.js';
import * as repo from './imports.repository.js';
import { importFailed, importFinished } from './finished.js';
import { cellText, readRows, sniffFile, type Cell, type RawRow } from './reader.js';
import { normalizeHeader } from './values.js';
import { importJobs, type ImportCheckpoint } from './schema.js';

const PREVIEW_ROWS = 10;
const MAX_CELL_CHARS = 10_000;

/**
 * A started job is a durable run (`platform/runs`): claimed by one process, beating its heartbeat, checkpointed with
 * each batch, taken over when its process is gone (a minute without a heartbeat; on the embedded database at once).
 */
const importRuns = new DurableRuns<ImportCheckpoint>(importJobs);

export type ImportContext = { db: Db; config: Config };

// ---- views ------------------------------------------------------------------------------------------------

/** A queued or running job asked to stop is shown cancelled at once (it stops at its next batch). */
function statusOf(j: repo.ImportJobRow): ImportJobView['status'] {
  if (j.status === 'pending' && Date.now() - j.createdAt.getTime() >= IMPORT_PENDING_TTL_MS) return 'expired'; // unconfirmed for 24 h, decided on read
  return j.cancelRequested && (j.status === 'queued' || j.status === 'running') ? 'cancelled' : j.status;
}

export function toJobView(j: repo.ImportJobRow): ImportJobView {
  const progress = j.status === 'done' ? 1 : j.fileSize > 0 ? Math.min(0.999, j.bytesDone / j.fileSize) : 0;
  return {
    id: j.id,
    kind: j.kind,
    status: statusOf(j),
    fileName: j.fileName,
    fileSize: j.fileSize,
    format: j.format,
    encoding: j.encoding,
    headers: j.headers,
    mapping: j.mapping,
    options: j.options,
    processedRows: j.processedRows,
    progress,
    created: j.created,
    updated: j.updated,
    skipped: j.skipped,
    rejected: j.rejected,
    error: j.error,
    createdByName: j.createdByName,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** A field's label: its own (custom fields) or the catalogue's. */
function fieldLabelOf(kind: ImportKind, f: ImportField | undefined, key: string, locale: Locale): string {
  if (f?.label) return locale === 'en' ? f.label.en : f.label.zh;
  return t(locale, `import.field.${kind}.${key}` as never);
}

export function fieldViews(kind: ImportKind, locale: Locale, fields: ImportField[] = importerFor(kind).fields): ImportFieldView[] {
  return fields.map((f) => ({
    key: f.key,
    label: fieldLabelOf(kind, f, f.key, locale),
    required: Boolean(f.required),
    multi: Boolean(f.multi),
  }));
}

export function rejectReason(locale: Locale, kind: ImportKind, r: { field: string | null; reasonKey: string; params: Record<string, string | number> }): string {
  const params = { ...r.params };
  const by = `imports.by.${String(params.by)}`;
  if (params.by !== undefined && isMessageKey(by)) params.by = t(locale, by);
  const field = r.field ?? 'row';
  // Fields of the import (customerExternalId, amount …) are named by their import labels.
  const importField = `import.field.${kind}.${field}`;
  if (isMessageKey(importField)) params.field = t(locale, importField);
  return issueMessage(locale, { field, key: r.reasonKey as FieldIssue['key'], params });
}

// ---- access -------------------------------------------------------------------------------------------------

function requireImport(actor: Actor | null, kind: ImportKind): asserts actor is Actor {
  requireAccess(actor);
  for (const p of importerFor(kind).permissions) requireAccess(actor, p);
}

/** A job is seen by whoever started it, and by holders of the same permissions with the "all" data scope. */
export async function jobFor(db: Db, actor: Actor | null, id: string): Promise<repo.ImportJobRow> {
  const job = await repo.findJob(db, id);
  if (!job) throw AppError.notFound('imports.not_found');
  requireImport(actor, job.kind);
  if (job.createdBy !== actor.userId && !reachesAll(actor)) throw AppError.notFound('imports.not_found');
  return job;
}

// ---- upload and preview ---------------------------------------------------------------------------------

function uniqueHeaders(cells: Cell[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    let h = cellText(c).trim() || `列${i + 1}`;
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    if (n > 1) h = `${h} (${n})`;
    return h;
  });
}

/** Header → field key from the fields' synonyms. Each field is suggested once, unless it takes several columns. */
export function suggestMapping(kind: ImportKind, headers: string[], fields: ImportField[] = importerFor(kind).fields): Record<string, string> {
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const h of headers) {
    const n = normalizeHeader(h);
    const field = fields.find((f) => (f.multi || !used.has(f.key)) && (normalizeHeader(f.key) === n || f.synonyms.some((s) => normalizeHeader(s) === n)));
    if (field) {
      out[h] = field.key;
      used.add(field.key);
    }
  }
  return out;
}

async function storeUpload(dir: string, body: Readable, maxBytes: number): Promise<{ filePath: string; hash: string; size: number }> {
  mkdirSync(dir, { recursive: true });
  const filePath = path.join(dir, `${randomUUID()}.upload`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) return cb(new AppError('payload_too_large', 'problem.payload_too_large', { limit: maxBytes }));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(filePath));
  } catch (err) {
    await rm(filePath, { force: true });
    throw err;
  }
  return { filePath, hash: hash.digest('hex'), size };
}

export async function uploadImport(
  ctx: ImportContext,
  actor: Actor | null,
  input: { kind: ImportKind; fileName: string },
  body: Readable,
  locale: Locale,
): Promise<ImportPreview> {
  requireImport(actor, input.kind);
  return previewStored(ctx, actor, input, await storeUpload(path.join(ctx.config.dataDir, 'imports'), body, ctx.config.importMaxBytes), locale);
}

/** A stored upload becomes a pending job with its preview; the file is removed when it cannot be read. */
async function previewStored(
  ctx: ImportContext,
  actor: Actor,
  input: { kind: ImportKind; fileName: string },
  { filePath, hash, size }: { filePath: string; hash: string; size: number },
  locale: Locale,
): Promise<ImportPreview> {
  try {
    if (size === 0) throw AppError.field('file', 'imports.empty_file');
    const sniffed = await sniffFile(filePath, input.fileName);
    const head: RawRow[] = [];
    try {
      for await (const r of readRows(filePath, sniffed)) {
        head.push(r);
        if (head.length > PREVIEW_ROWS) break;
      }
    } catch {
      throw AppError.field('file', 'imports.unreadable', { format: sniffed.format });
    }
    if (!head.length) throw AppError.field('file', 'imports.empty_file');
    const headers = uniqueHeaders(head[0]!.cells);
    const templates = await repo.listTemplates(ctx.db, input.kind);
    const fields = await importFieldsOf(ctx.db, input.kind);
    const template = templates.find((tpl) => {
      const keys = Object.keys(tpl.mapping);
      return keys.length > 0 && keys.every((k) => headers.includes(k));
    });
    const job = await repo.insertJob(ctx.db, {
      kind: input.kind,
      fileName: input.fileName,
      filePath,
      fileHash: hash,
      fileSize: size,
      format: sniffed.format,
      encoding: sniffed.encoding,
      delimiter: sniffed.delimiter,
      headers,
      options: { onDuplicate: 'skip', createMissingCustomers: false, ...(template?.options ?? {}) },
      createdBy: actor.userId,
      createdByName: actor.displayName,
    });
    return {
      job: toJobView(job),
      rows: head.slice(1).map((r) => r.cells.map((c) => cellText(c).slice(0, 200))),
      fields: fieldViews(input.kind, locale, fields),
      suggestedMapping: template ? template.mapping : suggestMapping(input.kind, headers, fields),
      templateName: template?.name ?? null,
    };
  } catch (err) {
    await rm(filePath, { force: true });
    throw err;
  }
}

// ---- start ----------------------------------------------------------------------------------------------------

export type StartInput = { mapping: Record<string, string>; options?: Partial<ImportOptions>; saveTemplateAs?: string | null };

/** Checks a mapping against the file's headers and the importer's fields; every problem names its column. */
export function checkMapping(
  kind: ImportKind,
  headers: string[],
  mapping: Record<string, string>,
  locale: Locale,
  fields: ImportField[] = importerFor(kind).fields,
): Record<string, string> {
  const importer = importerFor(kind);
  const label = (key: string): string => fieldLabelOf(kind, fields.find((f) => f.key === key), key, locale);
  const issues: FieldIssue[] = [];
  const clean: Record<string, string> = {};
  const count = new Map<string, number>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!field) continue;
    if (!headers.includes(header)) {
      issues.push({ field: `mapping.${header}`, key: 'imports.unknown_column', params: { column: header } });
      continue;
    }
    const f = fields.find((x) => x.key === field);
    if (!f) {
      issues.push({ field: `mapping.${header}`, key: 'imports.unknown_target', params: { column: header, target: field } });
      continue;
    }
    count.set(field, (count.get(field) ?? 0) + 1);
    if (!f.multi && count.get(field)! > 1) {
      issues.push({ field: `mapping.${header}`, key: 'imports.mapped_twice', params: { column: header, target: label(field) } });
      continue;
    }
    clean[header] = field;
  }
  const mapped = new Set(Object.values(clean));
  for (const f of fields) {
    if (f.required && !mapped.has(f.key)) issues.push({ field: 'mapping', key: 'imports.required_unmapped', params: { target: label(f.key) } });
  }
  for (const group of importer.oneOf ?? []) {
    if (!group.some((k) => mapped.has(k))) issues.push({ field: 'mapping', key: 'imports.one_of_unmapped', params: { targets: group.map(label).join(' / ') } });
  }
  if (issues.length) throw AppError.validation(issues);
  return clean;
}

export async function startImport(
  ctx: ImportContext & { enqueue?: (jobId: string) => Promise<void> },
  actor: Actor | null,
  id: string,
  input: StartInput,
  locale: Locale,
): Promise<ImportJobView> {
  const job = await jobFor(ctx.db, actor, id);
  if (statusOf(job) === 'expired') throw AppError.conflict('imports.expired');
  if (job.status !== 'pending') throw AppError.conflict('imports.already_started');
  const mapping = checkMapping(job.kind, job.headers, input.mapping, locale, await importFieldsOf(ctx.db, job.kind));
  const options: ImportOptions = { ...job.options, ...input.options };
  if (input.saveTemplateAs) {
    await repo.upsertTemplate(ctx.db, { kind: job.kind, name: input.saveTemplateAs, mapping, options, createdBy: actor!.userId });
  }
  const row = await repo.updateJob(ctx.db, id, { status: 'queued', mapping, options });
  if (ctx.enqueue) await ctx.enqueue(id);
  return toJobView(row!);
}

/**
 * Stops an import; the rows already written stay. A pending job (not started) is cancelled at once; a started one is
 * asked to stop (`requestCancel`): a job nobody runs ends at once, a running one at its next batch.
 */
export async function cancelImport(db: Db, actor: Actor | null, id: string): Promise<ImportJobView> {
  const job = await jobFor(db, actor, id);
  if (!['pending', 'queued', 'running'].includes(statusOf(job))) throw AppError.conflict('imports.already_finished');
  const cancelled = job.status === 'pending' && (await repo.cancelPending(db, id));
  // Not pending (or started meanwhile): null when it ended meanwhile.
  if (!cancelled && (await importRuns.requestCancel(db, id)) === null) throw AppError.conflict('imports.already_finished');
  await rm(job.filePath, { force: true });
  return toJobView((await repo.findJob(db, id))!);
}

// ---- running -------------------------------------------------------------------------------------------------

function rowIssue(raw: RawRow, headerCount: number): FieldIssue | null {
  if (raw.broken) return { field: 'row', key: 'imports.broken_encoding', params: {} };
  const extra = raw.cells.slice(headerCount).filter((c) => c !== null && cellText(c).trim() !== '');
  if (extra.length) return { field: 'row', key: 'imports.too_many_cells', params: { count: raw.cells.length, expected: headerCount } };
  const long = raw.cells.findIndex((c) => typeof c === 'string' && c.length > MAX_CELL_CHARS);
  if (long >= 0) return { field: 'row', key: 'imports.cell_too_long', params: { column: long + 1, max: MAX_CELL_CHARS } };
  return null;
}

export type RunOptions = {
  signal?: AbortSignal;
  onProgress?: (job: repo.ImportJobRow) => void;
  /** The actor when nobody signed in started it (the CLI). */
  fallbackActor?: Actor;
  resolveActor?: (userId: string) => Promise<Actor | null>;
  /** Nothing else uses the database meanwhile (`hearth import`): the importer's full batches on PGlite too. */
  exclusive?: boolean;
};

/**
 * Runs (or resumes) a job to its end. Returns the job as it ended; a job someone else is running, or that is
 * already finished, is returned untouched. A failure is stored on the job; a lost database connection is thrown with
 * the job left running (taken over once the database is back).
 */
export async function runImport(db: Db, id: string, opts: RunOptions = {}): Promise<repo.ImportJobRow | undefined> {
  // A failure is stored in Chinese, as the people who started the import read it.
  const zh = (err: unknown) => (err instanceof AppError ? new Error(t('zh-CN', err.key, err.params)) : err);
  try {
    const outcome = await importRuns.execute(db, id, (run) => importRows(db, run, opts).catch((err: unknown) => Promise.reject(zh(err))), { signal: opts.signal });
    const job = outcome === 'cancelled' ? await repo.findJob(db, id) : undefined;
    if (job) await rm(job.filePath, { force: true });
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    await importFailed(db, id);
  }
  return repo.findJob(db, id);
}

/** The import itself, as the holder of its run: every batch commits its rows, its rejects, the counters and the checkpoint together. */
async function importRows(db: Db, run: RunHandle<ImportCheckpoint>, opts: RunOptions): Promise<void> {
  const id = run.id;
  let job = (await repo.findJob(db, id))!;
  const importer = importerFor(job.kind);
  const actor = job.createdBy ? await opts.resolveActor?.(job.createdBy) : (opts.fallbackActor ?? systemActor('system'));
  if (!actor || !importer.permissions.every((p) => can(actor, p))) throw new Error('the user who started the import can no longer import');
  const columns = job.headers.map((h) => job.mapping[h] ?? null);
  // On the embedded database the job shares the one connection and thread with every request: batches are sized so
  // that each transaction takes about SLICE_TARGET_MS, with a turn of the event loop after each (requests that arrived
  // meanwhile go first). On PostgreSQL requests have connections of their own: the importer's batch size.
  const embedded = isEmbedded(db) && !opts.exclusive;
  const batchRows = importer.batchRows ?? 2000;
  const sizer = embedded ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 200, min: 20, max: batchRows }) : SliceSizer.fixed(batchRows);
  const upkeep = new BulkUpkeep(db, embedded ? (importer.tables ?? []) : [], { cleanEvery: 2000, vacuumEvery: null, analyze: 'grown' });
  const ctxBase = { actor, jobId: job.id, filePrefix: `${job.fileHash.slice(0, 16)}:`, options: job.options, memo: {} };
  let seen = 0; // data rows read so far
  let batch: { raw: RawRow; issue: FieldIssue | null }[] = [];

  /** The CPU part of a batch (cells → values, the importer's parsing), done while the previous batch is written. */
  type Ready = { rows: { raw: RawRow; issue: FieldIssue | null }[]; valid: ImportRow[]; early: RowOutcome[]; prepared: unknown; bytes: number };
  const prepare = (rows: Ready['rows'], bytes: number): Ready => {
    const valid: ImportRow[] = [];
    const early: RowOutcome[] = [];
    for (const { raw, issue } of rows) {
      if (issue) {
        early.push({ row: raw.row, outcome: 'rejected', issue });
        continue;
      }
      const values: Record<string, Cell[]> = {};
      columns.forEach((field, i) => {
        if (!field) return;
        const c = raw.cells[i] ?? null;
        (values[field] ??= []).push(typeof c === 'string' ? c.trim() : c);
      });
      valid.push({ row: raw.row, values });
    }
    return { rows, valid, early, prepared: valid.length && importer.prepare ? importer.prepare(valid, ctxBase) : undefined, bytes };
  };

  /** Writes a batch, its rejects and the checkpoint in one transaction; false when the job must stop. */
  const write = async (b: Ready): Promise<boolean> => {
    const { next, going } = await db.transaction(async (tx) => {
      const elapsed = sliceTimer();
      const outcomes: RowOutcome[] = [...b.early];
      if (b.valid.length) outcomes.push(...(await importer.processBatch(tx, ctxBase, b.valid, b.prepared)));
      const cellsOf = new Map(b.rows.map((r) => [r.raw.row, r.raw.cells]));
      const rejects = outcomes.filter((o): o is Extract<RowOutcome, { outcome: 'rejected' }> => o.outcome === 'rejected');
      await repo.insertRejects(
        tx,
        rejects.map((r) => ({
          jobId: job.id,
          row: r.row,
          field: r.issue.field,
          reasonKey: r.issue.key,
          params: r.issue.params ?? {},
          cells: (cellsOf.get(r.row) ?? []).map((c) => cellText(c).slice(0, 500)),
        })),
      );
      const n = (k: RowOutcome['outcome']) => outcomes.filter((o) => o.outcome === k).length;
      const updated = await repo.updateJob(tx, job.id, {
        processedRows: job.processedRows + b.rows.length,
        bytesDone: b.bytes,
        created: job.created + n('created'),
        updated: job.updated + n('updated'),
        skipped: job.skipped + n('skipped'),
        rejected: job.rejected + n('rejected'),
      });
      // The run's checkpoint, last (fenced by the run's owner: a job taken over meanwhile rolls this batch back).
      // False: a cancel was requested, and the batch commits with the status `cancelled`.
      const going = await run.save(tx, { processedRows: updated!.processedRows, bytesDone: b.bytes }, { phase: 'rows', done: b.bytes, total: job.fileSize });
      sizer.record(b.rows.length, elapsed());
      return { next: updated!, going };
    });
    job = next;
    opts.onProgress?.(job);
    if (embedded) {
      await yieldToEventLoop();
      await upkeep.after(b.rows.length);
    }
    // Cancelled, taken over, or the process is stopping: the checkpoint stays as it is.
    return going && !run.signal.aborted;
  };

  // Batches are written one after another (each checkpoint follows the previous one), but reading and preparing the
  // next batch overlaps the database's work on the current one.
  let inflight: Promise<boolean> | null = null;
  const submit = async (bytes: number): Promise<boolean> => {
    const ready = prepare(batch, bytes);
    batch = [];
    if (inflight && !(await inflight)) return false;
    inflight = write(ready);
    inflight.catch(() => {}); // awaited (and so reported) with the next batch or at the end
    return true;
  };

  let header = true;
  let lastBytes = job.bytesDone;
  for await (const raw of readRows(job.filePath, { format: job.format, encoding: job.encoding as 'utf-8', delimiter: job.delimiter })) {
    if (header) {
      header = false;
      continue;
    }
    seen++;
    if (seen <= job.processedRows) continue; // done before a restart
    lastBytes = raw.bytesRead;
    batch.push({ raw, issue: rowIssue(raw, job.headers.length) });
    if (batch.length >= sizer.size && !(await submit(raw.bytesRead))) return;
  }
  if (batch.length && !(await submit(lastBytes))) return;
  if (inflight && !(await inflight)) return;
  if (run.signal.aborted) return; // a stop (or a cancel) that came after the last batch
  const done = await db.transaction(async (tx) => {
    await run.finish(tx, {
      progress: { phase: 'done', done: job.fileSize, total: job.fileSize },
      checkpoint: { processedRows: job.processedRows, bytesDone: job.fileSize },
    });
    const row = await repo.updateJob(tx, id, { bytesDone: job.fileSize });
    await recordAudit(tx, actor, {
      action: 'import',
      entityType: 'import',
      entityId: id,
      changes: { kind: job.kind, fileName: job.fileName, created: job.created, updated: job.updated, skipped: job.skipped, rejected: job.rejected },
    });
    await importFinished(tx, row!, 'done');
    return row;
  });
  await rm(job.filePath, { force: true });
  // Fresh planner statistics for the tables that just grew (the embedded database has no autovacuum to do it): table
  // by table in slices of their own on PGlite (with the GIN pending lists emptied), the whole database elsewhere.
  if (embedded && importer.tables?.length) await upkeep.finish();
  else await db.execute(sql`analyze`);
  opts.onProgress?.(done!);
}

/** Jobs that were queued or running when the process stopped: picked up again at start. */
export async function unfinishedImportIds(db: Db): Promise<string[]> {
  return importRuns.unfinished(db);
}

// ---- reading --------------------------------------------------------------------------------------------------

export async function getImport(db: Db, actor: Actor | null, id: string): Promise<ImportJobView> {
  return toJobView(await jobFor(db, actor, id));
}

export async function listImports(db: Db, actor: Actor | null, limit: number): Promise<ImportJobView[]> {
  requireAccess(actor, 'customer:write');
  const rows = await repo.listJobs(db, { createdBy: reachesAll(actor) ? null : actor.userId, limit });
  return rows.filter((j) => importerFor(j.kind).permissions.every((p) => can(actor, p))).map(toJobView);
}

export async function listImportRejects(
  db: Db,
  actor: Actor | null,
  id: string,
  q: { afterRow: number; limit: number },
  locale: Locale,
): Promise<{ items: ImportRejectView[]; nextAfterRow: number | null }> {
  const job = await jobFor(db, actor, id);
  const rows = await repo.listRejects(db, id, q.afterRow, q.limit + 1);
  const items = rows.slice(0, q.limit).map((r) => ({ row: r.row, field: r.field, reason: rejectReason(locale, job.kind, r), cells: r.cells }));
  return { items, nextAfterRow: rows.length > q.limit ? items[items.length - 1]!.row : null };
}


/** The outcome in the CLI's contract: counts, and every rejected row with its zh-CN (or English) reason. */
export async function importOutcome(
  db: Db,
  id: string,
  locale: Locale,
): Promise<{ created: number; updated: number; skipped: number; rejected: { row: number; reason: string }[] }> {
  const job = await repo.findJob(db, id);
  if (!job) throw AppError.notFound('imports.not_found');
  const rejected: { row: number; reason: string }[] = [];
  let after = 0;
  for (;;) {
    const rows = await repo.listRejects(db, id, after, 5000);
    for (const r of rows) rejected.push({ row: r.row, reason: rejectReason(locale, job.kind, r) });
    if (rows.length < 5000) break;
    after = rows[rows.length - 1]!.row;
  }
  return { created: job.created, updated: job.updated, skipped: job.skipped, rejected };
}

// ---- templates --------------------------------------------------------------------------------------------------

function toTemplateView(r: repo.ImportTemplateRow): ImportTemplateView {
  return { id: r.id, kind: r.kind, name: r.name, mapping: r.mapping, options: r.options };
}

export async function listImportTemplates(db: Db, actor: Actor | null, kind?: ImportKind): Promise<ImportTemplateView[]> {
  requireAccess(actor, 'customer:write');
  return (await repo.listTemplates(db, kind)).map(toTemplateView);
}

export async function deleteImportTemplate(db: Db, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'customer:write');
  if (!(await repo.deleteTemplate(db, id))) throw AppError.notFound('imports.template_not_found');
}

/** For the CLI: a file already on disk becomes a job, or the unfinished job of the same file is resumed. */
export async function prepareFileImport(
  db: Db,
  config: Config,
  actor: Actor,
  input: { kind: ImportKind; filePath: string; mapping?: Record<string, string>; options?: Partial<ImportOptions> },
): Promise<{ id: string; resumed: boolean }> {
  requireImport(actor, input.kind);
  // One pass over the file: copied (as an upload is) and hashed together; the copy is dropped when resuming.
  const stored = await storeUpload(path.join(config.dataDir, 'imports'), createReadStream(input.filePath), config.importMaxBytes);
  const existing = await repo.findResumable(db, input.kind, stored.hash);
  if (existing) {
    await rm(stored.filePath, { force: true });
    return { id: existing.id, resumed: true };
  }
  const preview = await previewStored({ db, config }, actor, { kind: input.kind, fileName: path.basename(input.filePath) }, stored, 'zh-CN');
  const mapping = input.mapping ?? preview.suggestedMapping;
  await startImport({ db, config }, actor, preview.job.id, { mapping, options: input.options }, 'zh-CN');
  return { id: preview.job.id, resumed: false };
}
