/** Durable runs: resumable long work with claim, heartbeat, progress, checkpoints and cancel (see runs.ts). */
export { QUEUED_PROGRESS, RUN_STATUSES, runColumns, type RunProgress, type RunStatus } from './columns.js';
export { perCustomerSizer, runSlice } from './slices.js';
export { DurableRuns, PROCESS_OWNER, RunHandle, RunLostError, type DurableRunsOptions, type RunOutcome, type RunState, type RunTable } from './runs.js';
