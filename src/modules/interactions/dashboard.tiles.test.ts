/**
 * 今日任务 on the home dashboards (issue #17): each figure equals what 我的任务 (GET /tasks/mine) lists for the same
 * tab and an independent SQL count by the company's day (Asia/Shanghai, the default), for two account managers and an
 * agent, each counting only the tasks assigned to them; the rows are the first five overdue-then-due-today tasks, and a
 * customer the user no longer sees is neither named nor linked.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';

type Task = Record<string, any>;
type Tile = { key: string; title: string; description: string | null; stats: any[]; rows: any[]; chart: unknown; link: string | null };

const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('dashboard tile interactions.tasks (今日任务)', () => {
  let ctx: TestContext;
  let am1: Client;
  let am2: Client;
  let agent: Client;
  const customers: Record<string, Record<string, any>> = {};
  const ids: Record<string, string> = {};

  const createTask = async (as: Client, title: string, dueAt: number, customer?: string) =>
    (ids[title] = ok<Task>(await as.post('/api/v1/tasks', { type: 'return_visit', title, dueAt: new Date(dueAt).toISOString(), ...(customer ? { customerId: customers[customer]!.id } : {}) }), 201).id);
  const complete = async (as: Client, title: string) => ok(await as.post(`/api/v1/tasks/${ids[title]}/complete`, { result: '已完成', interaction: null }));

  beforeAll(async () => {
    ctx = await createTestContext();
    am1 = await ctx.newUser({ role: 'account_manager', username: 'am.tasks1' });
    am2 = await ctx.newUser({ role: 'account_manager', username: 'am.tasks2' });
    agent = await ctx.newUser({ role: 'agent', username: 'agent.tasks' });
    for (const [key, name, owner] of [
      ['a', '王一', am1],
      ['b', '王二', am1],
      ['moved', '王三', am1],
      ['c', '李四', am2],
      ['g', '赵五', agent],
    ] as const) {
      customers[key] = await ctx.newCustomer({ name, ownerId: owner.userId });
    }

    const now = Date.now();
    // Where the company's day ends (Asia/Shanghai has no daylight saving: midnight is 16:00 UTC).
    const wall = new Date(now + 8 * HOUR);
    const endOfToday = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + 1) - 8 * HOUR;
    const later = now + Math.min(30 * MINUTE, (endOfToday - now) / 2);

    // The first account manager: four overdue (one on a customer moved to the other manager, one with no customer),
    // three due later today, one upcoming, three done (two today, one two days ago), one cancelled.
    await createTask(am1, 'o-moved', now - 30 * HOUR, 'moved');
    await createTask(am1, 'o-a', now - 26 * HOUR, 'a');
    await createTask(am1, 'o-b', now - 2 * HOUR, 'b');
    await createTask(am1, 'o-none', now - HOUR);
    await createTask(am1, 't-a', later, 'a');
    await createTask(am1, 't-b', later + 1000, 'b');
    await createTask(am1, 't-a2', later + 2000, 'a');
    await createTask(am1, 'u-a', now + 3 * 24 * HOUR, 'a');
    await createTask(am1, 'd-a', now - 3 * HOUR, 'a');
    await createTask(am1, 'd-b', now + 24 * HOUR, 'b');
    await createTask(am1, 'd-old', now - 50 * HOUR, 'b');
    await createTask(am1, 'x-a', now - HOUR, 'a');
    for (const title of ['d-a', 'd-b', 'd-old']) await complete(am1, title);
    await ctx.database.db.execute(sql`update tasks set completed_at = now() - interval '2 days' where id = ${ids['d-old']!}`);
    ok(await am1.patch(`/api/v1/tasks/${ids['x-a']}`, { status: 'cancelled' }));
    // The customer of an overdue task goes to the other manager: the task stays the first one's.
    ok(await ctx.admin.patch(`/api/v1/customers/${customers.moved!.id}`, { version: customers.moved!.version, ownerId: am2.userId }));

    // The second account manager and the agent: one of each.
    await createTask(am2, 'p-overdue', now - 5 * HOUR, 'c');
    await createTask(am2, 'p-today', later, 'c');
    await createTask(am2, 'p-done', now, 'c');
    await complete(am2, 'p-done');
    await createTask(agent, 'g-overdue', now - 4 * HOUR, 'g');
    await createTask(agent, 'g-today', later, 'g');
  });
  afterAll(() => ctx.close());

  async function tile(as: Client, board?: string): Promise<Tile> {
    const home = ok<{ board: string; tiles: Tile[] }>(await as.get(`/api/v1/dashboards/home${board ? `?board=${board}` : ''}`));
    const found = home.tiles.find((x) => x.key === 'interactions.tasks');
    expect(found, JSON.stringify(home.tiles.map((x) => x.key))).toBeDefined();
    return found!;
  }
  const mine = async (as: Client, bucket: string) => ok<{ items: Task[] }>(await as.get(`/api/v1/tasks/mine?bucket=${bucket}&limit=100`)).items;
  const shanghaiDate = (iso: string) => new Date(Date.parse(iso) + 8 * HOUR).toISOString().slice(0, 10);

  /** The same figures counted in SQL: open tasks by due time against now and the end of the company's day, done ones by completion day. */
  async function counted(userId: string): Promise<{ today: number; overdue: number; done: number }> {
    const res = (await ctx.database.db.execute(sql`
      with day as (select ((now() at time zone ${ZONE})::date)::timestamp at time zone ${ZONE} as start,
                          ((now() at time zone ${ZONE})::date + 1)::timestamp at time zone ${ZONE} as stop)
      select (count(*) filter (where t.status = 'open' and t.due_at >= now() and t.due_at < day.stop))::int as today,
             (count(*) filter (where t.status = 'open' and t.due_at < now()))::int as overdue,
             (count(*) filter (where t.status = 'done' and t.completed_at >= day.start and t.completed_at < day.stop))::int as done
      from tasks t, day where t.assignee_id = ${userId}`)) as unknown as { rows: { today: number; overdue: number; done: number }[] };
    return res.rows[0]!;
  }

  /** The tile's figures, checked against the my-tasks API of the same tabs and against SQL; returns them. */
  async function checkFigures(as: Client, board?: string) {
    const got = await tile(as, board);
    const [today, overdue, done, doneToday] = await Promise.all([mine(as, 'today'), mine(as, 'overdue'), mine(as, 'done'), mine(as, 'done_today')]);
    const todayStr = shanghaiDate(new Date().toISOString());
    // The drill-down list (我的任务 › 今天已完成) is exactly the done tasks completed on the company's day.
    expect(doneToday.map((x) => x.id)).toEqual(done.filter((x) => shanghaiDate(x.completedAt) === todayStr).map((x) => x.id));
    const figures = { today: got.stats[0].value, overdue: got.stats[1].value, done: got.stats[2].value };
    expect(figures).toEqual({ today: today.length, overdue: overdue.length, done: doneToday.length });
    expect(figures).toEqual(await counted(as.userId!));
    expect(got.stats.map((s) => [s.unit, s.tone, s.link])).toEqual([
      ['count', 'default', '/tasks?tab=today'],
      ['count', 'danger', '/tasks?tab=overdue'],
      ['count', 'success', '/tasks?tab=done_today'],
    ]);
    // The rows: overdue first, then today's, five at most, each as 我的任务 shows it.
    const expected = [...overdue.map((x) => ({ x, tab: 'overdue' })), ...today.map((x) => ({ x, tab: 'today' }))].slice(0, 5);
    expect(got.rows).toEqual(
      expected.map(({ x, tab }) => ({
        id: x.id,
        label: x.title,
        detail: x.customerName,
        at: x.dueAt,
        tone: tab === 'overdue' ? 'danger' : 'default',
        link: x.customerName ? `/customers/${x.customerId}` : `/tasks?tab=${tab}`,
      })),
    );
    return { got, figures };
  }

  it('shows the first account manager their own tasks: due today, overdue, done today, as 我的任务 and SQL count them', async () => {
    const { got, figures } = await checkFigures(am1, 'account');
    expect(figures).toEqual({ today: 3, overdue: 4, done: 2 });
    expect(got).toMatchObject({ title: '今日任务', link: '/tasks', chart: null });
    expect(got.stats.map((s) => s.label)).toEqual(['今天到期', '已逾期', '今天已完成']);
    expect(got.description).toBeTruthy();
    const t = (title: string) => got.rows.find((r) => r.label === title);
    expect(got.rows.map((r) => r.label)).toEqual(['o-moved', 'o-a', 'o-b', 'o-none', 't-a']);
    // A customer now the other manager's is not named or linked; a task with no customer links to its tab.
    expect(t('o-moved')).toMatchObject({ detail: null, link: '/tasks?tab=overdue' });
    expect(t('o-none')).toMatchObject({ detail: null, link: '/tasks?tab=overdue' });
    expect(t('o-a')).toMatchObject({ detail: '王一', link: `/customers/${customers.a!.id}`, tone: 'danger' });
    expect(t('t-a')).toMatchObject({ detail: '王一', tone: 'default' });
    expect(got.rows.every((r) => r.detail !== '王三' && r.detail !== '李四')).toBe(true);
  });

  it('shows the second account manager only theirs (not the first one’s task on a customer now theirs)', async () => {
    const { got, figures } = await checkFigures(am2, 'account');
    expect(figures).toEqual({ today: 1, overdue: 1, done: 1 });
    expect(got.rows.map((r) => r.label)).toEqual(['p-overdue', 'p-today']);
    expect(got.rows[0]).toMatchObject({ detail: '李四', link: `/customers/${customers.c!.id}` });
  });

  it('is on the agent’s own board, with their tasks; in English for an English request', async () => {
    const home = ok<{ board: string; tiles: Tile[] }>(await agent.get('/api/v1/dashboards/home'));
    expect(home.board).toBe('agent');
    const { figures } = await checkFigures(agent);
    expect(figures).toEqual({ today: 1, overdue: 1, done: 0 });
    const en = await tile(agent.lang('en'));
    expect(en.title).toBe("Today's tasks");
    expect(en.stats.map((s) => s.label)).toEqual(['Due today', 'Overdue', 'Done today']);
  });

  it('follows the tasks: completing an overdue one moves it from overdue to done today', async () => {
    await complete(am1, 'o-b');
    const { figures } = await checkFigures(am1, 'account');
    expect(figures).toEqual({ today: 3, overdue: 3, done: 3 });
  });
});
