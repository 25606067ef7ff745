/**
 * Tag management (colour, rename, merge, delete) and bulk tagging from the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

describe('tags', () => {
  let ctx: TestContext;
  const ids: Record<string, string> = {};
  const tagsOf = async (name: string) => (await ctx.admin.get(`/api/v1/customers/${ids[name]}`)).json().tags as string[];

  beforeAll(async () => {
    ctx = await createTestContext();
    for (const [name, tags] of [
      ['甲', ['VIP', '重点', '供暖季']],
      ['乙', ['vip客户', '供暖季']],
      ['丙', ['重点']],
      ['丁', []],
    ] as const) {
      ids[name] = (await ctx.newCustomer({ name, tags: [...tags] })).id;
    }
  });
  afterAll(() => ctx.close());

  it('lists tags in use with counts, and registered colours', async () => {
    expect((await ctx.admin.put('/api/v1/tags/VIP', { color: 'gold', description: '高价值客户' })).statusCode).toBe(200);
    expect((await ctx.admin.put('/api/v1/tags/未使用', { color: '#ff0000' })).statusCode).toBe(200);
    const items = (await ctx.admin.get('/api/v1/tags')).json().items as { name: string; color: string | null; count: number }[];
    expect(items).toEqual(
      expect.arrayContaining([
        { name: 'VIP', color: 'gold', description: '高价值客户', count: 1 },
        { name: '供暖季', color: null, description: null, count: 2 },
        { name: '未使用', color: '#ff0000', description: null, count: 0 },
      ]),
    );
    problemOf(await ctx.admin.put('/api/v1/tags/VIP', { color: 'rainbow' }), 400);
    // Null clears a value, absent keeps it; the answer and the audit entry say what is stored.
    const cleared = await ctx.admin.put('/api/v1/tags/未使用', { color: null, description: '临时' });
    expect(cleared.json()).toEqual({ name: '未使用', color: null, description: '临时' });
    expect((await ctx.admin.put('/api/v1/tags/未使用', {})).json()).toEqual({ name: '未使用', color: null, description: '临时' });
    const [entry] = (await ctx.admin.get('/api/v1/audit?entityType=tag&entityId=未使用&limit=2')).json().items.slice(1);
    expect(entry.changes).toEqual({ color: ['#ff0000', null], description: [null, '临时'] });
    const blank = problemOf(await ctx.admin.put(`/api/v1/tags/${encodeURIComponent(' ')}`, { color: 'gold' }), 400);
    expect(blank.errors[0]!.message).toMatch(/「标签」/);
  });

  it('merges tags on every customer, keeping order and collapsing duplicates; stale edits then notice', async () => {
    const before = (await ctx.admin.get(`/api/v1/customers/${ids['甲']}`)).json();
    const res = await ctx.admin.post('/api/v1/tags/merge', { from: ['vip客户', 'VIP'], into: '重点' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ into: '重点', customers: 2 });
    expect(await tagsOf('甲')).toEqual(['重点', '供暖季']);
    expect(await tagsOf('乙')).toEqual(['重点', '供暖季']);
    expect(await tagsOf('丙')).toEqual(['重点']);
    // The registry entry (colour) moved to the target.
    const items = (await ctx.admin.get('/api/v1/tags')).json().items as { name: string; color: string | null }[];
    expect(items.find((t) => t.name === '重点')!.color).toBe('gold');
    expect(items.map((t) => t.name)).not.toContain('VIP');
    // A form opened before the merge cannot overwrite it.
    problemOf(await ctx.admin.patch(`/api/v1/customers/${ids['甲']}`, { version: before.version, notes: '旧表单' }), 409);
    const audit = (await ctx.admin.get('/api/v1/audit?entityType=tag&action=merge')).json().items;
    expect(audit[0].changes).toMatchObject({ from: ['vip客户', 'VIP'], into: '重点', customers: 2 });
    expect(audit[0].changes.customerIds.sort()).toEqual([ids['甲'], ids['乙']].sort());
    problemOf(await ctx.admin.post('/api/v1/tags/merge', { from: ['重点'], into: '重点' }), 400);
  });

  it('deletes a tag from every customer', async () => {
    const res = await ctx.admin.delete('/api/v1/tags/供暖季');
    expect(res.json()).toEqual({ customers: 2 });
    expect(await tagsOf('甲')).toEqual(['重点']);
    expect((await ctx.admin.get('/api/v1/tags')).json().items.map((t: { name: string }) => t.name)).not.toContain('供暖季');
  });

  it('bulk-tags selected customers within the scope; out-of-scope ones are reported, not touched; history shows it', async () => {
    const res = await ctx.admin.post('/api/v1/customers/bulk/tags', { ids: [ids['丙'], ids['丁']], add: ['回访名单', '重点'], remove: [] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ matched: 2, changed: 2, notFound: [] });
    expect(await tagsOf('丙')).toEqual(['重点', '回访名单']);
    expect(await tagsOf('丁')).toEqual(['回访名单', '重点']);
    const history = (await ctx.admin.get(`/api/v1/customers/${ids['丁']}/history`)).json().items;
    expect(history[0].changes).toEqual({ tags: [[], ['回访名单', '重点']] });

    const untag = await ctx.admin.post('/api/v1/customers/bulk/tags', { ids: [ids['丙'], ids['丁']], remove: ['回访名单'] });
    expect(untag.json()).toMatchObject({ changed: 2 });
    expect(await tagsOf('丁')).toEqual(['重点']);

    const agent = await ctx.newUser({ role: 'agent' });
    const own = await ctx.newCustomer({ name: '自己的' }, agent);
    const scoped = await agent.post('/api/v1/customers/bulk/tags', { ids: [own.id, ids['甲']], add: ['已回访'] });
    expect(scoped.json()).toEqual({ matched: 1, changed: 1, notFound: [ids['甲']] });
    expect(await tagsOf('甲')).toEqual(['重点']);
  });

  it('refuses bad input and missing permissions, writing nothing', async () => {
    const audit = await countRows(ctx.database, 'audit_log');
    problemOf(await ctx.admin.post('/api/v1/customers/bulk/tags', { ids: [ids['甲']] }), 400);
    const bad = problemOf(await ctx.admin.post('/api/v1/customers/bulk/tags', { ids: ['nope'], add: ['x'.repeat(33)] }), 400);
    expect(bad.errors.map((e) => e.field).sort()).toEqual(['add.0', 'ids.0']);
    const viewer = await ctx.newUser({ role: 'viewer' });
    const afterUser = await countRows(ctx.database, 'audit_log');
    expect(afterUser).toBeGreaterThan(audit); // creating the viewer (and its sign-in) is audited
    problemOf(await viewer.post('/api/v1/customers/bulk/tags', { ids: [ids['甲']], add: ['x'] }), 403);
    problemOf(await viewer.post('/api/v1/tags/merge', { from: ['重点'], into: 'x' }), 403);
    problemOf(await viewer.delete('/api/v1/tags/重点'), 403);
    problemOf(await viewer.put('/api/v1/tags/重点', { color: 'red' }), 403);
    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.post('/api/v1/tags/merge', { from: ['重点'], into: 'x' }), 403);
    expect(await tagsOf('甲')).toEqual(['重点']);
  });
});
