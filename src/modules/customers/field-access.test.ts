/**
 * Field-level access (issue #18, 字段权限): a role with the ID number (and a custom field) hidden never receives it —
 * not from any documented GET route (walked from /api/docs/json with real ids for the path parameters), not from the
 * CSV or XLSX export — in full or masked; writes of hidden or read-only fields are refused naming the field, and
 * nothing is written. The matrix API itself: defaults, refusals, reset.
 */
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hideFields } from '../../test/field-grants.js';
import { createTestContext, type Client, type Res, type TestContext } from '../../test/harness.js';
import { maskIdNumber } from './id-number.js';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid resident ID of the region and birth day whose check character is X (a needle no UUID or number holds). */
export function residentIdEndingX(region: string, birth: string): string {
  for (let seq = 100; seq < 1000; seq++) {
    const body = `${region}${birth}${seq}`;
    if ('10X98765432'[[...body].reduce((sum, d, i) => sum + Number(d) * W[i]!, 0) % 11] === 'X') return `${body}X`;
  }
  throw new Error('no sequence gives X');
}

const ID1 = residentIdEndingX('230102', '19850612');
const ID2 = residentIdEndingX('230103', '19790301');
const ID3 = residentIdEndingX('230104', '19660925');
const AREA = 7373.25;
const NOBODY = '00000000-0000-4000-8000-000000000001';
/** Every form an ID number could leak in: in full, lower-case, masked (110***********123X), its last four. */
const NEEDLES = [ID1, ID2, ID3].flatMap((id) => [id, id.toLowerCase(), maskIdNumber(id), id.slice(-4)]).concat([String(AREA)]);

/** A response's text: JSON or CSV as is, a workbook's cells, a ZIP's files. */
async function textOf(res: Res | { headers: Record<string, unknown>; body: string; rawPayload: Buffer }): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.value ?? '')))));
    return cells.join('\n');
  }
  if (type.includes('zip')) {
    return Object.values(unzipSync(new Uint8Array(res.rawPayload)))
      .map((f) => strFromU8(f))
      .join('\n');
  }
  return res.body;
}

const leaksIn = (text: string) => NEEDLES.filter((n) => text.includes(n));

