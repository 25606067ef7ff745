/**
 * 数据保留 (issue #18 item 5): policies per kind of data (settings, administrators), and runs.
 *
 * - A **dry run** (nightly between 00:00 and 06:00 company time when a policy is on, on request, or the CLI) fixes each
 *   enabled policy's cut-off from its start and reports per policy how many items are past it and a sample of their
 *   ids. Nothing is removed.
 * - An **apply** is made from a finished dry run (not older than APPLY_WITHIN_DAYS, once) by an administrator or the
 *   CLI: it removes what the dry run's cut-offs select — the same cut-offs, so it never reaches anything younger than the
 *   report said — in slices of SLICE items (one customer for `inactive_customers`: each is erased through every module's
 *   hook), each slice its own short transaction with its checkpoint and the report's running count, the event loop
 *   given a turn between them. Both are durable runs (claimed, beating, resumed after a stop); applying a dry run whose
 *   apply was interrupted (failed, cancelled) continues that apply from its checkpoint.
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { isConnectionLost } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { DurableRuns, type RunHandle } from '../../platform/runs/index.js';
import { userDirectory } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { companyClock, readSetting, writeSetting } from '../settings/index.js';
import {
  RETENTION_DEFAULTS,
  RETENTION_KINDS,
  RETENTION_SAMPLE,
  RETENTION_UNIT_OF,
  type RetentionCheckpoint,
  type RetentionPolicy,
  type RetentionPolicySnapshot,
  type RetentionReport,
  type RetentionRunPage,
  type RetentionRunView,
  type RetentionSettingsView,
  type RetentionTrigger,
} from './retention.contract.js';
import { vacuumAfterErasure } from './erase.vacuum.js';
import { retentionSource } from './retention.registry.js';
import { retentionRuns } from './retention.schema.js';
import type { RetentionRunsQuery, RetentionSettingsInput } from './retention.types.js';

export const RETENTION_QUEUE = 'privacy.retention';
const SETTINGS_KEY = 'privacy.retention';
const PERMISSION = 'privacy:manage' as const;
/** Items per apply transaction. */
export const RETENTION_SLICE = 500;
/** An apply needs a dry run this recent: what an administrator approved must still describe the data. */
export const APPLY_WITHIN_DAYS = 7;
const NIGHT_ENDS_HOUR = 6;

const runs = new DurableRuns<RetentionCheckpoint>(retentionRuns);
type RunRow = typeof retentionRuns.$inferSelect;

// ---- settings ------------------------------------------------------------------------------------------------------

export async function readRetentionPolicies(db: DbOrTx): Promise<RetentionPolicy[]> {
  const stored = (await readSetting<{ policies?: RetentionPolicy[] }>(db, SETTINGS_KEY))?.policies ?? [];
  return RETENTION_KINDS.map((kind) => {
    const s = stored.find((p) => p.kind === kind);
    return { kind, enabled: s?.enabled ?? false, amount: s?.amount ?? RETENTION_DEFAULTS[kind], unit: RETENTION_UNIT_OF[kind] };
  });
}

export async function getRetentionSettings(db: DbOrTx, actor: Actor | null): Promise<RetentionSettingsView> {
  requireAccess(actor, PERMISSION);
  return { policies: await readRetentionPolicies(db) };
}

export async function updateRetentionSettings(db: DbOrTx, actor: Actor | null, input: RetentionSettingsInput): Promise<RetentionSettingsView> {
  requireAccess(actor, PERMISSION);
  const before = await readRetentionPolicies(db);
  const policies = before.map((p) => {
    const given = input.policies.find((g) => g.kind === p.kind);
    return given ? { ...p, enabled: given.enabled ?? p.enabled, amount: given.amount ?? p.amount } : p;
  });
  await writeSetting(db, SETTINGS_KEY, { policies });
  await recordAudit(db, actor, { action: 'retention_settings', entityType: 'privacy_settings', entityId: SETTINGS_KEY, changes: { policies: [before, policies] } });
  return { policies };
}

