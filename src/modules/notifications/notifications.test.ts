/**
 * Notifications through HTTP with an injected clock: each kind made by its producer (a ticket assigned by another
 * user or by a rule, a mention in a note or reply, an SLA warning and escalation, a task that fell due, an import and an
 * analytics run finished), read in the reader's language; the unread count, marking one and all read; another user
 * can neither see nor mark mine (404); bad input is problem+json naming the field; the daily e-mail digest.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { runSlaCheck } from '../tickets/index.js';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import type { MessagingRuntime } from '../messages/index.js';
import { checkDueTasks, sendDigests } from './clock.js';
import { mentionedIds } from './mentions.js';
import type { NotificationPage, NotificationView } from './notifications.contract.js';

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2026-12-07 09:00');
const clock = () => now;

let ctx: TestContext;
let alice: Client; // 客服 王丽 (agent)
let bob: Client; // 客服 李强 (agent)
let leadId: string;
let customerId: string;

const mine = async (as: Client, query = '') => ok<NotificationPage>(await as.get(`/api/v1/notifications${query}`)).items;
const unread = async (as: Client) => ok<{ unread: number }>(await as.get('/api/v1/notifications/unread-count')).unread;
const about = (items: NotificationView[], ticketId: string) => items.filter((n) => n.link === `/tickets/${ticketId}`);
const newTicket = async (body: Record<string, unknown>, as: Client = ctx.admin) =>
  ok<{ id: string; number: number }>(await as.post('/api/v1/tickets', { title: '暖气不热', type: 'inquiry', customerId, ...body }), 201);

async function person(username: string, displayName: string, roleKey: string, teamId: string | null, email?: string): Promise<Client> {
  ok(await ctx.admin.post('/api/v1/users', { username, displayName, password: 'Passw0rd!', roleKey, teamId, ...(email ? { email } : {}) }), 201);
  return ctx.login(username, 'Passw0rd!');
}

describe('notifications', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    const team = ok<{ id: string }>(await ctx.admin.post('/api/v1/teams', { name: '客服一班', kind: 'group' }), 201).id;
    alice = await person('wangli', '王丽', 'agent', team);
    bob = await person('liqiang', '李强', 'agent', team, 'liqiang@heat.example.com');
    leadId = (await person('zhaomin', '赵敏', 'manager', team)).userId!;
    customerId = (await ctx.newCustomer({ name: '张建国', address: { city: '哈尔滨市', compound: '幸福家园', room: '501' } })).id;
  });
  afterAll(() => ctx.close());

  it('a ticket assigned by another user notifies the assignee (in their language), not the assigner; not oneself', async () => {
    const tk = await newTicket({});
    expect(await unread(bob)).toBe(0);
    ok(await ctx.admin.post(`/api/v1/tickets/${tk.id}/assign`, { assigneeId: bob.userId }));
    expect(await unread(bob)).toBe(1);
    const [n] = about(await mine(bob), tk.id);
    expect(n).toMatchObject({ kind: 'ticket_assigned', title: `工单 #${tk.number} 分派给了您`, body: '系统管理员 分派：暖气不热', readAt: null });
    expect((await mine(bob.lang('en')))[0]).toMatchObject({ title: `Ticket #${tk.number} was assigned to you`, body: 'By 系统管理员: 暖气不热' });
    expect(about(await mine(ctx.admin), tk.id)).toEqual([]);
    // The assignee can open the record the notification links to.
    ok(await bob.get(`/api/v1/tickets/${tk.id}`));

    // Taking a ticket oneself (assigning it to oneself, or starting it) tells nobody.
    const own = await newTicket({ customerId: null }, alice);
    ok(await alice.post(`/api/v1/tickets/${own.id}/assign`, { assigneeId: alice.userId }));
    const taken = await newTicket({ customerId: null });
    ok(await alice.post(`/api/v1/tickets/${taken.id}/status`, { status: 'in_progress' }));
    expect(about(await mine(alice), own.id)).toEqual([]);
    expect(about(await mine(alice), taken.id)).toEqual([]);
    // Assigned at creation by the creator's choice: the assignee is told who chose.
    const direct = await newTicket({ assigneeId: alice.userId });
    expect(about(await mine(alice), direct.id).map((x) => x.body)).toEqual(['系统管理员 分派：暖气不热']);
  });

  it('a ticket routed by an assignment rule notifies its assignee', async () => {
    const rule = ok<{ id: string }>(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: '规则小区归王丽', compound: '规则小区', target: 'user', userId: alice.userId }), 201);
    const ruled = (await ctx.newCustomer({ name: '规则住户', address: { city: '哈尔滨市', compound: '规则小区', room: '101' } })).id;
    const tk = await newTicket({ customerId: ruled, title: '漏水' });
    expect(about(await mine(alice), tk.id)).toMatchObject([{ kind: 'ticket_assigned', body: '按分派规则分派：漏水' }]);
    ok(await ctx.admin.patch(`/api/v1/ticket-assignment-rules/${rule.id}`, { active: false }));
  });

  it('a mention by display name or username in a note or reply notifies the named user, never the author', async () => {
    const tk = await newTicket({ assigneeId: alice.userId });
    ok(await alice.post(`/api/v1/tickets/${tk.id}/notes`, { body: '@李强请帮忙看一下阀门，@王丽 我先联系住户' }), 201);
    const [n] = about(await mine(bob), tk.id);
    expect(n).toMatchObject({ kind: 'ticket_mentioned', title: `王丽 在工单 #${tk.number} 的内部备注中提到了您`, body: '@李强请帮忙看一下阀门，@王丽 我先联系住户' });
    expect(about(await mine(alice), tk.id).filter((x) => x.kind === 'ticket_mentioned')).toEqual([]);
    now = new Date(now.getTime() + 60_000);
    ok(await alice.post(`/api/v1/tickets/${tk.id}/replies`, { body: '已安排师傅，抄送 @LiQiang。', send: false }), 201);
    expect(about(await mine(bob), tk.id).map((x) => x.title)).toEqual([`王丽 在工单 #${tk.number} 的回复中提到了您`, `王丽 在工单 #${tk.number} 的内部备注中提到了您`]);
    // An e-mail address or a longer word is no mention.
    ok(await alice.post(`/api/v1/tickets/${tk.id}/notes`, { body: '住户邮箱 x@liqiang.cn，@liqiangs 不是他' }), 201);
    expect(about(await mine(bob), tk.id)).toHaveLength(2);
  });

  it('finds mentions the Chinese way: the longest name at the @, usernames ending at a word boundary', () => {
    const people = [
      { id: 'a', username: 'zhang', displayName: '张三' },
      { id: 'b', username: 'zsf', displayName: '张三丰' },
      { id: 'c', username: 'li', displayName: 'Li Na' },
    ];
    expect(mentionedIds('@张三丰来一下，@张三也来', people)).toEqual(['b', 'a']);
    expect(mentionedIds('@li，@lisa，a@zhang', people)).toEqual(['c']);
    expect(mentionedIds('@Li Na 和 @ZHANG', people)).toEqual(['c', 'a']);
  });

  it('an SLA warning and each escalation level notify the assignee and the person escalated to, once', async () => {
    now = bj('2026-12-07 10:00');
    // 报修: first response within 2 hours around the clock; level 2 four hours after the breach.
    const tk = await newTicket({ type: 'repair', title: '楼道漏水', assigneeId: bob.userId });
    now = bj('2026-12-07 11:40');
    await runSlaCheck(ctx.app);
    await runSlaCheck(ctx.app);
    expect(about(await mine(bob), tk.id).map((n) => n.title)).toEqual([`工单 #${tk.number} 首次响应即将超时`, `工单 #${tk.number} 分派给了您`]);
    now = bj('2026-12-07 12:01');
    await runSlaCheck(ctx.app);
    now = bj('2026-12-07 16:01');
    await runSlaCheck(ctx.app);
    await runSlaCheck(ctx.app);
    const bobs = about(await mine(bob), tk.id).filter((n) => n.kind === 'sla_escalation');
    expect(bobs.map((n) => n.title)).toEqual([`工单 #${tk.number} 已超时，升级至二级（班组长/主管）`, `工单 #${tk.number} 已超时，升级至一级（一线客服）`]);
    expect(bobs[0]!.body).toBe('楼道漏水');
    const lead = await ctx.login('zhaomin', 'Passw0rd!');
    expect(about(await mine(lead), tk.id).map((n) => n.title)).toEqual([`工单 #${tk.number} 已超时，升级至二级（班组长/主管）`]);
    void leadId;
  });

  it('a task that falls due notifies its assignee once', async () => {
    now = bj('2026-12-08 09:00');
    await checkDueTasks(ctx.database.db, now);
    const task = ok<{ id: string }>(await ctx.admin.post('/api/v1/tasks', { type: 'other', title: '回访张建国', assigneeId: bob.userId, dueAt: bj('2026-12-08 10:00').toISOString() }), 201);
    const dueOnes = async () => (await mine(bob)).filter((n) => n.kind === 'task_due' && n.title === '任务到期：回访张建国');
    await checkDueTasks(ctx.database.db, now);
    expect(await dueOnes()).toEqual([]);
    now = bj('2026-12-08 10:01');
    await Promise.all([checkDueTasks(ctx.database.db, now), checkDueTasks(ctx.database.db, now)]);
    await checkDueTasks(ctx.database.db, now);
    now = bj('2026-12-08 11:00');
    await checkDueTasks(ctx.database.db, now);
    expect(await dueOnes()).toMatchObject([{ link: '/tasks?tab=overdue', readAt: null }]);
    // Moved to a later due time, it is due again then.
    ok(await ctx.admin.patch(`/api/v1/tasks/${task.id}`, { dueAt: bj('2026-12-08 12:00').toISOString() }));
    now = bj('2026-12-08 12:30');
    await checkDueTasks(ctx.database.db, now);
    expect(await dueOnes()).toHaveLength(2);
  });

  it('an import the user started tells them when it is done', async () => {
    const { preview } = await importFile(ctx.admin, 'customers', '住户名单.csv', '\uFEFF姓名,手机号\r\n导入住户甲,13812340001\r\n导入住户乙,13812340002\r\n');
    const [n] = (await mine(ctx.admin)).filter((x) => x.link === `/imports/${preview.job.id}`);
    expect(n).toMatchObject({ kind: 'import_done', title: '导入完成：住户名单.csv', body: '新增 2，更新 0，跳过 0，拒绝 0' });
  });

  it('an analytics run the user started tells them when it ends', async () => {
    const run = ok<{ id: string }>(await ctx.admin.post('/api/v1/analytics/runs', {}), 202);
    let status = 'queued';
    for (let k = 0; k < 600 && (status === 'queued' || status === 'running'); k++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ok<{ status: string }>(await ctx.admin.get(`/api/v1/analytics/runs/${run.id}`)).status;
    }
    const told = (await mine(ctx.admin)).filter((x) => x.link === '/analytics');
    expect(told).toHaveLength(1);
    expect(told[0]!.kind).toBe(status === 'done' ? 'analytics_done' : 'analytics_failed');
  });

  it('counts unread, marks one read (once) and all read; keyset pages; unread only', async () => {
    const before = await unread(bob);
    expect(before).toBeGreaterThanOrEqual(5);
    const first = ok<NotificationPage>(await bob.get('/api/v1/notifications?limit=2'));
    expect(first.items).toHaveLength(2);
    const second = ok<NotificationPage>(await bob.get(`/api/v1/notifications?limit=2&cursor=${first.nextCursor}`));
    expect(second.items[0]!.id).not.toBe(first.items[1]!.id);
    expect(new Set([...first.items, ...second.items].map((n) => n.id)).size).toBe(4);

    const target = first.items[0]!;
    now = bj('2026-12-08 13:00');
    const read = ok<NotificationView>(await bob.post(`/api/v1/notifications/${target.id}/read`));
    expect(read.readAt).toBe(now.toISOString());
    expect(await unread(bob)).toBe(before - 1);
    now = bj('2026-12-08 13:05');
    expect(ok<NotificationView>(await bob.post(`/api/v1/notifications/${target.id}/read`)).readAt).toBe(bj('2026-12-08 13:00').toISOString());
    expect((await mine(bob, '?unread=true&limit=100')).map((n) => n.id)).not.toContain(target.id);

    expect(ok<{ marked: number }>(await bob.post('/api/v1/notifications/read-all')).marked).toBe(before - 1);
    expect(await unread(bob)).toBe(0);
    expect(await mine(bob, '?unread=true')).toEqual([]);
  });

  it('another user can neither see nor mark mine (404); an anonymous caller is refused', async () => {
    const bobs = await mine(bob);
    const theirs = bobs[0]!;
    expect((await mine(alice, '?limit=100')).map((n) => n.id)).not.toContain(theirs.id);
    const p = problemOf(await alice.post(`/api/v1/notifications/${theirs.id}/read`), 404);
    expect(p.detail).toBe('找不到该通知');
    expect(problemOf(await alice.lang('en').post(`/api/v1/notifications/${theirs.id}/read`), 404).detail).toBe('Notification not found');
    problemOf(await ctx.anon.get('/api/v1/notifications/unread-count'), 401);
    // Mark-all marks only mine.
    const aliceUnread = await unread(alice);
    ok(await bob.post('/api/v1/notifications/read-all'));
    expect(await unread(alice)).toBe(aliceUnread);
  });

  it('refuses bad input with problem+json naming the field, in the caller’s language', async () => {
    const p = problemOf(await bob.get('/api/v1/notifications?unread=maybe'), 400);
    expect(p.errors).toMatchObject([{ field: 'unread' }]);
    expect(p.errors[0]!.message).toContain('仅未读');
    const en = problemOf(await bob.lang('en').get('/api/v1/notifications?unread=maybe'), 400);
    expect(en.errors[0]!.message).toContain('Unread only');
    expect(problemOf(await bob.post('/api/v1/notifications/not-a-uuid/read'), 400).errors).toMatchObject([{ field: 'id' }]);
    expect(problemOf(await bob.get('/api/v1/notifications?cursor=bogus'), 400).errors).toMatchObject([{ field: 'cursor' }]);
    expect(problemOf(await bob.get('/api/v1/notifications?limit=500'), 400).errors).toMatchObject([{ field: 'limit' }]);
    const s = problemOf(await bob.put('/api/v1/notifications/settings', { digestEmail: 'yes' }), 400);
    expect(s.errors).toMatchObject([{ field: 'digestEmail' }]);
    expect(s.errors[0]!.message).toContain('每日邮件摘要');
  });

  it('sends the daily e-mail digest of unread notifications once a day, to whoever turned it on', async () => {
    expect(ok(await bob.get('/api/v1/notifications/settings'))).toEqual({ digestEmail: false, email: 'liqiang@heat.example.com' });
    expect(ok(await bob.put('/api/v1/notifications/settings', { digestEmail: true }))).toEqual({ digestEmail: true, email: 'liqiang@heat.example.com' });
    const messaging: MessagingRuntime = { now: clock, kick: async () => {}, log: () => {}, fallbackUrl: 'http://hearth.test' };
    const digests = async () =>
      rowsOf<{ subject: string; body: string; recipient: string }>(
        await ctx.database.db.execute(sql`select subject, body, recipient from messages where source_kind = 'notification_digest' order by created_at`),
      );
    now = bj('2026-12-09 07:30');
    const tk = await newTicket({ title: '暖气片漏水' });
    ok(await ctx.admin.post(`/api/v1/tickets/${tk.id}/assign`, { assigneeId: bob.userId }));
    expect(await sendDigests(ctx.database.db, messaging)).toBe(0); // before 08:00
    now = bj('2026-12-09 08:10');
    expect(await sendDigests(ctx.database.db, messaging)).toBe(1);
    expect(await sendDigests(ctx.database.db, messaging)).toBe(0);
    const [mail] = await digests();
    expect(mail!.recipient).toBe('liqiang@heat.example.com');
    expect(mail!.subject).toMatch(/^您有 \d+ 条未读通知$/);
    expect(mail!.body).toContain(`· 工单 #${tk.number} 分派给了您 — 系统管理员 分派：暖气片漏水\n  http://hearth.test/tickets/${tk.id}`);
    // The next day: only what came since (nothing) — no e-mail.
    now = bj('2026-12-10 08:10');
    expect(await sendDigests(ctx.database.db, messaging)).toBe(0);
    expect(await digests()).toHaveLength(1);
  });
});
