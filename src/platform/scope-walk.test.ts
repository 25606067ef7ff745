/**
 * The data scope, walked over the whole API: every documented route that takes the id of a record, called by an
 * own-scope agent with the id of another agent's record (their customer, its contacts, transactions,
 * interactions, messages, tickets, tasks, merges), must answer 403 or 404 — never the record, never a 5xx — and
 * the walk must change nothing in the database. Every list route, called by the same agent, must not show the
 * other agent's customer. New routes are covered as they are added: the walk reads /api/docs/json.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../test/harness.js';

type Ids = Record<string, string>;
const NOBODY = '00000000-0000-4000-8000-000000000001';

/** Valid bodies for the write routes on another agent's records, so that a 400 cannot hide a missing scope check. */
function bodyFor(method: string, path: string, ids: Ids): unknown {
  const key = `${method} ${path}`;
  const bodies: Record<string, unknown> = {
    'PATCH /api/v1/customers/{id}': { version: 1, name: '改名' },
    'DELETE /api/v1/customers/{id}': { version: 1 },
    'POST /api/v1/customers/{id}/restore': { version: 2 },
    'POST /api/v1/customers/{id}/reveal': { fields: ['phones'] },
    'POST /api/v1/customers/{id}/contacts': { name: '联系人' },
    'PATCH /api/v1/customers/{id}/contacts/{contactId}': { name: '联系人改' },
    'POST /api/v1/customers/{id}/transactions': { type: 'payment', amountFen: 100, occurredAt: '2026-01-05T10:00:00+08:00' },
    'POST /api/v1/customers/{id}/interactions': { channel: 'call', direction: 'outbound', summary: '回访', occurredAt: '2026-01-05T10:00:00+08:00' },
    'PATCH /api/v1/interactions/{id}': { summary: '改' },
    'PATCH /api/v1/tasks/{id}': { title: '改' },
    'POST /api/v1/tasks/{id}/complete': { result: '完成' },
    'POST /api/v1/customers/{id}/messages': { channel: 'sms', body: '您好' },
    'POST /api/v1/customers/{id}/consent': { channel: 'sms', purpose: 'marketing', action: 'withdraw' },
    'PATCH /api/v1/tickets/{id}': { title: '改' },
    'POST /api/v1/tickets/{id}/status': { status: 'in_progress' },
    'POST /api/v1/tickets/{id}/assign': { assigneeId: ids.me },
    'POST /api/v1/tickets/{id}/notes': { body: '备注' },
    'POST /api/v1/tickets/{id}/replies': { body: '回复' },
    'POST /api/v1/tickets/{id}/resolve': { solution: '已处理', rootCauseId: ids.rootCause, outcomeTold: 'reply' },
    'POST /api/v1/tickets/{id}/reopen': { reason: '又坏了' },
    'POST /api/v1/tickets/{id}/merge': { intoId: ids.myTicket },
    'POST /api/v1/tickets/{id}/reveal': {},
    'POST /api/v1/customers/merges/{id}/undo': {},
    'POST /api/v1/imports/{id}/start': { mapping: {} },
  };
  return key in bodies ? bodies[key] : method === 'GET' ? undefined : {};
}

/** Routes on records that a data scope covers, and which id each path parameter takes. */
function fill(path: string, ids: Ids): string | null {
  const byPrefix: [RegExp, string][] = [
    [/^\/api\/v1\/customers\/merges\/\{id\}/, ids.merge!],
    [/^\/api\/v1\/customers\/\{id\}/, ids.customer!],
    [/^\/api\/v1\/transactions\/\{id\}/, ids.transaction!],
    [/^\/api\/v1\/interactions\/\{id\}/, ids.interaction!],
    [/^\/api\/v1\/tasks\/\{id\}/, ids.task!],
    [/^\/api\/v1\/tickets\/\{id\}/, ids.ticket!],
    [/^\/api\/v1\/messages\/\{id\}/, ids.message!],
    [/^\/api\/v1\/imports\/\{id\}/, ids.import ?? NOBODY],
  ];
  const hit = byPrefix.find(([re]) => re.test(path));
  if (!hit) return null;
  return path
    .replace('{id}', hit[1])
    .replace('{contactId}', ids.contact!)
    .replace('{attachmentId}', NOBODY);
}

/** A digest of every table but the ones a refused request may legitimately touch (sessions, idempotency keys). */
async function digest(ctx: TestContext): Promise<Record<string, string>> {
  const tables = (await ctx.database.db.execute(
    sql`select tablename from pg_tables where schemaname = 'public' and tablename not in ('sessions', 'idempotency_keys', '__drizzle_migrations') order by 1`,
  )) as unknown as { rows: { tablename: string }[] };
  const out: Record<string, string> = {};
  for (const { tablename } of tables.rows) {
    const res = (await ctx.database.db.execute(
      sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${tablename}" t`),
    )) as unknown as { rows: { n: number; h: string }[] };
    out[tablename] = `${res.rows[0]!.n}:${res.rows[0]!.h}`;
  }
  return out;
}

