/**
 * Idempotent POSTs (issue #12): every create endpoint, sent twice with one `Idempotency-Key` — one after the other
 * and both at once — writes one record and answers both with the same status and body. The routes come from the
 * OpenAPI document, so a new POST route fails this file until it is tested here or listed with its reason. Then the
 * contract itself: another body under the same key (422), keys per caller, failures released, expiry, a request
 * still in flight (wait, then 409), a claim left by a dead process, two servers on one database.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { loadConfig } from '../config.js';
import { Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { upload as uploadImport, waitFor as waitForImport } from '../../test/imports.js';
import { createServer, type App } from './server.js';
import { IDEMPOTENCY_TTL_MS, purgeExpiredIdempotencyKeys, registerIdempotency } from './idempotency.js';
import { NOT_CASES } from './idempotency.not-cases.js';
import { moduleCases, type Case, type Sent } from './idempotency.cases.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const REPLAYED = 'idempotent-replayed';

let ctx: TestContext;
/** The clock of the app (idempotency expiry): moved forward by the expiry test. */
let shiftMs = 0;

function post(sent: Sent, key: string | null, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const as = sent.as ?? ctx.admin;
  const headers: Record<string, string> = { ...extra };
  if (key !== null) headers['idempotency-key'] = key;
  if (sent.file) {
    return as.app.inject({
      method: 'POST',
      url: sent.url,
      payload: sent.file,
      headers: { 'content-type': 'application/octet-stream', ...(as.cookie ? { cookie: as.cookie, 'x-csrf-token': as.csrf! } : {}), ...headers },
    });
  }
  return as.post(sent.url, sent.body ?? {}, headers);
}

async function scalar(query: string): Promise<number> {
  const res = (await ctx.database.db.execute(sql.raw(query))) as unknown as { rows: { n: number | string | null }[] };
  return Number(res.rows[0]?.n ?? 0);
}
const rows = (table: string) => () => countRows(ctx.database, table);
const events = (kind: string) => () => scalar(`select count(*)::int as n from ticket_events where kind = '${kind}'`);

function ok<T = any>(res: LightMyRequestResponse, status?: number): T {
  if (status) expect(res.statusCode, res.body).toBe(status);
  else expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as T;
}

// Fixtures shared by the cases.
let person: Record<string, any>;
let org: Record<string, any>;
let ticketId: string;
let publicToken: string;
let publicToken2: string;
let articleId: string;
let rootCauseId: string;
let agent: Client;

const uniquePhone = (() => {
  let n = 0;
  return () => `1355${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(4, '0')}`;
})();

async function newTicket(title: string): Promise<Record<string, any>> {
  return ok(await ctx.admin.post('/api/v1/tickets', { title, type: 'repair', customerId: person.id }), 201);
}

async function waitForRun(id: string): Promise<void> {
  for (let k = 0; k < 600; k++) {
    const run = ok(await ctx.admin.get(`/api/v1/analytics/runs/${id}`));
    if (run.status === 'done' || run.status === 'failed') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`analytics run ${id} did not finish`);
}

