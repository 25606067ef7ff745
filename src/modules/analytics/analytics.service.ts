/**
 * Use cases of customer value analytics: settings, starting a run (on demand or nightly; one at a time and one
 * nightly run per date, guarded by unique indexes), executing it, and the reports over the stored results.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, isUniqueViolation, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, type SortKind } from '../../platform/http/cursor.js';
import { DurableRuns, RunLostError, type RunHandle } from '../../platform/runs/index.js';
import { knownZone, startOfDay } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerInScope } from '../customers/index.js';
import { companyClock, readCompanySettings, readSetting, writeSetting } from '../settings/index.js';
import type {
  AnalyticsSettings,
  ChurnListView,
  ChurnReason,
  ChurnRow,
  ClvHistogramView,
  CustomerAnalyticsView,
  MatrixView,
  MovementView,
  RfmGridView,
  RunCounts,
  RunDetail,
  RunView,
  ScorecardInputView,
  TierDistributionView,
} from './analytics.contract.js';
import { QUADRANTS, RFM_GROUPS, VALUE_TIERS } from './analytics.contract.js';
import { pruneHistory, readPopulation, writeResults } from './analytics.repository.js';
import { DEFAULT_SETTINGS, settingsSchema } from './analytics.types.js';
import { compute, lowerBound, runClock, type ChurnSignalResult } from './engine.js';
import { analyticsRuns } from './schema.js';
import { analyticsRunFailed, analyticsRunFinished } from './finished.js';
import { parseOrThrow } from '../../platform/http/validation.js';

const SETTINGS_KEY = 'analytics.settings';
/** A run whose heartbeat is older than this was left by a stopped process (a running one beats every 10 s). */
export const STALE_SECONDS = 60;

/** A run is a durable run (`platform/runs`): claimed, beating its heartbeat, taken over when its process is gone. */
const runs = new DurableRuns<never>(analyticsRuns, { staleSeconds: STALE_SECONDS });

// ---- churn signals of other modules -------------------------------------------------------------------

/**
 * A churn signal another module contributes (complaints, low satisfaction …): the reasons (with risk points, in both
 * languages) of the customers that have any — among `customerIds`, or among all customers when it is null (the
 * analytics run asks once for everyone: one query instead of a hundred batches of 10,000 ids). Registered once in
 * src/app.ts.
 */
export type ChurnSignal = {
  key: string;
  evaluate(db: DbOrTx, customerIds: readonly string[] | null, asOf: { date: string; end: Date }): Promise<Map<string, ChurnReason[]>>;
};
const signals: ChurnSignal[] = [];
export function registerChurnSignal(signal: ChurnSignal): void {
  if (!signals.some((s) => s.key === signal.key)) signals.push(signal);
}

/**
 * A per-customer metric another module offers the value scorecard (an indicator with metric `input` and `field` =
 * its key): the surveys module's latest NPS feeds the word-of-mouth value (口碑). `load` returns the customers that
 * have a value as of the run's date; the others have none (they score 0 and the rest rank among themselves).
 * Registered once in src/app.ts.
 */
export type ScorecardInput = ScorecardInputView & {
  load(db: DbOrTx, asOf: { date: string; end: Date }): Promise<Map<string, number>>;
};
const scorecardInputs: ScorecardInput[] = [];
export function registerScorecardInput(input: ScorecardInput): void {
  if (!scorecardInputs.some((s) => s.key === input.key)) scorecardInputs.push(input);
}

export function listScorecardInputs(actor: Actor | null): ScorecardInputView[] {
  requireAccess(actor, 'analytics:read');
  return scorecardInputs.map(({ key, labelZh, labelEn, kind }) => ({ key, labelZh, labelEn, kind }));
}

/** An `input` indicator must name a registered input (400 at indicators.N.field). */
function checkInputs(s: AnalyticsSettings): void {
  const known = scorecardInputs.map((i) => i.key);
  s.indicators.forEach((ind, k) => {
    if (ind.metric === 'input' && !known.includes(ind.field ?? '')) {
      throw AppError.field(`indicators.${k}.field`, 'analytics.indicator_input', { input: ind.field ?? '', known: known.join(', ') || '—' });
    }
  });
}

