/**
 * Retention of notifications (issue #21): they do not pile up forever. A notification that was read goes when it is
 * 90 days old, any other (unread too) at 180 days — age counted from when it was made. What a notification tells lives
 * on in its record (the ticket, the task, the import), so nothing is lost but the message itself.
 *
 * The daily cleanup: the notifications clock (every minute in each server that runs the clocks) claims the cleanup once
 * per company day, from 03:00 company time — the `cleanup` row of `notification_watermarks` holds the instant of the
 * last claim, and one `UPDATE … WHERE` on it lets one process claim the day — and queues the pg-boss job
 * `notifications.cleanup`. The job walks the notifications older than 90 days from the oldest along the
 * `(created_at, id)` index, a slice at a time: one statement takes the next rows after the previous slice's last one
 * and deletes those read or older than 180 days, stepping over the unread ones, so no slice reads the same rows twice.
 * Each slice is its own short transaction followed by a turn of the event loop (on PGlite sized by time, about 100 ms:
 * requests that arrived meanwhile go first; on PostgreSQL 5,000 rows). It is idempotent: a second run, another
 * process's, or a run stopped half-way (the rest goes the next day) deletes only what has expired, never a row twice.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { companyClock } from '../settings/index.js';
import { notifications, notificationWatermarks } from './schema.js';

/** Days a notification is kept: read ones, and any (unread too). */
export const NOTIFICATION_RETENTION = { readDays: 90, anyDays: 180 } as const;
/** The pg-boss queue of the daily cleanup. */
export const NOTIFICATION_CLEANUP_QUEUE = 'notifications.cleanup';
/** The cleanup of a company day is claimed by the first check from this hour (company time). */
export const CLEANUP_HOUR = 3;

const CLEANUP_WATERMARK = 'cleanup';
const DAY_MS = 24 * 3600_000;
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Claims the cleanup of `now`'s company day (from 03:00 company time): true for exactly one caller per day — it then
 * queues the job. A day whose job was lost (a crash) is not tried again: the next day's run deletes what it left.
 */
export async function claimDailyCleanup(db: DbOrTx, now: Date): Promise<boolean> {
  const clock = await companyClock(db, now);
  if (clock.hour < CLEANUP_HOUR) return false;
  await db.insert(notificationWatermarks).values({ name: CLEANUP_WATERMARK, until: new Date(0), untilId: ZERO_ID }).onConflictDoNothing();
  const claimed = rowsOf<{ name: string }>(
    await db.execute(sql`
      update ${notificationWatermarks} set until = ${now.toISOString()}::timestamptz
      where name = ${CLEANUP_WATERMARK} and (until at time zone ${clock.zone})::date < ${clock.today}::date
      returning name`),
  );
  return claimed.length > 0;
}

export type CleanupOptions = {
  /** Aborts between slices (the process is stopping): what is left goes at the next run. */
  signal?: AbortSignal;
  /** Rows looked at per slice (default: sized by time on PGlite, 5,000 on PostgreSQL). Tests pass a small one. */
  sliceSize?: number;
};

type SliceResult = { scanned: number; deleted: number; lastAt: string | null; lastId: string | null };

/** One slice: the next `size` notifications older than the read cutoff after `after`, the expired ones deleted. */
async function cleanupSlice(db: Db, cutoffs: { read: string; any: string }, after: { at: string; id: string } | null, size: number): Promise<SliceResult> {
  const [row] = rowsOf<SliceResult>(
    await db.execute(sql`
      with slice as (
        select id, created_at, read_at from ${notifications}
        where created_at < ${cutoffs.read}::timestamptz
          ${after ? sql`and (created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
        order by created_at, id
        limit ${size}
      ), gone as (
        delete from ${notifications} n using slice s
        where n.id = s.id and (s.read_at is not null or s.created_at < ${cutoffs.any}::timestamptz)
        returning n.id
      ), last as (
        select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id from slice order by created_at desc, id desc limit 1
      )
      select (select count(*) from slice)::int as scanned, (select count(*) from gone)::int as deleted,
             (select at from last) as "lastAt", (select id::text from last) as "lastId"`),
  );
  return row ?? { scanned: 0, deleted: 0, lastAt: null, lastId: null };
}

/**
 * Deletes the expired notifications as of `now`: read ones older than 90 days, any older than 180 (see the file
 * comment for the slices). Returns how many it deleted.
 */
export async function deleteExpiredNotifications(db: Db, now: Date, opts: CleanupOptions = {}): Promise<number> {
  const cutoffs = {
    read: new Date(now.getTime() - NOTIFICATION_RETENTION.readDays * DAY_MS).toISOString(),
    any: new Date(now.getTime() - NOTIFICATION_RETENTION.anyDays * DAY_MS).toISOString(),
  };
  const sizer = opts.sliceSize
    ? SliceSizer.fixed(opts.sliceSize)
    : isEmbedded(db)
      ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 1000, min: 100, max: 10_000 })
      : SliceSizer.fixed(5000);
  let after: { at: string; id: string } | null = null;
  let deleted = 0;
  while (!opts.signal?.aborted) {
    const size = sizer.size;
    const elapsed = sliceTimer();
    const slice = await cleanupSlice(db, cutoffs, after, size);
    sizer.record(slice.scanned, elapsed());
    deleted += slice.deleted;
    if (slice.scanned < size || !slice.lastAt || !slice.lastId) break;
    after = { at: slice.lastAt, id: slice.lastId };
    await yieldToEventLoop();
  }
  return deleted;
}
