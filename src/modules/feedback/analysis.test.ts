/**
 * 反馈分析 through HTTP on an injected clock: five weeks of steady feedback (3 items a day in two compounds, one 漏水
 * item a week) raise no hot topic; a burst of 漏水 items this morning raises the 漏水 category and keyword within
 * the hour — on the manager's 反馈热点 tile too, whose rows drill to inbox filters listing exactly the items counted
 * (checked against an independent SQL count) — but not for an agent whose customers saw no burst (data scope). The
 * trends, the negative share over time and the keyword cloud count what SQL counts, and their groups drill to the
 * inbox; bad ranges are refused naming the field; the goal metric counts the hot topics.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome } from '../dashboards/index.js';
import type { GoalDetail } from '../goals/index.js';
import type { FeedbackHotTopics, FeedbackKeywordCloud, FeedbackSentimentTrends, FeedbackTrends } from './analysis.contract.js';
import type { FeedbackItemView } from './feedback.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const day = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
let now = bj('2026-11-18 10:00');

const STEADY = ['家里暖气不热，才十五度', '暖气费什么时候交，能不能网上缴费', '客服态度很好，谢谢', '维修师傅来得太慢了，等了三天', '暖气管道有异响，晚上睡不着', '请问什么时候开始供暖'];
const WEEKLY_LEAK = '卫生间暖气片一直在漏水';
const BURST = ['暖气片漏水了，地板都湿了', '3号楼地下室管道漏水很严重', '楼上暖气管漏水，漏到我家了', '家里暖气片漏水了，地板都泡了，太气人了', '卫生间暖气片一直在漏水', '暖气片漏水了，地板都湿了'];

describe('feedback analysis', () => {
  let ctx: TestContext;
  let manager: Client;
  let agent: Client;
  let other: Client;
  let mine: Record<string, any>;
  let theirs: Record<string, any>;
  const burstIds: string[] = [];

  const record = async (at: Date, text: string, customerId: string) => {
    now = at;
    return ok<FeedbackItemView>(await manager.post('/api/v1/feedback', { text, customerId }), 201);
  };
  const hot = async (as: Client) => ok<FeedbackHotTopics>(await as.get('/api/v1/feedback-analysis/hot-topics'));
  const listed = async (as: Client, link: string) => ok<{ items: FeedbackItemView[] }>(await as.get(`/api/v1${link.replace('/feedback?', '/feedback?limit=200&')}`)).items;
  const count = async (where: ReturnType<typeof sql>) =>
    Number(rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from feedback_items i left join customers c on c.id = i.customer_id where i.deleted_at is null and ${where}`))[0]!.n);

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager' });
    agent = await ctx.newUser({ role: 'agent' });
    other = await ctx.newUser({ role: 'agent' });
    mine = await ctx.newCustomer({ name: '刘桂兰', phones: ['13900004001'], ownerId: agent.userId, address: { city: '哈尔滨市', compound: '幸福家园' } });
    theirs = await ctx.newCustomer({ name: '陈国强', phones: ['13900004002'], ownerId: other.userId, address: { city: '哈尔滨市', compound: '阳光小区' } });
    // Steady background: 2026-10-13 … today, 3 a day (alternating customers), 漏水 once a week (Fridays, 11:00).
    for (let d = bj('2026-10-13 00:00'); d <= bj('2026-11-18 00:00'); d = new Date(d.getTime() + 86_400_000)) {
      const n = Math.round((d.getTime() - bj('2026-10-13 00:00').getTime()) / 86_400_000);
      for (const [i, hour] of [9, 13, 17].entries()) {
        const at = new Date(d.getTime() + hour * 3_600_000);
        if (at > bj('2026-11-18 10:00')) continue;
        await record(at, STEADY[(n * 3 + i) % STEADY.length]!, (n + i) % 2 ? theirs.id : mine.id);
      }
      if (new Date(d.getTime() + 8 * 3_600_000).getUTCDay() === 5) await record(new Date(d.getTime() + 11 * 3_600_000), WEEKLY_LEAK, (n % 2 ? theirs : mine).id);
    }
    now = bj('2026-11-18 10:00');
  });
  afterAll(() => ctx?.close());

  it('a steady background with 漏水 at its normal rate raises no hot topic', async () => {
    const h = await hot(manager);
    expect(h.window).toMatchObject({ from: '2026-11-12', to: '2026-11-18' });
    expect(h.enoughHistory).toBe(true);
    expect(h.total).toBe(await count(sql`i.created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz`));
    expect(h.baselineTotals).toEqual([22, 22, 22, 22]); // 3 a day + one 漏水 a week
    expect(h.topics).toEqual([]);
    // Nor on the days before.
    for (const at of ['2026-11-14 12:00', '2026-11-16 18:00']) {
      now = bj(at);
      expect((await hot(manager)).topics, at).toEqual([]);
    }
  });

  it('a burst of 漏水 this morning raises the 漏水 category and keyword within the hour; the tile drills to the same items', async () => {
    for (const [i, text] of BURST.entries()) burstIds.push((await record(new Date(bj('2026-11-18 10:05').getTime() + i * 5 * 60_000), text, theirs.id)).id);
    now = bj('2026-11-18 11:00');
    const h = await hot(manager);
    const leakCategory = h.topics.find((t) => t.kind === 'category' && t.label === '漏水')!;
    const leakWord = h.topics.find((t) => t.kind === 'keyword' && t.key === '漏水')!;
    expect(leakCategory).toBeTruthy();
    expect(leakWord).toBeTruthy();
    const since = sql`i.created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz`;
    // Independent SQL: the window's items of the category, and with the keyword.
    expect(leakCategory.count).toBe(await count(sql`${since} and i.category_id = ${leakCategory.key}`));
    expect(leakWord.count).toBe(await count(sql`${since} and '漏水' = any(i.keywords)`));
    expect(leakCategory.count).toBeGreaterThanOrEqual(BURST.length);
    expect(h.total).toBe(await count(since));
    expect(leakCategory.share).toBeCloseTo(leakCategory.count / h.total, 3);
    expect(leakCategory.baselineShare).toBeCloseTo(1 / 22, 3);
    expect(leakCategory.ratio!).toBeGreaterThanOrEqual(2);
    expect(leakCategory.sampleIds.slice(0, 5)).toEqual(burstIds.slice(-5).reverse());
    expect(leakCategory.filter).toEqual({ categoryId: leakCategory.key });
    expect(leakWord.filter).toEqual({ keyword: '漏水' });

    // The manager's 反馈热点 tile: the same topics, each row listing exactly its items in the inbox.
    const tile = ok<DashboardHome>(await manager.get('/api/v1/dashboards/home?board=manager')).tiles.find((t) => t.key === 'feedback.hot_topics')!;
    expect(tile.title).toBe('反馈热点');
    expect(tile.stats.map((s) => s.value)).toEqual([h.topics.length, h.total]);
    expect((await listed(manager, tile.stats[1]!.link!)).length).toBe(h.total);
    const categoryRow = tile.rows.find((r) => r.id === `category:${leakCategory.key}`)!;
    expect(categoryRow.label).toBe('分类：漏水');
    expect(categoryRow.link).toBe(`/feedback?categoryId=${leakCategory.key}&from=2026-11-12&to=2026-11-18`);
    expect((await listed(manager, categoryRow.link!)).length).toBe(leakCategory.count);
    const wordRow = tile.rows.find((r) => r.id === 'keyword:漏水')!;
    const words = await listed(manager, wordRow.link!);
    expect(words.length).toBe(leakWord.count);
    expect(words.every((i) => i.keywords.includes('漏水'))).toBe(true);
    for (const row of tile.rows) {
      const topic = h.topics.find((t) => `${t.kind}:${t.key}` === row.id)!;
      expect((await listed(manager, row.link!)).length, row.label).toBe(topic.count);
    }
    const en = ok<DashboardHome>(await manager.lang('en').get('/api/v1/dashboards/home?board=manager')).tiles.find((t) => t.key === 'feedback.hot_topics')!;
    expect(en.title).toBe('Feedback hot topics');

    // A day later the alert still stands.
    now = bj('2026-11-19 09:00');
    expect((await hot(manager)).topics.some((t) => t.kind === 'category' && t.key === leakCategory.key)).toBe(true);
    now = bj('2026-11-18 11:00');
  });

  it("data scope: an agent whose customers saw no burst has no hot topic; the other agent's does", async () => {
    const a = await hot(agent);
    expect(a.total).toBe(await count(sql`i.created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz and c.owner_id = ${agent.userId}`));
    expect(a.topics).toEqual([]);
    const o = await hot(other);
    expect(o.topics.some((t) => t.kind === 'keyword' && t.key === '漏水')).toBe(true);
  });

  it('trends by category, sentiment and compound count what SQL counts; each series drills to the inbox', async () => {
    const range = 'from=2026-11-12&to=2026-11-18';
    const byCategory = ok<FeedbackTrends>(await manager.get(`/api/v1/feedback-analysis/trends?${range}&granularity=day&split=category`));
    expect(byCategory.periods.map((p) => p.key)).toEqual(['2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18']);
    const daily = rowsOf<{ d: string; n: number }>(
      await ctx.database.db.execute(sql`select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as d, count(*)::int as n from feedback_items
        where deleted_at is null and created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz group by 1`),
    );
    expect(byCategory.totals).toEqual(byCategory.periods.map((p) => Number(daily.find((r) => r.d === p.key)?.n ?? 0)));
    expect(byCategory.total).toBe(byCategory.totals.reduce((a, b) => a + b, 0));
    const leak = byCategory.series.find((s) => s.label === '漏水')!;
    expect(leak.values[6]).toBe(BURST.length);
    for (const s of byCategory.series) {
      expect(s.values.reduce((a, b) => a + b, 0)).toBe(s.total);
      if (!s.filter) continue;
      const params = new URLSearchParams({ ...s.filter, from: '2026-11-18', to: '2026-11-18' });
      expect((await listed(manager, `/feedback?${params}`)).length, s.label).toBe(s.values[6]);
    }
    for (let i = 0; i < 7; i++) expect(byCategory.series.reduce((a, s) => a + s.values[i]!, 0)).toBe(byCategory.totals[i]);

    const bySentiment = ok<FeedbackTrends>(await manager.get(`/api/v1/feedback-analysis/trends?${range}&split=sentiment`));
    expect(bySentiment.series.map((s) => s.key)).toEqual(['neg', 'neu', 'pos']);
    expect(bySentiment.series[0]!.label).toBe('负面');
    expect(bySentiment.total).toBe(byCategory.total);

    const byCompound = ok<FeedbackTrends>(await manager.get(`/api/v1/feedback-analysis/trends?${range}&split=compound&granularity=week`));
    expect(byCompound.periods).toEqual([
      { key: '2026-11-12', from: '2026-11-12', to: '2026-11-15' },
      { key: '2026-11-16', from: '2026-11-16', to: '2026-11-18' },
    ]);
    const sunny = byCompound.series.find((s) => s.key === '阳光小区')!;
    expect(sunny.total).toBe(await count(sql`i.created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz and c.compound = '阳光小区'`));
    expect((await listed(manager, `/feedback?compound=${encodeURIComponent('阳光小区')}&from=2026-11-16&to=2026-11-18`)).length).toBe(sunny.values[1]);
  });

  it('the negative share over time and the keyword cloud', async () => {
    const s = ok<FeedbackSentimentTrends>(await manager.get('/api/v1/feedback-analysis/sentiment?from=2026-11-12&to=2026-11-18&granularity=week&by=compound'));
    const window = sql`i.created_at >= ${bj('2026-11-12 00:00').toISOString()}::timestamptz`;
    const negative = await count(sql`${window} and coalesce(i.sentiment_corrected, i.sentiment) = 'neg'`);
    expect(s.overall.total).toBe(await count(window));
    expect(s.overall.negative).toBe(negative);
    expect(s.overall.share).toBeCloseTo(negative / s.overall.total, 4);
    expect(s.groups.map((g) => g.key).sort()).toEqual(['幸福家园', '阳光小区']);
    for (const g of s.groups) expect(g.shares.every((x, i) => x === null || Math.abs(x - g.negatives[i]! / g.counts[i]!) < 1e-4)).toBe(true);

    const cloud = ok<FeedbackKeywordCloud>(await manager.get('/api/v1/feedback-analysis/keywords?from=2026-11-12&to=2026-11-18&limit=10'));
    expect(cloud.items).toBe(s.overall.total);
    expect(cloud.keywords.length).toBeLessThanOrEqual(10);
    expect(cloud.keywords[0]!.weight).toBe(1);
    const leak = cloud.keywords.find((k) => k.word === '漏水')!;
    expect(leak.count).toBe(await count(sql`${window} and '漏水' = any(i.keywords)`));
    expect(leak.negative).toBeLessThanOrEqual(leak.count);
    const filtered = ok<FeedbackKeywordCloud>(await manager.get(`/api/v1/feedback-analysis/keywords?from=2026-11-12&to=2026-11-18&compound=${encodeURIComponent('幸福家园')}`));
    expect(filtered.items).toBe(await count(sql`${window} and c.compound = '幸福家园'`));
  });

  it('refuses a reversed or too long range naming the field; needs feedback:read', async () => {
    const reversed = problemOf(await manager.get('/api/v1/feedback-analysis/trends?from=2026-11-18&to=2026-11-01'), 400);
    expect(reversed.errors[0]).toMatchObject({ field: 'to', message: '结束日期不能早于开始日期' });
    const long = problemOf(await manager.lang('en').get('/api/v1/feedback-analysis/sentiment?from=2020-01-01&to=2026-11-18'), 400);
    expect(long.errors[0]).toMatchObject({ field: 'from', message: 'The range can be at most 731 days' });
    expect(problemOf(await manager.get('/api/v1/feedback-analysis/trends?split=owner'), 400).errors[0]!.field).toBe('split');
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.get('/api/v1/feedback-analysis/hot-topics'), 403); // a viewer holds no feedback:read
    problemOf(await viewer.get('/api/v1/feedback-analysis/trends'), 403);
  });

  it('the goal metric counts the hot topics at the end of the period (or now)', async () => {
    const h = await hot(manager);
    const goal = ok<GoalDetail>(await manager.post('/api/v1/goals', { name: '反馈热点', metric: 'feedback.hot_topics', targetValue: 0, periodKind: 'month', periodStart: '2026-11-01' }), 201);
    expect(goal.progress.value).toBe(h.topics.length);
    expect(day(now)).toBe('2026-11-18');
  });
});
