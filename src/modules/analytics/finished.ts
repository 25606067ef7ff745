import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { analyticsRuns } from './schema.js';

/**
 * What other modules may do when an analytics run ends, done or failed (the notifications module tells the user who
 * started it; a nightly run has nobody). A done run's hooks run inside the transaction that marks it done; a failed
 * run's right after its failure is stored. A cancelled or interrupted run calls none.
 */
export type AnalyticsRunFinishedEvent = {
  runId: string;
  asOf: string;
  kind: 'nightly' | 'manual' | 'cli';
  status: 'done' | 'failed';
  /** Who started it (null: the nightly run, the system). */
  requestedBy: string | null;
  /** The customers analysed (done runs). */
  customers: number | null;
  error: string | null;
  at: Date;
};

export type AnalyticsRunFinishedHook = (db: DbOrTx, e: AnalyticsRunFinishedEvent) => Promise<void>;

const hooks = new Set<AnalyticsRunFinishedHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerAnalyticsRunFinishedHook(fn: AnalyticsRunFinishedHook): void {
  hooks.add(fn);
}

type RunRow = typeof analyticsRuns.$inferSelect;

/** Calls every registered hook for a run that ended (`row` as it was read; `customers` when done). */
export async function analyticsRunFinished(db: DbOrTx, row: RunRow, status: 'done' | 'failed', customers: number | null = null, error: string | null = null): Promise<void> {
  if (!hooks.size) return;
  const e: AnalyticsRunFinishedEvent = { runId: row.id, asOf: row.asOf, kind: row.kind, status, requestedBy: row.requestedBy, customers, error, at: new Date() };
  for (const fn of hooks) await fn(db, e);
}

/** After a run that threw: the hooks hear of the run if its failure was stored (not when it was left for a takeover). */
export async function analyticsRunFailed(db: DbOrTx, runId: string): Promise<void> {
  const [row] = await db.select().from(analyticsRuns).where(sql`${analyticsRuns.id} = ${runId}`);
  if (row?.status === 'failed') await analyticsRunFinished(db, row, 'failed', null, row.error);
}
