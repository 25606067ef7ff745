/**
 * 重新分析 (issue #19): after a retrain wrote a new company model, the items still being handled (status new or in
 * progress, live) are analysed again with it, in the same durable run, so the inbox's sentiment and category
 * suggestion say what the model now says. Closed and replied items keep the analysis they were handled with.
 *
 * - What is replaced is what the analysis on arrival decided (feedback.service.ts `recordFeedback`): the sentiment
 *   with its score, polarity and drivers, unless an agent corrected it (`sentiment_corrected`); the category
 *   suggestion and its confidence, and the category applied by itself at AUTO_CATEGORY_CONFIDENCE, unless a person
 *   chose the category (`category_set_by = 'agent'`). The two are separate: an item whose sentiment an agent
 *   corrected still gets the new category suggestion. The guards are in the UPDATE itself, so a correction committed
 *   while a batch was being analysed is never overwritten, and an item closed meanwhile is left alone. Keywords do not
 *   depend on the models and the owner stays who is handling the item; the item's version is not moved (this is the
 *   analysis refreshed, not an edit: an agent's open form still saves).
 * - Short transactions: a batch of REANALYSE_BATCH items by id (keyset) is read in one statement, analysed in memory
 *   with a turn of the event loop every few texts, and written in one UPDATE together with the run's checkpoint (the
 *   last id and the counts so far), so a resumed run goes on after the last committed batch and counts every item once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { forEachSliced, yieldToEventLoop } from '../../platform/db/slice.js';
import { ERASED_TEXT } from '../../platform/erasure.js';
import { RunLostError, type RunHandle } from '../../platform/runs/index.js';
import { AUTO_CATEGORY_CONFIDENCE, type FeedbackDriver } from './feedback.contract.js';
import { analyseSentiment, suggestCategory, type CategoryDef, type CategoryModel, type CompanySentiment } from './text/index.js';

/** Items per transaction. */
export const REANALYSE_BATCH = 300;
/** Texts analysed between two turns of the event loop (a few milliseconds of CPU). */
const TEXTS_PER_TURN = 20;

/** The re-analysis' place in the run's checkpoint: after which item id, and the counts so far. */
export type ReanalyseState = { after: string | null; items: number; changed: number; total: number };

const OPEN = sql`i.status in ('new', 'in_progress') and i.deleted_at is null and i.text <> ${ERASED_TEXT}`;

