/**
 * Coupon codes on transactions: the code handler a higher module registers (campaigns) runs inside the transaction's
 * own database transaction, from the API and from an import; a refused code writes nothing of its transaction.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import { clearTransactionCodeHandlerForTests } from './codes.js';
import { registerTransactionCodeHandler, type TransactionCodeEvent } from './index.js';
import { transactions } from './schema.js';

type Seen = TransactionCodeEvent & { rowFound: boolean; actorId: string | null };

describe('transaction codes', () => {
  let ctx: TestContext;
  let customer: Record<string, any>;
  let seen: Seen[] = [];
  let unregister: (() => void) | null = null;
  const txs = (id = customer.id) => `/api/v1/customers/${id}/transactions`;

  beforeAll(async () => {
    ctx = await createTestContext();
    customer = await ctx.newCustomer({ name: '优惠码住户', phones: ['13300000077'] });
    unregister = registerTransactionCodeHandler(async (tx, actor, event) => {
      // The transaction is visible through the handler's database handle: the handler runs after the insert, inside.
      const [row] = await tx.select().from(transactions).where(eq(transactions.id, event.transactionId));
      seen.push({ ...event, rowFound: !!row && row.customerId === event.customerId && row.amountFen === event.amountFen, actorId: actor.userId });
      if (event.code !== 'GOOD') throw AppError.field('couponCode', 'transactions.coupon_unknown', { code: event.code });
    });
  });
  afterEach(() => {
    seen = [];
  });
  afterAll(async () => {
    unregister?.();
    await ctx.close();
  });

  it('a good code: 201, the handler saw the written transaction inside its database transaction', async () => {
    const res = await ctx.admin.post(txs(), { occurredAt: '2024-11-20', type: 'purchase', amountFen: 12_300, couponCode: '  GOOD ' });
    expect(res.statusCode, res.body).toBe(201);
    const t = res.json();
    expect(seen).toEqual([
      {
        transactionId: t.id,
        customerId: customer.id,
        code: 'GOOD',
        amountFen: 12_300,
        type: 'purchase',
        occurredAt: new Date('2024-11-19T16:00:00.000Z'),
        source: 'api',
        rowFound: true,
        actorId: ctx.admin.userId,
      },
    ]);
    // An empty code is no code: the handler is not asked.
    const plain = await ctx.admin.post(txs(), { occurredAt: '2024-11-21', type: 'purchase', amountFen: 100, couponCode: '   ' });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(seen).toHaveLength(1);
  });

  it('a refused code: the handler’s problem on couponCode in zh-CN and English, and nothing written', async () => {
    const before = [await countRows(ctx.database, 'transactions'), await countRows(ctx.database, 'transaction_lines'), await countRows(ctx.database, 'audit_log')];
    const body = { occurredAt: '2024-11-20', type: 'purchase', lines: [{ description: '滤网', quantity: 2, unitPriceFen: 500 }], couponCode: 'BAD' };
    const zh = problemOf(await ctx.admin.post(txs(), body), 400);
    expect(zh.errors).toEqual([{ field: 'couponCode', message: '优惠码「BAD」无效' }]);
    const en = problemOf(await ctx.admin.lang('en').post(txs(), body), 400);
    expect(en.errors).toEqual([{ field: 'couponCode', message: 'Unknown coupon code "BAD"' }]);
    // The handler did see the row (and its lines) before refusing: the rollback removed them.
    expect(seen.map((s) => [s.code, s.rowFound, s.amountFen])).toEqual([
      ['BAD', true, 1000],
      ['BAD', true, 1000],
    ]);
    expect([await countRows(ctx.database, 'transactions'), await countRows(ctx.database, 'transaction_lines'), await countRows(ctx.database, 'audit_log')]).toEqual(before);
  });

  it('codes apply to purchases: a payment or refund with a code is 400 on couponCode; too long a code is 400', async () => {
    const before = await countRows(ctx.database, 'transactions');
    const refund = problemOf(await ctx.admin.post(txs(), { occurredAt: '2024-11-20', type: 'refund', amountFen: 100, couponCode: 'GOOD' }), 400);
    expect(refund.errors).toEqual([{ field: 'couponCode', message: '优惠码只能用于购买，缴费和退款不能使用' }]);
    const payment = problemOf(await ctx.admin.lang('en').post(txs(), { occurredAt: '2024-11-20', type: 'payment', amountFen: 100, couponCode: 'GOOD' }), 400);
    expect(payment.errors).toEqual([{ field: 'couponCode', message: 'A coupon code applies to purchases only, not to payments or refunds' }]);
    const long = problemOf(await ctx.admin.post(txs(), { occurredAt: '2024-11-20', type: 'purchase', amountFen: 100, couponCode: 'X'.repeat(41) }), 400);
    expect(long.errors.map((e) => e.field)).toEqual(['couponCode']);
    expect(seen).toEqual([]);
    expect(await countRows(ctx.database, 'transactions')).toBe(before);
  });

  it('imports: a row with a refused code is rejected with the reason, the others are written; a re-import redeems nothing again', async () => {
    const csv = '客户电话,日期,金额,优惠码\n13300000077,2024-03-01,10,GOOD\n13300000077,2024-03-02,20,BAD\n13300000077,2024-03-03,30,\n';
    const { preview, job, rejects } = await importFile(ctx.admin, 'transactions', '优惠码交易.csv', csv);
    expect(preview.suggestedMapping).toMatchObject({ 优惠码: 'couponCode' });
    expect(preview.fields.find((f) => f.key === 'couponCode')).toMatchObject({ label: '优惠码', required: false });
    expect(job).toMatchObject({ created: 2, rejected: 1 });
    expect(rejects.map((r) => [r.row, r.field, r.reason])).toEqual([[3, 'couponCode', '优惠码「BAD」无效']]);
    expect(seen.map((s) => [s.code, s.source, s.amountFen, s.rowFound])).toEqual([
      ['GOOD', 'import', 1000, true],
      ['BAD', 'import', 2000, true],
    ]);
    const rows = await ctx.database.db.select().from(transactions).where(eq(transactions.customerId, customer.id));
    const imported = rows.filter((r) => r.importKey).map((r) => r.amountFen).sort((a, b) => a - b);
    expect(imported).toEqual([1000, 3000]);
    expect(rows.find((r) => r.amountFen === 1000 && r.importKey)!.id).toBe(seen[0]!.transactionId);

    seen = [];
    const again = await importFile(ctx.admin, 'transactions', '优惠码交易.csv', csv);
    expect(again.job).toMatchObject({ created: 0, skipped: 2, rejected: 1 });
    expect(seen.map((s) => s.code)).toEqual(['BAD']);
  });

  it('without a handler every code is unknown (400), from the API and in an import; without a code nothing changes', async () => {
    const restore = clearTransactionCodeHandlerForTests();
    try {
      const before = await countRows(ctx.database, 'transactions');
      const p = problemOf(await ctx.admin.lang('en').post(txs(), { occurredAt: '2024-11-20', type: 'purchase', amountFen: 100, couponCode: 'GOOD' }), 400);
      expect(p.errors).toEqual([{ field: 'couponCode', message: 'Unknown coupon code "GOOD"' }]);
      expect(await countRows(ctx.database, 'transactions')).toBe(before);
      const { job, rejects } = await importFile(ctx.admin, 'transactions', '无处理.csv', '客户电话,日期,金额,券码\n13300000077,2024-04-01,10,GOOD\n13300000077,2024-04-02,10,\n');
      expect(job).toMatchObject({ created: 1, rejected: 1 });
      expect(rejects.map((r) => [r.row, r.reason])).toEqual([[2, '优惠码「GOOD」无效']]);
      expect((await ctx.admin.post(txs(), { occurredAt: '2024-11-20', type: 'purchase', amountFen: 100 })).statusCode).toBe(201);
    } finally {
      restore();
    }
    expect(seen).toEqual([]);
  });
});
