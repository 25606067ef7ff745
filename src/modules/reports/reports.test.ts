/**
 * Reports (报表中心, issue #17) through HTTP on a hand-built fixture (injected clock, company zone Asia/Shanghai): the
 * monthly service report's figures this month and last against SQL counts and the goal metrics, the ticket tables,
 * the goals it lists; the week and month periods; the workbook's cells; the PDF's text layer (the Chinese title and
 * the figures, extracted); who may read reports.
 */
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { sql } from 'drizzle-orm';
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { startSmtpSink, testMessaging, type SmtpSink } from '../../test/mail.js';
import { MessageDelivery } from '../messages/index.js';
import type { ReportDeliveryList, ReportDocument, ReportSubscriptionView } from './reports.contract.js';
import { lastCompletePeriod, reportPeriods } from './reports.service.js';
import { runReportSchedule } from './subscriptions.js';
import { actorForUserId } from '../accounts/index.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const NOW = '2026-12-03 10:00';
let now = bj(NOW);

let ctx: TestContext;
let manager: Client;
let agent: Client;
let customerId: string;

async function ticket(when: string, type: string, replyAfterHours: number | null) {
  now = bj(when);
  const { id } = ok<{ id: string }>(await ctx.admin.post('/api/v1/tickets', { title: `报表工单 ${when}`, type, customerId, assigneeId: ctx.admin.userId }), 201);
  if (replyAfterHours !== null) {
    now = new Date(bj(when).getTime() + replyAfterHours * 3_600_000);
    ok(await ctx.admin.post(`/api/v1/tickets/${id}/replies`, { body: '已收到', send: false }), 201);
  }
}
const figure = (doc: ReportDocument, key: string) => doc.sections.flatMap((s) => s.figures).find((f) => f.key === key)!;
async function report(c: Client, query: string): Promise<ReportDocument> {
  now = bj(NOW);
  return ok<ReportDocument>(await c.get(`/api/v1/reports/service?${query}`));
}