/** The cut-off of a policy at `now`: `amount` years or months before it. */
export function cutoffOf(p: RetentionPolicy, now: Date): Date {
  const d = new Date(now);
  if (p.unit === 'years') d.setUTCFullYear(d.getUTCFullYear() - p.amount);
  else d.setUTCMonth(d.getUTCMonth() - p.amount);
  return d;
}

// ---- runs ----------------------------------------------------------------------------------------------------------

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function view(r: RunRow & { createdByName?: string | null; appliedById?: string | null }): RetentionRunView {
  return {
    id: r.id,
    mode: r.mode,
    trigger: r.trigger,
    status: r.status,
    day: r.day,
    dryRunId: r.dryRunId,
    appliedById: r.appliedById ?? null,
    policies: r.policies,
    report: r.report,
    error: r.error,
    createdById: r.createdBy,
    createdByName: r.createdBy ? (r.createdByName ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    finishedAt: iso(r.finishedAt),
  };
}

const applied = sql<string | null>`(select a.id from ${retentionRuns} a where a.dry_run_id = ${retentionRuns}."id" and a.mode = 'apply')`;

async function runRows(db: DbOrTx, where: ReturnType<typeof and>, limit: number) {
  const rows = await db
    .select({ run: retentionRuns, createdByName: userDirectory.displayName, appliedById: applied })
    .from(retentionRuns)
    .leftJoin(userDirectory, eq(userDirectory.id, retentionRuns.createdBy))
    .where(where)
    .orderBy(desc(retentionRuns.createdAt), desc(retentionRuns.id))
    .limit(limit);
  return rows.map((r) => view({ ...r.run, createdByName: r.createdByName, appliedById: r.appliedById }));
}

export async function retentionRun(db: DbOrTx, id: string): Promise<RetentionRunView | null> {
  return (await runRows(db, eq(retentionRuns.id, id), 1))[0] ?? null;
}

export async function getRetentionRun(db: DbOrTx, actor: Actor | null, id: string): Promise<RetentionRunView> {
  requireAccess(actor, PERMISSION);
  const run = await retentionRun(db, id);
  if (!run) throw AppError.notFound('privacy.retention.run_not_found');
  return run;
}

export async function listRetentionRuns(db: DbOrTx, actor: Actor | null, q: RetentionRunsQuery): Promise<RetentionRunPage> {
  requireAccess(actor, PERMISSION);
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : null;
  const where = after
    ? or(lt(retentionRuns.createdAt, sql`${after.value}::timestamptz`), and(eq(retentionRuns.createdAt, sql`${after.value}::timestamptz`), lt(retentionRuns.id, after.id)))
    : undefined;
  const rows = await runRows(db, and(where, q.mode ? eq(retentionRuns.mode, q.mode) : undefined), q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const lastRow = last ? (await db.select({ at: sql<string>`${retentionRuns.createdAt}::text` }).from(retentionRuns).where(eq(retentionRuns.id, last.id)))[0] : undefined;
  return { items: page, nextCursor: rows.length > q.limit && last && lastRow ? encodeCursor(lastRow.at, last.id) : null };
}

function snapshot(policies: RetentionPolicy[], now: Date): RetentionPolicySnapshot[] {
  return policies.filter((p) => p.enabled).map((p) => ({ ...p, cutoff: cutoffOf(p, now).toISOString() }));
}

/** A dry run of the enabled policies as they are now (queued: the caller sends it to the job queue, or executes it). */
export async function createDryRun(db: DbOrTx, actor: Actor | null, trigger: RetentionTrigger, now = new Date()): Promise<RetentionRunView> {
  requireAccess(actor, PERMISSION);
  const policies = snapshot(await readRetentionPolicies(db), now);
  if (!policies.length) throw AppError.field('policies', 'privacy.retention.none_enabled');
  const [row] = await db.insert(retentionRuns).values({ mode: 'dry_run', trigger, policies, createdBy: actor.userId }).returning();
  await recordAudit(db, actor, { action: 'retention_dry_run', entityType: 'retention_run', entityId: row!.id, changes: { policies } });
  return (await retentionRun(db, row!.id))!;
}

/** The apply of a finished dry run: the same policies and cut-offs. 409 when it is not done, too old, or applied. */
export async function createApply(db: DbOrTx, actor: Actor | null, dryRunId: string, trigger: RetentionTrigger, now = new Date()): Promise<RetentionRunView> {
  requireAccess(actor, PERMISSION);
  const [dry] = await db.select().from(retentionRuns).where(eq(retentionRuns.id, dryRunId)).for('update');
  if (!dry || dry.mode !== 'dry_run') throw AppError.notFound('privacy.retention.run_not_found');
  if (dry.status !== 'done') throw AppError.conflict('privacy.retention.dry_run_unfinished', {}, 'id');
  if (now.getTime() - dry.createdAt.getTime() > APPLY_WITHIN_DAYS * 86_400_000) throw AppError.conflict('privacy.retention.dry_run_old', { days: APPLY_WITHIN_DAYS }, 'id');
  const [exists] = await db
    .select({ id: retentionRuns.id, status: retentionRuns.status })
    .from(retentionRuns)
    .where(and(eq(retentionRuns.dryRunId, dryRunId), eq(retentionRuns.mode, 'apply')));
  if (exists && exists.status === 'done') throw AppError.conflict('privacy.retention.applied', {}, 'id');
  if (exists) {
    // Applied before and interrupted (failed, cancelled, or its process gone): applying again continues that run from
    // its checkpoint — what it already removed or anonymised stays done, nothing is done twice.
    if (await runs.requeue(db, exists.id)) await recordAudit(db, actor, { action: 'retention_apply_resumed', entityType: 'retention_run', entityId: exists.id, changes: { dryRunId } });
    return (await retentionRun(db, exists.id))!;
  }
  const report: RetentionReport = Object.fromEntries(dry.policies.map((p) => [p.kind, { ...dry.report[p.kind]!, applied: 0 }]));
  const [row] = await db.insert(retentionRuns).values({ mode: 'apply', trigger, dryRunId, policies: dry.policies, report, createdBy: actor.userId }).returning();
  await recordAudit(db, actor, { action: 'retention_apply', entityType: 'retention_run', entityId: row!.id, changes: { dryRunId, counts: Object.fromEntries(dry.policies.map((p) => [p.kind, dry.report[p.kind]?.count ?? 0])) } });
  return (await retentionRun(db, row!.id))!;
}

/** The server's nightly check: a dry run for the company day, queued between 00:00 and 06:00 when a policy is on. */
export async function queueNightlyRetention(db: DbOrTx, now = new Date()): Promise<string | null> {
  const { today, hour } = await companyClock(db, now);
  if (hour >= NIGHT_ENDS_HOUR) return null;
  const policies = snapshot(await readRetentionPolicies(db), now);
  if (!policies.length) return null;
  const rows = await db
    .insert(retentionRuns)
    .values({ mode: 'dry_run', trigger: 'nightly', day: today, policies })
    .onConflictDoNothing({ target: retentionRuns.day, where: sql`${retentionRuns.trigger} = 'nightly'` })
    .returning({ id: retentionRuns.id });
  return rows[0]?.id ?? null;
}

export async function unfinishedRetentionIds(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

export type RetentionRunOptions = { signal?: AbortSignal; dataDir: string; log?: (line: string) => void; slice?: number };

/** Executes a queued run; failures are stored on the run. Answers the run as it ended. */
export async function executeRetentionRun(db: Db, id: string, opts: RetentionRunOptions): Promise<RetentionRunView> {
  try {
    await runs.execute(db, id, (run) => perform(db, run, opts), { signal: opts.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    opts.log?.(`retention run ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out = await retentionRun(db, id);
  if (!out) throw new Error(`no retention run ${id}`);
  return out;
}

async function perform(db: Db, run: RunHandle<RetentionCheckpoint>, opts: RetentionRunOptions): Promise<void> {
  const [row] = await db.select().from(retentionRuns).where(eq(retentionRuns.id, run.id));
  if (!row) throw new Error(`no retention run ${run.id}`);
  const report: RetentionReport = { ...row.report };
  let cp: RetentionCheckpoint = run.resumeFrom ?? { index: 0, applied: 0 };
  const total = row.policies.length;
  const saveReport = (tx: DbOrTx) => tx.update(retentionRuns).set({ report }).where(eq(retentionRuns.id, run.id));
  const touched = new Set<string>();
  while (cp.index < total) {
    const p = row.policies[cp.index]!;
    const source = retentionSource(p.kind);
    const cutoff = new Date(p.cutoff);
    if (row.mode === 'dry_run' || !source) {
      const ok = await db.transaction(async (tx) => {
        report[p.kind] = source
          ? { count: await source.count(tx, cutoff), sample: await source.sample(tx, cutoff, RETENTION_SAMPLE), applied: null }
          : { count: 0, sample: [], applied: null };
        await saveReport(tx);
        cp = { index: cp.index + 1, applied: 0 };
        return run.save(tx, cp, { phase: p.kind, done: cp.index, total });
      });
      if (!ok) return;
      continue;
    }
    const slice = Math.min(opts.slice ?? RETENTION_SLICE, source.slice ?? Infinity);
    const after: (() => Promise<void>)[] = [];
    let n = 0;
    const ok = await db.transaction(async (tx) => {
      n = await source.apply(tx, cutoff, slice, {
        runId: run.id,
        dataDir: opts.dataDir,
        afterCommit: (fn) => void after.push(fn),
        appliedBy: row.createdBy,
        now: new Date(),
        touched: (tables) => tables.forEach((t) => touched.add(t)),
      });
      const applied = cp.applied + n;
      report[p.kind] = { ...(report[p.kind] ?? { count: 0, sample: [] }), applied };
      await saveReport(tx);
      cp = n < slice ? { index: cp.index + 1, applied: 0 } : { index: cp.index, applied };
      return run.save(tx, cp, { phase: p.kind, done: cp.index, total });
    });
    for (const fn of after) await fn().catch((err: Error) => opts.log?.(`retention: ${err.message}`));
    if (!ok) return;
    if (run.signal.aborted) return;
    await yieldToEventLoop(); // short transactions, and requests get their turn between them
  }
  await db.transaction(async (tx) => run.finish(tx, { progress: { phase: 'done', done: total, total }, checkpoint: cp }));
  // Customers anonymised: their old row versions leave the tables' files (PostgreSQL; logged, never fatal).
  if (touched.size) await vacuumAfterErasure(db, touched, (line) => opts.log?.(line));
}

/**
 * The CLI's run here and now: a dry run, or the apply of the latest finished dry run not yet applied (`dryRunId` to
 * name one). Executed in this process; answers the run as it ended.
 */
export async function retentionNow(db: Db, actor: Actor, mode: 'dry_run' | 'apply', opts: RetentionRunOptions & { dryRunId?: string; now?: Date }): Promise<RetentionRunView> {
  const now = opts.now ?? new Date();
  let run: RetentionRunView;
  if (mode === 'dry_run') run = await db.transaction((tx) => createDryRun(tx, actor, 'cli', now));
  else {
    let dryRunId = opts.dryRunId;
    if (!dryRunId) {
      const [latest] = await db
        .select({ id: retentionRuns.id })
        .from(retentionRuns)
        .where(and(eq(retentionRuns.mode, 'dry_run'), eq(retentionRuns.status, 'done')))
        .orderBy(desc(retentionRuns.createdAt), desc(retentionRuns.id))
        .limit(1);
      if (!latest) throw AppError.conflict('privacy.retention.no_dry_run', {}, 'dryRunId');
      dryRunId = latest.id;
    }
    run = await db.transaction((tx) => createApply(tx, actor, dryRunId, 'cli', now));
  }
  return executeRetentionRun(db, run.id, opts);
}