/** The registered inputs the settings' indicators use, by key: one value per population index, NaN where absent. */
async function loadInputs(db: DbOrTx, s: AnalyticsSettings, ids: readonly string[], asOf: { date: string; end: Date }): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  for (const ind of s.indicators) {
    const input = ind.metric === 'input' ? scorecardInputs.find((i) => i.key === ind.field) : undefined;
    if (!input || out.has(input.key)) continue;
    const values = new Float64Array(ids.length).fill(NaN);
    for (const [id, v] of await input.load(db, asOf)) {
      const i = indexOfId(ids, id);
      if (i >= 0) values[i] = v;
    }
    out.set(input.key, values);
  }
  return out;
}

// ---- settings -------------------------------------------------------------------------------------------

export async function readAnalyticsSettings(db: DbOrTx): Promise<AnalyticsSettings> {
  const stored = await readSetting<Partial<AnalyticsSettings>>(db, SETTINGS_KEY);
  return { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
}

export async function getSettings(db: DbOrTx, actor: Actor | null): Promise<AnalyticsSettings> {
  requireAccess(actor, 'analytics:read');
  return readAnalyticsSettings(db);
}

export async function updateSettings(db: Db, actor: Actor | null, input: unknown): Promise<AnalyticsSettings> {
  requireAccess(actor, 'analytics:run');
  const next = parseOrThrow(settingsSchema, input) as AnalyticsSettings;
  checkInputs(next);
  return db.transaction(async (tx) => {
    const before = await readAnalyticsSettings(tx);
    await writeSetting(tx, SETTINGS_KEY, next);
    await recordAudit(tx, actor, { action: 'analytics.settings', entityType: 'settings', entityId: SETTINGS_KEY, changes: { before, after: next } });
    return next;
  });
}

// ---- runs -----------------------------------------------------------------------------------------------

type RunRow = typeof analyticsRuns.$inferSelect;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
function runView(r: RunRow): RunView {
  // Nothing asks an analytics run to stop today; were one cancelled, the view shows it failed with the reason.
  return {
    id: r.id,
    kind: r.kind,
    asOf: r.asOf,
    status: r.status === 'cancelled' ? 'failed' : r.status,
    progress: r.progress,
    counts: r.counts ?? null,
    error: r.status === 'cancelled' ? (r.error ?? 'cancelled') : r.error,
    seconds: r.seconds,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    heartbeatAt: iso(r.heartbeatAt),
    interrupted: runs.isInterrupted(r),
  };
}

/**
 * Queues a run. Refused (409) while another run is queued or running; a nightly run for a date that already has
 * one returns null (two processes racing at night: exactly one wins).
 */
export async function startRun(
  db: Db,
  actor: Actor | null,
  opts: { kind: 'manual' | 'nightly' | 'cli'; asOf?: string },
): Promise<RunView | null> {
  requireAccess(actor, 'analytics:run');
  // Runs left queued or running by a stopped process are failed ('interrupted'), so a new one may start.
  await runs.failStale(db);
  const settings = await readAnalyticsSettings(db);
  const asOf = opts.asOf ?? (await companyClock(db)).today;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(analyticsRuns)
        .values({ kind: opts.kind, asOf, status: 'queued', settings, requestedBy: actor.userId, heartbeatAt: new Date() })
        .returning();
      await recordAudit(tx, actor, { action: 'analytics.run', entityType: 'analytics_run', entityId: row!.id, changes: { kind: opts.kind, asOf } });
      return runView(row!);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'analytics_runs_nightly_unique')) return null;
    if (isUniqueViolation(err, 'analytics_runs_active_unique')) {
      if (opts.kind === 'nightly') return null;
      throw AppError.conflict('analytics.run_active');
    }
    throw err;
  }
}

