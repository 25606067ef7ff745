/**
 * The home page's administration and satisfaction tiles (issue #17) through HTTP: accounts.users and imports.recent on
 * the administrator's board, messages.delivery on the administrator's and the manager's boards, surveys.satisfaction
 * on the manager's board. A fixture of users (one never signed in, one last signed in 10 days ago, one disabled),
 * imports through the API (one with a refused row, one that fails, one 10 days old, an upload never started),
 * messages through the outbox on the log channel (sent, held by consent, quiet hours and the weekly cap, one failing
 * provider, one 10 days old) and a survey with answers and invitations over the last months (plus a survey in the
 * trash, a partial answer, an anonymous one): every figure equals an SQL count written here and a number worked out
 * by hand. Data scope: an agent (own scope) given the system board sees only their own import, an account manager
 * given survey:manage only their own customers' satisfaction (roles changed through the API for the purpose). A user
 * without a tile's permission does not get the tile.
 */
import { rmSync } from 'node:fs';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { importFile, upload, waitFor } from '../../test/imports.js';
import { MessageDelivery } from '../messages/index.js';
import { surveyInvitations, surveyResponses } from '../surveys/schema.js';
import type { DashboardHome, DashboardTileView } from './index.js';

const DAY = 24 * 3600_000;
const ZONE_OFFSET = 8 * 3600_000; // Asia/Shanghai, the company's zone (no daylight saving)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The company's month (YYYY-MM) of an instant. */
const monthOf = (d: Date) => new Date(d.getTime() + ZONE_OFFSET).toISOString().slice(0, 7);
const hhmm = (ms: number) => new Date((((ms + ZONE_OFFSET) % DAY) + DAY) % DAY).toISOString().slice(11, 16);
/** NPS by hand: % promoters (9–10) − % detractors (0–6); null without answers. */
/** Equal figure by figure to 9 decimals (NPS is 100 × (p/n − d/n): the last bits may differ from 100 × (p − d) / n); nulls alike. */
function expectFigures(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual.map((v) => v === null)).toEqual(expected.map((v) => v === null));
  actual.forEach((v, i) => {
    if (v !== null) expect(v).toBeCloseTo(expected[i]!, 9);
  });
}
const npsByHand = (scores: number[]) => (scores.length ? (100 * (scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length)) / scores.length : null);

