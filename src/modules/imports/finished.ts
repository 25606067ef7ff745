import type { DbOrTx } from '../../platform/db/client.js';
import type { ImportKind } from './imports.contract.js';
import * as repo from './imports.repository.js';
import type { ImportJobRow } from './imports.repository.js';

/**
 * What other modules may do when an import job ends, done or failed (the notifications module tells the user who
 * started it). A done job's hooks run inside the transaction that marks it done; a failed job's right after its failure
 * is stored. A cancelled or interrupted job calls none.
 */
export type ImportFinishedEvent = {
  jobId: string;
  kind: ImportKind;
  fileName: string;
  status: 'done' | 'failed';
  /** Who started it (null: the CLI or the system). */
  startedBy: string | null;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  /** The failure, as stored on the job (in Chinese, as imports store it). */
  error: string | null;
  at: Date;
};

export type ImportFinishedHook = (db: DbOrTx, e: ImportFinishedEvent) => Promise<void>;

const hooks = new Set<ImportFinishedHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerImportFinishedHook(fn: ImportFinishedHook): void {
  hooks.add(fn);
}

/** Calls every registered hook for a job that ended (`job` as it ended). */
export async function importFinished(db: DbOrTx, job: ImportJobRow, status: 'done' | 'failed'): Promise<void> {
  const e: ImportFinishedEvent = {
    jobId: job.id,
    kind: job.kind,
    fileName: job.fileName,
    status,
    startedBy: job.createdBy,
    created: job.created,
    updated: job.updated,
    skipped: job.skipped,
    rejected: job.rejected,
    error: job.error,
    at: job.finishedAt ?? new Date(),
  };
  for (const fn of hooks) await fn(db, e);
}

/** After a run that threw: the hooks hear of the job if its failure was stored (not when it was left for a resume). */
export async function importFailed(db: DbOrTx, id: string): Promise<void> {
  const job = await repo.findJob(db, id);
  if (job?.status === 'failed') await importFinished(db, job, 'failed');
}
