/**
 * Refreshing dynamic segments: a durable run (`platform/runs`) per request — one segment (on demand, the CLI) or every
 * dynamic segment (the nightly run, one per company date; the CLI without an id), dependencies first. Each segment
 * lets the customers who match its rule and are not members enter and sets `exited_at` on the members who no longer
 * match, and saves the checkpoint (the segment, the id reached, the run's clock) in the same transaction, so a resume
 * continues after the last committed step. On PGlite, which shares the server's event loop, a segment is walked in id
 * slices sized to a few milliseconds each (`refreshSlice`), yielding between them. On PostgreSQL a segment is one
 * statement (`refreshWhole`): evaluated per slice, every analytics or purchase condition became an index probe per
 * customer (166 s for the heating demo's 8 segments at a million households); evaluated whole, the planner hashes
 * each source once. That transaction lasts as long as one evaluation of the rule (about the builder's count) and
 * blocks no one: it changes only this segment's membership rows, and the pool's other connections go on. At the end
 * of each segment its member count, `refreshed_at` and the day's count are written. Refreshing twice changes nothing
 * the second time.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, isUniqueViolation, type Db, type DbOrTx } from '../../platform/db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { DurableRuns, RunLostError, type RunHandle } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import type { RefreshView } from './segments.contract.js';
import { analyzeMembers, findSegment, liveSegments, recount, refreshSlice, refreshWhole, sliceEnd } from './segments.repository.js';
import { loadFieldContext } from './fields.js';
import { dependencyOrder, segmentCompiler } from './segments.rules.js';
import { companyClock } from '../settings/index.js';
import { segmentRefreshes, type RefreshCheckpoint } from './schema.js';

/** pg-boss queue of refresh runs. */
export const SEGMENTS_QUEUE = 'segments.refresh';
/** A run whose heartbeat is older than this was left by a stopped process (a running one beats every 10 s). */
const STALE_SECONDS = 60;
/** A run that moved at least this many memberships refreshes the table's statistics when it ends. */
const ANALYZE_AFTER = 1000;
const runs = new DurableRuns<RefreshCheckpoint>(segmentRefreshes, { staleSeconds: STALE_SECONDS });

type RunRow = typeof segmentRefreshes.$inferSelect;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function refreshView(r: RunRow): RefreshView {
  const done = r.status === 'done';
  return {
    id: r.id,
    segmentId: r.segmentId,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    entered: done ? r.entered : (r.checkpoint?.entered ?? 0),
    exited: done ? r.exited : (r.checkpoint?.exited ?? 0),
    error: r.error,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

async function runRow(db: DbOrTx, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(segmentRefreshes).where(sql`${segmentRefreshes.id} = ${id}`);
  return row;
}

/** A segment's latest refresh run (null: never refreshed on its own). */
export async function latestRefresh(db: DbOrTx, segmentId: string): Promise<RefreshView | null> {
  const [row] = await db
    .select()
    .from(segmentRefreshes)
    .where(sql`${segmentRefreshes.segmentId} = ${segmentId}`)
    .orderBy(sql`${segmentRefreshes.createdAt} desc, ${segmentRefreshes.id} desc`)
    .limit(1);
  return row ? refreshView(row) : null;
}

export async function getRefresh(db: DbOrTx, actor: Actor | null, id: string): Promise<RefreshView> {
  requireAccess(actor, 'segment:read');
  const row = await runRow(db, id);
  if (!row) throw AppError.notFound('segments.refresh_not_found');
  return refreshView(row);
}

/**
 * Queues a refresh: of one dynamic segment, or (no segment) of every dynamic segment. A segment already queued or
 * running answers that run; a nightly run for a date that already has one returns null (exactly one process wins).
 */
export async function startRefresh(
  db: Db,
  actor: Actor | null,
  opts: { segmentId?: string | null; kind: 'manual' | 'nightly' | 'cli'; asOf?: string },
): Promise<RefreshView | null> {
  requireAccess(actor, 'segment:manage');
  await runs.failStale(db);
  const segmentId = opts.segmentId ?? null;
  if (segmentId) {
    const seg = await findSegment(db, segmentId);
    if (!seg) throw AppError.notFound('segments.not_found');
    if (seg.deletedAt) throw AppError.conflict('segments.deleted');
    if (seg.kind !== 'dynamic') throw AppError.conflict('segments.static_no_refresh');
  }
  const asOf = opts.asOf ?? (await companyClock(db)).today;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(segmentRefreshes)
        .values({ segmentId, kind: opts.kind, asOf, status: 'queued', requestedBy: actor.userId, heartbeatAt: new Date() })
        .returning();
      await recordAudit(tx, actor, { action: 'segment.refresh', entityType: 'segment', entityId: segmentId, changes: { kind: opts.kind, run: row!.id } });
      return refreshView(row!);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'segment_refreshes_nightly_unique')) return null;
    if (isUniqueViolation(err, 'segment_refreshes_active_unique')) {
      if (opts.kind === 'nightly') return null;
      const [active] = await db
        .select()
        .from(segmentRefreshes)
        .where(sql`${segmentRefreshes.segmentId} = ${segmentId} and ${segmentRefreshes.status} in ('queued', 'running')`);
      if (active) return refreshView(active);
    }
    throw err;
  }
}

