/**
 * The 360 page's summary band through HTTP (`GET /customers/:id/summary`): every module's figures with their source,
 * date and link; empty figures saying why (no analytics run yet, no contact, no heating payment); the arrears rule
 * (paid, due, pending, stopped; a refunded payment does not count); the analytics figures after a run, dated with it;
 * a user without `analytics:read` gets no value figures; a customer out of scope is a 404, a bad id a 400 naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf, ok } from '../../test/http.js';
import { executeRun, startRun } from '../analytics/index.js';
import type { CustomerSummaryView } from './summary.contract.js';

/**
 * The company's day is 2026-12-02 (noon in Shanghai): the 2026-2027 season's deadline (30 November) has passed. (A day
 * in the past: contacts may not be logged in the future of the real clock.)
 */
const NOW = new Date('2026-12-02T04:00:00Z');

let ctx: TestContext;
let agent: Client;
let otherAgent: Client;

const summaryOf = async (c: Client, id: string) => ok<CustomerSummaryView>(await c.get(`/api/v1/customers/${id}/summary`));
const fig = (s: CustomerSummaryView, key: string) => s.figures.find((f) => f.key === key);
const keys = (s: CustomerSummaryView) => s.figures.map((f) => f.key);
const pay = async (c: Client, id: string, season: string, amountFen: number, occurredAt: string) =>
  ok(await c.post(`/api/v1/customers/${id}/transactions`, { type: 'payment', amountFen, heatingSeason: season, occurredAt }), 201);

