/**
 * The tickets module's home-page tiles (issue #17) through HTTP, with an injected clock placing every ticket in its
 * month (company zone Asia/Shanghai): `tickets.mine` on the agent's board — open, overdue and due-soon counts equal to
 * an SQL count and to the `total` of the queue each figure links to, the nearest deadlines first, a customer's name
 * only for those who reach the customer — and `tickets.service` on the manager's board — SLA compliance (targets settled
 * in the month, the ticket report's definition), complaints,
 * complaints per 1,000 customers, the median first response and six months of complaints — against SQL and hand-made
 * numbers, for a manager (every ticket) and an agent (only the tickets in their scope).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome, DashboardTileView } from '../dashboards/index.js';

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const iso = (s: string) => bj(s).toISOString();
const NOW = '2026-11-20 10:00';
let now = bj(NOW);

let ctx: TestContext;
let agentA: Client;
let agentB: Client;
let manager: Client;
let rootCauseId: string;
const cust: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
/** The tickets by name, as created. */
const tk: Record<string, { id: string; number: number; title: string }> = {};

type Body = Record<string, unknown>;

/** Creates a ticket at a Beijing time, assigned (to the admin unless told). */
async function create(name: string, when: string, body: Body) {
  now = bj(when);
  const made = ok<{ id: string; number: number; title: string }>(
    await ctx.admin.post('/api/v1/tickets', { title: `看板工单 ${name}`, assigneeId: ctx.admin.userId, ...body }),
    201,
  );
  tk[name] = made;
  return made;
}
async function reply(name: string, when: string) {
  now = bj(when);
  ok(await ctx.admin.post(`/api/v1/tickets/${tk[name]!.id}/replies`, { body: '已收到，马上处理', send: false }), 201);
}
async function resolve(name: string, when: string) {
  now = bj(when);
  ok(await ctx.admin.post(`/api/v1/tickets/${tk[name]!.id}/resolve`, { rootCauseId, solution: '已处理', outcomeTold: 'not_yet', returnVisitDays: 0 }));
}

async function home(c: Client, board: string): Promise<DashboardHome> {
  now = bj(NOW);
  return ok<DashboardHome>(await c.get(`/api/v1/dashboards/home?board=${board}`));
}
const tileOf = (h: DashboardHome, key: string): DashboardTileView => {
  const tile = h.tiles.find((x) => x.key === key);
  expect(tile, key).toBeDefined();
  return tile!;
};

/** The queue API for a tile's link (/tickets?mine=1&status=open&sla=… → /api/v1/tickets?mine=true&…): its total. */
async function queueTotal(c: Client, link: string): Promise<number> {
  const [path, qs = ''] = link.split('?');
  expect(path).toBe('/tickets');
  const p = new URLSearchParams(qs);
  const api = new URLSearchParams();
  for (const [k, v] of p) {
    if (k === 'mine') api.set('mine', v === '1' ? 'true' : v);
    else if (!(k === 'status' && v === 'all')) api.set(k, v);
  }
  now = bj(NOW);
  return ok<{ total: number }>(await c.get(`/api/v1/tickets?${api.toString()}&limit=1`)).total;
}

async function one<T>(q: ReturnType<typeof sql>): Promise<T> {
  return rowsOf<T>(await ctx.database.db.execute(q))[0]!;
}