/** Runs waiting or interrupted (queued again when the server starts). */
export async function unfinishedRefreshIds(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

/**
 * The nightly schedule: between 02:00 and 06:00 company time, queue the night's refresh of every dynamic segment
 * unless the date has one. Returns the run to execute, if this process queued it.
 */
export async function queueNightlyRefresh(db: Db, actor: Actor, now = new Date()): Promise<RefreshView | null> {
  const clock = await companyClock(db, now);
  if (clock.hour < 2 || clock.hour >= 6) return null;
  return startRefresh(db, actor, { kind: 'nightly', asOf: clock.today });
}

/** Executes a queued run (see the file comment); failures are stored on the run. Answers the run as it ended. */
export async function executeRefresh(db: Db, runId: string, opts: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<RefreshView> {
  try {
    await runs.execute(db, runId, (run) => performRefresh(db, run), { signal: opts.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err; // left running: taken over once the database is back
    opts.log?.(`segment refresh ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const row = await runRow(db, runId);
  if (!row) throw AppError.notFound('segments.refresh_not_found');
  return refreshView(row);
}

/** The run's first checkpoint: its segments (dependencies first), its clock. */
async function firstCheckpoint(db: DbOrTx, row: RunRow): Promise<RefreshCheckpoint> {
  const dynamic = (await liveSegments(db)).filter((s) => s.kind === 'dynamic');
  const segmentIds = row.segmentId ? [row.segmentId] : dependencyOrder(dynamic).map((s) => s.id);
  return { segmentIds, index: 0, after: null, now: new Date().toISOString(), entered: 0, exited: 0 };
}

async function performRefresh(db: Db, run: RunHandle<RefreshCheckpoint>): Promise<void> {
  const row = await runRow(db, run.id);
  if (!row) throw AppError.notFound('segments.refresh_not_found');
  let cp = run.resumeFrom ?? (await firstCheckpoint(db, row));
  // PGlite shares the event loop: it walks id slices sized to a few milliseconds each. PostgreSQL evaluates each
  // segment whole (refreshWhole), which lets it hash-join instead of probing per customer.
  const embedded = isEmbedded(db);
  const sizer = new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 2000, min: 200, max: 50_000 });
  const total = cp.segmentIds.length;
  // Read once per run: the custom fields and whether analytics results exist (every segment's rule compiles with them).
  const fieldCtx = await loadFieldContext(db);
  while (cp.index < cp.segmentIds.length) {
    const segmentId = cp.segmentIds[cp.index]!;
    const seg = await findSegment(db, segmentId);
    if (!seg || seg.deletedAt || seg.kind !== 'dynamic' || !seg.rule) {
      cp = { ...cp, index: cp.index + 1, after: null };
      continue;
    }
    const compile = await segmentCompiler(db, seg.rule, new Date(cp.now), fieldCtx);
    for (;;) {
      if (run.signal.aborted) {
        if (run.lost) throw new RunLostError(run.id);
        return; // a cancel (execute ends the run cancelled) or a stop (released, resumed from the checkpoint)
      }
      const size = sizer.size;
      const elapsed = sliceTimer();
      const kept = await db.transaction(async (tx) => {
        // A step is the next id slice on PGlite, the whole segment in one statement on PostgreSQL (refreshWhole).
        const upTo = embedded ? await sliceEnd(tx, cp.after, size) : null;
        const range = { after: cp.after, upTo };
        const moved = embedded ? await refreshSlice(tx, segmentId, compile(range), range) : await refreshWhole(tx, segmentId, compile());
        const next: RefreshCheckpoint = { ...cp, after: upTo, entered: cp.entered + moved.entered, exited: cp.exited + moved.exited };
        if (upTo === null) {
          await recount(tx, segmentId, row.asOf, { refreshed: true });
          next.index = cp.index + 1;
        }
        const ok = await run.save(tx, next, { phase: 'refresh', done: next.index, total });
        cp = next;
        return ok;
      });
      if (embedded) sizer.record(size, elapsed());
      await yieldToEventLoop();
      if (!kept) return; // cancelled: the slice and the status committed together
      if (cp.after === null) break;
    }
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`update ${segmentRefreshes} set entered = ${cp.entered}, exited = ${cp.exited} where id = ${run.id}`);
    await run.finish(tx, { progress: { phase: 'done', done: total, total }, checkpoint: cp });
  });
  if (cp.entered + cp.exited >= ANALYZE_AFTER) await analyzeMembers(db).catch(() => undefined);
}

/** The refresh as one call, for the CLI: queue a run (one segment, or all dynamic ones) and execute it here. */
export async function refreshNow(db: Db, actor: Actor, segmentId?: string): Promise<RefreshView> {
  const run = await startRefresh(db, actor, { kind: 'cli', segmentId: segmentId ?? null });
  return executeRefresh(db, run!.id);
}

