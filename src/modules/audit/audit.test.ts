/**
 * The audit log: who did what, when and from where — readable only with audit:read.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import type { AuditView } from './audit.contract.js';
import { problemOf } from '../../test/http.js';

/** An entry as the tests read it: `changes` loosely typed, to reach into. */
type Entry = Omit<AuditView, 'changes'> & { changes: any };

describe('audit log', () => {
  let ctx: TestContext;
  let agent: Client, manager: Client;
  let customerId: string;
  let startedAt: string;

  const audit = async (query = '', as: Client = ctx.admin): Promise<Entry[]> => {
    const res = await as.get(`/api/v1/audit${query ? `?${query}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Entry[];
  };

  beforeAll(async () => {
    startedAt = new Date(Date.now() - 1000).toISOString();
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent', username: 'audit.agent' });
    manager = await ctx.newUser({ role: 'manager', username: 'audit.manager' });
    // One of everything, by the agent (a customer's life) and the admin (reveal, export).
    const ua = { 'user-agent': 'HearthTest/1.0 (审计)' };
    const created = await agent.post('/api/v1/customers', { name: '审计客户', phones: ['13812345678'] }, ua);
    customerId = created.json().id;
    await agent.patch(`/api/v1/customers/${customerId}`, { version: 1, stage: 'loyal' }, ua);
    await ctx.admin.post(`/api/v1/customers/${customerId}/reveal`, { reason: '回访核实' });
    await ctx.admin.get('/api/v1/customers/export.csv?stage=loyal');
    await ctx.admin.delete(`/api/v1/customers/${customerId}`);
  });
  afterAll(() => ctx.close());

  it('lists login, create, update, delete, reveal and export entries, newest first, with actor and ip', async () => {
    const items = await audit('limit=200');
    const actions = new Set(items.map((e) => e.action));
    for (const a of ['setup', 'login', 'create', 'update', 'delete', 'reveal', 'export']) expect(actions, a).toContain(a);
    const ids = items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const byAction = (action: string, entityType = 'customer') => items.find((e) => e.action === action && e.entityType === entityType)!;
    expect(byAction('create')).toMatchObject({
      actorId: agent.userId,
      via: 'session',
      entityId: customerId,
      ip: '127.0.0.1',
      userAgent: 'HearthTest/1.0 (审计)',
      changes: { name: [null, '审计客户'], phones: [null, ['138****5678']] },
    });
    expect(byAction('update')).toMatchObject({ actorId: agent.userId, changes: { stage: ['new', 'loyal'] } });
    expect(byAction('delete')).toMatchObject({ actorId: ctx.admin.userId, actorName: '系统管理员', entityId: customerId, ip: '127.0.0.1' });
    expect(byAction('reveal')).toMatchObject({ actorId: ctx.admin.userId, changes: { fields: ['phones', 'idNumber'], reason: '回访核实' } });
    expect(byAction('export')).toMatchObject({
      actorId: ctx.admin.userId,
      entityId: null,
      changes: { format: 'csv', unmasked: true, filters: { stage: 'loyal', deleted: 'exclude' } },
    });
    expect(byAction('login', 'user')).toMatchObject({ entityType: 'user', ip: '127.0.0.1', via: 'session' });
    expect(byAction('setup', 'settings')).toMatchObject({ actorId: null, via: 'system' });
    for (const e of items) {
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(startedAt) - 60_000);
      expect(e.ip).toBe('127.0.0.1');
    }
  });

  it('labels each entry\'s action, entity type and changed fields in the caller\'s language', async () => {
    const [zh] = await audit(`entityType=customer&action=create&entityId=${customerId}`);
    expect(zh).toMatchObject({ action: 'create', actionLabel: '新建', entityType: 'customer', entityLabel: '客户', fieldLabels: { name: '姓名/名称', phones: '电话' } });
    const en = (await ctx.admin.lang('en').get(`/api/v1/audit?entityType=customer&entityId=${customerId}`)).json().items as Entry[];
    expect(en.map((e) => [e.actionLabel, e.entityLabel])).toEqual([
      ['Delete', 'Customer'],
      ['View personal data', 'Customer'],
      ['Update', 'Customer'],
      ['Create', 'Customer'],
    ]);
    expect(en[2]!.fieldLabels).toEqual({ stage: 'Lifecycle stage' });
    const [login] = await audit('action=login&limit=1');
    expect(login).toMatchObject({ actionLabel: '登录', entityLabel: '用户' });
  });

  it('is forbidden (403) without audit:read; a manager may read it', async () => {
    const viewer = await ctx.newUser({ role: 'viewer' });
    const marketer = await ctx.newUser({ role: 'marketer' });
    for (const who of [agent, viewer, marketer]) {
      const p = problemOf(await who.get('/api/v1/audit'), 403);
      expect(p).toMatchObject({ code: 'forbidden', detail: '没有权限执行此操作' });
    }
    expect(problemOf(await viewer.lang('en').get('/api/v1/audit?action=reveal'), 403).detail).toBe('You do not have permission to do this');
    expect((await audit('action=reveal', manager)).map((e) => e.entityId)).toEqual([customerId]);
    // A token holding audit:read may read it too; one without may not.
    const withAudit = (await manager.post('/api/v1/tokens', { name: '审计导出', permissions: ['audit:read'] })).json().token;
    const without = (await manager.post('/api/v1/tokens', { name: '只读客户', permissions: ['customer:read'] })).json().token;
    const bearer = (t: string) => new Client(ctx.app, null, null, null, { authorization: `Bearer ${t}` });
    expect((await bearer(withAudit).get('/api/v1/audit?limit=1')).statusCode).toBe(200);
    problemOf(await bearer(without).get('/api/v1/audit'), 403);
  });

  it('filters by entityType, action, entityId and actorId', async () => {
    const customers = await audit('entityType=customer&limit=200');
    expect(customers.length).toBeGreaterThanOrEqual(5);
    expect(new Set(customers.map((e) => e.entityType))).toEqual(new Set(['customer']));

    const updates = await audit('action=update&entityType=customer');
    expect(updates.map((e) => e.entityId)).toEqual([customerId]);

    const logins = await audit('action=login');
    expect(logins.length).toBeGreaterThanOrEqual(3);
    expect(new Set(logins.map((e) => e.action))).toEqual(new Set(['login']));

    const ofCustomer = await audit(`entityType=customer&entityId=${customerId}`);
    expect(ofCustomer.map((e) => e.action)).toEqual(['delete', 'reveal', 'update', 'create']);

    const byAgent = await audit(`actorId=${agent.userId}`);
    expect(byAgent.map((e) => e.action)).toEqual(['update', 'create', 'login']);

    expect(await audit('action=no_such_action')).toEqual([]);
    expect(await audit('entityType=customer&action=login')).toEqual([]);
  });

  it('filters by time', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await audit(`from=${encodeURIComponent(future)}`)).toEqual([]);
    const all = await audit('limit=200');
    expect(await audit(`from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(future)}&limit=200`)).toEqual(all);
    expect(await audit(`to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).toEqual([]);
  });

  it('pages with a cursor, every entry exactly once', async () => {
    const all = await audit('limit=200');
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res = await ctx.admin.get(`/api/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: Entry[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    // Reading the audit log is not itself audited, so nothing was added meanwhile.
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('bad query parameters → 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=abc', 'cursor'],
      ['from=yesterday', 'from'],
      ['to=0000-01-01T00:00:00Z', 'to'],
      ['actorId=admin', 'actorId'],
      ['entityId=%00', 'entityId'],
      ['page=2', 'page'],
    ];
    for (const [q, field] of cases) {
      const p = problemOf(await ctx.admin.get(`/api/v1/audit?${q}`), 400);
      expect(p.errors.map((e) => e.field), q).toEqual([field]);
    }
    const en = problemOf(await ctx.admin.lang('en').get('/api/v1/audit?limit=abc'), 400);
    expect(en.detail).toBe('"Page size" has the wrong type; expected a number');
  });

  it('entries made with an API token say so', async () => {
    const token = (await ctx.admin.post('/api/v1/tokens', { name: '数据同步', permissions: ['customer:read', 'customer:write'] })).json().token;
    const res = await new Client(ctx.app, null, null, null, { authorization: `Bearer ${token}` }).post('/api/v1/customers', { name: '同步来的客户' });
    const [entry] = await audit(`entityType=customer&entityId=${res.json().id}`);
    expect(entry).toMatchObject({ action: 'create', via: 'token', actorId: ctx.admin.userId, actorName: '系统管理员' });
  });

  it('user changes are audited with what changed; a staff mobile number is kept masked', async () => {
    const res = await ctx.admin.patch(`/api/v1/users/${agent.userId}`, { displayName: '审计客服', mobile: '13604519999' });
    expect(res.statusCode, res.body).toBe(200);
    const [entry] = await audit(`entityType=user&action=update&entityId=${agent.userId}`);
    expect(entry!.changes).toEqual({ displayName: [expect.any(String), '审计客服'], mobile: [null, '136****9999'] });
    // A manager (audit:read without user:manage) cannot read staff mobiles from the user list, nor from the log.
    const users = (await manager.get('/api/v1/users')).json().items as { id: string; mobile: string | null }[];
    expect(users.find((u) => u.id === agent.userId)!.mobile).toBeNull();
    expect(JSON.stringify(await audit('entityType=user&limit=200', manager))).not.toContain('13604519999');
  });

  it('the audit log holds no full phone number of anyone', async () => {
    const rows = (await ctx.database.db.execute(sql`select coalesce(changes::text, '') as c from audit_log`)) as unknown as { rows: { c: string }[] };
    expect(rows.rows.filter((r) => /1[3-9]\d{9}/.test(r.c)).map((r) => r.c)).toEqual([]);
  });
});
