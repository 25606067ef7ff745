/**
 * Care: return-visit plans (interval and after a repair) create 回访 tasks for the owner (or the fallback), one open
 * task per plan and customer, the next one interval days after the last contact; completing one logs the contact;
 * the coverage report lists the overdue. Care rules: a birthday rule yields exactly one task and message per customer
 * per year across repeated runs, a rebuilt app and two apps racing on one database; catch-up after downtime; tier
 * variations; quiet hours, the weekly cap and SMS consent hold; the preview lists who gets what on which day.
 */
import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { rowsOf } from '../../platform/db/client.js';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { addDays } from './festivals.js';
import { ok } from '../../test/http.js';

const DAY = 86_400_000;
/** The Shanghai calendar day of an instant. */
const shanghaiDay = (at: Date | string) => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
/** An instant at a Shanghai wall-clock time on a day. */
const shanghai = (day: string, time: string) => new Date(`${day}T${time}+08:00`);

describe('care', () => {
  // The clock starts at real time (interactions may not be in the future), 10:00 in Shanghai.
  const today = shanghaiDay(new Date());
  let now = shanghai(today, '10:00:00');
  const clock = () => now;
  let ctx: TestContext;
  let am: Client;
  let am2: Client;
  let smsTpl: string;
  let emailTpl: string;

  const q = async <T = Record<string, any>>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));
  const run = async (as: Client = ctx.admin) => ok(await as.post('/api/v1/care/run', {}));
  const md = (day: string) => day.slice(5);
  const birthdayOn = (day: string) => (md(day) === '02-29' ? '1992-02-29' : `1990-${md(day)}`);
  const tasksOf = (customerId: string, type = 'care') => q<{ id: string; title: string; assignee_id: string; due_at: Date; status: string }>(
    sql`select id, title, assignee_id, due_at, status from tasks where customer_id = ${customerId} and type = ${type} order by created_at`,
  );
  const messagesOf = (customerId: string) =>
    q<{ id: string; channel: string; status: string; reason: string | null; next_attempt_at: Date | null; body: string }>(
      sql`select id, channel, status, reason, next_attempt_at, body from messages where customer_id = ${customerId} order by created_at`,
    );

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    am = await ctx.newUser({ role: 'account_manager' });
    am2 = await ctx.newUser({ role: 'manager' });
    smsTpl = ok(await ctx.admin.post('/api/v1/message-templates', { name: '生日短信', channel: 'sms', category: 'care', bodyZh: '{{name}}，祝您生日快乐！' }), 201).id;
    emailTpl = ok(
      await ctx.admin.post('/api/v1/message-templates', { name: '生日邮件', channel: 'email', category: 'care', subjectZh: '生日快乐', bodyZh: '尊敬的{{name}}，祝您生日快乐！' }),
      201,
    ).id;
  });
  afterAll(() => ctx.close());

  describe('care rules', () => {
    let a: Record<string, any>;
    let b: Record<string, any>;
    let c: Record<string, any>;
    let rule: Record<string, any>;

    it('a birthday rule: one task and one SMS per customer, owner or fallback; no SMS without consent', async () => {
      a = await ctx.newCustomer({ name: '生日甲', phones: ['13800138001'], birthday: birthdayOn(today), ownerId: am.userId, consent: { sms: true } });
      b = await ctx.newCustomer({ name: '生日乙', phones: ['13800138002'], birthday: birthdayOn(addDays(today, 1)), ownerId: null, consent: { sms: true } });
      c = await ctx.newCustomer({ name: '生日丙', phones: ['13800138003'], birthday: birthdayOn(today), ownerId: am.userId, consent: { sms: false } });
      rule = ok(
        await ctx.admin.post('/api/v1/care/rules', {
          name: '生日关怀',
          occasion: 'birthday',
          daysBefore: 0,
          actions: [{ taskTitle: '生日问候电话', templateId: smsTpl }],
          fallbackUserId: am2.userId,
        }),
        201,
      );
      const first = await run();
      expect(first).toMatchObject({ today, tasks: 2, messages: 1, suppressed: 1, errors: 0 });
      const [ta] = await tasksOf(a.id);
      expect(ta).toMatchObject({ title: '生日问候电话', assignee_id: am.userId, status: 'open' });
      expect(await messagesOf(a.id)).toEqual([expect.objectContaining({ channel: 'sms', body: expect.stringContaining('生日甲，祝您生日快乐！') })]);
      expect(await messagesOf(c.id)).toEqual([expect.objectContaining({ status: 'suppressed', reason: 'no_consent' })]);
      expect(await tasksOf(b.id)).toEqual([]);
    });

    it('runs again, after a restart and on the next days: still exactly one per customer and year; the fallback takes ownerless customers', async () => {
      expect(await run()).toMatchObject({ tasks: 0, messages: 0, skipped: 2 });
      // A restarted server: a new app on the same database, its own schedule running at start.
      const app2 = await buildApp({ config: ctx.config, database: ctx.database, logger: false, clock });
      await app2.ready();
      const admin2 = await new Client(app2).post('/api/v1/auth/login', { login: 'admin', password: 'Admin1234' });
      const body = admin2.json() as { csrfToken: string };
      const client2 = new Client(app2, String(admin2.headers['set-cookie']).split(';')[0]!, body.csrfToken);
      expect(ok(await client2.post('/api/v1/care/run', {}))).toMatchObject({ tasks: 0, skipped: 2 });
      await app2.close();

      now = shanghai(addDays(today, 1), '09:00:00');
      expect(await run()).toMatchObject({ tasks: 1, messages: 1, skipped: 2 });
      expect(await tasksOf(b.id)).toEqual([expect.objectContaining({ assignee_id: am2.userId })]);
      for (const x of [a, b, c]) expect((await tasksOf(x.id)).length).toBe(1);
      expect((await messagesOf(a.id)).length).toBe(1);

      // A year later the birthday comes round again: one more each.
      now = shanghai(addDays(today, 365), '09:00:00');
      const nextYear = await run();
      expect(nextYear.tasks).toBeGreaterThanOrEqual(2);
      expect((await tasksOf(a.id)).length).toBe(2);
      expect((await run()).tasks).toBe(0);
      now = shanghai(today, '10:00:00');
    });

    it('catches up after downtime: a birthday two days ago is still handled, once', async () => {
      const day = addDays(today, 10);
      const d = await ctx.newCustomer({ name: '生日丁', phones: ['13800138004'], birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true } });
      now = shanghai(addDays(day, 2), '08:30:00');
      expect((await run()).tasks).toBeGreaterThanOrEqual(1);
      expect((await tasksOf(d.id)).length).toBe(1);
      now = shanghai(addDays(day, 3), '08:30:00');
      await run();
      expect((await tasksOf(d.id)).length).toBe(1);
      now = shanghai(today, '10:00:00');
    });

    it('two apps racing the same run on one database create each task and message once', async () => {
      const day = addDays(today, 20);
      const many = [];
      for (let i = 0; i < 12; i++) {
        many.push(await ctx.newCustomer({ name: `并发${i}`, phones: [`1390013${String(i).padStart(4, '0')}`], birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true } }));
      }
      now = shanghai(day, '10:00:00');
      const apps = await Promise.all([0, 1].map(() => buildApp({ config: ctx.config, database: ctx.database, logger: false, clock })));
      const clients = await Promise.all(
        apps.map(async (app) => {
          const res = await new Client(app).post('/api/v1/auth/login', { login: 'admin', password: 'Admin1234' });
          return new Client(app, String(res.headers['set-cookie']).split(';')[0]!, (res.json() as { csrfToken: string }).csrfToken);
        }),
      );
      const results = await Promise.all(clients.map((cl) => cl.post('/api/v1/care/run', {}).then((r) => ok(r))));
      await Promise.all(apps.map((app) => app.close()));
      expect(results[0].tasks + results[1].tasks).toBe(12);
      expect(results[0].errors + results[1].errors).toBe(0);
      const ids = many.map((m) => m.id);
      const counts = await q<{ n: number; m: number }>(
        sql`select (select count(*)::int from tasks where customer_id = any(${`{${ids.join(',')}}`}::uuid[])) as n,
                   (select count(*)::int from messages where customer_id = any(${`{${ids.join(',')}}`}::uuid[])) as m`,
      );
      expect(counts[0]).toEqual({ n: 12, m: 12 });
      now = shanghai(today, '10:00:00');
    });

    it('quiet hours and the weekly cap hold for care messages', async () => {
      const day = addDays(today, 30);
      const quiet = await ctx.newCustomer({ name: '夜间客户', phones: ['13700137001'], birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true } });
      const capped = await ctx.newCustomer({ name: '封顶客户', phones: ['13700137002'], birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true } });
      now = shanghai(addDays(day, -1), '12:00:00');
      for (let i = 0; i < 3; i++) ok(await ctx.admin.post(`/api/v1/customers/${capped.id}/messages`, { channel: 'sms', body: `本周关怀 ${i}` }), 201);
      now = shanghai(day, '22:00:00');
      await run();
      const [m] = await messagesOf(quiet.id);
      expect(m).toMatchObject({ status: 'queued', reason: 'quiet_hours' });
      expect(new Date(m!.next_attempt_at!).toISOString()).toBe(shanghai(addDays(day, 1), '08:00:00').toISOString());
      const last = (await messagesOf(capped.id)).at(-1);
      expect(last).toMatchObject({ status: 'suppressed', reason: 'frequency_cap' });
      now = shanghai(today, '10:00:00');
    });

    it('tier variations: high-value customers get a gift task and an email, others an SMS', async () => {
      const day = addDays(today, 40);
      const vip = await ctx.newCustomer({ name: '高价值客户', phones: ['13600136001'], email: 'vip@example.com', birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true, email: true } });
      const plain = await ctx.newCustomer({ name: '普通客户', phones: ['13600136002'], birthday: birthdayOn(day), ownerId: am.userId, consent: { sms: true } });
      await setTier(vip.id, 'high');
      await setTier(plain.id, 'low');
      ok(
        await ctx.admin.post('/api/v1/care/rules', {
          name: '分层生日关怀',
          occasion: 'birthday',
          audience: { tiers: ['high', 'low'] },
          daysBefore: 3,
          actions: [{ tiers: ['high'], taskTitle: '送礼品', templateId: emailTpl }, { templateId: smsTpl }],
        }),
        201,
      );
      now = shanghai(addDays(day, -10), '10:00:00');
      const preview = ok(await ctx.admin.post('/api/v1/care/rules/preview', { occasion: 'birthday', audience: { tiers: ['high'] }, daysBefore: 3, actions: [{ taskTitle: '送礼品' }] }));
      now = shanghai(addDays(day, -3), '10:00:00');
      expect(await run()).toMatchObject({ errors: 0 });
      expect((await tasksOf(vip.id)).map((t) => t.title)).toEqual(expect.arrayContaining(['送礼品']));
      expect((await messagesOf(vip.id)).map((m) => m.channel)).toEqual(expect.arrayContaining(['email']));
      expect((await tasksOf(plain.id)).map((t) => t.title)).not.toContain('送礼品');
      expect((await messagesOf(plain.id)).map((m) => m.channel)).toContain('sms');
      expect(preview.items).toEqual(expect.arrayContaining([expect.objectContaining({ customerName: '高价值客户', occasionDate: day, sendDate: addDays(day, -3), tier: 'high', taskTitle: '送礼品' })]));
      now = shanghai(today, '10:00:00');
    });

    it('the preview shows festival dates and who would get a festival greeting', async () => {
      now = shanghai('2026-09-01', '10:00:00');
      const p = ok(await ctx.admin.post('/api/v1/care/rules/preview', { occasion: 'mid_autumn', audience: { tags: ['中秋测试'] }, daysBefore: 2, actions: [{ templateId: smsTpl }] }));
      expect(p.festivalDates).toEqual(expect.arrayContaining([{ festival: 'mid_autumn', date: '2026-09-25' }, { festival: 'teachers_day', date: '2026-09-10' }]));
      now = shanghai(today, '10:00:00');
    });

    it('a customer who keeps a lunar birthday is greeted on it (八月十五 = 2026-09-25), not on the solar date', async () => {
      const lunar = await ctx.newCustomer({
        name: '农历生日',
        phones: ['13800138099'],
        birthday: '1970-09-01',
        lunarBirthday: { month: 8, day: 15, leap: false },
        ownerId: am.userId,
        consent: { sms: true },
      });
      now = shanghai('2026-09-01', '10:00:00');
      await run();
      expect(await tasksOf(lunar.id)).toEqual([]);
      now = shanghai('2026-09-25', '10:00:00');
      await run();
      expect((await tasksOf(lunar.id)).map((t) => t.title)).toEqual(['生日问候电话']);
      await run();
      expect((await tasksOf(lunar.id)).length).toBe(1);
      now = shanghai(today, '10:00:00');
    });

    it('a lunar birthday on the 30th falls on the 29th when the month has only 29 days; a 闰月 birth counts in the ordinary month', async () => {
      // 2026: the eighth and seventh lunar months have 29 days, the sixth has 30 (checked with lunar-javascript).
      const { LunarYear, Lunar } = createRequire(import.meta.url)('lunar-javascript');
      const days = (m: number) => LunarYear.fromYear(2026).getMonths().find((x: any) => x.getYear() === 2026 && x.getMonth() === m).getDayCount();
      expect([days(6), days(7), days(8)]).toEqual([30, 29, 29]);
      const solar = (m: number, d: number) => Lunar.fromYmd(2026, m, d).getSolar().toYmd() as string;
      expect([solar(6, 29), solar(6, 30), solar(7, 29), solar(8, 29)]).toEqual(['2026-08-11', '2026-08-12', '2026-09-10', '2026-10-09']);
      const born = (name: string, phone: string, month: number, leap: boolean) =>
        ctx.newCustomer({ name, phones: [phone], lunarBirthday: { month, day: 30, leap }, ownerId: am.userId, consent: { sms: true } });
      const aug30 = await born('八月三十', '13800138101', 8, false);
      const leap30 = await born('闰七月三十', '13800138102', 7, true);
      const jun30 = await born('六月三十', '13800138103', 6, false);
      const greeted = async () => ({
        aug30: (await tasksOf(aug30.id)).length,
        leap30: (await tasksOf(leap30.id)).length,
        jun30: (await tasksOf(jun30.id)).length,
      });
      // 六月廿九: the sixth month has a 30th, so nobody born on the 30th is greeted yet; on 六月三十 they are.
      now = shanghai('2026-08-11', '10:00:00');
      await run();
      expect(await greeted()).toEqual({ aug30: 0, leap30: 0, jun30: 0 });
      now = shanghai('2026-08-12', '10:00:00');
      await run();
      expect(await greeted()).toEqual({ aug30: 0, leap30: 0, jun30: 1 });
      // 七月廿九 is the seventh month's last day: the 闰七月三十 birth is greeted on it.
      now = shanghai('2026-09-09', '10:00:00');
      await run();
      expect((await greeted()).leap30).toBe(0);
      now = shanghai('2026-09-10', '10:00:00');
      await run();
      expect(await greeted()).toEqual({ aug30: 0, leap30: 1, jun30: 1 });
      // 八月廿九 likewise for 八月三十, and once only: the next days (catch-up) add nothing.
      now = shanghai('2026-10-09', '10:00:00');
      await run();
      expect(await greeted()).toEqual({ aug30: 1, leap30: 1, jun30: 1 });
      expect((await tasksOf(aug30.id)).map((t) => [t.title, shanghaiDay(t.due_at)])).toEqual([['生日问候电话', '2026-10-09']]);
      now = shanghai('2026-10-10', '10:00:00');
      await run();
      expect(await greeted()).toEqual({ aug30: 1, leap30: 1, jun30: 1 });
      now = shanghai(today, '10:00:00');
    });

    it('validates rules in the caller’s language and needs care:manage', async () => {
      const zh = ok(await ctx.admin.post('/api/v1/care/rules', { name: '空动作', occasion: 'birthday', actions: [{}] }), 400);
      expect(zh.errors[0]).toMatchObject({ field: 'actions.0', message: '每个动作至少要有一项：关怀任务或消息模板' });
      const en = ok(await ctx.admin.lang('en').post('/api/v1/care/rules', { name: '空动作', occasion: 'birthday', actions: [{}] }), 400);
      expect(en.errors[0].message).toBe('Each action needs a care task or a message template');
      // A template must exist and not be archived, whichever action names it.
      const archived = ok(await ctx.admin.post('/api/v1/message-templates', { name: '已归档短信', channel: 'sms', category: 'care', bodyZh: '您好' }), 201).id;
      expect((await ctx.admin.delete(`/api/v1/message-templates/${archived}`)).statusCode).toBe(204);
      for (const templateId of [archived, '00000000-0000-4000-8000-000000000000']) {
        const bad = ok(await ctx.admin.post('/api/v1/care/rules', { name: '坏模板', occasion: 'birthday', actions: [{ templateId: smsTpl }, { templateId }] }), 400);
        expect(bad.errors[0].field).toBe('actions.1.templateId');
      }
      expect((await am.post('/api/v1/care/run', {})).statusCode).toBe(403);
      expect((await am.get('/api/v1/care/rules')).statusCode).toBe(403);
      expect(rule.id).toBeTruthy();
    });
  });

  async function setTier(customerId: string, tier: string): Promise<void> {
    // Whatever the analytics table requires, filled with neutral values; the tier is what counts here.
    const cols = await q<{ column_name: string; data_type: string }>(
      sql`select column_name, data_type from information_schema.columns where table_name = 'analytics_customer_current' and is_nullable = 'NO' and column_default is null`,
    );
    const value = (name: string, type: string) => {
      if (name === 'customer_id') return sql`${customerId}::uuid`;
      if (name === 'value_tier') return sql`${tier}`;
      if (type === 'uuid') return sql`gen_random_uuid()`;
      if (type === 'date') return sql`current_date`;
      if (type.startsWith('timestamp')) return sql`now()`;
      if (type === 'jsonb' || type === 'json') return sql`'[]'::jsonb`;
      if (type === 'boolean') return sql`false`;
      if (type === 'text' || type.startsWith('character')) return sql`'x'`;
      if (type === 'ARRAY') return sql`'{}'`;
      return sql`0`;
    };
    await ctx.database.db.execute(
      sql`insert into analytics_customer_current (${sql.raw(cols.map((c) => `"${c.column_name}"`).join(', '))}) values (${sql.join(
        cols.map((c) => value(c.column_name, c.data_type)),
        sql`, `,
      )})`,
    );
  }

  describe('return-visit plans', () => {
    let plan: Record<string, any>;
    let v1: Record<string, any>;
    let v2: Record<string, any>;

    it('an interval plan creates one open 回访 task per customer, for the owner (or the fallback)', async () => {
      now = shanghai(today, '10:00:00');
      v1 = await ctx.newCustomer({ name: '回访甲', phones: ['13500135001'], tags: ['VIP'], ownerId: am.userId });
      v2 = await ctx.newCustomer({ name: '回访乙', phones: ['13500135002'], tags: ['VIP'], ownerId: null });
      plan = ok(
        await ctx.admin.post('/api/v1/care/plans', { name: 'VIP 月度回访', kind: 'interval', audience: { tags: ['VIP'] }, intervalDays: 30, taskTitle: 'VIP 月度回访', fallbackUserId: am2.userId }),
        201,
      );
      const res = ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id }));
      expect(res).toMatchObject({ tasks: 2, errors: 0 });
      expect(await tasksOf(v1.id, 'return_visit')).toEqual([expect.objectContaining({ title: 'VIP 月度回访', assignee_id: am.userId, status: 'open' })]);
      expect(await tasksOf(v2.id, 'return_visit')).toEqual([expect.objectContaining({ assignee_id: am2.userId })]);
      expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id }))).toMatchObject({ tasks: 0 });
    });

    it('completing the visit logs its outcome; the next visit is due interval days after it', async () => {
      const [task] = await tasksOf(v1.id, 'return_visit');
      ok(await am.post(`/api/v1/tasks/${task!.id}/complete`, { result: '客户对供暖满意', interaction: { channel: 'call', outcome: '满意' } }));
      const timeline = ok(await am.get(`/api/v1/customers/${v1.id}/timeline`));
      expect(timeline.items[0]).toMatchObject({ kind: 'interaction', summary: expect.stringContaining('客户对供暖满意') });
      expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id })).tasks).toBe(0);
      now = new Date(Date.now() + 25 * DAY);
      expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id })).tasks).toBe(1);
      const open = (await tasksOf(v1.id, 'return_visit')).filter((t) => t.status === 'open');
      expect(open.length).toBe(1);
      expect(shanghaiDay(open[0]!.due_at)).toBe(shanghaiDay(new Date(Date.now() + 30 * DAY)));
    });

    it('the coverage report counts covered, on time and overdue per owner, and lists the overdue', async () => {
      now = new Date(Date.now() + 3 * DAY);
      const report = ok(await ctx.admin.get(`/api/v1/care/coverage?planId=${plan.id}`));
      const mine = report.rows.find((r: any) => r.ownerId === am.userId);
      expect(mine).toMatchObject({ planName: 'VIP 月度回访', covered: 1, onTime: 1, overdue: 0 });
      const none = report.rows.find((r: any) => r.ownerId === null);
      expect(none).toMatchObject({ covered: 1, onTime: 0, overdue: 1 });
      expect(report.overdue).toEqual([expect.objectContaining({ customerName: '回访乙', daysOverdue: 2, ownerId: null })]);
      const filtered = ok(await ctx.admin.get(`/api/v1/care/coverage?planId=${plan.id}&ownerId=${am.userId}`));
      expect(filtered.overdue).toEqual([]);
      // An account manager sees only their own customers.
      const own = ok(await am.get(`/api/v1/care/coverage?planId=${plan.id}`));
      expect(own.rows.map((r: any) => r.ownerId)).toEqual([am.userId]);
      now = shanghai(today, '10:00:00');
    });

    it('filters coverage by team (with its sub-teams), within the reader’s scope; an unknown team is a 400 naming teamId', async () => {
      const north = await ctx.newTeam('覆盖北区');
      const northOne = await ctx.newTeam('覆盖北区一班', north);
      const south = await ctx.newTeam('覆盖南区');
      const tags = ['覆盖率测试'];
      await ctx.newCustomer({ name: '北区户', phones: ['13500135101'], tags, teamId: north, ownerId: am.userId });
      await ctx.newCustomer({ name: '北区一班户', phones: ['13500135102'], tags, teamId: northOne, ownerId: null });
      await ctx.newCustomer({ name: '南区户', phones: ['13500135103'], tags, teamId: south, ownerId: null });
      await ctx.newCustomer({ name: '无团队户', phones: ['13500135104'], tags, ownerId: null });
      const p = ok(await ctx.admin.post('/api/v1/care/plans', { name: '团队覆盖', kind: 'interval', audience: { tags }, intervalDays: 30, taskTitle: '团队覆盖' }), 201);
      const covered = async (as: Client, teamId?: string) => {
        const r = ok(await as.get(`/api/v1/care/coverage?planId=${p.id}${teamId ? `&teamId=${teamId}` : ''}`));
        return Object.fromEntries(r.rows.map((x: any) => [x.ownerId ?? 'none', x.covered]));
      };
      expect(await covered(ctx.admin)).toEqual({ [am.userId!]: 1, none: 3 });
      expect(await covered(ctx.admin, north)).toEqual({ [am.userId!]: 1, none: 1 });
      expect(await covered(ctx.admin, northOne)).toEqual({ none: 1 });
      expect(await covered(ctx.admin, south)).toEqual({ none: 1 });
      // A reader of 北区 with team scope (an agent here: customer:read, no care:manage) sees 北区 and its 一班, and
      // nothing of 南区 even when asking for it.
      ok(await ctx.admin.patch('/api/v1/roles/agent', { scope: 'team' }));
      const northAgent = await ctx.newUser({ role: 'agent', teamId: north });
      expect(await covered(northAgent)).toEqual({ [am.userId!]: 1, none: 1 });
      expect(await covered(northAgent, northOne)).toEqual({ none: 1 });
      expect(await covered(northAgent, south)).toEqual({});
      ok(await ctx.admin.patch('/api/v1/roles/agent', { scope: 'own' }));
      // An account manager (own scope) only ever sees their own customers.
      expect(await covered(am, north)).toEqual({ [am.userId!]: 1 });
      expect(await covered(am, south)).toEqual({});
      const unknown = ok(await ctx.admin.get(`/api/v1/care/coverage?teamId=00000000-0000-4000-8000-000000000000`), 400);
      expect(unknown.errors).toEqual([expect.objectContaining({ field: 'teamId', message: '找不到该团队，或该团队已删除' })]);
      const en = ok(await ctx.admin.lang('en').get(`/api/v1/care/coverage?teamId=00000000-0000-4000-8000-000000000000`), 400);
      expect(en.errors[0].message).toBe('Team not found or deleted');
      const malformed = ok(await ctx.admin.get('/api/v1/care/coverage?teamId=north'), 400);
      expect(malformed.errors[0].field).toBe('teamId');
      expect((await ctx.admin.delete(`/api/v1/care/plans/${p.id}`)).statusCode).toBe(204);
    });

    it('an event plan creates a visit three days after a repair', async () => {
      const product = ok(await ctx.admin.post('/api/v1/products', { code: 'SVC-REPAIR', name: '上门维修', category: '维修服务', priceFen: 8000 }), 201);
      const fix = await ctx.newCustomer({ name: '报修客户', phones: ['13500135009'], ownerId: am.userId });
      const occurred = new Date(Date.now() - DAY);
      ok(await ctx.admin.post(`/api/v1/customers/${fix.id}/transactions`, { type: 'purchase', occurredAt: occurred.toISOString(), lines: [{ productId: product.id }] }), 201);
      ok(await ctx.admin.post('/api/v1/care/plans', { name: '维修后回访', kind: 'event', eventKeyword: '维修', intervalDays: 3, taskTitle: '维修后回访' }), 201);
      const before = await tasksOf(fix.id, 'return_visit');
      expect(before).toEqual([]);
      await run();
      const [task] = await tasksOf(fix.id, 'return_visit');
      expect(task).toMatchObject({ title: '维修后回访', assignee_id: am.userId });
      expect(shanghaiDay(task!.due_at)).toBe(addDays(shanghaiDay(occurred), 3));
      await run();
      expect((await tasksOf(fix.id, 'return_visit')).length).toBe(1);
      const noKeyword = ok(await ctx.admin.post('/api/v1/care/plans', { name: 'x', kind: 'event', intervalDays: 3, taskTitle: 'x' }), 400);
      expect(noKeyword.errors[0].field).toBe('eventKeyword');
    });

    it('merging customers moves the plan’s open visit with them: the survivor gets no second one', async () => {
      const survivor = await ctx.newCustomer({ name: '回访乙', phones: ['13500135022'], tags: ['VIP'], ownerId: am.userId });
      const s = ok(await ctx.admin.get(`/api/v1/customers/${survivor.id}`));
      const d = ok(await ctx.admin.get(`/api/v1/customers/${v2.id}`));
      ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: v2.id, survivorVersion: s.version, mergedVersion: d.version }));
      expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id })).tasks).toBe(0);
      expect((await tasksOf(survivor.id, 'return_visit')).filter((t) => t.status === 'open').length).toBe(1);
    });
  });
});
