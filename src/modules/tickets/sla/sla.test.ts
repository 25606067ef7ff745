/**
 * SLA through HTTP with an injected clock: calendars and policies (validation naming the field, zh-CN and English,
 * versions, permissions), the clock of real tickets (policy choice, 24×7 complaints, business-hour inquiries, pause
 * and resume, reopen), warnings and the three-level escalation each firing exactly once (also with two server
 * processes racing on one PostgreSQL database), and the ticket report's numbers against hand-made tickets.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, prepareDatabase } from '../../../app.js';
import { openDatabase, rowsOf, type Database } from '../../../platform/db/client.js';
import type { App } from '../../../platform/http/server.js';
import { Client, createTestContext, scratchPostgresDatabase, TEST_DB_KIND, ADMIN, type TestContext } from '../../../test/harness.js';
import { checkClocks } from './escalation.js';
import { checkSlaDeadlines, runSlaCheck } from './index.js';
import * as slaRepo from './sla.repository.js';
import type { SlaCalendarView, SlaClockView, SlaPolicyView, TicketReport } from './sla.contract.js';
import { ok, type Problem } from '../../../test/http.js';

const MIN = 60_000;
const H = 60 * MIN;
/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);

function problem(res: LightMyRequestResponse, status: number): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as Problem;
}

let now = bj('2026-11-23 10:00');
const clock = () => now;

async function rows<T>(database: Database, q: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await database.db.execute(q));
}

let ctx: TestContext;
let agent: Client;
let agent2: Client;
let leadId: string;
let managerId: string;
let groupId: string;
let customerId: string;
let rootCauseId: string;

const createTicket = async (body: Record<string, unknown>, as: Client = ctx.admin) =>
  ok<any>(await as.post('/api/v1/tickets', { title: '暖气不热', customerId, ...body }), 201);
const ticket = async (id: string) => ok<any>(await ctx.admin.get(`/api/v1/tickets/${id}`));
const sla = async (id: string) => (await ticket(id)).sla as SlaClockView;

describe('SLA', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    const dept = ok<{ id: string }>(await ctx.admin.post('/api/v1/teams', { name: '客服部', kind: 'department' }), 201).id;
    groupId = ok<{ id: string }>(await ctx.admin.post('/api/v1/teams', { name: '一班', kind: 'group', parentId: dept }), 201).id;
    agent = await ctx.newUser({ role: 'agent', teamId: groupId, username: 'agent1' });
    agent2 = await ctx.newUser({ role: 'agent', teamId: groupId, username: 'agent2' });
    leadId = (await ctx.newUser({ role: 'manager', teamId: groupId, username: 'lead1' })).userId!;
    managerId = (await ctx.newUser({ role: 'manager', teamId: dept, username: 'deptmgr' })).userId!;
    customerId = (await ctx.newCustomer({ name: '李建国', address: { city: '哈尔滨市', compound: '幸福家园', room: '501' } })).id;
    const causes = ok<{ id: string }[] | { items: { id: string }[] }>(await ctx.admin.get('/api/v1/ticket-root-causes'));
    rootCauseId = (Array.isArray(causes) ? causes : causes.items)[0]!.id;
  });
  afterAll(() => ctx.close());

  calendarsAndPolicies();
  clockOfATicket();
  warningsAndEscalation();
  reports();
});

/** Business calendars and SLA policies. */
function calendarsAndPolicies(): void {
  describe('calendars and policies', () => {
    it('ships the default calendar with the 2026 holidays and 调休 days, a 24×7 one and the heating policies', async () => {
      const cals = ok<SlaCalendarView[]>(await agent.get('/api/v1/tickets/sla/calendars'));
      const def = cals.find((c) => c.isDefault)!;
      expect(def.hours).toHaveLength(5);
      expect(def.holidays.map((d) => d.date)).toContain('2026-10-01');
      expect(def.workdays.map((d) => d.date)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
      expect(cals.find((c) => c.alwaysOpen)?.name).toBe('7×24 小时');
      const policies = ok<SlaPolicyView[]>(await agent.get('/api/v1/tickets/sla/policies'));
      const complaint = policies.find((p) => p.ticketType === 'complaint' && !p.priority && !p.customerTier)!;
      expect(complaint).toMatchObject({ name: '投诉：24 小时内答复', firstResponseMinutes: 1440, calendarName: '7×24 小时' });
    });

    it('refuses bad calendars naming the field, in zh-CN and English', async () => {
      const bad = problem(await ctx.admin.post('/api/v1/tickets/sla/calendars', { name: '夜班', hours: [{ weekday: 1, start: '18:00', end: '09:00' }] }), 400);
      expect(bad.errors).toEqual([{ field: 'hours.0.end', message: expect.stringContaining('结束时间须晚于开始时间') }]);
      const zone = problem(await ctx.admin.lang('en').post('/api/v1/tickets/sla/calendars', { name: 'x', timeZone: 'Mars/Base', alwaysOpen: true }), 400);
      expect(zone.errors).toEqual([{ field: 'timeZone', message: expect.stringContaining('Unknown time zone') }]);
      const empty = problem(await ctx.admin.post('/api/v1/tickets/sla/calendars', { name: '空日历' }), 400);
      expect(empty.errors[0]!.field).toBe('hours');
      const dup = problem(
        await ctx.admin.post('/api/v1/tickets/sla/calendars', {
          name: '重复',
          hours: [{ weekday: 1, start: '09:00', end: '12:00' }],
          holidays: [{ date: '2026-12-25', name: 'a' }, { date: '2026-12-25', name: 'b' }],
        }),
        400,
      );
      expect(dup.errors[0]).toMatchObject({ field: 'holidays.1.date', message: expect.stringContaining('2026-12-25') });
      const day = problem(await ctx.admin.post('/api/v1/tickets/sla/calendars', { name: 'x', alwaysOpen: true, holidays: [{ date: '2026-02-30' }] }), 400);
      expect(day.errors[0]!.field).toBe('holidays.0.date');
      expect((await rows<{ n: number }>(ctx.database, sql`select count(*)::int as n from sla_calendars`))[0]!.n).toBe(2);
    });

    it('creates and edits a calendar (holidays editable) with versions; agents may not', async () => {
      const body = { name: '夜间热线', hours: [{ weekday: 1, start: '18:00', end: '24:00' }] };
      expect((await agent.post('/api/v1/tickets/sla/calendars', body)).statusCode).toBe(403);
      const cal = ok<SlaCalendarView>(await ctx.admin.post('/api/v1/tickets/sla/calendars', body), 201);
      const edited = ok<SlaCalendarView>(
        await ctx.admin.patch(`/api/v1/tickets/sla/calendars/${cal.id}`, { holidays: [{ date: '2026-12-31', name: '跨年' }], version: cal.version }),
      );
      expect(edited.holidays).toEqual([{ date: '2026-12-31', name: '跨年' }]);
      const stale = problem(await ctx.admin.patch(`/api/v1/tickets/sla/calendars/${cal.id}`, { name: '改名', version: cal.version }), 409);
      expect(stale.errors[0]!.field).toBe('version');
      const taken = problem(await ctx.admin.patch(`/api/v1/tickets/sla/calendars/${cal.id}`, { name: '7×24 小时', version: edited.version }), 400);
      expect(taken.errors[0]!.field).toBe('name');
      expect((await ctx.admin.delete(`/api/v1/tickets/sla/calendars/${cal.id}`)).statusCode).toBe(204);
    });

    it('a calendar named by an inactive policy is refused cleanly (409, not a foreign-key 500)', async () => {
      const cal = ok<SlaCalendarView>(await ctx.admin.post('/api/v1/tickets/sla/calendars', { name: '停用策略的日历', alwaysOpen: true }), 201);
      ok(await ctx.admin.post('/api/v1/tickets/sla/policies', { name: '停用', calendarId: cal.id, firstResponseMinutes: 60, resolutionMinutes: 600, active: false }), 201);
      const zh = problem(await ctx.admin.delete(`/api/v1/tickets/sla/calendars/${cal.id}`), 409);
      // The check covers inactive policies too, and the message says so (not "active policies").
      expect(zh.detail).toBe('仍有 SLA 策略使用此日历（含已停用的策略），不能删除');
      const en = problem(await ctx.admin.lang('en').delete(`/api/v1/tickets/sla/calendars/${cal.id}`), 409);
      expect(en.detail).toBe('SLA policies still use this calendar (inactive ones included); it cannot be deleted');
      expect(ok<SlaCalendarView[]>(await ctx.admin.get('/api/v1/tickets/sla/calendars')).some((c) => c.id === cal.id)).toBe(true);
    });

    it('refuses bad policies naming the field', async () => {
      const zero = problem(await ctx.admin.post('/api/v1/tickets/sla/policies', { name: 'p', firstResponseMinutes: 0, resolutionMinutes: 60 }), 400);
      expect(zero.errors[0]!.field).toBe('firstResponseMinutes');
      const order = problem(
        await ctx.admin.post('/api/v1/tickets/sla/policies', { name: 'p', firstResponseMinutes: 60, resolutionMinutes: 600, level2AfterMinutes: 600, level3AfterMinutes: 300 }),
        400,
      );
      expect(order.errors).toEqual([{ field: 'level3AfterMinutes', message: expect.stringContaining('二级升级须早于三级升级') }]);
      const type = problem(await ctx.admin.post('/api/v1/tickets/sla/policies', { name: 'p', ticketType: 'praise', firstResponseMinutes: 60, resolutionMinutes: 600 }), 400);
      expect(type.errors[0]!.field).toBe('ticketType');
      const cal = problem(
        await ctx.admin.post('/api/v1/tickets/sla/policies', { name: 'p', calendarId: '00000000-0000-4000-8000-000000000000', firstResponseMinutes: 60, resolutionMinutes: 600 }),
        400,
      );
      expect(cal.errors[0]!.field).toBe('calendarId');
      expect((await agent.post('/api/v1/tickets/sla/policies', { name: 'p', firstResponseMinutes: 60, resolutionMinutes: 600 })).statusCode).toBe(403);
    });
  });
}

/** The clock of a ticket: targets, pause, resume, reopen. */
function clockOfATicket(): void {
  describe('the clock of a ticket', () => {
    it('a complaint is answered within 24 hours around the clock; an inquiry on working hours', async () => {
      now = bj('2026-11-23 10:00');
      const c = await createTicket({ type: 'complaint', assigneeId: agent.userId });
      expect(await sla(c.id)).toMatchObject({ policyName: '投诉：24 小时内答复', firstResponseDueAt: bj('2026-11-24 10:00').toISOString(), state: 'on_track' });
      now = bj('2026-11-27 17:00');
      const i = await createTicket({ type: 'inquiry', title: '缴费咨询' });
      // Friday 17:00 + 4 business hours: half an hour on Friday, then Monday 08:30–12:00.
      expect((await sla(i.id)).firstResponseDueAt).toBe(bj('2026-11-30 12:00').toISOString());
    });

    it('the most specific policy wins: an urgent complaint gets 2 hours', async () => {
      now = bj('2026-11-23 10:00');
      const c = await createTicket({ type: 'complaint', priority: 'urgent' });
      expect(await sla(c.id)).toMatchObject({ policyName: '投诉（紧急）：2 小时内答复', firstResponseDueAt: bj('2026-11-23 12:00').toISOString() });
      // Lowering the priority re-picks the policy from the same start.
      const t = await ticket(c.id);
      ok(await ctx.admin.patch(`/api/v1/tickets/${c.id}`, { priority: 'normal', version: t.version }));
      expect((await sla(c.id)).firstResponseDueAt).toBe(bj('2026-11-24 10:00').toISOString());
    });

    it('pauses while waiting on the customer, resumes with the due time moved, and reopen restarts the resolution target', async () => {
      now = bj('2026-11-23 09:00');
      const i = await createTicket({ type: 'inquiry', title: '发票', assigneeId: agent.userId });
      // 咨询: 4 business hours to answer, 18 to resolve → Wednesday 09:00.
      expect((await sla(i.id)).resolutionDueAt).toBe(bj('2026-11-25 09:00').toISOString());
      now = bj('2026-11-23 10:00');
      ok(await agent.post(`/api/v1/tickets/${i.id}/replies`, { body: '请提供户号', send: false }), 201);
      ok(await agent.post(`/api/v1/tickets/${i.id}/status`, { status: 'waiting_on_customer' }));
      now = bj('2026-11-24 12:00');
      expect(await sla(i.id)).toMatchObject({ state: 'paused', paused: true, remainingMs: 17 * H });
      ok(await agent.post(`/api/v1/tickets/${i.id}/status`, { status: 'in_progress' }));
      // Paused 7.5 h on Monday + 3.5 h on Tuesday = 11 business hours: Wednesday 09:00 → Thursday 11:00.
      const resumed = await sla(i.id);
      expect(resumed).toMatchObject({ paused: false, state: 'on_track', resolutionDueAt: bj('2026-11-26 11:00').toISOString(), remainingMs: 17 * H });
      now = bj('2026-11-24 14:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${i.id}/resolve`, { rootCauseId, solution: '已开具', outcomeTold: 'call', returnVisitDays: 0 }));
      expect((await sla(i.id)).state).toBe('met');
      now = bj('2026-11-27 15:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${i.id}/reopen`, { reason: '发票抬头错误' }));
      // Friday 15:00 + 18 business hours: 2.5 h Friday, 9 h Monday, 6.5 h Tuesday → Tuesday 15:00.
      expect(await sla(i.id)).toMatchObject({ state: 'on_track', resolvedAt: null, resolutionDueAt: bj('2026-12-01 15:00').toISOString() });
    });
  });
}

/** Warnings and the three-level escalation. */
function warningsAndEscalation(): void {
  describe('warnings and escalation', () => {
    const tasksOf = (userId: string, number: number) =>
      rows<{ title: string }>(ctx.database, sql`select title from tasks where assignee_id = ${userId}::uuid and title like ${`%#${number} %`} order by created_at`);

    it('warns once, then escalates agent → team lead → department manager, each level exactly once', async () => {
      now = bj('2026-12-07 10:00');
      // 报修: first response within 2 hours (24×7); level 2 at the breach + 4 h, level 3 at the breach + 24 h.
      const r = await createTicket({ type: 'repair', title: '漏水', assigneeId: agent.userId });
      now = bj('2026-12-07 11:30');
      await runSlaCheck(ctx.app);
      expect(await tasksOf(agent.userId!, r.number)).toEqual([]);
      now = bj('2026-12-07 11:40');
      expect((await sla(r.id)).state).toBe('warning');
      await runSlaCheck(ctx.app);
      await runSlaCheck(ctx.app);
      expect(await tasksOf(agent.userId!, r.number)).toEqual([{ title: `工单 #${r.number} 首次响应即将超时：漏水` }]);

      now = bj('2026-12-07 12:01');
      await runSlaCheck(ctx.app);
      await runSlaCheck(ctx.app);
      expect(await sla(r.id)).toMatchObject({ state: 'breached', escalationLevel: 1 });
      expect((await tasksOf(agent.userId!, r.number)).map((t) => t.title)).toContain(`工单 #${r.number} 超时升级 一级（一线客服）：漏水`);
      expect(await tasksOf(leadId, r.number)).toEqual([]);

      now = bj('2026-12-07 16:00');
      await Promise.all([checkSlaDeadlines(ctx.database.db, now), checkSlaDeadlines(ctx.database.db, now)]);
      expect(await tasksOf(leadId, r.number)).toEqual([{ title: `工单 #${r.number} 超时升级 二级（班组长/主管）：漏水` }]);

      now = bj('2026-12-08 12:00');
      await runSlaCheck(ctx.app);
      await runSlaCheck(ctx.app);
      expect(await tasksOf(managerId, r.number)).toEqual([{ title: `工单 #${r.number} 超时升级 三级（部门经理）：漏水` }]);
      expect((await sla(r.id)).escalationLevel).toBe(3);
      const fired = await rows<{ kind: string; level: number; user_id: string }>(
        ctx.database,
        sql`select kind, level, user_id from ticket_escalations where ticket_id = ${r.id}::uuid order by kind, level`,
      );
      expect(fired).toEqual([
        { kind: 'escalation', level: 1, user_id: agent.userId },
        { kind: 'escalation', level: 2, user_id: leadId },
        { kind: 'escalation', level: 3, user_id: managerId },
        { kind: 'warning', level: 0, user_id: agent.userId },
      ]);
      // The agent sees the escalation among their tasks.
      const mine = ok<{ items: { title: string }[] }>(await agent.get('/api/v1/tasks?bucket=open'));
      expect(mine.items.some((t) => t.title.includes(`#${r.number} 超时升级`))).toBe(true);
    });

    it('a clock read before the ticket was answered fires nothing (re-read under a lock); escalated-out clocks leave the batch', async () => {
      now = bj('2026-12-10 10:00');
      const r = await createTicket({ type: 'repair', title: '楼道漏水', assigneeId: agent2.userId });
      now = bj('2026-12-10 12:30');
      const stale = (await slaRepo.findClock(ctx.database.db, r.id))!;
      expect((await sla(r.id)).state).toBe('breached');
      // The agent answers between the checker's read and its claim.
      ok(await agent2.post(`/api/v1/tickets/${r.id}/replies`, { body: '师傅已出发', send: false }), 201);
      expect((await sla(r.id)).firstRespondedAt).not.toBeNull();
      expect(await checkClocks(ctx.database.db, [stale], now)).toEqual({ warnings: 0, escalations: 0 });
      expect(await rows(ctx.database, sql`select 1 from ticket_escalations where ticket_id = ${r.id}::uuid`)).toEqual([]);
      // Long after every target: the ticket escalated to level 3 above has nothing left to fire and is not fetched;
      // this one (level 0) still is.
      const later = bj('2028-01-01 10:00');
      const ids = (await slaRepo.runningClocks(ctx.database.db, 1_000_000, later)).map((c) => c.ticketId);
      expect(ids).toContain(r.id);
      const top = await rows<{ ticket_id: string }>(ctx.database, sql`select ticket_id from ticket_sla_clocks where escalation_level = 3 and resolved_at is null`);
      expect(top.length).toBeGreaterThan(0);
      for (const t of top) expect(ids).not.toContain(t.ticket_id);
    });

    it('a paused or resolved ticket does not escalate', async () => {
      now = bj('2026-12-09 10:00');
      const r = await createTicket({ type: 'repair', title: '暖气不热', assigneeId: agent2.userId });
      ok(await agent2.post(`/api/v1/tickets/${r.id}/replies`, { body: '师傅已出发', send: false }), 201);
      ok(await agent2.post(`/api/v1/tickets/${r.id}/status`, { status: 'waiting_on_customer' }));
      now = bj('2026-12-12 10:00');
      await runSlaCheck(ctx.app);
      expect(await rows(ctx.database, sql`select 1 from ticket_escalations where ticket_id = ${r.id}::uuid`)).toEqual([]);
    });

    it('each reopen is a new round: the level goes back to 0 and the levels fire again, exactly once per round', async () => {
      const resolve = (id: string) => ctx.admin.post(`/api/v1/tickets/${id}/resolve`, { rootCauseId, solution: '已处理', outcomeTold: 'call', returnVisitDays: 0 });
      const escalations = () =>
        rows<{ level: number; round: number; target: string }>(
          ctx.database,
          sql`select level, round, target from ticket_escalations where ticket_id = ${r.id}::uuid and kind = 'escalation' order by round, level`,
        );
      const levelOneTasks = async () => (await tasksOf(agent.userId!, r.number)).filter((t) => t.title.includes('超时升级 一级')).length;

      // Round 0: 报修 (24×7) not answered within 2 hours → level 1.
      now = bj('2027-01-04 10:00');
      const r = await createTicket({ type: 'repair', title: '回水管漏水', assigneeId: agent.userId });
      now = bj('2027-01-04 12:01');
      await runSlaCheck(ctx.app);
      expect(await sla(r.id)).toMatchObject({ state: 'breached', escalationLevel: 1 });
      now = bj('2027-01-04 13:00');
      ok(await resolve(r.id));

      // Reopened: a new resolution target 24 h from the reopen, the level back to 0. The first response, still open from
      // round 0 (whose breach was escalated then), does not escalate the new round.
      now = bj('2027-01-05 09:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${r.id}/reopen`, { reason: '又漏了' }));
      expect(await sla(r.id)).toMatchObject({ escalationLevel: 0, resolvedAt: null, resolutionDueAt: bj('2027-01-06 09:00').toISOString() });
      now = bj('2027-01-05 12:00');
      await runSlaCheck(ctx.app);
      expect(await escalations()).toEqual([{ level: 1, round: 0, target: 'first_response' }]);
      expect((await sla(r.id)).escalationLevel).toBe(0);

      // The round's deadline passes: level 1 fires again, once, however many checks run.
      now = bj('2027-01-06 09:01');
      await Promise.all([runSlaCheck(ctx.app), checkSlaDeadlines(ctx.database.db, now), checkSlaDeadlines(ctx.database.db, now)]);
      await runSlaCheck(ctx.app);
      expect(await sla(r.id)).toMatchObject({ state: 'breached', escalationLevel: 1 });
      expect(await escalations()).toEqual([
        { level: 1, round: 0, target: 'first_response' },
        { level: 1, round: 1, target: 'resolution' },
      ]);
      expect(await levelOneTasks()).toBe(2);
      // Level 2, four hours after the round's breach, once too.
      now = bj('2027-01-06 13:01');
      await runSlaCheck(ctx.app);
      await runSlaCheck(ctx.app);
      expect(await tasksOf(leadId, r.number)).toEqual([{ title: `工单 #${r.number} 超时升级 二级（班组长/主管）：回水管漏水` }]);

      // A second reopen is round 2: level 1 again, once.
      now = bj('2027-01-06 14:00');
      ok(await resolve(r.id));
      now = bj('2027-01-07 10:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${r.id}/reopen`, { reason: '还是漏' }));
      expect((await sla(r.id)).escalationLevel).toBe(0);
      now = bj('2027-01-08 10:01');
      await runSlaCheck(ctx.app);
      await runSlaCheck(ctx.app);
      expect(await escalations()).toEqual([
        { level: 1, round: 0, target: 'first_response' },
        { level: 1, round: 1, target: 'resolution' },
        { level: 2, round: 1, target: 'resolution' },
        { level: 1, round: 2, target: 'resolution' },
      ]);
      expect(await levelOneTasks()).toBe(3);
      expect((await sla(r.id)).escalationLevel).toBe(1);
    });
  });
}

/** The ticket reports. */
function reports(): void {
  describe('reports', () => {
    it('counts volume, business-hour times, compliance, reopen rate and satisfaction per agent and team', async () => {
      // A: complaint (24×7), answered after 1 h, resolved after 4 h, reopened, resolved again after 6 h, rated 4.
      now = bj('2026-12-14 09:00');
      const a = await createTicket({ type: 'complaint', title: 'A', assigneeId: agent.userId });
      now = bj('2026-12-14 10:00');
      ok(await agent.post(`/api/v1/tickets/${a.id}/replies`, { body: '收到', send: false }), 201);
      now = bj('2026-12-14 13:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${a.id}/resolve`, { rootCauseId, solution: '已处理', outcomeTold: 'call', returnVisitDays: 0 }));
      now = bj('2026-12-14 14:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${a.id}/reopen`, { reason: '仍不热' }));
      now = bj('2026-12-14 15:00');
      ok(await ctx.admin.post(`/api/v1/tickets/${a.id}/resolve`, { rootCauseId, solution: '已处理', outcomeTold: 'call', returnVisitDays: 0 }));
      const token = String((await ticket(a.id)).publicUrl).split('/s/t/')[1];
      ok(await ctx.anon.post(`/api/v1/public/tickets/${token}/rating`, { rating: 4, comment: '好' }));
      // B: inquiry (working hours), created Monday 17:00, answered Tuesday 09:30 (1.5 business hours), resolved 10:30.
      now = bj('2026-12-14 17:00');
      const b = await createTicket({ type: 'inquiry', title: 'B', assigneeId: agent.userId });
      now = bj('2026-12-15 09:30');
      ok(await agent.post(`/api/v1/tickets/${b.id}/replies`, { body: '收到', send: false }), 201);
      now = bj('2026-12-15 10:30');
      ok(await ctx.admin.post(`/api/v1/tickets/${b.id}/resolve`, { rootCauseId, solution: '已答复', outcomeTold: 'call', returnVisitDays: 0 }));
      // C: repair for agent 2 on Tuesday 10:00, never answered: breached by Wednesday.
      now = bj('2026-12-15 10:00');
      await createTicket({ type: 'repair', title: 'C', assigneeId: agent2.userId });
      now = bj('2026-12-16 10:00');

      const report = ok<TicketReport>(await ctx.admin.get('/api/v1/tickets/reports?from=2026-12-14&to=2026-12-15'));
      expect(report.total).toBe(3);
      expect(report.byDay).toEqual([
        { day: '2026-12-14', count: 2 },
        { day: '2026-12-15', count: 1 },
      ]);
      expect(report.byCompound).toEqual([{ key: '幸福家园', count: 3 }]);
      const a1 = report.byAgent.find((r) => r.key === agent.userId)!;
      expect(a1).toMatchObject({
        tickets: 2,
        firstResponseMedianHours: 1.25,
        firstResponseP90Hours: 1.45,
        resolutionMedianHours: 4.25,
        resolutionP90Hours: 5.65,
        slaCompliance: 1,
        reopenRate: 0.5,
        satisfactionAvg: 4,
        ratings: 1,
      });
      // SLA compliance counts each target once it is settled within the range (12-14 00:00 to 12-16 00:00): A's
      // first response (1 h of 24) and its last resolution (1 h after the reopen, of 72 h) met; B's first response
      // (Tuesday 09:30, due 12:00: 0.5 + 3.5 working hours) and resolution (10:30; due Wednesday 17:00, 0.5 + 9 + 8.5 of 18 working hours) met; C's first
      // response (repair, 2 h: due Tuesday 12:00, never answered) missed at its due time; C's resolution (24 h: due
      // Wednesday 10:00) is not settled in the range. Independently, from the clocks:
      const ms = (x: ReturnType<typeof sql>) => sql`(extract(epoch from ${x}) * 1000)::float8`;
      const clocks = await rows<{ title: string; fr_due: number; fr_stop: number | null; res_due: number; res_stop: number | null }>(
        ctx.database,
        sql`select t.title, ${ms(sql`k.first_response_due_at`)} as fr_due, ${ms(sql`coalesce(k.first_responded_at, k.resolved_at)`)} as fr_stop,
          ${ms(sql`k.resolution_due_at`)} as res_due, ${ms(sql`k.resolved_at`)} as res_stop
          from tickets t join ticket_sla_clocks k on k.ticket_id = t.id where t.title in ('A', 'B', 'C') order by t.title`,
      );
      const at = (x: string) => bj(x).getTime();
      expect(clocks.map((r) => [r.title, Number(r.fr_due), r.fr_stop === null ? null : Number(r.fr_stop), Number(r.res_due), r.res_stop === null ? null : Number(r.res_stop)])).toEqual([
        ['A', at('2026-12-15 09:00'), at('2026-12-14 10:00'), at('2026-12-17 14:00'), at('2026-12-14 15:00')],
        ['B', at('2026-12-15 12:00'), at('2026-12-15 09:30'), at('2026-12-16 17:00'), at('2026-12-15 10:30')],
        ['C', at('2026-12-15 12:00'), null, at('2026-12-16 10:00'), null],
      ]);
      expect(a1).toMatchObject({ slaMeasured: 2, slaBreached: 0, firstResponseCompliance: 1, firstResponseMeasured: 2, firstResponseBreached: 0 });
      const a2 = report.byAgent.find((r) => r.key === agent2.userId)!;
      expect(a2).toMatchObject({
        tickets: 1,
        firstResponseMedianHours: null,
        slaCompliance: null,
        slaMeasured: 0,
        firstResponseCompliance: 0,
        firstResponseMeasured: 1,
        firstResponseBreached: 1,
      });
      expect(report.overall).toMatchObject({
        tickets: 3,
        slaMeasured: 2,
        slaBreached: 0,
        slaCompliance: 1,
        firstResponseMeasured: 3,
        firstResponseBreached: 1,
        firstResponseCompliance: 0.6667,
      });
      expect(report.byTeam).toEqual([expect.objectContaining({ key: groupId, name: '一班', tickets: 3 })]);
    });

    it('checks the range and the permission', async () => {
      const bad = problem(await ctx.admin.get('/api/v1/tickets/reports?from=2026-12-15&to=2026-12-01'), 400);
      expect(bad.errors[0]!.field).toBe('from');
      const long = problem(await ctx.admin.lang('en').get('/api/v1/tickets/reports?from=2024-01-01&to=2026-12-01'), 400);
      expect(long.errors[0]!.message).toContain('366');
      const date = problem(await ctx.admin.get('/api/v1/tickets/reports?from=2026-13-01'), 400);
      expect(date.errors[0]!.field).toBe('from');
      // An agent sees only their own tickets.
      const mine = ok<TicketReport>(await agent2.get('/api/v1/tickets/reports?from=2026-12-14&to=2026-12-15'));
      expect(mine.total).toBe(1);
    });

    it('filters by team: the team and the teams below it, within the reader’s scope; an unknown team is refused', async () => {
      const teams = ok<{ items: { id: string; name: string }[] }>(await ctx.admin.get('/api/v1/teams')).items;
      const dept = teams.find((x) => x.name === '客服部')!.id;
      const group2 = ok<{ id: string }>(await ctx.admin.post('/api/v1/teams', { name: '二班', kind: 'group', parentId: dept }), 201).id;
      const agent3 = await ctx.newUser({ role: 'agent', teamId: group2, username: 'agent3' });
      now = bj('2026-12-15 11:00');
      await createTicket({ type: 'inquiry', title: 'D', assigneeId: agent3.userId });
      now = bj('2026-12-16 10:00');
      const report = async (query: string, as: Client = ctx.admin) => ok<TicketReport>(await as.get(`/api/v1/tickets/reports?from=2026-12-14&to=2026-12-15${query}`));

      const all = await report('');
      expect(all.total).toBe(4);
      const one = await report(`&teamId=${groupId}`);
      expect(one).toMatchObject({ total: 3, overall: { tickets: 3, firstResponseBreached: 1 } });
      expect(one.byTeam.map((r) => r.name)).toEqual(['一班']);
      expect(one.byAgent.map((r) => r.key).sort()).toEqual([agent.userId, agent2.userId].sort());
      const two = await report(`&teamId=${group2}`);
      expect(two).toMatchObject({ total: 1, byTeam: [{ key: group2, name: '二班', tickets: 1 }], byAgent: [{ key: agent3.userId, tickets: 1 }] });
      expect(two.byDay).toEqual([
        { day: '2026-12-14', count: 0 },
        { day: '2026-12-15', count: 1 },
      ]);
      // A department counts its groups.
      expect((await report(`&teamId=${dept}`)).total).toBe(4);
      // The filter narrows the reader's scope, never widens it.
      expect((await report(`&teamId=${group2}`, agent2)).total).toBe(0);
      expect((await report(`&teamId=${groupId}`, agent2)).total).toBe(1);

      const unknown = problem(await ctx.admin.get(`/api/v1/tickets/reports?teamId=00000000-0000-4000-8000-000000000000`), 400);
      expect(unknown.errors).toEqual([{ field: 'teamId', message: '班组不存在或已删除' }]);
      const en = problem(await ctx.admin.lang('en').get(`/api/v1/tickets/reports?teamId=00000000-0000-4000-8000-000000000000`), 400);
      expect(en.errors).toEqual([{ field: 'teamId', message: 'The team does not exist or was deleted' }]);
      const bad = problem(await ctx.admin.get('/api/v1/tickets/reports?teamId=一班'), 400);
      expect(bad.errors[0]!.field).toBe('teamId');
    });
  });
}

describe.runIf(TEST_DB_KIND === 'postgres')('two server processes on one PostgreSQL database', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let dbs: Database[] = [];
  let apps: App[] = [];
  let at = bj('2026-12-21 10:00');

  beforeAll(async () => {
    scratch = await scratchPostgresDatabase('hearth_sla');
    dbs = [await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 }), await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 })];
    await prepareDatabase(dbs[0]!);
    const { loadConfig } = await import('../../../platform/config.js');
    const config = { ...loadConfig({}), logLevel: 'silent' as const, loginRatePerMinute: 100_000 };
    apps = [await buildApp({ config, database: dbs[0]!, clock: () => at }), await buildApp({ config, database: dbs[1]!, clock: () => at })];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.close();
    await scratch?.drop();
  });

  it('each escalation level fires once while both processes check at the same time', async () => {
    const anon = new Client(apps[0]!);
    expect((await anon.post('/api/v1/setup', { companyName: '热力', template: 'heating', admin: { username: ADMIN.username, displayName: ADMIN.displayName, password: ADMIN.password } })).statusCode).toBe(201);
    const login = ok<{ csrfToken: string; user: { id: string } }>(await anon.post('/api/v1/auth/login', { login: ADMIN.username, password: ADMIN.password }));
    const res = await anon.post('/api/v1/auth/login', { login: ADMIN.username, password: ADMIN.password });
    const admin = new Client(apps[0]!, String(res.headers['set-cookie']).split(';')[0]!, (res.json() as typeof login).csrfToken, login.user.id);
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(ok<{ id: string }>(await admin.post('/api/v1/tickets', { title: `漏水 ${i}`, type: 'repair', contactName: '住户', assigneeId: login.user.id }), 201));
    // Two hours late, then 4 h and 24 h late: every level is due at once on the last step.
    for (const step of [bj('2026-12-21 12:30'), bj('2026-12-21 16:30'), bj('2026-12-22 12:30')]) {
      at = step;
      await Promise.all([checkSlaDeadlines(dbs[0]!.db, at), checkSlaDeadlines(dbs[1]!.db, at), runSlaCheck(apps[0]!), runSlaCheck(apps[1]!)]);
    }
    const fired = rowsOf<{ n: number; tasks: number }>(
      await dbs[0]!.db.execute(sql`select count(*)::int as n, count(distinct task_id)::int as tasks from ticket_escalations where kind = 'escalation'`),
    )[0]!;
    expect(fired).toEqual({ n: 15, tasks: 15 });
    const tasks = rowsOf<{ n: number }>(await dbs[0]!.db.execute(sql`select count(*)::int as n from tasks where title like '%超时升级%'`))[0]!;
    expect(tasks.n).toBe(15);
  });
});
