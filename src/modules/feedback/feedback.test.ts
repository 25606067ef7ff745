/**
 * The feedback inbox through HTTP: a household's message from the public endpoint matched to its customer by phone
 * (negative, 漏水 applied by the analysis), the agent's category correction, the reply through the outbox, the ticket
 * made from it (once), both on the customer's timeline; data scope; the inbox's filters and pages; bad input in
 * zh-CN and English naming the field; the version check; soft delete and restore; replies that cannot be sent; the
 * category tree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { feedbackChurnSignal, feedbackLearningInput } from './churn.js';
import { AUTO_CATEGORY_CONFIDENCE, type FeedbackItemView } from './feedback.contract.js';

const LEAK = '家里暖气片漏水了，地板都泡了，太气人了';

let ctx: TestContext;
let agent: Client;
let otherAgent: Client;
let manager: Client;
let marketer: Client;
let customer: Record<string, any>;
let categories: { id: string; nameZh: string; parentId: string | null; archived: boolean }[];
const cat = (name: string) => categories.find((c) => c.nameZh === name)!.id;

let ipSeq = 0;
/** The public endpoint from its own client address (each call its own rate-limit counter). */
/** Friday 2026-11-20, 16:00 in Shanghai: a handling deadline over a weekend. */
let now = new Date('2026-11-20T16:00:00+08:00');
const submit = (body: Record<string, unknown>, lang = 'zh-CN') =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/public/feedback', payload: body, headers: { 'content-type': 'application/json', 'accept-language': lang }, remoteAddress: `10.77.0.${++ipSeq}` });

/** The item with this number, as `as` sees it in the inbox. */
async function byNumber(as: Client, number: number, query = ''): Promise<FeedbackItemView | undefined> {
  const page = ok<{ items: FeedbackItemView[] }>(await as.get(`/api/v1/feedback?limit=200${query}`));
  return page.items.find((i) => i.number === number);
}

