/**
 * Team performance (团队绩效, issue #17) through HTTP on a hand-built month (injected clock, company zone Asia/Shanghai):
 * each agent's KPIs equal the ticket report's per-agent figures and an SQL count of their return visits; the incentive
 * score and rank follow the weights by hand; the team filter; the payroll workbook; the weights and training notes;
 * who may see and change them.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome } from '../dashboards/index.js';
import type { TicketReport } from '../tickets/index.js';
import type { PerformanceReport, PerformanceWeights, TrainingNoteList, TrainingNoteView } from './performance.contract.js';
import { percentiles, weightedScore } from './performance.service.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2026-11-20 10:00');

let ctx: TestContext;
let manager: Client;
let a: Client;
let b: Client;
let c: Client;
let teamId: string;
let customerId: string;

const ALL_ZERO: PerformanceWeights = { tickets: 0, firstResponse: 0, resolution: 0, sla: 0, satisfaction: 0, returnVisits: 0 };

async function ticket(assignee: Client, created: string, replied: string | null) {
  now = bj(created);
  const { id } = ok<{ id: string }>(await ctx.admin.post('/api/v1/tickets', { title: '绩效工单', type: 'repair', customerId, assigneeId: assignee.userId }), 201);
  if (replied) {
    now = bj(replied);
    ok(await ctx.admin.post(`/api/v1/tickets/${id}/replies`, { body: '已收到', send: false }), 201);
  }
}
async function returnVisit(assignee: Client, due: string, done: string | null) {
  now = bj('2026-11-01 08:00');
  const { id } = ok<{ id: string }>(await ctx.admin.post('/api/v1/tasks', { type: 'return_visit', title: '回访', assigneeId: assignee.userId, dueAt: bj(due).toISOString() }), 201);
  if (done) {
    now = bj(done);
    ok(await assignee.post(`/api/v1/tasks/${id}/complete`, { result: '已回访', interaction: null }));
    // The task service stamps completion with the database's clock: put it at the fixture's time.
    await ctx.database.db.execute(sql`update tasks set completed_at = ${bj(done).toISOString()}::timestamptz where id = ${id}::uuid`);
  }
}
async function report(query = ''): Promise<PerformanceReport> {
  now = bj('2026-11-20 10:00');
  return ok<PerformanceReport>(await manager.get(`/api/v1/performance?month=2026-11${query}`));
}
const rowOf = (r: PerformanceReport, who: Client) => r.rows.find((x) => x.user.id === who.userId)!;

describe('team performance', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    teamId = await ctx.newTeam('绩效一组');
    manager = await ctx.newUser({ role: 'manager' });
    a = await ctx.newUser({ role: 'agent', teamId });
    b = await ctx.newUser({ role: 'agent', teamId });
    c = await ctx.newUser({ role: 'agent' });
    customerId = (await ctx.newCustomer({ name: '绩效客户', phones: ['13900006001'] })).id;
    await ticket(a, '2026-11-03 09:00', '2026-11-03 10:00');
    await ticket(a, '2026-11-04 09:00', '2026-11-04 13:00');
    await ticket(b, '2026-11-05 09:00', '2026-11-05 11:00');
    await ticket(c, '2026-11-06 09:00', null);
    await ticket(a, '2026-10-20 09:00', null); // October: not this month's
    await returnVisit(a, '2026-11-10 18:00', '2026-11-09 10:00'); // on time
    await returnVisit(b, '2026-11-12 18:00', '2026-11-13 10:00'); // late
    await returnVisit(b, '2026-11-14 18:00', '2026-11-14 09:00'); // on time
  });
  afterAll(() => ctx.close());

  it('gives each agent the ticket report’s figures and their return visits, as SQL counts them', async () => {
    const r = await report();
    expect(r).toMatchObject({ month: '2026-11', from: '2026-11-01', to: '2026-11-30' });
    expect(r.rows.map((x) => x.user.id).sort()).toEqual([a.userId, b.userId, c.userId].sort());
    now = bj('2026-11-20 10:00');
    const tr = ok<TicketReport>(await manager.get('/api/v1/tickets/reports?from=2026-11-01&to=2026-11-30'));
    for (const who of [a, b, c]) {
      const row = rowOf(r, who);
      const agent = tr.byAgent.find((x) => x.key === who.userId)!;
      expect(row.tickets).toBe(agent.tickets);
      expect(row.firstResponseMedianHours).toBe(agent.firstResponseMedianHours);
      expect(row.resolutionMedianHours).toBe(agent.resolutionMedianHours);
      expect(row.slaCompliance).toBe(agent.slaCompliance === null ? null : Math.round(agent.slaCompliance * 10000) / 100);
      const [sqlVisits] = rowsOf<{ due: number; on_time: number }>(
        await ctx.database.db.execute(sql`select count(*)::int as due, count(*) filter (where status = 'done' and completed_at <= due_at)::int as on_time
          from tasks where type = 'return_visit' and assignee_id = ${who.userId}::uuid and due_at >= '2026-10-31T16:00:00Z' and due_at < '2026-11-30T16:00:00Z'`),
      );
      expect([row.returnVisitsDue, row.returnVisitsOnTime]).toEqual([sqlVisits!.due, sqlVisits!.on_time]);
    }
    expect(rowOf(r, a)).toMatchObject({ tickets: 2, returnVisitsDue: 1, returnVisitsOnTime: 1, returnVisitOnTimeRate: 100, team: { id: teamId, name: '绩效一组' } });
    expect(rowOf(r, b)).toMatchObject({ tickets: 1, returnVisitsDue: 2, returnVisitsOnTime: 1, returnVisitOnTimeRate: 50 });
    expect(rowOf(r, c)).toMatchObject({ tickets: 1, firstResponseMedianHours: null, returnVisitsDue: 0, returnVisitOnTimeRate: null });
  });

  it('scores by the weights: percentiles among the agents, averaged over what is measured', async () => {
    ok(await manager.put('/api/v1/performance/weights', { ...ALL_ZERO, tickets: 100 }));
    let r = await report();
    // Tickets 2, 1, 1: A beats both (100); B and C tie (each beats nobody, ties count half: 25).
    expect(rowOf(r, a)).toMatchObject({ score: 100, rank: 1 });
    expect(rowOf(r, b)).toMatchObject({ score: 25, rank: 2 });
    expect(rowOf(r, c)).toMatchObject({ score: 25, rank: 2 });

    ok(await manager.put('/api/v1/performance/weights', { ...ALL_ZERO, tickets: 50, returnVisits: 50 }));
    r = await report();
    // Return visits: A 100%, B 50%; C has none, so C's score is its tickets part alone.
    expect(rowOf(r, a)).toMatchObject({ parts: { tickets: 100, returnVisits: 100 }, score: 100, rank: 1 });
    expect(rowOf(r, b)).toMatchObject({ parts: { tickets: 25, returnVisits: 0 }, score: 12.5, rank: 3 });
    expect(rowOf(r, c)).toMatchObject({ parts: { returnVisits: null }, score: 25, rank: 2 });
    expect(r.rows.map((x) => x.user.id)).toEqual([a.userId, c.userId, b.userId]);
    expect(ok<PerformanceWeights>(await manager.get('/api/v1/performance/weights'))).toEqual({ ...ALL_ZERO, tickets: 50, returnVisits: 50 });
  });

  it('ranks ties at the midpoint and lower-is-better the other way round', () => {
    expect(percentiles([3, 1, 2, null], 'higher')).toEqual([100, 0, 50, null]);
    expect(percentiles([3, 1, 2], 'lower')).toEqual([0, 100, 50]);
    expect(percentiles([5, 5], 'higher')).toEqual([50, 50]);
    expect(percentiles([7], 'lower')).toEqual([100]);
    expect(weightedScore({ tickets: 80, firstResponse: null, resolution: 40, sla: null, satisfaction: null, returnVisits: null }, { ...ALL_ZERO, tickets: 1, resolution: 3, firstResponse: 10 })).toBe(50);
  });

  it('keeps a team’s agents with the team filter', async () => {
    const r = await report(`&teamId=${teamId}`);
    expect(r.rows.map((x) => x.user.id).sort()).toEqual([a.userId, b.userId].sort());
  });

  it('shows an agent their own month on the home board: score and rank in their team, the team’s leaderboard', async () => {
    const r = await report(`&teamId=${teamId}`);
    const home = ok<DashboardHome>(await a.get('/api/v1/dashboards/home?board=agent'));
    const tile = home.tiles.find((x) => x.key === 'performance.mine')!;
    expect(tile.title).toBe('我的绩效');
    const mine = rowOf(r, a);
    expect(tile.stats.map((s) => s.value)).toEqual([mine.score, mine.rank, mine.tickets, mine.slaCompliance]);
    expect(tile.stats[1]!.label).toBe('我的排名（共 2 人）');
    // The team's leaderboard: names, ranks and scores only (c, of no team, is not on it); the agent's own line marked.
    expect(tile.rows.map((x) => x.label)).toEqual(r.rows.map((x) => `${x.rank}. ${x.user.name}`));
    expect(tile.rows.find((x) => x.id === a.userId)!.tone).toBe('success');
    expect(tile.rows.map((x) => x.detail)).toEqual(r.rows.map((x) => `得分 ${x.score}`));
    // The tickets figure drills to the agent's own tickets of the month, which the queue counts the same.
    const queue = ok<{ items: unknown[] }>(await a.get(`/api/v1/tickets?mine=true&createdFrom=2026-11-01&createdTo=2026-11-30&merged=exclude&limit=100`));
    expect(queue.items).toHaveLength(mine.tickets);
    expect(tile.stats[2]!.link).toBe('/tickets?status=all&mine=1&createdFrom=2026-11-01&createdTo=2026-11-30&merged=exclude');
    // An agent of no team is ranked among the whole company; a manager's board has no such tile.
    const cTile = ok<DashboardHome>(await c.get('/api/v1/dashboards/home?board=agent')).tiles.find((x) => x.key === 'performance.mine')!;
    expect(cTile.stats[1]!.label).toBe('我的排名（共 3 人）');
    expect(ok<DashboardHome>(await manager.get('/api/v1/dashboards/home?board=manager')).tiles.map((x) => x.key)).not.toContain('performance.mine');
  });

  it('exports the leaderboard as a workbook for payroll, in rank order', async () => {
    now = bj('2026-11-20 10:00');
    const res = await manager.get('/api/v1/performance/export.xlsx?month=2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('performance-2026-11.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(2).value).toBe('姓名');
    expect(ws.getRow(1).getCell(13).value).toBe('激励得分');
    const r = await report();
    expect([2, 3, 4].map((i) => ws.getRow(i).getCell(2).value)).toEqual(r.rows.map((x) => x.user.name));
    expect(ws.getRow(2).getCell(13).value).toBe(r.rows[0]!.score);
  });

  it('records training notes per person; only managers see performance and change it', async () => {
    const note = ok<TrainingNoteView>(await manager.post('/api/v1/performance/notes', { userId: b.userId, note: '回访话术培训：按时回访' }), 201);
    expect(note.author?.id).toBe(manager.userId);
    expect(ok<TrainingNoteList>(await manager.get(`/api/v1/performance/notes?userId=${b.userId}`)).items.map((n) => n.note)).toEqual(['回访话术培训：按时回访']);
    expect((await manager.delete(`/api/v1/performance/notes/${note.id}`)).statusCode).toBe(204);
    expect(ok<TrainingNoteList>(await manager.get(`/api/v1/performance/notes?userId=${b.userId}`)).items).toEqual([]);

    problemOf(await a.get('/api/v1/performance?month=2026-11'), 403);
    problemOf(await a.put('/api/v1/performance/weights', { ...ALL_ZERO, tickets: 1 }), 403);
    const zero = problemOf(await manager.put('/api/v1/performance/weights', ALL_ZERO), 400);
    expect(JSON.stringify(zero)).toContain('权重');
    const month = problemOf(await manager.get('/api/v1/performance?month=2026-13'), 400);
    expect(month.errors?.[0]).toMatchObject({ field: 'month' });
    const who = problemOf(await manager.post('/api/v1/performance/notes', { userId: '00000000-0000-0000-0000-000000000001', note: 'x' }), 400);
    expect(who.errors?.[0]).toMatchObject({ field: 'userId' });
  });
});
