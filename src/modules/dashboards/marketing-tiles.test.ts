/**
 * The home page's marketing tiles (issue #17) through HTTP: campaigns.running on the manager's board, segments.sizes
 * on the manager's and the account manager's boards. A fixture of customers (the account manager's and the company's,
 * one deleted), a dynamic segment refreshed through the API, two static lists (one empty) and one in the trash; a
 * campaign launched on that segment on the log channel whose treated members then all buy, a draft over the approval
 * limit, a draft within it, and campaigns put in other states by SQL (scheduled, ended 10 and 40 days ago,
 * cancelled). Every figure equals an SQL count written here and a number worked out by hand; the uplift equals the
 * results page's. The account manager's segment counts hold their own customers only.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { CampaignResults, CampaignView } from '../campaigns/index.js';
import type { DashboardHome, DashboardTileView } from './index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('home page: campaigns and segments tiles', { timeout: 300_000 }, () => {
  let ctx: TestContext;
  let am: Client;
  let marketer: Client;
  const seg: Record<string, string> = {};
  const cmp: Record<string, string> = {};

  const q = async <T>(query: SQL): Promise<T[]> => rowsOf<T>(await ctx.database.db.execute(query));
  async function tileOf(as: Client, board: string, key: string): Promise<DashboardTileView | undefined> {
    return ok<DashboardHome>(await as.get(`/api/v1/dashboards/home?board=${board}`)).tiles.find((t) => t.key === key);
  }
  const values = (tile: DashboardTileView | undefined) => tile!.stats.map((s) => s.value);

  beforeAll(async () => {
    ctx = await createTestContext();
    am = await ctx.newUser({ role: 'account_manager', username: 'mkt.am' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'mkt.marketer' });
    const c: Record<string, string> = {};
    const mk = async (name: string, compound: string, ownerId: string | null, phone: string) =>
      (c[name] = (await ctx.newCustomer({ name, phones: [phone], address: { city: '哈尔滨', compound }, consent: { sms: true }, ownerId })).id as string);
    // 幸福小区: three of the account manager's, six of the company's (one deleted after the refresh); 阳光小区: one of the account manager's.
    for (let i = 1; i <= 3; i++) await mk(`经理${i}`, '幸福小区', am.userId, `1390000500${i}`);
    for (let i = 1; i <= 6; i++) await mk(`公司${i}`, '幸福小区', ctx.admin.userId, `1390000510${i}`);
    await mk('阳光户', '阳光小区', am.userId, '13900005201');

    // ---- segments ----
    const create = async (body: Record<string, unknown>) => ok<{ id: string }>(await marketer.post('/api/v1/segments', body), 201).id;
    seg.dynamic = await create({ name: '幸福小区住户', rule: { field: 'customer.compound', op: 'eq', value: '幸福小区' } });
    const run = ok<{ id: string }>(await marketer.post(`/api/v1/segments/${seg.dynamic}/refresh`), 202);
    for (let k = 0; ; k++) {
      const r = ok<{ status: string }>(await marketer.get(`/api/v1/segments/refreshes/${run.id}`));
      if (r.status === 'done') break;
      if (['failed', 'cancelled'].includes(r.status) || k > 3000) throw new Error(`refresh: ${r.status}`);
      await sleep(100);
    }
    expect(ok<{ memberCount: number }>(await marketer.get(`/api/v1/segments/${seg.dynamic}`)).memberCount).toBe(9);
    seg.list = await create({ name: '重点回访名单', kind: 'static' });
    ok(await marketer.post(`/api/v1/segments/${seg.list}/members`, { customerIds: [c['经理1'], c['阳光户'], c['公司1']] }));
    seg.empty = await create({ name: '空名单', kind: 'static' });
    seg.trashed = await create({ name: '已删除名单', kind: 'static' });
    ok(await marketer.post(`/api/v1/segments/${seg.trashed}/members`, { customerIds: [c['公司1'], c['公司2'], c['公司3'], c['公司4']] }));
    expect((await marketer.delete(`/api/v1/segments/${seg.trashed}`)).statusCode).toBe(204);
    expect((await ctx.admin.delete(`/api/v1/customers/${c['公司6']}`)).statusCode).toBe(204); // still a member row, no longer counted

    // ---- campaigns ----
    const tpl = ok<{ id: string }>(await ctx.admin.post('/api/v1/message-templates', { name: '首页测试短信', channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，冬季回馈。' }), 201);
    const draft = async (name: string, over: Record<string, unknown> = {}) =>
      ok<CampaignView>(await marketer.post('/api/v1/campaigns', { name, goal: 'repeat_purchase', segmentId: seg.dynamic, templateIds: [tpl.id], holdoutBp: 2500, ...over }), 201);
    const launched = await draft('冬季回馈');
    ok(await marketer.post(`/api/v1/campaigns/${launched.id}/launch`, { version: launched.version }), 202);
    for (let k = 0; ; k++) {
      const v = ok<CampaignView>(await marketer.get(`/api/v1/campaigns/${launched.id}`));
      if (v.launch && ['done', 'failed', 'cancelled'].includes(v.launch.status)) {
        expect(v.launch.status).toBe('done');
        expect(v.status).toBe('running');
        break;
      }
      if (k > 3000) throw new Error('launch did not finish');
      await sleep(100);
    }
    cmp.launched = launched.id;
    // Every treated member buys after the launch; no held-out one does.
    const treated = await q<{ id: string }>(sql`select customer_id as id from campaign_members where campaign_id = ${launched.id} and grp = 'treated'`);
    for (const t of treated) {
      ok(await ctx.admin.post(`/api/v1/customers/${t.id}/transactions`, { occurredAt: new Date().toISOString(), type: 'purchase', amountFen: 10_000 }), 201);
    }
    cmp.approval = (await draft('大额草稿', { budgetFen: 5_000_000 })).id; // over the ¥10,000 limit: awaiting approval
    cmp.draft = (await draft('普通草稿', { budgetFen: 100_000 })).id;
    cmp.scheduled = (await draft('已排期活动')).id;
    cmp.ended = (await draft('十天前结束')).id;
    cmp.endedLong = (await draft('四十天前结束')).id;
    cmp.cancelled = (await draft('已取消活动')).id;
    const db = ctx.database.db;
    await db.execute(sql`update campaigns set status = 'scheduled', starts_at = now() + interval '1 day' where id = ${cmp.scheduled}`);
    await db.execute(sql`update campaigns set status = 'ended', launched_at = now() - interval '40 days', ends_at = now() - interval '10 days', ended_at = now() - interval '10 days' where id = ${cmp.ended}`);
    await db.execute(sql`update campaigns set status = 'ended', launched_at = now() - interval '70 days', ends_at = now() - interval '40 days', ended_at = now() - interval '40 days' where id = ${cmp.endedLong}`);
    await db.execute(sql`update campaigns set status = 'cancelled', launched_at = now() - interval '5 days', cancelled_at = now() where id = ${cmp.cancelled}`);
  }, 600_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('营销活动: running, scheduled, awaiting approval; the latest running or recently ended with their response uplift', async () => {
    const tile = await tileOf(ctx.admin, 'manager', 'campaigns.running');
    expect(tile).toMatchObject({ title: '营销活动', link: '/campaigns', chart: null });
    const [bySql] = await q<{ running: number; scheduled: number; approval: number }>(sql`
      select count(*) filter (where status = 'running')::int as running,
             count(*) filter (where status = 'scheduled')::int as scheduled,
             count(*) filter (where status in ('draft', 'scheduled') and approved_at is null and budget_fen > 1000000)::int as approval
        from campaigns where deleted_at is null`);
    expect(values(tile)).toEqual([bySql!.running, bySql!.scheduled, bySql!.approval]);
    expect(values(tile)).toEqual([1, 1, 1]); // by hand: 冬季回馈; 已排期活动; 大额草稿
    expect(tile!.stats.map((s) => [s.label, s.tone, s.link])).toEqual([
      ['进行中', 'default', '/campaigns'],
      ['已排期', 'default', '/campaigns'],
      ['待审批', 'warning', '/campaigns'],
    ]);
    // Rows: the running one (launched now), then the one ended 10 days ago; not the one ended 40 days ago, nor the cancelled one.
    expect(tile!.rows.map((r) => [r.id, r.label, r.link])).toEqual([
      [cmp.launched, '冬季回馈', `/campaigns/${cmp.launched}`],
      [cmp.ended, '十天前结束', `/campaigns/${cmp.ended}`],
    ]);
    // The uplift is the results page's: 8 live members drawn (the deleted customer is not), ⌊8 × 25%⌋ = 2 held out,
    // every treated one bought → 6/6 − 0/2 = +100 points, the interval above 0.
    const [groups] = await q<{ treated: number; holdout: number; bought: number; heldBought: number }>(sql`
      select count(*) filter (where m.grp = 'treated')::int as treated, count(*) filter (where m.grp = 'holdout')::int as holdout,
             count(*) filter (where m.grp = 'treated' and exists (select 1 from transactions t where t.customer_id = m.customer_id and t.type = 'purchase'))::int as bought,
             count(*) filter (where m.grp = 'holdout' and exists (select 1 from transactions t where t.customer_id = m.customer_id and t.type = 'purchase'))::int as "heldBought"
        from campaign_members m where m.campaign_id = ${cmp.launched}`);
    expect(groups).toEqual({ treated: 6, holdout: 2, bought: 6, heldBought: 0 });
    const results = ok<CampaignResults>(await marketer.get(`/api/v1/campaigns/${cmp.launched}/results`));
    const u = results.responseUplift!;
    expect(u.diff).toBeCloseTo(1, 12);
    expect(u.lower).toBeGreaterThan(0);
    const pts = (x: number) => {
      const v = Math.round(x * 1000) / 10;
      return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}`;
    };
    expect(tile!.rows[0]!.detail).toBe(`响应率提升 ${pts(u.diff)} 个百分点（95% 区间 ${pts(u.lower)} ~ ${pts(u.upper)}）`);
    expect(tile!.rows[0]!.detail).toMatch(/^响应率提升 \+100\.0 个百分点（95% 区间 \+\d+\.\d ~ \+100\.0）$/);
    expect(tile!.rows[0]!.tone).toBe('success');
    // The SQL-ended campaign has no members: no result yet.
    expect(tile!.rows[1]).toMatchObject({ detail: '暂无结果', tone: 'default' });
    const en = await tileOf(ctx.admin.lang('en'), 'manager', 'campaigns.running');
    expect(en!.title).toBe('Campaigns');
    expect(en!.rows[1]!.detail).toBe('No results yet');
    expect(en!.rows[0]!.detail).toMatch(/^Response uplift \+100\.0 pts \(95% interval \+\d+\.\d to \+100\.0\)$/);
    // The marketer (campaign:read) sees the same figures; the account manager has no management board.
    expect(values(await tileOf(marketer, 'manager', 'campaigns.running'))).toEqual([1, 1, 1]);
    expect((await am.get('/api/v1/dashboards/home?board=manager')).statusCode).toBe(400);
  });

  it('客户细分: segments and dynamic ones; the largest by current members in the actor’s scope', async () => {
    const counts = (scope: SQL) => q<{ id: string; name: string; n: number }>(sql`
      select s.id, s.name, count(c.id)::int as n
        from segments s
        left join segment_members m on m.segment_id = s.id and m.exited_at is null
        left join customers c on c.id = m.customer_id and c.deleted_at is null and ${scope}
       where s.deleted_at is null
       group by s.id, s.name
       order by n desc, s.name, s.id`);
    const [bySql] = await q<{ n: number; dynamic: number }>(sql`select count(*)::int as n, count(*) filter (where kind = 'dynamic')::int as dynamic from segments where deleted_at is null`);

    const tile = await tileOf(ctx.admin, 'manager', 'segments.sizes');
    expect(tile).toMatchObject({ title: '客户细分', link: '/segments', chart: null });
    expect(values(tile)).toEqual([bySql!.n, bySql!.dynamic]);
    expect(values(tile)).toEqual([3, 1]); // by hand: 幸福小区住户 (dynamic), 重点回访名单, 空名单; not the one in the trash
    const all = await counts(sql`true`);
    expect(tile!.rows.map((r) => [r.id, r.label, r.detail])).toEqual(all.slice(0, 5).map((s) => [s.id, s.name, `${s.n} 位成员`]));
    // By hand: 8 (9 refreshed, one deleted since), 3, 0.
    expect(tile!.rows.map((r) => [r.id, r.detail, r.link])).toEqual([
      [seg.dynamic, '8 位成员', `/segments/${seg.dynamic}`],
      [seg.list, '3 位成员', `/segments/${seg.list}`],
      [seg.empty, '0 位成员', `/segments/${seg.empty}`],
    ]);
    const en = await tileOf(ctx.admin.lang('en'), 'manager', 'segments.sizes');
    expect(en!.rows.map((r) => r.detail)).toEqual(['8 members', '3 members', '0 members']);

    // The account manager, on their own board: their own customers only (3 in 幸福小区; 经理1 and 阳光户 on the list).
    const mine = await tileOf(am, 'account', 'segments.sizes');
    expect(values(mine)).toEqual([3, 1]);
    const own = await counts(sql`c.owner_id = ${am.userId}`);
    expect(mine!.rows.map((r) => [r.id, r.detail])).toEqual(own.slice(0, 5).map((s) => [s.id, `${s.n} 位成员`]));
    expect(mine!.rows.map((r) => [r.id, r.detail])).toEqual([
      [seg.dynamic, '3 位成员'],
      [seg.list, '2 位成员'],
      [seg.empty, '0 位成员'],
    ]);
    // As the segment's member list counts them for the account manager.
    expect(ok<{ total: number }>(await am.get(`/api/v1/segments/${seg.list}/members`)).total).toBe(2);
  });
});
