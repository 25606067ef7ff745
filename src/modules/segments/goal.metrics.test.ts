/**
 * `segments.size` (issue #14: segment sizes join the goal catalogue) through the goals API with an injected clock
 * (company zone Asia/Shanghai), on a hand-built membership ledger whose stays entered and exited at known times:
 * October's figure (the count as it stood at the end of October) and November's so far, for the company and for a
 * person (only their customers); the parameter in the catalogue and the goal view; a goal's parameter required,
 * refused and unknown (400 on `metricParam`, zh-CN and English, nothing written); a changed parameter; a removed
 * segment.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { GoalDetail, GoalList, GoalMetricList } from '../goals/index.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const NOW = '2026-11-20 10:00';
let now = bj(NOW);

let ctx: TestContext;
let manager: Client;
let agentA: Client;
let segmentId: string;
let otherId: string;
let removedId: string;

async function goal(body: Record<string, unknown>, headers?: Record<string, string>): Promise<GoalDetail> {
  return ok<GoalDetail>(await manager.post('/api/v1/goals', { metric: 'segments.size', periodKind: 'month', ...body }, headers), 201);
}
async function goalCount(): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from goals`));
  return Number(row!.n);
}

describe('the segment-size goal metric', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager' });
    agentA = await ctx.newUser({ role: 'account_manager' });
    const c = async (name: string, ownerId: string | null = null) => (await ctx.newCustomer({ name, ownerId })).id as string;
    const [k1, k2, k3, k4, k5, k6, k7] = [
      await c('细分甲'),
      await c('细分乙', agentA.userId),
      await c('细分丙', agentA.userId),
      await c('细分丁', agentA.userId),
      await c('细分戊'),
      await c('细分己', agentA.userId),
      await c('细分庚'),
    ];
    const seg = async (name: string) => ok<{ id: string }>(await ctx.admin.post('/api/v1/segments', { name, kind: 'static' }), 201).id;
    segmentId = await seg('高价值流失预警');
    otherId = await seg('欠费未缴');
    removedId = await seg('已删细分');
    // The ledger, by hand (Beijing times; null: still a member):
    //   K1  2026-08-01 → 2026-09-01, and again from 2026-09-10     end of Oct: in   now: in
    //   K2  2026-10-05 → 2026-11-10 (A's)                          in               out
    //   K3  from 2026-11-05 (A's)                                  out              in
    //   K4  from 2026-10-31 23:30 (A's)                            in               in
    //   K5  from 2026-10-01; the customer deleted 2026-11-15       in               out
    //   K6  from 2026-11-01 00:00, the instant October ends (A's)  out              in
    //   K7  from 2026-11-12                                        out              in
    // End of October: K1, K2, K4, K5 = 4 (A's: K2, K4 = 2). Now: K1, K3, K4, K6, K7 = 5 (A's: K3, K4, K6 = 3).
    const stays: [string, string, string | null][] = [
      [k1, '2026-08-01 10:00', '2026-09-01 10:00'],
      [k1, '2026-09-10 10:00', null],
      [k2, '2026-10-05 10:00', '2026-11-10 10:00'],
      [k3, '2026-11-05 10:00', null],
      [k4, '2026-10-31 23:30', null],
      [k5, '2026-10-01 10:00', null],
      [k6, '2026-11-01 00:00', null],
      [k7, '2026-11-12 10:00', null],
    ];
    const db = ctx.database.db;
    for (const [customer, entered, exited] of stays) {
      await db.execute(sql`insert into segment_members (segment_id, customer_id, entered_at, exited_at)
        values (${segmentId}::uuid, ${customer}::uuid, ${bj(entered).toISOString()}::timestamptz, ${exited ? bj(exited).toISOString() : null}::timestamptz)`);
    }
    // The other segment: K1 and K3 since 2026-11-02 (for the changed parameter).
    for (const customer of [k1, k3]) await db.execute(sql`insert into segment_members (segment_id, customer_id, entered_at) values (${otherId}::uuid, ${customer}::uuid, ${bj('2026-11-02 10:00').toISOString()}::timestamptz)`);
    expect((await ctx.admin.delete(`/api/v1/customers/${k5}`)).statusCode).toBe(204);
    await db.execute(sql`update customers set deleted_at = ${bj('2026-11-15 10:00').toISOString()}::timestamptz where id = ${k5}::uuid`);
    expect((await ctx.admin.delete(`/api/v1/segments/${removedId}`)).statusCode).toBe(204);
    now = bj(NOW);
  });
  afterAll(() => ctx.close());

  it('lists the metric with its segment parameter and the live segments to choose from', async () => {
    const { items } = ok<GoalMetricList>(await manager.get('/api/v1/goals/metrics'));
    const m = items.find((x) => x.key === 'segments.size')!;
    expect(m).toMatchObject({ label: '细分人数', unit: 'count', better: 'lower', forecast: 'level', param: { kind: 'segment', label: '客户细分' } });
    expect(m.param!.options).toEqual(expect.arrayContaining([{ value: segmentId, label: '高价值流失预警' }, { value: otherId, label: '欠费未缴' }]));
    expect(m.param!.options.some((o) => o.value === removedId)).toBe(false);
    expect(items.find((x) => x.key === 'tickets.complaints')!.param).toBeNull();
    const en = ok<GoalMetricList>(await manager.get('/api/v1/goals/metrics', { 'accept-language': 'en' })).items.find((x) => x.key === 'segments.size')!;
    expect(en).toMatchObject({ label: 'Segment size', param: { label: 'Segment' } });
  });

  it('gives the count at the end of a past period and now, for the company and for a person', async () => {
    const october = await goal({ name: '10 月流失预警不超过 3 人', metricParam: segmentId, targetValue: 3, periodStart: '2026-10-01' });
    expect(october).toMatchObject({ metricParam: segmentId, metricParamLabel: '高价值流失预警', metric: { key: 'segments.size', param: { kind: 'segment', label: '客户细分' } } });
    expect(october.progress).toMatchObject({ value: 4, forecast: 4, elapsed: 1, status: 'missed', attainment: 75, link: `/segments/${segmentId}` });

    const november = await goal({ name: '11 月流失预警不超过 6 人', metricParam: segmentId, targetValue: 6, periodStart: '2026-11-01' });
    // Level forecast: the count now; lower is better: 6 ÷ 5 = 120 %.
    expect(november.progress).toMatchObject({ value: 5, forecast: 5, target: 6, status: 'on_track', attainment: 120 });

    const forA = await goal({ name: 'A 的预警客户', metricParam: segmentId, targetValue: 1, periodStart: '2026-11-01', ownerKind: 'user', ownerId: agentA.userId });
    expect(forA.progress).toMatchObject({ value: 3, status: 'at_risk' });
    const forAOctober = await goal({ name: 'A 的预警客户（10 月）', metricParam: segmentId, targetValue: 1, periodStart: '2026-10-01', ownerKind: 'user', ownerId: agentA.userId });
    expect(forAOctober.progress.value).toBe(2);

    // The list shows the parameter's label too; agent A sees their goal.
    const mine = ok<GoalList>(await agentA.get('/api/v1/goals')).items.find((g) => g.id === forA.id)!;
    expect(mine).toMatchObject({ metricParamLabel: '高价值流失预警', progress: { value: 3 } });
  });

  it('requires the parameter, refuses one for a metric without, and refuses an unknown or removed segment — 400 on metricParam, nothing written', async () => {
    const before = await goalCount();
    const base = { name: '错', targetValue: 1, periodStart: '2026-11-01' };
    const missing = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'segments.size' }), 400);
    expect(missing.errors?.[0]).toMatchObject({ field: 'metricParam' });
    expect(JSON.stringify(missing)).toContain('统计对象');
    const missingEn = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'segments.size', metricParam: null }, { 'accept-language': 'en' }), 400);
    expect(missingEn.errors?.[0]).toMatchObject({ field: 'metricParam' });
    expect(JSON.stringify(missingEn)).toMatch(/needs what it measures chosen/);
    const refused = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'tickets.complaints', metricParam: segmentId }, { 'accept-language': 'en' }), 400);
    expect(refused.errors?.[0]).toMatchObject({ field: 'metricParam' });
    expect(JSON.stringify(refused)).toMatch(/takes no choice/);
    const refusedZh = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'tickets.complaints', metricParam: segmentId }), 400);
    expect(JSON.stringify(refusedZh)).toContain('不需要选择统计对象');
    for (const value of ['00000000-0000-4000-8000-000000000000', removedId, 'not-a-segment']) {
      const unknown = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'segments.size', metricParam: value }), 400);
      expect(unknown.errors?.[0]).toMatchObject({ field: 'metricParam' });
      expect(JSON.stringify(unknown)).toContain('或已删除');
    }
    const unknownEn = problemOf(await manager.post('/api/v1/goals', { ...base, metric: 'segments.size', metricParam: removedId }, { 'accept-language': 'en' }), 400);
    expect(JSON.stringify(unknownEn)).toMatch(/does not exist, or was removed/);
    expect(await goalCount()).toBe(before);
  });

  it('creates once for a repeated Idempotency-Key; a new parameter changes the figure; a removed segment leaves no figure', async () => {
    const body = { name: '欠费名单', metricParam: segmentId, targetValue: 4, periodStart: '2026-11-01' };
    const first = await goal(body, { 'idempotency-key': 'segment-goal-1' });
    const again = await goal(body, { 'idempotency-key': 'segment-goal-1' });
    expect(again.id).toBe(first.id);
    expect(ok<GoalList>(await manager.get('/api/v1/goals')).items.filter((g) => g.name === '欠费名单')).toHaveLength(1);

    const moved = ok<GoalDetail>(await manager.patch(`/api/v1/goals/${first.id}`, { metricParam: otherId }));
    expect(moved).toMatchObject({ metricParam: otherId, metricParamLabel: '欠费未缴', progress: { value: 2, link: `/segments/${otherId}` } });
    const cleared = problemOf(await manager.patch(`/api/v1/goals/${first.id}`, { metricParam: null }), 400);
    expect(cleared.errors?.[0]).toMatchObject({ field: 'metricParam' });
    expect(ok<GoalDetail>(await manager.get(`/api/v1/goals/${first.id}`)).metricParam).toBe(otherId);

    expect((await ctx.admin.delete(`/api/v1/segments/${otherId}`)).statusCode).toBe(204);
    const orphan = ok<GoalDetail>(await manager.get(`/api/v1/goals/${first.id}`));
    expect(orphan).toMatchObject({ metricParamLabel: '欠费未缴', progress: { value: null, status: 'no_data' } });
  });
});
