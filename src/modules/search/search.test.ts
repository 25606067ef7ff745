/**
 * The global search (`GET /api/v1/search`): a group per module, each as that module's list filters it — the data
 * scope (an own-scope agent never sees another's customer), permissions (no ticket group without ticket:read),
 * phone fragments only for customer:pii holders while a complete number finds its customer for anyone, phones masked —
 * and bad input as a 400 naming `q` in both languages.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { SearchGroupKey, SearchResult } from './search.contract.js';

let ctx: TestContext;
let agentA: Client;
let agentB: Client;
let viewer: Client;
let zhang: Record<string, any>;
let li: Record<string, any>;
let ticket: { id: string; number: number };

const search = async (as: Client, q: string, extra = '') => ok<SearchResult>(await as.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`));
const group = (r: SearchResult, g: SearchGroupKey) => r.groups.find((x) => x.group === g);
const titles = (r: SearchResult, g: SearchGroupKey) => group(r, g)?.hits.map((h) => h.title) ?? [];

describe('global search', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agentA = await ctx.newUser({ role: 'agent', username: 'agent.zhou' });
    agentB = await ctx.newUser({ role: 'agent', username: 'agent.wu' });
    // A viewer without tickets (and, as every viewer, without personal data).
    ok(await ctx.admin.patch('/api/v1/roles/viewer', { permissions: ['customer:read', 'user:read', 'kb:read'] }));
    viewer = await ctx.newUser({ role: 'viewer' });
    const address = { city: '哈尔滨市', compound: '幸福家园', building: '3号楼', unit: '2单元', room: '501' };
    zhang = await ctx.newCustomer({ name: '张三丰', phones: ['13812345678'], address }, agentA);
    li = await ctx.newCustomer({ name: '李四光', phones: ['13987654321'], address: { ...address, room: '502' } }, agentB);
    await ctx.database.db.execute(sql`update customers set external_id = 'HR20240001' where id = ${zhang.id}`);
    const cats = ok<{ items: { id: string }[] }>(await ctx.admin.get('/api/v1/ticket-categories')).items;
    ticket = ok(await ctx.admin.post('/api/v1/tickets', { title: '暖气片漏水', type: 'repair', categoryId: cats[0]!.id, customerId: zhang.id }), 201);
  });
  afterAll(() => ctx.close());

  it('answers a group per module, each with its hits and links', async () => {
    const r = await search(ctx.admin, '张三');
    expect(r.groups.map((g) => g.group)).toEqual(['customers', 'tickets', 'articles', 'users']);
    expect(group(r, 'customers')!.hits).toEqual([
      { id: zhang.id, title: '张三丰', subtitle: 'HR20240001 · 138****5678 · 哈尔滨市幸福家园3号楼2单元501', link: `/customers/${zhang.id}` },
    ]);
    // Address, one Chinese character (the start of a name), the customer number.
    expect(titles(await search(ctx.admin, '幸福家园'), 'customers').sort()).toEqual(['张三丰', '李四光']);
    expect(titles(await search(ctx.admin, '李'), 'customers')).toEqual(['李四光']);
    expect(titles(await search(ctx.admin, 'HR20240001'), 'customers')).toEqual(['张三丰']);
    // Tickets by title and by number; articles by the knowledge base's own (segmented) search; users by name.
    const leak = await search(ctx.admin, '漏水');
    expect(group(leak, 'tickets')!.hits).toEqual([{ id: ticket.id, title: '暖气片漏水', subtitle: `#${ticket.number} · 新建 · 张三丰`, link: `/tickets/${ticket.id}` }]);
    expect(titles(leak, 'articles')[0]).toBe('漏水应急处理');
    expect(group(leak, 'articles')!.hits[0]!.link).toMatch(/^\/kb\?article=[0-9a-f-]{36}$/);
    expect(titles(await search(ctx.admin, String(ticket.number)), 'tickets')).toEqual(['暖气片漏水']);
    expect(titles(await search(ctx.admin, `#${ticket.number}`), 'tickets')).toEqual(['暖气片漏水']);
    const users = await search(ctx.admin, 'agent.zh');
    expect(group(users, 'users')!.hits).toEqual([expect.objectContaining({ subtitle: '@agent.zhou', link: expect.stringMatching(/^\/admin\/users\?user=/) })]);
    // English subtitles in English.
    const en = ok<SearchResult>(await ctx.admin.lang('en').get(`/api/v1/search?q=${ticket.number}`));
    expect(group(en, 'tickets')!.hits[0]!.subtitle).toBe(`#${ticket.number} · New · 张三丰`);
    expect(group(await search(ctx.admin, '幸福', '&limit=1'), 'customers')!.hits).toHaveLength(1);
  });

  it('keeps to the data scope and the permissions of each module', async () => {
    expect(titles(await search(agentA, '张三'), 'customers')).toEqual(['张三丰']);
    expect(titles(await search(agentA, '李四'), 'customers')).toEqual([]);
    expect(titles(await search(agentA, '幸福家园'), 'customers')).toEqual(['张三丰']);
    expect(titles(await search(agentB, '13812345678'), 'customers')).toEqual([]); // a complete number, but not B's customer
    expect(titles(await search(agentB, '漏水'), 'tickets')).toEqual([]); // A's customer's ticket
    expect(titles(await search(agentA, '漏水'), 'tickets')).toEqual(['暖气片漏水']);
    const v = await search(viewer, '漏水');
    expect(v.groups.map((g) => g.group)).toEqual(['customers', 'articles', 'users']);
    // Users: a plain reader sees names without a link to the admins' page.
    expect(group(await search(agentA, 'agent.wu'), 'users')!.hits).toEqual([expect.objectContaining({ subtitle: '@agent.wu', link: null })]);
  });

  it('matches phone fragments only for customer:pii holders, complete numbers for anyone, and masks phones', async () => {
    expect(titles(await search(agentA, '12345'), 'customers')).toEqual(['张三丰']);
    expect(titles(await search(ctx.admin, '5678'), 'customers')).toEqual(['张三丰']);
    expect(titles(await search(viewer, '12345'), 'customers')).toEqual([]);
    for (const q of ['13812345678', '138 1234 5678', '+8613812345678']) {
      const r = await search(viewer, q);
      expect(titles(r, 'customers'), q).toEqual(['张三丰']);
    }
    const all = JSON.stringify([await search(ctx.admin, '幸福家园'), await search(viewer, '13812345678'), await search(agentA, '12345')].map((r) => r.groups));
    expect(all).not.toContain('13812345678');
    expect(all).not.toContain('13987654321');
    expect(all).toContain('139****4321');
    // One digit is a number only (customer number, ticket number): allowed, no fragment match.
    expect(titles(await search(ctx.admin, '5'), 'customers')).toEqual([]);
    expect(li.id).toBeTruthy();
  });

  it('refuses a query too short or missing, naming q, in Chinese and English', async () => {
    const zh = problemOf(await ctx.admin.get('/api/v1/search?q=a'), 400);
    expect(zh.errors).toEqual([{ field: 'q', message: expect.stringContaining('搜索词') }]);
    expect(zh.errors[0]!.message).toContain('2 个字母');
    const en = problemOf(await ctx.admin.lang('en').get('/api/v1/search?q=%20x%20'), 400);
    expect(en.errors).toEqual([{ field: 'q', message: expect.stringContaining('Search text') }]);
    expect(en.errors[0]!.message).toContain('two letters');
    expect(problemOf(await ctx.admin.get('/api/v1/search'), 400).errors[0]!.field).toBe('q');
    expect(problemOf(await ctx.admin.get(`/api/v1/search?q=${'长'.repeat(101)}`), 400).errors[0]!.field).toBe('q');
    expect(problemOf(await ctx.admin.get('/api/v1/search?q=ab&limit=99'), 400).errors[0]!.field).toBe('limit');
    expect(problemOf(await ctx.admin.get('/api/v1/search?q=ab&x=1'), 400).errors[0]!.field).toBe('x');
    problemOf(await ctx.anon.get('/api/v1/search?q=ab'), 401);
    ok(await ctx.admin.get('/api/v1/search?q=ab'));
    ok(await ctx.admin.get('/api/v1/search?q=王'));
  });
});