/** The open items now (the progress' total). */
export async function openItemCount(db: DbOrTx): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from feedback_items i where ${OPEN}`))[0]?.n ?? 0);
}

type OpenRow = { id: string; text: string; sentiment: string; suggested: string | null; category: string | null };

type Analysed = {
  id: string;
  sentiment: string;
  score: number;
  polarity: number;
  drivers: FeedbackDriver[];
  suggested: string | null;
  confidence: number | null;
  category: string | null;
  set_by: 'auto' | null;
  old_sentiment: string;
  old_suggested: string | null;
  old_category: string | null;
};

async function readOpen(db: DbOrTx, after: string | null, limit: number): Promise<OpenRow[]> {
  return rowsOf<OpenRow>(
    await db.execute(sql`
      select i.id::text as id, i.text, i.sentiment, i.suggested_category_id::text as suggested, i.category_id::text as category
      from feedback_items i
      where ${OPEN} and ${after ? sql`i.id > ${after}::uuid` : sql`true`}
      order by i.id limit ${limit}`),
  );
}

export type ReanalyseModels = { categories: CategoryDef[]; company: { sentiment: CompanySentiment | null; category: CategoryModel | null } };

/** Each row as the analysis on arrival would now see it (recordFeedback's rule for the category). */
async function analyseRows(rows: OpenRow[], m: ReanalyseModels): Promise<Analysed[]> {
  const out: Analysed[] = [];
  const known = new Set(m.categories.map((c) => c.key));
  await forEachSliced(rows.length, TEXTS_PER_TURN, (k) => {
    const r = rows[k]!;
    const s = analyseSentiment(r.text, { domain: 'heating', company: m.company.sentiment });
    const c = suggestCategory(r.text, m.categories, undefined, m.company.category);
    const suggested = c && known.has(c.key) ? c.key : null;
    const auto = suggested !== null && c!.confidence >= AUTO_CATEGORY_CONFIDENCE;
    out.push({
      id: r.id,
      sentiment: s.sentiment,
      score: s.score,
      polarity: s.polarity,
      drivers: s.drivers.map((d) => ({ word: d.word, weight: d.weight })),
      suggested,
      confidence: suggested ? c!.confidence : null,
      category: auto ? suggested : null,
      set_by: auto ? 'auto' : null,
      old_sentiment: r.sentiment,
      old_suggested: r.suggested,
      old_category: r.category,
    });
  });
  return out;
}

/**
 * Writes a batch's new analysis in one statement, each part only where no person decided it and only on items still
 * open; answers how many items' sentiment or category (suggested or applied) changed.
 */
async function writeBatch(tx: DbOrTx, batch: Analysed[]): Promise<number> {
  if (!batch.length) return 0;
  const sentimentOpen = sql`i.sentiment_corrected is null`;
  const categoryOpen = sql`i.category_set_by is distinct from 'agent'`;
  const rows = rowsOf<{ changed: boolean }>(
    await tx.execute(sql`
      update feedback_items i set
        sentiment = case when ${sentimentOpen} then v.sentiment else i.sentiment end,
        sentiment_score = case when ${sentimentOpen} then v.score else i.sentiment_score end,
        polarity = case when ${sentimentOpen} then v.polarity else i.polarity end,
        sentiment_drivers = case when ${sentimentOpen} then v.drivers else i.sentiment_drivers end,
        suggested_category_id = case when ${categoryOpen} then v.suggested else i.suggested_category_id end,
        category_confidence = case when ${categoryOpen} then v.confidence else i.category_confidence end,
        category_id = case when ${categoryOpen} then v.category else i.category_id end,
        category_set_by = case when ${categoryOpen} then v.set_by else i.category_set_by end
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as v(
        id uuid, sentiment text, score float8, polarity float8, drivers jsonb, suggested uuid, confidence float8, category uuid, set_by text,
        old_sentiment text, old_suggested uuid, old_category uuid)
      where i.id = v.id and i.status in ('new', 'in_progress') and i.deleted_at is null
        and ((${sentimentOpen} and (i.sentiment, i.sentiment_score, i.polarity, i.sentiment_drivers) is distinct from (v.sentiment, v.score, v.polarity, v.drivers))
          or (${categoryOpen} and (i.suggested_category_id, i.category_confidence, i.category_id, i.category_set_by) is distinct from (v.suggested, v.confidence, v.category, v.set_by)))
      returning (i.sentiment is distinct from v.old_sentiment or i.suggested_category_id is distinct from v.old_suggested
        or i.category_id is distinct from v.old_category) as changed`),
  );
  return rows.filter((r) => r.changed).length;
}

/**
 * Analyses the open items again from `start`, a batch per transaction with the checkpoint `checkpoint(state)`; the
 * last batch ends the run (`finish`). Returns without finishing when the run must stop (a cancel, the process stopping).
 */
export async function reanalyseOpenItems<C>(
  db: Db,
  run: RunHandle<C>,
  models: ReanalyseModels,
  start: ReanalyseState,
  checkpoint: (s: ReanalyseState, last: boolean) => C,
  finish: (tx: DbOrTx, s: ReanalyseState) => Promise<void>,
): Promise<void> {
  let state = start;
  for (;;) {
    if (run.signal.aborted) {
      if (run.lost) throw new RunLostError(run.id);
      return;
    }
    const rows = await readOpen(db, state.after, REANALYSE_BATCH);
    const analysed = await analyseRows(rows, models);
    const last = rows.length < REANALYSE_BATCH;
    const kept = await db.transaction(async (tx) => {
      const changed = await writeBatch(tx, analysed);
      const next: ReanalyseState = { after: rows.at(-1)?.id ?? state.after, items: state.items + rows.length, changed: state.changed + changed, total: Math.max(state.total, state.items + rows.length) };
      state = next;
      if (last) {
        await finish(tx, next);
        return false;
      }
      return run.save(tx, checkpoint(next, false), { phase: 'reanalyse', done: next.items, total: next.total });
    });
    await yieldToEventLoop();
    if (!kept) return;
  }
}
