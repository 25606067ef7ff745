/**
 * The columns of a durable run, spread into a module's own run table (`...runColumns()`): the table keeps its rows,
 * its own columns and its own invariants (partial unique indexes over `status`, say), and `DurableRuns` (runs.ts)
 * operates on these columns. The names are fixed: the primitive's SQL names them.
 */
import { boolean, jsonb, text, timestamp } from 'drizzle-orm/pg-core';

/** The lifecycle the primitive drives: queued → running → done | failed | cancelled (and running ↔ taken over). */
export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What the run is doing, for the people waiting: a phase and a count out of a total. */
export type RunProgress = { phase: string; done: number; total: number };

export const QUEUED_PROGRESS: RunProgress = { phase: 'queued', done: 0, total: 0 };

/**
 * `C` is the checkpoint's JSON shape. A module with statuses of its own before or after the run (imports' `pending`,
 * before the mapping is confirmed) names them in `extraStatuses`; the primitive never sets or matches them.
 */
export function runColumns<C = unknown, const E extends string = never>(opts: { extraStatuses?: readonly E[]; defaultStatus?: RunStatus | E } = {}) {
  const statuses = [...RUN_STATUSES, ...(opts.extraStatuses ?? [])] as [RunStatus | E, ...(RunStatus | E)[]];
  return {
    status: text('status', { enum: statuses }).notNull().default(opts.defaultStatus ?? 'queued'),
    /** The process running it (`PROCESS_OWNER` of that process); null when nobody holds it. */
    owner: text('owner'),
    progress: jsonb('progress').$type<RunProgress>().notNull().default(QUEUED_PROGRESS),
    /** Where a resume starts: written in the same transaction as the work it describes. Null: from the start. */
    checkpoint: jsonb('checkpoint').$type<C>(),
    /** A user asked to stop; the run stops at its next checkpoint (status `cancelled`). */
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** Beaten every few seconds by the owner (database time); a running run whose heartbeat is stale is taken over. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  };
}
