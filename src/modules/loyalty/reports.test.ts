/**
 * 会员与积分报表, goal metrics and the home-page tile through HTTP, on a hand-built programme history with an injected
 * clock (Beijing time): members enrolled at the desk (enrolment manual, so non-members buy too), payments and
 * purchases that earn, an earn of 2024 that expires on 2026-01-01 (the ledger's expireDue), a redemption and a
 * cancelled one, a manual downgrade, a rewarded and a refused referral. Each report figure is checked against hand
 * values and an independent SQL count; the cohorts against hand-computed rates; one loyalty metric per kind through
 * the goals API (company and person, a running and an ended period); the tile's figures and its data scope.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome, DashboardTileView } from '../dashboards/index.js';
import type { GoalDetail } from '../goals/index.js';
import { expireDue } from './ledger.js';
import type { LoyaltyReport, MemberView, Programme, RewardView } from './loyalty.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2024-06-01 09:00');

let ctx: TestContext;
let agentA: Client;
let agentB: Client;
let manager: Client;
const c: Record<string, string> = {};
let seq = 0;
const phone = () => `1390000${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));
const num = async (text: ReturnType<typeof sql>) => Number((await q<{ n: string | number | null }>(text))[0]?.n ?? 0);
const report = async (as: Client, query = 'from=2025-10-01&to=2026-03-10') => ok<LoyaltyReport>(await as.get(`/api/v1/loyalty/reports?${query}`));
const tileOf = async (as: Client, board: string) => ok<DashboardHome>(await as.get(`/api/v1/dashboards/home?board=${board}`)).tiles.find((t) => t.key === 'loyalty.overview') as DashboardTileView;

async function at(when: string, step: () => Promise<unknown>) {
  now = bj(when);
  await step();
}
const phones: Record<string, string> = {};
const customer = async (as: Client, key: string, extra: Record<string, unknown> = {}) => {
  phones[key] = phone();
  c[key] = (await ctx.newCustomer({ name: key, phones: [phones[key]], ownerId: as.userId, ...extra }, as)).id as string;
  return c[key]!;
};
const enrol = async (as: Client, key: string) => ok<MemberView>(await as.post(`/api/v1/loyalty/members/${c[key]}`, {}), 201);
const tx = async (as: Client, key: string, type: 'purchase' | 'payment', amountFen: number, extra: Record<string, unknown> = {}) =>
  ok(await as.post(`/api/v1/customers/${c[key]}/transactions`, { type, amountFen, occurredAt: now.toISOString(), ...extra }), 201);

describe('loyalty reports, goal metrics and the home-page tile', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agentA = await ctx.newUser({ role: 'agent' });
    agentB = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    const p = ok<Programme>(await ctx.admin.get('/api/v1/loyalty/programme'));
    ok(await ctx.admin.put('/api/v1/loyalty/programme', { ...p, enrolment: 'manual', pointValueFen: 2 }));
    const gift = ok<RewardView>(await ctx.admin.post('/api/v1/loyalty/rewards', { name: { zh: '米面油礼包', en: 'Groceries' }, kind: 'gift', pointsCost: 1000 }), 201);
    const mug = ok<RewardView>(await ctx.admin.post('/api/v1/loyalty/rewards', { name: { zh: '保温杯', en: 'Mug' }, kind: 'gift', pointsCost: 500 }), 201);
    for (const [as, key] of [[agentA, 'A1'], [agentA, 'A2'], [agentA, 'N1'], [agentB, 'B1'], [agentB, 'N2']] as const) await customer(as, key);
    // 2024: A1 earns 1,000 points, expiring at the end of 2025; the nightly expiry takes them on 2026-01-02.
    await at('2024-06-10 10:00', async () => {
      await enrol(agentA, 'A1');
      await tx(agentA, 'A1', 'purchase', 100_000);
    });
    let codeA2 = '';
    await at('2025-10-20 10:00', async () => {
      codeA2 = (await enrol(agentA, 'A2')).referralCode;
      await tx(agentA, 'A2', 'payment', 250_000, { heatingSeason: '2025-2026' }); // 2,500 → silver
    });
    await at('2025-10-22 10:00', () => tx(agentA, 'N1', 'payment', 200_000, { heatingSeason: '2025-2026' })); // no member: nothing
    await at('2025-10-25 10:00', async () => {
      await enrol(agentB, 'B1');
      await tx(agentB, 'B1', 'payment', 300_000, { heatingSeason: '2025-2026' }); // 3,000 → silver
    });
    await at('2025-11-05 10:00', () => tx(agentA, 'A2', 'purchase', 30_000)); // 330 (silver 1.1×): A2 repeats within 90 days
    await at('2025-12-15 10:00', () => tx(agentB, 'N2', 'payment', 50_000));
    await at('2026-01-02 03:00', () => expireDue(ctx.database.db, now, 100)); // A1's 1,000
    await at('2026-02-01 10:00', () => tx(agentA, 'N1', 'payment', 10_000)); // N1 active again (102 days after the first: no repeat)
    await at('2026-03-01 10:00', () => tx(agentA, 'A2', 'purchase', 20_000)); // 220
    await at('2026-03-05 10:00', () => agentA.post(`/api/v1/loyalty/members/${c.A2}/redemptions`, { rewardId: gift.id }));
    await at('2026-03-06 10:00', async () => {
      const made = ok<{ id: string }>(await agentB.post(`/api/v1/loyalty/members/${c.B1}/redemptions`, { rewardId: mug.id }), 201);
      ok(await agentB.post(`/api/v1/loyalty/redemptions/${made.id}/cancel`)); // 500 returned
    });
    await at('2026-03-07 10:00', async () => {
      await customer(agentA, 'R1', { referralCode: codeA2 }); // attributed, enrolled
      await customer(agentA, 'R2', { referralCode: codeA2, phones: [phones.A2] }); // refused: the referrer's phone
    });
    await at('2026-03-08 10:00', () => tx(agentA, 'R1', 'purchase', 10_000)); // 100, and the referral rewards A2 500 and R1 200
    await at('2026-03-09 10:00', () => ctx.admin.put(`/api/v1/loyalty/members/${c.B1}/tier`, { tier: 'regular' })); // a downgrade by hand
    now = bj('2026-03-10 12:00');
  });
  afterAll(() => ctx?.close());

  it('the dataset is what the test means (the refused referral is same-phone, the downgrade happened)', async () => {
    expect(await num(sql`select count(*) as n from loyalty_referrals where refused_reason = 'loyalty.referral_refused.same_phone'`)).toBe(1);
    expect(await num(sql`select count(*) as n from loyalty_referrals where status = 'rewarded'`)).toBe(1);
    expect(await num(sql`select count(*) as n from loyalty_tier_changes where reason = 'manual'`)).toBe(1);
    expect(await num(sql`select count(*) as n from points_entries where kind = 'expire'`)).toBe(1);
  });

  it('members by tier now and the tier movements of the period', async () => {
    const r = await report(manager);
    expect(r).toMatchObject({ from: '2025-10-01', to: '2026-03-10', pointValueFen: 2 });
    expect(r.members.total).toBe(4); // A1, A2, B1, R1 (R2's referral was refused: not enrolled)
    expect(r.members.total).toBe(await num(sql`select count(*) as n from loyalty_members where status = 'active'`));
    expect(r.members.byTier.map((t) => [t.tier, t.count])).toEqual([['regular', 3], ['silver', 1], ['gold', 0], ['diamond', 0]]);
    const byTier = await q<{ tier: string; n: number }>(sql`select tier, count(*)::int as n from loyalty_members where status = 'active' group by tier`);
    for (const row of byTier) expect(r.members.byTier.find((t) => t.tier === row.tier)!.count).toBe(row.n);
    expect(r.members.byTier[0]!.name).toBe('普通会员');
    expect(r.members.movements).toMatchObject({ joins: 3, upgrades: 2, downgrades: 1 }); // A2, B1, R1 joined; A2, B1 up; B1 down by hand
    expect(r.members.movements.paths).toEqual([
      { fromTier: null, toTier: 'regular', kind: 'join', count: 3 },
      { fromTier: 'regular', toTier: 'silver', kind: 'upgrade', count: 2 },
      { fromTier: 'silver', toTier: 'regular', kind: 'downgrade', count: 1 },
    ]);
    const period = sql`at >= ${bj('2025-10-01 00:00').toISOString()}::timestamptz and at < ${bj('2026-03-11 00:00').toISOString()}::timestamptz`;
    expect(await num(sql`select count(*) as n from loyalty_tier_changes where ${period}`)).toBe(6);
    expect((await report(manager.lang('en'))).members.byTier[1]!.name).toBe('Silver');
  });

  it('points issued, redeemed, returned, expired by month; the net is the change of the balances', async () => {
    const r = await report(manager);
    const zero = { issued: 0, redeemed: 0, returned: 0, expired: 0, reversed: 0, restored: 0, adjustedDown: 0, net: 0 };
    expect(r.points.byMonth).toEqual([
      { month: '2025-10', ...zero, issued: 5500, net: 5500 },
      { month: '2025-11', ...zero, issued: 330, net: 330 },
      { month: '2025-12', ...zero },
      { month: '2026-01', ...zero, expired: 1000, net: -1000 },
      { month: '2026-02', ...zero },
      { month: '2026-03', ...zero, issued: 220 + 100 + 500 + 200, redeemed: 1500, returned: 500, net: 1020 - 1500 + 500 },
    ]);
    expect(r.points.total).toEqual({ ...zero, issued: 6850, redeemed: 1500, returned: 500, expired: 1000, net: 4850 });
    // Independently: the period's net is the balances now less the entries before the period.
    const before = await num(sql`select coalesce(sum(points), 0) as n from points_entries where occurred_at < ${bj('2025-10-01 00:00').toISOString()}::timestamptz`);
    const balances = await num(sql`select sum(balance) as n from loyalty_members`);
    expect(r.points.total.net).toBe(balances - before);
    const kinds = await q<{ kind: string; n: string }>(sql`select kind, sum(points) as n from points_entries
      where occurred_at >= ${bj('2025-10-01 00:00').toISOString()}::timestamptz and occurred_at < ${bj('2026-03-11 00:00').toISOString()}::timestamptz group by kind`);
    const sum = (k: string) => Number(kinds.find((x) => x.kind === k)?.n ?? 0);
    expect(r.points.total.issued).toBe(sum('earn') + sum('bonus'));
    expect(r.points.total.redeemed).toBe(-sum('redeem'));
    expect(r.points.total.expired).toBe(-sum('expire'));
    expect(r.points.total.returned).toBe(sum('reverse'));
  });

  it('the liability now and the points expiring within 90 days (FIFO: the redemption spent the earliest lots)', async () => {
    const r = await report(manager);
    expect(r.liability).toEqual({ points: 5850, valueFen: 11_700, debtPoints: 0, expiringPoints: 0, expiringValueFen: 0, expiringDays: 90 }); // A2 2,550 + B1 3,000 + R1 300
    expect(r.liability.points).toBe(await num(sql`select sum(balance) as n from loyalty_members`));
    // In November 2026 the lots of 2025 (ending 2026-12-31) expire within 90 days: A2 1,500 + 330 left of them, B1 2,500
    // (the cancelled mug's 500 came back as a new lot of 2026).
    now = bj('2026-11-10 12:00');
    const later = await report(manager, 'from=2026-11-01&to=2026-11-10');
    expect(later.liability).toMatchObject({ expiringPoints: 4330, expiringValueFen: 8660 });
    expect(later.liability.expiringPoints).toBe(
      await num(sql`select sum(remaining) as n from points_lots where remaining > 0 and expires_at <= ${new Date(now.getTime() + 90 * 86_400_000).toISOString()}::timestamptz`),
    );
    expect((await report(agentA, 'from=2026-11-01&to=2026-11-10')).liability.expiringPoints).toBe(1830);
    now = bj('2026-03-10 12:00');
  });

  it('the redemption rate and the referral funnel', async () => {
    const r = await report(manager);
    expect(r.redemption).toEqual({ pointsRate: 21.9, redeemers: 1, members: 4, memberShare: 25 }); // 1,500 ÷ 6,850; A2 of 4 (B1's was cancelled)
    expect(r.redemption.redeemers).toBe(await num(sql`select count(distinct customer_id) as n from loyalty_redemptions where status = 'done'`));
    expect(r.referrals).toMatchObject({ attributed: 1, rewarded: 1, pointsPaid: 700 });
    expect(r.referrals.refused).toEqual({ total: 1, byReason: [{ reason: 'same_phone', label: '被推荐人与推荐人手机号相同，视为自己推荐自己', count: 1 }] });
    expect(r.referrals.pointsPaid).toBe(await num(sql`select sum(points) as n from points_entries where source_kind = 'referral'`));
  });

  it('repeat purchase and retention of members versus non-members by cohort', async () => {
    const r = await report(manager);
    expect(r.cohorts.months.map((m) => m.month)).toEqual(['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    const g = (customers: number, repeaters: number, retained: number) => ({
      customers,
      repeaters,
      repeatRate: customers ? Math.round((repeaters * 10_000) / customers) / 100 : null,
      retained,
      retentionRate: customers ? Math.round((retained * 10_000) / customers) / 100 : null,
    });
    const month = (m: string) => r.cohorts.months.find((x) => x.month === m)!;
    // October 2025: members A2 (repeated 16 days later, bought on 2026-03-01) and B1 (neither); N1 bought again in February only.
    expect(month('2025-10')).toEqual({ month: '2025-10', windowOpen: false, members: g(2, 1, 1), nonMembers: g(1, 0, 1) });
    expect(month('2025-12')).toEqual({ month: '2025-12', windowOpen: true, members: g(0, 0, 0), nonMembers: g(1, 0, 0) });
    expect(month('2026-03')).toEqual({ month: '2026-03', windowOpen: true, members: g(1, 0, 0), nonMembers: g(0, 0, 0) }); // R1
    expect(r.cohorts.total).toEqual({ members: g(3, 1, 1), nonMembers: g(2, 0, 1) }); // A1's first purchase (2024) is in no cohort
    // The own-scope agent's cohorts: A2 and N1 only.
    const mine = await report(agentA);
    expect(mine.cohorts.total).toEqual({ members: g(2, 1, 1), nonMembers: g(1, 0, 1) });
  });

  it("an own-scope agent's report counts only its customers' members", async () => {
    const r = await report(agentA);
    expect(r.members.total).toBe(3); // A1, A2, R1
    expect(r.liability).toMatchObject({ points: 2850, valueFen: 5700 });
    expect(r.points.total).toMatchObject({ issued: 2500 + 330 + 1020, redeemed: 1000, returned: 0, expired: 1000 });
    expect(r.referrals).toMatchObject({ attributed: 1, rewarded: 1, pointsPaid: 700 });
    expect(r.redemption).toMatchObject({ redeemers: 1, members: 3 });
    const b = await report(agentB);
    expect(b.members.total).toBe(1);
    expect(b.referrals).toMatchObject({ attributed: 0, rewarded: 0, pointsPaid: 0 });
  });

  it('checks the period: order, length, format (naming the field, zh-CN and English); defaults to 12 months', async () => {
    const order = problemOf(await manager.get('/api/v1/loyalty/reports?from=2026-03-10&to=2026-03-01'), 400);
    expect(order.errors[0]).toMatchObject({ field: 'from', message: '开始日期不能晚于结束日期' });
    const long = problemOf(await manager.lang('en').get('/api/v1/loyalty/reports?from=2020-01-01&to=2026-03-01'), 400);
    expect(long.errors[0]).toMatchObject({ field: 'from', message: 'A report may span at most 731 days' });
    expect(problemOf(await manager.get('/api/v1/loyalty/reports?to=2026-13-01'), 400).errors[0]!.field).toBe('to');
    const d = await report(manager, '');
    expect([d.from, d.to, d.points.byMonth.length]).toEqual(['2025-04-01', '2026-03-10', 12]);
    expect((await ctx.anon.get('/api/v1/loyalty/reports')).statusCode).toBe(401);
  });

  it('goal metrics: points redeemed, liability, members, referrals rewarded — company and person, running and ended', async () => {
    const goal = async (body: Record<string, unknown>) =>
      ok<GoalDetail>(await manager.post('/api/v1/goals', { name: `目标 ${++seq}`, targetValue: 1000, periodKind: 'month', periodStart: '2026-03-01', ...body }), 201).progress.value;
    expect(await goal({ metric: 'loyalty.points_redeemed' })).toBe(1500);
    expect(await goal({ metric: 'loyalty.points_redeemed', ownerKind: 'user', ownerId: agentA.userId })).toBe(1000);
    expect(await goal({ metric: 'loyalty.liability' })).toBe(11_700); // now, while the month runs
    expect(await goal({ metric: 'loyalty.liability', periodStart: '2025-11-01' })).toBe((1000 + 2500 + 330 + 3000) * 2); // the ledger at 2025-12-01
    expect(await goal({ metric: 'loyalty.members', periodStart: '2025-10-01' })).toBe(3); // A1, A2, B1 had joined by November
    expect(await goal({ metric: 'loyalty.members', ownerKind: 'user', ownerId: agentB.userId })).toBe(1);
    expect(await goal({ metric: 'loyalty.referrals_rewarded' })).toBe(1);
    expect(await goal({ metric: 'loyalty.referrals_rewarded', periodStart: '2026-02-01' })).toBe(0);
    const catalogue = ok<{ items: { key: string; unit: string; better: string }[] }>(await agentA.get('/api/v1/goals/metrics')).items;
    expect(catalogue.filter((m) => m.key.startsWith('loyalty.')).map((m) => [m.key, m.unit, m.better])).toEqual([
      ['loyalty.liability', 'fen', 'lower'],
      ['loyalty.members', 'count', 'higher'],
      ['loyalty.points_redeemed', 'count', 'higher'],
      ['loyalty.referrals_rewarded', 'count', 'higher'],
    ]);
  });

  it("the tile: this month's figures, members by tier, drill links; an own-scope agent sees only its customers' members", async () => {
    const all = await tileOf(manager, 'manager');
    expect(all.title).toBe('会员与积分');
    expect(all.stats.map((s) => [s.label, s.value, s.unit])).toEqual([
      ['会员数', 4, 'count'],
      ['积分负债', 11_700, 'fen'],
      ['本月兑换积分', 1500, 'count'],
      ['本月推荐奖励', 1, 'count'],
    ]);
    expect(all.stats.map((s) => s.link)).toEqual([
      '/loyalty',
      '/loyalty?tab=reports',
      '/loyalty?tab=redemptions&from=2026-03-01&to=2026-03-10',
      '/loyalty?tab=referrals&status=rewarded&from=2026-03-01&to=2026-03-10',
    ]);
    expect(all.chart).toMatchObject({ kind: 'bar', x: ['普通会员', '银卡会员', '金卡会员', '钻石会员'], series: [{ values: [3, 1, 0, 0] }] });
    expect(all.chart!.series[0]!.links[1]).toBe('/loyalty?tier=silver');
    // The bar's drill list holds what it counts (the member list by tier).
    const silver = ok<{ items: { customerId: string }[] }>(await manager.get('/api/v1/loyalty/members?tier=silver&limit=200')).items;
    expect(silver.map((m) => m.customerId)).toEqual([c.A2]);
    expect(all.rows).toEqual([]); // nothing expires within 90 days of March 2026
    const mine = await tileOf(agentA, 'account');
    expect(mine.stats.map((s) => s.value)).toEqual([3, 5700, 1000, 1]);
    expect(mine.chart!.series[0]!.values).toEqual([2, 1, 0, 0]);
    const theirs = await tileOf(agentB, 'account');
    expect(theirs.stats.map((s) => s.value)).toEqual([1, 6000, 500, 0]); // redeemed is gross: the cancelled mug counts (its 500 are in the report's `returned`)
    // In November the 2025 lots are about to expire: the rows name the members, most points first, each to its 360 tab.
    now = bj('2026-11-10 12:00');
    const soon = await tileOf(manager, 'manager');
    expect(soon.rows.map((r) => [r.label, r.detail, r.link])).toEqual([
      ['B1', '2500 积分即将到期 · 普通会员', `/customers/${c.B1}?tab=loyalty`],
      ['A2', '1830 积分即将到期 · 银卡会员', `/customers/${c.A2}?tab=loyalty`],
    ]);
    expect((await tileOf(agentA, 'account')).rows.map((r) => r.label)).toEqual(['A2']);
    expect((await tileOf(manager.lang('en'), 'manager')).rows[0]!.detail).toBe('2500 points expiring soon · Member');
    now = bj('2026-03-10 12:00');
  });
});
