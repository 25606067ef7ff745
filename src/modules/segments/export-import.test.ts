/**
 * A segment's members as a file and a static list filled from a file, through HTTP: the CSV and workbook carry the
 * customer list's columns (Chinese names, phones masked without customer:pii), only the members the exporter sees,
 * and an audit entry; an import of phones or customer numbers reports what it added, what was there already, what
 * matched no one and which phones matched several customers; a bad file is a 400 (413 when too large) naming `file`,
 * and writes nothing; Idempotency-Key replays the report.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { SegmentAddReport, SegmentImportReport, SegmentMemberPage, SegmentView } from './segments.contract.js';

/** A CSV answer as rows of cells (BOM dropped; no quoted commas in these fixtures). */
function csvRows(body: string): string[][] {
  expect(body.charCodeAt(0)).toBe(0xfeff);
  return body
    .slice(1)
    .split('\r\n')
    .filter((l) => l)
    .map((l) => l.split(','));
}

describe('segment members: export and import', () => {
  let ctx: TestContext;
  let manager: Client;
  let marketer: Client;
  let am: Client;
  let viewer: Client;
  let list: SegmentView;
  const c: Record<string, string> = {};

  const importUrl = (id: string, by?: string) => `/api/v1/segments/${id}/members/import${by ? `?by=${by}` : ''}`;
  const csv = (as: Client, id: string, text: string | Buffer, by?: string, headers: Record<string, string> = {}) =>
    as.request('POST', importUrl(id, by), text, { 'content-type': 'text/csv', ...headers });
  const names = async (id: string) =>
    ok<SegmentMemberPage>(await manager.get(`/api/v1/segments/${id}/members?limit=200`))
      .items.map((m) => m.name)
      .sort();

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'manager', username: 'io.manager' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'io.marketer' });
    viewer = await ctx.newUser({ role: 'viewer', username: 'io.viewer' });
    // An account manager who may export (the role does not by default).
    const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
    const amPerms = roles.find((r) => r.key === 'account_manager')!.permissions;
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: [...amPerms, 'customer:export'] }));
    am = await ctx.newUser({ role: 'account_manager', username: 'io.am' });
    const mk = async (name: string, phones: string[], ownerId: string | null, city = '哈尔滨市') =>
      (c[name] = (await ctx.newCustomer({ name, phones, address: { city, compound: '幸福小区' }, ...(ownerId ? { ownerId } : {}) })).id as string);
    await mk('王小明', ['13912345678'], am.userId!);
    await mk('李华', ['13800001111'], null, '长春市');
    await mk('张三', ['13700002222'], null);
    await mk('张三丰', ['13700002222'], null);
    await mk('赵六', ['13600003333'], null);
    await mk('孙七', ['13500004444'], am.userId!);
    expect((await ctx.admin.delete(`/api/v1/customers/${c['赵六']}`)).statusCode).toBe(204);
    const db = ctx.database.db;
    await db.execute(sql`update customers set external_id = 'KH-0001' where id = ${c['王小明']}`);
    await db.execute(sql`update customers set external_id = 'KH-0002' where id = ${c['李华']}`);
    await db.execute(sql`update customers set external_id = 'KH-0003' where id = ${c['孙七']}`);
    list = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '冬季回访名单', kind: 'static' }), 201);
  });
  afterAll(async () => ctx?.close());

  it('imports phones: added, not found (deleted, invalid) and ambiguous, normalised like customer phones', async () => {
    const file = '手机号\r\n139 1234 5678\r\n+86 138-0000-1111\r\n13700002222\r\n\r\n13600003333\r\n12345\r\n13912345678\r\n';
    const report = ok<SegmentImportReport>(await csv(manager, list.id, file));
    expect(report).toEqual({
      values: 6,
      added: 2,
      alreadyMembers: 0,
      notFound: ['13600003333', '12345'],
      notFoundCount: 2,
      ambiguous: ['13700002222'],
      ambiguousCount: 1,
      memberCount: 2,
    });
    expect(await names(list.id)).toEqual(['李华', '王小明']);

    // Again, with one more: those already members are counted as such.
    const again = ok<SegmentImportReport>(await csv(manager, list.id, '13800001111\n13500004444\n'));
    expect(again).toMatchObject({ values: 2, added: 1, alreadyMembers: 1, notFound: [], ambiguous: [], memberCount: 3 });
    expect(await names(list.id)).toEqual(['孙七', '李华', '王小明']);
    const audit = ok<{ items: { action: string; entityId: string; changes: Record<string, unknown> }[] }>(await ctx.admin.get('/api/v1/audit?action=segment.import')).items;
    expect(audit.map((a) => [a.entityId, a.changes.added, a.changes.notFound])).toEqual([
      [list.id, 1, 0],
      [list.id, 2, 2],
    ]);
  });

  it('imports customer numbers from a CSV and from a GB18030 file, within the caller’s scope', async () => {
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '编号导入', kind: 'static' }), 201);
    const report = ok<SegmentImportReport>(await csv(manager, seg.id, '外部编号\r\nKH-0001\r\nKH-0009\r\nKH-0002', 'externalId'));
    expect(report).toMatchObject({ values: 3, added: 2, alreadyMembers: 0, notFound: ['KH-0009'], ambiguous: [], memberCount: 2 });
    expect(await names(seg.id)).toEqual(['李华', '王小明']);

    // An account manager who could manage lists matches only the customers in scope: 李华 is not theirs.
    const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
    const amPerms = roles.find((r) => r.key === 'account_manager')!.permissions;
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: [...amPerms, 'segment:manage'] }));
    const gbk = iconv.encode('客户编号\r\nKH-0002\r\nKH-0003\r\n', 'gb18030');
    const mine = ok<SegmentImportReport>(await csv(am, seg.id, gbk, 'externalId'));
    expect(mine).toMatchObject({ values: 2, added: 1, notFound: ['KH-0002'], memberCount: 2 }); // 王小明 and 孙七 are theirs
    ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: amPerms }));
    expect(await names(seg.id)).toEqual(['孙七', '李华', '王小明']);
  });

  it('exports the members as CSV like the customer list: Chinese names, phones masked without customer:pii, in scope only, audited', async () => {
    const full = await manager.get(`/api/v1/segments/${list.id}/members/export.csv`);
    expect(full.statusCode, full.body).toBe(200);
    expect(full.headers['content-type']).toMatch(/^text\/csv/);
    expect(full.headers['content-disposition']).toMatch(/^attachment; filename="segment-members-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(String(full.headers['content-disposition']).split("UTF-8''")[1]!)).toMatch(/^冬季回访名单-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csvRows(full.body);
    expect(rows[0]!.slice(0, 4)).toEqual(['ID', '类型', '姓名/名称', '电话']);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[9]]).sort()).toEqual([
      ['孙七', '13500004444', '哈尔滨市'],
      ['李华', '13800001111', '长春市'],
      ['王小明', '13912345678', '哈尔滨市'],
    ]);

    const masked = csvRows((await marketer.get(`/api/v1/segments/${list.id}/members/export.csv`)).body);
    expect(masked.slice(1).map((r) => [r[2], r[3]]).sort()).toEqual([
      ['孙七', '135****4444'],
      ['李华', '138****1111'],
      ['王小明', '139****5678'],
    ]);

    // The account manager sees their own customers only (李华 is not theirs), in full (they hold customer:pii).
    const own = csvRows((await am.get(`/api/v1/segments/${list.id}/members/export.csv`)).body);
    expect(own.slice(1).map((r) => [r[2], r[3]]).sort()).toEqual([
      ['孙七', '13500004444'],
      ['王小明', '13912345678'],
    ]);

    // English headers; no export permission → 403; an unknown segment → 404.
    const en = csvRows((await manager.lang('en').get(`/api/v1/segments/${list.id}/members/export.csv`)).body);
    expect(en[0]!.slice(0, 4)).toEqual(['ID', 'Type', 'Name', 'Phones']);
    expect(problemOf(await viewer.get(`/api/v1/segments/${list.id}/members/export.csv`), 403).code).toBe('forbidden');
    problemOf(await manager.get('/api/v1/segments/00000000-0000-4000-8000-000000000000/members/export.csv'), 404);

    const audit = ok<{ items: { actorName: string; changes: { format: string; unmasked: boolean; segment?: { id: string; name: string } } }[] }>(
      await ctx.admin.get('/api/v1/audit?action=export'),
    ).items;
    expect(audit.filter((a) => a.changes.segment?.id === list.id).map((a) => [a.changes.format, a.changes.unmasked, a.changes.segment!.name])).toEqual([
      ['csv', true, '冬季回访名单'], // manager (en)
      ['csv', true, '冬季回访名单'], // account manager
      ['csv', false, '冬季回访名单'], // marketer
      ['csv', true, '冬季回访名单'], // manager
    ]);
  });

  it('exports the members as a workbook', async () => {
    const res = await marketer.get(`/api/v1/segments/${list.id}/members/export.xlsx`);
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows: string[][] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    expect(rows[0]!.slice(0, 3)).toEqual(['ID', '类型', '姓名/名称']);
    expect(rows.slice(1).map((r) => [r[2], r[3]]).sort()).toEqual([
      ['孙七', '135****4444'],
      ['李华', '138****1111'],
      ['王小明', '139****5678'],
    ]);
  });

  it('refuses a bad file naming `file`, in zh-CN and English, and writes nothing', async () => {
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '坏文件', kind: 'static' }), 201);
    // Valid phones first, then a line with two columns: nothing of the file is added.
    const two = problemOf(await csv(manager, seg.id, '13912345678\n13800001111\n13500004444,王五\n'), 400);
    expect(two.errors).toEqual([{ field: 'file', message: '「文件」第 3 行有多列：每行只能有一个手机号或客户编号' }]);
    const en = problemOf(await csv(manager.lang('en'), seg.id, '13912345678\n13500004444,王五\n'), 400);
    expect(en.errors).toEqual([{ field: 'file', message: '"File" has several columns on line 2: one phone or customer number per line' }]);
    expect(await names(seg.id)).toEqual([]);
    const n = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from segment_members where segment_id = ${seg.id}`));
    expect(n[0]!.n).toBe(0);

    // A workbook, an empty file, a form, a file over the limit.
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
    expect(problemOf(await csv(manager, seg.id, zip), 400).errors).toEqual([{ field: 'file', message: '「文件」不是 CSV 文本文件（Excel 文件请另存为 CSV）' }]);
    expect(problemOf(await csv(manager, seg.id, '手机号\r\n\r\n'), 400).errors).toEqual([{ field: 'file', message: '「文件」中没有可导入的号码' }]);
    // A form is not taken: the file is the body (as the imports and ticket attachments take theirs).
    const form = await manager.request('POST', importUrl(seg.id), '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n1\r\n--b--\r\n', {
      'content-type': 'multipart/form-data; boundary=b',
    });
    expect(problemOf(form, 415).code).toBe('unsupported_media_type');
    const big = problemOf(await csv(manager, seg.id, '13912345678\n'.repeat(200_000)), 413);
    expect(big.code).toBe('payload_too_large');
    expect(big.errors).toEqual([{ field: 'file', message: '文件过大（上限 2 MB）' }]);
    expect(problemOf(await csv(manager, seg.id, '{"a":1}', undefined, { 'content-type': 'application/json' }), 415).code).toBe('unsupported_media_type');
    expect(problemOf(await csv(manager, seg.id, '13912345678\n', 'name'), 400).errors[0]!.field).toBe('by');

    // A dynamic segment takes no imported members; a viewer may not import.
    const dyn = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '动态', kind: 'dynamic', rule: { field: 'customer.city', op: 'eq', value: '哈尔滨市' } }), 201);
    expect(problemOf(await csv(manager, dyn.id, '13912345678\n'), 409).detail).toBe('只有静态名单可以手动添加或移除成员');
    problemOf(await csv(viewer, seg.id, '13912345678\n'), 403);
    expect(await names(seg.id)).toEqual([]);
  });

  it('replays the report of a repeated import with the same Idempotency-Key; the JSON add keeps its shape', async () => {
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '幂等导入', kind: 'static' }), 201);
    const key = { 'idempotency-key': 'import-7d1c2f' };
    const first = await csv(manager, seg.id, '13912345678\n13800001111\n', undefined, key);
    const second = await csv(manager, seg.id, '13912345678\n13800001111\n', undefined, key);
    expect(ok<SegmentImportReport>(first)).toMatchObject({ added: 2, alreadyMembers: 0 });
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(ok<SegmentImportReport>(second)).toEqual(ok<SegmentImportReport>(first));
    // The same key with another file is refused.
    expect(problemOf(await csv(manager, seg.id, '13500004444\n', undefined, key), 422).code).toBe('idempotency_key_reused');
    expect(await names(seg.id)).toEqual(['李华', '王小明']);
    const add = ok<SegmentAddReport>(await manager.post(`/api/v1/segments/${seg.id}/members`, { customerIds: [c['孙七']] }));
    expect(add).toEqual({ added: 1, alreadyMembers: 0, notFound: [], memberCount: 3 });
  });
});
