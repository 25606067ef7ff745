/**
 * Bulk changes from the queue (POST /tickets/bulk) and ticket tags: each ticket by the rules of a single change —
 * assigned and audited one by one; a transition the workflow does not allow refused by id with its reason in the
 * caller's language (the others kept); a ticket outside the caller's data scope refused as not found and left as it
 * was; bad input a problem+json naming the field. Tags: edited on the ticket (audited), added in bulk, filtered in the
 * queue (`tag=`), counted (`/tickets/tags`).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';

type Item = { id: string; number: number | null; outcome: string; code: string | null; reason: string | null };
type Result = { action: string; done: number; unchanged: number; refused: number; items: Item[] };
type Ticket = { id: string; number: number; status: string; version: number; assignee: { id: string; name: string } | null; tags: string[]; sla: { paused: boolean } | null };

let ctx: TestContext;
let agent: Client;
let mine: string;
let theirs: string;
let rootCauseId: string;

const newTicket = async (title: string, extra: Record<string, unknown> = {}) => ok<Ticket>(await ctx.admin.post('/api/v1/tickets', { title, type: 'repair', ...extra }), 201);
const get = async (id: string, as: Client = ctx.admin) => ok<Ticket>(await as.get(`/api/v1/tickets/${id}`));
const bulk = async (body: unknown, as: Client = ctx.admin) => ok<Result>(await as.post('/api/v1/tickets/bulk', body));
const auditCount = async (action: string, ids: string[]) => {
  const res = (await ctx.database.db.execute(
    sql`select count(*)::int as n from audit_log where action = ${action} and entity_type = 'ticket' and entity_id = any(${`{${ids.join(',')}}`}::text[])`,
  )) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
};

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await ctx.newUser({ role: 'agent' });
  mine = (await ctx.newCustomer({ name: '批量自己的客户', phones: ['13900007101'], ownerId: agent.userId })).id;
  theirs = (await ctx.newCustomer({ name: '批量别人的客户', phones: ['13900007102'], ownerId: ctx.admin.userId })).id;
  rootCauseId = ok<{ items: { id: string }[] }>(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0]!.id;
});
afterAll(() => ctx?.close());

describe('POST /tickets/bulk', () => {
  it('assigns 3 tickets: each assigned, on its timeline and audited; the same again changes nothing', async () => {
    const tickets = [await newTicket('批量分派甲'), await newTicket('批量分派乙'), await newTicket('批量分派丙', { customerId: mine })];
    const ids = tickets.map((t) => t.id);
    const r = await bulk({ action: 'assign', ids, assigneeId: agent.userId });
    expect(r).toMatchObject({ action: 'assign', done: 3, unchanged: 0, refused: 0 });
    expect(r.items.map((x) => [x.id, x.number, x.outcome])).toEqual(tickets.map((t) => [t.id, t.number, 'done']));
    for (const t of tickets) {
      const now = await get(t.id);
      expect(now.assignee?.id).toBe(agent.userId);
      expect(now.status).toBe('assigned');
      expect(now.version).toBe(t.version + 1);
    }
    expect(await auditCount('ticket_assign', ids)).toBe(3);
    // The agent now sees them in their queue.
    const queue = ok<{ items: { id: string }[] }>(await agent.get('/api/v1/tickets?mine=true&q=批量分派'));
    expect(queue.items.map((x) => x.id).sort()).toEqual([...ids].sort());

    const again = await bulk({ action: 'assign', ids, assigneeId: agent.userId });
    expect(again).toMatchObject({ done: 0, unchanged: 3, refused: 0 });
    expect(await auditCount('ticket_assign', ids)).toBe(3);
  });

  it('reports a transition the workflow refuses by id, with its reason in the caller’s language, and keeps the others', async () => {
    const open = await newTicket('批量关闭未解决', { assigneeId: agent.userId });
    const done = await newTicket('批量关闭已解决');
    ok(await ctx.admin.post(`/api/v1/tickets/${done.id}/resolve`, { rootCauseId, solution: '已修好', returnVisitDays: 0 }));
    const r = await bulk({ action: 'status', ids: [open.id, done.id], status: 'closed' });
    expect(r).toMatchObject({ done: 1, unchanged: 0, refused: 1 });
    expect(r.items[0]).toEqual({ id: open.id, number: open.number, outcome: 'refused', code: 'tickets.bad_transition', reason: '工单不能从「已分派」改为「已关闭」' });
    expect(r.items[1]).toMatchObject({ id: done.id, outcome: 'done', reason: null });
    expect((await get(open.id)).status).toBe('assigned');
    expect((await get(done.id)).status).toBe('closed');
    expect(await auditCount('ticket_status', [open.id])).toBe(0);

    // In English, and a resolved ticket cannot be assigned.
    const en = ok<Result>(await ctx.admin.lang('en').post('/api/v1/tickets/bulk', { action: 'status', ids: [open.id], status: 'closed' }));
    expect(en.items[0]!.reason).toBe("A ticket cannot go from 'Assigned' to 'Closed'");
    const assign = await bulk({ action: 'assign', ids: [done.id], assigneeId: agent.userId });
    expect(assign.items[0]).toMatchObject({ outcome: 'refused', code: 'tickets.not_open', reason: '工单已解决或关闭，不能再做此操作' });
  });

  it('moves the SLA clock like a single change: waiting on the customer pauses it, starting again runs it', async () => {
    const a = await newTicket('批量等待甲');
    const b = await newTicket('批量等待乙');
    const wait = await bulk({ action: 'status', ids: [a.id, b.id], status: 'waiting_on_customer' });
    expect(wait.done).toBe(2);
    for (const id of [a.id, b.id]) expect(await get(id)).toMatchObject({ status: 'waiting_on_customer', sla: { paused: true } });
    const start = await bulk({ action: 'status', ids: [a.id, b.id], status: 'in_progress' });
    expect(start.done).toBe(2);
    // Taking a ticket nobody holds makes it the taker's, as on the ticket page.
    for (const id of [a.id, b.id]) expect(await get(id)).toMatchObject({ status: 'in_progress', sla: { paused: false }, assignee: { id: ctx.admin.userId } });
  });

  it('refuses tickets outside the caller’s data scope as not found, and changes nothing in them', async () => {
    const own = await newTicket('范围内工单', { customerId: mine });
    const foreign = await newTicket('范围外工单', { customerId: theirs });
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const r = await bulk({ action: 'tag', ids: [foreign.id, own.id, missing], tags: ['加急'] }, agent);
    expect(r).toMatchObject({ done: 1, refused: 2 });
    expect(r.items).toEqual([
      { id: foreign.id, number: null, outcome: 'refused', code: 'tickets.not_found', reason: '找不到该工单' },
      { id: own.id, number: own.number, outcome: 'done', code: null, reason: null },
      { id: missing, number: null, outcome: 'refused', code: 'tickets.not_found', reason: '找不到该工单' },
    ]);
    expect((await get(foreign.id)).tags).toEqual([]);
    expect((await get(foreign.id)).version).toBe(foreign.version);
    expect((await get(own.id, agent)).tags).toEqual(['加急']);
    const assign = await bulk({ action: 'assign', ids: [foreign.id], assigneeId: agent.userId }, agent);
    expect(assign.items[0]).toMatchObject({ outcome: 'refused', code: 'tickets.not_found' });
    expect((await get(foreign.id)).assignee).toBeNull();
    // Without ticket:write the whole request is refused.
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.post('/api/v1/tickets/bulk', { action: 'tag', ids: [own.id], tags: ['x'] }), 403);
  });

  it('answers bad input with problem+json naming the field, in the caller’s language, and writes nothing', async () => {
    const t = await newTicket('批量错误输入');
    const cases: [unknown, string, RegExp][] = [
      [{ action: 'assign', ids: [] }, 'ids', /工单/],
      [{ action: 'assign', ids: Array.from({ length: 501 }, () => t.id), assigneeId: null }, 'ids', /工单.*500/],
      [{ action: 'assign', ids: ['not-a-uuid'], assigneeId: null }, 'ids.0', /工单/],
      [{ action: 'assign', ids: [t.id] }, 'assigneeId', /处理人/],
      [{ action: 'status', ids: [t.id], status: 'resolved' }, 'status', /状态/],
      [{ action: 'tag', ids: [t.id], tags: [] }, 'tags', /标签/],
      [{ action: 'tag', ids: [t.id], tags: ['x'.repeat(33)] }, 'tags.0', /标签/],
      [{ action: 'delete', ids: [t.id] }, 'action', /操作/],
      [{ action: 'assign', ids: [t.id], assigneeId: '00000000-0000-4000-8000-00000000abcd' }, 'assigneeId', /处理人不存在或已停用/],
    ];
    for (const [body, field, message] of cases) {
      const p = problemOf(await ctx.admin.post('/api/v1/tickets/bulk', body), 400);
      const e = p.errors.find((x) => x.field === field);
      expect(e, `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(p.errors)}`).toBeDefined();
      expect(e!.message).toMatch(message);
    }
    const en = problemOf(await ctx.admin.lang('en').post('/api/v1/tickets/bulk', { action: 'assign', ids: [t.id] }), 400);
    expect(en.errors).toEqual([{ field: 'assigneeId', message: expect.stringMatching(/Assignee/) }]);
    expect((await get(t.id)).version).toBe(t.version);
  });
});

describe('ticket tags', () => {
  it('are edited on the ticket (audited), added in bulk without duplicates, filtered in the queue and counted', async () => {
    const a = await newTicket('标签甲');
    const b = await newTicket('标签乙');
    const c = await newTicket('标签丙');
    const edited = ok<Ticket>(await ctx.admin.patch(`/api/v1/tickets/${a.id}`, { tags: [' 漏水 ', '回访', '漏水'] }));
    expect(edited.tags).toEqual(['漏水', '回访']);
    const audit = (await ctx.database.db.execute(
      sql`select changes from audit_log where action = 'ticket_update' and entity_id = ${a.id} order by id desc limit 1`,
    )) as unknown as { rows: { changes: Record<string, unknown> }[] };
    expect(audit.rows[0]!.changes.tags).toEqual([[], ['漏水', '回访']]);
    // The same tags again: nothing changes.
    expect(ok<Ticket>(await ctx.admin.patch(`/api/v1/tickets/${a.id}`, { tags: ['漏水', '回访'] })).version).toBe(edited.version);

    const r = await bulk({ action: 'tag', ids: [a.id, b.id], tags: ['漏水', '二次上门'] });
    expect(r).toMatchObject({ done: 2, unchanged: 0 });
    expect((await get(a.id)).tags).toEqual(['漏水', '回访', '二次上门']);
    expect((await get(b.id)).tags).toEqual(['漏水', '二次上门']);
    expect((await bulk({ action: 'tag', ids: [a.id], tags: ['回访'] })).unchanged).toBe(1);

    const queue = ok<{ items: { id: string; tags: string[] }[]; total: number }>(await ctx.admin.get(`/api/v1/tickets?tag=${encodeURIComponent('二次上门')}`));
    expect(queue.items.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(queue.total).toBe(2);
    expect(ok<{ items: unknown[] }>(await ctx.admin.get(`/api/v1/tickets?tag=${encodeURIComponent('没有这个标签')}`)).items).toEqual([]);
    const counts = ok<{ items: { tag: string; count: number }[] }>(await ctx.admin.get('/api/v1/tickets/tags'));
    expect(counts.items).toEqual(expect.arrayContaining([{ tag: '漏水', count: 2 }, { tag: '二次上门', count: 2 }, { tag: '回访', count: 1 }]));
    // The agent's counts keep to the tickets the agent sees (none of these: no customer, no assignee → everyone's intake).
    expect(ok<{ items: { tag: string }[] }>(await agent.get('/api/v1/tickets/tags')).items.map((x) => x.tag)).toContain('漏水');

    // At most 20 tags: a PATCH is refused naming the field, a bulk addition reports the ticket.
    const many = Array.from({ length: 20 }, (_, i) => `标签${i}`);
    ok(await ctx.admin.patch(`/api/v1/tickets/${c.id}`, { tags: many }));
    const p = problemOf(await ctx.admin.patch(`/api/v1/tickets/${c.id}`, { tags: [...many, '再多一个'] }), 400);
    expect(p.errors[0]).toMatchObject({ field: 'tags' });
    const over = await bulk({ action: 'tag', ids: [c.id], tags: ['再多一个'] });
    expect(over.items[0]).toMatchObject({ outcome: 'refused', code: 'tickets.too_many_tags', reason: '每个工单最多 20 个标签' });
  });
});
