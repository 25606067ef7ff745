/**
 * 重新训练 (`hearth feedback retrain`, `POST /feedback-models/retrain`, the button on 反馈分析): the company's own
 * sentiment and category models, fitted from what its people corrected, stored in `feedback_models` (the database, not
 * the repository) and blended with the shipped model and the seed words whenever an item is analysed.
 *
 * - Training data: live items (not removed, not erased) whose sentiment an agent set (`sentiment_corrected`), and live
 *   items whose category a person chose (`category_set_by = 'agent'`, a category still offered) — the newest
 *   FEEDBACK_MODEL_RULES.maxExamples of each.
 * - Minimums (FEEDBACK_MODEL_RULES): sentiment needs minPerClass corrections labelled neg and as many labelled pos; a
 *   category needs categoryMin examples. A kind short of them is reported `too_few` with its counts (and the request is
 *   refused with 409 when neither kind can be trained).
 * - A durable run, one at a time: the corrections are read in pages, each its own short statement; the fit runs in
 *   memory, giving the event loop a turn every few epochs; the models are written in one short transaction with the
 *   run's end. Nothing is held open across the fit, so the server keeps answering (the embedded database too).
 * - Idempotent: each model keeps the fingerprint of its training set and method; a retrain over the same corrections
 *   finds it and writes nothing (`unchanged`, same version). A request while a run is queued or running answers that
 *   run.
 * - When a model changed, the same run then analyses the open items again with it (reanalyse.ts: batches of a few
 *   hundred, each its own short transaction with the checkpoint; an agent's own sentiment or category is kept), and
 *   reports how many it read and how many changed (`reanalysis`). The models' transaction saves the checkpoint
 *   `reanalyse`, so a run interrupted after it resumes with the items, not with another fit.
 */
