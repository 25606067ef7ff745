/**
 * The public report form's match to a household (`POST /public/tickets`, then `GET /tickets/:id/customer-candidates`):
 * exactly one customer with the phone (any written form) → the ticket is linked and shows on that customer's summary
 * band; two → not linked, both offered as candidates; none → households at the written address offered (the right
 * flat first), and linking one with the ticket's own edit; candidates keep to the agent's data scope; bad input is
 * problem+json naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf, ok } from '../../test/http.js';
import type { CustomerSummaryView } from '../customers/index.js';
import type { TicketCandidatesView } from './candidates.contract.js';

let ctx: TestContext;
let agent: Client;

/** Submits the public form (no session) and returns the ticket as an agent reads it. */
async function report(body: Record<string, unknown>): Promise<{ id: string; version: number; customer: { id: string } | null }> {
  const made = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '住户', description: '暖气片不热', ...body }), 201);
  const found = ok(await ctx.admin.get(`/api/v1/tickets?q=${made.number}&limit=5`)).items.find((x: { number: number }) => x.number === made.number);
  return ok(await ctx.admin.get(`/api/v1/tickets/${found.id}`));
}
const candidates = async (c: Client, id: string) => ok<TicketCandidatesView>(await c.get(`/api/v1/tickets/${id}/customer-candidates`));

describe('public tickets matched to their household', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
  });
  afterAll(() => ctx.close());

  it('one customer with the phone: linked, and on that customer’s summary band', async () => {
    const c = await ctx.newCustomer({ name: '赵一户', phones: ['13811112222'] });
    const tk = await report({ phone: '138 1111 2222' });
    expect(tk.customer?.id).toBe(c.id);
    expect(await candidates(ctx.admin, tk.id)).toEqual({ by: null, items: [] });
    const band = ok<CustomerSummaryView>(await ctx.admin.get(`/api/v1/customers/${c.id}/summary`));
    expect(band.figures.find((f) => f.key === 'tickets.open')).toMatchObject({ value: 1 });
  });

  it('two customers with the phone: not linked, both offered (masked); an agent sees only the one in scope', async () => {
    const a = await ctx.newCustomer({ name: '钱父', phones: ['13822223333'], address: { compound: '和平小区', building: '1号楼', unit: '1单元', room: '101' } });
    const b = await ctx.newCustomer({ name: '钱子', phones: ['+86 138-2222-3333'], ownerId: agent.userId });
    const tk = await report({ phone: '13822223333' });
    expect(tk.customer).toBeNull();
    const all = await candidates(ctx.admin, tk.id);
    expect(all.by).toBe('phone');
    expect(all.items.map((x) => x.customerId).sort()).toEqual([a.id, b.id].sort());
    expect(all.items.find((x) => x.customerId === a.id)).toEqual({ customerId: a.id, name: '钱父', address: '和平小区 1号楼 1单元 101', phone: '138****3333' });
    // The agent reaches the unlinked ticket (intake) but only its own customer.
    expect((await candidates(agent, tk.id)).items.map((x) => x.customerId)).toEqual([b.id]);
  });

  it('no customer with the phone: households at the written address, the right flat first; one click links it', async () => {
    const flat = (building: string, unit: string, room: string, name: string) =>
      ctx.newCustomer({ name, phones: [], address: { city: '哈尔滨市', compound: '幸福家园', building, unit, room } });
    const other = await flat('3号楼', '1单元', '501', '孙一单元');
    const right = await flat('3号楼', '2单元', '501', '孙对门');
    const neighbour = await flat('3号楼', '2单元', '502', '孙邻居');
    await flat('4号楼', '2单元', '501', '孙四号楼');
    const tk = await report({ phone: '13933334444', address: '哈尔滨 幸福家园3号楼2单元501室' });
    expect(tk.customer).toBeNull();
    const offered = await candidates(ctx.admin, tk.id);
    expect(offered.by).toBe('address');
    // The flat itself is found: it alone is offered.
    expect(offered.items).toEqual([{ customerId: right.id, name: '孙对门', address: '幸福家园 3号楼 2单元 501', phone: null }]);
    // Without the room: the unit's households first, then the building's.
    const noRoom = await report({ phone: '13933334447', address: '幸福家园3号楼2单元' });
    expect((await candidates(ctx.admin, noRoom.id)).items.map((x) => x.customerId)).toEqual([right.id, neighbour.id, other.id]);
    // 「3-2-501」 reads the same; a compound alone offers nobody.
    const dashed = await report({ phone: '13933334445', address: '幸福家园 3-2-501' });
    expect((await candidates(ctx.admin, dashed.id)).items[0]?.customerId).toBe(right.id);
    const vague = await report({ phone: '13933334446', address: '幸福家园' });
    expect(await candidates(ctx.admin, vague.id)).toEqual({ by: null, items: [] });
    // Linking (the ticket's own edit): it lands on the household's summary band, and the candidates are gone.
    ok(await ctx.admin.patch(`/api/v1/tickets/${tk.id}`, { customerId: right.id, version: tk.version }));
    expect(await candidates(ctx.admin, tk.id)).toEqual({ by: null, items: [] });
    const band = ok<CustomerSummaryView>(await ctx.admin.get(`/api/v1/customers/${right.id}/summary`));
    expect(band.figures.find((f) => f.key === 'tickets.open')).toMatchObject({ value: 1 });
  });

  it('bad input: a phone that is no number, a bad ticket id, an unknown ticket — problem+json naming the field', async () => {
    const phone = problemOf(await ctx.anon.post('/api/v1/public/tickets', { name: '住户', phone: '12', description: '不热' }), 400);
    expect(phone.errors[0]?.field).toBe('phone');
    const en = problemOf(await ctx.anon.lang('en').post('/api/v1/public/tickets', { name: '住户', phone: 'abc', description: '不热' }), 400);
    expect(en.errors[0]).toMatchObject({ field: 'phone' });
    expect(en.errors[0]?.message).toMatch(/[a-z]/i);
    expect(problemOf(await ctx.admin.get('/api/v1/tickets/nope/customer-candidates'), 400).errors[0]?.field).toBe('id');
    problemOf(await ctx.admin.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000/customer-candidates'), 404);
    problemOf(await ctx.anon.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000/customer-candidates'), 401);
  });
});