describe('feedback', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agent = await ctx.newUser({ role: 'agent' });
    otherAgent = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    marketer = await ctx.newUser({ role: 'marketer' });
    customer = await ctx.newCustomer({ name: '张秀兰', phones: ['13900002001'], consent: { sms: true }, ownerId: agent.userId });
    categories = ok(await agent.get('/api/v1/feedback-categories')).items;
  });
  afterAll(() => ctx.close());

  it('the heating template ships its seven categories, each with seed words', () => {
    expect(categories.map((c) => c.nameZh)).toEqual(['室温不达标', '漏水', '缴费问题', '服务态度', '维修效率', '噪音异响', '其他']);
    expect(categories.every((c) => !c.parentId && !c.archived)).toBe(true);
  });

  it('public submit → matched customer, negative, 漏水 applied → agent corrects, replies (outbox) → ticket (once) → timeline', async () => {
    const made = ok(await submit({ text: LEAK, phone: '139 0000 2001', name: '张阿姨' }), 201);
    const item = (await byNumber(agent, made.number))!;
    expect(item).toMatchObject({ source: 'public_page', customer: { id: customer.id, name: '张秀兰' }, contactName: '张阿姨', contactPhone: '139****2001', sentiment: 'neg', status: 'new' });
    expect(item.suggestedCategory!.nameZh).toBe('漏水');
    expect(item.categoryConfidence!).toBeGreaterThanOrEqual(AUTO_CATEGORY_CONFIDENCE);
    expect(item).toMatchObject({ category: { nameZh: '漏水' }, categorySetBy: 'auto', owner: { id: agent.userId } });
    expect(item.keywords).toContain('漏水');
    expect(item.sentimentDrivers.length).toBeGreaterThan(0);
    // Two working days on the business calendar: Friday 16:00 + 18 working hours (1.5 on Friday, 9 on Monday, 7.5 on
    // Tuesday, 08:30–17:30) → Tuesday 16:00, Shanghai.
    expect(item.createdAt).toBe(now.toISOString());
    expect(item.dueAt).toBe(new Date('2026-11-24T16:00:00+08:00').toISOString());

    // The agent files it under 维修效率 instead, and corrects the sentiment to neutral (kept for retraining).
    const corrected = ok(await agent.patch(`/api/v1/feedback/${item.id}`, { categoryId: cat('维修效率'), sentiment: 'neu', status: 'in_progress', version: item.version }));
    expect(corrected).toMatchObject({ category: { nameZh: '维修效率' }, categorySetBy: 'agent', suggestedCategory: { nameZh: '漏水' }, sentiment: 'neg', sentimentCorrected: 'neu', status: 'in_progress', version: item.version + 1 });
    const back = ok(await agent.patch(`/api/v1/feedback/${item.id}`, { sentiment: null, version: corrected.version }));
    expect(back.sentimentCorrected).toBeNull();

    // The reply reaches the customer through the outbox (SMS: consented).
    const text = '已安排师傅今天下午上门维修，给您添麻烦了。';
    const replied = ok(await agent.post(`/api/v1/feedback/${item.id}/reply`, { body: text }));
    expect(replied).toMatchObject({ status: 'replied', replyText: text });
    expect(replied.replyMessageId).toBeTruthy();
    const messages = ok(await agent.get(`/api/v1/customers/${customer.id}/messages`)).items;
    expect(messages[0]).toMatchObject({ id: replied.replyMessageId, channel: 'sms', customerId: customer.id });
    expect(messages[0].body).toContain(text);

    // One click: a ticket (complaint: the sentiment is negative) that links back; a second click is refused.
    const linked = ok(await agent.post(`/api/v1/feedback/${item.id}/ticket`), 201);
    expect(linked.ticketId).toBeTruthy();
    const ticket = ok(await agent.get(`/api/v1/tickets/${linked.ticketId}`));
    expect(ticket).toMatchObject({ type: 'complaint', description: LEAK });
    expect(ticket.customer?.id ?? ticket.customerId).toBe(customer.id);
    expect(problemOf(await agent.post(`/api/v1/feedback/${item.id}/ticket`), 409).detail).toBe('这条反馈已转为工单');
    expect(ok(await agent.get(`/api/v1/feedback/${item.id}`)).ticketId).toBe(linked.ticketId);

    // The customer's timeline shows the feedback and the reply.
    const timeline = ok(await agent.get(`/api/v1/customers/${customer.id}/timeline`)).items as { kind: string; id: string; title: string; summary: string }[];
    const fb = timeline.find((e) => e.kind === 'feedback' && e.id === item.id)!;
    expect(fb.title).toBe(`客户反馈 #${item.number}`);
    expect(fb.summary).toContain('漏水');
    expect(timeline.find((e) => e.kind === 'feedback_reply' && e.id === item.id)!.summary).toBe(text);
    const en = ok(await agent.lang('en').get(`/api/v1/customers/${customer.id}/timeline?kind=feedback_reply`)).items;
    expect(en[0].title).toBe(`Replied to feedback #${item.number}`);
  });

  it("data scope: another own-scope agent neither lists nor opens the customer's item (404) and cannot change it", async () => {
    const made = ok(await submit({ text: '暖气一点也不热，家里才十四度', phone: '13900002001' }), 201);
    const item = (await byNumber(agent, made.number))!;
    expect(await byNumber(otherAgent, made.number)).toBeUndefined();
    problemOf(await otherAgent.get(`/api/v1/feedback/${item.id}`), 404);
    problemOf(await otherAgent.patch(`/api/v1/feedback/${item.id}`, { status: 'closed', version: item.version }), 404);
    problemOf(await otherAgent.post(`/api/v1/feedback/${item.id}/reply`, { body: '你好' }), 404);
    problemOf(await otherAgent.post(`/api/v1/feedback/${item.id}/ticket`), 404);
    problemOf(await otherAgent.delete(`/api/v1/feedback/${item.id}`), 404);
    expect(ok(await agent.get(`/api/v1/feedback/${item.id}`)).version).toBe(item.version);
    // A marketer (read, scope all) sees it but may not change it; the anonymous items only reach feedback:manage.
    expect((await byNumber(marketer, made.number))!.id).toBe(item.id);
    problemOf(await marketer.patch(`/api/v1/feedback/${item.id}`, { status: 'closed', version: item.version }), 403);
    const anon = ok(await submit({ text: '小区门口的路灯坏了好几天了' }), 201);
    expect(await byNumber(marketer, anon.number)).toBeUndefined();
    expect((await byNumber(otherAgent, anon.number))!.customer).toBeNull();
    expect((await byNumber(manager, anon.number))!.customer).toBeNull();
  });

  it('an agent records feedback: explicit category (set by agent), a customer outside their scope is refused', async () => {
    const mine = ok(await agent.post('/api/v1/feedback', { text: '营业厅的工作人员很耐心，谢谢', customerId: customer.id, categoryId: cat('服务态度') }), 201);
    expect(mine).toMatchObject({ source: 'agent', sentiment: 'pos', category: { nameZh: '服务态度' }, categorySetBy: 'agent', customer: { id: customer.id } });
    const p = problemOf(await otherAgent.post('/api/v1/feedback', { text: '营业厅的工作人员很耐心', customerId: customer.id }), 400);
    expect(p.errors[0]!.field).toBe('customerId');
  });

  it('bad input is refused in zh-CN and English, naming the field, and writes nothing', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    const zh = problemOf(await agent.post('/api/v1/feedback', { text: '好' }), 400);
    expect(zh.errors).toEqual([{ field: 'text', message: '「反馈内容」至少 2 个字符' }]);
    const en = problemOf(await agent.lang('en').post('/api/v1/feedback', { text: 'x'.repeat(2001) }), 400);
    expect(en.errors).toEqual([{ field: 'text', message: '"Feedback" must be at most 2000 characters' }]);
    expect(problemOf(await agent.post('/api/v1/feedback', { text: '暖气不热', contactPhone: '12345' }), 400).errors[0]!.field).toBe('contactPhone');
    expect(problemOf(await agent.post('/api/v1/feedback', { text: '暖气不热', categoryId: customer.id }), 400).errors[0]).toEqual({ field: 'categoryId', message: '找不到该分类，或已停用' });
    expect(problemOf(await agent.post('/api/v1/feedback', { text: '暖气不热', colour: 'red' }), 400).errors[0]!.field).toBe('colour');
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);

    const item = ok(await agent.post('/api/v1/feedback', { text: '家里暖气不热', customerId: customer.id }), 201);
    expect(problemOf(await agent.patch(`/api/v1/feedback/${item.id}`, { status: 'closed' }), 400).errors).toEqual([{ field: 'version', message: '「版本」为必填项' }]);
    const status = problemOf(await agent.lang('en').patch(`/api/v1/feedback/${item.id}`, { status: 'replied', version: item.version }), 400);
    expect(status.errors[0]!.field).toBe('status');
    expect(status.errors[0]!.message).toContain('Status');
    expect(problemOf(await agent.patch(`/api/v1/feedback/${item.id}`, { ownerId: customer.id, version: item.version }), 400).errors[0]).toEqual({ field: 'ownerId', message: '找不到该用户，或已停用' });
    expect(problemOf(await agent.get('/api/v1/feedback?sentiment=angry'), 400).errors[0]!.field).toBe('sentiment');
    expect(problemOf(await agent.get('/api/v1/feedback?cursor=nonsense'), 400).errors[0]!.field).toBe('cursor');
    expect(ok(await agent.get(`/api/v1/feedback/${item.id}`)).version).toBe(item.version);
  });

  it('a stale version is 409 and changes nothing', async () => {
    const item = ok(await agent.post('/api/v1/feedback', { text: '缴费系统总是提示失败', customerId: customer.id }), 201);
    ok(await agent.patch(`/api/v1/feedback/${item.id}`, { status: 'in_progress', version: item.version }));
    const p = problemOf(await manager.patch(`/api/v1/feedback/${item.id}`, { status: 'closed', version: item.version }), 409);
    expect(p.detail).toBe(`该反馈已被他人修改（当前版本 ${item.version + 1}，你提交的是 ${item.version}），请刷新后重试`);
    expect(ok(await agent.get(`/api/v1/feedback/${item.id}`))).toMatchObject({ status: 'in_progress', version: item.version + 1 });
  });

  it('soft delete and restore', async () => {
    const item = ok(await agent.post('/api/v1/feedback', { text: '楼上装修噪音太大了', customerId: customer.id }), 201);
    expect((await agent.delete(`/api/v1/feedback/${item.id}`)).statusCode).toBe(204);
    expect(await byNumber(agent, item.number)).toBeUndefined();
    expect((await byNumber(agent, item.number, '&deleted=only'))!.deletedAt).toBeTruthy();
    expect(problemOf(await agent.patch(`/api/v1/feedback/${item.id}`, { status: 'closed', version: item.version + 1 }), 409).detail).toBe('该反馈已删除，请先恢复');
    const timeline = ok(await agent.get(`/api/v1/customers/${customer.id}/timeline?kind=feedback`)).items as { id: string }[];
    expect(timeline.some((e) => e.id === item.id)).toBe(false);
    const restored = ok(await agent.post(`/api/v1/feedback/${item.id}/restore`));
    expect(restored.deletedAt).toBeNull();
    expect((await byNumber(agent, item.number))!.id).toBe(item.id);
    expect(problemOf(await agent.post(`/api/v1/feedback/${item.id}/restore`), 409).detail).toBe('该反馈未被删除，无需恢复');
  });

  it('a reply needs a customer and a channel they agreed to: 409 otherwise, nothing sent', async () => {
    const messagesBefore = await countRows(ctx.database, 'messages');
    const anon = ok(await submit({ text: '热线电话一直打不通' }), 201);
    const anonItem = (await byNumber(agent, anon.number))!;
    expect(problemOf(await agent.post(`/api/v1/feedback/${anonItem.id}/reply`, { body: '您好' }), 409).detail).toContain('没有关联客户');
    const silent = await ctx.newCustomer({ name: '李国强', phones: ['13900002002'], ownerId: agent.userId });
    const item = ok(await agent.post('/api/v1/feedback', { text: '暖气费怎么比去年贵了', customerId: silent.id }), 201);
    const p = problemOf(await agent.lang('en').post(`/api/v1/feedback/${item.id}/reply`, { body: 'Hello' }), 409);
    expect(p.detail).toContain('no channel');
    expect(problemOf(await agent.post(`/api/v1/feedback/${item.id}/reply`, { body: '' }), 400).errors[0]!.field).toBe('body');
    expect(await countRows(ctx.database, 'messages')).toBe(messagesBefore);
    expect(ok(await agent.get(`/api/v1/feedback/${item.id}`))).toMatchObject({ status: 'new', replyText: null });
    // Email when that is what they agreed to.
    const mailer = await ctx.newCustomer({ name: '王红', email: 'wang.hong@example.com', consent: { email: true }, ownerId: agent.userId });
    const mailed = ok(await agent.post('/api/v1/feedback', { text: '发票什么时候能开', customerId: mailer.id }), 201);
    const sent = ok(await agent.post(`/api/v1/feedback/${mailed.id}/reply`, { body: '发票已寄出，请查收。' }));
    expect(ok(await agent.get(`/api/v1/messages/${sent.replyMessageId}`)).channel).toBe('email');
  });

  it('the inbox filters (status, category, sentiment with corrections, owner, customer, text, days) and keyset pages', async () => {
    const other = await ctx.newCustomer({ name: '赵建华', phones: ['13900002003'], ownerId: agent.userId });
    const record = async (text: string) => {
      now = new Date(now.getTime() + 60_000); // one a minute: the inbox lists the newest first
      return ok(await agent.post('/api/v1/feedback', { text, customerId: other.id }), 201);
    };
    const a = await record('散热器有异响，晚上睡不着');
    const b = await record('师傅态度非常好，修得也快');
    const c = await record('客服电话的等待时间太长了');
    ok(await agent.patch(`/api/v1/feedback/${c.id}`, { sentiment: 'pos', version: c.version }));
    const ids = async (query: string) => (ok(await agent.get(`/api/v1/feedback?customerId=${other.id}&${query}`)).items as FeedbackItemView[]).map((i) => i.id);
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('q=异响')).toEqual([a.id]);
    expect(await ids('sentiment=pos')).toEqual([c.id, b.id]);
    expect(await ids(`ownerId=${agent.userId}`)).toEqual([c.id, b.id, a.id]);
    expect(await ids(`ownerId=${manager.userId}`)).toEqual([]);
    expect(await ids('status=new')).toEqual([c.id, b.id, a.id]);
    if (a.category) expect(await ids(`categoryId=${a.category.id}`)).toContain(a.id);
    expect(await ids('from=2000-01-01&to=2000-01-02')).toEqual([]);
    expect(await ids('from=2026-11-20&to=2026-11-20')).toEqual([c.id, b.id, a.id]);
    expect(await ids('from=2026-11-21&to=2026-12-31')).toEqual([]);
    expect(problemOf(await agent.get('/api/v1/feedback?from=2026-02-01&to=2026-01-01'), 400).errors[0]!.field).toBe('to');
    const first = ok(await agent.get(`/api/v1/feedback?customerId=${other.id}&limit=2`));
    expect(first.items.map((i: FeedbackItemView) => i.id)).toEqual([c.id, b.id]);
    const second = ok(await agent.get(`/api/v1/feedback?customerId=${other.id}&limit=2&cursor=${first.nextCursor}`));
    expect(second).toEqual({ items: [expect.objectContaining({ id: a.id })], nextCursor: null });
  });

  it('categories: create (feedback:manage), seed words steer the suggestion, rename, a loop is refused, archive', async () => {
    problemOf(await marketer.post('/api/v1/feedback-categories', { nameZh: '热计量' }), 403);
    const parent = ok(await manager.post('/api/v1/feedback-categories', { nameZh: '热计量', nameEn: 'Heat metering', seedWords: ['热量表', '计量表', '热表'] }), 201);
    const child = ok(await manager.post('/api/v1/feedback-categories', { nameZh: '热表读数', parentId: parent.id, seedWords: ['读数'] }), 201);
    expect(child).toMatchObject({ parentId: parent.id, nameEn: '热表读数', archived: false });
    expect(problemOf(await manager.post('/api/v1/feedback-categories', { nameZh: '热计量' }), 400).errors[0]!.field).toBe('nameZh');
    const item = ok(await agent.post('/api/v1/feedback', { text: '我家的热量表好像坏了，计量表不走字', customerId: customer.id }), 201);
    expect(item.suggestedCategory?.nameZh).toBe('热计量');
    expect(problemOf(await manager.patch(`/api/v1/feedback-categories/${parent.id}`, { parentId: child.id }), 400).errors[0]).toEqual({ field: 'parentId', message: '不能把分类移到它自己或它的下级分类之下' });
    expect(ok(await manager.patch(`/api/v1/feedback-categories/${parent.id}`, { nameZh: '热计量表' })).nameZh).toBe('热计量表');
    expect(ok(await manager.patch(`/api/v1/feedback-categories/${child.id}`, { archived: true })).archived).toBe(true);
    expect(problemOf(await agent.post('/api/v1/feedback', { text: '热表读数不对', categoryId: child.id }), 400).errors[0]!.field).toBe('categoryId');
    expect(ok(await agent.get('/api/v1/feedback-categories')).items.find((c: { id: string }) => c.id === child.id).archived).toBe(true);
  });

  it('a ticket rating with a comment lands in the inbox, linked to its ticket; one without a comment does not', async () => {
    const rootCauseId = ok(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0].id;
    const rated = async (comment?: string) => {
      const tk = ok(await ctx.admin.post('/api/v1/tickets', { title: '暖气不热', type: 'repair', customerId: customer.id }), 201);
      const done = ok(await ctx.admin.post(`/api/v1/tickets/${tk.id}/resolve`, { rootCauseId, solution: '排气后恢复', returnVisitDays: 0 }));
      const token = String(done.publicUrl).split('/').pop();
      ok(await ctx.anon.post(`/api/v1/public/tickets/${token}/rating`, { rating: 2, ...(comment ? { comment } : {}) }));
      return tk.id as string;
    };
    const before = await countRows(ctx.database, 'feedback_items');
    const withComment = await rated('修了三次才好，太慢了');
    const items = ok<{ items: FeedbackItemView[] }>(await agent.get(`/api/v1/feedback?customerId=${customer.id}&limit=200`)).items;
    const item = items.find((i) => i.source === 'rating')!;
    expect(item).toMatchObject({ sourceRef: `ticket:${withComment}`, text: '修了三次才好，太慢了', customer: { id: customer.id }, sentiment: 'neg', createdAt: now.toISOString() });
    await rated();
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before + 1);
  });

  it('an interaction marked as feedback lands in the inbox with its words, the agent as its recorder; an unmarked one does not', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    const said = '客户说楼道暖气管一直有异响，晚上睡不好';
    const marked = ok(await agent.post(`/api/v1/customers/${customer.id}/interactions`, { summary: '回访：反映异响', content: said, asFeedback: true }), 201);
    ok(await agent.post(`/api/v1/customers/${customer.id}/interactions`, { summary: '例行回访，无问题' }), 201);
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before + 1);
    const items = ok<{ items: FeedbackItemView[] }>(await agent.get(`/api/v1/feedback?customerId=${customer.id}&limit=200`)).items;
    expect(items.find((i) => i.source === 'interaction')).toMatchObject({ sourceRef: `interaction:${marked.id}`, text: said, customer: { id: customer.id }, sentiment: 'neg' });
  });

  it('tells the analytics run: negative feedback of 30 days as a churn reason, a year of feedback as the learning input', async () => {
    const c = await ctx.newCustomer({ name: '钱学森', phones: ['13900002099'], ownerId: agent.userId });
    const post = async (text: string) => ok<FeedbackItemView>(await agent.post('/api/v1/feedback', { text, customerId: c.id }), 201);
    const saved = now;
    now = new Date(saved.getTime() - 40 * 86_400_000); // 40 days ago: too old for churn, still in the year
    const old = await post('暖气不热，屋里太冷了，很生气');
    now = saved;
    const a = await post('家里暖气片漏水了，地板都泡了，太气人了');
    const b = await post('维修师傅态度很差，问题也没解决');
    const praised = await post('师傅很专业，暖气很热，非常满意');
    const corrected = await post('暖气一点也不热，冻得慌');
    const gone = await post('客服电话一直打不通，太差劲了');
    expect([old, a, b, corrected, gone].map((i) => i.sentiment)).toEqual(['neg', 'neg', 'neg', 'neg', 'neg']);
    expect(praised.sentiment).toBe('pos');
    ok(await agent.patch(`/api/v1/feedback/${corrected.id}`, { sentiment: 'neu', version: corrected.version }));
    expect((await agent.delete(`/api/v1/feedback/${gone.id}`)).statusCode).toBe(204);
    const asOf = { date: '2026-11-20', end: new Date(now.getTime() + 1000) };
    // a and b: two negatives in 30 days (the old one is 40 days back; the corrected one is neutral; the deleted one is gone).
    const reasons = await feedbackChurnSignal.evaluate(ctx.database.db, [c.id as string], asOf);
    expect(reasons.get(c.id as string)).toEqual([{ code: 'feedback_negative', zh: '30 天内 2 条负面反馈', en: '2 negative feedback items in 30 days', points: 20 }]);
    // Learning: every live item of the year, whatever its tone — old, a, b, praised, corrected.
    expect((await feedbackLearningInput.load(ctx.database.db, asOf)).get(c.id as string)).toBe(5);
    // The analytics settings offer it as a scorecard input.
    const inputs = ok<{ items: { key: string; kind: string }[] }>(await manager.get('/api/v1/analytics/scorecard-inputs')).items;
    expect(inputs).toContainEqual(expect.objectContaining({ key: 'feedback.given', kind: 'learning' }));
  });
});