import { and, desc, eq, isNotNull, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, isUniqueViolation, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { ERASED_TEXT } from '../../platform/erasure.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import type { Jobs } from '../../platform/jobs.js';
import type { Locale } from '../../platform/i18n/index.js';
import { DurableRuns, type RunHandle } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import { analysisCategories } from './categories.service.js';
import { openItemCount, reanalyseOpenItems, type ReanalyseState } from './reanalyse.js';
import {
  FEEDBACK_MODEL_RULES,
  type FeedbackModelKind,
  type FeedbackModelResult,
  type FeedbackModelView,
  type FeedbackModelsView,
  type FeedbackRetrainRunView,
  type FeedbackSentiment,
} from './feedback.contract.js';
import { feedbackCategories, feedbackItems, feedbackModels, feedbackRetrainRuns } from './schema.js';
import {
  CATEGORY_METHOD,
  COMPANY_METHOD,
  categoryExampleCounts,
  companySentiment,
  sentimentCounts,
  sentimentModel,
  sentimentShortfall,
  trainCategoryModel,
  trainCompanySentiment,
  trainingFingerprint,
  type CategoryModel,
  type CompanySentiment,
  type StoredCompanySentiment,
} from './text/index.js';

/** pg-boss queue of retrains. */
export const FEEDBACK_RETRAIN_QUEUE = 'feedback.retrain';
/** Corrections read per statement. */
const PAGE = 2000;

/** `reanalyse` (with the re-analysis' place) once the models are written; `done` at the end. */
type Checkpoint = { phase: string } & Partial<ReanalyseState>;
const runs = new DurableRuns<Checkpoint>(feedbackRetrainRuns, { staleSeconds: 60 });
type RunRow = typeof feedbackRetrainRuns.$inferSelect;

// ---- the training data -------------------------------------------------------------------------------------------------

const live = (): SQL => and(isNull(feedbackItems.deletedAt), ne(feedbackItems.text, ERASED_TEXT))!;

/** Corrections per class, counted (cheap: for the page and the check before a run is queued). */
export async function correctionCounts(db: DbOrTx): Promise<{ sentiment: Record<FeedbackSentiment, number>; category: Map<string, number> }> {
  const s = rowsOf<{ label: FeedbackSentiment; n: number }>(
    await db.execute(sql`select ${feedbackItems.sentimentCorrected} as label, count(*)::int as n from ${feedbackItems}
      where ${feedbackItems.sentimentCorrected} is not null and ${live()} group by 1`),
  );
  const sentiment: Record<FeedbackSentiment, number> = { neg: 0, neu: 0, pos: 0 };
  for (const r of s) sentiment[r.label] = Math.min(Number(r.n), FEEDBACK_MODEL_RULES.maxExamples);
  const c = rowsOf<{ key: string; n: number }>(
    await db.execute(sql`select i.category_id::text as key, count(*)::int as n from ${feedbackItems} i
      join ${feedbackCategories} c on c.id = i.category_id and c.archived_at is null
      where i.category_set_by = 'agent' and i.deleted_at is null and i.text <> ${ERASED_TEXT} group by 1`),
  );
  return { sentiment, category: new Map(c.map((r) => [r.key, Number(r.n)] as const)) };
}

/** Why a kind cannot be trained with these counts (the reader's language), or null. */
function blockedReasons(locale: Locale, counts: { sentiment: Record<FeedbackSentiment, number>; category: Map<string, number> }): Record<FeedbackModelKind, string | null> {
  const short = sentimentShortfall(counts.sentiment);
  const catMax = Math.max(0, ...counts.category.values());
  return {
    sentiment: short
      ? t(locale, 'feedback.retrain.too_few_sentiment', { min: FEEDBACK_MODEL_RULES.minPerClass, neg: counts.sentiment.neg, pos: counts.sentiment.pos, needNeg: short.neg, needPos: short.pos })
      : null,
    category: catMax < FEEDBACK_MODEL_RULES.categoryMin ? t(locale, 'feedback.retrain.too_few_category', { min: FEEDBACK_MODEL_RULES.categoryMin, max: catMax }) : null,
  };
}

type Page<T> = { rows: T[]; last: { at: Date; id: string } | null };

/** The newest corrections, a page a statement (keyset on creation time and id), up to maxExamples. */
async function readNewest<T extends { id: string; createdAt: Date }>(read: (after: { at: Date; id: string } | null, limit: number) => Promise<T[]>, run: RunHandle<Checkpoint>): Promise<T[] | null> {
  const all: T[] = [];
  let page: Page<T> = { rows: [], last: null };
  do {
    if (run.signal.aborted) return null;
    const rows = await read(page.last, Math.min(PAGE, FEEDBACK_MODEL_RULES.maxExamples - all.length));
    all.push(...rows);
    const tail = rows.at(-1);
    page = { rows, last: tail ? { at: tail.createdAt, id: tail.id } : null };
    await yieldToEventLoop();
  } while (page.rows.length === PAGE && all.length < FEEDBACK_MODEL_RULES.maxExamples);
  return all;
}

const before = (after: { at: Date; id: string } | null): SQL =>
  after ? sql`(${feedbackItems.createdAt}, ${feedbackItems.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : sql`true`;

async function readSentimentCorrections(db: Db, run: RunHandle<Checkpoint>) {
  return readNewest(
    async (after, limit) =>
      await db
        .select({ id: feedbackItems.id, createdAt: feedbackItems.createdAt, text: feedbackItems.text, label: feedbackItems.sentimentCorrected })
        .from(feedbackItems)
        .where(and(isNotNull(feedbackItems.sentimentCorrected), live(), before(after)))
        .orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id))
        .limit(limit),
    run,
  );
}

async function readCategoryCorrections(db: Db, run: RunHandle<Checkpoint>) {
  return readNewest(
    async (after, limit) =>
      await db
        .select({ id: feedbackItems.id, createdAt: feedbackItems.createdAt, text: feedbackItems.text, category: feedbackItems.categoryId })
        .from(feedbackItems)
        .innerJoin(feedbackCategories, and(eq(feedbackCategories.id, feedbackItems.categoryId), isNull(feedbackCategories.archivedAt)))
        .where(and(eq(feedbackItems.categorySetBy, 'agent'), live(), before(after)))
        .orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id))
        .limit(limit),
    run,
  );
}

// ---- the models in use -----------------------------------------------------------------------------------------------

export type CompanyModels = { sentiment: CompanySentiment | null; category: CategoryModel | null };

/** The stored models by kind, kept with their version; reloaded when a version changes. */
let cache: { versions: string; models: CompanyModels } | null = null;

/**
 * The company's models for an analysis (one small query for their versions; the documents are read again only when a
 * version changed, so another process's retrain is seen at its next item).
 */
export async function companyModels(db: DbOrTx): Promise<CompanyModels> {
  const rows = await db.select({ kind: feedbackModels.kind, version: feedbackModels.version, fingerprint: feedbackModels.fingerprint }).from(feedbackModels);
  const versions = rows
    .map((r) => `${r.kind}:${r.version}:${r.fingerprint}`)
    .sort()
    .join(',');
  if (cache?.versions === versions) return cache.models;
  const full = rows.length ? await db.select({ kind: feedbackModels.kind, model: feedbackModels.model }).from(feedbackModels) : [];
  const stored = new Map(full.map((r) => [r.kind, r.model] as const));
  const s = stored.get('sentiment') as StoredCompanySentiment | undefined;
  const models: CompanyModels = { sentiment: s ? companySentiment(s) : null, category: (stored.get('category') as CategoryModel | undefined) ?? null };
  cache = { versions, models };
  return models;
}

// ---- views -----------------------------------------------------------------------------------------------------------

function runView(r: RunRow, locale: Locale): FeedbackRetrainRunView {
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    phase: r.progress.phase,
    results: r.results.map((x) => ({ ...x, message: x.outcome === 'too_few' ? tooFewMessage(locale, x) : null })),
    reanalysis: r.checkpoint?.items !== undefined ? { items: r.checkpoint.items, changed: r.checkpoint.changed ?? 0 } : null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

function tooFewMessage(locale: Locale, x: FeedbackModelResult): string {
  if (x.kind === 'sentiment') {
    const counts = { neg: x.counts.neg ?? 0, neu: x.counts.neu ?? 0, pos: x.counts.pos ?? 0 };
    return blockedReasons(locale, { sentiment: counts, category: new Map([['', FEEDBACK_MODEL_RULES.categoryMin]]) }).sentiment ?? '';
  }
  return blockedReasons(locale, { sentiment: { neg: 1e9, neu: 0, pos: 1e9 }, category: new Map(Object.entries(x.counts)) }).category ?? '';
}

export async function retrainRun(db: DbOrTx, id: string): Promise<RunRow | null> {
  return (await db.select().from(feedbackRetrainRuns).where(eq(feedbackRetrainRuns.id, id)))[0] ?? null;
}

/** GET /feedback-models (administrators). */
export async function feedbackModelsView(db: DbOrTx, actor: Actor | null): Promise<FeedbackModelsView> {
  requireAccess(actor, 'settings:manage');
  const models: FeedbackModelView[] = (await db.select().from(feedbackModels).orderBy(feedbackModels.kind)).map((m) => ({
    kind: m.kind,
    version: m.version,
    examples: m.examples,
    counts: m.counts,
    weight: m.weight,
    trainedAt: m.trainedAt.toISOString(),
  }));
  const counts = await correctionCounts(db);
  const [latest] = await db.select().from(feedbackRetrainRuns).orderBy(desc(feedbackRetrainRuns.createdAt)).limit(1);
  return {
    models,
    corrections: { sentiment: counts.sentiment, category: [...counts.category.values()].reduce((a, b) => a + b, 0) },
    blocked: blockedReasons(actor.locale, counts),
    run: latest ? runView(latest, actor.locale) : null,
  };
}

export async function getRetrainRun(db: DbOrTx, actor: Actor | null, id: string): Promise<FeedbackRetrainRunView> {
  requireAccess(actor, 'settings:manage');
  const r = await retrainRun(db, id);
  if (!r) throw AppError.notFound('feedback.retrain_not_found');
  return runView(r, actor.locale);
}

// ---- queueing and running ----------------------------------------------------------------------------------------------

/**
 * Queues a retrain (one at a time: the run queued or running is answered instead, `queued` false). Refused with 409
 * naming `corrections` when neither kind has enough corrections.
 */
export async function requestRetrain(db: DbOrTx, actor: Actor | null, reason: 'manual' | 'cli'): Promise<{ run: FeedbackRetrainRunView; queued: boolean }> {
  requireAccess(actor, 'settings:manage');
  const [active] = await db.select().from(feedbackRetrainRuns).where(sql`${feedbackRetrainRuns.status} in ('queued', 'running')`).limit(1);
  if (active) return { run: runView(active, actor.locale), queued: false };
  const counts = await correctionCounts(db);
  const blocked = blockedReasons(actor.locale, counts);
  if (blocked.sentiment && blocked.category) throw AppError.conflict('feedback.retrain_too_few', { sentiment: blocked.sentiment, category: blocked.category }, 'corrections');
  try {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`insert into ${feedbackRetrainRuns} (reason, requested_by) values (${reason}, ${actor.userId}) on conflict do nothing returning id`),
    );
    if (rows[0]) {
      await recordAudit(db, actor, { action: 'feedback_retrain', entityType: 'feedback_model', entityId: rows[0].id, changes: { reason, corrections: counts.sentiment, categorised: [...counts.category.values()].reduce((a, b) => a + b, 0) } });
      return { run: runView((await retrainRun(db, rows[0].id))!, actor.locale), queued: true };
    }
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const [now] = await db.select().from(feedbackRetrainRuns).where(sql`${feedbackRetrainRuns.status} in ('queued', 'running')`).limit(1);
  if (!now) throw new Error('a feedback retrain was neither queued nor found');
  return { run: runView(now, actor.locale), queued: false };
}

export async function unfinishedRetrains(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

/**
 * The retrain's job: its handler on the queue, the unfinished runs queued again (after `resumeAfter` seconds; null:
 * none), and the function that queues a new one.
 */
export async function retrainJobs(db: Db, jobs: Jobs, resumeAfter: number | null, log: (line: string) => void): Promise<(id: string) => Promise<unknown>> {
  jobs.handle(FEEDBACK_RETRAIN_QUEUE, async (data, signal) => void (await executeRetrain(db, String(data.id), { signal, log })), { resumeAfterSeconds: 90 });
  if (resumeAfter !== null) for (const id of await unfinishedRetrains(db)) await jobs.send(FEEDBACK_RETRAIN_QUEUE, { id }, resumeAfter);
  return (id) => jobs.send(FEEDBACK_RETRAIN_QUEUE, { id });
}

/** Executes a queued retrain (a failure is stored on the run); answers the run as it ended, in `locale`. */
export async function executeRetrain(db: Db, runId: string, opts: { signal?: AbortSignal; log?: (line: string) => void; locale?: Locale } = {}): Promise<FeedbackRetrainRunView> {
  try {
    await runs.execute(db, runId, (run) => retrain(db, run), { signal: opts.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    opts.log?.(`feedback retrain ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const row = await retrainRun(db, runId);
  if (!row) throw new Error(`no feedback retrain ${runId}`);
  return runView(row, opts.locale ?? 'zh-CN');
}

