/**
 * Bulk changes of tasks (POST /tasks/bulk) by the rules of a single change: moved, reassigned, completed (a return
 * visit logs its call) or cancelled one by one and audited; a task the caller may not change is "not found"; an
 * assignee out of reach or blind to the task's customer refused per task with the reason; bad input a problem+json
 * naming the field.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';

type Result = { action: string; done: number; unchanged: number; refused: number; items: { id: string; outcome: string; code: string | null; reason: string | null }[] };
type Task = { id: string; status: string; dueAt: string; assignee: { id: string }; interactionId: string | null; version: number };

let ctx: TestContext;
let agent: Client;
let other: Client;
let customerId: string;

const task = async (as: Client, title: string, extra: Record<string, unknown> = {}) =>
  ok<Task>(await as.post('/api/v1/tasks', { type: 'other', title, dueAt: '2030-01-01T09:00:00+08:00', ...extra }), 201);
const bulk = async (as: Client, body: unknown) => ok<Result>(await as.post('/api/v1/tasks/bulk', body));
const mineOpen = async (as: Client) => ok<{ items: Task[] }>(await as.get('/api/v1/tasks/mine?bucket=open&limit=100')).items;
const audits = async (action: string) => {
  const res = (await ctx.database.db.execute(sql`select count(*)::int as n from audit_log where action = ${action}`)) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
};

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await ctx.newUser({ role: 'agent' });
  other = await ctx.newUser({ role: 'agent' });
  customerId = (await ctx.newCustomer({ name: '任务批量客户', phones: ['13900007201'], ownerId: agent.userId })).id;
});
afterAll(() => ctx?.close());

describe('POST /tasks/bulk', () => {
  it('moves the due time of several tasks, then cancels them; cancelling again changes nothing', async () => {
    const tasks = [await task(agent, '批量改期甲'), await task(agent, '批量改期乙'), await task(agent, '批量改期丙')];
    const ids = tasks.map((t) => t.id);
    const moved = await bulk(agent, { action: 'due', ids, dueAt: '2031-03-01T10:00:00+08:00' });
    expect(moved).toMatchObject({ done: 3, refused: 0 });
    const open = await mineOpen(agent);
    for (const id of ids) expect(open.find((t) => t.id === id)?.dueAt).toBe('2031-03-01T02:00:00.000Z');
    const before = await audits('task_cancel');
    expect(await bulk(agent, { action: 'cancel', ids })).toMatchObject({ done: 3 });
    expect(await audits('task_cancel')).toBe(before + 3);
    expect(await bulk(agent, { action: 'cancel', ids })).toMatchObject({ done: 0, unchanged: 3 });
    // A cancelled task cannot be completed: refused, with the reason.
    const r = await bulk(agent, { action: 'complete', ids: [ids[0]], result: '已联系' });
    expect(r.items[0]).toMatchObject({ outcome: 'refused', code: 'tasks.not_open', reason: '该任务已完成或已取消' });
  });

  it('completes tasks with one result: a return visit on a customer logs its call, as when completed alone', async () => {
    const visit = await task(agent, '批量回访', { type: 'return_visit', customerId });
    const plain = await task(agent, '批量其他');
    const r = await bulk(agent, { action: 'complete', ids: [visit.id, plain.id], result: '住户反映暖气已正常' });
    expect(r).toMatchObject({ done: 2, refused: 0 });
    const done = ok<{ items: (Task & { result: string })[] }>(await agent.get('/api/v1/tasks/mine?bucket=done&limit=100')).items;
    const v = done.find((t) => t.id === visit.id)!;
    expect(v.result).toBe('住户反映暖气已正常');
    expect(v.interactionId).not.toBeNull();
    expect(done.find((t) => t.id === plain.id)!.interactionId).toBeNull();
    const timeline = ok<{ items: { kind: string; summary: string }[] }>(await agent.get(`/api/v1/customers/${customerId}/interactions`));
    expect(timeline.items.some((x) => x.summary === '住户反映暖气已正常')).toBe(true);
  });

  it('keeps to who may change a task and who may take it: others’ tasks are not found, out-of-reach assignees refused', async () => {
    const own = await task(agent, '我的批量任务');
    const foreign = await task(other, '别人的批量任务');
    const r = await bulk(agent, { action: 'due', ids: [own.id, foreign.id], dueAt: '2031-01-01T09:00:00+08:00' });
    expect(r.items).toEqual([
      { id: own.id, outcome: 'done', code: null, reason: null },
      { id: foreign.id, outcome: 'refused', code: 'tasks.not_found', reason: '找不到该任务' },
    ]);
    expect((await mineOpen(other)).find((t) => t.id === foreign.id)?.version).toBe(foreign.version);
    // An agent hands tasks only to themselves.
    const away = await bulk(agent, { action: 'assign', ids: [own.id], assigneeId: other.userId });
    expect(away.items[0]).toMatchObject({ outcome: 'refused', code: 'tasks.assignee_out_of_scope' });
    // The administrator may reassign, but not to someone who cannot see the task's customer.
    const visit = await task(agent, '客户的任务', { customerId });
    const moved = await bulk(ctx.admin, { action: 'assign', ids: [own.id, visit.id], assigneeId: other.userId });
    expect(moved.items.map((x) => [x.outcome, x.code])).toEqual([
      ['done', null],
      ['refused', 'tasks.assignee_cannot_see_customer'],
    ]);
    expect((await mineOpen(other)).map((t) => t.id)).toContain(own.id);
    const en = ok<Result>(await ctx.admin.lang('en').post('/api/v1/tasks/bulk', { action: 'assign', ids: [visit.id], assigneeId: other.userId }));
    expect(en.items[0]!.reason).toMatch(/cannot see the customer/);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const t = await task(agent, '批量错误输入');
    const cases: [unknown, string, RegExp][] = [
      [{ action: 'complete', ids: [t.id] }, 'result', /处理结果/],
      [{ action: 'due', ids: [t.id], dueAt: 'tomorrow' }, 'dueAt', /截止时间/],
      [{ action: 'assign', ids: [t.id] }, 'assigneeId', /负责人/],
      [{ action: 'cancel', ids: [] }, 'ids', /任务/],
      [{ action: 'cancel', ids: Array.from({ length: 501 }, () => t.id) }, 'ids', /任务.*500/],
      [{ action: 'archive', ids: [t.id] }, 'action', /操作/],
    ];
    for (const [body, field, message] of cases) {
      const p = problemOf(await agent.post('/api/v1/tasks/bulk', body), 400);
      const e = p.errors.find((x) => x.field === field);
      expect(e, JSON.stringify(p.errors)).toBeDefined();
      expect(e!.message).toMatch(message);
    }
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.post('/api/v1/tasks/bulk', { action: 'cancel', ids: [t.id] }), 403);
    expect((await mineOpen(agent)).find((x) => x.id === t.id)?.status).toBe('open');
  });
});
