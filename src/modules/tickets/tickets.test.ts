/**
 * Tickets through HTTP: the workflow with reopen, assignment rules (category, round robin, VIP → account manager),
 * notes vs replies (replies land in the outbox), resolution (root cause, satisfaction request, return visit), merge,
 * the public page (submit, follow, rate) and its refusals (huge text, a 20 MB image, a non-image, rate limit), data
 * scope, the customer timeline.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { executeRun, startRun } from '../analytics/index.js';
import { ticketChurnSignal } from './index.js';
import { problemOf, ok } from '../../test/http.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

let ctx: TestContext;
let agent: Client;
let categories: { id: string; nameZh: string }[];
const cat = (name: string) => categories.find((c) => c.nameZh === name)!.id;
let rootCauseId: string;

const upload = (c: Client, url: string, body: Buffer, headers: Record<string, string> = {}) =>
  c.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': 'application/octet-stream', ...(c.cookie ? { cookie: c.cookie, 'x-csrf-token': c.csrf! } : {}), ...headers },
  });

describe('tickets', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    categories = ok(await ctx.admin.get('/api/v1/ticket-categories')).items;
    rootCauseId = ok(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0].id;
  });
  afterAll(() => ctx.close());

  workflowAndAssignment();
  publicForm();
  settingsAndCustomers();
  followPage();
  slaFilterAndChurn();
});

/** The workflow, the assignment rules, merge and data scope. */
function workflowAndAssignment(): void {
  it('the heating template ships its categories and default root causes', () => {
    expect(categories.map((c) => c.nameZh)).toEqual(['室温不达标', '暖气不热', '漏水', '缴费问题', '服务态度', '其他']);
    expect(rootCauseId).toBeTruthy();
  });

  it('workflow: create → assign → reply (outbox) → wait → resolve (satisfaction request, return visit) → rate → reopen → close', async () => {
    const customer = await ctx.newCustomer({ name: '王建国', phones: ['13900001111'], consent: { sms: true } });
    const made = ok(
      await ctx.admin.post('/api/v1/tickets', { title: '家里暖气不热', description: '卧室只有 15 度', type: 'complaint', categoryId: cat('暖气不热'), customerId: customer.id }),
      201,
    );
    expect(made).toMatchObject({ status: 'new', type: 'complaint', category: '暖气不热', customer: { id: customer.id, name: '王建国' }, source: 'agent' });
    expect(made.number).toBeGreaterThan(0);

    let tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/assign`, { assigneeId: agent.userId }));
    expect(tk).toMatchObject({ status: 'assigned', assignee: { id: agent.userId } });

    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/notes`, { body: '内部：先查管网压力' }), 201);
    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/replies`, { body: '师傅下午两点上门检查' }), 201);
    expect(tk.status).toBe('in_progress');
    const reply = tk.events.find((e: any) => e.kind === 'reply');
    expect(reply.body).toBe('师傅下午两点上门检查');
    expect(reply.data.delivery).toMatchObject({ channel: 'sms', status: 'queued' });
    const msg = ok(await ctx.admin.get(`/api/v1/messages/${reply.data.delivery.messageId}`));
    expect(msg).toMatchObject({ channel: 'sms', category: 'transactional' });
    expect(msg.body).toContain('师傅下午两点上门检查');
    expect(msg.body).toContain(`/s/t/`);

    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/status`, { status: 'waiting_on_customer' }));
    expect(tk.status).toBe('waiting_on_customer');
    problemOf(await ctx.admin.post(`/api/v1/tickets/${made.id}/status`, { status: 'closed' }), 409);

    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId, solution: '更换了堵塞的阀门，室温恢复到 20 度', returnVisitDays: 3 }));
    expect(tk).toMatchObject({ status: 'resolved', solution: '更换了堵塞的阀门，室温恢复到 20 度' });
    expect(tk.outcomeToldAt).toBeTruthy();
    expect(tk.events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['satisfaction_requested', 'outcome_told', 'resolved']));
    const requested = tk.events.find((e: any) => e.kind === 'satisfaction_requested');
    const request = ok(await ctx.admin.get(`/api/v1/messages/${requested.data.delivery.messageId}`));
    expect(request.body).toContain(tk.publicUrl);
    // The return visit: a 回访 task on the customer, due three days later.
    const task = ok(await ctx.admin.get(`/api/v1/tasks?customerId=${customer.id}`)).items.find((x: any) => x.id === tk.returnVisitTaskId);
    expect(task).toMatchObject({ type: 'return_visit', customerId: customer.id });
    expect(Date.parse(task.dueAt) - Date.parse(tk.resolvedAt)).toBe(3 * 86_400_000);

    // The household follows the link: replies (never notes), then rates once.
    const token = tk.publicUrl.split('/').pop();
    const pub = ok(await ctx.anon.get(`/api/v1/public/tickets/${token}`));
    expect(pub.replies.map((r: any) => r.body)).toEqual(['师傅下午两点上门检查', '更换了堵塞的阀门，室温恢复到 20 度']);
    expect(JSON.stringify(pub)).not.toContain('内部');
    expect(pub.canRate).toBe(true);
    const rated = ok(await ctx.anon.post(`/api/v1/public/tickets/${token}/rating`, { rating: 5, comment: '很及时' }));
    expect(rated).toMatchObject({ rating: 5, ratingComment: '很及时', canRate: false });
    problemOf(await ctx.anon.post(`/api/v1/public/tickets/${token}/rating`, { rating: 1 }), 409);
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${made.id}`))).toMatchObject({ rating: 5, ratingComment: '很及时' });

    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/reopen`, { reason: '第二天又不热了' }));
    // The rating given before the reopen stays in the history only; the next resolution asks for a new one.
    expect(tk).toMatchObject({ status: 'in_progress', reopenCount: 1, resolvedAt: null, rating: null, ratingComment: null });
    expect(tk.events.find((e: any) => e.kind === 'rated')).toMatchObject({ data: { rating: 5 }, body: '很及时' });
    expect(tk.events.find((e: any) => e.kind === 'reopened')).toMatchObject({ body: '第二天又不热了', data: { previousRating: 5, by: 'agent' } });
    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId, solution: '清洗了管道', outcomeTold: 'call', returnVisitDays: 0 }));
    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/status`, { status: 'closed' }));
    expect(tk).toMatchObject({ status: 'closed', reopenCount: 1 });
    tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/reopen`, { reason: '还是不热' }));
    expect(tk.reopenCount).toBe(2);

    // Audited, and on the customer's timeline with its rating.
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=ticket&entityId=${made.id}`));
    expect(audit.items.map((a: any) => a.action)).toEqual(expect.arrayContaining(['ticket_create', 'ticket_assign', 'ticket_reply', 'ticket_resolve', 'ticket_reopen']));
    const timeline = ok(await ctx.admin.get(`/api/v1/customers/${customer.id}/timeline`));
    const entry = timeline.items.find((e: any) => e.kind === 'ticket');
    expect(entry).toMatchObject({ title: `工单 #${made.number}：家里暖气不热`, data: { rating: null } });
  });

  it('assignment rules: by category to a user, round robin within a team, VIPs to their account manager', async () => {
    const team = await ctx.newTeam('维修一班');
    const a1 = await ctx.newUser({ role: 'agent', teamId: team, username: 'rr.a' });
    const a2 = await ctx.newUser({ role: 'agent', teamId: team, username: 'rr.b' });
    const am = await ctx.newUser({ role: 'account_manager' });
    ok(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: 'VIP 专属', position: 1, vipOnly: true, target: 'owner' }), 201);
    ok(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: '缴费问题', position: 2, categoryId: cat('缴费问题'), target: 'user', userId: agent.userId }), 201);
    ok(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: '漏水轮流', position: 3, categoryId: cat('漏水'), target: 'team_round_robin', teamId: team }), 201);
    ok(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: '幸福家园片区', position: 4, compound: '幸福家园', target: 'user', userId: am.userId }), 201);
    problemOf(await ctx.admin.post('/api/v1/ticket-assignment-rules', { name: '缺人', target: 'user' }), 400);

    const create = async (categoryId: string, customerId?: string) =>
      ok(await ctx.admin.post('/api/v1/tickets', { title: 't', type: 'repair', categoryId, ...(customerId ? { customerId } : {}) }), 201);
    expect((await create(cat('缴费问题'))).assignee.id).toBe(agent.userId);
    const rr = [await create(cat('漏水')), await create(cat('漏水')), await create(cat('漏水'))].map((t) => t.assignee.id);
    expect(rr).toEqual([a1.userId, a2.userId, a1.userId]);
    const vip = await ctx.newCustomer({ name: '贵宾', phones: ['13900002222'], tags: ['VIP'], ownerId: am.userId });
    const v = await create(cat('漏水'), vip.id);
    expect(v).toMatchObject({ status: 'assigned', assignee: { id: am.userId } });
    expect((await create(cat('其他'))).status).toBe('new');
    const inCompound = await ctx.newCustomer({ name: '片区住户', phones: ['13900007777'], address: { city: '哈尔滨市', compound: '幸福家园' } });
    expect((await create(cat('其他'), inCompound.id)).assignee.id).toBe(am.userId);
    // Rules are settings: agents cannot change them.
    problemOf(await agent.post('/api/v1/ticket-assignment-rules', { name: 'x', target: 'owner' }), 403);
    // Switch the rules off for the rest of the file.
    for (const r of ok(await ctx.admin.get('/api/v1/ticket-assignment-rules')).items) {
      expect((await ctx.admin.delete(`/api/v1/ticket-assignment-rules/${r.id}`)).statusCode).toBe(204);
    }
  });

  it('merge: the duplicate closes linked to the survivor; its notes and replies move', async () => {
    const a = ok(await ctx.admin.post('/api/v1/tickets', { title: '漏水 A', type: 'repair' }), 201);
    const b = ok(await ctx.admin.post('/api/v1/tickets', { title: '漏水 B（重复）', type: 'repair' }), 201);
    ok(await ctx.admin.post(`/api/v1/tickets/${b.id}/notes`, { body: '重复报修的备注' }), 201);
    problemOf(await ctx.admin.post(`/api/v1/tickets/${b.id}/merge`, { intoId: b.id }), 400);
    const merged = ok(await ctx.admin.post(`/api/v1/tickets/${b.id}/merge`, { intoId: a.id }));
    expect(merged.id).toBe(a.id);
    expect(merged.events.find((e: any) => e.kind === 'note')).toMatchObject({ body: '重复报修的备注', data: { mergedFrom: b.id } });
    const dup = ok(await ctx.admin.get(`/api/v1/tickets/${b.id}`));
    expect(dup).toMatchObject({ status: 'closed', mergedIntoId: a.id });
    expect(dup.events.some((e: any) => e.kind === 'note')).toBe(false);
    problemOf(await ctx.admin.post(`/api/v1/tickets/${b.id}/reopen`, { reason: 'x' }), 409);
  });

  it('data scope: an agent sees tickets of their customers, tickets assigned to them and unlinked intake only', async () => {
    const other = await ctx.newCustomer({ name: '别人的客户', phones: ['13900003333'], consent: { sms: true }, ownerId: ctx.admin.userId });
    const hidden = ok(await ctx.admin.post('/api/v1/tickets', { title: '看不见', type: 'inquiry', customerId: other.id }), 201);
    const assigned = ok(await ctx.admin.post('/api/v1/tickets', { title: '分给我的', type: 'inquiry', customerId: other.id, assigneeId: agent.userId }), 201);
    problemOf(await agent.get(`/api/v1/tickets/${hidden.id}`), 404);
    expect(ok(await agent.get(`/api/v1/tickets/${assigned.id}`)).title).toBe('分给我的');
    const list = ok(await agent.get('/api/v1/tickets?limit=200')).items.map((x: any) => x.id);
    expect(list).toContain(assigned.id);
    expect(list).not.toContain(hidden.id);
    expect(ok(await agent.get('/api/v1/tickets?mine=true')).items.every((x: any) => x.assignee?.id === agent.userId)).toBe(true);
    // Assigned to the agent, the ticket is answered and resolved by them although the customer is not theirs: the
    // reply is queued for the customer and the return visit goes to the customer's account manager.
    const replied = ok(await agent.post(`/api/v1/tickets/${assigned.id}/replies`, { body: '已安排师傅' }), 201);
    expect(replied.events.find((e: any) => e.kind === 'reply').data.delivery, JSON.stringify(replied.events)).toMatchObject({ channel: 'sms', status: 'queued' });
    const resolved = ok(await agent.post(`/api/v1/tickets/${assigned.id}/resolve`, { rootCauseId, solution: '已修好' }));
    const visit = ok(await ctx.admin.get(`/api/v1/tasks?customerId=${other.id}`)).items.find((x: any) => x.id === resolved.returnVisitTaskId);
    expect(visit).toMatchObject({ type: 'return_visit', assignee: { id: ctx.admin.userId } });
    problemOf(await ctx.anon.get('/api/v1/tickets'), 401);
  });
}