describe('data scope over every documented route', () => {
  let ctx: TestContext;
  let me: Client, other: Client;
  const ids: Ids = {};
  const MARK = '乙方独有客户甲七号';
  let doc: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    ctx = await createTestContext();
    me = await ctx.newUser({ role: 'agent', username: 'scope.me' });
    other = await ctx.newUser({ role: 'agent', username: 'scope.other' });
    ids.me = me.userId!;
    const ok = (res: { statusCode: number; body: string }, status = 201) => {
      expect(res.statusCode, res.body).toBe(status);
      return JSON.parse(res.body) as Record<string, any>;
    };
    // The other agent's records.
    const customer = ok(await other.post('/api/v1/customers', { kind: 'organization', name: MARK, phones: ['13912345678'], ownerId: other.userId }));
    ids.customer = customer.id;
    ids.contact = ok(await other.post(`/api/v1/customers/${customer.id}/contacts`, { name: '乙方联系人' })).id;
    ids.transaction = ok(
      await other.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'payment', amountFen: 250000, occurredAt: '2026-01-05T10:00:00+08:00' }),
    ).id;
    ids.interaction = ok(
      await other.post(`/api/v1/customers/${customer.id}/interactions`, {
        channel: 'call',
        direction: 'outbound',
        summary: '乙方回访',
        occurredAt: '2026-01-05T10:00:00+08:00',
      }),
    ).id;
    ids.task = ok(
      await other.post('/api/v1/tasks', { type: 'care', title: '乙方任务', dueAt: '2030-01-01T09:00:00+08:00', customerId: customer.id, assigneeId: other.userId }),
    ).id;
    const categories = ok(await ctx.admin.get('/api/v1/ticket-categories'), 200);
    const categoryId = (categories.items as { id: string }[])[0]!.id;
    ids.ticket = ok(await other.post('/api/v1/tickets', { title: '乙方工单', type: 'repair', categoryId, customerId: customer.id })).id;
    ids.myTicket = ok(await me.post('/api/v1/tickets', { title: '我的工单', type: 'repair', categoryId })).id;
    const causes = ok(await ctx.admin.get('/api/v1/ticket-root-causes'), 200);
    ids.rootCause = (causes.items as { id: string }[])[0]!.id;
    ids.message = ok(await ctx.admin.post(`/api/v1/customers/${customer.id}/messages`, { channel: 'sms', body: '乙方短信' })).id;
    // A merge of two of the other agent's customers.
    const twin = ok(await other.post('/api/v1/customers', { name: `${MARK}（重复）`, phones: ['13912345679'], ownerId: other.userId }));
    const merge = await ctx.admin.post('/api/v1/customers/merges', { survivorId: twin.id, mergedId: twin.id });
    ids.merge = merge.statusCode === 201 ? (JSON.parse(merge.body) as { id: string }).id : NOBODY;
    doc = (await ctx.anon.get('/api/docs/json')).json();
  });
  afterAll(async () => ctx?.close());

  it('refuses every route on another agent’s records with 403 or 404, writing nothing', async () => {
    const before = await digest(ctx);
    const wrong: string[] = [];
    let walked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        const url = fill(path, ids);
        if (!url) continue;
        walked++;
        const res = await me.request(method as 'GET', url, bodyFor(method, path, ids));
        if (![403, 404].includes(res.statusCode)) wrong.push(`${method} ${path} → ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(walked).toBeGreaterThan(40);
    expect(await digest(ctx)).toEqual(before);
  });

  it('shows none of another agent’s customers in any list', async () => {
    const leaks: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!('get' in ops) || path.includes('{') || !path.startsWith('/api/v1/') || path.startsWith('/api/v1/public/')) continue;
      const res = await me.get(path);
      if (res.statusCode >= 500) leaks.push(`GET ${path} → ${res.statusCode}`);
      else if (res.body.includes(MARK) || res.body.includes(ids.customer!)) leaks.push(`GET ${path} shows the other agent's customer`);
    }
    expect(leaks).toEqual([]);
  });

  it('lets the owner reach the same records (the walk is not vacuous)', async () => {
    for (const url of [`/api/v1/customers/${ids.customer}`, `/api/v1/tickets/${ids.ticket}`, `/api/v1/customers/${ids.customer}/contacts`]) {
      const res = await other.get(url);
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
      expect(res.body).toContain(url.includes('tickets') ? '乙方工单' : url.includes('contacts') ? '乙方联系人' : MARK);
    }
  });
});
