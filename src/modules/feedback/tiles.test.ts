/**
 * The feedback module on the home page and in the goal catalogue (issue #17) through HTTP, on a hand-built month with
 * an injected clock: the 客户反馈 tile counts what the user's inbox holds (new, in progress, overdue by the handling
 * deadline) and this month's negative share, its rows put overdue items first, and its figures drill to inbox
 * filters that list the same items; the goal metrics measure volume and the negative share (corrections count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { DashboardHome } from '../dashboards/index.js';
import type { GoalDetail } from '../goals/index.js';
import type { FeedbackItemView } from './feedback.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2026-11-02 09:00');

describe('feedback on the home page and in goals', () => {
  let ctx: TestContext;
  let agent: Client;
  let other: Client;
  let manager: Client;
  const made: Record<string, FeedbackItemView> = {};

  const record = async (key: string, as: Client, at: string, text: string, customerId: string) => {
    now = bj(at);
    made[key] = ok<FeedbackItemView>(await as.post('/api/v1/feedback', { text, customerId }), 201);
  };

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agent = await ctx.newUser({ role: 'agent' });
    other = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    const mine = await ctx.newCustomer({ name: '刘桂兰', phones: ['13900003001'], ownerId: agent.userId });
    const theirs = await ctx.newCustomer({ name: '陈国强', phones: ['13900003002'], ownerId: other.userId });
    await record('late', agent, '2026-11-02 09:00', '暖气片漏水，地板都泡了，太气人了', mine.id); // due Tue 09:00
    await record('praise', agent, '2026-11-16 10:00', '师傅态度非常好，修得也快，谢谢', mine.id);
    await record('cold', agent, '2026-11-17 10:00', '家里太冷了，才十四度，冻得慌', mine.id);
    await record('elsewhere', other, '2026-11-17 11:00', '暖气不热，投诉好几次了', theirs.id);
    now = bj('2026-11-17 12:00');
    ok(await agent.patch(`/api/v1/feedback/${made.praise!.id}`, { status: 'in_progress', version: made.praise!.version }));
    // The agent reads "cold" as neutral after a call: the correction counts, not the analysis.
    ok(await agent.patch(`/api/v1/feedback/${made.cold!.id}`, { sentiment: 'neu', version: made.cold!.version }));
  });
  afterAll(() => ctx?.close());

  it("counts what the agent's inbox holds: new, in progress, overdue, this month's negative share; overdue first", async () => {
    now = bj('2026-11-18 10:00');
    const tile = ok<DashboardHome>(await agent.get('/api/v1/dashboards/home?board=agent')).tiles.find((t) => t.key === 'feedback.inbox')!;
    expect(tile.title).toBe('客户反馈');
    expect(tile.stats.map((s) => s.label)).toEqual(['新反馈', '处理中', '已超时', '本月负面占比']);
    const sentiments = [made.late!.sentiment, made.praise!.sentiment, 'neu'];
    const negative = sentiments.filter((s) => s === 'neg').length;
    expect(made.late!.sentiment).toBe('neg');
    // late and cold are new; praise is in progress; late is past its deadline (the other agent's item is not counted).
    expect(tile.stats.map((s) => s.value)).toEqual([2, 1, 1, Math.round((negative * 1000) / 3) / 10]);
    expect(tile.rows[0]).toMatchObject({ id: made.late!.id, tone: 'danger' });
    expect(tile.rows[0]!.label).toMatch(/^#\d+ 暖气片漏水/);
    expect(tile.rows.map((r) => r.id)).toEqual([made.late!.id, made.praise!.id, made.cold!.id]);
    // The figures drill to inbox filters that list the same items.
    const listed = async (link: string) => ok<{ items: FeedbackItemView[] }>(await agent.get(`/api/v1${link.replace('/feedback?', '/feedback?limit=100&')}`)).items.length;
    expect(await listed(tile.stats[0]!.link!)).toBe(2);
    expect(await listed(tile.stats[1]!.link!)).toBe(1);
    expect(tile.stats[3]!.link).toBe('/feedback?sentiment=neg&from=2026-11-01&to=2026-11-18');
    expect(await listed(tile.stats[3]!.link!)).toBe(negative);
    // The manager sees every item.
    const all = ok<DashboardHome>(await manager.get('/api/v1/dashboards/home?board=manager')).tiles.find((t) => t.key === 'feedback.inbox')!;
    expect(all.stats[0]!.value! + all.stats[1]!.value!).toBe(4);
  });

  it('measures feedback volume and the negative share as goals, company and person', async () => {
    now = bj('2026-11-18 10:00');
    const volume = ok<GoalDetail>(await manager.post('/api/v1/goals', { name: '11 月反馈量', metric: 'feedback.volume', targetValue: 10, periodKind: 'month', periodStart: '2026-11-01' }), 201);
    expect(volume.progress.value).toBe(4);
    const share = ok<GoalDetail>(await manager.post('/api/v1/goals', { name: '负面占比', metric: 'feedback.negative_share', targetValue: 20, periodKind: 'month', periodStart: '2026-11-01' }), 201);
    const negatives = [made.late, made.praise, made.elsewhere].filter((i) => i!.sentiment === 'neg').length; // cold corrected to neutral
    expect(share.progress.value).toBe(Math.round((negatives * 10000) / 4) / 100);
    const personal = ok<GoalDetail>(
      await manager.post('/api/v1/goals', { name: '刘桂兰们的反馈', metric: 'feedback.volume', targetValue: 5, periodKind: 'month', periodStart: '2026-11-01', ownerKind: 'user', ownerId: agent.userId }),
      201,
    );
    expect(personal.progress.value).toBe(3);
  });
});
