/**
 * Campaigns (营销活动) through HTTP over a small heating demo with an analytics run (value tiers): validation in zh-CN
 * and English; approval over the budget limit; the launch (exactly ⌊p·N⌋ held out, balanced across tiers by a
 * chi-square test, the same groups for the same seed and after a resumed draw; codes for the treated only; messages
 * through the outbox for the treated only, with the rules' counts); redemptions (API, a purchase carrying the code,
 * unknown / expired / used-up codes in both languages, 20 concurrent clients on one code); the results (figures
 * recomputed here from the rows, ROI); scheduling by the clock; the CLI's JSON.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { testMessaging } from '../../test/mail.js';
import { loadDemo } from '../demo/index.js';
import { MessageDelivery, signingSecret, trackingKey } from '../messages/index.js';
import type { CampaignResults, CampaignView, RedemptionView } from './campaigns.contract.js';
import { launchDueCampaigns } from './campaigns.service.js';
import { executeLaunch } from './launch.js';
import { chiSquareIndependence } from './stats.js';

const AS_OF = '2026-11-01';
const SIZE = 600;
let now = new Date('2026-11-02T02:00:00Z');

// Launches on a shared CI machine (two suites at once on two cores) may take a minute each: a longer limit per test.
describe('campaigns', { timeout: 300_000 }, () => {
  let ctx: TestContext;
  let manager: Client;
  let marketer: Client;
  let segmentId: string;
  let templateId: string;
  let audience = 0;
  let rootCauseId: string;

  const q = <T>(text: ReturnType<typeof sql>) => ctx.database.db.execute(text).then((r) => rowsOf<T>(r));

  async function settle(id: string): Promise<CampaignView> {
    for (let i = 0; i < 1200; i++) {
      const c = ok<CampaignView>(await manager.get(`/api/v1/campaigns/${id}`));
      if (c.launch && ['done', 'failed', 'cancelled'].includes(c.launch.status)) {
        expect(c.launch.error).toBeNull();
        return c;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('launch did not finish');
  }

  const draft = (over: Record<string, unknown> = {}) => ({
    name: `冬季回馈 ${Math.random().toString(36).slice(2, 7)}`,
    goal: 'repeat_purchase',
    goalTarget: 300,
    segmentId,
    holdoutBp: 1000,
    offers: [{ kind: 'threshold', name: '满200减30', thresholdFen: 20000, discountFen: 3000, codeMode: 'unique', validFrom: '2026-11-01', validTo: '2026-12-31' }],
    templateIds: [templateId],
    attributionDays: 30,
    budgetFen: 500_000,
    costPerMessageFen: 5,
    costPerRedemptionFen: 100,
    marginBp: 3000,
    ...over,
  });

  async function launched(over: Record<string, unknown> = {}): Promise<CampaignView> {
    const c = ok<CampaignView>(await marketer.post('/api/v1/campaigns', draft(over)), 201);
    ok(await marketer.post(`/api/v1/campaigns/${c.id}/launch`, { version: c.version }), 202);
    return settle(c.id);
  }

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager', username: 'cmp.manager' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'cmp.marketer' });
    await loadDemo(ctx.database.db, systemActor('cli'), { seed: 5, size: SIZE, asOf: AS_OF }, { skipForeignKeyChecks: true, writers: 1 });
    const run = ok(await ctx.admin.post('/api/v1/analytics/runs', { asOf: AS_OF }), 202);
    for (let k = 0; ; k++) {
      const r = ok(await ctx.admin.get(`/api/v1/analytics/runs/${run.id}`));
      if (r.status === 'done') break;
      if (r.status === 'failed' || k > 6000) throw new Error(`analytics run: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    const seg = ok(await manager.post('/api/v1/segments', { name: '全部住户', rule: { field: 'customer.compound', op: 'isNotEmpty' } }), 201);
    segmentId = seg.id;
    const refresh = ok(await manager.post(`/api/v1/segments/${seg.id}/refresh`), 202);
    for (let k = 0; ; k++) {
      const r = ok(await manager.get(`/api/v1/segments/refreshes/${refresh.id}`));
      if (r.status === 'done') break;
      if (k > 3000) throw new Error('refresh did not finish');
      await new Promise((res) => setTimeout(res, 100));
    }
    audience = ok(await manager.get(`/api/v1/segments/${seg.id}`)).memberCount;
    const tpl = ok(await ctx.admin.post('/api/v1/message-templates', { name: '冬季回馈短信', channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，凭券码{{coupon}}满200减30。详情 https://heat.example.com/winter' }), 201);
    templateId = tpl.id;
    rootCauseId = ok(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0].id;
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('refuses bad drafts naming the field, in zh-CN and English, and writes nothing', async () => {
    const before = (await q<{ n: number }>(sql`select count(*)::int as n from campaigns`))[0]!.n;
    const zh = problemOf(await marketer.post('/api/v1/campaigns', draft({ offers: [{ kind: 'threshold', name: '满减', thresholdFen: 1000, discountFen: 2000 }] })), 400);
    expect(zh.errors[0]).toEqual({ field: 'offers.0.discountFen', message: '减免金额必须小于满额门槛' });
    const en = problemOf(await marketer.lang('en').post('/api/v1/campaigns', draft({ holdoutBp: 9000 })), 400);
    expect(en.errors[0]!.field).toBe('holdoutBp');
    const tpl = problemOf(await marketer.post('/api/v1/campaigns', draft({ templateIds: ['00000000-0000-4000-8000-000000000001'] })), 400);
    expect(tpl.errors[0]).toEqual({ field: 'templateIds.0', message: '消息模板不存在或已停用' });
    const shared = problemOf(await marketer.post('/api/v1/campaigns', draft({ offers: [{ kind: 'gift', name: '送暖手宝', detail: '暖手宝', codeMode: 'shared', sharedCode: '!!' }] })), 400);
    expect(shared.errors[0]!.field).toBe('offers.0.sharedCode');
    expect((await q<{ n: number }>(sql`select count(*)::int as n from campaigns`))[0]!.n).toBe(before);
  });

  it('a budget over the limit needs a manager’s approval before launch', async () => {
    // The limit is an installation setting: ¥10,000 unless an administrator changes it.
    expect(ok(await marketer.get('/api/v1/campaigns/settings'))).toEqual({ approvalLimitFen: 1_000_000 });
    problemOf(await marketer.patch('/api/v1/campaigns/settings', { approvalLimitFen: 10_000_000 }), 403);
    expect(problemOf(await ctx.admin.patch('/api/v1/campaigns/settings', { approvalLimitFen: -1 }), 400).errors[0]!.field).toBe('approvalLimitFen');
    ok(await ctx.admin.patch('/api/v1/campaigns/settings', { approvalLimitFen: 2_000_000 }));
    const within = ok<CampaignView>(await marketer.post('/api/v1/campaigns', draft({ budgetFen: 1_500_000 })), 201);
    expect(within.needsApproval).toBe(false);
    const c = ok<CampaignView>(await marketer.post('/api/v1/campaigns', draft({ budgetFen: 5_000_000 })), 201);
    expect(c.needsApproval).toBe(true);
    const refused = problemOf(await marketer.lang('en').post(`/api/v1/campaigns/${c.id}/launch`, { version: c.version }), 409);
    expect(refused.detail).toContain('a manager must approve');
    problemOf(await marketer.post(`/api/v1/campaigns/${c.id}/approve`, { version: c.version }), 403);
    const approved = ok<CampaignView>(await manager.post(`/api/v1/campaigns/${c.id}/approve`, { version: c.version }));
    expect(approved.needsApproval).toBe(false);
    expect(approved.approvedBy?.id).toBe(manager.userId);
    // Raising the budget again withdraws the approval.
    const raised = ok<CampaignView>(await marketer.patch(`/api/v1/campaigns/${c.id}`, { budgetFen: 6_000_000, version: approved.version }));
    expect(raised.needsApproval).toBe(true);
    expect((await marketer.delete(`/api/v1/campaigns/${c.id}`)).statusCode).toBe(204);
  });

  it('holds out exactly ⌊p·N⌋, balanced across tiers; same seed, same groups; codes and messages for the treated only', async () => {
    const c = await launched({ holdoutBp: 1000 });
    expect(c.status).toBe('running');
    expect(c.treatedCount + c.holdoutCount).toBe(audience);
    expect(c.holdoutCount).toBe(Math.floor((audience * 1000) / 10000));
    const byTier = await q<{ tier: string; treated: number; holdout: number }>(sql`
      select tier, count(*) filter (where grp = 'treated')::int as treated, count(*) filter (where grp = 'holdout')::int as holdout
      from campaign_members where campaign_id = ${c.id} group by tier order by tier`);
    expect(byTier.length).toBeGreaterThanOrEqual(3);
    const chi = chiSquareIndependence(byTier.map((t) => [t.treated, t.holdout]));
    expect(chi.pValue).toBeGreaterThan(0.05);
    for (const t of byTier) expect(Math.abs(t.holdout - (t.treated + t.holdout) * 0.1)).toBeLessThanOrEqual(1);

    // Codes: one per treated member, none for the held out; readable (no 0/O/1/I).
    const codes = await q<{ grp: string; n: number; bad: number }>(sql`
      select m.grp, count(cc.id)::int as n, count(*) filter (where cc.code ~ '[01OI]')::int as bad
      from campaign_members m left join coupon_codes cc on cc.customer_id = m.customer_id and cc.campaign_id = m.campaign_id
      where m.campaign_id = ${c.id} group by m.grp`);
    expect(codes.find((r) => r.grp === 'treated')!.n).toBe(c.treatedCount);
    expect(codes.find((r) => r.grp === 'holdout')!.n).toBe(0);
    expect(codes.every((r) => r.bad === 0)).toBe(true);
    // Messages: the treated only, the coupon rendered; every treated member has a message or is counted as blocked.
    const msgs = await q<{ holdout: number; total: number; rendered: number }>(sql`
      select count(*) filter (where m.grp = 'holdout')::int as holdout, count(*)::int as total,
             count(*) filter (where ms.body like '%' || cc.code || '%')::int as rendered
      from messages ms join campaign_members m on m.customer_id = ms.customer_id and m.campaign_id = ms.source_id
      left join coupon_codes cc on cc.customer_id = ms.customer_id and cc.campaign_id = ms.source_id
      where ms.source_id = ${c.id}`);
    expect(msgs[0]!.holdout).toBe(0);
    expect(msgs[0]!.rendered).toBe(msgs[0]!.total);
    const results = ok<CampaignResults>(await marketer.get(`/api/v1/campaigns/${c.id}/results`));
    const blocked = Object.values(results.messages.blocked).reduce((a, b) => a + b, 0);
    const noRecipient = results.messages.blocked.no_recipient ?? 0;
    // Every treated member has a message, or is counted as having no address on the channel.
    expect(results.messages.total + noRecipient).toBe(c.treatedCount);
    expect(results.messages.total).toBe(msgs[0]!.total);
    expect(results.messages.sent + results.messages.queued + results.messages.failed + blocked - noRecipient).toBe(msgs[0]!.total);

    // The same seed draws the same groups: a second campaign given this one's seed, and a draw resumed from scratch.
    const twin = ok<CampaignView>(await marketer.post('/api/v1/campaigns', draft({ offers: [], holdoutBp: 1000 })), 201);
    await ctx.database.db.execute(sql`update campaigns set seed = (select seed from campaigns where id = ${c.id}) where id = ${twin.id}`);
    ok(await marketer.post(`/api/v1/campaigns/${twin.id}/launch`, { version: twin.version }), 202);
    await settle(twin.id);
    const groups = async (id: string) =>
      (await q<{ id: string }>(sql`select customer_id as id from campaign_members where campaign_id = ${id} and grp = 'holdout' order by customer_id`)).map((r) => r.id);
    const first = await groups(c.id);
    expect(await groups(twin.id)).toEqual(first);
    await ctx.database.db.execute(sql`delete from campaign_members where campaign_id = ${twin.id}`);
    const [run] = await q<{ id: string }>(sql`
      update campaign_launches set status = 'queued', checkpoint = null, finished_at = null, owner = null
      where campaign_id = ${twin.id} returning id`);
    await executeLaunch(ctx.database.db, run!.id, {
      messaging: { now: () => now, kick: async () => undefined, log: () => undefined, fallbackUrl: 'http://localhost' },
      resolveActor: async () => systemActor('cli'),
    });
    expect(await groups(twin.id)).toEqual(first);
    // Relaunched, no message was written twice.
    const dup = await q<{ n: number }>(sql`select count(*)::int as n from (select customer_id from messages where source_id = ${twin.id} group by customer_id, template_id having count(*) > 1) d`);
    expect(dup[0]!.n).toBe(0);
  });

  it('redeems codes: API and a purchase carrying the code; unknown, expired and used-up codes answer clearly in both languages', async () => {
    const c = await launched({ holdoutBp: 2000 });
    const [a, b, e] = await q<{ customer_id: string; code: string }>(sql`
      select customer_id, code from coupon_codes where campaign_id = ${c.id} order by customer_id limit 3`);
    const first = ok<RedemptionView>(await ctx.admin.post(`/api/v1/campaigns/${c.id}/redemptions`, { code: a!.code.toLowerCase(), orderFen: 25000 }), 201);
    expect(first).toMatchObject({ customerId: a!.customer_id, discountFen: 3000, source: 'api', orderFen: 25000 });
    const again = problemOf(await ctx.admin.post(`/api/v1/campaigns/${c.id}/redemptions`, { code: a!.code }), 409);
    expect(again.errors[0]).toEqual({ field: 'code', message: `优惠码「${a!.code}」已达使用次数上限（1 次）` });
    const unknown = problemOf(await ctx.admin.post('/api/v1/coupons/redemptions', { code: 'ZZZZZ-ZZZZZ' }), 400);
    expect(unknown.errors[0]).toEqual({ field: 'code', message: '优惠码「ZZZZZZZZZZ」无效，请核对后重试' });
    const unknownEn = problemOf(await ctx.admin.lang('en').post('/api/v1/coupons/redemptions', { code: 'ZZZZZ-ZZZZZ' }), 400);
    expect(unknownEn.errors[0]!.message).toBe('The coupon code "ZZZZZZZZZZ" is not valid; check it and try again');
    const expired = problemOf(await ctx.admin.lang('en').post('/api/v1/coupons/redemptions', { code: b!.code, redeemedAt: '2027-01-05T04:00:00Z' }), 400);
    expect(expired.errors[0]!.message).toBe(`The coupon code "${b!.code}" expired on 2026-12-31`);
    const below = problemOf(await ctx.admin.post('/api/v1/coupons/redemptions', { code: b!.code, orderFen: 10000 }), 400);
    expect(below.errors[0]).toEqual({ field: 'orderFen', message: '订单金额未达到满减门槛（满 ¥200）' });

    // A purchase carrying the code redeems it in the same transaction; a bad code refuses the purchase.
    const tx = ok(await ctx.admin.post(`/api/v1/customers/${b!.customer_id}/transactions`, { type: 'purchase', amountFen: 30000, occurredAt: now.toISOString(), couponCode: b!.code }), 201);
    const list = ok<{ items: RedemptionView[] }>(await marketer.get(`/api/v1/campaigns/${c.id}/redemptions`));
    expect(problemOf(await marketer.get('/api/v1/campaigns/00000000-0000-4000-8000-000000000009/redemptions'), 404).detail).toBe('找不到该营销活动');
    expect(list.items.find((r) => r.transactionId === tx.id)).toMatchObject({ customerId: b!.customer_id, source: 'transaction', orderFen: 30000 });
    const txCount = async () => (await q<{ n: number }>(sql`select count(*)::int as n from transactions where customer_id = ${e!.customer_id}`))[0]!.n;
    const before = await txCount();
    const bad = problemOf(await ctx.admin.post(`/api/v1/customers/${e!.customer_id}/transactions`, { type: 'purchase', amountFen: 30000, occurredAt: now.toISOString(), couponCode: b!.code }), 400);
    expect(bad.errors[0]!.field).toBe('couponCode');
    expect(await txCount()).toBe(before);

    // 20 clients redeem one code at once: exactly one succeeds.
    const answers = await Promise.all(Array.from({ length: 20 }, () => ctx.admin.post('/api/v1/coupons/redemptions', { code: e!.code })));
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(19);
    // A keyed repeat replays the first answer: one redemption.
    const [k] = await q<{ code: string }>(sql`select code from coupon_codes where campaign_id = ${c.id} and uses = 0 order by code limit 1`);
    const keyed: RedemptionView[] = [];
    for (let i = 0; i < 2; i++) keyed.push(ok<RedemptionView>(await ctx.admin.post('/api/v1/coupons/redemptions', { code: k!.code }, { 'idempotency-key': `redeem-${k!.code}` }), 201));
    expect(keyed[1]!.id).toBe(keyed[0]!.id);
    const [row] = await q<{ uses: number; n: number }>(sql`
      select cc.uses, (select count(*)::int from coupon_redemptions r where r.code_id = cc.id) as n from coupon_codes cc where cc.code = ${e!.code}`);
    expect(row).toEqual({ uses: 1, n: 1 });

    // Cancelled: its codes stop working, its unsent messages are called off.
    const current = ok<CampaignView>(await marketer.get(`/api/v1/campaigns/${c.id}`));
    ok(await marketer.post(`/api/v1/campaigns/${c.id}/cancel`, { version: current.version }));
    const [unused] = await q<{ code: string }>(sql`select code from coupon_codes where campaign_id = ${c.id} and uses = 0 order by code limit 1`);
    const inactive = problemOf(await ctx.admin.lang('en').post('/api/v1/coupons/redemptions', { code: unused!.code }), 400);
    expect(inactive.errors[0]!.message).toBe(`The coupon code "${unused!.code}" belongs to a cancelled campaign`);
    expect((await q<{ n: number }>(sql`select count(*)::int as n from messages where source_id = ${c.id} and status = 'queued'`))[0]!.n).toBe(0);
  });

  it('reports results: the figures recomputed from the rows, the uplift interval and ROI', async () => {
    const c = await launched({ holdoutBp: 3000, costPerMessageFen: 5, costPerRedemptionFen: 200 });
    const members = await q<{ customer_id: string; grp: string }>(sql`select customer_id, grp from campaign_members where campaign_id = ${c.id} order by rank`);
    const treated = members.filter((m) => m.grp === 'treated');
    const holdout = members.filter((m) => m.grp === 'holdout');
    // Purchases in the window: 30% of the treated, 10% of the held out, 100 yuan each.
    const buy = async (ids: string[]) => {
      for (const id of ids) {
        ok(await ctx.admin.post(`/api/v1/customers/${id}/transactions`, { type: 'purchase', amountFen: 10000, occurredAt: new Date(now.getTime() + 3_600_000).toISOString() }), 201);
      }
    };
    await buy(treated.slice(0, Math.round(treated.length * 0.3)).map((m) => m.customer_id));
    await buy(holdout.slice(0, Math.round(holdout.length * 0.1)).map((m) => m.customer_id));
    // Satisfaction in the window: complaints resolved and rated (treated 5 and 5, held out 2 and 1), and a survey's
    // CSAT answer given before a later rating (the later score counts) or alone.
    const rate = async (customerId: string, rating: number) => {
      const tk = ok(await ctx.admin.post('/api/v1/tickets', { title: '暖气不热', description: '卧室 15 度', type: 'complaint', customerId }), 201);
      const done = ok(await ctx.admin.post(`/api/v1/tickets/${tk.id}/resolve`, { rootCauseId, solution: '已调整阀门' }));
      ok(await ctx.anon.post(`/api/v1/public/tickets/${done.publicUrl.split('/').pop()}/rating`, { rating }));
    };
    const [t1, t2, t3] = treated.slice(-3).map((m) => m.customer_id);
    const [h1, h2, h3] = holdout.slice(-3).map((m) => m.customer_id);
    const survey = ok(await marketer.post('/api/v1/surveys', { name: '满意度回访', kind: 'csat', definition: { title: { zh: '满意度回访' }, questions: [{ id: 'q1', type: 'csat', text: { zh: '您满意吗？' }, required: true }] } }), 201);
    const csat = async (customerId: string, score: number, at: Date) =>
      q(sql`insert into survey_responses (survey_id, version_id, customer_id, status, csat, channel, completed_at)
            values (${survey.id}, ${survey.currentVersionId}, ${customerId}, 'complete', ${score}, 'sms', ${at.toISOString()}::timestamptz)`);
    await csat(t1!, 2, new Date(now.getTime() + 60_000));
    now = new Date(now.getTime() + 3_600_000);
    await rate(t1!, 5);
    await rate(t2!, 5);
    await rate(h1!, 2);
    await rate(h2!, 1);
    await csat(t3!, 4, now);
    await csat(h3!, 5, now);
    // Two treated members follow the tracked link of their SMS (one twice): opened and clicked, counted once each.
    await new MessageDelivery(ctx.database.db, testMessaging(() => now)).deliverDue({ batch: 500 });
    const sms = await q<{ id: string }>(sql`select id from messages where source_id = ${c.id} and status = 'sent' order by id limit 2`);
    expect(sms).toHaveLength(2);
    const secret = await signingSecret(ctx.database.db);
    for (const { id } of [sms[0]!, sms[0]!, sms[1]!]) {
      const follow = await ctx.app.inject({ method: 'GET', url: `/l/${trackingKey(secret, id)}/0` });
      expect(follow.headers.location).toBe('https://heat.example.com/winter');
    }
    now = new Date(now.getTime() + 2 * 86_400_000);
    const r = ok<CampaignResults>(await marketer.get(`/api/v1/campaigns/${c.id}/results`));
    expect(r.treated).toMatchObject({ opened: 2, clicked: 2 });
    expect(r.holdout).toMatchObject({ opened: 0, clicked: 0 });
    expect(r.treated).toMatchObject({ rated: 3, satisfied: 3, satisfiedRate: 1 });
    expect(r.holdout).toMatchObject({ rated: 3, satisfied: 1 });
    expect(r.satisfactionUplift!.diff).toBeCloseTo(1 - 1 / 3, 10);
    expect(r.satisfactionUplift!.lower).toBeLessThan(r.satisfactionUplift!.diff);
    const complaints = await q<{ grp: string; n: number }>(sql`
      select m.grp, count(distinct k.customer_id)::int as n from campaign_members m
      join tickets k on k.customer_id = m.customer_id and k.type = 'complaint' and k.deleted_at is null
        and k.created_at >= ${r.windowStart}::timestamptz and k.created_at < ${r.windowEnd}::timestamptz
      where m.campaign_id = ${c.id} group by m.grp`);
    expect(r.treated.complained).toBe(complaints.find((x) => x.grp === 'treated')?.n ?? 0);
    expect(r.holdout.complained).toBeGreaterThanOrEqual(2);
    // What the rows say, independently: purchases of the members in the window (any purchase counts, also the demo's).
    const facts = await q<{ grp: string; responded: number; revenue: string }>(sql`
      select m.grp, count(distinct t.customer_id)::int as responded, coalesce(sum(t.amount_fen), 0)::text as revenue
      from campaign_members m join transactions t on t.customer_id = m.customer_id and t.type = 'purchase' and t.deleted_at is null
        and t.occurred_at >= ${r.windowStart}::timestamptz and t.occurred_at < ${r.windowEnd}::timestamptz
      where m.campaign_id = ${c.id} group by m.grp`);
    const f = (g: string) => facts.find((x) => x.grp === g)!;
    expect(r.treated.reach).toBe(treated.length);
    expect(r.holdout.reach).toBe(holdout.length);
    expect(r.treated.responded).toBe(f('treated').responded);
    expect(r.holdout.responded).toBe(f('holdout').responded);
    expect(r.treated.revenueFen).toBe(Number(f('treated').revenue));
    const diff = r.treated.responded / r.treated.reach - r.holdout.responded / r.holdout.reach;
    expect(r.responseUplift!.diff).toBeCloseTo(diff, 10);
    expect(r.responseUplift!.lower).toBeLessThan(diff);
    expect(r.responseUplift!.upper).toBeGreaterThan(diff);
    expect(r.responseUplift!.lower).toBeGreaterThan(0); // 30% vs 10% on hundreds of households
    expect(r.revenueUplift!.lower).toBeGreaterThan(0);
    expect(r.incrementalRevenueFen).toBe(Math.round((r.treated.revenueFen / r.treated.reach - r.holdout.revenueFen / r.holdout.reach) * r.treated.reach));
    expect(r.costFen).toBe(r.messages.sent * 5);
    expect(r.roi).toBeCloseTo((r.incrementalMarginFen! - r.costFen) / r.costFen, 10);
    expect(r.goal).toMatchObject({ metric: 'repeat_purchase', target: 300, met: true });
    expect(r.tiers.reduce((s, t) => s + t.treated.reach, 0)).toBe(treated.length);
    expect(r.daily.length).toBeGreaterThanOrEqual(2);
    expect(r.daily.at(-1)!.treatedRate).toBeCloseTo(r.treated.responseRate, 10);
  });

  it('launches a scheduled campaign when its start comes, in the name of its owner', async () => {
    const start = new Date(now.getTime() + 3_600_000);
    const c = ok<CampaignView>(await marketer.post('/api/v1/campaigns', draft({ startsAt: start.toISOString(), offers: [] })), 201);
    const past = problemOf(await marketer.post(`/api/v1/campaigns/${c.id}/schedule`, { version: c.version + 5 }), 409);
    expect(past.errors[0]!.field).toBe('version');
    const s = ok<CampaignView>(await marketer.post(`/api/v1/campaigns/${c.id}/schedule`, { version: c.version }));
    expect(s.status).toBe('scheduled');
    expect(await ctx.database.db.transaction((tx) => launchDueCampaigns(tx, systemActor('system'), now))).toEqual([]);
    const runIds = await ctx.database.db.transaction((tx) => launchDueCampaigns(tx, systemActor('system'), new Date(start.getTime() + 1000)));
    expect(runIds).toHaveLength(1);
    const [row] = await q<{ status: string; requested_by: string }>(sql`select c.status, l.requested_by from campaigns c join campaign_launches l on l.campaign_id = c.id where c.id = ${c.id}`);
    expect(row).toEqual({ status: 'running', requested_by: marketer.userId });
  });
});