describe('home page: users, imports, messages and satisfaction tiles', () => {
  let ctx: TestContext;
  let manager: Client;
  let am: Client;
  let marketer: Client;
  let agent: Client;
  const ids: Record<string, string> = {};
  const imports: Record<string, string> = {};
  const started = Date.now();
  const ago = (days: number) => new Date(started - days * DAY);
  /** The answers of the fixture: [customer owner ('am' | 'admin' | null for anonymous), nps, csat, days ago]. */
  const answers: { owner: 'am' | 'admin' | null; nps: number; csat: number | null; days: number }[] = [
    { owner: 'am', nps: 10, csat: 5, days: 1 },
    { owner: 'am', nps: 9, csat: 4, days: 5 },
    { owner: 'admin', nps: 3, csat: 2, days: 10 },
    { owner: 'admin', nps: 9, csat: null, days: 20 },
    { owner: null, nps: 0, csat: 1, days: 30 },
    { owner: 'am', nps: 6, csat: 3, days: 100 }, // outside the 90 days, inside the chart's 6 months
    { owner: 'admin', nps: 10, csat: 5, days: 200 }, // outside both
  ];

  const q = async <T>(query: SQL): Promise<T[]> => rowsOf<T>(await ctx.database.db.execute(query));
  async function home(as: Client, board: string): Promise<DashboardHome | null> {
    const res = await as.get(`/api/v1/dashboards/home?board=${board}`);
    if (res.statusCode === 400) return null; // a board this user may not open, or has no tile on
    return ok<DashboardHome>(res);
  }
  async function tileOf(as: Client, board: string, key: string): Promise<DashboardTileView | undefined> {
    return (await home(as, board))?.tiles.find((t) => t.key === key);
  }
  const values = (tile: DashboardTileView | undefined) => tile!.stats.map((s) => s.value);

  async function deliverUntil(delivery: MessageDelivery, id: string, done: (status: string) => boolean): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await delivery.deliverDue();
      const m = ok<{ status: string }>(await ctx.admin.get(`/api/v1/messages/${id}`));
      if (m.status !== 'sending' && done(m.status)) return m.status;
      if (Date.now() > deadline) throw new Error(`message ${id} stayed ${m.status}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.database.db;

    // ---- users: four who signed in now, one never, one 10 days ago, one disabled ----
    manager = await ctx.newUser({ role: 'manager', username: 'dash.manager' });
    am = await ctx.newUser({ role: 'account_manager', username: 'dash.am' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'dash.marketer' });
    agent = await ctx.newUser({ role: 'agent', username: 'dash.agent' });
    const create = async (username: string, displayName: string, roleKey: string) =>
      ok<{ id: string }>(await ctx.admin.post('/api/v1/users', { username, displayName, password: 'Passw0rd!', roleKey }), 201).id;
    ids.idle = await create('dash.idle', '从未登录', 'viewer');
    ids.old = await create('dash.old', '很久没来', 'agent');
    await ctx.login('dash.old', 'Passw0rd!');
    await db.execute(sql`update users set last_login_at = now() - interval '10 days' where id = ${ids.old}`);
    ids.gone = await create('dash.gone', '已离职', 'agent');
    ok(await ctx.admin.patch(`/api/v1/users/${ids.gone}`, { active: false }));

    // ---- imports: 10 days old, one refused row, one failing, the manager's, and an upload never started ----
    const old = await importFile(ctx.admin, 'customers', '旧导入.csv', '姓名,手机号\n旧导入客户,13900001000\n');
    imports.old = old.preview.job.id;
    await db.execute(sql`update import_jobs set created_at = created_at - interval '10 days', started_at = started_at - interval '10 days' where id = ${imports.old}`);
    imports.partial = (await importFile(ctx.admin, 'customers', '部分导入.csv', '姓名,手机号\n导入甲,13900001001\n导入乙,12345\n导入丙,13900001003\n')).preview.job.id;
    const broken = await upload(ctx.admin, 'customers', '文件丢失.csv', '姓名,手机号\n导入丁,13900001004\n');
    imports.failed = broken.job.id;
    const [{ path } = { path: '' }] = await q<{ path: string }>(sql`select file_path as path from import_jobs where id = ${imports.failed}`);
    rmSync(path, { force: true }); // the file is gone before the job reads it: the job fails
    ok(await ctx.admin.post(`/api/v1/imports/${imports.failed}/start`, { mapping: broken.suggestedMapping }));
    expect((await waitFor(ctx.admin, imports.failed)).status).toBe('failed');
    imports.manager = (await importFile(manager, 'customers', '经理导入.csv', '姓名,手机号\n经理导入客户,13900001005\n')).preview.job.id;
    imports.agent = (await importFile(agent, 'customers', '客服导入.csv', '姓名,手机号\n客服导入客户,13900001007\n')).preview.job.id;
    imports.pending = (await upload(ctx.admin, 'customers', '未开始.csv', '姓名,手机号\n未开始客户,13900001006\n')).job.id;

    // ---- messages (quiet hours now on email only: 2 hours either side of now) ----
    const delivery = new MessageDelivery(db, { now: () => new Date(), kick: async () => {}, log: () => {}, fallbackUrl: 'http://localhost:3000' });
    ok(await ctx.admin.patch('/api/v1/message-settings', { quietHours: { start: hhmm(Date.now() - 2 * 3600_000), end: hhmm(Date.now() + 2 * 3600_000), channels: ['email'] } }));
    const send = async (customerId: string, body: Record<string, unknown>) => ok<{ id: string; status: string; reason: string | null }>(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, body), 201);
    const capped = await ctx.newCustomer({ name: '三条已发', phones: ['13900002001'], consent: { sms: true } });
    for (let i = 1; i <= 3; i++) {
      const m = await send(capped.id, { channel: 'sms', body: `{{name}}您好，第${i}条关怀` });
      expect(await deliverUntil(delivery, m.id, (s) => s === 'sent')).toBe('sent');
    }
    expect(await send(capped.id, { channel: 'sms', body: '{{name}}您好，第4条' })).toMatchObject({ status: 'suppressed', reason: 'frequency_cap' });
    const noConsent = await ctx.newCustomer({ name: '未同意短信', phones: ['13900002002'], consent: { email: true } });
    expect(await send(noConsent.id, { channel: 'sms', body: '{{name}}您好' })).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
    const quiet = await ctx.newCustomer({ name: '夜里收邮件', phones: ['13900002003'], email: 'quiet@example.com', consent: { email: true } });
    expect(await send(quiet.id, { channel: 'email', subject: '问候', body: '{{name}}您好' })).toMatchObject({ status: 'queued', reason: 'quiet_hours' });
    const oldOne = await ctx.newCustomer({ name: '十天前的短信', phones: ['13900002004'], consent: { sms: true } });
    const oldMessage = await send(oldOne.id, { channel: 'sms', category: 'transactional', body: '{{name}}您好，报修已受理' });
    expect(await deliverUntil(delivery, oldMessage.id, (s) => s === 'sent')).toBe('sent');
    await db.execute(sql`update messages set created_at = created_at - interval '10 days' where id = ${oldMessage.id}`);
    // A provider nobody answers, one attempt: the next SMS fails.
    ok(
      await ctx.admin.patch('/api/v1/message-settings', {
        sms: { adapter: 'aliyun', baseUrl: 'http://127.0.0.1:1', accessKeyId: 'LTAI-test', accessKeySecret: 'secret', signName: '测试热力', templateCode: 'SMS_000001' },
        retry: { maxAttempts: 1 },
      }),
    );
    const failing = await ctx.newCustomer({ name: '发送失败', phones: ['13900002005'], consent: { sms: true } });
    const failed = await send(failing.id, { channel: 'sms', category: 'transactional', body: '{{name}}您好，停暖通知' });
    expect(await deliverUntil(delivery, failed.id, (s) => s === 'failed')).toBe('failed');

    // ---- a survey with answers (customers of the account manager and of the admin, one anonymous) and invitations ----
    const definition = {
      title: { zh: '首页满意度' },
      questions: [
        { id: 'rec', type: 'nps', text: { zh: '推荐意愿' }, required: true },
        { id: 'sat', type: 'csat', text: { zh: '满意度' }, required: false },
      ],
    };
    const survey = ok<{ id: string; currentVersionId: string }>(await ctx.admin.post('/api/v1/surveys', { name: '首页满意度', kind: 'nps', definition }), 201);
    const customerOf = { am: [] as string[], admin: [] as string[] };
    for (let i = 0; i < 3; i++) customerOf.am.push((await ctx.newCustomer({ name: `经理客户${i + 1}`, phones: [`1390000400${i}`], ownerId: am.userId })).id as string);
    for (let i = 0; i < 3; i++) customerOf.admin.push((await ctx.newCustomer({ name: `公司客户${i + 1}`, phones: [`1390000410${i}`], ownerId: ctx.admin.userId })).id as string);
    const answer = (surveyId: string, versionId: string, a: { customerId: string | null; nps: number; csat: number | null; at: Date; status?: 'complete' | 'partial' }) =>
      db.insert(surveyResponses).values({
        surveyId,
        versionId,
        customerId: a.customerId,
        status: a.status ?? 'complete',
        answers: a.csat === null ? { rec: a.nps } : { rec: a.nps, sat: a.csat },
        nps: a.nps,
        csat: a.csat,
        channel: a.customerId ? 'sms' : 'qr',
        startedAt: a.at,
        completedAt: a.status === 'partial' ? null : a.at,
      });
    const n = { am: 0, admin: 0 };
    for (const a of answers) {
      const customerId = a.owner === null ? null : customerOf[a.owner][n[a.owner]++ % 3]!;
      await answer(survey.id, survey.currentVersionId, { customerId, nps: a.nps, csat: a.csat, at: ago(a.days) });
    }
    await answer(survey.id, survey.currentVersionId, { customerId: customerOf.am[2]!, nps: 0, csat: 1, at: ago(2), status: 'partial' }); // never counts
    const invite = (customerId: string, status: 'sent' | 'responded' | 'withdrawn', days: number) =>
      db.insert(surveyInvitations).values({ surveyId: survey.id, versionId: survey.currentVersionId, customerId, channel: 'sms', source: 'customer', status, expiresAt: new Date(started + 14 * DAY), createdAt: ago(days) });
    await invite(customerOf.am[0]!, 'responded', 2);
    await invite(customerOf.am[1]!, 'sent', 3);
    await invite(customerOf.admin[0]!, 'responded', 4);
    await invite(customerOf.admin[1]!, 'withdrawn', 5); // not counted
    await invite(customerOf.admin[2]!, 'responded', 120); // outside the 90 days
    // A survey in the trash: its answers count nowhere.
    const trashed = ok<{ id: string; currentVersionId: string }>(await ctx.admin.post('/api/v1/surveys', { name: '已删除的问卷', kind: 'nps', definition }), 201);
    await answer(trashed.id, trashed.currentVersionId, { customerId: customerOf.admin[0]!, nps: 0, csat: 1, at: ago(3) });
    expect((await ctx.admin.delete(`/api/v1/surveys/${trashed.id}`)).statusCode).toBe(204);
  }, 600_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('用户: enabled users, those signed in within 7 days, disabled ones; the 5 newest with their roles', async () => {
    const tile = await tileOf(ctx.admin, 'admin', 'accounts.users');
    expect(tile).toMatchObject({ title: '用户', link: '/admin/users', chart: null });
    const [bySql] = await q<{ active: number; recent: number; disabled: number }>(sql`
      select count(*) filter (where active)::int as active,
             count(*) filter (where active and last_login_at >= now() - interval '7 days')::int as recent,
             count(*) filter (where not active)::int as disabled
        from users`);
    expect(values(tile)).toEqual([bySql!.active, bySql!.recent, bySql!.disabled]);
    // By hand: admin, manager, account manager, marketer, agent (signed in now), the idle viewer and the one of 10 days ago.
    expect(values(tile)).toEqual([7, 5, 1]);
    expect(tile!.stats.map((s) => s.label)).toEqual(['启用的用户', '近 7 天登录', '已停用']);
    const newest = await q<{ id: string; name: string }>(sql`select id, display_name as name from users order by created_at desc, id desc limit 5`);
    expect(tile!.rows.map((r) => [r.id, r.label])).toEqual(newest.map((u) => [u.id, u.name]));
    expect(tile!.rows.map((r) => r.id)).toEqual([ids.gone, ids.old, ids.idle, agent.userId, marketer.userId]);
    expect(tile!.rows.map((r) => r.detail)).toEqual(['客服专员（已停用）', '客服专员', '只读用户', '客服专员', '运营/市场']);
    expect(tile!.rows.every((r) => r.link === '/admin/users')).toBe(true);
    // In the actor's language.
    const en = (await home(ctx.admin.lang('en'), 'admin'))!.tiles.find((t) => t.key === 'accounts.users')!;
    expect(en.title).toBe('Users');
  });

  it('最近导入: imports of the last 7 days, failed ones, rows refused; the 5 latest with status and counts', async () => {
    const tile = await tileOf(ctx.admin, 'admin', 'imports.recent');
    expect(tile).toMatchObject({ title: '最近导入', link: '/imports' });
    const [bySql] = await q<{ imports: number; failed: number; rejected: number }>(sql`
      select count(*)::int as imports, count(*) filter (where status = 'failed')::int as failed, coalesce(sum(rejected), 0)::int as rejected
        from import_jobs
       where created_at >= now() - interval '7 days' and status <> 'pending' and not (status = 'cancelled' and started_at is null and processed_rows = 0)`);
    expect(values(tile)).toEqual([bySql!.imports, bySql!.failed, bySql!.rejected]);
    // By hand: the partial one (1 row refused), the failed one, the manager's and the agent's; not the old one nor the
    // upload never started.
    expect(values(tile)).toEqual([4, 1, 1]);
    expect(tile!.stats.map((s) => s.tone)).toEqual(['default', 'danger', 'warning']);
    expect(tile!.rows.map((r) => [r.id, r.label, r.detail, r.tone, r.link])).toEqual([
      [imports.agent, '客服导入.csv', '已完成 · 新建 1 · 未导入 0', 'success', `/imports/${imports.agent}`],
      [imports.manager, '经理导入.csv', '已完成 · 新建 1 · 未导入 0', 'success', `/imports/${imports.manager}`],
      [imports.failed, '文件丢失.csv', '失败 · 新建 0 · 未导入 0', 'danger', `/imports/${imports.failed}`],
      [imports.partial, '部分导入.csv', '已完成 · 新建 2 · 未导入 1', 'success', `/imports/${imports.partial}`],
      [imports.old, '旧导入.csv', '已完成 · 新建 1 · 未导入 0', 'success', `/imports/${imports.old}`], // listed, though not counted
    ]);
    const [started] = await q<{ at: string | Date }>(sql`select started_at as at from import_jobs where id = ${imports.old}`);
    expect(tile!.rows[4]!.at).toBe(new Date(started!.at).toISOString());
    // Agents, given the system board (settings:manage), see their own imports only (own data scope), as in the list.
    const agentRole = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items.find((r) => r.key === 'agent')!;
    ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: [...agentRole.permissions, 'settings:manage'] }));
    const mine = await tileOf(agent, 'admin', 'imports.recent');
    expect(values(mine)).toEqual([1, 0, 0]);
    expect(mine!.rows.map((r) => r.id)).toEqual([imports.agent]);
    ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: agentRole.permissions }));
  });

  it('消息发送: sent, failed and held back by consent, quiet hours and the weekly cap in the last 7 days', async () => {
    const tile = await tileOf(ctx.admin, 'admin', 'messages.delivery');
    expect(tile).toMatchObject({ title: '消息发送', link: '/admin/outbox', rows: [], chart: null });
    const rows = await q<{ status: string; reason: string | null; n: number }>(sql`
      select status, reason, count(*)::int as n from messages where created_at >= now() - interval '7 days' group by status, reason`);
    const count = (status: string, reason: string | null = null) => rows.filter((r) => r.status === status && (reason === null || r.reason === reason)).reduce((s, r) => s + r.n, 0);
    expect(values(tile)).toEqual([count('sent'), count('failed'), count('suppressed', 'no_consent'), count('queued', 'quiet_hours'), count('suppressed', 'frequency_cap')]);
    // By hand: three sent (not the one of 10 days ago), one failed, one without consent, one in quiet hours, one over the cap.
    expect(values(tile)).toEqual([3, 1, 1, 1, 1]);
    expect(tile!.stats.map((s) => s.label)).toEqual(['已发送', '发送失败', '未同意接收', '免打扰等待中', '超出每周上限']);
    expect(tile!.stats[1]!.tone).toBe('danger');
    // On the manager's board for whoever manages messages (the marketer), with the same figures.
    expect(values(await tileOf(marketer, 'manager', 'messages.delivery'))).toEqual([3, 1, 1, 1, 1]);
  });

  it('满意度: NPS, CSAT and response rate of the last 90 days, NPS per month for 6 months; an account manager sees their customers only', async () => {
    const tile = await tileOf(manager, 'manager', 'surveys.satisfaction');
    expect(tile).toMatchObject({ title: '满意度', link: '/surveys', rows: [] });
    const headline = (scope: SQL) => q<{ pro: number; det: number; n: number; sat: number; cn: number }>(sql`
      select count(*) filter (where r.nps >= 9)::int as pro, count(*) filter (where r.nps <= 6)::int as det, count(r.nps)::int as n,
             count(*) filter (where r.csat >= 4)::int as sat, count(r.csat)::int as cn
        from survey_responses r join surveys s on s.id = r.survey_id
       where s.deleted_at is null and r.status = 'complete' and r.completed_at >= now() - interval '90 days' and ${scope}`);
    const invited = (scope: SQL) => q<{ invited: number; responded: number }>(sql`
      select count(*)::int as invited, count(*) filter (where i.status = 'responded')::int as responded
        from survey_invitations i join surveys s on s.id = i.survey_id
       where s.deleted_at is null and i.status <> 'withdrawn' and i.created_at >= now() - interval '90 days' and ${scope}`);
    const figures = async (scope: (col: SQL) => SQL) => {
      const [h] = await headline(scope(sql`r.customer_id`));
      const [i] = await invited(scope(sql`i.customer_id`));
      return [(100 * (h!.pro - h!.det)) / h!.n, (100 * h!.sat) / h!.cn, (100 * i!.responded) / i!.invited];
    };
    expectFigures(values(tile), await figures(() => sql`true`));
    // By hand: NPS [10, 9, 3, 9, 0] → (3 − 2) / 5 = 20; CSAT [5, 4, 2, 1] → 2 / 4 = 50%; invitations 2 answered of 3.
    expectFigures(values(tile), [20, 50, 200 / 3]);
    expect(tile!.stats.map((s) => s.unit)).toEqual(['score', 'percent', 'percent']);

    // The chart: the company's last 6 months, NPS of each (null without answers), each point drilling to /surveys.
    const months = await q<{ month: string }>(sql`
      select to_char(date_trunc('month', now() at time zone 'Asia/Shanghai') - make_interval(months => k), 'YYYY-MM') as month
        from generate_series(5, 0, -1) k`);
    expect(tile!.chart!.x).toEqual(months.map((m) => m.month));
    const perMonth = await q<{ month: string; pro: number; det: number; n: number }>(sql`
      select to_char(date_trunc('month', r.completed_at at time zone 'Asia/Shanghai'), 'YYYY-MM') as month,
             count(*) filter (where r.nps >= 9)::int as pro, count(*) filter (where r.nps <= 6)::int as det, count(r.nps)::int as n
        from survey_responses r join surveys s on s.id = r.survey_id
       where s.deleted_at is null and r.status = 'complete' group by 1`);
    const sqlSeries = tile!.chart!.x.map((m) => {
      const row = perMonth.find((p) => p.month === m);
      return row ? (100 * (row.pro - row.det)) / row.n : null;
    });
    const handSeries = tile!.chart!.x.map((m) => npsByHand(answers.filter((a) => monthOf(ago(a.days)) === m).map((a) => a.nps)));
    expect(tile!.chart!.series).toHaveLength(1);
    expectFigures(tile!.chart!.series[0]!.values, sqlSeries);
    expectFigures(tile!.chart!.series[0]!.values, handSeries);
    expect(tile!.chart!.series[0]!.values.filter((v) => v !== null).length).toBeGreaterThanOrEqual(2); // this month or last, and ~100 days ago
    expect(tile!.chart!.series[0]!.links).toEqual(Array(6).fill('/surveys'));

    // Account managers given survey:manage (so the management board): answers and invitations of their own customers
    // only (no anonymous answer).
    const amRole = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items.find((r) => r.key === 'account_manager')!;
    expect(await home(am, 'manager')).toBeNull(); // not before
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: [...amRole.permissions, 'survey:manage'] }));
    const mine = await tileOf(am, 'manager', 'surveys.satisfaction');
    expectFigures(values(mine), await figures((col) => sql`${col} in (select id from customers where owner_id = ${am.userId})`));
    // By hand: NPS [10, 9] → 100; CSAT [5, 4] → 100%; invitations 1 answered of 2 → 50%.
    expectFigures(values(mine), [100, 100, 50]);
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: amRole.permissions }));
  });

  it('a user without the permission does not get the tile', async () => {
    const keys = async (as: Client, board: string) => ((await home(as, board))?.tiles ?? []).map((t) => t.key);
    const mine = ['accounts.users', 'imports.recent', 'messages.delivery', 'surveys.satisfaction'];
    const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
    const permissionsOf = (key: string) => roles.find((r) => r.key === key)!.permissions;
    // The administrator has the system board's three, in order.
    expect((await keys(ctx.admin, 'admin')).filter((k) => mine.includes(k))).toEqual(['accounts.users', 'imports.recent', 'messages.delivery']);
    // The manager's board: the manager has satisfaction but not messages (no message:manage); the marketer both.
    expect((await keys(manager, 'manager')).filter((k) => mine.includes(k))).toEqual(['surveys.satisfaction']);
    expect((await keys(marketer, 'manager')).filter((k) => mine.includes(k))).toEqual(['surveys.satisfaction', 'messages.delivery']);
    // Read-only users given settings:manage open the system board, but without user:manage, customer:write and
    // message:manage they get none of these tiles.
    ok(await ctx.admin.patch('/api/v1/roles/viewer', { permissions: [...permissionsOf('viewer'), 'settings:manage'] }));
    const viewer = await ctx.login('dash.idle', 'Passw0rd!');
    const viewerHome = await home(viewer, 'admin');
    expect(viewerHome?.tiles.map((t) => t.key)).toEqual(['dashboards.system']);
    // The marketer without survey:read (and survey:manage): messages still, satisfaction no more.
    ok(await ctx.admin.patch('/api/v1/roles/marketer', { permissions: permissionsOf('marketer').filter((p) => !p.startsWith('survey:')) }));
    expect((await keys(marketer, 'manager')).filter((k) => mine.includes(k))).toEqual(['messages.delivery']);
  });
});
