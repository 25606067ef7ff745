/**
 * 「可能重复」 (GET /customers/duplicate-check): the existing customers a customer being entered may duplicate — by a
 * phone in any written form, by the ID number, by the address (spaces and case ignored, as the duplicate finder
 * compares it) with a similar name — masked like the list; within the caller's data scope only, matches outside it
 * only counted; deleted customers left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';

type View = {
  matches: { id: string; name: string; phones: string[]; idNumber: string | null; address: Record<string, string | null>; ownerName: string | null; reasons: string[] }[];
  outsideScope: { reason: string; count: number }[];
};

let ctx: TestContext;
let agent: Client;
let ownId: string;
let foreignId: string;
const ADDRESS = { city: '哈尔滨市', compound: '幸福家园', building: '3', unit: '2', room: '301' };

const check = async (as: Client, q: Record<string, string>) => ok<View>(await as.get(`/api/v1/customers/duplicate-check?${new URLSearchParams(q)}`));

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await ctx.newUser({ role: 'agent' });
  ownId = (
    await ctx.newCustomer({ name: '李秀英', phones: ['13900007301'], idType: 'resident', idNumber: '230102198503120010', address: ADDRESS, ownerId: agent.userId })
  ).id;
  foreignId = (
    await ctx.newCustomer({ name: '王建国', phones: ['13900007302'], idNumber: '230102199001010027', address: { city: '哈尔滨市', street: '中山路 88 号' }, ownerId: ctx.admin.userId })
  ).id;
  const gone = await ctx.newCustomer({ name: '已删除的住户', phones: ['13900007303'], ownerId: agent.userId });
  expect((await ctx.admin.delete(`/api/v1/customers/${gone.id}`, { version: gone.version })).statusCode).toBe(204);
});
afterAll(() => ctx?.close());

describe('GET /customers/duplicate-check', () => {
  it('finds a customer by phone in any written form, masked like the list, with a link id and the owner', async () => {
    for (const phones of ['139 0000 7301', '+86 139-0000-7301', '13800000000,13900007301']) {
      const v = await check(agent, { phones });
      expect(v.matches, phones).toHaveLength(1);
      expect(v.matches[0]).toMatchObject({ id: ownId, name: '李秀英', phones: ['139****7301'], idNumber: '230***********0010', reasons: ['phone'] });
      expect(v.matches[0]!.address).toMatchObject(ADDRESS);
      expect(v.outsideScope).toEqual([]);
    }
    // Masked for holders of the personal-data permission too (the administrator), as in the list.
    expect((await check(ctx.admin, { phones: '13900007301' })).matches[0]!.phones).toEqual(['139****7301']);
    // A number still being typed, and one nobody has: nothing.
    expect((await check(agent, { phones: '1390000' })).matches).toEqual([]);
    expect((await check(agent, { phones: '13911112222' })).matches).toEqual([]);
  });

  it('finds a customer by ID number (case ignored)', async () => {
    const v = await check(agent, { idNumber: '230102198503120010' });
    expect(v.matches.map((m) => [m.id, m.reasons])).toEqual([[ownId, ['id_number']]]);
    expect((await check(agent, { idNumber: '2301021985' })).matches).toEqual([]);
  });

  it('finds a customer by name and address, as the duplicate finder compares them; several reasons on one match', async () => {
    const v = await check(agent, { name: '李秀英', city: '哈尔滨市', compound: '幸福 家园', building: '3', unit: '2', room: '301' });
    expect(v.matches.map((m) => [m.id, m.reasons])).toEqual([[ownId, ['name_address']]]);
    // Another name at the same address is another household member, not a duplicate; the same name elsewhere neither.
    expect((await check(agent, { name: '张伟', ...ADDRESS })).matches).toEqual([]);
    expect((await check(agent, { name: '李秀英', ...ADDRESS, room: '302' })).matches).toEqual([]);
    // A name without an address checks nothing.
    expect((await check(agent, { name: '李秀英' })).matches).toEqual([]);
    const all = await check(agent, { phones: '13900007301', idNumber: '230102198503120010', name: '李秀英', ...ADDRESS });
    expect(all.matches.map((m) => [m.id, m.reasons])).toEqual([[ownId, ['phone', 'id_number', 'name_address']]]);
  });

  it('keeps to the data scope: a match outside it is only counted, never named', async () => {
    const q = { phones: '13900007302', idNumber: '230102199001010027', name: '王建国', city: '哈尔滨市', street: '中山路88号' };
    const v = await agent.get(`/api/v1/customers/duplicate-check?${new URLSearchParams(q)}`);
    const body = ok<View>(v);
    expect(body.matches).toEqual([]);
    expect(body.outsideScope).toEqual([
      { reason: 'phone', count: 1 },
      { reason: 'id_number', count: 1 },
      { reason: 'name_address', count: 1 },
    ]);
    expect(v.body).not.toContain(foreignId);
    expect(v.body).not.toContain('王建国');
    // The administrator (scope all) sees it, and nothing outside.
    const admin = await check(ctx.admin, q);
    expect(admin.matches.map((m) => [m.id, m.reasons])).toEqual([[foreignId, ['phone', 'id_number', 'name_address']]]);
    expect(admin.outsideScope).toEqual([]);
  });

  it('leaves deleted customers out, answers an empty query with nothing, and needs customer:write', async () => {
    expect(await check(ctx.admin, { phones: '13900007303' })).toEqual({ matches: [], outsideScope: [], erased: [] });
    expect(await check(agent, {})).toEqual({ matches: [], outsideScope: [], erased: [] });
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.get('/api/v1/customers/duplicate-check?phones=13900007301'), 403);
    const p = problemOf(await agent.get(`/api/v1/customers/duplicate-check?name=${'名'.repeat(201)}`), 400);
    expect(p.errors[0]).toMatchObject({ field: 'name' });
  });
});
