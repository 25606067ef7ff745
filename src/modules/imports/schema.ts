import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import type { ImportOptions } from './imports.contract.js';

/** Where a resumed import starts: the data rows done and the bytes read, committed with each batch (the job's run checkpoint). */
export type ImportCheckpoint = { processedRows: number; bytesDone: number };

/**
 * One import: the uploaded file (kept under DATA_DIR/imports until the job is done), how its columns map to fields,
 * and the progress. A durable run (`platform/runs`) once started (`pending` comes before: the mapping is not yet
 * confirmed). `processed_rows` is where a resume starts: every batch commits its rows, its rejects, the counters and
 * the run's checkpoint in one transaction, so a job resumed after a crash starts exactly where the last batch ended.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['customers', 'transactions', 'feedback'] }).notNull(),
    ...runColumns<ImportCheckpoint, 'pending'>({ extraStatuses: ['pending'], defaultStatus: 'pending' }),
    fileName: text('file_name').notNull(),
    filePath: text('file_path').notNull(),
    fileHash: text('file_hash').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    format: text('format', { enum: ['csv', 'xlsx', 'whitespace'] }).notNull(),
    encoding: text('encoding').notNull(),
    delimiter: text('delimiter'),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull().default({}),
    options: jsonb('options').$type<ImportOptions>().notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    bytesDone: bigint('bytes_done', { mode: 'number' }).notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name'),
  },
  (t) => [index('import_jobs_created_idx').on(t.createdAt), index('import_jobs_status_idx').on(t.status)],
);

/** Each refused row of a job: its number as a spreadsheet shows it (header = row 1), why, and what it held. */
export const importRejects = pgTable(
  'import_rejects',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    field: text('field'),
    reasonKey: text('reason_key').notNull(),
    params: jsonb('params').$type<Record<string, string | number>>().notNull().default({}),
    cells: jsonb('cells').$type<string[]>().notNull().default([]),
  },
  (t) => [uniqueIndex('import_rejects_job_row').on(t.jobId, t.row)],
);

/** A saved column mapping, offered again when a file with the same headers is uploaded. */
export const importTemplates = pgTable(
  'import_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['customers', 'transactions', 'feedback'] }).notNull(),
    name: text('name').notNull(),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
    options: jsonb('options').$type<Partial<ImportOptions>>().notNull().default({}),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('import_templates_kind_name').on(t.kind, t.name)],
);
