/**
 * A durable run's work in slices (campaign launches, survey sends): each slice one transaction that does the work
 * and saves the checkpoint describing it, sized by a SliceSizer, with a turn of the event loop after it (on the
 * embedded database requests that arrived meanwhile go first).
 */
import type { Db, DbOrTx } from '../db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../db/slice.js';
import type { RunProgress } from './columns.js';
import { RunLostError, type RunHandle } from './runs.js';

/** Rows per slice of a run that writes a row or two per customer: sized by time on PGlite, 5,000 on PostgreSQL. */
export function perCustomerSizer(db: Db): SliceSizer {
  return isEmbedded(db) ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 1000, min: 200, max: 10_000 }) : SliceSizer.fixed(5000);
}

/**
 * One slice: `work` (given the rows to take) returns the next checkpoint and the progress, saved in the same
 * transaction; `saved` then learns the checkpoint. False when the run must stop (a cancel, or the process stopping);
 * a run another process took over throws RunLostError (and its slice rolls back).
 */
export async function runSlice<C>(
  db: Db,
  run: RunHandle<C>,
  sizer: SliceSizer,
  work: (tx: DbOrTx, size: number) => Promise<{ next: C; progress: RunProgress }>,
  saved: (next: C) => void,
): Promise<boolean> {
  if (run.signal.aborted) {
    if (run.lost) throw new RunLostError(run.id);
    return false;
  }
  const size = sizer.size;
  const elapsed = sliceTimer();
  const kept = await db.transaction(async (tx) => {
    const { next, progress } = await work(tx, size);
    const ok = await run.save(tx, next, progress);
    saved(next);
    return ok;
  });
  sizer.record(size, elapsed());
  await yieldToEventLoop();
  return kept;
}
