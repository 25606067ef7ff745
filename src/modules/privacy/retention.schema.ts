import { sql } from 'drizzle-orm';
import { date, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { runColumns } from '../../platform/runs/columns.js';
import { RETENTION_MODES, RETENTION_TRIGGERS, type RetentionCheckpoint, type RetentionPolicySnapshot, type RetentionReport } from './retention.contract.js';

/**
 * 数据保留 runs (issue #18 item 5), durable runs: a dry run counts what each policy would remove (and keeps a sample of
 * ids); an apply run removes exactly what its dry run's cut-off times select, in short transactions with a checkpoint
 * each. The nightly dry run is one per company day (`day`); an apply names its dry run, once.
 */
export const retentionRuns = pgTable(
  'privacy_retention_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    mode: text('mode', { enum: RETENTION_MODES }).notNull(),
    trigger: text('trigger', { enum: RETENTION_TRIGGERS }).notNull(),
    day: date('day', { mode: 'string' }),
    dryRunId: uuid('dry_run_id'),
    /** The policies as they were when the run was made, with each one's cut-off time. */
    policies: jsonb('policies').$type<RetentionPolicySnapshot[]>().notNull(),
    report: jsonb('report').$type<RetentionReport>().notNull().default({}),
    createdBy: uuid('created_by').references(() => users.id),
    ...runColumns<RetentionCheckpoint>(),
  },
  (t) => [
    index('privacy_retention_runs_created_idx').on(t.createdAt, t.id),
    uniqueIndex('privacy_retention_runs_nightly_idx').on(t.day).where(sql`${t.trigger} = 'nightly'`),
    uniqueIndex('privacy_retention_runs_apply_idx').on(t.dryRunId).where(sql`${t.mode} = 'apply'`),
  ],
);
