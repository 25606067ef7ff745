/**
 * 重新训练 (issue #19): the company's own models from its agents' corrections, through the API as an administrator
 * uses it (the page's button posts the same request; `hearth feedback retrain` runs the same run, cli/feedback tests).
 *
 * - Too few corrections: the page says why per kind, the request is 409 naming `corrections`, in zh-CN and English;
 *   an agent may not retrain (403).
 * - A domain phrase the shipped model reads the wrong way (暖气片烫手: a radiator too hot to touch is heating that
 *   works) corrected to positive by agents: before the retrain a new message with it is analysed as the shipped model
 *   says; after it, as the corrections say — and messages without it are analysed as before.
 * - The category: items about the heat meter (热量表) that agents filed under 缴费问题 — no seed word says so — make a
 *   new heat-meter message suggested as 缴费问题 after the retrain, not before.
 * - Idempotent: a second retrain over the same corrections writes nothing (same versions); a request while a run is
 *   queued answers that run.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { FeedbackCategoryView, FeedbackItemView, FeedbackModelsView, FeedbackRetrainRunView } from './feedback.contract.js';
import { COMPLAINTS, HOT_RADIATOR } from './retrain.fixtures.js';
import { executeRetrain, requestRetrain } from './retrain.service.js';

let ctx: TestContext;

/** Heat-meter messages agents filed under 缴费问题. */
const HEAT_METER = ['热量表读数跳得厉害', '热量表的数字对不上', '楼道里的热量表坏了', '热量表显示的数不对', '热量表一直没读数', '热量表读数比去年多一倍'];
const NEW_PHRASE = '我家暖气片现在烫手';
const NEW_METER = '热量表读数又跳了';

const create = async (text: string) => ok<FeedbackItemView>(await ctx.admin.post('/api/v1/feedback', { text }), 201);
const correct = async (item: FeedbackItemView, patch: Record<string, unknown>) => ok<FeedbackItemView>(await ctx.admin.patch(`/api/v1/feedback/${item.id}`, { version: item.version, ...patch }));
const models = async (lang = 'zh-CN') => ok<FeedbackModelsView>(await ctx.admin.lang(lang).get('/api/v1/feedback-models'));