const CASES: Case[] = [
  { route: '/api/v1/tokens', send: (r) => ({ url: '/api/v1/tokens', body: { name: `幂等令牌 ${r}`, permissions: ['customer:read'] } }), count: rows('api_tokens') },
  {
    route: '/api/v1/users',
    send: (r) => ({ url: '/api/v1/users', body: { username: `idem.user${r}`, displayName: '幂等用户', password: 'Passw0rd!', roleKey: 'agent' } }),
    count: rows('users'),
  },
  { route: '/api/v1/teams', send: (r) => ({ url: '/api/v1/teams', body: { name: `幂等班组 ${r}`, kind: 'group', parentId: null } }), count: rows('teams') },
  { route: '/api/v1/customers', send: () => ({ url: '/api/v1/customers', body: { name: '幂等客户', phones: [uniquePhone()] } }), count: rows('customers') },
  { route: '/api/v1/customers/{id}/contacts', send: (r) => ({ url: `/api/v1/customers/${org.id}/contacts`, body: { name: `联系人 ${r}` } }), count: rows('customer_contacts') },
  {
    route: '/api/v1/custom-fields',
    send: (r) => ({ url: '/api/v1/custom-fields', body: { key: `idem_${r}`, labelZh: `幂等字段 ${r}`, labelEn: `Idem ${r}`, type: 'text' } }),
    count: rows('custom_fields'),
  },
  {
    route: '/api/v1/customers/{id}/transactions',
    send: () => ({ url: `/api/v1/customers/${person.id}/transactions`, body: { type: 'payment', amountFen: 250000, occurredAt: '2026-10-20T10:00:00+08:00' } }),
    count: rows('transactions'),
  },
  { route: '/api/v1/products', send: (r) => ({ url: '/api/v1/products', body: { code: `IDEM-${r}`, name: `幂等产品 ${r}`, priceFen: 8000 } }), count: rows('products') },
  {
    route: '/api/v1/customers/{id}/interactions',
    send: () => ({ url: `/api/v1/customers/${person.id}/interactions`, body: { channel: 'call', direction: 'outbound', summary: '电话回访，暖气已恢复' } }),
    count: rows('interactions'),
  },
  {
    route: '/api/v1/tasks',
    send: () => ({ url: '/api/v1/tasks', body: { type: 'care', title: '关怀电话', dueAt: '2030-01-01T09:00:00+08:00', customerId: person.id } }),
    count: rows('tasks'),
  },
  {
    route: '/api/v1/tasks/{id}/complete',
    send: async () => {
      const task = ok(await ctx.admin.post('/api/v1/tasks', { type: 'return_visit', title: '回访', dueAt: '2030-01-01T09:00:00+08:00', customerId: person.id }), 201);
      return { url: `/api/v1/tasks/${task.id}/complete`, body: { result: '住户满意' } };
    },
    // Completing a return visit logs the contact: once.
    count: rows('interactions'),
  },
  {
    route: '/api/v1/imports',
    send: (r) => ({ url: `/api/v1/imports?kind=customers&fileName=idem${r}.csv`, file: Buffer.from(`客户全称,移动电话\n导入客户 ${r},${uniquePhone()}\n`) }),
    count: rows('import_jobs'),
  },
  {
    route: '/api/v1/imports/{id}/start',
    send: async (r) => {
      const preview = await uploadImport(ctx.admin, 'customers', `start${r}.csv`, `客户全称,移动电话\n开始甲 ${r},${uniquePhone()}\n开始乙 ${r},${uniquePhone()}\n`);
      return { url: `/api/v1/imports/${preview.job.id}/start`, body: { mapping: { 客户全称: 'name', 移动电话: 'phones' } } };
    },
    after: async (res) => void (await waitForImport(ctx.admin, res.json().id)),
    count: rows('customers'),
    delta: 2,
  },
  {
    route: '/api/v1/message-templates',
    send: (r) => ({ url: '/api/v1/message-templates', body: { name: `幂等模板 ${r}`, channel: 'sms', bodyZh: '{{name}}您好' } }),
    count: rows('message_templates'),
  },
  {
    route: '/api/v1/customers/{id}/messages',
    send: (r) => ({ url: `/api/v1/customers/${person.id}/messages`, body: { channel: 'sms', category: 'transactional', body: `停暖通知 ${r}` } }),
    count: rows('messages'),
  },
  {
    route: '/api/v1/care/plans',
    send: (r) => ({ url: '/api/v1/care/plans', body: { name: `幂等回访 ${r}`, kind: 'interval', audience: { tags: ['幂等'] }, intervalDays: 30, taskTitle: '回访' } }),
    count: rows('care_plans'),
  },
  {
    route: '/api/v1/care/rules',
    send: (r) => ({ url: '/api/v1/care/rules', body: { name: `幂等关怀 ${r}`, occasion: 'birthday', daysBefore: 0, actions: [{ taskTitle: '生日问候' }] } }),
    count: rows('care_rules'),
  },
  {
    route: '/api/v1/segments',
    send: (r) => ({ url: '/api/v1/segments', body: { name: `幂等细分 ${r}`, kind: 'dynamic', rule: { field: 'customer.city', op: 'eq', value: '哈尔滨' } } }),
    count: rows('segments'),
  },
  { route: '/api/v1/campaigns', send: (r) => ({ url: '/api/v1/campaigns', body: { name: `幂等活动 ${r}`, goal: 'repeat_purchase' } }), count: rows('campaigns') },
  { route: '/api/v1/surveys', send: (r) => ({ url: '/api/v1/surveys', body: { name: `幂等问卷 ${r}`, templateKey: 'relational_nps' } }), count: rows('surveys') },
  {
    route: '/api/v1/goals',
    send: (r) => ({ url: '/api/v1/goals', body: { name: `幂等目标 ${r}`, metric: 'tickets.complaints', targetValue: 3, periodStart: '2026-11-01' } }),
    count: rows('goals'),
  },
  {
    route: '/api/v1/performance/notes',
    send: (r) => ({ url: '/api/v1/performance/notes', body: { userId: ctx.admin.userId, note: `幂等培训记录 ${r}` } }),
    count: rows('training_notes'),
  },
  {
    route: '/api/v1/reports/subscriptions',
    send: (r) => ({ url: '/api/v1/reports/subscriptions', body: { kind: 'service', cadence: 'week', recipients: [`idem${r}@heat.example.com`] } }),
    count: rows('report_subscriptions'),
  },
  { route: '/api/v1/kb/categories', send: (r) => ({ url: '/api/v1/kb/categories', body: { name: `幂等分类 ${r}` } }), count: rows('kb_categories') },
  {
    route: '/api/v1/kb/articles',
    send: (r) => ({ url: '/api/v1/kb/articles', body: { title: `幂等文章 ${r}`, body: '关闭进水阀后联系维修。', status: 'published' } }),
    count: rows('kb_articles'),
  },
  {
    route: '/api/v1/kb/articles/{id}/uses',
    send: () => ({ url: `/api/v1/kb/articles/${articleId}/uses`, as: agent }),
    count: () => scalar(`select use_count as n from kb_articles where id = '${articleId}'`),
  },
  { route: '/api/v1/tickets', send: (r) => ({ url: '/api/v1/tickets', body: { title: `暖气不热 ${r}`, type: 'repair', customerId: person.id } }), count: rows('tickets') },
  { route: '/api/v1/tickets/{id}/notes', send: (r) => ({ url: `/api/v1/tickets/${ticketId}/notes`, body: { body: `内部备注 ${r}` } }), count: events('note') },
  { route: '/api/v1/tickets/{id}/replies', send: (r) => ({ url: `/api/v1/tickets/${ticketId}/replies`, body: { body: `师傅下午上门 ${r}` } }), count: events('reply') },
  {
    route: '/api/v1/tickets/{id}/resolve',
    send: async (r) => {
      const t = await newTicket(`待解决 ${r}`);
      return { url: `/api/v1/tickets/${t.id}/resolve`, body: { rootCauseId, solution: '更换了阀门', returnVisitDays: 3 } };
    },
    // The return visit the resolution creates: once.
    count: rows('tasks'),
  },
  {
    route: '/api/v1/public/tickets/{token}/rating',
    send: async (r) => {
      const t = await newTicket(`待评价 ${r}`);
      const resolved = ok(await ctx.admin.post(`/api/v1/tickets/${t.id}/resolve`, { rootCauseId, solution: '修好了', returnVisitDays: 0 }));
      const token = String(resolved.publicUrl).split('/').pop();
      return { url: `/api/v1/public/tickets/${token}/rating`, body: { rating: 5, comment: '很及时' }, as: ctx.anon };
    },
    count: events('rated'),
  },
  { route: '/api/v1/ticket-categories', send: (r) => ({ url: '/api/v1/ticket-categories', body: { nameZh: `幂等类别 ${r}` } }), count: rows('ticket_categories') },
  { route: '/api/v1/ticket-root-causes', send: (r) => ({ url: '/api/v1/ticket-root-causes', body: { nameZh: `幂等原因 ${r}` } }), count: rows('ticket_root_causes') },
  {
    route: '/api/v1/ticket-assignment-rules',
    send: (r) => ({ url: '/api/v1/ticket-assignment-rules', body: { name: `幂等规则 ${r}`, position: 50 + r, target: 'owner' } }),
    count: rows('ticket_assignment_rules'),
  },
  {
    route: '/api/v1/public/tickets',
    send: (r) => ({ url: '/api/v1/public/tickets', body: { name: '住户', phone: '13700001111', description: `楼道漏水 ${r}` }, as: ctx.anon }),
    count: rows('tickets'),
  },
  {
    route: '/api/v1/public/tickets/{token}/replies',
    send: (r) => ({ url: `/api/v1/public/tickets/${publicToken}/replies`, body: { body: `补充一下 ${r}` }, as: ctx.anon }),
    count: events('customer_reply'),
  },
  { route: '/api/v1/tickets/{id}/attachments', send: () => ({ url: `/api/v1/tickets/${ticketId}/attachments?name=a.png`, file: PNG }), count: rows('ticket_attachments') },
  {
    route: '/api/v1/public/tickets/{token}/attachments',
    send: () => ({ url: `/api/v1/public/tickets/${publicToken2}/attachments`, file: PNG, as: ctx.anon }),
    count: rows('ticket_attachments'),
  },
  { route: '/api/v1/tickets/sla/calendars', send: (r) => ({ url: '/api/v1/tickets/sla/calendars', body: { name: `幂等日历 ${r}`, alwaysOpen: true } }), count: rows('sla_calendars') },
  {
    route: '/api/v1/tickets/sla/policies',
    send: (r) => ({ url: '/api/v1/tickets/sla/policies', body: { name: `幂等策略 ${r}`, firstResponseMinutes: 60, resolutionMinutes: 600 } }),
    count: rows('sla_policies'),
  },
  {
    route: '/api/v1/analytics/runs',
    send: () => ({ url: '/api/v1/analytics/runs', body: {} }),
    after: (res) => waitForRun(res.json().id),
    count: rows('analytics_runs'),
  },
  ...moduleCases({ ctx: () => ctx, person: () => person, rows, scalar }),
  {
    route: '/api/v1/customers/merge',
    send: async (r) => {
      const a = await ctx.newCustomer({ name: `合并甲 ${r}`, phones: [uniquePhone()] });
      const b = await ctx.newCustomer({ name: `合并乙 ${r}`, phones: [uniquePhone()] });
      return { url: '/api/v1/customers/merge', body: { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version } };
    },
    count: rows('customer_merges'),
  },
];

