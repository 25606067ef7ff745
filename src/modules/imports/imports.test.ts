/**
 * Imports through HTTP: upload → preview and suggested mapping → start → the background job → report.
 * Files are written by the tests: UTF-8 with BOM, GBK from Excel, XLSX, a file with about 1% bad rows.
 */
import { asc, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { importFile, upload, waitFor, type Reject } from '../../test/imports.js';
import { PROCESS_OWNER } from '../../platform/runs/index.js';
import { customers } from '../customers/schema.js';
import { transactions } from '../transactions/schema.js';

const BOM = '\uFEFF';
type Problem = { status: number; detail: string; errors: { field: string; message: string }[] };

async function customersNamed(ctx: TestContext, name: string) {
  return ctx.database.db.select().from(customers).where(eq(customers.name, name)).orderBy(asc(customers.createdAt));
}

async function tableDigest(ctx: TestContext, table: string): Promise<string> {
  const r = (await ctx.database.db.execute(
    sql.raw(`select count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from ${table} t`),
  )) as unknown as { rows: { n: number; h: string }[] };
  return `${r.rows[0]!.n}:${r.rows[0]!.h}`;
}

describe('imports', () => {
  let ctx: TestContext;
  let agent: Client, viewer: Client;

  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    viewer = await ctx.newUser({ role: 'viewer' });
  });
  afterAll(() => ctx.close());

  it('imports customers from a UTF-8 CSV with BOM and Chinese headers: mapping suggested, values read the Chinese way', async () => {
    const csv =
      BOM +
      '姓名,手机号,邮箱,生日,小区,楼栋,单元,房号,标签,户号,会员等级\r\n' +
      '导入张伟,138 1234 0001,zw@example.com,1980年3月5日,幸福家园,3号楼,2单元,501,"VIP,老客户",H0001,金卡\r\n' +
      '导入李娜,+86 139-1234-0002,,1985/7/9,阳光小区,1,1,101,低保、重点,H0002,\r\n';
    const { preview, job, rejects } = await importFile(ctx.admin, 'customers', '客户名单.csv', csv);
    expect(preview.job).toMatchObject({ format: 'csv', encoding: 'utf-8', headers: ['姓名', '手机号', '邮箱', '生日', '小区', '楼栋', '单元', '房号', '标签', '户号', '会员等级'] });
    expect(preview.suggestedMapping).toEqual({
      姓名: 'name', 手机号: 'phones', 邮箱: 'email', 生日: 'birthday', 小区: 'compound', 楼栋: 'building', 单元: 'unit', 房号: 'room', 标签: 'tags', 户号: 'externalId',
    });
    expect(preview.rows[0]!.slice(0, 2)).toEqual(['导入张伟', '138 1234 0001']);
    expect(preview.fields.find((f) => f.key === 'name')).toMatchObject({ label: '姓名/名称', required: true });
    expect(job).toMatchObject({ created: 2, updated: 0, skipped: 0, rejected: 0, processedRows: 2, progress: 1 });
    expect(rejects).toEqual([]);
    const [zw] = await customersNamed(ctx, '导入张伟');
    expect(zw).toMatchObject({
      phones: ['+8613812340001'], email: 'zw@example.com', birthday: '1980-03-05', compound: '幸福家园', building: '3号楼', unit: '2单元', room: '501',
      tags: ['VIP', '老客户'], externalId: 'H0001', ownerId: ctx.admin.userId,
    });
    const [ln] = await customersNamed(ctx, '导入李娜');
    expect(ln).toMatchObject({ phones: ['+8613912340002'], birthday: '1985-07-09', tags: ['低保', '重点'], email: null });
    // Created customers show the import in their history.
    const history = (await ctx.admin.get(`/api/v1/customers/${zw!.id}/history`)).json();
    expect(JSON.stringify(history)).toContain(preview.job.id);
  });

  it('refuses about 1% bad rows with their row numbers and zh-CN reasons; the good rows land; the report is a workbook', async () => {
    const lines = ['姓名,手机号,生日,备注,小区'];
    const bad = new Map<number, RegExp>();
    for (let i = 1; i <= 500; i++) {
      const row = i + 1; // the header is row 1
      let line = `坏行测试${i},1370000${String(i).padStart(4, '0')},1990-01-01,,和平小区`;
      if (i === 50) {
        line = `坏行测试${i},13700000050,2024年13月40日,,和平小区`;
        bad.set(row, /「生日」不是可识别的日期：2024年13月40日/);
      }
      if (i === 120) {
        line = `坏行测试${i},13700000007,1990-01-01,,和平小区`; // the phone of row 8
        bad.set(row, /与第 8 行重复（电话相同）/);
      }
      if (i === 200) {
        line = `坏行测试${i},13700000200,1990-01-01,${'长'.repeat(1_048_576)},和平小区`;
        bad.set(row, /第 4 列的内容过长/);
      }
      if (i === 300) {
        line = `坏行测试${i},12345,1990-01-01,,和平小区`;
        bad.set(row, /「电话 #1」不是有效的电话号码：12345/);
      }
      if (i === 400) {
        line = `坏行测试${i},13700000400,1990-01-01,,和平小区,多出来的,两列`;
        bad.set(row, /此行有 7 列，表头只有 5 列/);
      }
      lines.push(line);
    }
    let body = Buffer.from(lines.join('\n') + '\n');
    // Row 451 (data row 450) gets bytes that are not UTF-8.
    const marker = Buffer.from('坏行测试450,');
    const at = body.indexOf(marker) + marker.length - 1;
    body = Buffer.concat([body.subarray(0, at), Buffer.from([0xff, 0xfe]), body.subarray(at)]);
    bad.set(451, /此行含有无法识别的字符（文件编码损坏）/);

    const before = await countRows(ctx.database, 'customers');
    const { job, rejects, preview } = await importFile(ctx.admin, 'customers', 'bad-rows.csv', body);
    expect(preview.job.encoding).toBe('utf-8');
    expect(job).toMatchObject({ created: 494, rejected: 6, skipped: 0, processedRows: 500 });
    expect(rejects.map((r) => r.row)).toEqual([...bad.keys()].sort((a, b) => a - b));
    for (const r of rejects) expect(r.reason).toMatch(bad.get(r.row)!);
    expect(await countRows(ctx.database, 'customers')).toBe(before + 494);
    // The report in English says the same.
    const en = (await ctx.admin.lang('en').get(`/api/v1/imports/${preview.job.id}/rejects`)).json().items as Reject[];
    expect(en.find((r) => r.row === 51)!.reason).toBe('"Birthday" is not a date: 2024年13月40日');
    expect(en.find((r) => r.row === 121)!.reason).toBe('Repeats row 8 (same phone)');

    const res = await ctx.admin.get(`/api/v1/imports/${preview.job.id}/report.xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('bad-rows-导入报告.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('未导入的行');
    expect(sheet.getRow(1).values).toEqual([undefined, '行号', '原因', '姓名', '手机号', '生日', '备注', '小区']);
    expect(sheet.rowCount).toBe(7);
    expect(sheet.getRow(2).getCell(1).value).toBe(51);
    expect(String(sheet.getRow(2).getCell(2).value)).toMatch(/不是可识别的日期/);
    expect(sheet.getRow(2).getCell(3).value).toBe('坏行测试50');
  });

  it('reads a GBK CSV saved by Excel', async () => {
    const csv = '姓名,电话,小区,地址\r\n国标王芳,13600000001,东方小区,南岗区学府路1号\r\n国标赵强,13600000002,西城花园,道里区中央大街2号\r\n';
    const { preview, job } = await importFile(ctx.admin, 'customers', 'gbk.csv', iconv.encode(csv, 'gbk'));
    expect(preview.job.encoding).toBe('gb18030');
    expect(preview.job.headers).toEqual(['姓名', '电话', '小区', '地址']);
    expect(preview.rows[0]).toEqual(['国标王芳', '13600000001', '东方小区', '南岗区学府路1号']);
    expect(job).toMatchObject({ created: 2, rejected: 0 });
    const [wf] = await customersNamed(ctx, '国标王芳');
    expect(wf).toMatchObject({ compound: '东方小区', street: '南岗区学府路1号', phones: ['+8613600000001'] });
  });

  it('reads an XLSX workbook: dates, numbers and text cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['姓名', '手机', '出生日期', '楼栋', '性别']);
    ws.addRow(['表格孙丽', 13500000001, new Date(Date.UTC(1975, 10, 20)), 12, '女']);
    ws.addRow(['表格周杰', '13500000002', '1982年1月2日', '7号楼', '男']);
    ws.addRow(['表格错行', '13500000003', '1982年1月2日', '7号楼', '不详']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { preview, job, rejects } = await importFile(ctx.admin, 'customers', '客户.xlsx', buf);
    expect(preview.job.format).toBe('xlsx');
    expect(job).toMatchObject({ created: 2, rejected: 1 });
    expect(rejects).toEqual([{ row: 4, field: 'gender', reason: '「性别」的取值「不详」无法识别', cells: ['表格错行', '13500000003', '1982年1月2日', '7号楼', '不详'] }]);
    const [sl] = await customersNamed(ctx, '表格孙丽');
    expect(sl).toMatchObject({ phones: ['+8613500000001'], birthday: '1975-11-20', building: '12', gender: 'female' });
  });

  it('duplicate policy: skip leaves the match alone, update fills it in, create makes another; re-importing changes nothing', async () => {
    const existing = await ctx.newCustomer({ name: '策略老客户', phones: ['13800009999'], tags: ['老客户'], address: { compound: '旧小区' } });
    const csv = (name: string) => `姓名,手机号,小区,标签\n${name},13800009999,新小区,回访\n策略新客户,13800008888,新小区,\n`;

    const skip = await importFile(ctx.admin, 'customers', 'skip.csv', csv('策略改名'), { options: { onDuplicate: 'skip' } });
    expect(skip.job).toMatchObject({ created: 1, skipped: 1, updated: 0 });
    expect((await customersNamed(ctx, '策略老客户'))[0]).toMatchObject({ compound: '旧小区', version: 1 });

    const update = await importFile(ctx.admin, 'customers', 'update.csv', csv('策略改名'), { options: { onDuplicate: 'update' } });
    // The second row matches the customer the skip import created (another file): updated only if something differs.
    expect(update.job).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    const [renamed] = await customersNamed(ctx, '策略改名');
    expect(renamed).toMatchObject({ id: existing.id, compound: '新小区', tags: ['老客户', '回访'], version: 2 });
    const history = (await ctx.admin.get(`/api/v1/customers/${existing.id}/history`)).json().items as { action: string; changes: any }[];
    expect(history[0]).toMatchObject({ action: 'update', changes: { name: ['策略老客户', '策略改名'], compound: ['旧小区', '新小区'] } });

    // The same file again, whatever the policy: every row was imported before, nothing changes.
    const digest = await tableDigest(ctx, 'customers');
    const again = await importFile(ctx.admin, 'customers', 'update.csv', csv('策略改名'), { options: { onDuplicate: 'update' } });
    expect(again.job).toMatchObject({ created: 0, updated: 0, skipped: 2, rejected: 0 });
    expect(await tableDigest(ctx, 'customers')).toBe(digest);

    const create = await importFile(ctx.admin, 'customers', 'create.csv', csv('策略双胞胎'), { options: { onDuplicate: 'create' } });
    expect(create.job).toMatchObject({ created: 2, skipped: 0 });
    expect((await customersNamed(ctx, '策略双胞胎'))[0]!.phones).toEqual(['+8613800009999']);
    // "create" does not create twice from the same file either.
    const digest2 = await tableDigest(ctx, 'customers');
    const createAgain = await importFile(ctx.admin, 'customers', 'create.csv', csv('策略双胞胎'), { options: { onDuplicate: 'create' } });
    expect(createAgain.job).toMatchObject({ created: 0, skipped: 2 });
    expect(await tableDigest(ctx, 'customers')).toBe(digest2);
  });

  it('two rows of a file may update the same customer, one after the other', async () => {
    const c = await ctx.newCustomer({ name: '连更客户', phones: ['13800007777'] });
    const { job } = await importFile(ctx.admin, 'customers', 'twice.csv', '姓名,手机号,小区,标签\n连更一,13800007777,一号院,甲\n连更二,13800007777,,乙\n', {
      options: { onDuplicate: 'update' },
    });
    expect(job).toMatchObject({ updated: 2, rejected: 0 });
    expect((await customersNamed(ctx, '连更二'))[0]).toMatchObject({ id: c.id, compound: '一号院', tags: ['甲', '乙'], version: 3 });
  });

  it('update refuses a match outside the data scope; an agent owns what it imports', async () => {
    await ctx.newCustomer({ name: '范围外客户', phones: ['13700001111'] });
    const { job, rejects } = await importFile(agent, 'customers', 'agent.csv', '姓名,手机号\n范围外改名,13700001111\n客服自建,13700002222\n', {
      options: { onDuplicate: 'update' },
    });
    expect(job).toMatchObject({ created: 1, updated: 0, rejected: 1 });
    expect(rejects[0]).toMatchObject({ row: 2, reason: '匹配到的客户不在你的数据范围内，不能更新' });
    expect((await customersNamed(ctx, '客服自建'))[0]!.ownerId).toBe(agent.userId);
    expect(await customersNamed(ctx, '范围外改名')).toEqual([]);
    // The agent's import is its own: another agent cannot see it; the admin (all scope) can.
    const other = await ctx.newUser({ role: 'agent' });
    expect((await other.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(404);
    expect((await ctx.admin.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(200);
    expect(((await other.get('/api/v1/imports')).json().items as unknown[]).length).toBe(0);
  });

  it('imports transactions: customer by number or phone, Chinese dates, ¥ amounts, refunds, heating season and area', async () => {
    await ctx.newCustomer({ name: '交易客户甲', phones: ['13300000001'] });
    const target = await importFile(ctx.admin, 'customers', 'tx-customers.csv', '户号,姓名\nT001,交易客户乙\n');
    expect(target.job.created).toBe(1);
    const csv =
      '户号,客户电话,缴费日期,实收金额,类型,采暖季,计费面积,缴费单号,渠道\n' +
      'T001,,2024/11/5,"¥2,736.00",缴费,2024-2025,85.5㎡,R-1,微信\n' +
      'T001,,2024年3月5日,1000元,购买,,,R-2,\n' +
      ',13300000001,20240306,-50.00,,,,R-3,\n' +
      'T999,,2024-03-07,10,,,,R-4,\n' +
      'T001,,2024-03-08,十元,,,,R-5,\n' +
      'T001,,2024-03-09,10,,2024-2026,,R-6,\n' +
      'T001,,2024-03-10,10,,,,R-1,\n';
    const { job, rejects, preview } = await importFile(ctx.admin, 'transactions', '缴费记录.csv', csv);
    expect(preview.suggestedMapping).toMatchObject({ 户号: 'customerExternalId', 客户电话: 'customerPhone', 缴费日期: 'occurredAt', 实收金额: 'amount', 类型: 'type' });
    expect(job).toMatchObject({ created: 3, rejected: 4 });
    expect(rejects.map((r) => [r.row, r.reason])).toEqual([
      [5, '找不到对应的客户：T999'],
      [6, '「金额」不是有效的金额：十元'],
      [7, '「供暖季」的取值「2024-2026」无法识别'],
      [8, '与第 2 行重复（编号相同）'],
    ]);
    const [yi] = await customersNamed(ctx, '交易客户乙');
    const rows = await ctx.database.db.select().from(transactions).where(eq(transactions.customerId, yi!.id)).orderBy(asc(transactions.occurredAt));
    expect(rows.map((r) => [r.occurredAt.toISOString(), r.type, r.amountFen, r.heatingSeason, r.billedAreaM2, r.externalId, r.channel])).toEqual([
      ['2024-03-04T16:00:00.000Z', 'purchase', 100000, null, null, 'R-2', null],
      ['2024-11-04T16:00:00.000Z', 'payment', 273600, '2024-2025', 85.5, 'R-1', '微信'],
    ]);
    const [jia] = await customersNamed(ctx, '交易客户甲');
    const summary = (await ctx.admin.get(`/api/v1/customers/${jia!.id}/transactions/summary`)).json();
    expect(summary).toMatchObject({ count: 0, refundsFen: 5000 }); // a refund is not a purchase

    // Unknown customers are created when asked; the file's rows already imported are skipped.
    const more = await importFile(ctx.admin, 'transactions', '缴费记录.csv', csv, { options: { createMissingCustomers: true } });
    expect(more.job).toMatchObject({ created: 1, skipped: 3, rejected: 3 });
    const [created] = await customersNamed(ctx, '客户 T999');
    expect(created).toMatchObject({ externalId: 'T999' });
  });

  it('a number held by a customer merged into another leads to the survivor', async () => {
    await importFile(ctx.admin, 'customers', 'merge-src.csv', '户号,姓名\nM001,合并留存\nM002,合并并入\n');
    const [kept] = await customersNamed(ctx, '合并留存');
    const [gone] = await customersNamed(ctx, '合并并入');
    const merge = await ctx.admin.post('/api/v1/customers/merge', { survivorId: kept!.id, mergedId: gone!.id, survivorVersion: kept!.version, mergedVersion: gone!.version });
    expect(merge.statusCode, merge.body).toBe(200);
    // Transactions naming the merged customer's number land on the survivor …
    const tx = await importFile(ctx.admin, 'transactions', 'merge-tx.csv', '户号,日期,金额\nM002,2024-05-01,88\n');
    expect(tx.job).toMatchObject({ created: 1, rejected: 0 });
    const rows = await ctx.database.db.select().from(transactions).where(eq(transactions.customerId, kept!.id));
    expect(rows.map((r) => r.amountFen)).toEqual([8800]);
    // … and so does a customer row with that number (here updating it).
    const up = await importFile(ctx.admin, 'customers', 'merge-up.csv', '户号,姓名,小区\nM002,合并并入,合并小区\n', { options: { onDuplicate: 'update' } });
    expect(up.job).toMatchObject({ updated: 1, rejected: 0, created: 0 });
    expect((await customersNamed(ctx, '合并并入')).filter((c) => !c.deletedAt)).toMatchObject([{ id: kept!.id, compound: '合并小区' }]);
  });

  it('saves a mapping as a template and offers it for a file with the same headers', async () => {
    const csv = '客户全称,移动电话\n模板客户一,13200000001\n';
    const first = await upload(ctx.admin, 'customers', 't1.csv', csv);
    expect(first.templateName).toBeNull();
    expect(first.suggestedMapping).toEqual({});
    const start = await ctx.admin.post(`/api/v1/imports/${first.job.id}/start`, {
      mapping: { 客户全称: 'name', 移动电话: 'phones' },
      saveTemplateAs: '营业厅名单',
    });
    expect(start.statusCode, start.body).toBe(200);
    await waitFor(ctx.admin, first.job.id);
    const second = await upload(ctx.admin, 'customers', 't2.csv', '客户全称,移动电话\n模板客户二,13200000002\n');
    expect(second).toMatchObject({ templateName: '营业厅名单', suggestedMapping: { 客户全称: 'name', 移动电话: 'phones' } });
    const templates = (await ctx.admin.get('/api/v1/import-templates?kind=customers')).json().items as { id: string; name: string }[];
    const tpl = templates.find((x) => x.name === '营业厅名单')!;
    expect((await ctx.admin.delete(`/api/v1/import-templates/${tpl.id}`)).statusCode).toBe(204);
    expect((await ctx.admin.delete(`/api/v1/import-templates/${tpl.id}`)).statusCode).toBe(404);
  });

  describe('bad input: 4xx problem+json naming the field, nothing written', () => {
    const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown; body: string }, status: number): Problem => {
      expect(res.statusCode, res.body).toBe(status);
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
      return res.json() as Problem;
    };

    it('upload: bad kind, missing file name, empty file, no permission', async () => {
      const jobs = await countRows(ctx.database, 'import_jobs');
      const up = (as: Client, q: string, body: string) => as.post(`/api/v1/imports?${q}`, Buffer.from(body), { 'content-type': 'text/csv' });
      expect(problem(await up(ctx.admin, 'kind=orders&fileName=a.csv', 'a'), 400).errors.map((e) => e.field)).toEqual(['kind']);
      expect(problem(await up(ctx.admin, 'kind=customers', 'a'), 400).errors.map((e) => e.field)).toEqual(['fileName']);
      const empty = problem(await up(ctx.admin, 'kind=customers&fileName=a.csv', ''), 400);
      expect(empty.errors).toEqual([{ field: 'file', message: '文件是空的' }]);
      const emptyEn = problem(await up(ctx.admin.lang('en'), 'kind=customers&fileName=a.csv', ''), 400);
      expect(emptyEn.errors).toEqual([{ field: 'file', message: 'The file is empty' }]);
      expect(problem(await up(viewer, 'kind=customers&fileName=a.csv', '姓名\n张三\n'), 403).detail).toBe('没有权限执行此操作');
      expect(await countRows(ctx.database, 'import_jobs')).toBe(jobs);
    });

    it('start: unknown column, unknown field, a field twice, a required field unmapped, started twice', async () => {
      const p = await upload(ctx.admin, 'customers', 'm.csv', '姓名,手机,电话2\n映射测试,13100000001,13100000002\n');
      const start = (body: unknown, as: Client = ctx.admin) => as.post(`/api/v1/imports/${p.job.id}/start`, body);
      expect(problem(await start({ mapping: { 年龄: 'name' } }), 400).errors).toEqual([
        { field: 'mapping.年龄', message: '文件中没有「年龄」这一列' },
        { field: 'mapping', message: '必须为「姓名/名称」指定一列' },
      ]);
      expect(problem(await start({ mapping: { 姓名: 'salary' } }), 400).errors[0]).toEqual({ field: 'mapping.姓名', message: '「姓名」对应的字段「salary」不存在' });
      expect(problem(await start({ mapping: { 姓名: 'name', 手机: 'email', 电话2: 'email' } }), 400).errors).toEqual([
        { field: 'mapping.电话2', message: '「邮箱」只能对应一列，「电话2」重复了' },
      ]);
      expect(problem(await start({ mapping: { 手机: 'phones' } }, ctx.admin.lang('en')), 400).errors).toEqual([
        { field: 'mapping', message: 'Choose a column for "Name"' },
      ]);
      expect(problem(await start({ mapping: { 姓名: 'name' }, options: { onDuplicate: 'merge' } }), 400).errors.map((e) => e.field)).toEqual([
        'options.onDuplicate',
      ]);
      expect(problem(await start({ mapping: 'name' }), 400).errors.map((e) => e.field)).toEqual(['mapping']);
      expect((await ctx.admin.get(`/api/v1/imports/${p.job.id}`)).json().status).toBe('pending');
      expect((await start({ mapping: { 姓名: 'name', 手机: 'phones', 电话2: 'phones' } })).statusCode).toBe(200);
      expect(problem(await start({ mapping: { 姓名: 'name' } }), 409).detail).toBe('该导入任务已经开始');
      const job = await waitFor(ctx.admin, p.job.id);
      expect(job).toMatchObject({ status: 'done', created: 1 });
      expect((await customersNamed(ctx, '映射测试'))[0]!.phones).toEqual(['+8613100000001', '+8613100000002']);
    });

    it('transactions need a customer column; a malformed id is 400, an unknown one 404', async () => {
      const p = await upload(ctx.admin, 'transactions', 'x.csv', '日期,金额\n2024-01-01,10\n');
      expect(problem(await ctx.admin.post(`/api/v1/imports/${p.job.id}/start`, { mapping: { 日期: 'occurredAt', 金额: 'amount' } }), 400).errors).toEqual([
        { field: 'mapping', message: '至少要为以下之一指定一列：客户编号 / 客户电话' },
      ]);
      expect(problem(await ctx.admin.get('/api/v1/imports/abc'), 400).errors.map((e) => e.field)).toEqual(['id']);
      expect(problem(await ctx.admin.get('/api/v1/imports/00000000-0000-4000-8000-000000000000'), 404).detail).toBe('找不到该导入任务');
      expect(problem(await ctx.admin.get(`/api/v1/imports/${p.job.id}/rejects?limit=0`), 400).errors.map((e) => e.field)).toEqual(['limit']);
    });

    it('a cancelled import stops and keeps what it wrote', async () => {
      const p = await upload(ctx.admin, 'customers', 'c.csv', '姓名\n取消测试\n');
      const res = await ctx.admin.post(`/api/v1/imports/${p.job.id}/cancel`);
      expect(res.json()).toMatchObject({ status: 'cancelled' });
      expect(problem(await ctx.admin.post(`/api/v1/imports/${p.job.id}/cancel`), 409).detail).toBe('该导入任务已经结束');
      expect(problem(await ctx.admin.post(`/api/v1/imports/${p.job.id}/start`, { mapping: { 姓名: 'name' } }), 409).detail).toBe('该导入任务已经开始');
    });

    it('a started import asked to stop: a queued one ends at once, a running one is shown cancelled and stops at its next batch', async () => {
      const state = async (id: string) =>
        (await ctx.database.db.execute(sql`select status, cancel_requested as "cancelRequested" from import_jobs where id = ${id}`)) as unknown as {
          rows: { status: string; cancelRequested: boolean }[];
        };
      // Queued, nobody has taken it yet.
      const queued = await upload(ctx.admin, 'customers', 'q.csv', '姓名\n排队取消\n');
      await ctx.database.db.execute(sql`update import_jobs set status = 'queued' where id = ${queued.job.id}`);
      expect((await ctx.admin.post(`/api/v1/imports/${queued.job.id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });
      expect((await state(queued.job.id)).rows[0]).toEqual({ status: 'cancelled', cancelRequested: true });
      // Running in this process: flagged, shown cancelled at once; the run itself stops at its next checkpoint.
      const running = await upload(ctx.admin, 'customers', 'r.csv', '姓名\n运行中取消\n');
      await ctx.database.db.execute(sql`update import_jobs set status = 'running', owner = ${PROCESS_OWNER}, heartbeat_at = now() where id = ${running.job.id}`);
      expect((await ctx.admin.post(`/api/v1/imports/${running.job.id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });
      expect((await state(running.job.id)).rows[0]).toEqual({ status: 'running', cancelRequested: true });
      expect((await ctx.admin.get(`/api/v1/imports/${running.job.id}`)).json()).toMatchObject({ status: 'cancelled' });
      expect(problem(await ctx.admin.post(`/api/v1/imports/${running.job.id}/cancel`), 409).detail).toBe('该导入任务已经结束');
    });
  });

  it('lists recent imports newest first, with counts', async () => {
    const items = (await ctx.admin.get('/api/v1/imports?limit=3')).json().items as { status: string; fileName: string; createdAt: string }[];
    expect(items).toHaveLength(3);
    expect(items.map((i) => i.createdAt)).toEqual([...items.map((i) => i.createdAt)].sort().reverse());
  });
});