/** Runs waiting or interrupted (to be picked up again when the server starts). */
export async function unfinishedRunIds(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

export async function listRuns(db: DbOrTx, actor: Actor | null, limit = 20): Promise<RunView[]> {
  requireAccess(actor, 'analytics:read');
  const rows = await db.select().from(analyticsRuns).orderBy(sql`${analyticsRuns.createdAt} desc, ${analyticsRuns.id} desc`).limit(limit);
  return rows.map(runView);
}

export async function getRun(db: DbOrTx, actor: Actor | null, id: string): Promise<RunDetail> {
  requireAccess(actor, 'analytics:read');
  const [row] = await db.select().from(analyticsRuns).where(sql`${analyticsRuns.id} = ${id}`);
  if (!row) throw AppError.notFound('analytics.run_not_found');
  return { ...runView(row), settings: row.settings, fits: row.fits ?? null, diagnostics: row.diagnostics ?? null };
}

/**
 * Executes a queued run: reads the population, computes, writes history and the current results, and records the
 * fits, diagnostics and counts. A durable run (`platform/runs`): claimed (a queued run, or one whose process is gone),
 * with its heartbeat beating and its progress written as it goes. Failures are stored on the run; a run another
 * process holds, or that is finished, is returned as it is.
 */
export async function executeRun(
  db: Db,
  runId: string,
  opts: { databaseKind: 'pglite' | 'postgres'; signal?: AbortSignal; log?: (line: string) => void } = { databaseKind: 'pglite' },
): Promise<RunView> {
  try {
    await runs.execute(db, runId, (run) => performRun(db, run, opts), { signal: opts.signal });
  } catch (err) {
    // The database went away: the run stays `running`, its heartbeat goes stale, and the job (queued again by the
    // job runner) takes it over once the database is back.
    if (isConnectionLost(err)) throw err;
    // Any other failure: stored on the run by `execute`.
    opts.log?.(`analytics run ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
    await analyticsRunFailed(db, runId);
  }
  const [row] = await db.select().from(analyticsRuns).where(sql`${analyticsRuns.id} = ${runId}`);
  if (!row) throw AppError.notFound('analytics.run_not_found');
  return runView(row);
}

/** The run itself, as the holder of its run row. */
async function performRun(
  db: Db,
  run: RunHandle<never>,
  opts: { databaseKind: 'pglite' | 'postgres'; log?: (line: string) => void },
): Promise<void> {
  const started = performance.now();
  const [row] = await db.select().from(analyticsRuns).where(sql`${analyticsRuns.id} = ${run.id}`);
  if (!row) throw AppError.notFound('analytics.run_not_found');
  let last = 0;
  let peak = process.memoryUsage().rss;
  // Inside a transaction the progress goes through it (PGlite has one connection: the outer handle would wait).
  const progress = async (phase: string, done: number, total: number, force = false, via: DbOrTx = db) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    const now = performance.now();
    if (!force && now - last < 1000) return;
    last = now;
    opts.log?.(`${phase} ${done}/${total}`);
    const write = run.report({ phase, done, total }, { force: true, via });
    // While the read holds the pool's connections (PostgreSQL: one cursor per half) the update must not be awaited.
    if (phase === 'read' && via === db) void write.catch(() => undefined);
    else await write;
  };
  /**
   * Between phases: true when a cancel was requested (`execute` ends the run cancelled); a run taken over by another
   * process ends here; a process that stops fails the run ('stopped').
   */
  const halted = (): boolean => {
    if (!run.signal.aborted) return false;
    if (run.lost) throw new RunLostError(run.id);
    if (run.cancelSeen) return true;
    throw new Error('stopped');
  };
  const settings = { ...DEFAULT_SETTINGS, ...row.settings };
  const zone = knownZone((await readCompanySettings(db)).timezone);
  const [y, m, d] = row.asOf.split('-').map(Number) as [number, number, number];
  const endOfDay = startOfDay(zone, y, m, d + 1).getTime() / 1000;
  const clock = runClock(row.asOf, settings.rfmWindowDays, endOfDay, zone);
  const population = await readPopulation(db, settings, clock, opts.databaseKind, (done, total, tx) =>
    progress('read', done, total, false, opts.databaseKind === 'pglite' ? tx : db),
  );
  if (halted()) return;
  const steps = ['rfm', 'fit', 'clv', 'contract', 'diagnostics', 'score', 'churn', 'segments'];
  const asOf = { date: row.asOf, end: new Date(endOfDay * 1000) };
  const res = await compute(population, settings, clock, {
    inputs: () => loadInputs(db, settings, population.ids, asOf),
    progress: (phase) => progress(phase, steps.indexOf(phase) + 1, steps.length, true),
    signals: signals.length
      ? async () => {
          const out: ChurnSignalResult = new Map();
          for (const s of signals) {
            for (const [id, reasons] of await s.evaluate(db, null, asOf)) {
              const i = indexOfId(population.ids, id);
              if (i >= 0) out.set(i, [...(out.get(i) ?? []), ...reasons]);
            }
          }
          return out;
        }
      : undefined,
  });
  if (halted()) return;
  await progress('write', 0, population.n, true);
  await writeResults(
    db,
    population,
    res,
    { id: run.id, asOf: row.asOf, indicatorKeys: settings.indicators.map((i) => i.key) },
    { parallel: opts.databaseKind === 'postgres', onProgress: (done, total) => progress('write', done, total) },
  );
  peak = Math.max(peak, process.memoryUsage().rss);
  const counts: RunCounts = {
    customers: population.n,
    transactions: population.transactions,
    serviceCustomers: countWhere(population.n, (i) => population.svcN[i]! > 0),
    contractCustomers: countWhere(population.n, (i) => population.seasons[i]! !== 0),
    tiers: { high: 0, middle: 0, low: 0 },
    churn: { low: 0, medium: 0, high: 0 },
    peakRssMb: Math.round(peak / 1048576),
  };
  for (let i = 0; i < population.n; i++) {
    counts.tiers[res.tier[i]!]++;
    counts.churn[res.level[i]!]++;
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  // Done, with the run's own results, in one transaction (fenced by the run's owner: a run taken over meanwhile rolls back).
  await db.transaction(async (tx) => {
    await run.finish(tx, { progress: { phase: 'done', done: population.n, total: population.n } });
    await analyticsRunFinished(tx, row, 'done', population.n);
    await tx.execute(sql`
      update ${analyticsRuns} set seconds = ${seconds},
        fits = ${JSON.stringify(res.fits, finiteOnly)}::jsonb, diagnostics = ${JSON.stringify(res.diagnostics, finiteOnly)}::jsonb,
        counts = ${JSON.stringify(counts)}::jsonb
      where id = ${run.id}`);
  });
  // Retention of the per-customer history (after the run is done: a failure here does not fail the run).
  try {
    const pruned = await pruneHistory(db, row.asOf, settings.historyDailyDays);
    if (pruned.length) opts.log?.(`history of ${pruned.length} older run(s) removed (kept: ${settings.historyDailyDays} days and each month's first run)`);
  } catch (err) {
    opts.log?.(`history retention failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The index of a customer id in the population's ids, which are in id order (uuid order = lowercase hex order); −1 if absent. */
function indexOfId(ids: readonly string[], id: string): number {
  const at = lowerBound(ids, id);
  return ids[at] === id ? at : -1;
}

const finiteOnly = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
function countWhere(n: number, f: (i: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (f(i)) c++;
  return c;
}

/**
 * The nightly schedule: between 02:00 and 06:00 company time, queue the night's run unless one exists for the date
 * (unique index: with two server processes exactly one inserts). A night the server was down is skipped rather than
 * caught up in working hours (a run on demand is one click). Returns the run to execute, if this process queued it.
 */
export async function queueNightly(db: Db, actor: Actor, now = new Date()): Promise<RunView | null> {
  const settings = await readAnalyticsSettings(db);
  if (!settings.nightly) return null;
  const today = await companyClock(db, now);
  if (today.hour < 2 || today.hour >= 6) return null;
  return startRun(db, actor, { kind: 'nightly', asOf: today.today });
}

// ---- reports over the current results ---------------------------------------------------------------------

async function currentRunId(db: DbOrTx): Promise<string | null> {
  return rowsOf<{ id: string }>(await db.execute(sql`select id from ${analyticsRuns} where status = 'done' order by finished_at desc, id desc limit 1`))[0]?.id ?? null;
}

/** The current results of the customers the actor sees (customer_directory: the customers module's read surface). */
const scoped = (actor: Actor) =>
  sql`analytics_customer_current a join customer_directory c on c.id = a.customer_id and c.deleted_at is null and ${customerAccess.where(actor, 'c')}`;

export async function rfmGrid(db: DbOrTx, actor: Actor | null): Promise<RfmGridView> {
  requireAccess(actor, 'analytics:read');
  const cells = rowsOf<{ r: number; f: number; count: number; monetary: number }>(
    await db.execute(sql`select a.r_score::int as r, a.f_score::int as f, count(*)::int as count, coalesce(sum(a.monetary_fen), 0)::float8 as monetary
                         from ${scoped(actor)} group by 1, 2 order by 1, 2`),
  );
  const groups = rowsOf<{ g: string; count: number; monetary: number }>(
    await db.execute(sql`select a.rfm_group as g, count(*)::int as count, coalesce(sum(a.monetary_fen), 0)::float8 as monetary from ${scoped(actor)} group by 1`),
  );
  const byGroup = new Map(groups.map((g) => [g.g, g]));
  return {
    runId: await currentRunId(db),
    cells: cells.map((c) => ({ r: c.r, f: c.f, count: c.count, monetaryFen: Math.round(c.monetary) })),
    groups: RFM_GROUPS.map((g) => ({ group: g, count: byGroup.get(g)?.count ?? 0, monetaryFen: Math.round(byGroup.get(g)?.monetary ?? 0) })),
  };
}

export async function tierDistribution(db: DbOrTx, actor: Actor | null): Promise<TierDistributionView> {
  requireAccess(actor, 'analytics:read');
  const rows = rowsOf<{ t: string; count: number; clv: number; monetary: number }>(
    await db.execute(sql`select a.value_tier as t, count(*)::int as count, coalesce(sum(a.clv_fen), 0)::float8 as clv, coalesce(sum(a.monetary_fen), 0)::float8 as monetary
                         from ${scoped(actor)} group by 1`),
  );
  const by = new Map(rows.map((r) => [r.t, r]));
  return {
    runId: await currentRunId(db),
    tiers: VALUE_TIERS.map((t) => ({ tier: t, count: by.get(t)?.count ?? 0, clvFen: Math.round(by.get(t)?.clv ?? 0), monetaryFen: Math.round(by.get(t)?.monetary ?? 0) })),
  };
}

export async function valueLoyaltyMatrix(db: DbOrTx, actor: Actor | null): Promise<MatrixView> {
  requireAccess(actor, 'analytics:read');
  const rows = rowsOf<{ q: string; count: number; clv: number }>(
    await db.execute(sql`select a.quadrant as q, count(*)::int as count, coalesce(sum(a.clv_fen), 0)::float8 as clv from ${scoped(actor)} group by 1`),
  );
  const by = new Map(rows.map((r) => [r.q, r]));
  return { runId: await currentRunId(db), cells: QUADRANTS.map((q) => ({ quadrant: q, count: by.get(q)?.count ?? 0, clvFen: Math.round(by.get(q)?.clv ?? 0) })) };
}

/** CLV histogram: equal-width buckets from 0 to the 99th percentile (the last bucket takes everything above). */
export async function clvHistogram(db: DbOrTx, actor: Actor | null, buckets = 20): Promise<ClvHistogramView> {
  requireAccess(actor, 'analytics:read');
  const [range] = rowsOf<{ hi: number | null }>(
    await db.execute(sql`select percentile_cont(0.99) within group (order by a.clv_fen)::float8 as hi from ${scoped(actor)}`),
  );
  const hi = Math.max(100, Math.ceil((range?.hi ?? 0) / 100) * 100);
  const width = Math.ceil(hi / buckets / 100) * 100;
  const rows = rowsOf<{ b: number; count: number }>(
    await db.execute(sql`select least(${buckets - 1}, greatest(0, floor(a.clv_fen::float8 / ${width})))::int as b, count(*)::int as count from ${scoped(actor)} group by 1`),
  );
  const by = new Map(rows.map((r) => [r.b, r.count]));
  return {
    runId: await currentRunId(db),
    buckets: Array.from({ length: buckets }, (_, b) => ({ fromFen: b * width, toFen: (b + 1) * width, count: by.get(b) ?? 0 })),
  };
}

/**
 * The churn list's sorts, each one never-null sort value (the keyset cursor holds it and the row's id). `risk` is the
 * risk, then the highest CLV first, folded into one exact number: risk × 10^20 ± CLV (a bigint is below 10^20 in size).
 * A customer without purchases (no recency) sorts below every day count: first ascending, last descending.
 */
function churnSort(sort: ChurnQuery['sort'], order: ChurnQuery['order']): { expr: SQL; kind: SortKind } {
  if (sort === 'name') return { expr: sql`c.name`, kind: 'text' };
  if (sort === 'clv') return { expr: sql`a.clv_fen`, kind: 'number' };
  if (sort === 'recency') return { expr: sql`coalesce(a.recency_days::bigint, -2147483649)`, kind: 'number' };
  return { expr: order === 'desc' ? sql`(a.churn_risk::numeric * 1e20 + a.clv_fen)` : sql`(a.churn_risk::numeric * 1e20 - a.clv_fen)`, kind: 'number' };
}

type ChurnQuery = { level?: string; tier?: string; ownerId?: string; sort: 'risk' | 'clv' | 'recency' | 'name'; order: 'asc' | 'desc'; cursor?: string; limit: number };

/**
 * Customers by churn risk (or CLV, recency, name), within the actor's data scope: keyset pages (`cursor` is the last
 * page's `nextCursor`; ties on the sort value are broken by the customer id, in the same direction) and `total`, the
 * customers matching the filters, the same on every page. A cursor that is not one of this list's is a 400 naming
 * `cursor`; one made under another sort is only a position in this one.
 */
export async function churnList(db: DbOrTx, actor: Actor | null, q: ChurnQuery): Promise<ChurnListView> {
  requireAccess(actor, 'analytics:read');
  const where = [sql`true`];
  if (q.level) where.push(sql`a.churn_level = ${q.level}`);
  if (q.tier) where.push(sql`a.value_tier = ${q.tier}`);
  if (q.ownerId) where.push(sql`c.owner_id = ${q.ownerId}`);
  const cond = sql.join(where, sql` and `);
  const { expr, kind } = churnSort(q.sort, q.order);
  const after = q.cursor ? decodeCursor(q.cursor, kind) : null;
  const dir = sql.raw(q.order === 'asc' ? 'asc' : 'desc');
  const keyset = !after
    ? sql`true`
    : sql`(${expr}, a.customer_id) ${sql.raw(q.order === 'asc' ? '>' : '<')} (${after.value}::${sql.raw(kind === 'text' ? 'text' : 'numeric')}, ${after.id}::uuid)`;
  const [total] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${scoped(actor)} where ${cond}`));
  const rows = rowsOf<{
    id: string;
    name: string;
    owner_id: string | null;
    owner_name: string | null;
    value_tier: ChurnRow['valueTier'];
    rfm_group: ChurnRow['rfmGroup'];
    churn_risk: number;
    churn_level: ChurnRow['churnLevel'];
    churn_reasons: ChurnReason[];
    p_alive: number | null;
    clv_fen: string | number;
    recency_days: number | null;
    sort_value: string;
  }>(
    await db.execute(sql`
      select a.customer_id as id, c.name, c.owner_id, u.display_name as owner_name, a.value_tier, a.rfm_group, a.churn_risk, a.churn_level,
             a.churn_reasons, a.p_alive, a.clv_fen, a.recency_days, (${expr})::text as sort_value
      from ${scoped(actor)} left join user_directory u on u.id = c.owner_id
      where ${cond} and ${keyset} order by ${expr} ${dir}, a.customer_id ${dir} limit ${q.limit + 1}`),
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const en = actor.locale === 'en';
  return {
    items: page.map((r) => ({
      customerId: r.id,
      name: r.name,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      valueTier: r.value_tier,
      rfmGroup: r.rfm_group,
      churnRisk: r.churn_risk,
      churnLevel: r.churn_level,
      reasons: r.churn_reasons.map((x) => (en ? x.en : x.zh)),
      pAlive: r.p_alive,
      clvFen: Number(r.clv_fen),
      recencyDays: r.recency_days,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort_value, last.id) : null,
    total: total?.n ?? 0,
  };
}

export async function customerAnalytics(db: DbOrTx, actor: Actor | null, customerId: string): Promise<CustomerAnalyticsView> {
  requireAccess(actor, 'analytics:read');
  await customerInScope(db, actor, customerId);
  const [a] = rowsOf<Record<string, any>>(await db.execute(sql`select * from analytics_customer_current where customer_id = ${customerId}`));
  if (!a) throw AppError.notFound('analytics.no_results');
  const history = rowsOf<Record<string, any>>(
    await db.execute(sql`select h.run_id, h.as_of::text as as_of, h.value_tier, h.value_score, h.clv_fen, h.p_alive, h.churn_risk, h.churn_level
                         from analytics_customer_history h join ${analyticsRuns} r on r.id = h.run_id and r.status = 'done'
                         where h.customer_id = ${customerId} order by h.as_of, r.finished_at limit 400`),
  );
  const [run] = await db.select({ settings: analyticsRuns.settings, fits: analyticsRuns.fits }).from(analyticsRuns).where(eq(analyticsRuns.id, a.run_id));
  const en = actor.locale === 'en';
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const settings = { ...DEFAULT_SETTINGS, ...(run?.settings ?? {}) };
  return {
    customerId,
    runId: a.run_id,
    asOf: String(a.as_of).slice(0, 10),
    valueTier: a.value_tier,
    valueScore: Number(a.value_score),
    rfmGroup: a.rfm_group,
    r: a.r_score,
    f: a.f_score,
    m: a.m_score,
    recencyDays: a.recency_days,
    frequency: a.frequency,
    monetaryFen: Number(a.monetary_fen),
    lifetimePurchases: num(a.lifetime_purchases),
    lifetimeFen: num(a.lifetime_fen),
    tenureDays: a.tenure_days,
    clvFormulaFen: Number(a.clv_formula_fen),
    clvFen: Number(a.clv_fen),
    clvServiceFen: Number(a.clv_service_fen),
    clvContractFen: Number(a.clv_contract_fen),
    pAlive: num(a.p_alive),
    expectedPurchases: num(a.expected_purchases),
    renewalProb: num(a.renewal_prob),
    churnRisk: a.churn_risk,
    churnLevel: a.churn_level,
    reasons: (a.churn_reasons as ChurnReason[]).map((x) => (en ? x.en : x.zh)),
    loyalty: Number(a.loyalty),
    quadrant: a.quadrant,
    segment: a.segment,
    scores: a.scores,
    basis: {
      rfmWindowDays: settings.rfmWindowDays,
      rfmScoring: settings.rfmScoring,
      purchaseModel: run?.fits?.used ?? null,
      expectedPurchaseWeeks: settings.expectedPurchaseWeeks,
      horizonMonths: settings.horizonMonths,
      discountRate: settings.discountRate,
      renewalModel: run?.fits?.sbg ? 'sbg' : null,
      indicators: settings.indicators.length,
    },
    history: history.map((h) => ({
      runId: h.run_id,
      asOf: h.as_of,
      valueTier: h.value_tier,
      valueScore: Number(h.value_score),
      clvFen: Number(h.clv_fen),
      pAlive: num(h.p_alive),
      churnRisk: h.churn_risk,
      churnLevel: h.churn_level,
    })),
  };
}

/** Tier movement between two runs: customers by (tier in `from`, tier in `to`); 'none' = not in that run. */
export async function tierMovement(db: DbOrTx, actor: Actor | null, from: string, to: string): Promise<MovementView> {
  requireAccess(actor, 'analytics:read');
  for (const id of [from, to]) {
    const [r] = rowsOf<{ status: string }>(await db.execute(sql`select status from ${analyticsRuns} where id = ${id}`));
    if (!r || r.status !== 'done') throw AppError.field(id === from ? 'from' : 'to', 'analytics.run_not_found', {}, 'not_found');
  }
  const rows = rowsOf<{ f: string; t: string; count: number }>(
    await db.execute(sql`
      select coalesce(a.value_tier, 'none') as f, coalesce(b.value_tier, 'none') as t, count(*)::int as count
      from (select customer_id, value_tier from analytics_customer_history where run_id = ${from}) a
      full join (select customer_id, value_tier from analytics_customer_history where run_id = ${to}) b on b.customer_id = a.customer_id
      join customer_directory c on c.id = coalesce(a.customer_id, b.customer_id) and ${customerAccess.where(actor, 'c')}
      group by 1, 2`),
  );
  return { from, to, matrix: rows.map((r) => ({ from: r.f as MovementView['matrix'][number]['from'], to: r.t as MovementView['matrix'][number]['to'], count: r.count })) };
}
