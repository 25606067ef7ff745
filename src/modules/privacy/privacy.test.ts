/**
 * 个人信息请求 (issue #18) through HTTP: the due date — 15 working days on the business calendar, its holidays and 调休
 * days, and a holiday the company adds — the status workflow with verification and answer, the list's filters and
 * overdue flag, reminders through the notifications (once per stage), the export ZIP (a JSON per module, the workbook,
 * the manifest; audited on the customer), and refusals: problem+json naming the field in both languages, a viewer and
 * a manager refused, nothing written.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { PrivacyRequestDetail, PrivacyRequestPage, PrivacyRequestView } from './privacy.contract.js';
import { remindPrivacyRequests } from './privacy.service.js';

let ctx: TestContext;
let viewer: Client;
let manager: Client;
let person: Record<string, any>;

const create = async (body: Record<string, unknown>, as?: Client): Promise<PrivacyRequestView> => ok<PrivacyRequestView>(await (as ?? ctx.admin).post('/api/v1/privacy/requests', body), 201);
const patch = (id: string, body: Record<string, unknown>, headers?: Record<string, string>) => ctx.admin.patch(`/api/v1/privacy/requests/${id}`, body, headers);
/** Monday 21 September 2026, 10:00 in Beijing: before 中秋 (25–27 Sep) and 国庆 (1–7 Oct), with 调休 on Saturday 10 Oct. */
const SEPT_21 = '2026-09-21T02:00:00.000Z';

/** The export of a request, unzipped: file name → bytes. */
async function exportOf(id: string, as: Client = ctx.admin): Promise<Record<string, Uint8Array>> {
  const res = await as.get(`/api/v1/privacy/requests/${id}/export`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="personal-data-\d+-\d{4}-\d{2}-\d{2}\.zip"$/);
  return unzipSync(new Uint8Array(res.rawPayload));
}
const json = (files: Record<string, Uint8Array>, name: string) => JSON.parse(strFromU8(files[name]!)) as { module: string; records: Record<string, Record<string, unknown>[]> };