describe('reports', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager' });
    agent = await ctx.newUser({ role: 'agent' });
    customerId = (await ctx.newCustomer({ name: '报表客户', phones: ['13900005001'] })).id;
    // October: two complaints; November: three complaints (one answered after 30 h) and a repair.
    await ticket('2026-10-08 09:00', 'complaint', 2);
    await ticket('2026-10-21 09:00', 'complaint', 5);
    await ticket('2026-11-03 09:00', 'complaint', 1);
    await ticket('2026-11-17 09:00', 'complaint', 30);
    await ticket('2026-11-18 09:00', 'complaint', 3);
    await ticket('2026-11-19 09:00', 'repair', 2);
    // A goal on complaints for November.
    now = bj(NOW);
    ok(await manager.post('/api/v1/goals', { name: '11 月投诉不超过 2 件', metric: 'tickets.complaints', targetValue: 2, periodKind: 'month', periodStart: '2026-11-01' }), 201);
  });
  afterAll(() => ctx.close());

  it('reports last month by default, each figure against the month before, as SQL and the goal metrics count it', async () => {
    const doc = await report(manager, 'cadence=month');
    expect(doc.period).toMatchObject({ start: '2026-11-01', end: '2026-11-30', label: '2026年11月' });
    expect(doc.previous).toMatchObject({ start: '2026-10-01', end: '2026-10-31' });
    expect(doc.title).toBe('测试热力公司 服务报表（2026年11月）');
    const [counts] = rowsOf<{ nov: number; oct: number }>(
      await ctx.database.db.execute(sql`select
        count(*) filter (where created_at >= '2026-10-31T16:00:00Z' and created_at < '2026-11-30T16:00:00Z')::int as nov,
        count(*) filter (where created_at >= '2026-09-30T16:00:00Z' and created_at < '2026-10-31T16:00:00Z')::int as oct
        from tickets where type = 'complaint' and deleted_at is null`),
    );
    expect(figure(doc, 'tickets.complaints')).toMatchObject({ value: counts!.nov, previous: counts!.oct, better: 'lower', label: '投诉量' });
    expect([counts!.nov, counts!.oct]).toEqual([3, 2]);
    // Answered within 24 h: two of November's three complaints; both of October's.
    expect(figure(doc, 'tickets.complaints_answered_24h')).toMatchObject({ value: 66.67, previous: 100 });
    // The same figure a goal on November shows.
    const goals = doc.sections.find((s) => s.key === 'goals')!;
    expect(goals.tables[0]!.rows).toEqual([expect.objectContaining({ goal: '11 月投诉不超过 2 件', value: '3', target: '2', status: '未达成' })]);
    const byCategory = doc.sections.find((s) => s.key === 'service.tickets')!.tables[0]!;
    expect(byCategory.rows.reduce((a, r) => a + Number(r.tickets), 0)).toBe(4);
  });

  it('takes the week (Monday to Sunday) or the month containing the date asked for', async () => {
    expect(reportPeriods('week', '2026-11-18')).toEqual({ period: { start: '2026-11-16', end: '2026-11-22' }, previous: { start: '2026-11-09', end: '2026-11-15' } });
    expect(reportPeriods('week', '2026-11-22')).toEqual(reportPeriods('week', '2026-11-16'));
    expect(reportPeriods('month', '2026-03-31')).toEqual({ period: { start: '2026-03-01', end: '2026-03-31' }, previous: { start: '2026-02-01', end: '2026-02-28' } });
    const week = await report(manager, 'cadence=week&date=2026-11-18');
    expect(figure(week, 'tickets.complaints')).toMatchObject({ value: 2, previous: 0 });
  });

  it('writes the same figures into the workbook', async () => {
    now = bj(NOW);
    const res = await manager.get('/api/v1/reports/service/export.xlsx?cadence=month');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('report-service-2026-11-01.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('测试热力公司 服务报表（2026年11月）');
    let row = 0;
    ws.eachRow((r, i) => {
      if (r.getCell(1).value === '投诉量') row = i;
    });
    expect([ws.getRow(row).getCell(2).value, ws.getRow(row).getCell(3).value, ws.getRow(row).getCell(4).value]).toEqual([3, 2, 50]);
  });

  it('writes a PDF whose text layer holds the Chinese title and the figures', async () => {
    now = bj(NOW);
    const res = await manager.get('/api/v1/reports/service/export.pdf?cadence=month');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const bytes = new Uint8Array(res.rawPayload);
    expect(bytes.length).toBeLessThan(200_000); // a subset of the font, not the 10 MB file
    const pdf = await getDocumentProxy(bytes);
    expect(pdf.numPages).toBe(1); // the page number in the footer does not start a page of its own
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text).toContain('测试热力公司 服务报表（2026年11月）');
    expect(text).toMatch(/投诉量\s*3\s*2\s*\+50%/);
    expect(text).toContain('11 月投诉不超过 2 件');
    expect((await getMeta(pdf)).info.Title).toBe('测试热力公司 服务报表（2026年11月）');
  });

  it('is for those who may read reports; a bad kind or date is explained', async () => {
    problemOf(await agent.get('/api/v1/reports/service'), 403);
    problemOf(await manager.get('/api/v1/reports/nope'), 400);
    const bad = problemOf(await manager.get('/api/v1/reports/value?date=2026-02-30'), 400);
    expect(bad.errors?.[0]).toMatchObject({ field: 'date' });
    const value = await report(manager, 'cadence=month');
    expect(value.kind).toBe('service');
    now = bj(NOW);
    const english = ok<ReportDocument>(await manager.get('/api/v1/reports/value?cadence=month', { 'accept-language': 'en' }));
    expect(english.title).toBe('测试热力公司 value report (2026-11)');
  });

  describe('subscriptions', () => {
    /** The SMTP sink refuses the first message with a temporary error (451), then accepts. */
    let smtp: SmtpSink;
    let sub: ReportSubscriptionView;
    const delivery = () => new MessageDelivery(ctx.database.db, testMessaging(() => now));
    const schedule = () => runReportSchedule(ctx.database.db, now, (id) => actorForUserId({ db: ctx.database.db, config: ctx.config }, id));

    beforeAll(async () => {
      smtp = await startSmtpSink({ refuseFirst: 1 });
      ok(await ctx.admin.patch('/api/v1/message-settings', { email: { adapter: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, fromAddress: 'reports@heat.example.com' } }));
    });
    afterAll(() => smtp?.close());

    it('sends last month’s report once, retries a refused email and shows both attempts in the send history', async () => {
      now = bj('2026-11-20 10:00');
      sub = ok<ReportSubscriptionView>(await manager.post('/api/v1/reports/subscriptions', { kind: 'service', cadence: 'month', format: 'both', recipients: ['Boss@Heat.example.com'] }), 201);
      expect(sub).toMatchObject({ kind: 'service', cadence: 'month', format: 'both', recipients: ['boss@heat.example.com'], owner: { id: manager.userId }, active: true });
      expect(lastCompletePeriod('month', '2026-12-03')).toEqual({ start: '2026-11-01', end: '2026-11-30' });
      expect(lastCompletePeriod('week', '2026-12-03')).toEqual({ start: '2026-11-23', end: '2026-11-29' });

      // December 3rd: November is complete. One email queued, and only once however often the clock runs.
      now = bj(NOW);
      expect(await schedule()).toBe(1);
      expect(await schedule()).toBe(0);

      // The first attempt is refused (451): the outbox keeps it for a retry.
      expect((await delivery().deliverDue()).retrying).toBe(1);
      let history = ok<ReportDeliveryList>(await manager.get(`/api/v1/reports/subscriptions/${sub.id}/deliveries`));
      expect(history.items).toHaveLength(1);
      expect(history.items[0]).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30' });
      expect(history.items[0]!.messages).toEqual([expect.objectContaining({ recipient: 'boss@heat.example.com', status: 'queued', attempts: 1 })]);
      expect(history.items[0]!.messages[0]!.lastError).toContain('mailbox busy');
      expect(smtp.mails).toHaveLength(0);

      // After the backoff the retry goes through.
      now = new Date(bj(NOW).getTime() + 10 * 60_000);
      expect((await delivery().deliverDue()).sent).toBe(1);
      now = bj(NOW);
      history = ok<ReportDeliveryList>(await manager.get(`/api/v1/reports/subscriptions/${sub.id}/deliveries`));
      expect(history.items[0]!.messages[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

      // The email: the report's title, its figures in the text, the PDF and the workbook attached.
      const mail = await simpleParser(smtp.mails[0]!);
      expect(mail.subject).toBe('测试热力公司 服务报表（2026年11月）');
      expect(mail.text).toContain('投诉量：3（上期 2，+50%）');
      expect(mail.attachments.map((a) => a.filename).sort()).toEqual(['report-service-2026-11-01.pdf', 'report-service-2026-11-01.xlsx']);
      const pdf = await getDocumentProxy(new Uint8Array(mail.attachments.find((a) => a.filename!.endsWith('.pdf'))!.content));
      expect((await extractText(pdf, { mergePages: true })).text).toContain('测试热力公司 服务报表（2026年11月）');
    });

    it('lets an owner pause or remove a subscription; others do not see it', async () => {
      problemOf(await agent.get(`/api/v1/reports/subscriptions/${sub.id}/deliveries`), 403);
      const paused = ok<ReportSubscriptionView>(await manager.patch(`/api/v1/reports/subscriptions/${sub.id}`, { active: false }));
      expect(paused.active).toBe(false);
      const bad = problemOf(await manager.post('/api/v1/reports/subscriptions', { kind: 'service', cadence: 'month', recipients: ['not-an-address'] }), 400);
      expect(bad.errors?.[0]?.field).toMatch(/^recipients/);
      expect((await manager.delete(`/api/v1/reports/subscriptions/${sub.id}`)).statusCode).toBe(204);
      expect(ok<{ items: unknown[] }>(await manager.get('/api/v1/reports/subscriptions')).items).toEqual([]);
    });
  });
});