describe('field-level access', () => {
  let ctx: TestContext;
  let mgr: Client;
  const ids: Record<string, string> = {};
  let doc: { paths: Record<string, Record<string, unknown>> };
  const ok = (res: { statusCode: number; body: string }, status = 201) => {
    expect(res.statusCode, res.body).toBe(status);
    return JSON.parse(res.body) as Record<string, any>;
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    const admin = ctx.admin;
    const address = { city: '哈尔滨市', compound: '隐证小区', building: '3', unit: '2', room: '501' };
    const a = ok(await admin.post('/api/v1/customers', { name: '隐证甲', phones: ['13912340001'], idNumber: ID1, address, custom: { heated_area: AREA } }));
    ids.customer = a.id;
    // The history holds the ID number masked, before and after.
    ok(await admin.patch(`/api/v1/customers/${a.id}`, { version: a.version, idNumber: ID2 }), 200);
    ok(await admin.post('/api/v1/customers', { name: '隐证乙', phones: ['13912340002'], idNumber: ID2 }));
    const c = ok(await admin.post('/api/v1/customers', { name: '隐证丙', phones: ['13912340003'], idNumber: ID3 }));
    const d = ok(await admin.post('/api/v1/customers', { name: '隐证丙（重复）', phones: ['13912340004'], idNumber: ID3 }));
    ids.merge = ok(await admin.post('/api/v1/customers/merge', { survivorId: c.id, mergedId: d.id, survivorVersion: c.version, mergedVersion: d.version }), 200).merge.id;
    ids.transaction = ok(
      await admin.post(`/api/v1/customers/${a.id}/transactions`, { type: 'payment', amountFen: 250000, occurredAt: '2026-01-05T10:00:00+08:00' }),
    ).id;
    ids.interaction = ok(
      await admin.post(`/api/v1/customers/${a.id}/interactions`, { channel: 'call', direction: 'outbound', summary: '回访', occurredAt: '2026-01-05T10:00:00+08:00' }),
    ).id;
    ids.task = ok(await admin.post('/api/v1/tasks', { type: 'care', title: '关怀', dueAt: '2030-01-01T09:00:00+08:00', customerId: a.id })).id;
    const categoryId = (ok(await admin.get('/api/v1/ticket-categories'), 200).items as { id: string }[])[0]!.id;
    ids.ticket = ok(await admin.post('/api/v1/tickets', { title: '暖气不热', type: 'repair', categoryId, customerId: a.id })).id;
    ids.message = ok(await admin.post(`/api/v1/customers/${a.id}/messages`, { channel: 'sms', body: '您好' })).id;
    ids.segment = ok(await admin.post('/api/v1/segments', { name: '隐证名单', kind: 'static' })).id;
    ok(await admin.post(`/api/v1/segments/${ids.segment}/members`, { customerIds: [a.id] }), 200);

    // The manager role: every field editable but the ID number and the heating area, which are hidden.
    await hideFields(admin, 'manager', ['idNumber', 'custom.heated_area']);
    mgr = await ctx.newUser({ role: 'manager', username: 'field.mgr' });
    doc = (await ctx.anon.get('/api/docs/json')).json();
  });
  afterAll(async () => ctx?.close());

  it('shows the grants as a matrix; the admin role is fixed; unknown, always-visible and admin changes are refused', async () => {
    const matrix = ok(await ctx.admin.get('/api/v1/roles/field-grants'), 200);
    const role = (key: string) => (matrix.roles as { key: string; customized: boolean; fixed: boolean; levels: Record<string, string>; effective: Record<string, string> }[]).find((r) => r.key === key)!;
    expect(role('manager')).toMatchObject({ customized: true, fixed: false });
    expect(role('manager').levels).toMatchObject({ idNumber: 'hidden', phones: 'edit', 'custom.heated_area': 'hidden' });
    expect(role('admin')).toMatchObject({ customized: false, fixed: true });
    // The defaults keep the behaviour before field grants: without customer:write everything is read-only; an agent edits.
    expect(role('viewer').effective).toMatchObject({ idNumber: 'read', phones: 'read', email: 'read' });
    expect(role('marketer').effective).toMatchObject({ idNumber: 'read', phones: 'read' });
    expect(role('agent').effective).toMatchObject({ idNumber: 'edit', email: 'edit' });

    expect((await ctx.admin.put('/api/v1/roles/admin/field-grants', { levels: null })).statusCode).toBe(403);
    const unknown = await ctx.admin.put('/api/v1/roles/viewer/field-grants', { levels: { nope: 'read' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('levels.nope');
    const name = await ctx.admin.lang('en').put('/api/v1/roles/viewer/field-grants', { levels: { name: 'hidden' } });
    expect(name.statusCode).toBe(400);
    expect(name.json().errors[0].message).toContain('cannot be hidden');
    expect((await mgr.get('/api/v1/roles/field-grants')).statusCode).toBe(403);
    // The caller's own levels, for the forms.
    const mine = ok(await mgr.get('/api/v1/customers/field-access'), 200);
    expect(mine.levels).toMatchObject({ idNumber: 'hidden', phones: 'edit', name: 'edit', 'custom.heated_area': 'hidden' });
  });

  it('never sends the hidden ID number (full or masked) or custom value from any documented GET route', async () => {
    const fill = (path: string): string =>
      path
        .replace(/^\/api\/v1\/customers\/merges\/\{id\}/, `/api/v1/customers/merges/${ids.merge}`)
        .replace(/^\/api\/v1\/customers\/\{id\}/, `/api/v1/customers/${ids.customer}`)
        .replace(/^\/api\/v1\/(transactions|interactions|tasks|tickets|messages|segments)\/\{id\}/, (_m, kind: string) => {
          const key = { transactions: 'transaction', interactions: 'interaction', tasks: 'task', tickets: 'ticket', messages: 'message', segments: 'segment' }[kind]!;
          return `/api/v1/${kind}/${ids[key]}`;
        })
        .replace(/\{[^}]+\}/g, NOBODY);
    // Routes that say more with a query: the search box, the duplicate check, a customer's merges, the audit of customers.
    const extra = [
      '/api/v1/customers?q=隐证',
      `/api/v1/customers?q=${ID2}`,
      '/api/v1/search?q=隐证',
      '/api/v1/customers/duplicate-check?name=隐证甲&compound=隐证小区&building=3',
      `/api/v1/customers/merges?customerId=${ids.customer}`,
      '/api/v1/audit?entityType=customer',
      `/api/v1/audit?entityType=customer&entityId=${ids.customer}`,
    ];
    const urls = [
      ...Object.entries(doc.paths)
        .filter(([p, ops]) => 'get' in ops && p.startsWith('/api/'))
        .map(([p]) => fill(p)),
      ...extra,
    ];
    const leaks: string[] = [];
    const failures: string[] = [];
    let answered = 0;
    for (const url of urls) {
      const res = (await mgr.get(url)) as Res;
      if (res.statusCode >= 500) failures.push(`GET ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode === 200) answered++;
      const found = leaksIn(await textOf(res));
      if (found.length) leaks.push(`GET ${url} → ${found.join(', ')}`);
    }
    expect(leaks).toEqual([]);
    // No route may answer 5xx to a user with fields hidden (a 5xx leaks nothing, but it is a fault of its own).
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(80);

    // Not vacuous: the same customer, to the admin, carries the masked ID number, the heating area and the history.
    const seen = await ctx.admin.get(`/api/v1/customers/${ids.customer}`);
    expect(seen.body).toContain(maskIdNumber(ID2));
    expect(seen.body).toContain(String(AREA));
    expect((await ctx.admin.get(`/api/v1/customers/${ids.customer}/history`)).body).toContain(maskIdNumber(ID1));
    // And to the manager, the record is there, with the field named as hidden.
    const view = ok(await mgr.get(`/api/v1/customers/${ids.customer}`), 200);
    expect(view).toMatchObject({ name: '隐证甲', idNumber: null, idType: null, hidden: ['idNumber'], custom: {} });
    expect(view.phones).toEqual(['139****0001']);
  });

  it('leaves the hidden fields out of the CSV and XLSX exports (the admin’s have them)', async () => {
    for (const format of ['csv', 'xlsx']) {
      const res = (await mgr.get(`/api/v1/customers/export.${format}`)) as Res;
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      const text = await textOf(res);
      expect(text).toContain('隐证甲');
      expect(text).not.toContain('证件号码');
      expect(text).not.toContain('供暖面积');
      expect(leaksIn(text)).toEqual([]);
      const segment = (await mgr.get(`/api/v1/segments/${ids.segment}/members/export.${format}`)) as Res;
      expect(segment.statusCode).toBe(200);
      expect(leaksIn(await textOf(segment))).toEqual([]);
      const adminText = await textOf((await ctx.admin.get(`/api/v1/customers/export.${format}`)) as Res);
      expect(adminText).toContain(ID2);
    }
  });

  it('refuses writes of a hidden or read-only field with 403 naming it, in both languages, writing nothing', async () => {
    const before = ok(await ctx.admin.get(`/api/v1/customers/${ids.customer}`), 200);
    const patch = await mgr.patch(`/api/v1/customers/${ids.customer}`, { version: before.version, idNumber: ID3, name: '改名' });
    expect(patch.statusCode).toBe(403);
    expect(patch.headers['content-type']).toContain('application/problem+json');
    expect(patch.json().errors[0]).toMatchObject({ field: 'idNumber' });
    expect(patch.json().errors[0].message).toContain('证件号码');
    const en = await mgr.lang('en').patch(`/api/v1/customers/${ids.customer}`, { version: before.version, custom: { heated_area: 1 } });
    expect(en.statusCode).toBe(403);
    expect(en.json().errors[0].field).toBe('custom.heated_area');
    expect(en.json().errors[0].message).toMatch(/may not see or change/);
    const created = await mgr.post('/api/v1/customers', { name: '新户', idNumber: ID3 });
    expect(created.statusCode).toBe(403);
    expect(created.json().errors[0].field).toBe('idNumber');
    const after = ok(await ctx.admin.get(`/api/v1/customers/${ids.customer}`), 200);
    expect(after.version).toBe(before.version);
    expect(after.name).toBe('隐证甲');
    expect(ok(await ctx.admin.get('/api/v1/customers?q=新户'), 200).items).toEqual([]);

    // Read-only: the email of a viewer-like grant on the manager role.
    const matrix = ok(await ctx.admin.get('/api/v1/roles/field-grants'), 200);
    const levels = { ...(matrix.roles as { key: string; levels: Record<string, string> }[]).find((r) => r.key === 'manager')!.levels, email: 'read' };
    ok(await ctx.admin.put('/api/v1/roles/manager/field-grants', { levels }), 200);
    const readOnly = await mgr.patch(`/api/v1/customers/${ids.customer}`, { version: before.version, email: 'a@example.com' });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().errors[0].field).toBe('email');
    expect(readOnly.json().errors[0].message).toContain('只读');
    // Editable fields still save.
    ok(await mgr.patch(`/api/v1/customers/${ids.customer}`, { version: before.version, notes: '可以改备注' }), 200);
    // A duplicate check or a reveal of the hidden field is refused; the default reveal leaves it out.
    expect((await mgr.get(`/api/v1/customers/duplicate-check?idNumber=${ID2}`)).statusCode).toBe(403);
    expect((await mgr.post(`/api/v1/customers/${ids.customer}/reveal`, { fields: ['idNumber'] })).statusCode).toBe(403);
    const revealed = ok(await mgr.post(`/api/v1/customers/${ids.customer}/reveal`, {}), 200);
    expect(revealed).toMatchObject({ idNumber: null, phones: ['13912340001'] });
    // Back to the default: the manager sees the (masked) ID number again.
    ok(await ctx.admin.put('/api/v1/roles/manager/field-grants', { levels: null }), 200);
    expect((await mgr.get(`/api/v1/customers/${ids.customer}`)).body).toContain(maskIdNumber(ID2));
  });
});