describe('personal-information requests', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    viewer = await ctx.newUser({ role: 'viewer' });
    manager = await ctx.newUser({ role: 'manager' });
    person = await ctx.newCustomer({ name: '隐私测试户', phones: ['13912345678'], email: 'privacy@example.com', tags: ['独居老人'], custom: { heated_area: 96.5 } });
  });
  afterAll(async () => ctx?.close());

  it('is due at the end of the 15th working day after receipt on the business calendar: holidays and 调休 count, and so does a holiday the company adds', async () => {
    const r = await create({ kind: 'access', channel: 'counter', requesterName: '隐私测试户', requesterContact: '13912345678', customerId: person.id, receivedAt: SEPT_21 });
    // 22, 23, 24 Sep; (中秋) 28, 29, 30 Sep; (国庆) 8, 9, 10 (调休 Saturday), 12, 13, 14, 15, 16, 19 Oct → 19 Oct, 17:30 Beijing.
    expect(r).toMatchObject({ number: expect.any(Number), status: 'received', dueDay: '2026-10-19', dueAt: '2026-10-19T09:30:00.000Z', customerId: person.id, customerName: '隐私测试户' });
    expect(r.overdue).toBe(true); // today is past 19 October 2026

    // The company declares 19 October a holiday on its default calendar: a request received then is due a day later.
    type Cal = { id: string; isDefault: boolean; version: number; holidays: { date: string; name: string }[] };
    const cal = ok<Cal[]>(await ctx.admin.get('/api/v1/tickets/sla/calendars')).find((c) => c.isDefault)!;
    ok(await ctx.admin.patch(`/api/v1/tickets/sla/calendars/${cal.id}`, { holidays: [...cal.holidays, { date: '2026-10-19', name: '公司检修日' }], version: cal.version }));
    const later = await create({ kind: 'copy', requesterName: '隐私测试户', customerId: person.id, receivedAt: SEPT_21 });
    expect(later).toMatchObject({ dueDay: '2026-10-20', dueAt: '2026-10-20T09:30:00.000Z', channel: 'counter' });
    // The first keeps the due date it was given.
    expect(ok<PrivacyRequestDetail>(await ctx.admin.get(`/api/v1/privacy/requests/${r.id}`)).dueDay).toBe('2026-10-19');
  });

  it('moves received → verifying → in progress → answered, with verification and answer required, then stays closed; each step audited', async () => {
    const r = await create({ kind: 'correction', requesterName: '隐私测试户', details: '住址门牌号有误', customerId: person.id });
    const early = problemOf(await patch(r.id, { status: 'in_progress' }), 400);
    expect(early.errors).toEqual([{ field: 'verification', message: expect.stringContaining('身份核验') }]);
    const skip = problemOf(await patch(r.id, { status: 'answered', answer: '已更正' }), 409);
    expect(skip.errors?.[0]).toMatchObject({ field: 'status' });
    expect(JSON.stringify(skip)).toContain('「已收到」变为「已答复」');

    expect(ok<PrivacyRequestView>(await patch(r.id, { status: 'verifying' })).status).toBe('verifying');
    const verified = ok<PrivacyRequestView>(await patch(r.id, { status: 'in_progress', verification: { method: 'id_document', note: '身份证后四位 123X' } }));
    expect(verified).toMatchObject({ status: 'in_progress', verification: { method: 'id_document', note: '身份证后四位 123X', verifiedByName: '系统管理员' }, handlerName: '系统管理员' });
    const noAnswer = problemOf(await patch(r.id, { status: 'answered' }, { 'accept-language': 'en' }), 400);
    expect(noAnswer.errors).toEqual([{ field: 'answer', message: expect.stringContaining('Write the answer') }]);
    const done = ok<PrivacyRequestView>(await patch(r.id, { status: 'answered', answer: '门牌号已更正为 3 单元 502' }));
    expect(done).toMatchObject({ status: 'answered', answer: '门牌号已更正为 3 单元 502', overdue: false });
    expect(done.closedAt).not.toBeNull();
    const closed = problemOf(await patch(r.id, { details: '再改' }), 409);
    expect(closed.errors?.[0]).toMatchObject({ field: 'status' });

    // A refusal needs its reason; then it is closed too.
    const other = await create({ kind: 'deletion', requesterName: '冒名者', channel: 'phone' });
    problemOf(await patch(other.id, { status: 'refused' }), 400);
    expect(ok<PrivacyRequestView>(await patch(other.id, { status: 'refused', answer: '无法核实身份' })).status).toBe('refused');

    const detail = ok<PrivacyRequestDetail>(await ctx.admin.get(`/api/v1/privacy/requests/${r.id}`));
    expect(detail.history.map((h) => h.action).sort()).toEqual(['create', 'privacy_status', 'privacy_status', 'privacy_status']);
    expect(detail.history.find((h) => h.action === 'privacy_status')?.actionLabel).toBe('变更状态');
  });

  it('lists with filters, the overdue flag and keyset pages', async () => {
    const old = await create({ kind: 'marketing_objection', requesterName: '老请求', customerId: person.id, receivedAt: '2026-01-05T02:00:00Z' });
    expect(old.overdue).toBe(true);
    const overdue = ok<PrivacyRequestPage>(await ctx.admin.get('/api/v1/privacy/requests?overdue=true'));
    expect(overdue.items.map((i) => i.id)).toContain(old.id);
    expect(overdue.items.every((i) => i.overdue)).toBe(true);
    const byKind = ok<PrivacyRequestPage>(await ctx.admin.get('/api/v1/privacy/requests?kind=marketing_objection'));
    expect(byKind).toMatchObject({ total: 1, items: [{ id: old.id }] });
    const open = ok<PrivacyRequestPage>(await ctx.admin.get(`/api/v1/privacy/requests?status=open&customerId=${person.id}`));
    expect(open.items.every((i) => ['received', 'verifying', 'in_progress'].includes(i.status))).toBe(true);
    const all = ok<PrivacyRequestPage>(await ctx.admin.get('/api/v1/privacy/requests?limit=100'));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PrivacyRequestPage = ok<PrivacyRequestPage>(await ctx.admin.get(`/api/v1/privacy/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.id));
    problemOf(await ctx.admin.get('/api/v1/privacy/requests?cursor=bogus'), 400);
  });

  it('reminds the handler 3 working days before the due date and when it passes, once per stage', async () => {
    const r = await create({ kind: 'consent_withdrawal', requesterName: '提醒测试', customerId: person.id, receivedAt: SEPT_21 });
    const notes = async () =>
      ok<{ items: { kind: string; title: string; link: string }[] }>(await ctx.admin.get('/api/v1/notifications?limit=100')).items.filter((n) => n.link === `/privacy?request=${r.id}`);
    const before = new Date('2026-10-14T09:00:00Z'); // Wednesday 14 Oct, 17:00: the 12th working day not over yet
    await remindPrivacyRequests(ctx.database.db, before);
    expect(await notes()).toEqual([]);
    const soon = new Date('2026-10-15T02:00:00Z');
    expect(await remindPrivacyRequests(ctx.database.db, soon)).toBeGreaterThanOrEqual(1);
    expect(await remindPrivacyRequests(ctx.database.db, soon)).toBe(0);
    expect((await notes()).map((n) => n.title)).toEqual([expect.stringContaining(`个人信息请求 #${r.number} 将于`)]);
    const late = new Date('2026-10-21T02:00:00Z');
    await remindPrivacyRequests(ctx.database.db, late);
    expect(await remindPrivacyRequests(ctx.database.db, late)).toBe(0);
    const titles = (await notes()).map((n) => n.title);
    expect(titles).toHaveLength(2);
    expect(titles.some((x) => x.includes('已超过答复期限'))).toBe(true);
    expect((await notes()).every((n) => n.kind === 'privacy_due')).toBe(true);
  });

  it("exports the customer's data as one ZIP: a JSON per module, a workbook with a sheet per module, a manifest; audited on the customer", async () => {
    ok(await ctx.admin.post(`/api/v1/customers/${person.id}/transactions`, { type: 'payment', amountFen: 268_000, occurredAt: '2026-11-02T02:00:00Z' }), 201);
    ok(await ctx.admin.post(`/api/v1/customers/${person.id}/interactions`, { summary: '来电询问采暖费' }), 201);
    ok(await ctx.admin.post('/api/v1/tasks', { type: 'return_visit', title: '回访采暖', customerId: person.id, dueAt: '2026-12-01T01:00:00Z' }), 201);
    const ticket = ok<{ id: string }>(await ctx.admin.post('/api/v1/tickets', { title: '暖气不热', type: 'repair', customerId: person.id }), 201);
    ok(await ctx.admin.post(`/api/v1/tickets/${ticket.id}/replies`, { body: '师傅明天上门', send: false }), 201);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const photo = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/attachments?name=${encodeURIComponent('暖气片.png')}`,
      payload: png,
      headers: { 'content-type': 'application/octet-stream', cookie: ctx.admin.cookie!, 'x-csrf-token': ctx.admin.csrf! },
    });
    const attachment = ok<{ id: string }>(photo, 201);
    ok(await ctx.admin.post('/api/v1/feedback', { text: '客服态度很好', customerId: person.id }), 201);
    const r = await create({ kind: 'copy', requesterName: '隐私测试户', customerId: person.id });

    const files = await exportOf(r.id);
    const names = Object.keys(files).sort();
    for (const m of ['customers', 'transactions', 'interactions', 'tickets', 'messages', 'feedback', 'surveys', 'loyalty', 'analytics', 'care', 'audit', 'privacy'])
      expect(names, m).toContain(`${m}.json`);
    expect(names).toContain('personal-data.xlsx');
    expect(names).toContain('manifest.json');

    const customers = json(files, 'customers.json');
    expect(customers.records.profile).toEqual([expect.objectContaining({ id: person.id, name: '隐私测试户', phones: ['+8613912345678'], email: 'privacy@example.com' })]);
    expect(customers.records.profile![0]).not.toHaveProperty('searchText');
    expect(customers.records.tags).toEqual([{ tag: '独居老人' }]);
    expect(customers.records.custom_fields).toEqual([{ key: 'heated_area', value: 96.5 }]);
    expect(customers.records.contacts).toEqual([]);
    expect(json(files, 'transactions.json').records.transactions).toEqual([expect.objectContaining({ amountFen: 268_000, type: 'payment' })]);
    expect(json(files, 'interactions.json').records.interactions!.map((i) => i.summary)).toContain('来电询问采暖费');
    expect(json(files, 'interactions.json').records.tasks!.map((i) => i.title)).toContain('回访采暖');
    const tickets = json(files, 'tickets.json');
    expect(tickets.records.tickets).toEqual([expect.objectContaining({ id: ticket.id, title: '暖气不热' })]);
    expect(tickets.records.tickets![0]).not.toHaveProperty('publicToken');
    expect(tickets.records.events!.map((e) => e.body)).toContain('师傅明天上门');
    expect(tickets.records.attachments).toEqual([expect.objectContaining({ id: attachment.id, fileName: '暖气片.png' })]);
    // The attachment itself, as stored.
    const stored = names.filter((n) => n.startsWith('files/tickets/'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(attachment.id);
    expect(Buffer.from(files[stored[0]!]!).equals(png)).toBe(true);
    expect(json(files, 'feedback.json').records.items!.map((i) => i.text)).toEqual(['客服态度很好']);
    expect(json(files, 'privacy.json').records.requests!.map((x) => x.id)).toContain(r.id);
    expect(json(files, 'audit.json').records.entries!.map((e) => e.action)).toContain('create');
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { customerId: string; request: { id: string }; modules: { module: string; records: Record<string, number> }[] };
    expect(manifest).toMatchObject({ customerId: person.id, request: { id: r.id } });
    expect(manifest.modules.find((m) => m.module === 'transactions')?.records).toEqual({ transactions: 1, lines: 0 });

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(files['personal-data.xlsx']!) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(manifest.modules.map((m) => m.module));
    const sheet = wb.getWorksheet('customers')!;
    const texts: string[] = [];
    sheet.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    expect(texts).toContain('隐私测试户');
    expect(texts[0]).toBe('个人信息副本 · 客户资料');

    // Audited on the request and on the customer (so it is in the customer's history).
    type Audit = { items: { action: string; entityType: string; entityId: string }[] };
    const onCustomer = ok<Audit>(await ctx.admin.get(`/api/v1/audit?entityType=customer&entityId=${person.id}`)).items;
    expect(onCustomer.some((e) => e.action === 'privacy_export')).toBe(true);
    const onRequest = ok<Audit>(await ctx.admin.get(`/api/v1/audit?entityType=privacy_request&entityId=${r.id}`)).items;
    expect(onRequest.map((e) => e.action)).toContain('privacy_export');

    // An organisation's contacts (people too) are in its export.
    const org = await ctx.newCustomer({ kind: 'organization', name: '隐私测试物业公司' });
    ok(await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '物业联系人', phones: ['13700001111'] }), 201);
    const orgFiles = await exportOf((await create({ kind: 'access', requesterName: '物业联系人', customerId: org.id })).id);
    expect(json(orgFiles, 'customers.json').records.contacts).toEqual([expect.objectContaining({ name: '物业联系人', phones: ['+8613700001111'] })]);

    // Without a linked customer there is nothing to export: 409 naming customerId.
    const anonymous = await create({ kind: 'access', requesterName: '未关联' });
    const p = problemOf(await ctx.admin.get(`/api/v1/privacy/requests/${anonymous.id}/export`), 409);
    expect(p.errors?.[0]).toMatchObject({ field: 'customerId' });
  });

  it('refuses bad input as problem+json naming the field in the caller’s language, writing nothing', async () => {
    const before = await countRows(ctx.database, 'privacy_requests');
    const noName = problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: '  ' }), 400);
    expect(noName.errors?.[0]).toMatchObject({ field: 'requesterName', message: expect.stringContaining('请求人') });
    const en = problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: '' }, { 'accept-language': 'en' }), 400);
    expect(en.errors?.[0]).toMatchObject({ field: 'requesterName', message: expect.stringContaining('Requester') });
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'forget_me', requesterName: 'x' }), 400).errors?.[0]).toMatchObject({ field: 'kind' });
    const unknown = problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x', customerId: '00000000-0000-4000-8000-000000000000' }), 400);
    expect(unknown.errors?.[0]).toMatchObject({ field: 'customerId', message: expect.stringContaining('找不到该客户') });
    const handler = problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x', handlerId: manager.userId }), 400);
    expect(handler.errors?.[0]).toMatchObject({ field: 'handlerId' });
    const future = problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x', receivedAt: '2099-01-01T00:00:00Z' }), 400);
    expect(future.errors?.[0]).toMatchObject({ field: 'receivedAt' });
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x', verification: { method: 'dna' } }), 400).errors?.[0]?.field).toBe('verification.method');
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x', extra: 1 }), 400).errors?.length).toBeGreaterThan(0);
    problemOf(await ctx.admin.patch('/api/v1/privacy/requests/00000000-0000-4000-8000-000000000000', { details: 'x' }), 404);
    expect(await countRows(ctx.database, 'privacy_requests')).toBe(before);
  });

  it('refuses a viewer and a manager (privacy:manage is the administrators’), and anonymous callers', async () => {
    const r = await create({ kind: 'access', requesterName: '权限测试', customerId: person.id });
    for (const c of [viewer, manager]) {
      problemOf(await c.get('/api/v1/privacy/requests'), 403);
      problemOf(await c.post('/api/v1/privacy/requests', { kind: 'access', requesterName: 'x' }), 403);
      problemOf(await c.get(`/api/v1/privacy/requests/${r.id}`), 403);
      problemOf(await c.patch(`/api/v1/privacy/requests/${r.id}`, { details: 'x' }), 403);
      problemOf(await c.get(`/api/v1/privacy/requests/${r.id}/export`), 403);
    }
    problemOf(await ctx.anon.get('/api/v1/privacy/requests'), 401);
    const rows = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'privacy_export' and entity_id = ${r.id}`));
    expect(rows[0]!.n).toBe(0);
  });
});
