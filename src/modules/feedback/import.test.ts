/**
 * Importing feedback (CSV / XLSX through the import engine): each row becomes an item of source `import`, analysed,
 * matched to its customer by number or phone, routed by the assignment rules; rows the importer refuses are reported
 * with their reason (in zh-CN and English) and nothing of them is written; the same file imported again records
 * nothing twice.
 */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { importFile, type Reject } from '../../test/imports.js';
import type { FeedbackItemView } from './feedback.contract.js';

let ctx: TestContext;
let agent: Client;
let customer: Record<string, any>;

const imported = async (as: Client = ctx.admin) => ok<{ items: FeedbackItemView[] }>(await as.get('/api/v1/feedback?limit=200')).items.filter((i) => i.source === 'import');

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await ctx.newUser({ role: 'agent' });
  customer = await ctx.newCustomer({ name: '周建国', phones: ['13900006001'], ownerId: agent.userId });
  // The household number (户号) comes from another system (an import): set here directly.
  await ctx.database.db.execute(sql`update customers set external_id = 'HR-1001' where id = ${customer.id}`);
  await ctx.newCustomer({ name: '别人的客户', phones: ['13900006002'] });
});
afterAll(() => ctx?.close());

describe('feedback import', () => {
  it('records each row (customer by number or phone, category by name, date), rejects the bad rows with reasons, and a second import writes nothing', async () => {
    const csv = [
      '反馈内容,户号,手机号码,联系人,反馈分类,反馈日期',
      '暖气片漏水，地板都湿了,HR-1001,,,,2026-11-20',
      '客服态度很好，谢谢,,13900006001,,服务态度,2026-11-21',
      '缴费窗口人太多,,13700000000,王先生,,',
      ',HR-1001,,,,2026-11-22',
      '家里太冷,HR-9999,,,,',
      '暖气不热,,,,没有这个分类,',
      '水管有异响,,,,,2026年13月40日',
      '好,,,,,',
    ].join('\n');
    const before = await countRows(ctx.database, 'feedback_items');
    const { job, rejects } = await importFile(ctx.admin, 'feedback', '反馈.csv', csv);
    expect(job).toMatchObject({ created: 3, rejected: 5, skipped: 0 });
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before + 3);
    const reasons = Object.fromEntries(rejects.map((r: Reject) => [r.row, r.reason]));
    expect(reasons).toEqual({
      5: '「反馈内容」为必填项',
      6: '找不到对应的客户：HR-9999',
      7: '没有名为「没有这个分类」的反馈分类',
      8: '「反馈日期」不是可识别的日期：2026年13月40日',
      9: '「反馈内容」至少 2 个字符',
    });
    const items = await imported();
    const leak = items.find((i) => i.text.startsWith('暖气片漏水'))!;
    expect(leak).toMatchObject({ customer: { id: customer.id }, category: { nameZh: '漏水' }, sentiment: 'neg', owner: { id: agent.userId } });
    expect(leak.sourceRef).toMatch(/^import:.+:2$/);
    expect(leak.createdAt).toBe(new Date('2026-11-20T00:00:00+08:00').toISOString());
    expect(items.find((i) => i.text.startsWith('客服态度'))).toMatchObject({ customer: { id: customer.id }, category: { nameZh: '服务态度' }, categorySetBy: 'agent' });
    expect(items.find((i) => i.text.startsWith('缴费窗口'))).toMatchObject({ customer: null, contactName: '王先生', contactPhone: '137****0000' });

    // In English.
    const en = (await ctx.admin.lang('en').get(`/api/v1/imports/${job.id}/rejects`)).json().items as Reject[];
    expect(en.find((r) => r.row === 7)!.reason).toBe('There is no feedback category named "没有这个分类"');

    // The same file again: every good row is skipped, nothing written.
    const again = await importFile(ctx.admin, 'feedback', '反馈.csv', csv);
    expect(again.job).toMatchObject({ created: 0, skipped: 3, rejected: 5 });
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before + 3);
  });

  it('reads XLSX, and keeps to the importer’s data scope', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('反馈');
    ws.addRow(['内容', '手机']);
    ws.addRow(['楼道的暖气管一直在响', '13900006001']);
    ws.addRow(['暖气费能不能分期交', '13900006002']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { job, rejects } = await importFile(agent, 'feedback', '反馈.xlsx', buf);
    expect(job).toMatchObject({ created: 1, rejected: 1 });
    expect(rejects[0]).toMatchObject({ row: 3, reason: '对应的客户不在你的数据范围内' });
    expect((await imported(agent)).some((i) => i.text === '楼道的暖气管一直在响' && i.customer?.id === customer.id)).toBe(true);
  });
});
