/**
 * 重新分析 after a retrain (issue #19): the retrain's run analyses the open items again with the new models, through
 * the API as an administrator uses it (POST /feedback-models/retrain, a 202 job, polled until it ends).
 *
 * - An open item whose text the new corrections read the other way (暖气片烫手: the radiator too hot to touch is
 *   heating that works) flips to positive; a closed item with the same text keeps the analysis it was handled with;
 *   an item whose sentiment an agent corrected keeps its analysis and the correction; a removed item is left alone.
 * - More open items than one batch (REANALYSE_BATCH): the run reads every open item once (`reanalysis.items`) and its
 *   `changed` is exactly the open items whose sentiment or category changed (compared in the database before and after).
 * - A retrain over the same corrections changes no model and analyses nothing again (`reanalysis` null).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { FeedbackItemView, FeedbackRetrainRunView } from './feedback.contract.js';
import { recordFeedback } from './feedback.service.js';
import { REANALYSE_BATCH } from './reanalyse.js';
import { COMPLAINTS, HOT_RADIATOR } from './retrain.fixtures.js';

let ctx: TestContext;

/** Background texts for the open items beyond one batch (recorded through the feedback service, as other modules do). */
const BACKGROUND = ['暖气不热', '师傅态度很好，谢谢！', '请问什么时候开始供暖？', '家里暖气片漏水了', '缴费系统打不开', '暖气管子半夜一直响'];
const PHRASE = '我家暖气片现在烫手';

const create = async (text: string) => ok<FeedbackItemView>(await ctx.admin.post('/api/v1/feedback', { text }), 201);
const get = async (id: string) => ok<FeedbackItemView>(await ctx.admin.get(`/api/v1/feedback/${id}`));
const patch = async (item: FeedbackItemView, body: Record<string, unknown>) => ok<FeedbackItemView>(await ctx.admin.patch(`/api/v1/feedback/${item.id}`, { version: item.version, ...body }));

async function retrainAndWait(): Promise<FeedbackRetrainRunView> {
  const { run } = ok<{ run: FeedbackRetrainRunView; queued: boolean }>(await ctx.admin.post('/api/v1/feedback-models/retrain'), 202);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const r = ok<FeedbackRetrainRunView>(await ctx.admin.get(`/api/v1/feedback-models/runs/${run.id}`));
    if (r.status !== 'queued' && r.status !== 'running') return r;
    if (Date.now() > deadline) throw new Error(`the retrain ${run.id} did not end: ${r.status} ${r.phase}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Snapshot = Map<string, string>;
/** The open items' sentiment and category (suggested and applied), by id. */
async function openSnapshot(): Promise<Snapshot> {
  const rows = rowsOf<{ id: string; s: string }>(
    await ctx.database.db.execute(sql`select id::text as id, concat_ws('|', sentiment, suggested_category_id, category_id) as s from feedback_items
      where status in ('new', 'in_progress') and deleted_at is null`),
  );
  return new Map(rows.map((r) => [r.id, r.s] as const));
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('the open items analysed again after a retrain', () => {
  it('flips an open item, leaves closed, removed and hand-corrected items as they were, and counts what changed', async () => {
    for (const text of HOT_RADIATOR) await patch(await create(text), { sentiment: 'pos' });
    for (const text of COMPLAINTS) await patch(await create(text), { sentiment: 'neg' });

    const open = await create(PHRASE);
    expect(open.sentiment).not.toBe('pos');
    const working = await patch(await create(`${PHRASE}了`), { status: 'in_progress' });
    const closed = await patch(await create(PHRASE), { status: 'closed' });
    const removed = await create(PHRASE);
    expect((await ctx.admin.delete(`/api/v1/feedback/${removed.id}`)).statusCode).toBe(204);
    // An agent corrected this one by hand: the label, and the analysis beside it (what the model said then), stay.
    const corrected = await patch(await create(`孩子说${PHRASE}`), { sentiment: 'pos' });
    expect(corrected.sentiment).not.toBe('pos');

    // More open items than one batch, so the run goes through several transactions and checkpoints.
    await ctx.database.db.transaction(async (tx) => {
      for (let i = 0; i < REANALYSE_BATCH + 20; i++) await recordFeedback(tx, { text: `${BACKGROUND[i % BACKGROUND.length]!}（${i}号楼）`, source: 'agent' });
    });
    const before = await openSnapshot();
    const untouched = { closed: await get(closed.id), corrected: await get(corrected.id) };

    const run = await retrainAndWait();
    expect(run).toMatchObject({ status: 'done', phase: 'done', error: null });
    expect(run.results.find((r) => r.kind === 'sentiment')).toMatchObject({ outcome: 'trained', version: 1 });

    // The open items reflect the new model.
    const flipped = await get(open.id);
    expect(flipped.sentiment, JSON.stringify(run.reanalysis)).toBe('pos');
    expect(flipped.sentimentDrivers.map((d) => d.word).join(' ')).toMatch(/烫手|暖气片/);
    expect(flipped.version).toBe(open.version);
    expect((await get(working.id)).sentiment).toBe('pos');
    // Closed and hand-corrected items as they were; the removed one too.
    expect(await get(closed.id)).toEqual(untouched.closed);
    expect(await get(corrected.id)).toEqual(untouched.corrected);
    const [gone] = rowsOf<{ sentiment: string; score: number }>(await ctx.database.db.execute(sql`select sentiment, sentiment_score as score from feedback_items where id = ${removed.id}`));
    expect(gone!.sentiment).toBe(removed.sentiment);
    expect(gone!.score).toBe(removed.sentimentScore);

    // Every open item read once; `changed` is exactly the open items whose sentiment or category moved.
    const after = await openSnapshot();
    expect(after.size).toBe(before.size);
    expect(before.size).toBeGreaterThan(REANALYSE_BATCH);
    const moved = [...before].filter(([id, s]) => after.get(id) !== s).map(([id]) => id);
    expect(moved).toContain(open.id);
    expect(moved).not.toContain(corrected.id);
    expect(run.reanalysis).toEqual({ items: before.size, changed: moved.length });
  });

  it('a retrain over the same corrections changes no model and analyses nothing again', async () => {
    const before = await openSnapshot();
    const again = await retrainAndWait();
    expect(again.results.find((r) => r.kind === 'sentiment')).toMatchObject({ outcome: 'unchanged', version: 1 });
    expect(again.reanalysis).toBeNull();
    expect(await openSnapshot()).toEqual(before);
  });
});