/** The public form: submitting, and its refusals. */
function publicForm(): void {
  it('public page: submit by a known phone links the customer, an unknown one stays unlinked; script is stored as text', async () => {
    const household = await ctx.newCustomer({ name: '李秀英', phones: ['13900004444'] });
    const res = ok(
      await ctx.anon.post('/api/v1/public/tickets', { name: '李秀英', phone: '139 0000 4444', address: '幸福小区 3-2-301', type: 'complaint', categoryId: cat('暖气不热'), description: '暖气片冰凉' }),
      201,
    );
    expect(res.followUrl).toBe(`/s/t/${res.token}`);
    expect(res.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = ok(await ctx.admin.get(`/api/v1/tickets?customerId=${household.id}`));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ title: '暖气不热', source: 'public', customer: { id: household.id } });
    // A complaint's 24-hour clock runs (the SLA module's policy): the queue's SLA filter finds it.
    expect(list.items[0].sla).toMatchObject({ state: 'on_track' });
    expect(ok(await ctx.admin.get('/api/v1/tickets?sla=on_track&limit=200')).items.map((x: any) => x.id)).toContain(list.items[0].id);

    const xss = '<img src=x onerror=window.__xss=1><script>alert(1)</script>';
    const anon = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '张三', phone: '13700009999', description: xss }), 201);
    const pub = ok(await ctx.anon.get(`/api/v1/public/tickets/${anon.token}`));
    expect(pub).toMatchObject({ description: xss, status: 'new', canRate: false });
    const t = ok(await ctx.admin.get(`/api/v1/tickets?q=${encodeURIComponent('张三')}`)).items[0];
    expect(t).toMatchObject({ customer: null, contactName: '张三' });
    // The contact's phone is masked like every phone; a customer:pii holder reveals it, audited.
    const detail = ok(await ctx.admin.get(`/api/v1/tickets/${t.id}`));
    expect(detail.contactPhone).toBe('137****9999');
    expect(ok(await ctx.admin.post(`/api/v1/tickets/${t.id}/reveal`))).toEqual({ contactPhone: '13700009999' });
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.post(`/api/v1/tickets/${t.id}/reveal`), 403);
    expect(ok(await ctx.admin.get(`/api/v1/audit?entityType=ticket&entityId=${t.id}&action=ticket_reveal`)).items).toHaveLength(1);

    // Attachments: a real image is accepted (and served to the link holder and to agents), up to three.
    const up = ok(await upload(ctx.anon, `/api/v1/public/tickets/${anon.token}/attachments?name=${encodeURIComponent('暖气.png')}`, PNG), 201);
    expect(up).toMatchObject({ contentType: 'image/png', fileName: '暖气.png', size: PNG.length });
    const served = await ctx.anon.get(`/api/v1/public/tickets/${anon.token}/attachments/${up.id}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(PNG)).toBe(true);
    expect((await ctx.admin.get(`/api/v1/tickets/${t.id}/attachments/${up.id}`)).rawPayload.equals(PNG)).toBe(true);
    ok(await upload(ctx.anon, `/api/v1/public/tickets/${anon.token}/attachments`, PNG), 201);
    ok(await upload(ctx.anon, `/api/v1/public/tickets/${anon.token}/attachments`, PNG), 201);
    const fourth = problemOf(await upload(ctx.anon, `/api/v1/public/tickets/${anon.token}/attachments`, PNG), 409);
    expect(fourth.errors).toEqual([{ field: 'file', message: '每个工单最多 3 张图片' }]);
    problemOf(await ctx.anon.get('/api/v1/public/tickets/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 404);
  });

  it('public page refuses bad input cleanly: huge text, a 20 MB image, a non-image file, a bad phone', async () => {
    const made = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '赵四', phone: '13700008888', description: '漏水' }), 201);
    const huge = problemOf(await ctx.anon.post('/api/v1/public/tickets', { name: '赵四', phone: '13700008888', description: '很'.repeat(5001) }), 400);
    expect(huge.errors).toEqual([{ field: 'description', message: '「问题描述」最多 5000 个字符' }]);
    const phone = problemOf(await ctx.anon.post('/api/v1/public/tickets', { name: '赵四', phone: '12345', description: 'x' }), 400);
    expect(phone.errors[0]).toMatchObject({ field: 'phone', message: '「手机号」不是有效的电话号码' });

    const big = problemOf(await upload(ctx.anon, `/api/v1/public/tickets/${made.token}/attachments`, Buffer.alloc(20 * 1024 * 1024, 0xff)), 413);
    expect(big.errors).toEqual([{ field: 'file', message: '图片不能超过 5 MB' }]);
    const html = problemOf(await upload(ctx.anon, `/api/v1/public/tickets/${made.token}/attachments`, Buffer.from('<html><script>alert(1)</script></html>'), { 'content-type': 'image/png' }), 415);
    expect(html.errors).toEqual([{ field: 'file', message: '只能上传 JPEG、PNG、WebP 或 GIF 图片' }]);
    const en = problemOf(await ctx.anon.lang('en').app.inject({ method: 'POST', url: `/api/v1/public/tickets/${made.token}/attachments`, payload: Buffer.from('%PDF-1.7'), headers: { 'accept-language': 'en', 'content-type': 'application/pdf' } }), 415);
    expect(en.errors[0]!.message).toBe('Only JPEG, PNG, WebP or GIF images can be uploaded');
    expect(ok(await ctx.anon.get(`/api/v1/public/tickets/${made.token}`)).attachments).toEqual([]);
  });
}

/** Settings (categories, root causes), renaming a category, merging customers. */
function settingsAndCustomers(): void {
  it('settings: a category tree (no cycles, archived ones refused on tickets), root causes; linking a customer and a transaction', async () => {
    const parent = ok(await ctx.admin.post('/api/v1/ticket-categories', { nameZh: '管网', nameEn: 'Network' }), 201);
    const child = ok(await ctx.admin.post('/api/v1/ticket-categories', { nameZh: '管道破裂', parentId: parent.id }), 201);
    expect(child).toMatchObject({ parentId: parent.id, nameEn: '管道破裂', active: true });
    const cycle = problemOf(await ctx.admin.patch(`/api/v1/ticket-categories/${parent.id}`, { parentId: child.id }), 400);
    expect(cycle.errors).toEqual([{ field: 'parentId', message: '上级分类不能是它自己或它的下级' }]);
    ok(await ctx.admin.patch(`/api/v1/ticket-categories/${child.id}`, { active: false }));
    const archived = problemOf(await ctx.admin.post('/api/v1/tickets', { title: 'x', type: 'repair', categoryId: child.id }), 400);
    expect(archived.errors).toEqual([{ field: 'categoryId', message: '分类不存在或已停用' }]);
    problemOf(await agent.post('/api/v1/ticket-categories', { nameZh: '越权' }), 403);
    const cause = ok(await ctx.admin.post('/api/v1/ticket-root-causes', { nameZh: '第三方施工' }), 201);
    expect(ok(await agent.get('/api/v1/ticket-root-causes')).items.map((c: any) => c.id)).toContain(cause.id);

    // An unlinked report is linked to the customer afterwards, then to one of her transactions (not someone else's).
    const c = await ctx.newCustomer({ name: '周敏', phones: ['13900005555'] });
    const other = await ctx.newCustomer({ name: '吴刚', phones: ['13900006666'] });
    const tx = ok(await ctx.admin.post(`/api/v1/customers/${c.id}/transactions`, { type: 'payment', amountFen: 250000, occurredAt: '2026-10-20T10:00:00+08:00' }), 201);
    const otherTx = ok(await ctx.admin.post(`/api/v1/customers/${other.id}/transactions`, { type: 'payment', amountFen: 100, occurredAt: '2026-10-20T10:00:00+08:00' }), 201);
    const made = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '周女士', phone: '13600001111', type: 'inquiry', description: '缴费后没有开票' }), 201);
    const id = ok(await ctx.admin.get(`/api/v1/tickets?q=${encodeURIComponent('周女士')}`)).items[0].id;
    let tk = ok(await ctx.admin.patch(`/api/v1/tickets/${id}`, { customerId: c.id, categoryId: cat('缴费问题') }));
    expect(tk).toMatchObject({ customer: { id: c.id, name: '周敏' }, category: '缴费问题' });
    const mismatch = problemOf(await ctx.admin.patch(`/api/v1/tickets/${id}`, { transactionId: otherTx.id }), 400);
    expect(mismatch.errors).toEqual([{ field: 'transactionId', message: '该交易不属于此工单的客户' }]);
    tk = ok(await ctx.admin.patch(`/api/v1/tickets/${id}`, { transactionId: tx.id }));
    expect(tk.transactionId).toBe(tx.id);
    expect(ok(await ctx.anon.get(`/api/v1/public/tickets/${made.token}`)).category).toBe('缴费问题');
  });

  it('renaming a category shows the new name on existing tickets (detail, queue, public page, report) without making edits stale', async () => {
    const old = ok(await ctx.admin.post('/api/v1/ticket-categories', { nameZh: '换热站故障', nameEn: 'Substation fault' }), 201);
    const other = ok(await ctx.admin.post('/api/v1/ticket-categories', { nameZh: '阀门问题' }), 201);
    const a = ok(await ctx.admin.post('/api/v1/tickets', { title: '整栋楼不热', type: 'repair', categoryId: old.id }), 201);
    const b = ok(await ctx.admin.post('/api/v1/tickets', { title: '阀门拧不动', type: 'repair', categoryId: other.id }), 201);
    const made = ok(await ctx.anon.post('/api/v1/public/tickets', { name: '赵先生', phone: '13600002222', type: 'repair', categoryId: old.id, description: '换热站噪音很大' }), 201);
    const before = ok(await ctx.admin.get(`/api/v1/tickets/${a.id}`));
    expect(before.category).toBe('换热站故障');

    // Only the English name: the stored zh-CN name stays.
    ok(await ctx.admin.patch(`/api/v1/ticket-categories/${old.id}`, { nameEn: 'Heat substation' }));
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${a.id}`)).category).toBe('换热站故障');
    const renamed = ok(await ctx.admin.patch(`/api/v1/ticket-categories/${old.id}`, { nameZh: '换热站' }));
    expect(renamed.nameZh).toBe('换热站');

    const after = ok(await ctx.admin.get(`/api/v1/tickets/${a.id}`));
    expect(after).toMatchObject({ categoryId: old.id, category: '换热站', version: before.version });
    const queue = ok(await ctx.admin.get(`/api/v1/tickets?categoryId=${old.id}`)).items as { id: string; category: string }[];
    expect(queue.map((t) => t.category)).toEqual(['换热站', '换热站']);
    expect(ok(await ctx.anon.get(`/api/v1/public/tickets/${made.token}`)).category).toBe('换热站');
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${b.id}`)).category).toBe('阀门问题');
    // The ticket did not change, so an edit started before the rename still applies.
    expect(ok(await ctx.admin.patch(`/api/v1/tickets/${a.id}`, { priority: 'high', version: before.version }))).toMatchObject({ priority: 'high', category: '换热站' });
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const report = ok(await ctx.admin.get(`/api/v1/tickets/reports?from=${day(-1)}&to=${day(1)}`));
    const keys = (report.byCategory as { key: string; count: number }[]).map((r) => r.key);
    expect(keys).toContain('换热站');
    expect(keys).not.toContain('换热站故障');
    const audit = await ctx.database.db.execute(
      sql`select changes from audit_log where action = 'ticket_category_update' and entity_id = ${old.id} order by id desc limit 1`,
    );
    expect(JSON.stringify(audit)).toContain('"renamedTickets":2');
  });

  it('merging duplicate customers moves their tickets to the survivor, and undo moves them back', async () => {
    const survivor = await ctx.newCustomer({ name: '孙丽', phones: ['13900008881'] });
    const dup = await ctx.newCustomer({ name: '孙丽', phones: ['13900008882'] });
    const tk = ok(await ctx.admin.post('/api/v1/tickets', { title: '重复客户的工单', type: 'repair', customerId: dup.id }), 201);
    const merge = ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: dup.id, survivorVersion: survivor.version, mergedVersion: dup.version }));
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${tk.id}`)).customer.id).toBe(survivor.id);
    ok(await ctx.admin.post(`/api/v1/customers/merges/${merge.merge.id}/undo`));
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${tk.id}`)).customer.id).toBe(dup.id);
  });
}

/** The follow page and the rate limits of the public pages. */
function followPage(): void {
  it('the public form is rate-limited per address: 429 problem JSON', async () => {
    const statuses: number[] = [];
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 12; i++) {
      last = await ctx.anon.post('/api/v1/public/tickets', { name: '刷单', phone: '13700007777', description: `第 ${i} 次` });
      statuses.push(last.statusCode);
    }
    expect(statuses).toContain(429);
    const p = problemOf(last!, 429);
    expect(p.code).toBe('rate_limited');
  });

  it('follow page: the household replies (back to in progress, the SLA clock resumes) and reopens within 7 days; a new rating is asked', async () => {
    const customer = await ctx.newCustomer({ name: '刘芳', phones: ['13900009191'], consent: { sms: true } });
    const made = ok(await ctx.admin.post('/api/v1/tickets', { title: '楼道暖气漏水', type: 'complaint', customerId: customer.id, assigneeId: agent.userId }), 201);
    ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/replies`, { body: '请问是哪个单元？' }), 201);
    let tk = ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/status`, { status: 'waiting_on_customer' }));
    expect(tk.sla).toMatchObject({ state: 'paused', paused: true });
    expect(ok(await ctx.admin.get('/api/v1/tickets?sla=paused&limit=200')).items.map((x: any) => x.id)).toContain(made.id);
    const token = tk.publicUrl.split('/').pop();
    const url = `/api/v1/public/tickets/${token}`;
    expect(ok(await ctx.anon.get(url))).toMatchObject({ canReply: true, canReopen: false, canRate: false });

    // The household answers: stored as text, shown to the agent as the customer's message, the clock runs again.
    const text = '<b>3 单元</b> 2 楼';
    const pub = ok(await ctx.anon.post(`${url}/replies`, { body: text }), 201);
    expect(pub.replies).toEqual([
      { body: '请问是哪个单元？', at: expect.any(String), from: 'agent' },
      { body: text, at: expect.any(String), from: 'customer' },
    ]);
    tk = ok(await ctx.admin.get(`/api/v1/tickets/${made.id}`));
    expect(tk).toMatchObject({ status: 'in_progress', sla: { paused: false, state: 'on_track' } });
    expect(tk.events.find((e: any) => e.kind === 'customer_reply')).toMatchObject({ body: text, actor: null });
    expect(tk.events.find((e: any) => e.kind === 'status' && e.data.customerReply)).toMatchObject({ actor: null, data: { from: 'waiting_on_customer', to: 'in_progress' } });
    expect(ok(await ctx.admin.get(`/api/v1/audit?entityType=ticket&entityId=${made.id}&action=ticket_customer_reply`)).items).toHaveLength(1);
    const long = problemOf(await ctx.anon.post(`${url}/replies`, { body: '长'.repeat(2001) }), 400);
    expect(long.errors).toEqual([{ field: 'body', message: '「内容」最多 2000 个字符' }]);

    // Resolved and rated 2 stars; the household reopens it: the old rating stays in the history only.
    ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId, solution: '更换了阀门', returnVisitDays: 0 }));
    const closedReply = problemOf(await ctx.anon.post(`${url}/replies`, { body: '还是漏' }), 409);
    expect(closedReply.errors[0]).toMatchObject({ field: 'body' });
    expect(ok(await ctx.anon.get(url))).toMatchObject({ canReply: false, canReopen: true, canRate: true });
    ok(await ctx.anon.post(`${url}/rating`, { rating: 2, comment: '修得慢' }));
    const reopened = ok(await ctx.anon.post(`${url}/reopen`, { reason: '第二天又漏了' }));
    expect(reopened).toMatchObject({ status: 'in_progress', rating: null, canRate: false, canReply: true, canReopen: false });
    tk = ok(await ctx.admin.get(`/api/v1/tickets/${made.id}`));
    expect(tk).toMatchObject({ status: 'in_progress', reopenCount: 1, rating: null, resolvedAt: null, sla: { state: 'on_track' } });
    expect(tk.events.find((e: any) => e.kind === 'rated')).toMatchObject({ data: { rating: 2 } });
    expect(tk.events.find((e: any) => e.kind === 'reopened')).toMatchObject({ body: '第二天又漏了', actor: null, data: { count: 1, by: 'customer', previousRating: 2 } });

    // The next resolution asks for a new rating, which becomes the ticket's.
    ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId, solution: '重新焊接了管道', returnVisitDays: 0 }));
    expect(ok(await ctx.anon.get(url)).canRate).toBe(true);
    ok(await ctx.anon.post(`${url}/rating`, { rating: 4 }));
    expect(ok(await ctx.admin.get(`/api/v1/tickets/${made.id}`))).toMatchObject({ rating: 4, reopenCount: 1 });

    // More than 7 days after the resolution the follow page no longer reopens it.
    await ctx.database.db.execute(sql`update tickets set resolved_at = now() - interval '8 days' where id = ${made.id}`);
    expect(ok(await ctx.anon.get(url)).canReopen).toBe(false);
    const late = problemOf(await ctx.anon.post(`${url}/reopen`, { reason: '又漏了' }), 409);
    expect(late.errors).toEqual([{ field: 'reason', message: '工单解决已超过 7 天，不能在线重新打开，请致电客服' }]);
  });

  it('the follow page\'s messages are rate-limited per address: 429 problem JSON', async () => {
    const made = ok(await ctx.admin.post('/api/v1/tickets', { title: '刷留言', type: 'inquiry' }), 201);
    const url = `/api/v1/public/tickets/${made.publicUrl.split('/').pop()}/replies`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await ctx.anon.post(url, { body: `第 ${i} 条` })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses.at(-1)).toBe(429);
    expect(problemOf(await ctx.anon.post(url, { body: 'x' }), 429).code).toBe('rate_limited');
  });
}

/** The exact SLA filter of the queue, and the churn signal. */
function slaFilterAndChurn(): void {
  it('the SLA filter is exact: decided in SQL from the clocks, not from the newest 1,000 tickets', async () => {
    const breached = ok(await ctx.admin.post('/api/v1/tickets', { title: '超时的投诉', type: 'complaint' }), 201);
    const running = ok(await ctx.admin.post('/api/v1/tickets', { title: '刚来的投诉', type: 'complaint' }), 201);
    await ctx.database.db.execute(sql`update ticket_sla_clocks set first_response_due_at = now() - interval '1 hour' where ticket_id = ${breached.id}`);
    // 1,001 newer tickets without a clock in front of them.
    await ctx.database.db.execute(
      sql`insert into tickets (title, type, source, public_token, created_at) select 'bulk', 'inquiry', 'api', 'bulk-' || g, now() + interval '1 hour' from generate_series(1, 1001) g`,
    );
    try {
      const b = ok(await ctx.admin.get('/api/v1/tickets?sla=breached&limit=200'));
      expect(b.items.map((x: any) => x.id)).toContain(breached.id);
      expect(b.items.every((x: any) => x.sla.state === 'breached')).toBe(true);
      expect(b.total).toBe(b.items.length);
      const on = ok(await ctx.admin.get('/api/v1/tickets?sla=on_track&limit=200'));
      expect(on.items.map((x: any) => x.id)).toContain(running.id);
      expect(on.items.map((x: any) => x.id)).not.toContain(breached.id);
      expect(on.items.every((x: any) => x.sla.state === 'on_track')).toBe(true);
      // Paging: one at a time by the next cursor, the total is the whole count on every page.
      const first = ok(await ctx.admin.get('/api/v1/tickets?sla=on_track&limit=1'));
      expect(first).toMatchObject({ total: on.total, items: [{ id: on.items[0].id }] });
      const second = ok(await ctx.admin.get(`/api/v1/tickets?sla=on_track&limit=1&cursor=${first.nextCursor}`));
      expect(second).toMatchObject({ total: on.total, items: [{ id: on.items[1].id }] });
      expect(ok(await ctx.admin.get('/api/v1/tickets?sla=met&limit=200')).items.every((x: any) => x.sla.state === 'met')).toBe(true);
    } finally {
      await ctx.database.db.execute(sql`delete from tickets where title = 'bulk' and source = 'api'`);
    }
  });

  it('churn signal: complaints in 30 days, a low rating in 90 days, an open ticket past its SLA (exact reasons and points)', async () => {
    const end = new Date();
    const ago = (days: number) => new Date(end.getTime() - days * 86_400_000).toISOString();
    const a = await ctx.newCustomer({ name: '投诉多', phones: ['13900007001'] });
    const b = await ctx.newCustomer({ name: '评价低', phones: ['13900007002'] });
    const c = await ctx.newCustomer({ name: '超时', phones: ['13900007003'] });
    const d = await ctx.newCustomer({ name: '无事', phones: ['13900007004'] });
    const make = async (customerId: string, type: string, createdDaysAgo: number) => {
      const tk = ok(await ctx.admin.post('/api/v1/tickets', { title: `churn ${type}`, type, customerId }), 201);
      await ctx.database.db.execute(sql`update tickets set created_at = ${ago(createdDaysAgo)}::timestamptz where id = ${tk.id}`);
      return tk;
    };
    // The rating as the follow page records it (its event), dated by hand (the public rating route is rate-limited).
    const resolveAndRate = async (tk: any, rating: number, ratedDaysAgo: number) => {
      await ctx.database.db.execute(
        sql`insert into ticket_events (ticket_id, kind, data, created_at) values (${tk.id}, 'rated', ${JSON.stringify({ rating })}::jsonb, ${ago(ratedDaysAgo)}::timestamptz)`,
      );
    };
    // a: two complaints in the window; one 40 days ago, a repair, and one after `end` do not count.
    for (const [type, days] of [['complaint', 1], ['complaint', 20], ['complaint', 40], ['repair', 2], ['complaint', -1]] as const) {
      await resolveAndRate(await make(a.id, type, days), 5, 1);
    }
    // b: one complaint rated 2 stars 10 days ago (and a 5-star one).
    await resolveAndRate(await make(b.id, 'complaint', 12), 2, 10);
    await resolveAndRate(await make(b.id, 'repair', 50), 5, 40);
    // c: a 1-star rating 100 days ago (too old) and an open inquiry whose first response is overdue.
    await resolveAndRate(await make(c.id, 'inquiry', 120), 1, 100);
    const late = await make(c.id, 'inquiry', 3);
    await ctx.database.db.execute(sql`update ticket_sla_clocks set first_response_due_at = ${ago(1)}::timestamptz where ticket_id = ${late.id}`);

    const got = await ticketChurnSignal.evaluate(ctx.database.db, [a.id, b.id, c.id, d.id], { date: end.toISOString().slice(0, 10), end });
    expect(Object.fromEntries(got)).toEqual({
      [a.id]: [{ code: 'ticket_complaints', zh: '30 天内 2 次投诉', en: '2 complaints in 30 days', points: 25 }],
      [b.id]: [
        { code: 'ticket_low_rating', zh: '90 天内服务评价 2 星', en: 'Rated a ticket 2 stars in 90 days', points: 20 },
        { code: 'ticket_complaints', zh: '30 天内 1 次投诉', en: '1 complaint in 30 days', points: 15 },
      ],
      [c.id]: [{ code: 'ticket_breached', zh: `工单 #${late.number} 已超时未解决`, en: `Ticket #${late.number} is past its SLA`, points: 15 }],
    });
    // Asked for every customer at once (as the analytics run does): the same reasons for these four.
    const all = await ticketChurnSignal.evaluate(ctx.database.db, null, { date: end.toISOString().slice(0, 10), end });
    expect(Object.fromEntries([a.id, b.id, c.id, d.id].filter((id) => all.has(id)).map((id) => [id, all.get(id)]))).toEqual(Object.fromEntries(got));
    // As of 25 days earlier, a's complaint from 40 days ago is in the window and the one from yesterday is not.
    const earlier = new Date(end.getTime() - 25 * 86_400_000);
    const then = await ticketChurnSignal.evaluate(ctx.database.db, [a.id], { date: earlier.toISOString().slice(0, 10), end: earlier });
    expect(then.get(a.id)).toEqual([{ code: 'ticket_complaints', zh: '30 天内 1 次投诉', en: '1 complaint in 30 days', points: 15 }]);
    expect((await ticketChurnSignal.evaluate(ctx.database.db, [], { date: '2026-01-01', end })).size).toBe(0);

    // The analytics run takes the signal in: a's churn reasons on its 360 page name the complaints.
    const run = (await startRun(ctx.database.db, systemActor('cli'), { kind: 'cli' }))!;
    expect((await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind })).status).toBe('done');
    const view = (await ctx.admin.get(`/api/v1/customers/${a.id}/analytics`)).json() as { reasons: string[]; churnRisk: number };
    expect(view.reasons).toContain('30 天内 2 次投诉');
    expect(view.churnRisk).toBeGreaterThanOrEqual(25);
  });
}
