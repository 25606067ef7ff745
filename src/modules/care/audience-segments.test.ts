/**
 * Care audiences by customer segment (客户细分, issue #14): a plan or rule whose audience names segments reaches only
 * their current members (with the other audience lists still narrowing); unknown or deleted segments are a 400 naming
 * `audience.segmentIds.N`, in both languages.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { addDays } from './festivals.js';

const shanghaiDay = (at: Date | string) => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const shanghai = (day: string, time: string) => new Date(`${day}T${time}+08:00`);

describe('care audiences by segment', () => {
  const today = shanghaiDay(new Date());
  const now = shanghai(today, '10:00:00');
  let ctx: TestContext;
  let listId: string;
  let otherListId: string;
  const cs: Record<string, Record<string, any>> = {};

  const taskCustomers = async (planId: string) =>
    rowsOf<{ customer_id: string }>(
      await ctx.database.db.execute(sql`select o.customer_id from care_occurrences o where o.source_id = ${planId} order by o.customer_id`),
    ).map((r) => r.customer_id);
  const birthday = `1990-${addDays(today, 1).slice(5) === '02-29' ? '02-28' : addDays(today, 1).slice(5)}`;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    for (const [i, name] of ['名单甲', '名单乙', '名单外丙', '名单外丁'].entries()) {
      cs[name] = await ctx.newCustomer({ name, phones: [`1370013700${i}`], birthday, tags: i === 1 ? ['VIP'] : [], ownerId: null });
    }
    listId = ok(await ctx.admin.post('/api/v1/segments', { name: '重点回访名单', kind: 'static' }), 201).id;
    otherListId = ok(await ctx.admin.post('/api/v1/segments', { name: '另一名单', kind: 'static' }), 201).id;
    expect(ok(await ctx.admin.post(`/api/v1/segments/${listId}/members`, { customerIds: [cs['名单甲']!.id, cs['名单乙']!.id] }))).toMatchObject({ added: 2 });
  });
  afterAll(() => ctx.close());

  it('a plan whose audience is a static list creates tasks only for the list’s members', async () => {
    const plan = ok(
      await ctx.admin.post('/api/v1/care/plans', { name: '名单回访', kind: 'interval', audience: { segmentIds: [listId] }, intervalDays: 30, taskTitle: '名单回访' }),
      201,
    );
    expect(plan.audience).toEqual({ segmentIds: [listId] });
    expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: plan.id }))).toMatchObject({ tasks: 2, errors: 0 });
    expect(await taskCustomers(plan.id)).toEqual([cs['名单甲']!.id, cs['名单乙']!.id].sort());

    // Any of several segments (OR), still narrowed by the other lists (AND).
    const vip = ok(
      await ctx.admin.post('/api/v1/care/plans', {
        name: 'VIP 名单回访',
        kind: 'interval',
        audience: { segmentIds: [otherListId, listId], tags: ['VIP'] },
        intervalDays: 30,
        taskTitle: 'VIP 名单回访',
      }),
      201,
    );
    expect(ok(await ctx.admin.post('/api/v1/care/run', { planId: vip.id }))).toMatchObject({ tasks: 1 });
    expect(await taskCustomers(vip.id)).toEqual([cs['名单乙']!.id]);
  });

  it('a rule preview with a segment audience counts only members; members removed from the list drop out', async () => {
    const body = { occasion: 'birthday', daysBefore: 0, actions: [{ taskTitle: '生日问候' }] };
    const everyone = ok(await ctx.admin.post('/api/v1/care/rules/preview', body));
    expect(everyone.items.map((i: { customerName: string }) => i.customerName).sort()).toEqual(['名单乙', '名单外丁', '名单外丙', '名单甲'].sort());
    const members = ok(await ctx.admin.post('/api/v1/care/rules/preview', { ...body, audience: { segmentIds: [listId] } }));
    expect(members.items.map((i: { customerName: string }) => i.customerName).sort()).toEqual(['名单乙', '名单甲'].sort());
    expect(members.items[0].sendDate).toBe(addDays(today, 1));
    ok(await ctx.admin.post(`/api/v1/segments/${listId}/members/remove`, { customerIds: [cs['名单甲']!.id] }));
    const after = ok(await ctx.admin.post('/api/v1/care/rules/preview', { ...body, audience: { segmentIds: [listId] } }));
    expect(after.items.map((i: { customerName: string }) => i.customerName)).toEqual(['名单乙']);
    const empty = ok(await ctx.admin.post('/api/v1/care/rules/preview', { ...body, audience: { segmentIds: [otherListId] } }));
    expect(empty.items).toEqual([]);
  });

  it('an unknown or deleted segment is a 400 naming audience.segmentIds.N, in zh-CN and English', async () => {
    const unknown = '00000000-0000-4000-8000-0000000000ab';
    const rule = { name: '名单生日', occasion: 'birthday', actions: [{ taskTitle: '生日问候' }] };
    const zh = ok(await ctx.admin.post('/api/v1/care/rules', { ...rule, audience: { segmentIds: [listId, unknown] } }), 400);
    expect(zh.errors).toEqual([expect.objectContaining({ field: 'audience.segmentIds.1', message: '找不到该客户细分，或该细分已删除' })]);
    const en = ok(await ctx.admin.lang('en').post('/api/v1/care/rules', { ...rule, audience: { segmentIds: [unknown] } }), 400);
    expect(en.errors).toEqual([expect.objectContaining({ field: 'audience.segmentIds.0', message: 'Customer segment not found or deleted' })]);
    const malformed = ok(await ctx.admin.post('/api/v1/care/plans', { name: 'x', kind: 'interval', intervalDays: 3, taskTitle: 'x', audience: { segmentIds: ['north'] } }), 400);
    expect(malformed.errors[0].field).toBe('audience.segmentIds.0');

    // A segment moved to the trash no longer validates, on create and update of plans and rules and in the preview.
    expect((await ctx.admin.delete(`/api/v1/segments/${otherListId}`)).statusCode).toBe(204);
    const plan = ok(await ctx.admin.post('/api/v1/care/plans', { name: '名单回访二', kind: 'interval', intervalDays: 30, taskTitle: 'x', audience: { segmentIds: [listId] } }), 201);
    const planBad = ok(await ctx.admin.lang('en').patch(`/api/v1/care/plans/${plan.id}`, { audience: { segmentIds: [otherListId] } }), 400);
    expect(planBad.errors).toEqual([expect.objectContaining({ field: 'audience.segmentIds.0', message: 'Customer segment not found or deleted' })]);
    const createdRule = ok(await ctx.admin.post('/api/v1/care/rules', { ...rule, audience: { segmentIds: [listId] } }), 201);
    expect(createdRule.audience).toEqual({ segmentIds: [listId] });
    const ruleBad = ok(await ctx.admin.patch(`/api/v1/care/rules/${createdRule.id}`, { audience: { tags: ['VIP'], segmentIds: [listId, otherListId] } }), 400);
    expect(ruleBad.errors).toEqual([expect.objectContaining({ field: 'audience.segmentIds.1', message: '找不到该客户细分，或该细分已删除' })]);
    const previewBad = ok(await ctx.admin.post('/api/v1/care/rules/preview', { ...rule, audience: { segmentIds: [otherListId] } }), 400);
    expect(previewBad.errors[0].field).toBe('audience.segmentIds.0');
  });
});
