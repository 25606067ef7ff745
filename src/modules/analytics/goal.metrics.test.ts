/**
 * The analytics goal metrics (issue #17) on a hand-built fixture, through the goals API with an injected clock
 * (company zone Asia/Shanghai): a churn-rate goal over the heating season 2026-11-15 … 2027-03-15 — its base (the
 * customers who bought or paid in the year before the season), value, level forecast, attainment and status — and
 * the retention rate for a person (only their customers), all against numbers worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { GoalDetail } from '../goals/index.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const NOW = '2026-12-01 10:00';
let now = bj(NOW);
/** The season: 2026-11-15 00:00 to 2027-03-16 00:00 (Beijing) is 16 + 31 + 31 + 28 + 15 = 121 days; 16 days 10 h passed. */
const ELAPSED = (16 + 10 / 24) / 121;

let ctx: TestContext;
let manager: Client;
let agentA: Client;

async function pay(customerId: string, type: 'payment' | 'purchase' | 'refund', at: string) {
  now = bj(at);
  ok(await ctx.admin.post(`/api/v1/customers/${customerId}/transactions`, { type, amountFen: 300_000, occurredAt: bj(at).toISOString() }), 201);
}
async function goal(body: Record<string, unknown>): Promise<GoalDetail> {
  now = bj(NOW);
  return ok<GoalDetail>(await manager.post('/api/v1/goals', { periodKind: 'custom', periodStart: '2026-11-15', periodEnd: '2027-03-15', ...body }), 201);
}

describe('churn and retention goals', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager' });
    agentA = await ctx.newUser({ role: 'account_manager' });
    const c = async (name: string, ownerId: string | null = null) => (await ctx.newCustomer({ name, ownerId })).id as string;
    // K1 paid last season and again this season: retained.
    const k1 = await c('留存甲');
    await pay(k1, 'payment', '2025-11-20 10:00');
    await pay(k1, 'payment', '2026-11-20 10:00');
    // K2 paid in March (in the base), nothing since: lapsed.
    const k2 = await c('流失乙');
    await pay(k2, 'payment', '2026-03-01 10:00');
    // K3 last paid 2025-11-01, before the year before the season: not in the base, though it paid now.
    const k3 = await c('回流丙');
    await pay(k3, 'payment', '2025-11-01 10:00');
    await pay(k3, 'payment', '2026-11-20 10:00');
    // K4 paid in October (base); a refund in the season is no activity: lapsed.
    const k4 = await c('退款丁');
    await pay(k4, 'payment', '2026-10-01 10:00');
    await pay(k4, 'refund', '2026-11-25 10:00');
    // K5 bought in June, on 2026-11-14 23:30 (Beijing: still before the season, so base only) and on 2026-11-30:
    // retained.
    const k5 = await c('复购戊');
    await pay(k5, 'purchase', '2026-06-01 10:00');
    await pay(k5, 'purchase', '2026-11-14 23:30');
    await pay(k5, 'purchase', '2026-11-30 10:00');
    // K6 paid last year but is deleted: not counted.
    const k6 = await c('已删己');
    await pay(k6, 'payment', '2026-01-05 10:00');
    now = bj(NOW);
    expect((await ctx.admin.delete(`/api/v1/customers/${k6}`)).statusCode).toBe(204);
    // K7 is agent A's: paid in January and on 2026-11-16: retained. K8, also A's, paid only before the base.
    const k7 = await c('经理庚', agentA.userId);
    await pay(k7, 'payment', '2026-01-10 10:00');
    await pay(k7, 'payment', '2026-11-16 10:00');
    const k8 = await c('经理辛', agentA.userId);
    await pay(k8, 'payment', '2025-10-10 10:00');
    now = bj(NOW);
  });
  afterAll(() => ctx.close());

  it('a season’s churn rate: value, level forecast, attainment and status by hand', async () => {
    // Base: K1, K2, K4, K5, K7 (not K3, K8: before the year; not K6: deleted) = 5; back this season: K1, K5, K7 = 3.
    // Churn = 2 / 5 = 40 %, against a target of at most 10 %: the forecast is the level (40), at risk;
    // attainment (lower is better) = 10 / 40 = 25 %.
    const g = await goal({ name: '本季流失率不超过 10%', metric: 'analytics.churn_rate', targetValue: 10 });
    expect(g.metric).toMatchObject({ key: 'analytics.churn_rate', unit: 'percent', better: 'lower', forecast: 'level', label: '客户流失率' });
    expect(g.progress).toMatchObject({ value: 40, forecast: 40, target: 10, attainment: 25, status: 'at_risk', link: '/analytics' });
    expect(Math.abs(g.progress.elapsed - ELAPSED)).toBeLessThan(1e-6);
    // Retention is its complement: 60 %, on track for a target of 50 % (attainment 120 %).
    const r = await goal({ name: '本季留存率不低于 50%', metric: 'analytics.retention_rate', targetValue: 50 });
    expect(r.progress).toMatchObject({ value: 60, forecast: 60, attainment: 120, status: 'on_track' });
  });

  it('measures a person’s goal on their own customers, and says so in English', async () => {
    // Agent A's customers: K7 in the base and back (K8 is not in the base) → retention 100 %, churn 0 %.
    const mine = await goal({ name: 'A 的留存', metric: 'analytics.retention_rate', targetValue: 90, ownerKind: 'user', ownerId: agentA.userId });
    expect(mine.progress).toMatchObject({ value: 100, status: 'on_track' });
    const churn = await goal({ name: 'A 的流失', metric: 'analytics.churn_rate', targetValue: 5, ownerKind: 'user', ownerId: agentA.userId });
    expect(churn.progress).toMatchObject({ value: 0, attainment: 100, status: 'on_track' });
    // A period whose year before has no customer active has no figure.
    const early = await goal({ name: '早年', metric: 'analytics.churn_rate', targetValue: 5, periodStart: '2024-01-01', periodEnd: '2024-12-31' });
    expect(early.progress).toMatchObject({ value: null, status: 'no_data' });
    const metrics = ok<{ items: { key: string; label: string }[] }>(await manager.lang('en').get('/api/v1/goals/metrics')).items;
    expect(metrics.find((m) => m.key === 'analytics.churn_rate')?.label).toBe('Customer churn rate');
  });
});