async function retrainAndWait(): Promise<FeedbackRetrainRunView> {
  const { run } = ok<{ run: FeedbackRetrainRunView; queued: boolean }>(await ctx.admin.post('/api/v1/feedback-models/retrain'), 202);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = ok<FeedbackRetrainRunView>(await ctx.admin.get(`/api/v1/feedback-models/runs/${run.id}`));
    if (r.status !== 'queued' && r.status !== 'running') return r;
    if (Date.now() > deadline) throw new Error(`the retrain ${run.id} did not end: ${r.status} ${r.phase}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('retraining the company models', () => {
  it('says per kind why it cannot train yet, and refuses the request (409 naming corrections) in both languages; agents may not', async () => {
    const zh = await models();
    expect(zh.models).toEqual([]);
    expect(zh.blocked.sentiment).toContain('负面、正面各至少 10 条');
    expect(zh.blocked.category).toContain('至少一个分类有 5 条');
    const p = problemOf(await ctx.admin.lang('zh-CN').post('/api/v1/feedback-models/retrain'), 409);
    expect(p.detail).toContain('坐席更正还不够');
    expect(JSON.stringify(p)).toContain('corrections');
    const en = problemOf(await ctx.admin.lang('en').post('/api/v1/feedback-models/retrain'), 409);
    expect(en.detail).toContain('at least 10 corrections labelled negative');
    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.post('/api/v1/feedback-models/retrain'), 403);
    problemOf(await agent.get('/api/v1/feedback-models'), 403);
    expect(rowsOf(await ctx.database.db.execute(sql`select count(*)::int as n from feedback_retrain_runs`))[0]).toEqual({ n: 0 });
  });

  it('before the retrain a new message with the phrase reads as the shipped model says; after it, as the corrections say; other messages as before', async () => {
    const categories = ok<{ items: FeedbackCategoryView[] }>(await ctx.admin.get('/api/v1/feedback-categories')).items;
    const billing = categories.find((c) => c.nameZh === '缴费问题')!;
    for (const text of HOT_RADIATOR) await correct(await create(text), { sentiment: 'pos' });
    for (const text of COMPLAINTS) await correct(await create(text), { sentiment: 'neg' });
    for (const text of HEAT_METER) await correct(await create(text), { categoryId: billing.id });

    const before = await create(NEW_PHRASE);
    expect(before.sentiment).not.toBe('pos');
    const meterBefore = await create(NEW_METER);
    expect(meterBefore.suggestedCategory?.id ?? null).not.toBe(billing.id);
    const controls = ['师傅态度很好，谢谢！', '家里暖气片漏水了，地板都泡了', '请问什么时候开始供暖？'];
    const controlBefore = [];
    for (const text of controls) controlBefore.push(await create(text));

    const run = await retrainAndWait();
    expect(run).toMatchObject({ status: 'done', reason: 'manual', error: null });
    expect(run.results.map((r) => [r.kind, r.outcome, r.version])).toEqual([
      ['sentiment', 'trained', 1],
      ['category', 'trained', 1],
    ]);
    expect(run.results[0]!.counts).toEqual({ neg: COMPLAINTS.length, neu: 0, pos: HOT_RADIATOR.length });

    const after = await create(NEW_PHRASE);
    expect(after.sentiment).toBe('pos');
    expect(after.sentimentDrivers.map((d) => d.word).join(' ')).toMatch(/烫手|暖气片/);
    const meterAfter = await create(NEW_METER);
    expect(meterAfter.suggestedCategory?.id).toBe(billing.id);
    for (const [i, text] of controls.entries()) expect((await create(text)).sentiment).toBe(controlBefore[i]!.sentiment);

    // The page shows the models; they live in the database, not in the repository's model file.
    const m = await models();
    expect(m.models.map((x) => [x.kind, x.version, x.examples])).toEqual([
      ['category', 1, HEAT_METER.length],
      ['sentiment', 1, HOT_RADIATOR.length + COMPLAINTS.length],
    ]);
    const weight = m.models.find((x) => x.kind === 'sentiment')!.weight;
    expect(weight).toBeGreaterThan(0);
    expect(weight).toBeLessThanOrEqual(0.8);
    expect(m.blocked).toEqual({ sentiment: null, category: null });
    expect(m.run?.id).toBe(run.id);
  });

  it('a second retrain over the same corrections writes nothing; one request while a run is queued answers that run', async () => {
    const stored = async () => rowsOf<{ kind: string; version: number; trained_at: string }>(await ctx.database.db.execute(sql`select kind, version, trained_at::text from feedback_models order by kind`));
    const first = await stored();
    const again = await retrainAndWait();
    expect(again.results.map((r) => [r.kind, r.outcome, r.version])).toEqual([
      ['sentiment', 'unchanged', 1],
      ['category', 'unchanged', 1],
    ]);
    expect(await stored()).toEqual(first);

    // Two requests, no run in between: one run.
    const actor = systemActor('system');
    const a = await ctx.database.db.transaction((tx) => requestRetrain(tx, actor, 'manual'));
    const b = await ctx.database.db.transaction((tx) => requestRetrain(tx, actor, 'manual'));
    expect(a.run.id).toBe(b.run.id);
    expect(b.queued).toBe(false);
    const done = await executeRetrain(ctx.database.db, a.run.id);
    // The job may have taken it first: either way it ended, and wrote nothing new.
    expect(['done']).toContain(done.status);
    expect(await stored()).toEqual(first);

    // A new correction changes the training set: a new version.
    await correct(await create('暖气片烫手，谢谢师傅'), { sentiment: 'pos' });
    const third = await retrainAndWait();
    expect(third.results.find((r) => r.kind === 'sentiment')).toMatchObject({ outcome: 'trained', version: 2 });
    expect(third.results.find((r) => r.kind === 'category')).toMatchObject({ outcome: 'unchanged', version: 1 });
  });
});
