/**
 * Exporting the customer list as an Excel workbook: the same filters, scope, masking and audit as the CSV export.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';

async function sheetOf(client: Client, query = '', lang?: string): Promise<string[][]> {
  const res = await (lang ? client.lang(lang) : client).get(`/api/v1/customers/export.xlsx${query}`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.xlsx"$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return rows;
}

describe('customer export as XLSX', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.newCustomer({
      name: '赵志强',
      phones: ['13912345678'],
      idNumber: '11010519491231002X',
      address: { city: '哈尔滨市', compound: '幸福家园', building: '3号楼' },
      tags: ['VIP'],
    });
    await ctx.newCustomer({ name: '=HYPERLINK("http://evil")', address: { city: '长春市' } });
  });
  afterAll(() => ctx.close());

  it('exports every column with Chinese headers; full numbers for the personal-data permission; formulas stay text', async () => {
    const rows = await sheetOf(ctx.admin);
    expect(rows[0]!.slice(0, 4)).toEqual(['ID', '类型', '姓名/名称', '电话']);
    const zhao = rows.find((r) => r[2] === '赵志强')!;
    expect(zhao[3]).toBe('13912345678');
    expect(zhao[7]).toBe('11010519491231002X');
    expect(zhao).toEqual(expect.arrayContaining(['哈尔滨市', '幸福家园', '3号楼', 'VIP']));
    expect(zhao[20]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/); // shown in Asia/Shanghai
    // A cell that looks like a formula is a plain string in the workbook, not a formula.
    expect(rows.some((r) => r[2] === '=HYPERLINK("http://evil")')).toBe(true);
    expect(rows).toHaveLength(3);
  });

  it('applies the list filters and English headers', async () => {
    const rows = await sheetOf(ctx.admin, `?city=${encodeURIComponent('长春市')}`, 'en');
    expect(rows[0]!.slice(0, 3)).toEqual(['ID', 'Type', 'Name']);
    expect(rows.slice(1).map((r) => r[2])).toEqual(['=HYPERLINK("http://evil")']);
  });

  it('masks phone and ID numbers without the personal-data permission, keeps to the data scope, and is audited', async () => {
    const marketer = await ctx.newUser({ role: 'marketer' });
    const zhao = (await sheetOf(marketer)).find((r) => r[2] === '赵志强')!;
    expect(zhao[3]).toBe('139****5678');
    expect(zhao[7]).toBe('110***********002X');

    const roles = (await ctx.admin.get('/api/v1/roles')).json().items as { key: string; permissions: string[] }[];
    const agentPerms = roles.find((r) => r.key === 'agent')!.permissions;
    await ctx.admin.patch('/api/v1/roles/agent', { permissions: [...agentPerms, 'customer:export'] });
    const agent = await ctx.newUser({ role: 'agent' });
    await ctx.newCustomer({ name: '自己的住户' }, agent);
    expect((await sheetOf(agent)).slice(1).map((r) => r[2])).toEqual(['自己的住户']);

    const viewer = await ctx.newUser({ role: 'viewer' });
    expect((await viewer.get('/api/v1/customers/export.xlsx')).statusCode).toBe(403);

    const audit = (await ctx.admin.get('/api/v1/audit?action=export')).json().items as { changes: { format: string; unmasked: boolean } }[];
    expect(audit.filter((a) => a.changes.format === 'xlsx').map((a) => a.changes.unmasked)).toEqual([true, false, true, true]); // newest first: agent (holds pii), marketer, admin, admin
  });
});
