/**
 * A refund imported with the transactions import can name the purchase or payment it refunds by that transaction's
 * number (the 原交易编号 / refund_of column): it is written with `refund_of_id`, so loyalty takes back the points the
 * original earned (in the refunded share) and gives back the points spent on it (a fee deduction redeemed against
 * the bill) — the same path as a refund entered by hand. An unknown original, one of another customer, a refund of
 * more than is left, or a non-refund row naming an original is rejected with the reason, and writes nothing; the
 * same file again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import type { LedgerEntryView, MemberView, RewardView } from './loyalty.contract.js';

let ctx: TestContext;
let agent: Client;
let manager: Client;
const now = new Date('2026-10-20T10:00:00+08:00');

const member = async (id: string) => ok<MemberView>(await agent.get(`/api/v1/loyalty/members/${id}`));
const ledger = async (id: string, lang?: string) =>
  ok<{ items: LedgerEntryView[] }>(await agent.get(`/api/v1/loyalty/members/${id}/ledger?limit=200`, lang ? { 'accept-language': lang } : undefined)).items;
const transactionsOf = async (id: string) =>
  ok<{ items: { id: string; externalId: string | null; type: string; refundOfId: string | null; amountFen: number }[] }>(await agent.get(`/api/v1/customers/${id}/transactions?limit=100`)).items;

describe('a refund imported with the transaction it refunds (refund_of)', () => {
  let customer: Record<string, any>;
  let stranger: Record<string, any>;
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agent = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    customer = await ctx.newCustomer({ name: '周志强', phones: ['13900007101'], ownerId: agent.userId });
    stranger = await ctx.newCustomer({ name: '吴秀兰', phones: ['13900007102'], ownerId: agent.userId });
  });
  afterAll(() => ctx.close());

  it('takes back the original’s points in the refunded share and gives back points spent on it; bad rows are rejected with the reason', async () => {
    const fees =
      '手机,缴费单号,日期,金额,类型,采暖季\n' +
      '13900007101,IR-1,2026/10/20,"2,000.00",缴费,2026-2027\n' +
      '13900007101,IR-2,2026/10/20,"1,000.00",缴费,2026-2027\n' +
      '13900007102,IR-9,2026/10/20,500.00,缴费,2026-2027\n';
    expect((await importFile(agent, 'transactions', 'fees.csv', fees)).job).toMatchObject({ created: 3, rejected: 0 });
    const txs = await transactionsOf(customer.id);
    const idOf = (ext: string) => txs.find((t) => t.externalId === ext)!.id;
    const entries = await ledger(customer.id);
    const earned = (ext: string) => entries.filter((e) => e.sourceId === idOf(ext) && e.kind === 'earn').reduce((s, e) => s + e.points, 0);
    const e1 = earned('IR-1');
    const e2 = earned('IR-2');
    expect(e1).toBeGreaterThan(0);
    expect(e2).toBeGreaterThan(0);
    // 500 points spent as a fee deduction against IR-2's bill.
    const deduction = ok<RewardView>(await manager.post('/api/v1/loyalty/rewards', { name: { zh: '采暖费抵扣 50 元', en: '¥50 off the heating fee' }, kind: 'fee_deduction', pointsCost: 500, valueFen: 5000 }), 201);
    ok(await agent.post(`/api/v1/loyalty/members/${customer.id}/redemptions`, { rewardId: deduction.id, transactionId: idOf('IR-2') }), 201);
    const before = (await member(customer.id)).balance;
    expect(before).toBe(e1 + e2 - 500);

    const refunds =
      '手机,缴费单号,日期,金额,类型,原交易编号\n' +
      '13900007101,IR-R1,2026/10/20,"1,000.00",退款,IR-1\n' + // half of IR-1
      '13900007101,IR-R2,2026/10/20,"1,000.00",退款,IR-2\n' + // all of IR-2, whose bill had the deduction
      '13900007101,IR-R3,2026/10/20,10.00,退款,IR-404\n' + // no such transaction
      '13900007101,IR-R4,2026/10/20,"1,000.01",退款,IR-1\n' + // more than is left of IR-1 (¥1,000.00)
      '13900007101,IR-R5,2026/10/20,10.00,缴费,IR-1\n' + // a payment cannot refund anything
      '13900007101,IR-R6,2026/10/20,10.00,退款,IR-9\n'; // another customer's payment
    const done = await importFile(agent, 'transactions', 'refunds.csv', refunds);
    expect(done.preview.suggestedMapping).toMatchObject({ 原交易编号: 'refundOf' });
    expect(done.job).toMatchObject({ created: 2, rejected: 4 });
    expect(done.rejects.map((r) => [r.row, r.field, r.reason]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [4, 'refundOf', '找不到被退款的原交易「IR-404」（原交易须已导入，或在本文件中位于退款之前）'],
      [5, 'amount', '退款合计超过原交易金额（还可退 ¥1000.00）'],
      [6, 'refundOf', '只有退款可以关联原交易'],
      [7, 'refundOf', '原交易不存在、已删除、属于其他客户或不是购买/缴费'],
    ]);
    const written = (await transactionsOf(customer.id)).filter((t) => t.type === 'refund');
    expect(written.map((t) => [t.externalId, t.refundOfId]).sort()).toEqual([
      ['IR-R1', idOf('IR-1')],
      ['IR-R2', idOf('IR-2')],
    ]);
    // IR-1: half its points back; IR-2: all of them, and the 500 spent on its bill given back.
    const m = await member(customer.id);
    expect(m).toMatchObject({ balance: before - Math.floor(e1 / 2) - e2 + 500, debt: 0 });
    const after = await ledger(customer.id);
    const refundIds = new Set(written.map((t) => t.id));
    const byRefund = after.filter((e) => e.sourceId && refundIds.has(e.sourceId));
    expect(byRefund.map((e) => [e.kind, e.points, e.reason]).sort()).toEqual(
      [
        ['reverse', -Math.floor(e1 / 2), '退款 ¥1000.00，收回积分'],
        ['reverse', -e2, '退款 ¥1000.00，收回积分'],
        ['reverse', 500, '退款 ¥1000.00，退回兑换所用积分'],
      ].sort(),
    );
    expect(after.reduce((s, e) => s + e.points, 0)).toBe(m.balance);
    // The same file again: nothing written, nothing taken twice.
    const again = await importFile(agent, 'transactions', 'refunds.csv', refunds);
    expect(again.job).toMatchObject({ created: 0, skipped: 2, rejected: 4 });
    expect((await member(customer.id)).balance).toBe(m.balance);
    // In English.
    const en = await importFile(agent, 'transactions', 'refunds-en.csv', 'phone,transaction id,date,amount,type,refund of\n13900007101,IR-R7,2026-10-20,1.00,refund,IR-405\n');
    expect(en.preview.suggestedMapping).toMatchObject({ 'refund of': 'refundOf' });
    const enRejects = ok<{ items: { reason: string }[] }>(await agent.get(`/api/v1/imports/${en.preview.job.id}/rejects`, { 'accept-language': 'en' })).items;
    expect(enRejects.map((r) => r.reason)).toEqual(['No transaction numbered "IR-405" to refund (it must be imported already, or come before the refund in this file)']);
  });

  it('an original earlier in the same file is found; its refund settles the points it earned in the same import', async () => {
    const file = '手机,缴费单号,日期,金额,类型,采暖季,原交易编号\n13900007102,IR-20,2026/10/20,800.00,缴费,2026-2027,\n13900007102,IR-21,2026/10/20,800.00,退款,,IR-20\n';
    const before = (await member(stranger.id)).balance;
    expect((await importFile(agent, 'transactions', 'same-file.csv', file)).job).toMatchObject({ created: 2, rejected: 0 });
    expect((await member(stranger.id)).balance).toBe(before);
  });
});
