/**
 * Interactions (沟通记录), the customer timeline (interactions, transactions and completed tasks merged in time
 * order), and tasks (回访, 关怀, 挽回): my tasks by Asia/Shanghai day, completing a return visit logs its interaction,
 * assignment within the data scope, and merging customers moves both (undo moves them back).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf, ok, type Problem } from '../../test/http.js';

type Event = { kind: string; id: string; at: string; title: string; summary: string | null; actor: { id: string; name: string } | null; data: any };
type Task = Record<string, any>;

describe('interactions, timeline and tasks', () => {
  let ctx: TestContext;
  let customer: Record<string, any>;

  beforeAll(async () => {
    ctx = await createTestContext();
    customer = await ctx.newCustomer({ name: '李建国', address: { city: '哈尔滨市', compound: '幸福家园', room: '501' } });
  });
  afterAll(() => ctx.close());

  const log = (id: string, body: Record<string, unknown>, as: Client = ctx.admin) => as.post(`/api/v1/customers/${id}/interactions`, body);
  const history = async (id: string) => ok<{ items: { action: string; changes: any; actorName: string }[] }>(await ctx.admin.get(`/api/v1/customers/${id}/history`)).items;
  /** The whole timeline, walking every page of `limit` events. */
  async function timeline(id: string, as: Client = ctx.admin, limit = 2, query = ''): Promise<Event[]> {
    const out: Event[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Event[]; nextCursor: string | null } = ok(
        await as.get(`/api/v1/customers/${id}/timeline?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      out.push(...page.items);
      cursor = page.nextCursor;
      expect(++pages).toBeLessThan(100);
    } while (cursor);
    return out;
  }

  describe('interactions', () => {
    it('logs a call from just a summary: a call, outbound, now, by the caller; audited on the customer', async () => {
      const before = Date.now();
      const res = await log(customer.id, { summary: '电话回访，暖气已经热了' });
      const body = ok(res, 201);
      expect(body).toMatchObject({
        customerId: customer.id,
        channel: 'call',
        direction: 'outbound',
        summary: '电话回访，暖气已经热了',
        content: null,
        outcome: null,
        nextStep: null,
        transactionId: null,
        ticketId: null,
        taskId: null,
        user: { id: ctx.admin.userId, name: '系统管理员' },
        deletedAt: null,
      });
      expect(Date.parse(body.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(body.occurredAt)).toBeLessThanOrEqual(Date.now() + 1000);

      const [entry] = await history(customer.id);
      expect(entry).toMatchObject({ action: 'interaction_create', actorName: '系统管理员', changes: { interactionId: body.id, channel: 'call', summary: '电话回访，暖气已经热了' } });

      const list = ok<{ items: any[] }>(await ctx.admin.get(`/api/v1/customers/${customer.id}/interactions`));
      expect(list.items.map((i) => i.id)).toEqual([body.id]);
    });

    it('logs every field: a visit, inbound, at a time, with details, outcome, next step and one of the customer’s transactions', async () => {
      const tx = ok(await ctx.admin.post(`/api/v1/customers/${customer.id}/transactions`, { occurredAt: '2024-10-15', type: 'payment', amountFen: 2_856_000 }), 201);
      const body = ok(
        await log(customer.id, {
          channel: 'visit',
          direction: 'inbound',
          occurredAt: '2024-10-16T09:30:00+08:00',
          summary: '客户到营业厅咨询缴费发票',
          content: '客户要求开具 2024-2025 采暖季发票，已当场开具。',
          outcome: '已解决',
          nextStep: '无',
          transactionId: tx.id,
        }),
        201,
      );
      expect(body).toMatchObject({ channel: 'visit', direction: 'inbound', occurredAt: '2024-10-16T01:30:00.000Z', outcome: '已解决', nextStep: '无', transactionId: tx.id });
      expect(body.content).toBe('客户要求开具 2024-2025 采暖季发票，已当场开具。');
    });

    it('refuses bad input with 400 problem+json naming each field in zh-CN and English, writing nothing', async () => {
      const before = { rows: await countRows(ctx.database, 'interactions'), audit: await countRows(ctx.database, 'audit_log') };
      const bad = { summary: '   ', channel: 'fax', direction: 'sideways', occurredAt: new Date(Date.now() + 86_400_000).toISOString(), color: 'red' };
      const zh = problemOf(await log(customer.id, bad), 400);
      expect(zh.code).toBe('validation');
      expect(zh.errors.map((e) => e.field).sort()).toEqual(['channel', 'color', 'direction', 'occurredAt', 'summary']);
      const msg = (p: Problem, field: string) => p.errors.find((e) => e.field === field)?.message;
      expect(msg(zh, 'summary')).toBe('「摘要」为必填项');
      expect(msg(zh, 'occurredAt')).toBe('「发生时间」不能晚于当前时间');
      expect(msg(zh, 'channel')).toContain('「渠道」的取值无效');
      expect(msg(zh, 'direction')).toContain('「方向」的取值无效');
      expect(msg(zh, 'color')).toBe('不认识的字段「color」');

      const en = problemOf(await ctx.admin.lang('en').post(`/api/v1/customers/${customer.id}/interactions`, bad), 400);
      expect(msg(en, 'summary')).toBe('"Summary" is required');
      expect(msg(en, 'occurredAt')).toBe('"Date" cannot be later than now');

      // One sentence: at most 200 characters.
      const long = problemOf(await log(customer.id, { summary: '长'.repeat(201) }), 400);
      expect(long.errors).toEqual([{ field: 'summary', message: '「摘要」最多 200 个字符' }]);

      // A transaction of another customer, a user out of reach, a customer that does not exist.
      const other = await ctx.newCustomer({ name: '王秀英' });
      const otherTx = ok(await ctx.admin.post(`/api/v1/customers/${other.id}/transactions`, { occurredAt: '2024-10-15', type: 'payment', amountFen: 100 }), 201);
      const auditAfterTx = await countRows(ctx.database, 'audit_log');
      const wrongTx = problemOf(await log(customer.id, { summary: '关联了别人的交易', transactionId: otherTx.id }), 400);
      expect(wrongTx.errors).toEqual([{ field: 'transactionId', message: '「关联交易」不是这位客户的交易记录' }]);
      expect(problemOf(await log('5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a', { summary: '不存在的客户' }), 404).detail).toBe('找不到该客户');
      expect(problemOf(await log('not-a-uuid', { summary: 'x' }), 400).errors[0]!.field).toBe('id');

      expect(await countRows(ctx.database, 'interactions')).toBe(before.rows);
      expect(await countRows(ctx.database, 'audit_log')).toBe(auditAfterTx);
    });

    it('corrects, deletes and restores an interaction, each audited on the customer; a stale version is refused', async () => {
      const made = ok(await log(customer.id, { summary: '短信提醒缴费', channel: 'sms' }), 201);
      const fixed = ok(await ctx.admin.patch(`/api/v1/interactions/${made.id}`, { summary: '短信提醒缴费（第二次）', outcome: '未回复', version: made.version }));
      expect(fixed).toMatchObject({ summary: '短信提醒缴费（第二次）', outcome: '未回复', channel: 'sms', version: made.version + 1 });
      const stale = problemOf(await ctx.admin.patch(`/api/v1/interactions/${made.id}`, { summary: '过期的修改', version: made.version }), 409);
      expect(stale.detail).toContain('已被他人修改');
      expect((await history(customer.id))[0]).toMatchObject({
        action: 'interaction_update',
        changes: { interactionId: made.id, summary: ['短信提醒缴费', '短信提醒缴费（第二次）'], outcome: [null, '未回复'] },
      });

      expect((await ctx.admin.delete(`/api/v1/interactions/${made.id}`)).statusCode).toBe(204);
      expect((await timeline(customer.id, ctx.admin, 50)).map((e) => e.id)).not.toContain(made.id);
      const deleted = ok<{ items: any[] }>(await ctx.admin.get(`/api/v1/customers/${customer.id}/interactions?deleted=only`));
      expect(deleted.items.map((i) => i.id)).toEqual([made.id]);
      expect((await history(customer.id))[0]).toMatchObject({ action: 'interaction_delete', changes: { interactionId: made.id } });

      const restored = ok(await ctx.admin.post(`/api/v1/interactions/${made.id}/restore`));
      expect(restored.deletedAt).toBeNull();
      expect((await timeline(customer.id, ctx.admin, 50)).map((e) => e.id)).toContain(made.id);
      expect(problemOf(await ctx.admin.post(`/api/v1/interactions/${made.id}/restore`), 409).detail).toBe('该沟通记录未被删除，无需恢复');
    });
  });

  describe('timeline', () => {
    let household: Record<string, any>;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      household = await ctx.newCustomer({ name: '张桂芳' });
      const tx = async (key: string, occurredAt: string, type: string, amountFen: number, extra: Record<string, unknown> = {}) =>
        (ids[key] = ok(await ctx.admin.post(`/api/v1/customers/${household.id}/transactions`, { occurredAt, type, amountFen, ...extra }), 201).id);
      const call = async (key: string, occurredAt: string, summary: string, extra: Record<string, unknown> = {}) =>
        (ids[key] = ok(await log(household.id, { occurredAt, summary, ...extra }), 201).id);
      // Interleaved in time; the payment and the WeChat message happen at the very same moment.
      await tx('pay', '2024-10-15T10:00:00+08:00', 'payment', 2_856_000, { heatingSeason: '2024-2025', channel: '营业厅' });
      await call('ask', '2024-10-14T16:20:00+08:00', '来电询问缴费标准', { direction: 'inbound' });
      await call('wechat', '2024-10-15T10:00:00+08:00', '微信发送缴费凭证', { channel: 'wechat' });
      await tx('repair', '2024-11-20T10:30:00.123456+08:00', 'purchase', 8000, { notes: '上门维修' });
      await call('visit', '2024-11-20T15:00:00+08:00', '维修后回访：温度达标', { channel: 'visit' });
      await tx('refund', '2024-12-01T09:00:00+08:00', 'refund', 3000);
      // Deleted ones stay off the timeline.
      const gone = ok(await log(household.id, { occurredAt: '2024-11-01T08:00:00+08:00', summary: '记错了' }), 201);
      await ctx.admin.delete(`/api/v1/interactions/${gone.id}`);
      const goneTx = ok(await ctx.admin.post(`/api/v1/customers/${household.id}/transactions`, { occurredAt: '2024-11-02', type: 'purchase', amountFen: 1 }), 201);
      await ctx.admin.delete(`/api/v1/transactions/${goneTx.id}`);
    });

    const expected = () => [
      ['transaction', ids.refund, '退款 ¥30.00'],
      ['interaction', ids.visit, '上门拜访 · 呼出'],
      ['transaction', ids.repair, '购买 ¥80.00'],
      // Same moment: ordered by kind (transaction before interaction, newest first), so paging is exact.
      ['transaction', ids.pay, '缴费 ¥28,560.00'],
      ['interaction', ids.wechat, '微信 · 呼出'],
      ['interaction', ids.ask, '电话 · 呼入'],
    ];

    it('merges interactions and transactions in time order, newest first, in every page size without gaps or repeats', async () => {
      for (const limit of [1, 2, 3, 4, 50]) {
        // Later modules' events (the loyalty membership the payment began) page in between; these two kinds keep their order.
        const events = (await timeline(household.id, ctx.admin, limit)).filter((e) => e.kind === 'interaction' || e.kind === 'transaction');
        expect(events.map((e) => [e.kind, e.id, e.title]), `limit ${limit}`).toEqual(expected());
      }
      const events = await timeline(household.id, ctx.admin, 50);
      const byId = new Map(events.map((e) => [e.id, e]));
      expect(byId.get(ids.pay!)).toMatchObject({
        at: '2024-10-15T02:00:00.000Z',
        summary: '营业厅 · 2024-2025 供暖季',
        actor: { id: ctx.admin.userId, name: '系统管理员' },
        data: { type: 'payment', amountFen: 2_856_000, heatingSeason: '2024-2025' },
      });
      expect(byId.get(ids.repair!)).toMatchObject({ at: '2024-11-20T02:30:00.123Z', summary: '上门维修' });
      expect(byId.get(ids.visit!)).toMatchObject({
        summary: '维修后回访：温度达标',
        actor: { id: ctx.admin.userId, name: '系统管理员' },
        data: { channel: 'visit', direction: 'outbound', summary: '维修后回访：温度达标' },
      });
    });

    it('speaks English with Accept-Language: en, and filters by kind', async () => {
      const en = await timeline(household.id, ctx.admin.lang('en'), 50);
      // The loyalty membership the payment began is on the timeline too (it happened now), in English.
      expect(en.filter((e) => e.kind === 'loyalty_tier').map((e) => e.title)).toEqual(['Became Member']); // 2024's points are older than the 12 months growth counts: no upgrade
      expect(en.filter((e) => e.kind === 'interaction' || e.kind === 'transaction').map((e) => e.title)).toEqual(['Refund ¥30.00', 'Visit · outbound', 'Purchase ¥80.00', 'Payment ¥28,560.00', 'WeChat · outbound', 'Call · inbound']);
      expect(en.find((e) => e.id === ids.pay)!.summary).toBe('营业厅 · season 2024-2025');

      const txOnly = await timeline(household.id, ctx.admin, 2, '&kind=transaction');
      expect(txOnly.map((e) => e.id)).toEqual([ids.refund, ids.repair, ids.pay]);
      const bad = problemOf(await ctx.admin.get(`/api/v1/customers/${household.id}/timeline?kind=fax`), 400);
      // Every registered source's kind is listed (later modules add theirs, e.g. ticket).
      expect(bad.errors).toEqual([{ field: 'kind', message: expect.stringMatching(/^「事件类型」的取值无效，可选：([a-z_]+ \/ )*interaction( \/ [a-z_]+)* \/ message( \/ [a-z_]+)* \/ task( \/ [a-z_]+)* \/ transaction/) }]);
      const badEn = problemOf(await ctx.admin.lang('en').get(`/api/v1/customers/${household.id}/timeline?kind=fax`), 400);
      expect(badEn.errors[0]!.message).toMatch(/^"Event kind" has an invalid value; allowed: ([a-z_]+ \/ )*interaction( \/ [a-z_]+)* \/ message( \/ [a-z_]+)* \/ task( \/ [a-z_]+)* \/ transaction/);
      const cursor = problemOf(await ctx.admin.get(`/api/v1/customers/${household.id}/timeline?cursor=bm9wZQ`), 400);
      expect(cursor.errors).toEqual([{ field: 'cursor', message: '「分页游标」格式不正确' }]);
      expect(problemOf(await ctx.admin.get(`/api/v1/customers/${household.id}/timeline?limit=500`), 400).errors[0]!.field).toBe('limit');
    });
  });

  describe('data scope and permissions', () => {
    it('an agent with scope "own" gets 404 for another’s customer (timeline, list, log, edit) and writes nothing', async () => {
      const agent = await ctx.newUser({ role: 'agent' });
      const mine = await ctx.newCustomer({ name: '赵刚' }, agent);
      const theirs = await ctx.newCustomer({ name: '孙丽' });
      const theirsCall = ok(await log(theirs.id, { summary: '别人的客户' }), 201);
      const before = await countRows(ctx.database, 'interactions');

      expect(problemOf(await agent.get(`/api/v1/customers/${theirs.id}/timeline`), 404).detail).toBe('找不到该客户');
      problemOf(await agent.get(`/api/v1/customers/${theirs.id}/interactions`), 404);
      problemOf(await log(theirs.id, { summary: '越权记录' }, agent), 404);
      expect(problemOf(await agent.patch(`/api/v1/interactions/${theirsCall.id}`, { summary: '越权修改' }), 404).detail).toBe('找不到该沟通记录');
      problemOf(await agent.delete(`/api/v1/interactions/${theirsCall.id}`), 404);
      expect(await countRows(ctx.database, 'interactions')).toBe(before);

      // Their own customer: fine; and they cannot log it on behalf of someone else.
      const own = ok(await log(mine.id, { summary: '自己的客户' }, agent), 201);
      expect(own.user.id).toBe(agent.userId);
      const onBehalf = problemOf(await log(mine.id, { summary: '替别人记录', userId: ctx.admin.userId }, agent), 400);
      expect(onBehalf.errors).toEqual([{ field: 'userId', message: '只能替你数据权限范围内的同事记录沟通' }]);
      expect((await timeline(mine.id, agent, 10)).map((e) => e.id)).toEqual([own.id]);
    });

    it('a viewer reads the timeline but cannot log (403)', async () => {
      const viewer = await ctx.newUser({ role: 'viewer' });
      expect((await timeline(customer.id, viewer, 50)).length).toBeGreaterThan(0);
      expect(problemOf(await log(customer.id, { summary: '只读用户' }, viewer), 403).code).toBe('forbidden');
      expect(problemOf(await viewer.post('/api/v1/tasks', { type: 'care', title: '只读', dueAt: '2030-01-01T09:00:00+08:00' }), 403).code).toBe('forbidden');
    });
  });

  describe('tasks', () => {
    let agent: Client;
    let agentCustomer: Record<string, any>;

    beforeAll(async () => {
      agent = await ctx.newUser({ role: 'agent' });
      agentCustomer = await ctx.newCustomer({ name: '周敏' }, agent);
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const create = (body: Record<string, unknown>, as: Client = agent) => as.post('/api/v1/tasks', body);
    const mine = async (as: Client, bucket: string) => ok<{ items: Task[] }>(await as.get(`/api/v1/tasks/mine?bucket=${bucket}`)).items;

    it('sorts my open tasks into overdue, today and upcoming by the Asia/Shanghai day, not the UTC day', async () => {
      const creator = await ctx.newUser({ role: 'agent', username: 'agent.buckets' });
      // "Now" is 23:30 in Shanghai (15:30 UTC): 00:10 tomorrow in Shanghai is still today in UTC, but upcoming here.
      const HOUR = 3_600_000;
      const wall = new Date(Date.now() + 8 * HOUR);
      let now = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), 23, 30) - 8 * HOUR;
      if (now < Date.now() + HOUR) now += 24 * HOUR;
      const at = (ms: number) => new Date(now + ms).toISOString();
      const made: Record<string, string> = {};
      for (const [key, dueAt] of [
        ['yesterday', at(-25 * HOUR)],
        ['anHourAgo', at(-HOUR)],
        ['in20min', at(20 * 60_000)],
        ['after0010', at(40 * 60_000)],
        ['tomorrowNoon', at(12.5 * HOUR)],
      ] as const) {
        made[key] = ok(await create({ type: 'return_visit', title: key, dueAt }, creator), 201).id;
      }
      const done = ok(await create({ type: 'care', title: 'doneToday', dueAt: at(10 * 60_000) }, creator), 201);
      ok(await creator.post(`/api/v1/tasks/${done.id}/complete`, { result: '已完成' }));
      // Someone else's task is not mine.
      ok(await create({ type: 'care', title: 'notMine', dueAt: at(5 * 60_000) }), 201);

      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(now);
      // "Now" may be up to a day ahead of the real clock, past the session's idle limit: sign in again at that time.
      const user = await ctx.login('agent.buckets', 'Passw0rd!');
      const titles = async (bucket: string) => (await mine(user, bucket)).map((t) => t.title);
      expect(await titles('overdue')).toEqual(['yesterday', 'anHourAgo']);
      expect(await titles('today')).toEqual(['in20min']);
      expect(await titles('upcoming')).toEqual(['after0010', 'tomorrowNoon']);
      expect(await titles('open')).toEqual(['yesterday', 'anHourAgo', 'in20min', 'after0010', 'tomorrowNoon']);
      expect(await titles('done')).toEqual(['doneToday']);
      expect((await mine(user, 'upcoming')).map((t) => t.bucket)).toEqual(['upcoming', 'upcoming']);
      expect(ok(await user.get('/api/v1/tasks/mine/counts'))).toEqual({ overdue: 2, today: 1, upcoming: 2 });
      // The default bucket is today.
      expect(ok<{ items: Task[] }>(await user.get('/api/v1/tasks/mine')).items.map((t) => t.title)).toEqual(['in20min']);

      // Half an hour later it is tomorrow in Shanghai: what was due at 00:10 is due today, the 23:50 one overdue.
      vi.setSystemTime(now + 35 * 60_000);
      expect(await titles('overdue')).toEqual(['yesterday', 'anHourAgo', 'in20min']);
      expect(await titles('today')).toEqual(['after0010', 'tomorrowNoon']);
      expect(await titles('upcoming')).toEqual([]);
      vi.useRealTimers();

      // Pages by cursor.
      const first = ok<{ items: Task[]; nextCursor: string }>(await user.get('/api/v1/tasks/mine?bucket=open&limit=2'));
      const second = ok<{ items: Task[]; nextCursor: string | null }>(await user.get(`/api/v1/tasks/mine?bucket=open&limit=2&cursor=${first.nextCursor}`));
      expect([...first.items, ...second.items].map((t) => t.title)).toEqual(['yesterday', 'anHourAgo', 'in20min', 'after0010']);
      expect(problemOf(await user.get('/api/v1/tasks/mine?bucket=soon'), 400).errors[0]).toMatchObject({ field: 'bucket' });
    });

    it('completing a return visit with its result logs the interaction in the same transaction; it tops the timeline', async () => {
      const task = ok(
        await create({ type: 'return_visit', title: '维修后回访', customerId: agentCustomer.id, dueAt: '2030-01-01T10:00:00+08:00', notes: '上周换了阀门' }),
        201,
      );
      expect(task).toMatchObject({ type: 'return_visit', status: 'open', customerName: '周敏', assignee: { id: agent.userId }, createdBy: { id: agent.userId }, bucket: 'upcoming' });
      const before = Date.now();
      const done = ok(await agent.post(`/api/v1/tasks/${task.id}/complete`, { result: '客户反馈室温 22 度，很满意' }));
      expect(done).toMatchObject({ status: 'done', result: '客户反馈室温 22 度，很满意', completedBy: { id: agent.userId }, bucket: null });
      expect(done.interactionId).toEqual(expect.any(String));

      const [top] = await timeline(agentCustomer.id, agent, 5);
      expect(top).toMatchObject({
        kind: 'interaction',
        id: done.interactionId,
        title: '电话 · 呼出',
        summary: '客户反馈室温 22 度，很满意',
        data: { channel: 'call', direction: 'outbound', taskId: task.id, user: { id: agent.userId } },
      });
      expect(Date.parse(top!.at)).toBeGreaterThanOrEqual(before - 1000);
      const hs = await history(agentCustomer.id);
      expect(hs.slice(0, 2).map((h) => h.action)).toEqual(['task_complete', 'interaction_create']);
      expect(hs[0]!.changes).toMatchObject({ taskId: task.id, result: '客户反馈室温 22 度，很满意', interactionId: done.interactionId });

      // Only once.
      const again = problemOf(await agent.post(`/api/v1/tasks/${task.id}/complete`, { result: '再来一次' }), 409);
      expect(again.detail).toBe('该任务已完成或已取消');
    });

    it('a return visit may say how it went (a visit, with outcome); a care task logs nothing unless asked and shows as done on the timeline', async () => {
      const visit = ok(await create({ type: 'return_visit', title: '上门回访', customerId: agentCustomer.id, dueAt: '2030-01-02T10:00:00+08:00' }), 201);
      const done = ok(
        await agent.post(`/api/v1/tasks/${visit.id}/complete`, {
          result: '上门查看，暖气正常',
          interaction: { channel: 'visit', outcome: '满意', nextStep: '下个供暖季再回访' },
        }),
      );
      const logged = ok<{ items: any[] }>(await agent.get(`/api/v1/customers/${agentCustomer.id}/interactions`)).items.find((i) => i.id === done.interactionId);
      expect(logged).toMatchObject({ channel: 'visit', direction: 'outbound', summary: '上门查看，暖气正常', outcome: '满意', nextStep: '下个供暖季再回访', taskId: visit.id });

      const care = ok(await create({ type: 'care', title: '生日祝福', customerId: agentCustomer.id, dueAt: '2030-01-03T10:00:00+08:00' }), 201);
      const before = await countRows(ctx.database, 'interactions');
      const cared = ok(await agent.post(`/api/v1/tasks/${care.id}/complete`, { result: '已寄送生日贺卡' }));
      expect(cared.interactionId).toBeNull();
      expect(await countRows(ctx.database, 'interactions')).toBe(before);
      const [top] = await timeline(agentCustomer.id, agent, 5);
      expect(top).toMatchObject({ kind: 'task', id: care.id, title: '完成关怀任务', summary: '生日祝福：已寄送生日贺卡', actor: { id: agent.userId } });

      // A return visit can be closed without logging; a task without a customer cannot log one.
      const quiet = ok(await create({ type: 'return_visit', title: '无需记录', customerId: agentCustomer.id, dueAt: '2030-01-04T10:00:00+08:00' }), 201);
      expect(ok(await agent.post(`/api/v1/tasks/${quiet.id}/complete`, { result: '客户已搬走', interaction: null })).interactionId).toBeNull();
      const loose = ok(await create({ type: 'other', title: '整理回访名单', dueAt: '2030-01-04T10:00:00+08:00' }), 201);
      const noCustomer = problemOf(await agent.post(`/api/v1/tasks/${loose.id}/complete`, { result: '完成', interaction: { channel: 'call' } }), 400);
      expect(noCustomer.errors).toEqual([{ field: 'interaction', message: '任务没有关联客户，不能记录沟通' }]);
      expect(await countRows(ctx.database, 'interactions')).toBe(before);
    });

    it('refuses bad tasks and completions with 400 naming the field (a task’s title is 标题), writing nothing', async () => {
      const before = { tasks: await countRows(ctx.database, 'tasks'), audit: await countRows(ctx.database, 'audit_log') };
      const bad = problemOf(await create({ type: 'visit', title: ' ', dueAt: '明天' }), 400);
      expect(bad.errors).toEqual([
        { field: 'type', message: '「类型」的取值无效，可选：return_visit / care / win_back / other' },
        { field: 'title', message: '「标题」为必填项' },
        { field: 'dueAt', message: '「截止时间」格式不正确' },
      ]);
      const en = problemOf(await agent.lang('en').post('/api/v1/tasks', { type: 'care', title: '', dueAt: '2030-01-01T09:00:00+08:00' }), 400);
      expect(en.errors).toEqual([{ field: 'title', message: '"Title" is required' }]);
      const missing = problemOf(await create({ type: 'care', title: '没有截止时间' }), 400);
      expect(missing.errors).toEqual([{ field: 'dueAt', message: '「截止时间」为必填项' }]);

      const task = ok(await create({ type: 'return_visit', title: '待完成', customerId: agentCustomer.id, dueAt: '2030-01-05T10:00:00+08:00' }), 201);
      const afterCreate = { tasks: await countRows(ctx.database, 'tasks'), audit: await countRows(ctx.database, 'audit_log'), interactions: await countRows(ctx.database, 'interactions') };
      expect(afterCreate.tasks).toBe(before.tasks + 1);
      const noResult = problemOf(await agent.post(`/api/v1/tasks/${task.id}/complete`, { result: '' }), 400);
      expect(noResult.errors).toEqual([{ field: 'result', message: '「处理结果」为必填项' }]);
      const badLog = problemOf(await agent.post(`/api/v1/tasks/${task.id}/complete`, { result: '好', interaction: { channel: 'fax' } }), 400);
      expect(badLog.errors[0]).toMatchObject({ field: 'interaction.channel' });
      expect(badLog.errors[0]!.message).toContain('「渠道」的取值无效');
      expect(await countRows(ctx.database, 'interactions')).toBe(afterCreate.interactions);
      expect(await countRows(ctx.database, 'audit_log')).toBe(afterCreate.audit);
      expect(ok<{ items: Task[] }>(await agent.get('/api/v1/tasks/mine?bucket=open')).items.find((t) => t.id === task.id)!.status).toBe('open');
    });

    it('agents create tasks for themselves only; managers assign within their scope, to people who can see the customer', async () => {
      const other = await ctx.newUser({ role: 'agent' });
      const before = await countRows(ctx.database, 'tasks');
      const refused = problemOf(await create({ type: 'care', title: '给别人', assigneeId: other.userId, dueAt: '2030-01-01T09:00:00+08:00' }), 400);
      expect(refused.errors).toEqual([{ field: 'assigneeId', message: '只能把任务分配给自己或你数据权限范围内的同事' }]);
      expect(ok<{ items: { id: string }[] }>(await agent.get('/api/v1/tasks/assignees')).items.map((u) => u.id)).toEqual([agent.userId]);
      // Someone else's customer is not found for an agent.
      const foreign = await ctx.newCustomer({ name: '吴磊' });
      const notFound = problemOf(await create({ type: 'care', title: '别人的客户', customerId: foreign.id, dueAt: '2030-01-01T09:00:00+08:00' }), 400);
      expect(notFound.errors).toEqual([{ field: 'customerId', message: '找不到该客户' }]);
      expect(await countRows(ctx.database, 'tasks')).toBe(before);

      // The admin (scope all) assigns a return visit of the agent's customer to the agent…
      const assigned = ok(
        await create({ type: 'return_visit', title: '经理分配的回访', customerId: agentCustomer.id, assigneeId: agent.userId, dueAt: '2030-02-01T09:00:00+08:00' }, ctx.admin),
        201,
      );
      expect(assigned).toMatchObject({ assignee: { id: agent.userId }, createdBy: { id: ctx.admin.userId } });
      expect((await mine(agent, 'upcoming')).map((t) => t.id)).toContain(assigned.id);
      // …but not a customer the agent cannot see.
      const blind = problemOf(await create({ type: 'return_visit', title: '看不到的客户', customerId: foreign.id, assigneeId: agent.userId, dueAt: '2030-02-01T09:00:00+08:00' }, ctx.admin), 400);
      expect(blind.errors).toEqual([{ field: 'assigneeId', message: '该负责人看不到这位客户，不能分配给他' }]);

      // The admin sees the agent's tasks; the other agent sees none of them.
      const all = ok<{ items: Task[] }>(await ctx.admin.get(`/api/v1/tasks?assigneeId=${agent.userId}&limit=100`)).items;
      expect(all.map((t) => t.id)).toContain(assigned.id);
      expect(ok<{ items: Task[] }>(await other.get('/api/v1/tasks?limit=100')).items).toEqual([]);
      // The customer's tasks, for whoever sees the customer.
      const onCustomer = ok<{ items: Task[] }>(await agent.get(`/api/v1/tasks?customerId=${agentCustomer.id}&limit=100`)).items;
      expect(onCustomer.map((t) => t.id)).toContain(assigned.id);
      problemOf(await other.get(`/api/v1/tasks?customerId=${agentCustomer.id}`), 404);
    });

    it('a team-scoped manager assigns to their team’s people and sees their tasks; not to another team', async () => {
      ok(await ctx.admin.patch('/api/v1/roles/account_manager', { scope: 'team' }));
      const north = await ctx.newTeam('北区班组');
      const south = await ctx.newTeam('南区班组');
      const lead = await ctx.newUser({ role: 'account_manager', teamId: north });
      const member = await ctx.newUser({ role: 'agent', teamId: north });
      const stranger = await ctx.newUser({ role: 'agent', teamId: south });
      const theirCustomer = await ctx.newCustomer({ name: '郑华' }, member);

      const given = ok(await create({ type: 'win_back', title: '挽回流失客户', customerId: theirCustomer.id, assigneeId: member.userId, dueAt: '2030-03-01T09:00:00+08:00' }, lead), 201);
      expect(given).toMatchObject({ type: 'win_back', assignee: { id: member.userId }, customerName: '郑华' });
      const names = ok<{ items: { id: string }[] }>(await lead.get('/api/v1/tasks/assignees')).items.map((u) => u.id).sort();
      expect(names).toEqual([lead.userId, member.userId].sort());
      problemOf(await create({ type: 'care', title: '跨团队', assigneeId: stranger.userId, dueAt: '2030-03-01T09:00:00+08:00' }, lead), 400);
      const strangerTask = ok(await create({ type: 'care', title: '南区自己的任务', dueAt: '2030-03-01T09:00:00+08:00' }, stranger), 201);

      const seen = ok<{ items: Task[] }>(await lead.get('/api/v1/tasks?limit=100')).items.map((t) => t.id);
      expect(seen).toContain(given.id);
      expect(seen).not.toContain(strangerTask.id);
      // The lead may reschedule and cancel the member's task; the stranger's is not found.
      const moved = ok(await lead.patch(`/api/v1/tasks/${given.id}`, { dueAt: '2030-03-02T09:00:00+08:00', version: given.version }));
      expect(moved.dueAt).toBe('2030-03-02T01:00:00.000Z');
      const cancelled = ok(await lead.patch(`/api/v1/tasks/${given.id}`, { status: 'cancelled' }));
      expect(cancelled).toMatchObject({ status: 'cancelled', bucket: null });
      expect((await history(theirCustomer.id))[0]).toMatchObject({ action: 'task_cancel', changes: { taskId: given.id, status: ['open', 'cancelled'] } });
      expect(problemOf(await lead.patch(`/api/v1/tasks/${strangerTask.id}`, { title: '越权' }), 404).detail).toBe('找不到该任务');
      ok(await ctx.admin.patch('/api/v1/roles/account_manager', { scope: 'own' }));
    });
  });

  describe('merging customers', () => {
    it('moves the duplicate’s interactions and tasks to the survivor; undo moves them back', async () => {
      const survivor = await ctx.newCustomer({ name: '华北热力公司', phones: ['13700001111'] });
      const merged = await ctx.newCustomer({ name: '华北热力有限公司', phones: ['13700001111'] });
      const kept = ok(await log(survivor.id, { summary: '保留客户的沟通', occurredAt: '2024-05-01T09:00:00+08:00' }), 201);
      const moving = ok(await log(merged.id, { summary: '重复客户的沟通', occurredAt: '2024-06-01T09:00:00+08:00' }), 201);
      const movingDeleted = ok(await log(merged.id, { summary: '重复客户已删除的沟通', occurredAt: '2024-06-02T09:00:00+08:00' }), 201);
      await ctx.admin.delete(`/api/v1/interactions/${movingDeleted.id}`);
      const task = ok(await ctx.admin.post('/api/v1/tasks', { type: 'return_visit', title: '重复客户的回访', customerId: merged.id, dueAt: '2030-01-01T09:00:00+08:00' }), 201);
      const taskIds = async (id: string) => ok<{ items: Task[] }>(await ctx.admin.get(`/api/v1/tasks?customerId=${id}&limit=100`)).items.map((t) => t.id);
      const eventIds = async (id: string) => (await timeline(id, ctx.admin, 50)).map((e) => e.id);

      const s = ok(await ctx.admin.get(`/api/v1/customers/${survivor.id}`));
      const m = ok(await ctx.admin.get(`/api/v1/customers/${merged.id}`));
      const res = ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: merged.id, survivorVersion: s.version, mergedVersion: m.version }));
      expect(res.merge.moved).toMatchObject({ interactions: 2, tasks: 1 });
      expect(await eventIds(survivor.id)).toEqual([moving.id, kept.id]);
      expect(await taskIds(survivor.id)).toEqual([task.id]);
      expect(ok<{ items: any[] }>(await ctx.admin.get(`/api/v1/customers/${survivor.id}/interactions?deleted=only`)).items.map((i) => i.id)).toEqual([movingDeleted.id]);
      const moved = ok<{ items: Task[] }>(await ctx.admin.get(`/api/v1/tasks?customerId=${survivor.id}`)).items[0]!;
      expect(moved).toMatchObject({ customerId: survivor.id, customerName: '华北热力公司' });

      ok(await ctx.admin.post(`/api/v1/customers/merges/${res.merge.id}/undo`));
      expect(await eventIds(survivor.id)).toEqual([kept.id]);
      expect(await eventIds(merged.id)).toEqual([moving.id]);
      expect(await taskIds(survivor.id)).toEqual([]);
      expect(await taskIds(merged.id)).toEqual([task.id]);
      expect(ok<{ items: any[] }>(await ctx.admin.get(`/api/v1/customers/${merged.id}/interactions?deleted=only`)).items.map((i) => i.id)).toEqual([movingDeleted.id]);
    });
  });
});