describe('customer summary band', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => NOW });
    agent = await ctx.newUser({ role: 'agent' });
    otherAgent = await ctx.newUser({ role: 'agent' });
  });
  afterAll(() => ctx.close());

  it('a new customer: every figure with its source, today as its date and a link; empty ones say why', async () => {
    const c = await ctx.newCustomer({ name: '刘新户', phones: ['13700000001'], consent: { sms: true, phone: true } });
    const s = await summaryOf(ctx.admin, c.id);
    expect(s).toMatchObject({ customerId: c.id, today: '2026-12-02', computedAt: NOW.toISOString() });
    expect(keys(s)).toEqual([
      'analytics.value_tier',
      'analytics.clv',
      'analytics.churn',
      'transactions.lifetime_spend',
      'heating.arrears',
      'interactions.last_contact',
      'interactions.open_tasks',
      'tickets.open',
      'care.next_occasion',
      'messages.consent',
    ]);
    // Before any analytics run: empty, saying so, and linking to the 价值 tab.
    expect(fig(s, 'analytics.value_tier')).toMatchObject({ value: null, label: '价值等级', source: '价值分析', empty: '尚未运行价值分析', link: `/customers/${c.id}?tab=value` });
    expect(fig(s, 'transactions.lifetime_spend')).toMatchObject({ value: 0, unit: 'fen', source: '交易', asOf: '2026-12-02', live: true, detail: '尚无交易记录', link: `/customers/${c.id}?tab=transactions` });
    expect(fig(s, 'heating.arrears')).toMatchObject({ value: 0, detail: '没有欠费', live: true });
    expect(fig(s, 'interactions.last_contact')).toMatchObject({ value: null, empty: '尚无沟通记录', source: '沟通与任务', link: `/customers/${c.id}?tab=timeline` });
    expect(fig(s, 'interactions.open_tasks')).toMatchObject({ value: 0, unit: 'count', detail: '没有待办任务' });
    expect(fig(s, 'tickets.open')).toMatchObject({ value: 0, detail: '没有未结工单', source: '工单', link: `/customers/${c.id}?tab=tickets` });
    expect(fig(s, 'care.next_occasion')).toMatchObject({ value: null, empty: '没有覆盖该客户的关怀规则', source: '关怀规则', link: '/care/rules' });
    expect(fig(s, 'messages.consent')).toMatchObject({ value: 'phone,sms', text: '电话 ✓ · 短信 ✓ · 邮件 ✗ · 微信 ✗', detail: '2 / 4 个渠道同意联系', source: '客户资料' });
    // Not a member: no loyalty figure. In English, the same figures in English.
    const en = ok<CustomerSummaryView>(await ctx.admin.lang('en').get(`/api/v1/customers/${c.id}/summary`));
    expect(fig(en, 'analytics.value_tier')).toMatchObject({ label: 'Value tier', source: 'Value analysis', empty: 'No value analysis has run yet', labelKey: 'summary.analytics.value_tier' });
    expect(fig(en, 'messages.consent')!.text).toBe('Phone ✓ · SMS ✓ · Email ✗ · WeChat ✗');
  });

  it('the arrears (欠费) from the heating read model: nothing owed, the season in progress, every season since the last paid, a refunded payment', async () => {
    const paidUp = await ctx.newCustomer({ name: '钱已缴' });
    await pay(ctx.admin, paidUp.id, '2025-2026', 416_000, '2025-09-01T02:00:00Z');
    await pay(ctx.admin, paidUp.id, '2026-2027', 416_000, '2026-09-01T02:00:00Z');
    const a = await summaryOf(ctx.admin, paidUp.id);
    expect(fig(a, 'heating.arrears')).toMatchObject({ value: 0, unit: 'fen', detail: '没有欠费', tone: 'default', source: '欠费台账', link: `/customers/${paidUp.id}?tab=transactions` });
    expect(fig(a, 'transactions.lifetime_spend')).toMatchObject({ value: 832_000, detail: '2 笔 · 最近 2026-09-01' });

    // 2026-2027 unpaid after 30 November: owed at the last paid season's fee, dated with the read model's computation.
    const owes = await ctx.newCustomer({ name: '孙欠费' });
    await pay(ctx.admin, owes.id, '2025-2026', 395_200, '2025-10-20T02:00:00Z');
    expect(fig(await summaryOf(ctx.admin, owes.id), 'heating.arrears')).toMatchObject({ value: 395_200, tone: 'danger', detail: '2026-2027 供暖季未缴', asOf: '2026-12-02', live: false });

    // Nothing paid since 2023-2024 (and not 报停): every season since is owed.
    const behind = await ctx.newCustomer({ name: '吴拖欠' });
    await pay(ctx.admin, behind.id, '2023-2024', 300_000, '2023-10-01T02:00:00Z');
    expect(fig(await summaryOf(ctx.admin, behind.id), 'heating.arrears')).toMatchObject({ value: 900_000, detail: '2024-2025、2025-2026、2026-2027 供暖季未缴' });

    // Paid this season, then refunded in full: owed again.
    const refunded = await ctx.newCustomer({ name: '周退款' });
    await pay(ctx.admin, refunded.id, '2025-2026', 300_000, '2025-10-01T02:00:00Z');
    const p = await pay(ctx.admin, refunded.id, '2026-2027', 300_000, '2026-10-01T02:00:00Z');
    expect(fig(await summaryOf(ctx.admin, refunded.id), 'heating.arrears')).toMatchObject({ value: 0 });
    ok(await ctx.admin.post(`/api/v1/customers/${refunded.id}/transactions`, { type: 'refund', amountFen: 300_000, refundOfId: p.id, heatingSeason: '2026-2027', occurredAt: '2026-10-05T02:00:00Z' }), 201);
    expect(fig(await summaryOf(ctx.admin, refunded.id), 'heating.arrears')).toMatchObject({ value: 300_000, tone: 'danger' });
  });

  it('last contact, open tasks and tickets, the next care occasion and the loyalty tier, each as its module has it', async () => {
    const c = await ctx.newCustomer({ name: '郑全面', phones: ['13700000002'], birthday: '1970-12-20', consent: { sms: true } });
    ok(await ctx.admin.post(`/api/v1/customers/${c.id}/interactions`, { channel: 'call', summary: '询问今年供暖开始时间', occurredAt: '2026-12-01T01:30:00Z' }), 201);
    ok(await ctx.admin.post('/api/v1/tasks', { type: 'return_visit', title: '回访室温', customerId: c.id, dueAt: '2026-12-01T01:00:00Z' }), 201);
    ok(await ctx.admin.post('/api/v1/tasks', { type: 'care', title: '送日历', customerId: c.id, dueAt: '2026-12-20T01:00:00Z' }), 201);
    const tk = ok(await ctx.admin.post('/api/v1/tickets', { title: '卧室暖气不热', description: '只有 16 度', type: 'complaint', customerId: c.id }), 201);
    ok(await ctx.admin.post('/api/v1/care/rules', { name: '生日关怀', occasion: 'birthday', daysBefore: 2, actions: [{ taskTitle: '生日问候电话' }] }), 201);
    ok(await ctx.admin.post('/api/v1/care/rules', { name: '元旦问候', occasion: 'new_year', daysBefore: 0, actions: [{ taskTitle: '元旦问候' }] }), 201);
    // A heating fee paid before the season earns points: a member.
    await pay(ctx.admin, c.id, '2026-2027', 416_000, '2026-09-01T02:00:00Z');

    const s = await summaryOf(ctx.admin, c.id);
    expect(fig(s, 'interactions.last_contact')).toMatchObject({ value: '2026-12-01T01:30:00.000Z', unit: 'datetime', detail: '电话 · 询问今年供暖开始时间' });
    expect(fig(s, 'interactions.open_tasks')).toMatchObject({ value: 2, tone: 'danger', detail: '1 个已逾期 · 最近到期 2026-12-01 09:00' });
    expect(fig(s, 'tickets.open')).toMatchObject({ value: 1, tone: 'warning', detail: `最近：#${tk.number} 卧室暖气不热` });
    // The birthday (12-20) comes before New Year's Day.
    expect(fig(s, 'care.next_occasion')).toMatchObject({ value: '2026-12-20', unit: 'date', text: '生日 · 2026-12-20', detail: '规则「生日关怀」 · 提前 2 天', live: true });
    const member = ok(await ctx.admin.get(`/api/v1/loyalty/members/${c.id}`));
    expect(member.balance).toBeGreaterThan(0);
    expect(fig(s, 'loyalty.tier')).toMatchObject({ value: member.tier, text: member.tierName, detail: `会员号 ${member.memberNo}`, source: '会员积分', link: `/customers/${c.id}?tab=loyalty` });
    expect(fig(s, 'loyalty.points')).toMatchObject({ value: member.balance, unit: 'points' });
  });

  it('after an analytics run: tier, CLV and churn with its top reason, dated with the run; without analytics:read, no value figures', async () => {
    const c = await ctx.newCustomer({ name: '王分析', ownerId: agent.userId });
    await pay(ctx.admin, c.id, '2025-2026', 416_000, '2025-09-01T02:00:00Z');
    const run = (await startRun(ctx.database.db, systemActor('cli'), { kind: 'cli', asOf: '2026-12-01' }))!;
    expect((await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind })).status).toBe('done');
    const current = ok(await ctx.admin.get(`/api/v1/customers/${c.id}/analytics`));
    const s = await summaryOf(ctx.admin, c.id);
    const tier = fig(s, 'analytics.value_tier')!;
    expect(tier).toMatchObject({ value: current.valueTier, asOf: '2026-12-01', live: false, source: '价值分析', link: `/customers/${c.id}?tab=value` });
    expect(tier.text).toBe({ high: '高价值', middle: '中价值', low: '低价值' }[current.valueTier as string]);
    expect(fig(s, 'analytics.clv')).toMatchObject({ value: current.clvFen, unit: 'fen', asOf: '2026-12-01' });
    const churn = fig(s, 'analytics.churn')!;
    expect(churn).toMatchObject({ value: current.churnRisk, unit: 'score', text: `${{ low: '低', medium: '中', high: '高' }[current.churnLevel as string]}风险（${current.churnRisk}）` });
    // The run's top reason, as the 价值 tab lists it first.
    expect(churn.detail).toBe(current.reasons[0]);

    // A customer created after the run: not scored, saying which run.
    const later = await ctx.newCustomer({ name: '冯新来' });
    expect(fig(await summaryOf(ctx.admin, later.id), 'analytics.clv')).toMatchObject({ value: null, asOf: '2026-12-01', empty: '最近一次价值分析（2026-12-01）没有该客户的结果' });

    // The agent owns the customer but may not read analytics: the value figures are left out, not an error.
    const mine = await summaryOf(agent, c.id);
    expect(keys(mine).filter((k) => k.startsWith('analytics.'))).toEqual([]);
    expect(fig(mine, 'heating.arrears')).toMatchObject({ value: 416_000 });
    // The agent sees no care-rules link (care:manage), and the figure itself still.
    expect(fig(mine, 'care.next_occasion')!.link).toBeNull();
  });

  it('out of scope is a 404; a bad id is a 400 naming it; no session is a 401', async () => {
    const c = await ctx.newCustomer({ name: '陈别人', ownerId: agent.userId });
    ok(await agent.get(`/api/v1/customers/${c.id}/summary`));
    expect(problemOf(await otherAgent.get(`/api/v1/customers/${c.id}/summary`), 404).detail).toBe('找不到该客户');
    const bad = problemOf(await ctx.admin.get('/api/v1/customers/not-a-uuid/summary'), 400);
    expect(bad.errors?.[0]?.field).toBe('id');
    problemOf(await ctx.anon.get(`/api/v1/customers/${c.id}/summary`), 401);
  });
});