describe('ticket tiles on the home page', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agentA = await ctx.newUser({ role: 'agent' });
    agentB = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    cust.A = (await ctx.newCustomer({ name: '看板甲', phones: ['13900009001'], ownerId: agentA.userId })).id;
    cust.B = (await ctx.newCustomer({ name: '看板乙', phones: ['13900009002'], ownerId: ctx.admin.userId })).id;
    cust.C = (await ctx.newCustomer({ name: '看板丙', phones: ['13900009003'], ownerId: ctx.admin.userId })).id;
    cust.D = (await ctx.newCustomer({ name: '看板丁', phones: ['13900009004'], ownerId: agentA.userId })).id;

    // Complaints of earlier months (May is outside the six months shown; 2026-11-01 07:00 in Beijing is still
    // October in UTC, and counts in November).
    await create('P0', '2026-05-20 10:00', { type: 'complaint', customerId: cust.B });
    // The root causes exist once the first ticket was made (the category defaults).
    rootCauseId = ok<{ items: { id: string }[] }>(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0]!.id;
    await create('P1', '2026-06-15 10:00', { type: 'complaint', customerId: cust.B });
    await create('P2', '2026-08-10 10:00', { type: 'complaint', customerId: cust.A });
    await create('P3', '2026-08-10 11:00', { type: 'complaint', customerId: cust.B });
    await create('P4', '2026-10-31 23:30', { type: 'complaint', customerId: cust.B });
    await create('P5', '2026-11-01 07:00', { type: 'complaint', customerId: cust.B });
    await reply('P5', '2026-11-01 13:00'); // first response 6 h
    // Resolutions: R3 (complaint, 72 h target) within it, over the month's turn; R4 in October (not this month's).
    await create('R3', '2026-10-30 10:00', { type: 'complaint', customerId: cust.C });
    await resolve('R3', '2026-11-02 09:00');
    await create('R4', '2026-10-19 10:00', { type: 'repair', customerId: cust.C });
    await resolve('R4', '2026-10-20 09:00');
    // Repairs (24 h target, 24 × 7): R1 in time, R2 late; first responses 1.5 h and 4 h.
    await create('R2', '2026-11-05 09:00', { type: 'repair', customerId: cust.C });
    await reply('R2', '2026-11-05 13:00');
    await resolve('R2', '2026-11-07 09:00');
    await create('R1', '2026-11-10 09:00', { type: 'repair', customerId: cust.C });
    await reply('R1', '2026-11-10 10:30');
    await resolve('R1', '2026-11-10 20:00');
    // A deleted complaint and a merged duplicate never count.
    await create('D1', '2026-11-03 10:00', { type: 'complaint', customerId: cust.B });
    await create('M1', '2026-11-04 10:00', { type: 'complaint', customerId: cust.B });
    now = bj('2026-11-04 10:05');
    ok(await ctx.admin.post(`/api/v1/tickets/${tk.M1!.id}/merge`, { intoId: tk.P5!.id }));
    // A complaint nobody linked to a customer (everyone's queue), and one of another's customer.
    await create('A9', '2026-11-12 10:00', { type: 'complaint', contactName: '刘女士' });
    await create('A8', '2026-11-18 10:00', { type: 'complaint', customerId: cust.B });

    // Agent A's tickets, as of now (2026-11-20 10:00): A1 overdue (2 h first response, due 09:00), A2 due soon (24 h
    // first response, 4 h left of it: under the 20 % warning share), A3 on track, A4 paused (waiting on the customer),
    // A5 resolved, A6 deleted; A7 is agent B's.
    await create('A2', '2026-11-19 14:00', { type: 'complaint', customerId: cust.A, assigneeId: agentA.userId });
    await create('A1', '2026-11-20 07:00', { type: 'repair', customerId: cust.A, assigneeId: agentA.userId });
    await create('A5', '2026-11-20 08:00', { type: 'repair', customerId: cust.A, assigneeId: agentA.userId });
    await resolve('A5', '2026-11-20 09:00');
    await create('A3', '2026-11-20 09:00', { type: 'complaint', customerId: cust.B, assigneeId: agentA.userId });
    await create('A6', '2026-11-20 09:00', { type: 'repair', customerId: cust.A, assigneeId: agentA.userId });
    await create('A7', '2026-11-20 09:00', { type: 'repair', customerId: cust.A, assigneeId: agentB.userId });
    await create('A4', '2026-11-20 09:30', { type: 'repair', contactName: '王先生', assigneeId: agentA.userId });
    now = bj('2026-11-20 09:40');
    ok(await ctx.admin.post(`/api/v1/tickets/${tk.A4!.id}/status`, { status: 'waiting_on_customer' }));
    await ctx.database.db.execute(sql`update tickets set deleted_at = now() where id in (${tk.D1!.id}::uuid, ${tk.A6!.id}::uuid)`);
    now = bj(NOW);
  });
  afterAll(() => ctx.close());

  it('my tickets: open, overdue and due soon as SQL and the queue count them, nearest deadline first', async () => {
    const tile = tileOf(await home(agentA, 'agent'), 'tickets.mine');
    expect(tile.title).toBe('我的工单');
    expect(tile.stats.map((s) => s.label)).toEqual(['未解决', '已超时', '即将超时']);
    expect(tile.stats.map((s) => s.value)).toEqual([4, 1, 1]);
    expect(tile.stats.map((s) => s.tone)).toEqual(['default', 'danger', 'warning']);

    // The same figures from the tables: the open ones assigned to A, those past the nearer open due time, and (all
    // these clocks are 24 × 7) those with less than the policy's warning share of their target left.
    const at = now.toISOString();
    const sqlCounts = await one<{ open: number; breached: number; warning: number }>(sql`
      with mine as (
        select k.*, p.first_response_minutes, p.resolution_minutes, p.warn_at_percent,
               least(case when k.first_responded_at is null then k.first_response_due_at end, k.resolution_due_at) as due
          from tickets t left join ticket_sla_clocks k on k.ticket_id = t.id left join sla_policies p on p.id = k.policy_id
         where t.assignee_id = ${agentA.userId}::uuid and t.deleted_at is null and t.status not in ('resolved', 'closed'))
      select count(*)::int as open,
             count(*) filter (where resolved_at is null and due <= coalesce(paused_at, ${at}::timestamptz))::int as breached,
             count(*) filter (where resolved_at is null and paused_at is null and due > ${at}::timestamptz
               and extract(epoch from due - ${at}::timestamptz) * 1000 <= (case when first_responded_at is null and first_response_due_at <= resolution_due_at
                   then first_response_minutes else resolution_minutes end) * 60000 * (100 - warn_at_percent) / 100)::int as warning
        from mine`);
    expect([sqlCounts.open, sqlCounts.breached, sqlCounts.warning]).toEqual([4, 1, 1]);

    // Drill-down adds up: each figure is the total of the queue its link opens.
    expect(tile.stats.map((s) => s.link)).toEqual(['/tickets?mine=1&status=open', '/tickets?mine=1&status=open&sla=breached', '/tickets?mine=1&status=open&sla=warning']);
    for (const s of tile.stats) expect(await queueTotal(agentA, s.link!), s.link!).toBe(s.value);
    expect(tile.link).toBe('/tickets?mine=1&status=open');

    // Nearest deadline first: A1 (due 09:00, past), A4 (paused, due 11:30), A2 (14:00), A3 (tomorrow 09:00).
    expect(tile.rows.map((r) => r.id)).toEqual([tk.A1!.id, tk.A4!.id, tk.A2!.id, tk.A3!.id]);
    expect(tile.rows[0]).toEqual({
      id: tk.A1!.id,
      label: `#${tk.A1!.number} 看板工单 A1`,
      detail: '看板甲 · 已分派',
      at: iso('2026-11-20 09:00'),
      tone: 'danger',
      link: `/tickets/${tk.A1!.id}`,
    });
    expect(tile.rows.map((r) => r.at)).toEqual([iso('2026-11-20 09:00'), iso('2026-11-20 11:30'), iso('2026-11-20 14:00'), iso('2026-11-21 09:00')]);
    expect(tile.rows.map((r) => r.tone)).toEqual(['danger', 'default', 'warning', 'default']);
    // The contact's name when there is no customer; another's customer (A3's) is not named to A.
    expect(tile.rows.map((r) => r.detail)).toEqual(['看板甲 · 已分派', '王先生 · 等待客户', '看板甲 · 已分派', '已分派']);

    // In English.
    const en = tileOf(await home(agentA.lang('en'), 'agent'), 'tickets.mine');
    expect(en.title).toBe('My tickets');
    expect(en.rows[1]!.detail).toBe('王先生 · Waiting on customer');
  });

  it("another agent's tile counts only their own tickets", async () => {
    const tile = tileOf(await home(agentB, 'agent'), 'tickets.mine');
    // A7: a repair (2 h first response) made at 09:00, one hour left: on track.
    expect(tile.stats.map((s) => s.value)).toEqual([1, 0, 0]);
    expect(tile.rows.map((r) => r.id)).toEqual([tk.A7!.id]);
    for (const s of tile.stats) expect(await queueTotal(agentB, s.link!)).toBe(s.value);
  });

  /** The service figures from the tables for tickets matching `scope` (SQL over t and c, the customer). */
  async function serviceBySql(scope: ReturnType<typeof sql>, customers: ReturnType<typeof sql>) {
    const from = bj('2026-11-01 00:00').toISOString();
    const to = bj('2026-12-01 00:00').toISOString();
    const live = sql`t.deleted_at is null and t.merged_into_id is null and ${scope}`;
    // SLA compliance, written out here: a resolution target is met when resolved by its due time (counted in the month
    // it was resolved), missed when its due time passed first (counted in the month of the due time) — still open
    // then, unless paused before it, or resolved later.
    const at = now.toISOString();
    const sla = await one<{ measured: number; met: number }>(sql`
      with o as (
        select k.resolved_at, k.resolution_due_at as due,
               case when k.resolved_at <= k.resolution_due_at then k.resolved_at
                    when k.resolved_at > k.resolution_due_at
                      or (k.resolved_at is null and k.resolution_due_at < coalesce(k.paused_at, ${at}::timestamptz)) then k.resolution_due_at end as settled
          from tickets t left join customer_directory c on c.id = t.customer_id join ticket_sla_clocks k on k.ticket_id = t.id
         where ${live})
      select count(*)::int as measured, count(*) filter (where resolved_at <= due)::int as met
        from o where settled >= ${from}::timestamptz and settled < ${to}::timestamptz`);
    const months = ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'];
    const perMonth: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await one<{ n: number }>(sql`
        select count(*)::int as n from tickets t left join customer_directory c on c.id = t.customer_id
         where ${live} and t.type = 'complaint'
           and t.created_at >= ${bj(`${months[i]}-01 00:00`).toISOString()}::timestamptz and t.created_at < ${bj(`${months[i + 1]}-01 00:00`).toISOString()}::timestamptz`);
      perMonth.push(r.n);
    }
    const customerCount = (await one<{ n: number }>(sql`select count(*)::int as n from customer_directory c where c.deleted_at is null and ${customers}`)).n;
    const fr = await one<{ h: number | null }>(sql`
      select percentile_cont(0.5) within group (order by extract(epoch from t.first_responded_at - t.created_at) / 3600) as h
        from tickets t left join customer_directory c on c.id = t.customer_id
       where ${live} and t.first_responded_at is not null and t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz`);
    const complaints = perMonth[5]!;
    return {
      stats: [
        sla.measured ? Math.round((sla.met * 1000) / sla.measured) / 10 : null,
        complaints,
        customerCount ? Math.round((complaints * 10000) / customerCount) / 10 : null,
        fr.h === null ? null : Math.round(Number(fr.h) * 100) / 100,
      ],
      perMonth,
    };
  }

  it('service quality for a manager: this month in the company zone, every ticket', async () => {
    const h = await home(manager, 'manager');
    expect(h.board).toBe('manager');
    const tile = tileOf(h, 'tickets.service');
    expect(tile.title).toBe('服务质量');
    expect(tile.stats.map((s) => s.label)).toEqual(['SLA 达标率', '本月投诉', '每千户投诉', '首次响应（中位数）']);
    expect(tile.stats.map((s) => s.unit)).toEqual(['percent', 'count', 'score', 'hours']);
    // Resolution targets settled in November (as of the 20th, 10:00): met — R3 (due 11-02 10:00, resolved 09:00), R1
    // (due 11-11 09:00, resolved 11-10 20:00), A5 (due 11-21 08:00, resolved 11-20 09:00); missed — R2 (due 11-06
    // 09:00, resolved 11-07), and, still open past their due time, P4 (72 h: due 11-03 23:30), P5 (11-04 07:00), A9
    // (11-15 10:00). Not settled: A8 (due 11-21 10:00), A1–A4, A7 (not due yet; A4 paused); P0–P3 settled months ago; D1
    // deleted, M1 merged. 3 of 7 → 42.9 %. Complaints: P5, A2, A3, A8, A9 (not D1, deleted, nor M1, merged) → 5, among
    // 4 customers → 1,250 per 1,000. First responses of November's tickets: 1.5, 4, 6 h → 4.
    const expected = [42.9, 5, 1250, 4];
    expect(tile.stats.map((s) => s.value)).toEqual(expected);
    expect(tile.stats[0]!.tone).toBe('danger');
    // The ticket report and the goal metric give the same figure (one definition): the report's resolution targets
    // of November, and its first-response ones — met: P5 (6 h of 24), R1 (1.5 h of 2), A5 (resolved 1 h after
    // creation, before its 2 h); missed: P4 (due 11-01 23:30), R2 (reply after 4 h), A9 (11-13 10:00), A8 (11-19
    // 10:00), A1 (11-20 09:00) → 3 of 8.
    const nov = ok<{ overall: Record<string, unknown> }>(await manager.get('/api/v1/tickets/reports?from=2026-11-01&to=2026-11-30'));
    expect(nov.overall).toMatchObject({ slaMeasured: 7, slaBreached: 4, slaCompliance: 0.4286, firstResponseMeasured: 8, firstResponseBreached: 5, firstResponseCompliance: 0.375 });
    expect(tile.chart).toMatchObject({ kind: 'bar', unit: 'count', x: ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'] });
    // June P1; August P2, P3; October P4 and R3 (Beijing's 2026-11-01 07:00, P5, is November's); May's P0 is older.
    expect(tile.chart!.series[0]!.values).toEqual([1, 0, 2, 0, 2, 5]);
    const bySql = await serviceBySql(sql`true`, sql`true`);
    expect(bySql.stats).toEqual(expected);
    expect(bySql.perMonth).toEqual([1, 0, 2, 0, 2, 5]);
    // The median first response is the ticket report's (business hours; these calendars are 24 × 7).
    const report = ok<{ overall: { firstResponseMedianHours: number | null } }>(await manager.get('/api/v1/tickets/reports?from=2026-11-01&to=2026-11-20'));
    expect(report.overall.firstResponseMedianHours).toBe(4);
    // This month's complaints and each month's bar drill to that month's complaints in the queue, which counts the
    // same tickets (any status; the month's days in the company's zone).
    expect(tile.stats[1]!.link).toBe('/tickets?status=all&type=complaint&createdFrom=2026-11-01&createdTo=2026-11-30&merged=exclude');
    expect(tile.chart!.series[0]!.links[0]).toBe('/tickets?status=all&type=complaint&createdFrom=2026-06-01&createdTo=2026-06-30&merged=exclude');
    expect(await queueTotal(manager, tile.stats[1]!.link!)).toBe(5);
    const perMonthListed: number[] = [];
    for (const link of tile.chart!.series[0]!.links) perMonthListed.push(await queueTotal(manager, link!));
    expect(perMonthListed).toEqual([1, 0, 2, 0, 2, 5]);
    problemOf(await manager.get('/api/v1/tickets?createdFrom=2026-11-30&createdTo=2026-11-01'), 400);
    const en = tileOf(await home(manager.lang('en'), 'manager'), 'tickets.service');
    expect(en.title).toBe('Service quality');
  });

  it("service quality for someone of scope own: only the tickets and customers in their scope", async () => {
    // The manager's board needs a manager's permission: the agent role (scope own) is given ticket:manage here.
    const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
    const agentPerms = roles.find((r) => r.key === 'agent')!.permissions;
    ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: [...agentPerms, 'ticket:manage'] }));
    const tile = tileOf(await home(agentA, 'manager'), 'tickets.service');
    // A sees tickets of their customers (甲, 丁), assigned to them, or of no customer. Resolution targets settled in
    // November: A5 met, A9 (no customer, open past its due time) missed → 50 %. Complaints: A2, A3 (assigned), A9 (no
    // customer) → 3 (not P5 nor A8, another's customer's), among 2 customers → 1,500 per 1,000. No first response among them.
    const expected = [50, 3, 1500, null];
    expect(tile.stats.map((s) => s.value)).toEqual(expected);
    expect(tile.stats[0]!.tone).toBe('danger');
    expect(tile.chart!.series[0]!.values).toEqual([0, 0, 1, 0, 0, 3]);
    const a = agentA.userId!;
    const bySql = await serviceBySql(sql`(t.customer_id is null or t.assignee_id = ${a}::uuid or c.owner_id = ${a}::uuid)`, sql`c.owner_id = ${a}::uuid`);
    expect(bySql.stats).toEqual(expected);
    expect(bySql.perMonth).toEqual([0, 0, 1, 0, 0, 3]);
  });
});
