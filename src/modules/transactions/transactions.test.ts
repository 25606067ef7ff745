/**
 * Purchases, payments and refunds on a customer, the product catalogue, and the customer's lifetime figures.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

describe('transactions and products', () => {
  let ctx: TestContext;
  let household: Record<string, any>;
  let repair: { id: string; priceFen: number };
  let valve: { id: string; priceFen: number };

  beforeAll(async () => {
    ctx = await createTestContext();
    household = await ctx.newCustomer({ name: '李建国', address: { city: '哈尔滨市', compound: '幸福家园', room: '501' } });
    repair = (await ctx.admin.post('/api/v1/products', { code: 'SVC-REPAIR', name: '上门维修', category: '维修', priceFen: 8000, unit: '次' })).json();
    valve = (await ctx.admin.post('/api/v1/products', { code: 'PART-VALVE', name: '更换阀门', category: '配件', priceFen: 3333 })).json();
  });
  afterAll(() => ctx.close());

  const txs = (_c: Client, id = household.id) => `/api/v1/customers/${id}/transactions`;

  it('records a purchase from catalogue lines: prices default to the catalogue, the amount is their sum in fen', async () => {
    const res = await ctx.admin.post(txs(ctx.admin), {
      occurredAt: '2024-11-20T10:30:00+08:00',
      type: 'purchase',
      channel: '上门',
      lines: [
        { productId: repair.id },
        { productId: valve.id, quantity: 1.5 },
        { description: '辅料', quantity: 2, unitPriceFen: 250 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const t = res.json();
    expect(t.amountFen).toBe(8000 + 5000 + 500); // 1.5 × 3333 = 4999.5 → 5000
    expect(t.lines.map((l: { description: string; amountFen: number }) => [l.description, l.amountFen])).toEqual([
      ['上门维修', 8000],
      ['更换阀门', 5000],
      ['辅料', 500],
    ]);
    expect(t.occurredAt).toBe('2024-11-20T02:30:00.000Z');
  });

  it('records a yearly heating payment with its season and billed area, and a refund', async () => {
    const pay = await ctx.admin.post(txs(ctx.admin), {
      occurredAt: '2024-10-15',
      type: 'payment',
      amountFen: 2_856_000,
      channel: '营业厅',
      heatingSeason: '2024-2025',
      billedAreaM2: 88.5,
      externalId: 'HEAT-2024-0001',
    });
    expect(pay.statusCode, pay.body).toBe(201);
    expect(pay.json()).toMatchObject({ heatingSeason: '2024-2025', billedAreaM2: 88.5, occurredAt: '2024-10-14T16:00:00.000Z' });
    const refund = await ctx.admin.post(txs(ctx.admin), { occurredAt: '2024-12-01T09:00:00+08:00', type: 'refund', amountFen: 3000, notes: '阀门退货' });
    expect(refund.statusCode, refund.body).toBe(201);
  });

  it('summarises lifetime spend (refunds subtracted), count, first and last date and average order value', async () => {
    const s = (await ctx.admin.get(`${txs(ctx.admin)}/summary`)).json();
    expect(s).toEqual({
      count: 2,
      grossFen: 13_500 + 2_856_000,
      refundsFen: 3000,
      lifetimeSpendFen: 13_500 + 2_856_000 - 3000,
      averageOrderFen: Math.round((13_500 + 2_856_000) / 2),
      firstAt: '2024-10-14T16:00:00.000Z',
      lastAt: '2024-11-20T02:30:00.000Z',
    });
  });

  it('refuses bad input naming the field, in zh-CN and English, and writes nothing', async () => {
    const before = [await countRows(ctx.database, 'transactions'), await countRows(ctx.database, 'transaction_lines')];
    const mismatch = problemOf(
      await ctx.admin.post(txs(ctx.admin), { occurredAt: '2024-01-01', type: 'purchase', amountFen: 1, lines: [{ productId: repair.id }] }),
      400,
    );
    expect(mismatch.errors).toEqual([{ field: 'amountFen', message: '「金额」与明细合计 ¥80.00 不符' }]);
    const missing = problemOf(await ctx.admin.lang('en').post(txs(ctx.admin), { occurredAt: '2024-01-01', type: 'payment' }), 400);
    expect(missing.errors).toEqual([{ field: 'amountFen', message: '"Amount (fen)" is required' }]);
    const future = problemOf(await ctx.admin.post(txs(ctx.admin), { occurredAt: '2099-01-01', type: 'payment', amountFen: 100 }), 400);
    expect(future.errors.map((e) => e.field)).toEqual(['occurredAt']);
    const kinds = problemOf(
      await ctx.admin.post(txs(ctx.admin), { occurredAt: 'yesterday', type: 'gift', amountFen: 1.5, heatingSeason: '2024-2026', extra: 1 }),
      400,
    );
    expect(kinds.errors.map((e) => e.field).sort()).toEqual(['amountFen', 'extra', 'heatingSeason', 'occurredAt', 'type']);
    const unknownProduct = problemOf(
      await ctx.admin.post(txs(ctx.admin), { occurredAt: '2024-01-01', type: 'purchase', lines: [{ productId: '00000000-0000-4000-8000-000000000000' }] }),
      400,
    );
    expect(unknownProduct.errors[0]!.field).toBe('lines.0.productId');
    const dup = problemOf(
      await ctx.admin.post(txs(ctx.admin), { occurredAt: '2024-01-01', type: 'payment', amountFen: 100, externalId: 'HEAT-2024-0001' }),
      409,
    );
    expect(dup.errors).toEqual([{ field: 'externalId', message: '外部编号「HEAT-2024-0001」已存在（该记录已导入过）' }]);
    expect([await countRows(ctx.database, 'transactions'), await countRows(ctx.database, 'transaction_lines')]).toEqual(before);
  });

  it('lists newest first with keyset pages: every transaction exactly once', async () => {
    const c = await ctx.newCustomer({ name: '分页住户' });
    for (let i = 0; i < 23; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const res = await ctx.admin.post(txs(ctx.admin, c.id), { occurredAt: `2023-0${1 + (i % 3)}-${day}`, type: 'purchase', amountFen: 100 + i });
      expect(res.statusCode).toBe(201);
    }
    const seen: { id: string; occurredAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: LightMyRequestResponse = await ctx.admin.get(`${txs(ctx.admin, c.id)}?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      const body = res.json() as { items: { id: string; occurredAt: string }[]; nextCursor: string | null };
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((t) => t.id)).size).toBe(23);
    const times = seen.map((t) => t.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    problemOf(await ctx.admin.get(`${txs(ctx.admin, c.id)}?cursor=bogus`), 400);
  });

  it('delete hides a transaction from the list and the totals; restore brings it back; both are in the customer history', async () => {
    const c = await ctx.newCustomer({ name: '退款住户' });
    const t = (await ctx.admin.post(txs(ctx.admin, c.id), { occurredAt: '2024-03-01', type: 'purchase', amountFen: 9900 })).json();
    expect((await ctx.admin.delete(`/api/v1/transactions/${t.id}`)).statusCode).toBe(204);
    expect((await ctx.admin.get(`${txs(ctx.admin, c.id)}/summary`)).json().lifetimeSpendFen).toBe(0);
    expect((await ctx.admin.get(txs(ctx.admin, c.id))).json().items).toEqual([]);
    expect((await ctx.admin.get(`${txs(ctx.admin, c.id)}?deleted=only`)).json().items.map((x: { id: string }) => x.id)).toEqual([t.id]);
    const restored = await ctx.admin.post(`/api/v1/transactions/${t.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect((await ctx.admin.get(`${txs(ctx.admin, c.id)}/summary`)).json().lifetimeSpendFen).toBe(9900);
    problemOf(await ctx.admin.post(`/api/v1/transactions/${t.id}/restore`), 409);
    const actions = ((await ctx.admin.get(`/api/v1/customers/${c.id}/history`)).json().items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['transaction_create', 'transaction_delete', 'transaction_restore']));
  });

  it('follows the customer data scope: another agent’s customer has no transactions to read or write', async () => {
    const mine = await ctx.newUser({ role: 'agent' });
    const other = await ctx.newUser({ role: 'agent' });
    const theirs = await ctx.newCustomer({ name: '别人的客户' }, other);
    const t = (await other.post(txs(other, theirs.id), { occurredAt: '2024-05-01', type: 'payment', amountFen: 500 })).json();
    expect(t.amountFen).toBe(500);
    problemOf(await mine.get(txs(mine, theirs.id)), 404);
    problemOf(await mine.get(`${txs(mine, theirs.id)}/summary`), 404);
    problemOf(await mine.post(txs(mine, theirs.id), { occurredAt: '2024-05-01', type: 'payment', amountFen: 500 }), 404);
    problemOf(await mine.delete(`/api/v1/transactions/${t.id}`), 404);
    problemOf(await mine.post(`/api/v1/transactions/${t.id}/restore`), 404);
    expect((await other.get(`${txs(other, theirs.id)}/summary`)).json().lifetimeSpendFen).toBe(500);

    const viewer = await ctx.newUser({ role: 'viewer' });
    expect((await viewer.get(`${txs(viewer)}/summary`)).statusCode).toBe(200);
    problemOf(await viewer.post(txs(viewer), { occurredAt: '2024-05-01', type: 'payment', amountFen: 500 }), 403);
    problemOf(await viewer.delete(`/api/v1/transactions/${t.id}`), 403);
    problemOf(await ctx.anon.get(txs(ctx.anon)), 401);
  });

  it('manages the catalogue: unique codes, search, change, retire; only product managers write', async () => {
    const dup = problemOf(await ctx.admin.post('/api/v1/products', { code: 'SVC-REPAIR', name: '重复' }), 409);
    expect(dup.errors[0]).toEqual({ field: 'code', message: '产品编码「SVC-REPAIR」已存在' });
    const found = (await ctx.admin.get(`/api/v1/products?q=${encodeURIComponent('阀门')}`)).json().items;
    expect(found.map((p: { code: string }) => p.code)).toEqual(['PART-VALVE']);
    const changed = await ctx.admin.patch(`/api/v1/products/${valve.id}`, { priceFen: 3500 });
    expect(changed.json().priceFen).toBe(3500);
    expect((await ctx.admin.delete(`/api/v1/products/${valve.id}`)).statusCode).toBe(204);
    expect((await ctx.admin.get('/api/v1/products')).json().items.map((p: { code: string }) => p.code)).toEqual(['SVC-REPAIR']);
    // Past line items still show the retired product's name.
    const lines = (await ctx.admin.get(txs(ctx.admin))).json().items.flatMap((t: { lines: { description: string }[] }) => t.lines);
    expect(lines.map((l: { description: string }) => l.description)).toContain('更换阀门');

    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.post('/api/v1/products', { code: 'X', name: 'x' }), 403);
    expect((await agent.get('/api/v1/products')).statusCode).toBe(200);
  });
});
