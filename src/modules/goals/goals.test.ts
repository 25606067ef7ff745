/**
 * Goals (目标管理, issue #17) through HTTP on a hand-built fixture, with an injected clock (company zone Asia/Shanghai):
 * progress, forecast, attainment and status against hand-computed values — a complaint budget for November (pace
 * forecast), complaints answered within 24 hours (level), a year-on-year change goal against the year before, revenue
 * from transactions, a person's goal counting only their tickets — the daily history the clock writes, the heating
 * template's seeded goals, who sees and who sets goals, and the errors of a bad goal.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome } from '../dashboards/index.js';
import type { GoalDetail, GoalList, GoalMetricView } from './goals.contract.js';
import { snapshotGoals } from './index.js';

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const NOW = '2026-11-20 10:00';
let now = bj(NOW);
/** November 2026 so far: 19 days and 10 hours of 30. */
const ELAPSED = (19 + 10 / 24) / 30;

let ctx: TestContext;
let manager: Client;
let agentA: Client;
let agentB: Client;
let teamId: string;
let customerId: string;
const tk: Record<string, string> = {};

async function ticket(name: string, when: string, body: Record<string, unknown>) {
  now = bj(when);
  tk[name] = ok<{ id: string }>(await ctx.admin.post('/api/v1/tickets', { title: `目标工单 ${name}`, customerId, ...body }), 201).id;
}
async function reply(name: string, when: string) {
  now = bj(when);
  ok(await ctx.admin.post(`/api/v1/tickets/${tk[name]}/replies`, { body: '已收到', send: false }), 201);
}
async function create(c: Client, body: Record<string, unknown>, headers?: Record<string, string>): Promise<GoalDetail> {
  now = bj(NOW);
  return ok<GoalDetail>(await c.post('/api/v1/goals', body, headers), 201);
}
async function get(c: Client, id: string): Promise<GoalDetail> {
  now = bj(NOW);
  return ok<GoalDetail>(await c.get(`/api/v1/goals/${id}`));
}
const close = (x: number | null, y: number) => {
  expect(x).not.toBeNull();
  expect(Math.abs(x! - y)).toBeLessThan(0.001);
};