/** For the CLI and tests: queue a retrain (or take the one queued) and run it here. */
export async function retrainNow(db: Db, actor: Actor, reason: 'manual' | 'cli' = 'cli'): Promise<FeedbackRetrainRunView> {
  const { run } = await db.transaction((tx) => requestRetrain(tx, actor, reason));
  return executeRetrain(db, run.id, { locale: actor.locale });
}

type Fitted = { kind: FeedbackModelKind; fingerprint: string; examples: number; counts: Record<string, number>; weight: number; model: unknown };

async function retrain(db: Db, run: RunHandle<Checkpoint>): Promise<void> {
  const resume = run.resumeFrom;
  if (resume?.phase === 'reanalyse') return reanalyse(db, run, { after: resume.after ?? null, items: resume.items ?? 0, changed: resume.changed ?? 0, total: resume.total ?? 0 });
  const [row] = await db.select({ requestedBy: feedbackRetrainRuns.requestedBy }).from(feedbackRetrainRuns).where(eq(feedbackRetrainRuns.id, run.id));
  const results: FeedbackModelResult[] = [];
  const fitted: Fitted[] = [];
  const pause = async () => {
    await yieldToEventLoop();
    if (run.signal.aborted) throw new Error('stopped');
  };

  // Sentiment.
  await run.report({ phase: 'sentiment', done: 0, total: 2 }, { force: true });
  const sRows = await readSentimentCorrections(db, run);
  if (!sRows) return;
  const corrections = sRows.map((r) => ({ id: r.id, text: r.text, label: r.label! }));
  const sCounts = sentimentCounts(corrections);
  if (sentimentShortfall(sCounts)) results.push({ kind: 'sentiment', outcome: 'too_few', counts: sCounts, message: null, version: null });
  else {
    const fingerprint = trainingFingerprint(COMPANY_METHOD, corrections);
    const model = await trainCompanySentiment(corrections, sentimentModel(), pause).catch((err: unknown) => {
      if (run.signal.aborted) return null;
      throw err;
    });
    if (!model) return;
    fitted.push({ kind: 'sentiment', fingerprint, examples: corrections.length, counts: sCounts, weight: model.weight, model });
  }

  // Category.
  await run.report({ phase: 'category', done: 1, total: 2 }, { force: true });
  const cRows = await readCategoryCorrections(db, run);
  if (!cRows) return;
  const categories = await analysisCategories(db);
  const examples = cRows.map((r) => ({ id: r.id, text: r.text, category: r.category!, label: r.category! }));
  const cCounts = Object.fromEntries(categoryExampleCounts(examples));
  const cModel = trainCategoryModel(examples, categories);
  if (!cModel) results.push({ kind: 'category', outcome: 'too_few', counts: cCounts, message: null, version: null });
  else {
    const used = new Set(cModel.centroids.map((c) => c.key));
    const kept = examples.filter((e) => used.has(e.category));
    fitted.push({
      kind: 'category',
      fingerprint: trainingFingerprint(CATEGORY_METHOD, kept),
      examples: kept.length,
      counts: cCounts,
      weight: Math.max(0, ...cModel.centroids.map((c) => c.weight)),
      model: cModel,
    });
  }

  // Written in one short transaction with the run's end, or with the checkpoint that starts the re-analysis.
  const next = await db.transaction(async (tx) => {
    for (const f of fitted) {
      const [current] = await tx.select({ version: feedbackModels.version, fingerprint: feedbackModels.fingerprint }).from(feedbackModels).where(eq(feedbackModels.kind, f.kind)).for('update');
      if (current?.fingerprint === f.fingerprint) {
        results.push({ kind: f.kind, outcome: 'unchanged', counts: f.counts, message: null, version: current.version });
        continue;
      }
      const values = { fingerprint: f.fingerprint, examples: f.examples, counts: f.counts, weight: f.weight, model: f.model, trainedBy: row?.requestedBy ?? null, trainedAt: new Date() };
      const [saved] = await tx
        .insert(feedbackModels)
        .values({ kind: f.kind, version: 1, ...values })
        .onConflictDoUpdate({ target: feedbackModels.kind, set: { ...values, version: sql`${feedbackModels.version} + 1` } })
        .returning({ version: feedbackModels.version });
      results.push({ kind: f.kind, outcome: 'trained', counts: f.counts, message: null, version: saved!.version });
    }
    for (const r of results) {
      if (r.outcome !== 'too_few' || r.version !== null) continue;
      const [current] = await tx.select({ version: feedbackModels.version }).from(feedbackModels).where(eq(feedbackModels.kind, r.kind));
      r.version = current?.version ?? null;
    }
    results.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'sentiment' ? -1 : 1));
    await tx.update(feedbackRetrainRuns).set({ results }).where(eq(feedbackRetrainRuns.id, run.id));
    if (!results.some((r) => r.outcome === 'trained')) {
      await run.finish(tx, { progress: { phase: 'done', done: 2, total: 2 }, checkpoint: { phase: 'done' } });
      return null;
    }
    const start: ReanalyseState = { after: null, items: 0, changed: 0, total: await openItemCount(tx) };
    return (await run.save(tx, { phase: 'reanalyse', ...start }, { phase: 'reanalyse', done: 0, total: start.total })) ? start : null;
  });
  cache = null;
  if (next) await reanalyse(db, run, next);
}

/** The open items analysed again with the models now stored (the run's last phase; it ends the run). */
async function reanalyse(db: Db, run: RunHandle<Checkpoint>, start: ReanalyseState): Promise<void> {
  const models = { categories: await analysisCategories(db), company: await companyModels(db) };
  await reanalyseOpenItems(
    db,
    run,
    models,
    start,
    (s) => ({ phase: 'reanalyse', ...s }),
    (tx, s) => run.finish(tx, { progress: { phase: 'done', done: 2, total: 2 }, checkpoint: { phase: 'done', ...s } }),
  );
}
