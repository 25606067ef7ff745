/**
 * Segments as the customer list's audience, through HTTP: `GET /api/v1/customers?segment=<id>` lists exactly the
 * segment's current members (the total too), combines with the list's other filters, keeps the actor's data scope,
 * and the CSV export of the same filters carries the same customers. A removed member, a deleted or unknown segment
 * matches nobody; a segment that is not a uuid is a 400 naming `segment`; without segment:read the filter is a 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { CustomerView } from '../customers/index.js';
import type { SegmentAddReport, SegmentView } from './segments.contract.js';

type CustomerPage = { items: CustomerView[]; nextCursor: string | null; total: number | null; totalExact: boolean };

describe('the customer list filtered by a segment', () => {
  let ctx: TestContext;
  let manager: Client;
  let am: Client;
  let list: SegmentView;
  const c: Record<string, string> = {};

  const page = async (as: Client, query: string) => ok<CustomerPage>(await as.get(`/api/v1/customers?withTotal=true&${query}`));
  const names = (p: CustomerPage) => p.items.map((i) => i.name).sort();

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'manager', username: 'lf.manager' });
    am = await ctx.newUser({ role: 'account_manager', username: 'lf.am' });
    const mk = async (name: string, city: string, ownerId?: string) =>
      (c[name] = (await ctx.newCustomer({ name, address: { city }, ...(ownerId ? { ownerId } : {}) })).id as string);
    await mk('周一', '哈尔滨市', am.userId!);
    await mk('吴二', '长春市');
    await mk('郑三', '哈尔滨市');
    await mk('王四', '哈尔滨市', am.userId!);
    list = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '春节问候名单', kind: 'static' }), 201);
    const added = ok<SegmentAddReport>(await manager.post(`/api/v1/segments/${list.id}/members`, { customerIds: [c['周一'], c['吴二']] }));
    expect(added).toEqual({ added: 2, alreadyMembers: 0, notFound: [], memberCount: 2 });
  });
  afterAll(async () => ctx?.close());

  it('lists exactly the members, with the total, and combines with the other filters', async () => {
    expect(names(await page(ctx.admin, '')).length).toBe(4);
    const members = await page(manager, `segment=${list.id}`);
    expect(names(members)).toEqual(['吴二', '周一']);
    expect(members.total).toBe(2);
    expect(members.totalExact).toBe(true);
    // Paged one at a time: the cursor walk keeps the filter.
    const first = await page(manager, `segment=${list.id}&limit=1`);
    expect(first.total).toBe(2);
    const second = await page(manager, `segment=${list.id}&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect([...names(first), ...names(second)].sort()).toEqual(['吴二', '周一']);
    expect(second.nextCursor).toBeNull();
    const inCity = await page(manager, `segment=${list.id}&city=${encodeURIComponent('哈尔滨市')}`);
    expect(names(inCity)).toEqual(['周一']);
    expect(inCity.total).toBe(1);
  });

  it('keeps the data scope: an account manager sees only the members they own', async () => {
    const mine = await page(am, `segment=${list.id}`);
    expect(names(mine)).toEqual(['周一']);
    expect(mine.total).toBe(1);
  });

  it('exports the same customers as CSV', async () => {
    const res = await manager.get(`/api/v1/customers/export.csv?segment=${list.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.body;
    expect(body).toContain('周一');
    expect(body).toContain('吴二');
    expect(body).not.toContain('郑三');
    expect(body).not.toContain('王四');
  });

  it('follows membership: a removed member leaves, a deleted or unknown segment matches nobody', async () => {
    ok(await manager.post(`/api/v1/segments/${list.id}/members/remove`, { customerIds: [c['吴二']] }));
    expect(names(await page(manager, `segment=${list.id}`))).toEqual(['周一']);
    const unknown = await page(manager, 'segment=00000000-0000-4000-8000-0000000000aa');
    expect(unknown.items).toEqual([]);
    expect(unknown.total).toBe(0);
    expect((await manager.delete(`/api/v1/segments/${list.id}`)).statusCode).toBe(204);
    const deleted = await page(manager, `segment=${list.id}`);
    expect(deleted.items).toEqual([]);
    expect(deleted.total).toBe(0);
  });

  it('refuses a segment that is not an id, naming `segment`', async () => {
    const p = problemOf(await manager.get('/api/v1/customers?segment=not-a-uuid'), 400);
    expect(p.errors.map((e) => e.field)).toEqual(['segment']);
    expect(p.errors[0]!.message).toBeTruthy();
    const csv = problemOf(await manager.get('/api/v1/customers/export.csv?segment=42'), 400);
    expect(csv.errors.map((e) => e.field)).toEqual(['segment']);
  });

  it('is the segment’s to show: without segment:read the filter is refused (403), the plain list is not', async () => {
    const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
    const perms = roles.find((r) => r.key === 'account_manager')!.permissions;
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: perms.filter((x) => x !== 'segment:read') }));
    try {
      expect(problemOf(await am.get(`/api/v1/customers?segment=${list.id}`), 403).code).toBe('forbidden');
      expect(names(await page(am, 'limit=50'))).toEqual(['周一', '王四']);
    } finally {
      ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: perms }));
    }
  });
});