describe('goals', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    teamId = await ctx.newTeam('目标一组');
    manager = await ctx.newUser({ role: 'manager' });
    agentA = await ctx.newUser({ role: 'agent', teamId });
    agentB = await ctx.newUser({ role: 'agent' });
    customerId = (await ctx.newCustomer({ name: '目标客户', phones: ['13900007001'] })).id;

    // November 2025 (the year before): five complaints. 2026-10-31 23:30 is October's.
    for (const [i, day] of ['02', '05', '11', '18', '27'].entries()) await ticket(`L${i}`, `2025-11-${day} 10:00`, { type: 'complaint' });
    await ticket('O1', '2026-10-31 23:30', { type: 'complaint' });
    // November 2026: C1 answered in 6 h, C2 in 48 h (agent A), C3 unanswered for 26 h (agent A), C4 unanswered for
    // 1 h (not yet due); a repair (not a complaint).
    await ticket('C1', '2026-11-02 09:00', { type: 'complaint' });
    await reply('C1', '2026-11-02 15:00');
    await ticket('C2', '2026-11-10 09:00', { type: 'complaint', assigneeId: agentA.userId });
    await reply('C2', '2026-11-12 09:00');
    await ticket('C3', '2026-11-19 08:00', { type: 'complaint', assigneeId: agentA.userId });
    await ticket('C4', '2026-11-20 09:00', { type: 'complaint' });
    await ticket('R1', '2026-11-15 09:00', { type: 'repair' });
    // Revenue: two payments and a refund in November, one payment in October.
    for (const [type, amountFen, at] of [
      ['payment', 250_000, '2026-11-03 10:00'],
      ['payment', 120_000, '2026-11-16 10:00'],
      ['refund', 20_000, '2026-11-17 10:00'],
      ['payment', 999_900, '2026-10-20 10:00'],
    ] as const) {
      now = bj(at);
      ok(await ctx.admin.post(`/api/v1/customers/${customerId}/transactions`, { type, amountFen, occurredAt: bj(at).toISOString() }), 201);
    }
    now = bj(NOW);
  });
  afterAll(() => ctx.close());

  it('seeds the heating template’s two goals for this year: complaints answered within 24 h, and complaints −30% on last year', async () => {
    const { items } = ok<GoalList>(await manager.get('/api/v1/goals'));
    const answered = items.find((g) => g.metric.key === 'tickets.complaints_answered_24h')!;
    const yoy = items.find((g) => g.metric.key === 'tickets.complaints')!;
    expect(answered).toMatchObject({ name: '投诉 24 小时内答复', targetKind: 'value', targetValue: 100, periodStart: '2026-01-01', periodEnd: '2026-12-31', ownerKind: 'company' });
    expect(yoy).toMatchObject({ name: '投诉量同比下降 30%', targetKind: 'change', targetValue: -30 });
    // 2025: five complaints → a target of 3.5; 2026 so far: five (O1, C1–C4).
    expect(yoy.progress.baseline).toBe(5);
    expect(yoy.progress.target).toBe(3.5);
    expect(yoy.progress.value).toBe(5);
    expect(yoy.progress.status).toBe('at_risk');
    // A change goal without last year's figure has no target, and so no status but no_data.
    const noBase = await create(manager, { name: '营收同比增长 10%', metric: 'transactions.revenue', targetKind: 'change', targetValue: 10, periodKind: 'month', periodStart: '2026-11-01' });
    expect(noBase.progress).toMatchObject({ baseline: 0, target: null, status: 'no_data' });
    expect((await manager.delete(`/api/v1/goals/${noBase.id}`)).statusCode).toBe(204);
    // Listing again seeds nothing more.
    expect(ok<GoalList>(await manager.get('/api/v1/goals')).items).toHaveLength(items.length);
  });

  it('computes a complaint budget’s progress, pace forecast and status by hand', async () => {
    const goal = await create(manager, { name: '11 月投诉不超过 5 件', metric: 'tickets.complaints', targetValue: 5, periodKind: 'month', periodStart: '2026-11-15' });
    expect(goal).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30', ownerKind: 'company', owner: null });
    const p = goal.progress;
    expect(p.value).toBe(4);
    close(p.elapsed, ELAPSED);
    close(p.forecast, 4 / ELAPSED); // 6.18…: over the budget of 5
    close(p.attainment, Math.round((5 / (4 / ELAPSED)) * 1000) / 10);
    expect(p.status).toBe('at_risk');
    expect(p.link).toBe('/tickets?status=all&type=complaint');

    // A budget of 7 is met at this pace.
    const roomy = await create(manager, { name: '11 月投诉不超过 7 件', metric: 'tickets.complaints', targetValue: 7, periodKind: 'month', periodStart: '2026-11-01' });
    expect(roomy.progress.status).toBe('on_track');
  });

  it('measures complaints answered within 24 hours, counting an unanswered one only once its 24 hours passed', async () => {
    const goal = await create(manager, { name: '投诉 24 小时答复', metric: 'tickets.complaints_answered_24h', targetValue: 100, periodKind: 'month', periodStart: '2026-11-01' });
    // C1 within 24 h; C2 (48 h) and C3 (26 h unanswered) not; C4 not yet due.
    close(goal.progress.value, 33.33);
    close(goal.progress.forecast, 33.33);
    expect(goal.progress.status).toBe('at_risk');
  });

  it('measures the first-response median as the ticket report does', async () => {
    const goal = await create(manager, { name: '首响', metric: 'tickets.first_response_median', targetValue: 8, periodKind: 'month', periodStart: '2026-11-01' });
    const report = ok<{ overall: { firstResponseMedianHours: number | null } }>(await manager.get('/api/v1/tickets/reports?from=2026-11-01&to=2026-11-20'));
    expect(report.overall.firstResponseMedianHours).not.toBeNull();
    expect(goal.progress.value).toBe(report.overall.firstResponseMedianHours);
    expect(goal.progress.forecast).toBe(goal.progress.value);
  });

  it('measures a person’s goal over their own tickets, and revenue over the period’s transactions', async () => {
    const mine = await create(manager, { name: 'A 的投诉', metric: 'tickets.complaints', targetValue: 1, periodKind: 'month', periodStart: '2026-11-01', ownerKind: 'user', ownerId: agentA.userId });
    expect(mine.owner).toEqual({ id: agentA.userId, name: expect.any(String) });
    expect(mine.progress.value).toBe(2); // C2 and C3
    const team = await create(manager, { name: '一组的投诉', metric: 'tickets.complaints', targetValue: 10, periodKind: 'month', periodStart: '2026-11-01', ownerKind: 'team', ownerId: teamId });
    expect(team.progress.value).toBe(2); // agent A's tickets count for the team

    const revenue = await create(manager, { name: '11 月营收', metric: 'transactions.revenue', targetValue: 1_000_000, periodKind: 'month', periodStart: '2026-11-01' });
    const [row] = rowsOf<{ fen: string }>(
      await ctx.database.db.execute(sql`select sum(case when type = 'refund' then -amount_fen else amount_fen end) as fen from transactions
        where deleted_at is null and occurred_at >= '2026-10-31T16:00:00Z' and occurred_at < ${bj(NOW).toISOString()}::timestamptz`),
    );
    expect(revenue.progress.value).toBe(350_000);
    expect(Number(row!.fen)).toBe(350_000);
    close(revenue.progress.forecast, 350_000 / ELAPSED);
    expect(revenue.progress.status).toBe('at_risk'); // a forecast of 540,773 fen against 1,000,000
  });

  it('says achieved or missed once the period is over, and not started before it begins', async () => {
    const october = await create(manager, { name: '10 月投诉不超过 1 件', metric: 'tickets.complaints', targetValue: 1, periodKind: 'month', periodStart: '2026-10-01' });
    expect(october.progress).toMatchObject({ value: 1, forecast: 1, elapsed: 1, status: 'achieved', attainment: 100 });
    const zero = await create(manager, { name: '10 月零投诉', metric: 'tickets.complaints', targetValue: 0, periodKind: 'month', periodStart: '2026-10-01' });
    expect(zero.progress.status).toBe('missed');
    const december = await create(manager, { name: '12 月投诉', metric: 'tickets.complaints', targetValue: 3, periodKind: 'month', periodStart: '2026-12-01' });
    expect(december.progress).toMatchObject({ value: null, elapsed: 0, status: 'not_started' });
    expect(ok<GoalList>(await manager.get('/api/v1/goals?when=upcoming')).items.map((g) => g.id)).toEqual([december.id]);
    expect(ok<GoalList>(await manager.get('/api/v1/goals?when=past')).items.map((g) => g.id).sort()).toEqual([october.id, zero.id].sort());
  });

  it('writes one snapshot a day up to yesterday, each as of that day’s end', async () => {
    const goal = await create(manager, { name: '历史', metric: 'tickets.complaints', targetValue: 5, periodKind: 'month', periodStart: '2026-11-01' });
    // Every live goal's missing days (the seeded yearly goals have 323 days each): a few calls of the clock.
    let written = 0;
    for (let i = 0; i < 20; i++) {
      const n = await snapshotGoals(ctx.database.db, bj(NOW), 200);
      written += n;
      if (n === 0) break;
    }
    expect(written).toBeGreaterThan(19);
    expect(await snapshotGoals(ctx.database.db, bj(NOW))).toBe(0);
    const { history } = await get(manager, goal.id);
    expect(history.map((h) => h.day)).toEqual(Array.from({ length: 19 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    const day = (d: string) => history.find((h) => h.day === `2026-11-${d}`)!;
    expect(day('01')).toMatchObject({ value: 0, forecast: 0, target: 5, status: 'on_track' });
    expect(day('05')).toMatchObject({ value: 1, forecast: 6, status: 'at_risk' }); // 1 in 5 of 30 days
    expect(day('10')).toMatchObject({ value: 2, forecast: 6, status: 'at_risk' }); // C1, C2 by the 10th's end
    expect(day('19')).toMatchObject({ value: 3 });

    // A new target drops the history (measured against the old one).
    const changed = ok<GoalDetail>(await manager.patch(`/api/v1/goals/${goal.id}`, { targetValue: 8 }));
    expect(changed.history).toEqual([]);
    expect(changed.progress.status).toBe('on_track');
  });

  it('lets agents see the company’s goals and their own, not another person’s; only managers set goals', async () => {
    const forB = await create(manager, { name: 'B 的投诉', metric: 'tickets.complaints', targetValue: 1, periodKind: 'month', periodStart: '2026-11-01', ownerKind: 'user', ownerId: agentB.userId });
    const seenByA = ok<GoalList>(await agentA.get('/api/v1/goals')).items;
    expect(seenByA.some((g) => g.ownerKind === 'company')).toBe(true);
    expect(seenByA.some((g) => g.name === 'A 的投诉')).toBe(true);
    expect(seenByA.some((g) => g.name === '一组的投诉')).toBe(true); // their team's
    expect(seenByA.some((g) => g.id === forB.id)).toBe(false);
    problemOf(await agentA.get(`/api/v1/goals/${forB.id}`), 404);
    const forbidden = problemOf(await agentA.post('/api/v1/goals', { name: 'x', metric: 'tickets.complaints', targetValue: 1, periodStart: '2026-11-01' }), 403);
    expect(forbidden.title ?? forbidden.detail).toBeTruthy();
    // The catalogue offers the metrics the user may read.
    const metrics = ok<{ items: GoalMetricView[] }>(await agentA.get('/api/v1/goals/metrics')).items.map((m) => m.key);
    expect(metrics).toContain('tickets.complaints');
    expect(metrics).toContain('surveys.nps');
  });

  it('explains a bad goal field by field, in the caller’s language, and writes nothing', async () => {
    const before = ok<GoalList>(await manager.get('/api/v1/goals?when=all')).items.length;
    const unknown = problemOf(await manager.post('/api/v1/goals', { name: '错', metric: 'nope.metric', targetValue: 1, periodStart: '2026-11-01' }), 400);
    expect(unknown.errors?.[0]).toMatchObject({ field: 'metric' });
    expect(JSON.stringify(unknown)).toContain('nope.metric');
    const noEnd = problemOf(await manager.post('/api/v1/goals', { name: '错', metric: 'tickets.complaints', targetValue: 1, periodKind: 'custom', periodStart: '2026-11-01' }), 400);
    expect(noEnd.errors?.[0]).toMatchObject({ field: 'periodEnd' });
    expect(JSON.stringify(noEnd)).toContain('结束日期');
    const noOwner = problemOf(
      await manager.post('/api/v1/goals', { name: 'Bad', metric: 'tickets.complaints', targetValue: 1, periodStart: '2026-11-01', ownerKind: 'team' }, { 'accept-language': 'en' }),
      400,
    );
    expect(noOwner.errors?.[0]).toMatchObject({ field: 'ownerId' });
    expect(JSON.stringify(noOwner)).toMatch(/team or the person/);
    problemOf(await manager.post('/api/v1/goals', { name: '错', metric: 'tickets.complaints', targetValue: 'many', periodStart: '2026-13-01' }), 400);
    expect(ok<GoalList>(await manager.get('/api/v1/goals?when=all')).items).toHaveLength(before);
  });

  it('creates once for a repeated Idempotency-Key; removes and restores a goal', async () => {
    const body = { name: '一次', metric: 'tickets.complaints', targetValue: 2, periodStart: '2026-11-01' };
    const first = await create(manager, body, { 'idempotency-key': 'goal-once-1' });
    const again = await create(manager, body, { 'idempotency-key': 'goal-once-1' });
    expect(again.id).toBe(first.id);
    expect(ok<GoalList>(await manager.get('/api/v1/goals')).items.filter((g) => g.name === '一次')).toHaveLength(1);
    expect((await manager.delete(`/api/v1/goals/${first.id}`)).statusCode).toBe(204);
    expect(ok<GoalList>(await manager.get('/api/v1/goals')).items.some((g) => g.id === first.id)).toBe(false);
    const removed = ok<GoalList>(await manager.get('/api/v1/goals?deleted=only&when=all')).items.find((g) => g.id === first.id)!;
    expect(removed.deletedAt).not.toBeNull();
    const restored = ok<GoalDetail>(await manager.post(`/api/v1/goals/${first.id}/restore`));
    expect(restored).toMatchObject({ id: first.id, deletedAt: null });
  });

  it('shows the current goals on the manager’s home page, at-risk ones first, counting as the list does', async () => {
    now = bj(NOW);
    const home = ok<DashboardHome>(await manager.get('/api/v1/dashboards/home?board=manager'));
    const tile = home.tiles.find((t) => t.key === 'goals.progress')!;
    const { items } = ok<GoalList>(await manager.get('/api/v1/goals'));
    expect(tile.stats[0]!.value).toBe(items.filter((g) => g.progress.status === 'on_track').length);
    expect(tile.stats[1]!.value).toBe(items.filter((g) => g.progress.status === 'at_risk').length);
    expect(tile.rows[0]!.tone).toBe('danger');
    expect(tile.rows[0]!.link).toMatch(/^\/goals\//);
  });
});
