/**
 * Assignment rules and bulk changes of the feedback inbox, through HTTP: a category rule sends 漏水 to a team in turn
 * (round robin), a source + sentiment rule to one person, no rule → the customer's account manager; rules are edited
 * by administrators only, bad rules named by field. Bulk: assign, status and category on several items, each audited;
 * the same again changes nothing; items outside the caller's scope and unknown ids reported as not found (and left as
 * they were); a deleted item refused with its reason in the caller's language; bad input a problem+json naming the
 * field.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { FeedbackBulkResult, FeedbackItemView } from './feedback.contract.js';

const LEAK = ['暖气片接口漏水，地板都湿了', '楼上漏水把我家天花板泡了', '家里暖气片漏水了，地板都泡了'];
const PRAISE = '师傅上门很及时，态度特别好，非常感谢！';
const BILLING = '请问今年的供暖费从哪天开始可以交';

let ctx: TestContext;
let agent: Client;
let other: Client;
let fixerA: Client;
let fixerB: Client;
let supervisor: Client;
let mine: Record<string, any>;
let theirs: Record<string, any>;
let cats: { id: string; nameZh: string }[];
const cat = (name: string) => cats.find((c) => c.nameZh === name)!.id;

const record = async (text: string, customerId: string | null = null, as: Client = ctx.admin) =>
  ok<FeedbackItemView>(await as.post('/api/v1/feedback', { text, customerId }), 201);
const get = async (id: string, as: Client = ctx.admin) => ok<FeedbackItemView>(await as.get(`/api/v1/feedback/${id}`));
const bulk = async (body: unknown, as: Client = ctx.admin) => ok<FeedbackBulkResult>(await as.post('/api/v1/feedback/bulk', body));
const auditCount = async (action: string, ids: string[]) =>
  rowsOf<{ n: number }>(
    await ctx.database.db.execute(sql`select count(*)::int as n from audit_log where action = ${action} and entity_type = 'feedback' and entity_id = any(${`{${ids.join(',')}}`}::text[])`),
  )[0]!.n;

beforeAll(async () => {
  ctx = await createTestContext();
  const team = await ctx.newTeam('维修一班');
  fixerA = await ctx.newUser({ role: 'agent', teamId: team, username: 'fb_fixer_a' });
  fixerB = await ctx.newUser({ role: 'agent', teamId: team, username: 'fb_fixer_b' });
  supervisor = await ctx.newUser({ role: 'manager' });
  agent = await ctx.newUser({ role: 'agent' });
  other = await ctx.newUser({ role: 'agent' });
  mine = await ctx.newCustomer({ name: '规则客户', phones: ['13900004101'], ownerId: agent.userId, address: { compound: '幸福小区' } });
  theirs = await ctx.newCustomer({ name: '别人的客户', phones: ['13900004102'], ownerId: other.userId });
  cats = ok(await ctx.admin.get('/api/v1/feedback-categories')).items;
  ok(await ctx.admin.post('/api/v1/feedback-assignment-rules', { name: '漏水归维修一班', position: 10, categoryId: cat('漏水'), target: 'team_round_robin', teamId: team }), 201);
  ok(await ctx.admin.post('/api/v1/feedback-assignment-rules', { name: '表扬给主管', position: 20, source: 'agent', sentiment: 'pos', target: 'user', userId: supervisor.userId }), 201);
});
afterAll(() => ctx?.close());

describe('feedback assignment rules', () => {
  it('route each new item: 漏水 to the team in turn, praise to the supervisor, anything else to the account manager', async () => {
    const leaks = [];
    for (const text of LEAK) leaks.push(await record(text, mine.id));
    expect(leaks.map((x) => x.category?.nameZh)).toEqual(['漏水', '漏水', '漏水']);
    // Round robin walks the team's members in a stable order (their user names).
    expect(leaks.map((x) => x.owner?.id)).toEqual([fixerA.userId, fixerB.userId, fixerA.userId]);
    const praise = await record(PRAISE, mine.id);
    expect(praise.sentiment).toBe('pos');
    expect(praise.owner?.id).toBe(supervisor.userId);
    const billing = await record(BILLING, mine.id);
    expect(billing.owner?.id).toBe(agent.userId);
    // An item without a customer that no rule matches has no owner.
    expect((await record(BILLING)).owner).toBeNull();
    // The audit entry names the owner and the rule.
    const audit = rowsOf<{ changes: { ownerId: string; ruleId: string | null } }>(
      await ctx.database.db.execute(sql`select changes from audit_log where action = 'feedback_create' and entity_id = ${leaks[0]!.id}`),
    );
    expect(audit[0]!.changes.ownerId).toBe(fixerA.userId);
    expect(audit[0]!.changes.ruleId).toBeTruthy();
  });

  it('a rule passes over a target that cannot take the item; inactive rules are skipped; a compound rule', async () => {
    const rules = ok(await ctx.admin.get('/api/v1/feedback-assignment-rules')).items as { id: string; name: string; position: number }[];
    expect(rules.map((r) => r.name)).toEqual(['漏水归维修一班', '表扬给主管']);
    const byCompound = ok(await ctx.admin.post('/api/v1/feedback-assignment-rules', { name: '幸福小区归其他坐席', position: 5, compound: '幸福小区', target: 'user', userId: other.userId }), 201);
    expect((await record(BILLING, mine.id)).owner?.id).toBe(other.userId);
    expect((await record(BILLING, theirs.id)).owner?.id).toBe(other.userId); // theirs: no compound → its account manager (other)
    ok(await ctx.admin.patch(`/api/v1/feedback-assignment-rules/${byCompound.id}`, { active: false }));
    expect((await record(BILLING, mine.id)).owner?.id).toBe(agent.userId);
    expect((await ctx.admin.delete(`/api/v1/feedback-assignment-rules/${byCompound.id}`)).statusCode).toBe(204);
    problemOf(await ctx.admin.delete(`/api/v1/feedback-assignment-rules/${byCompound.id}`), 404);
  });

  it('are edited by administrators only; a bad rule is refused naming the field, in zh-CN and English', async () => {
    problemOf(await agent.post('/api/v1/feedback-assignment-rules', { name: '坐席的规则', target: 'owner' }), 403);
    expect(ok(await agent.get('/api/v1/feedback-assignment-rules')).items.length).toBe(2);
    const cases: [unknown, string, RegExp][] = [
      [{ name: '缺处理人', target: 'user' }, 'userId', /处理人/],
      [{ name: '缺班组', target: 'team_round_robin' }, 'teamId', /班组/],
      [{ name: '坏分类', target: 'owner', categoryId: '00000000-0000-4000-8000-00000000abcd' }, 'categoryId', /分类/],
      [{ name: '坏来源', target: 'owner', source: 'fax' }, 'source', /来源/],
      [{ name: '', target: 'owner' }, 'name', /规则名称/],
      [{ name: '坏目标', target: 'everyone' }, 'target', /分派给/],
    ];
    for (const [body, field, message] of cases) {
      const p = problemOf(await ctx.admin.post('/api/v1/feedback-assignment-rules', body), 400);
      const e = p.errors.find((x) => x.field === field);
      expect(e, `${JSON.stringify(body)} → ${JSON.stringify(p.errors)}`).toBeDefined();
      expect(e!.message).toMatch(message);
    }
    const en = problemOf(await ctx.admin.lang('en').post('/api/v1/feedback-assignment-rules', { name: 'x', target: 'user' }), 400);
    expect(en.errors[0]).toMatchObject({ field: 'userId', message: expect.stringMatching(/Assignee/) });
    expect(ok(await ctx.admin.get('/api/v1/feedback-assignment-rules')).items.length).toBe(2);
  });
});

describe('POST /feedback/bulk', () => {
  it('assigns, sets the status and the category of several items: each changed and audited; the same again changes nothing', async () => {
    const items = [await record('家里暖气不太热，才十六度', mine.id), await record('客服电话总是打不通', mine.id), await record('收费标准不清楚', mine.id)];
    const ids = items.map((x) => x.id);
    const r = await bulk({ action: 'assign', ids, ownerId: fixerB.userId });
    expect(r).toMatchObject({ action: 'assign', done: 3, unchanged: 0, refused: 0 });
    expect(r.items.map((x) => [x.id, x.number, x.outcome])).toEqual(items.map((x) => [x.id, x.number, 'done']));
    for (const x of items) expect(await get(x.id)).toMatchObject({ owner: { id: fixerB.userId }, version: x.version + 1 });
    expect(await auditCount('feedback_update', ids)).toBe(3);
    expect(await bulk({ action: 'assign', ids, ownerId: fixerB.userId })).toMatchObject({ done: 0, unchanged: 3 });
    expect(await auditCount('feedback_update', ids)).toBe(3);

    expect(await bulk({ action: 'status', ids, status: 'in_progress' })).toMatchObject({ done: 3 });
    expect(await bulk({ action: 'category', ids, categoryId: cat('服务态度') })).toMatchObject({ done: 3 });
    for (const x of items) expect(await get(x.id)).toMatchObject({ status: 'in_progress', category: { nameZh: '服务态度' }, categorySetBy: 'agent' });
    expect(await bulk({ action: 'assign', ids: [ids[0]], ownerId: null })).toMatchObject({ done: 1 });
    expect((await get(ids[0]!)).owner).toBeNull();
  });

  it("reports items outside the caller's scope and unknown ids as not found, a deleted item with its reason; changes nothing in them", async () => {
    const own = await record('楼道灯坏了', mine.id);
    const foreign = await record('楼道灯也坏了', theirs.id);
    const gone = await record('暖气阀门关不上', mine.id);
    expect((await ctx.admin.delete(`/api/v1/feedback/${gone.id}`)).statusCode).toBe(204);
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const r = await bulk({ action: 'status', ids: [foreign.id, own.id, missing, gone.id], status: 'closed' }, agent);
    expect(r).toMatchObject({ done: 1, refused: 3 });
    expect(r.items).toEqual([
      { id: foreign.id, number: null, outcome: 'refused', code: 'feedback.not_found', reason: '找不到该反馈' },
      { id: own.id, number: own.number, outcome: 'done', code: null, reason: null },
      { id: missing, number: null, outcome: 'refused', code: 'feedback.not_found', reason: '找不到该反馈' },
      { id: gone.id, number: gone.number, outcome: 'refused', code: 'feedback.deleted', reason: '该反馈已删除，请先恢复' },
    ]);
    expect(await get(foreign.id)).toMatchObject({ status: 'new', version: foreign.version });
    expect((await get(own.id, agent)).status).toBe('closed');
    const en = ok<FeedbackBulkResult>(await agent.lang('en').post('/api/v1/feedback/bulk', { action: 'status', ids: [foreign.id], status: 'closed' }));
    expect(en.items[0]!.reason).toBe('Feedback not found');
    // Without feedback:manage the whole request is refused.
    const viewer = await ctx.newUser({ role: 'marketer' });
    problemOf(await viewer.post('/api/v1/feedback/bulk', { action: 'status', ids: [own.id], status: 'new' }), 403);
  });

  it('answers bad input with problem+json naming the field, in the caller’s language, and writes nothing', async () => {
    const x = await record('热水器不出热水', mine.id);
    const cases: [unknown, string, RegExp][] = [
      [{ action: 'assign', ids: [] }, 'ids', /反馈/],
      [{ action: 'assign', ids: Array.from({ length: 501 }, () => x.id), ownerId: null }, 'ids', /反馈.*500/],
      [{ action: 'assign', ids: ['not-a-uuid'], ownerId: null }, 'ids.0', /反馈/],
      [{ action: 'assign', ids: [x.id] }, 'ownerId', /负责人/],
      [{ action: 'status', ids: [x.id], status: 'replied' }, 'status', /状态/],
      [{ action: 'category', ids: [x.id] }, 'categoryId', /分类/],
      [{ action: 'delete', ids: [x.id] }, 'action', /操作/],
      [{ action: 'assign', ids: [x.id], ownerId: '00000000-0000-4000-8000-00000000abcd' }, 'ownerId', /找不到该用户/],
      [{ action: 'category', ids: [x.id], categoryId: '00000000-0000-4000-8000-00000000abcd' }, 'categoryId', /找不到该分类/],
    ];
    for (const [body, field, message] of cases) {
      const p = problemOf(await ctx.admin.post('/api/v1/feedback/bulk', body), 400);
      const e = p.errors.find((y) => y.field === field);
      expect(e, `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(p.errors)}`).toBeDefined();
      expect(e!.message).toMatch(message);
    }
    const en = problemOf(await ctx.admin.lang('en').post('/api/v1/feedback/bulk', { action: 'assign', ids: [x.id] }), 400);
    expect(en.errors).toEqual([{ field: 'ownerId', message: expect.stringMatching(/Owner/) }]);
    expect((await get(x.id)).version).toBe(x.version);
  });
});
