/**
 * Loyalty through HTTP: a heating fee paid early earns points (1 per yuan, the tier's multiplier, double on the
 * member's birthday) exactly once; a refund that names its payment takes the points back, and when they were spent
 * the member owes them (paid from the next earn); the desk redeems a reward (stock, FIFO, 409 without the points) and
 * cancels it; an adjustment above the limit waits for a second person; the programme's checks name the field; data
 * scope; English reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { pointsForSurvey } from './engagement.js';
import type { AdjustmentView, LedgerEntryView, MemberView, Programme, RedemptionView, RewardView } from './loyalty.contract.js';

let ctx: TestContext;
let agent: Client;
let otherAgent: Client;
let manager: Client;
let customer: Record<string, any>;
let now = new Date('2026-10-20T10:00:00+08:00');

const pay = async (as: Client, customerId: string, body: Record<string, unknown>) =>
  ok<{ id: string }>(await as.post(`/api/v1/customers/${customerId}/transactions`, { type: 'payment', occurredAt: now.toISOString(), ...body }), 201);
const member = async (as: Client, id: string) => ok<MemberView>(await as.get(`/api/v1/loyalty/members/${id}`));
const ledger = async (as: Client, id: string, lang?: string) =>
  ok<{ items: LedgerEntryView[] }>(await as.get(`/api/v1/loyalty/members/${id}/ledger?limit=200`, lang ? { 'accept-language': lang } : undefined)).items;

describe('loyalty', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agent = await ctx.newUser({ role: 'agent' });
    otherAgent = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    customer = await ctx.newCustomer({ name: '李建国', phones: ['13900003001'], birthday: '1970-10-21', ownerId: agent.userId });
  });
  afterAll(() => ctx.close());

  it('a heating fee paid before the season starts earns 1 point per yuan, once; the member is enrolled at the lowest tier', async () => {
    const programme = ok<Programme>(await agent.get('/api/v1/loyalty/programme'));
    expect(programme.enabled).toBe(true);
    const paid = await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'payment', amountFen: 250_000, occurredAt: now.toISOString(), heatingSeason: '2026-2027', externalId: 'FEE-1' });
    expect(paid.statusCode).toBe(201);
    const m = await member(agent, customer.id);
    expect(m).toMatchObject({ balance: 2500, tier: 'silver', debt: 0 });
    expect(m.memberNo).toMatch(/^M\d{8}$/);
    const entries = await ledger(agent, customer.id);
    expect(entries.map((e) => [e.kind, e.points, e.reason])).toEqual([['earn', 2500, '采暖费提前缴纳：¥2500.00']]);
    expect(entries[0]!.expiresAt).toBe('2027-12-31T16:00:00.000Z');
    // Growth 2,500 ≥ 2,000: silver at once, on the tier history.
    const tiers = ok<{ items: { fromTier: string | null; toTier: string; reason: string }[] }>(await agent.get(`/api/v1/loyalty/members/${customer.id}/tiers`)).items;
    expect(tiers.map((x) => [x.fromTier, x.toTier, x.reason])).toEqual([['regular', 'silver', 'upgrade'], [null, 'regular', 'join']]);
    // A fee paid after the season started earns nothing (no rule matches).
    await pay(agent, customer.id, { amountFen: 10_000, occurredAt: '2026-11-20T10:00:00+08:00', heatingSeason: '2026-2027' });
    expect((await member(agent, customer.id)).balance).toBe(2500);
  });

  it('on the birthday the points are doubled (a bonus entry), with the tier multiplier', async () => {
    now = new Date('2026-10-21T10:00:00+08:00');
    const paid = await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'purchase', amountFen: 10_000, occurredAt: now.toISOString() });
    expect(paid.statusCode).toBe(201);
    const [bonus, earn] = await ledger(agent, customer.id);
    expect(earn).toMatchObject({ kind: 'earn', points: 110 }); // 100 × silver 1.1
    expect(bonus).toMatchObject({ kind: 'bonus', points: 110, reason: '生日 2 倍积分' });
    expect((await ledger(agent, customer.id, 'en'))[0]!.reason).toBe('Birthday 2× points');
    expect((await member(agent, customer.id)).balance).toBe(2720);
  });

  it('the desk redeems a reward (stock, FIFO) and cancels it; without the points it is 409', async () => {
    const reward = ok<RewardView>(await manager.post('/api/v1/loyalty/rewards', { name: { zh: '暖气片清洗券', en: 'Radiator cleaning voucher' }, kind: 'voucher', pointsCost: 1000, valueFen: 5000, stock: 2 }), 201);
    problemOf(await agent.post('/api/v1/loyalty/rewards', { name: { zh: 'x' }, kind: 'gift', pointsCost: 1 }), 403);
    const made = ok<RedemptionView>(await agent.post(`/api/v1/loyalty/members/${customer.id}/redemptions`, { rewardId: reward.id, quantity: 2 }), 201);
    expect(made).toMatchObject({ points: 2000, channel: 'desk', status: 'done', rewardName: '暖气片清洗券' });
    expect((await member(agent, customer.id)).balance).toBe(720);
    const short = problemOf(await agent.post(`/api/v1/loyalty/members/${customer.id}/redemptions`, { rewardId: reward.id }), 409);
    expect(short.errors[0]).toMatchObject({ field: 'quantity' }); // out of stock first
    const rewards = ok<{ items: RewardView[] }>(await agent.get('/api/v1/loyalty/rewards')).items;
    expect(rewards.find((r) => r.id === reward.id)).toMatchObject({ stock: 0, redeemedCount: 2 });
    const cancelled = ok<RedemptionView>(await agent.post(`/api/v1/loyalty/redemptions/${made.id}/cancel`));
    expect(cancelled.status).toBe('cancelled');
    problemOf(await agent.post(`/api/v1/loyalty/redemptions/${made.id}/cancel`), 409);
    expect((await member(agent, customer.id)).balance).toBe(2720);
    const big = ok<RewardView>(await manager.post('/api/v1/loyalty/rewards', { name: { zh: '电暖器', en: 'Heater' }, kind: 'gift', pointsCost: 5000 }), 201);
    const p = problemOf(await agent.post(`/api/v1/loyalty/members/${customer.id}/redemptions`, { rewardId: big.id }), 409);
    expect(p.detail).toBe('积分不足：可用 2720，需要 5000');
  });

  it('a refund takes back the points its payment earned; spent points become a debt paid from the next earn (the exploit nets zero)', async () => {
    now = new Date('2026-10-22T10:00:00+08:00');
    const fee = await pay(agent, customer.id, { amountFen: 100_000, heatingSeason: '2026-2027' }); // +1,100 (silver)
    expect((await member(agent, customer.id)).balance).toBe(3820);
    // Half refunded: half the points back.
    ok(await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'refund', amountFen: 50_000, occurredAt: now.toISOString(), refundOfId: fee.id }), 201);
    expect((await member(agent, customer.id)).balance).toBe(3270);
    // Refunds never exceed the payment.
    const over = problemOf(await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'refund', amountFen: 60_000, occurredAt: now.toISOString(), refundOfId: fee.id }), 400);
    expect(over.errors[0]).toMatchObject({ field: 'amountFen' });
    // Spend nearly everything, then refund the first fee in full: 2,500 earned, only 270 left → 2,230 owed.
    const gift = ok<RewardView>(await manager.post('/api/v1/loyalty/rewards', { name: { zh: '米面油礼包', en: 'Groceries' }, kind: 'gift', pointsCost: 3000 }), 201);
    ok(await agent.post(`/api/v1/loyalty/members/${customer.id}/redemptions`, { rewardId: gift.id }), 201);
    const [first] = (await ledger(agent, customer.id)).filter((e) => e.kind === 'earn' && e.points === 2500);
    ok(await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'refund', amountFen: 250_000, occurredAt: now.toISOString(), refundOfId: first!.sourceId }), 201);
    let m = await member(agent, customer.id);
    expect(m).toMatchObject({ balance: 0, debt: 2230 });
    // The next earn pays the debt first.
    await pay(agent, customer.id, { amountFen: 300_000, heatingSeason: '2026-2027' }); // +3,300
    m = await member(agent, customer.id);
    expect(m).toMatchObject({ balance: 1070, debt: 0 });
    const entries = await ledger(agent, customer.id);
    expect(entries[0]).toMatchObject({ kind: 'reverse', points: -2230, reason: '抵扣退款欠回的积分' });
    // Every balance is the sum of its entries.
    expect(entries.reduce((s, e) => s + e.points, 0)).toBe(m.balance);
  });

  it('re-sending the same transaction earns nothing twice; a deleted payment takes its points back and a restore gives them again', async () => {
    const before = (await member(agent, customer.id)).balance;
    const again = await agent.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'payment', amountFen: 250_000, occurredAt: now.toISOString(), heatingSeason: '2026-2027', externalId: 'FEE-1' });
    expect(again.statusCode).toBe(409);
    const fee = await pay(agent, customer.id, { amountFen: 20_000, heatingSeason: '2026-2027' }); // +220
    expect((await member(agent, customer.id)).balance).toBe(before + 220);
    expect((await agent.delete(`/api/v1/transactions/${fee.id}`)).statusCode).toBe(204);
    expect((await member(agent, customer.id)).balance).toBe(before);
    ok(await agent.post(`/api/v1/transactions/${fee.id}/restore`));
    expect((await member(agent, customer.id)).balance).toBe(before + 220);
    expect((await ledger(agent, customer.id))[0]!.reason).toBe('交易已恢复，恢复积分');
  });

  it('an adjustment within the limit is booked; above it a second person approves (not the requester)', async () => {
    const before = (await member(agent, customer.id)).balance;
    const small = ok<AdjustmentView>(await agent.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 100, reason: '补录活动积分' }), 201);
    expect(small).toMatchObject({ status: 'approved' });
    expect((await member(agent, customer.id)).balance).toBe(before + 100);
    const big = ok<AdjustmentView>(await manager.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 5000, reason: '投诉补偿' }), 201);
    expect(big.status).toBe('pending');
    expect((await member(agent, customer.id)).balance).toBe(before + 100);
    problemOf(await manager.post(`/api/v1/loyalty/adjustments/${big.id}/decision`, { approve: true }), 403);
    problemOf(await agent.post(`/api/v1/loyalty/adjustments/${big.id}/decision`, { approve: true }), 403);
    const approved = ok<AdjustmentView>(await ctx.admin.post(`/api/v1/loyalty/adjustments/${big.id}/decision`, { approve: true }));
    expect(approved).toMatchObject({ status: 'approved', decidedByName: '系统管理员' });
    expect((await member(agent, customer.id)).balance).toBe(before + 5100);
    const zero = problemOf(await agent.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 0, reason: 'x' }), 400);
    expect(zero.errors[0]).toMatchObject({ field: 'points' });
  });

  it('data scope: another agent cannot see or change the member', async () => {
    problemOf(await otherAgent.get(`/api/v1/loyalty/members/${customer.id}`), 404);
    problemOf(await otherAgent.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 1, reason: 'x' }), 404);
    const list = ok<{ items: { customerId: string }[] }>(await otherAgent.get('/api/v1/loyalty/members'));
    expect(list.items.map((x) => x.customerId)).not.toContain(customer.id);
    const mine = ok<{ items: { customerId: string; tierName: string }[] }>(await agent.get('/api/v1/loyalty/members?q=李建国'));
    const m = await member(agent, customer.id);
    expect(mine.items).toEqual([expect.objectContaining({ customerId: customer.id, tier: m.tier, tierName: m.tierName, balance: m.balance })]);
    expect(m).toMatchObject({ tier: 'silver', tierName: '银卡会员', growth: 4290 }); // points earned (7,340) less those taken back (3,050)
  });

  it('the programme: checks name the field in the caller’s language; a held tier cannot be removed', async () => {
    const p = ok<Programme>(await manager.get('/api/v1/loyalty/programme'));
    const bad = problemOf(await manager.put('/api/v1/loyalty/programme', { ...p, tiers: [p.tiers[0], { ...p.tiers[1], threshold: 0, keepThreshold: 0 }] }, { 'accept-language': 'en' }), 400);
    expect(bad.errors).toEqual([expect.objectContaining({ field: 'tiers.1.threshold', message: expect.stringContaining('higher threshold') })]);
    const held = problemOf(await manager.put('/api/v1/loyalty/programme', { ...p, tiers: [p.tiers[0]] }), 409);
    expect(held.detail).toContain('silver');
    const saved = ok<Programme>(await manager.put('/api/v1/loyalty/programme', { ...p, birthdayMultiplierX100: 300 }));
    expect(saved.birthdayMultiplierX100).toBe(300);
    problemOf(await agent.put('/api/v1/loyalty/programme', p), 403);
  });
  it('giving feedback on the public page and answering a survey earn their points, once each', async () => {
    const c = await ctx.newCustomer({ name: '王淑芬', phones: ['13900003002'], ownerId: agent.userId });
    const sent = await ctx.app.inject({ method: 'POST', url: '/api/v1/public/feedback', payload: { text: '维修师傅很准时，服务很好', phone: '13900003002' }, headers: { 'content-type': 'application/json' }, remoteAddress: '10.88.0.1' });
    expect(sent.statusCode).toBe(201);
    let entries = await ledger(agent, c.id);
    expect(entries.map((e) => [e.kind, e.points, e.sourceKind, e.reason])).toEqual([['bonus', 20, 'feedback', '提交意见反馈']]);
    // The survey hook (the surveys module calls it inside the completing transaction): once per response.
    const event = { responseId: '6c1d0e2a-1111-4222-8333-944455556666', surveyId: '6c1d0e2a-1111-4222-8333-944455556667', customerId: c.id, completedAt: now };
    await ctx.database.db.transaction((tx) => pointsForSurvey(tx, event));
    await ctx.database.db.transaction((tx) => pointsForSurvey(tx, event));
    entries = await ledger(agent, c.id, 'en');
    expect(entries.map((e) => [e.kind, e.points, e.reason])).toEqual([['bonus', 50, 'Answered a survey'], ['bonus', 20, 'Gave feedback']]);
    expect((await member(agent, c.id)).balance).toBe(70);
  });

  it('tier changes and points movements are on the timeline; merging duplicate members moves the points, undo takes them back', async () => {
    const timeline = ok<{ items: { kind: string; title: string; summary: string }[] }>(await agent.get(`/api/v1/customers/${customer.id}/timeline?limit=100`)).items;
    expect(timeline.filter((x) => x.kind === 'loyalty_tier').map((x) => x.title)).toEqual(['升级为银卡会员', '成为普通会员']);
    const redeem = timeline.find((x) => x.kind === 'loyalty_points' && x.title.startsWith('积分兑换'))!;
    expect(redeem.summary).toMatch(/^兑换「.+」× \d · 余额 \d+$/);
    const a = await ctx.newCustomer({ name: '赵磊', phones: ['13900003003'], ownerId: agent.userId });
    const b = await ctx.newCustomer({ name: '赵磊', phones: ['13900003004'], ownerId: agent.userId });
    for (const [id, points] of [[a.id, 300], [b.id, 200]] as const) {
      ok(await agent.post(`/api/v1/loyalty/members/${id}`, {}), 201);
      ok(await agent.post(`/api/v1/loyalty/members/${id}/adjustments`, { points, reason: '开户礼' }), 201);
    }
    const merged = ok<{ merge: { id: string; moved: Record<string, number> } }>(await ctx.admin.post('/api/v1/customers/merge', { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version })).merge;
    expect(merged.moved.loyalty).toBe(1); // one lot
    expect((await member(agent, a.id)).balance).toBe(500);
    expect((await member(ctx.admin, b.id))).toMatchObject({ balance: 0, status: 'left' });
    ok(await ctx.admin.post(`/api/v1/customers/merges/${merged.id}/undo`, {}));
    expect((await member(agent, a.id)).balance).toBe(300);
    expect((await member(agent, b.id))).toMatchObject({ balance: 200, status: 'active' });
  });
  it('segments pick members by tier and balance (so a campaign can target them)', async () => {
    const preview = async (rule: Record<string, unknown>) => ok<{ count: number; sample: { id: string }[] }>(await ctx.admin.post('/api/v1/segments/preview', { rule }));
    const silver = await preview({ field: 'loyalty.tier', op: 'eq', value: 'silver' });
    expect(silver.sample.map((c) => c.id)).toContain(customer.id);
    const rich = await preview({ field: 'loyalty.balance', op: 'gte', value: 1_000_000 });
    expect(rich.count).toBe(0);
    const members = await preview({ field: 'loyalty.member', op: 'isTrue' });
    const notMembers = await preview({ not: { field: 'loyalty.member', op: 'isTrue' } });
    const others = await preview({ field: 'loyalty.member', op: 'isFalse' });
    expect(members.count).toBeGreaterThan(0);
    expect(notMembers.count).toBe(others.count);
    const { total } = ok<{ total: number }>(await ctx.admin.get('/api/v1/customers?limit=1&withTotal=true'));
    expect(members.count + others.count).toBe(total);
  });
});