beforeAll(async () => {
  ctx = await createTestContext({ clock: () => new Date(Date.now() + shiftMs) });
  agent = await ctx.newUser({ role: 'agent' });
  person = await ctx.newCustomer({ name: '幂等住户', phones: [uniquePhone()], consent: { sms: true } });
  org = await ctx.newCustomer({ kind: 'organization', name: '幂等热力有限公司' });
  ticketId = (await newTicket('幂等工单')).id;
  publicToken = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '住户甲', phone: '13700002222', description: '暖气不热' }), 201).token;
  publicToken2 = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '住户乙', phone: '13700003333', description: '暖气漏水' }), 201).token;
  articleId = ok(await ctx.admin.post('/api/v1/kb/articles', { title: '暖气不热怎么办', body: '先排气。', status: 'published' }), 201).id;
  rootCauseId = ok(await ctx.admin.post('/api/v1/ticket-root-causes', { nameZh: '阀门堵塞' }), 201).id;
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

describe('every create honours Idempotency-Key', () => {
  it('every POST route of the OpenAPI document is tested here or listed with its reason, and documents the header', async () => {
    const doc = ok(await ctx.anon.get('/api/docs/json'));
    const posts = Object.entries<any>(doc.paths)
      .filter(([, ops]) => ops.post)
      .map(([p]) => p);
    const known = new Set([...CASES.map((c) => c.route), ...Object.keys(NOT_CASES)]);
    expect(posts.filter((p) => !known.has(p))).toEqual([]);
    for (const p of posts) {
      const header = (doc.paths[p].post.parameters ?? []).find((x: any) => x.in === 'header' && x.name === 'idempotency-key');
      if (p === '/api/v1/auth/login' || p === '/api/v1/auth/logout') expect(header, p).toBeUndefined();
      else expect(header, p).toMatchObject({ required: false, schema: { type: 'string', maxLength: 255 } });
    }
  });

  let round = 0;
  for (const c of CASES) {
    it(`${c.route}: twice in a row and twice at once → one record, the same answer`, async () => {
      for (const mode of ['sequential', 'concurrent'] as const) {
        const sent = await c.send(++round);
        const before = await c.count();
        const key = randomUUID();
        const [a, b] = mode === 'sequential' ? [await post(sent, key), await post(sent, key)] : await Promise.all([post(sent, key), post(sent, key)]);
        expect(a.statusCode, `${mode}: ${a.body}`).toBeGreaterThanOrEqual(200);
        expect(a.statusCode, `${mode}: ${a.body}`).toBeLessThan(300);
        expect(b.statusCode, mode).toBe(a.statusCode);
        expect(b.body, mode).toBe(a.body);
        expect(b.headers['content-type'], mode).toBe(a.headers['content-type']);
        expect([a, b].filter((r) => r.headers[REPLAYED] === 'true'), mode).toHaveLength(1);
        if (mode === 'sequential') expect(b.headers[REPLAYED]).toBe('true');
        await c.after?.(a);
        expect(await c.count(), mode).toBe(before + (c.delta ?? 1));
      }
    }, 120_000);
  }

  it('state changes answer a repeat with the first answer instead of a conflict', async () => {
    // Reopen: the second reopen of a reopened ticket would be refused; with the same key it gets the first answer.
    const t = await newTicket('重开');
    ok(await ctx.admin.post(`/api/v1/tickets/${t.id}/resolve`, { rootCauseId, solution: '修好了', returnVisitDays: 0 }));
    const key = randomUUID();
    const sent = { url: `/api/v1/tickets/${t.id}/reopen`, body: { reason: '又不热了' } };
    const [a, b] = await Promise.all([post(sent, key), post(sent, key)]);
    expect(a.statusCode, a.body).toBe(200);
    expect([b.statusCode, b.body]).toEqual([a.statusCode, a.body]);
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${t.id}`)).reopenCount).toBe(1);
    // Without a key the repeat runs again, and is refused.
    expect((await post(sent, null)).statusCode).toBe(409);
    // A version restore writes one new version.
    const art = ok(await ctx.admin.post('/api/v1/kb/articles', { title: '版本', body: '第一版', status: 'published' }), 201);
    const changed = ok(await ctx.admin.patch(`/api/v1/kb/articles/${art.id}`, { body: '第二版', version: art.version }));
    const versions = () => scalar(`select count(*)::int as n from kb_article_versions where article_id = '${art.id}'`);
    const v0 = await versions();
    const restore = { url: `/api/v1/kb/articles/${art.id}/versions/1/restore`, body: { version: changed.version } };
    const k2 = randomUUID();
    const [c, d] = [await post(restore, k2), await post(restore, k2)];
    expect(c.statusCode, c.body).toBe(200);
    expect(d.body).toBe(c.body);
    expect(await versions()).toBe(v0 + 1);
  });
});

describe('the contract', () => {
  const interactions = () => countRows(ctx.database, 'interactions');
  const log = (summary: string) => ({ url: `/api/v1/customers/${person.id}/interactions`, body: { channel: 'call', direction: 'outbound', summary } });

  it('another request under a used key is 422 problem+json in the caller’s language, and writes nothing', async () => {
    const key = randomUUID();
    ok(await post(log('第一次'), key), 201);
    const before = await interactions();
    const zh = await post(log('第二次'), key);
    expect(zh.statusCode).toBe(422);
    expect(zh.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(zh.json()).toMatchObject({ status: 422, code: 'idempotency_key_reused', title: 'Idempotency-Key 已用于另一个请求', errors: [{ field: 'idempotency-key' }] });
    const en = await post(log('第二次'), key, { 'accept-language': 'en' });
    expect(en.json()).toMatchObject({ status: 422, code: 'idempotency_key_reused', title: 'Idempotency-Key used for another request' });
    // The same key on another route is another request too.
    expect((await post({ url: '/api/v1/tasks', body: { type: 'care', title: 'x', dueAt: '2030-01-01T09:00:00+08:00' } }, key)).statusCode).toBe(422);
    expect(await interactions()).toBe(before);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const key = randomUUID();
    const a = await post({ url: `/api/v1/customers/${person.id}/interactions`, body: { channel: 'call', direction: 'outbound', summary: '顺序' } }, key);
    const b = await post({ url: `/api/v1/customers/${person.id}/interactions`, body: { summary: '顺序', direction: 'outbound', channel: 'call' } }, key);
    expect(a.statusCode).toBe(201);
    expect(b.body).toBe(a.body);
  });

  it('a key belongs to its caller: another user, an API token or an anonymous address using it runs its own request', async () => {
    const key = randomUUID();
    const theirsCustomer = await ctx.newCustomer({ name: '客服的客户', phones: [uniquePhone()] }, agent);
    const same = { url: `/api/v1/customers/${theirsCustomer.id}/interactions`, body: { channel: 'call', direction: 'outbound', summary: '各算各的' } };
    const before = await interactions();
    const mine = ok(await post(same, key), 201);
    const theirs = ok(await post({ ...same, as: agent }, key), 201);
    expect(theirs.id).not.toBe(mine.id);
    const token = ok(await ctx.admin.post('/api/v1/tokens', { name: '幂等集成', permissions: ['customer:read', 'customer:write'] }), 201).token as string;
    const bearer = new Client(ctx.app, null, null, null, { authorization: `Bearer ${token}` });
    const viaToken = ok(await post({ ...same, as: bearer }, key), 201);
    expect(viaToken.id).not.toBe(mine.id);
    expect(ok(await post({ ...same, as: bearer }, key), 201).id).toBe(viaToken.id);
    expect(ok(await post({ ...same, as: agent }, key), 201).id).toBe(theirs.id);
    expect(await interactions()).toBe(before + 3);
    // Anonymous callers are told apart by their address.
    const report = { name: '住户', phone: '13700004444', description: '地址不同' };
    const from = (ip: string) => ctx.app.inject({ method: 'POST', url: '/api/v1/public/tickets', payload: report, remoteAddress: ip, headers: { 'idempotency-key': key } });
    const tickets = await countRows(ctx.database, 'tickets');
    const x = ok(await from('10.0.0.1'), 201);
    expect(ok(await from('10.0.0.2'), 201).token).not.toBe(x.token);
    expect(ok(await from('10.0.0.1'), 201).token).toBe(x.token);
    expect(await countRows(ctx.database, 'tickets')).toBe(tickets + 2);
  });

  it('a malformed key is a 400 naming the header; no key behaves as before', async () => {
    for (const bad of ['x'.repeat(256), '带中文', 'a b']) {
      const res = await post(log('坏键'), bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ field: 'idempotency-key' });
    }
    const before = await interactions();
    ok(await post(log('无键'), null), 201);
    ok(await post(log('无键'), null), 201);
    expect(await interactions()).toBe(before + 2);
  });

  it('a failed first attempt is not kept: the repeat runs again', async () => {
    const key = randomUUID();
    const unknown = { url: '/api/v1/customers/0f1e2d3c-4b5a-4968-8776-655443322110/interactions', body: { channel: 'call', direction: 'outbound', summary: 'x' } };
    expect((await post(unknown, key)).statusCode).toBe(404);
    expect((await post(unknown, key)).statusCode).toBe(404);
    expect(await scalar(`select count(*)::int as n from idempotency_keys where response_status is null`)).toBe(0);
    // A validation error never claims the key; the corrected request under it succeeds.
    const k2 = randomUUID();
    expect((await post({ url: `/api/v1/customers/${person.id}/interactions`, body: { channel: 'call' } }, k2)).statusCode).toBe(400);
    ok(await post(log('改正后'), k2), 201);
  });

  it('stores neither the key nor the answer in the clear', async () => {
    const key = `plain-${randomUUID()}`;
    const token = ok(await post({ url: '/api/v1/tokens', body: { name: '只显示一次', permissions: ['customer:read'] } }, key), 201).token as string;
    const dump = ((await ctx.database.db.execute(sql`select * from idempotency_keys`)) as unknown as { rows: unknown[] }).rows;
    const text = JSON.stringify(dump);
    expect(text).not.toContain(key);
    expect(text).not.toContain(token);
    expect(text).not.toContain('只显示一次');
  });

  it('keys expire after 24 hours: purged, and a repeat then runs again', async () => {
    const key = randomUUID();
    const first = ok(await post(log('过期前'), key), 201);
    const expired = () => scalar(`select count(*)::int as n from idempotency_keys where expires_at <= now() + interval '${Math.round(shiftMs / 1000)} seconds'`);
    shiftMs = IDEMPOTENCY_TTL_MS + 60_000;
    try {
      expect(await expired()).toBeGreaterThan(1);
      const again = ok(await post(log('过期前'), key), 201);
      expect(again.id).not.toBe(first.id);
      // The claim also started the periodic purge (at most every 10 minutes, in the background).
      for (let i = 0; i < 50 && (await expired()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await expired()).toBe(0);
      expect(await purgeExpiredIdempotencyKeys(ctx.database.db, new Date(Date.now() + shiftMs))).toBe(0);
      expect(await scalar('select count(*)::int as n from idempotency_keys')).toBeGreaterThan(0);
    } finally {
      shiftMs = 0;
    }
  });
});

describe('first-run setup', () => {
  let fresh: TestContext;
  beforeAll(async () => {
    fresh = await createTestContext({ setup: false });
  }, 120_000);
  afterAll(async () => {
    await fresh?.close();
  });

  it('a double submit of the setup form creates one company and one admin', async () => {
    const body = { companyName: '幂等热力', template: 'heating', admin: { username: 'boss', displayName: '老板', password: 'Admin1234' } };
    const key = randomUUID();
    const [a, b] = await Promise.all([fresh.anon.post('/api/v1/setup', body, { 'idempotency-key': key }), fresh.anon.post('/api/v1/setup', body, { 'idempotency-key': key })]);
    expect(a.statusCode, a.body).toBe(201);
    expect([b.statusCode, b.body]).toEqual([201, a.body]);
    const c = await fresh.anon.post('/api/v1/setup', body, { 'idempotency-key': key });
    expect([c.statusCode, c.body]).toEqual([201, a.body]);
    expect((await fresh.anon.post('/api/v1/setup', body, { 'idempotency-key': randomUUID() })).statusCode).toBe(409);
    expect(await countRows(fresh.database, 'users')).toBe(1);
  });
});

type Slow = { app: App; hold: () => void; release: () => void; created: () => number; entered: Promise<void> };

/** A bare server with one create that can be held in flight (and made to fail), on the test database. */
async function slowServer(c: TestContext, opts: { waitMs: number; staleMs?: number }): Promise<Slow> {
  const config = { ...loadConfig({}), logLevel: 'silent' as const };
  const options = { config, databaseKind: c.database.kind, logger: false, authenticate: async () => null, checkDatabase: async () => {} };
  const app = await createServer(options as Parameters<typeof createServer>[0]);
  registerIdempotency(app, { db: c.database.db, databaseKind: c.database.kind, waitMs: opts.waitMs, staleMs: opts.staleMs });
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  let reached = () => {};
  const entered = new Promise<void>((r) => (reached = r)); // a request is in the handler: its key is claimed
  let n = 0;
  app.post('/api/v1/test/slow', { config: { public: true } }, async (req, reply) => {
    reached();
    await gate;
    if ((req.body as { fail?: boolean } | undefined)?.fail) throw AppError.conflict('problem.conflict');
    return reply.code(201).send({ n: ++n });
  });
  await app.ready();
  return {
    app,
    hold: () => void (gate = new Promise<void>((r) => (open = r))),
    release: () => open(),
    created: () => n,
    entered,
  };
}

describe('in flight', () => {
  const send = (app: App, key: string, body: unknown = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/test/slow', payload: body as object, headers: { 'content-type': 'application/json', 'idempotency-key': key } });

  it('a repeat waits for the first and gets its answer; past the wait it is 409 with Retry-After', async () => {
    const s = await slowServer(ctx, { waitMs: 400 });
    try {
      s.hold();
      const key = randomUUID();
      const first = send(s.app, key);
      await s.entered;
      const busy = await send(s.app, key);
      expect(busy.statusCode).toBe(409);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json()).toMatchObject({ status: 409, code: 'idempotency_in_progress', title: '相同的请求正在处理中' });
      const waiting = send(s.app, key);
      await new Promise((r) => setTimeout(r, 50));
      s.release();
      const [a, b] = await Promise.all([first, waiting]);
      expect(a.statusCode).toBe(201);
      expect([b.statusCode, b.body]).toEqual([201, a.body]);
      expect(s.created()).toBe(1);
    } finally {
      await s.app.close();
    }
  });

  it('two servers on one database: the repeat on the other waits (polling the row) and replays', async () => {
    const one = await slowServer(ctx, { waitMs: 10_000 });
    const two = await slowServer(ctx, { waitMs: 10_000 });
    try {
      one.hold();
      const key = randomUUID();
      const first = send(one.app, key);
      await new Promise((r) => setTimeout(r, 50));
      const repeat = send(two.app, key);
      await new Promise((r) => setTimeout(r, 200));
      one.release();
      const [a, b] = await Promise.all([first, repeat]);
      expect(a.statusCode).toBe(201);
      expect([b.statusCode, b.body, b.headers[REPLAYED]]).toEqual([201, a.body, 'true']);
      expect(one.created() + two.created()).toBe(1);
      // A first attempt that fails releases the key; the waiting repeat then runs itself.
      one.hold();
      const k2 = randomUUID();
      const failing = send(one.app, k2, { fail: true });
      await new Promise((r) => setTimeout(r, 50));
      const after = send(two.app, k2, { fail: true });
      await new Promise((r) => setTimeout(r, 100));
      one.release();
      expect((await failing).statusCode).toBe(409);
      expect((await after).statusCode).toBe(409);
      expect((await after).headers[REPLAYED]).toBeUndefined();
    } finally {
      await one.app.close();
      await two.app.close();
    }
  });

  it('a claim left by a process that died is taken over once it is stale', async () => {
    const s = await slowServer(ctx, { waitMs: 5_000, staleMs: 1_000 });
    try {
      const key = randomUUID();
      // What a killed process leaves: the claim row, never answered.
      const first = await send(s.app, key);
      expect(first.statusCode).toBe(201);
      await ctx.database.db.execute(sql`update idempotency_keys set response_status = null, response = null, locked_at = now() - interval '1 hour' where route = '/api/v1/test/slow'`);
      const again = await send(s.app, key);
      expect(again.statusCode).toBe(201);
      expect(again.headers[REPLAYED]).toBeUndefined();
      expect(s.created()).toBe(2);
      expect((await send(s.app, key)).body).toBe(again.body);
    } finally {
      await s.app.close();
    }
  });
});
