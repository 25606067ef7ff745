/**
 * Bulk enqueueing (a campaign launch): the rules of sendMessage applied set-based with exact counts per rule, the
 * same rows sendMessage writes (compared on a twin set of customers), no second write for a slice run again, the
 * `coupon` variable per customer, delivery by the sweep, the counts and the `sentTo` fact of a source; and a timing
 * measure of 20,000 customers in slices of 2,000.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { enqueueBulk, kickSweep, messageCountsBySource, messageFacts, MessageDelivery, type BulkResult, type MessagingRuntime } from './index.js';

type Row = { customer_id: string; status: string; reason: string | null; next_attempt_at: Date | string | null; body: string; locale: string; recipient: string; source_kind: string | null };

describe('bulk enqueueing', () => {
  // Thursday 2026-01-15, 22:00 in Shanghai: SMS quiet hours (21:00–08:00, the default) are on.
  let now = new Date('2026-01-15T14:00:00Z');
  const clock = () => now;
  const at = (shanghai: string) => (now = new Date(`${shanghai}+08:00`));
  let ctx: TestContext;
  let drains = 0;
  const rt: MessagingRuntime = { now: clock, kick: async () => {}, log: () => {}, fallbackUrl: 'http://localhost:3000', drain: () => void drains++ };
  let delivery: MessageDelivery;
  let plain: string; // a marketing SMS template without the coupon
  let coupon: string;

  const bulk = (input: { sourceId: string; templateId: string; customerIds: string[]; variables?: Map<string, { coupon: string }> }): Promise<BulkResult> =>
    ctx.database.db.transaction((tx) => enqueueBulk(tx, { sourceKind: 'campaign', createdBy: ctx.admin.userId, now: clock(), ...input }, rt));
  const rowsOfSource = async (sourceId: string): Promise<Row[]> =>
    rowsOf<Row>(await ctx.database.db.execute(sql`select * from messages where source_id = ${sourceId}::uuid order by created_at, id`));

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    delivery = new MessageDelivery(ctx.database.db, rt);
    plain = ok<{ id: string }>(
      await ctx.admin.post('/api/v1/message-templates', { name: '冬季优惠', channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，冬季优惠开始了', bodyEn: 'Dear {{name}}, winter offers are on' }),
      201,
    ).id;
    coupon = ok<{ id: string }>(
      await ctx.admin.post('/api/v1/message-templates', { name: '优惠券', channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，您的优惠券：{{coupon}}', bodyEn: 'Dear {{name}}, your coupon: {{coupon}}' }),
      201,
    ).id;
  });
  afterAll(async () => {
    await ctx.close();
  });

  /** One customer of each kind; `capped` already has the weekly cap's 3 marketing messages waiting. */
  async function kinds(tag: string) {
    const n = tag === 'a' ? 1 : 2;
    const made = {
      ok: await ctx.newCustomer({ name: '周一', phones: [`1380013${n}001`], consent: { sms: true } }),
      noConsent: await ctx.newCustomer({ name: '周二', phones: [`1380013${n}002`], consent: { email: true } }),
      capped: await ctx.newCustomer({ name: '周三', phones: [`1380013${n}003`], consent: { sms: true } }),
      noPhone: await ctx.newCustomer({ name: '周四', email: `zhou${n}@example.com`, consent: { sms: true, email: true } }),
      english: await ctx.newCustomer({ name: 'Zhou Five', phones: [`1380013${n}005`], preferences: { language: 'en' }, consent: { sms: true } }),
      deleted: await ctx.newCustomer({ name: '周六', phones: [`1380013${n}006`], consent: { sms: true } }),
    };
    for (let i = 0; i < 3; i++) ok(await ctx.admin.post(`/api/v1/customers/${made.capped.id}/messages`, { channel: 'sms', category: 'marketing', body: `第${i}条` }), 201);
    expect((await ctx.admin.delete(`/api/v1/customers/${made.deleted.id}`, { version: made.deleted.version })).statusCode).toBe(204);
    return made;
  }

  const source = randomUUID();
  let ids: string[] = [];

  it('applies consent, the weekly cap and quiet hours as sendMessage does, with exact counts per rule', async () => {
    at('2026-01-15T22:00:00');
    const a = await kinds('a');
    const b = await kinds('b');
    ids = Object.values(a).map((c) => c.id as string);
    const unknown = randomUUID();
    const result = await bulk({ sourceId: source, templateId: plain, customerIds: [...ids, ids[0]!, unknown] });
    expect(result).toEqual({ queued: 2, quietHours: 2, suppressed: { no_consent: 1, frequency_cap: 1 }, noRecipient: 1, existing: 0, deleted: 2 });

    const rows = await rowsOfSource(source);
    expect(rows).toHaveLength(4);
    const of = (id: string) => rows.find((r) => r.customer_id === id)!;
    expect(of(a.ok.id)).toMatchObject({ status: 'queued', reason: 'quiet_hours', body: '周一您好，冬季优惠开始了 回TD退订', source_kind: 'campaign', recipient: '+8613800131001' });
    expect(new Date(of(a.ok.id).next_attempt_at!).toISOString()).toBe('2026-01-16T00:00:00.000Z');
    expect(of(a.english.id)).toMatchObject({ status: 'queued', reason: 'quiet_hours', locale: 'en' });
    expect(of(a.noConsent.id)).toMatchObject({ status: 'suppressed', reason: 'no_consent', next_attempt_at: null });
    expect(of(a.capped.id)).toMatchObject({ status: 'suppressed', reason: 'frequency_cap', next_attempt_at: null });

    // The twins, one by one through sendMessage (HTTP): the same outcome and text for each kind.
    for (const kind of Object.keys(a) as (keyof typeof a)[]) {
      const res = await ctx.admin.post(`/api/v1/customers/${b[kind].id}/messages`, { templateId: plain });
      const mine = rows.find((r) => r.customer_id === a[kind].id);
      if (kind === 'noPhone') {
        expect(res.statusCode).toBe(400);
        expect(mine).toBeUndefined();
      } else if (kind === 'deleted') {
        expect(res.statusCode).toBe(404);
        expect(mine).toBeUndefined();
      } else {
        const single = ok<Record<string, any>>(res, 201);
        expect({ status: mine!.status, reason: mine!.reason, body: mine!.body, locale: mine!.locale }).toEqual({
          status: single.status,
          reason: single.reason,
          body: single.body,
          locale: single.locale,
        });
        expect(mine!.next_attempt_at ? new Date(mine!.next_attempt_at).toISOString() : null).toBe(single.nextAttemptAt);
      }
    }
  });

  it('writes nothing for a slice run again: every written message counts as existing', async () => {
    const before = (await rowsOfSource(source)).length;
    const again = await bulk({ sourceId: source, templateId: plain, customerIds: ids });
    expect(again).toEqual({ queued: 0, quietHours: 0, suppressed: { no_consent: 0, frequency_cap: 0 }, noRecipient: 1, existing: before, deleted: 1 });
    expect((await rowsOfSource(source)).length).toBe(before);
  });

  it('renders the coupon of each customer; the cap counts the messages of another template of the same source in the transaction', async () => {
    at('2026-01-16T10:00:00');
    const zh = await ctx.newCustomer({ name: '吴一', phones: ['13900139001'], consent: { sms: true } });
    const en = await ctx.newCustomer({ name: 'Wu Two', phones: ['13900139002'], preferences: { language: 'en' }, consent: { sms: true } });
    const none = await ctx.newCustomer({ name: '吴三', phones: ['13900139003'], consent: { sms: true } });
    const src = randomUUID();
    const variables = new Map([
      [zh.id as string, { coupon: 'HEAT-0001' }],
      [en.id as string, { coupon: 'HEAT-0002' }],
    ]);
    const result = await bulk({ sourceId: src, templateId: coupon, customerIds: [zh.id, en.id, none.id], variables });
    expect(result).toMatchObject({ queued: 3, quietHours: 0, existing: 0 });
    const bodies = Object.fromEntries((await rowsOfSource(src)).map((r) => [r.customer_id, r.body]));
    expect(bodies[zh.id]).toBe('吴一您好，您的优惠券：HEAT-0001 回TD退订');
    expect(bodies[en.id]).toBe('Dear Wu Two, your coupon: HEAT-0002 Reply TD to opt out');
    expect(bodies[none.id]).toBe('吴三您好，您的优惠券： 回TD退订'); // missing: empty, as in a single send

    // Two templates, one transaction: with a cap of 1 the second template's messages are capped by the first's.
    ok(await ctx.admin.patch('/api/v1/message-settings', { weeklyCap: 1 }));
    const c = await ctx.newCustomer({ name: '吴四', phones: ['13900139004'], consent: { sms: true } });
    const two = randomUUID();
    const [first, second] = await ctx.database.db.transaction(async (tx) => {
      const input = { sourceKind: 'campaign', sourceId: two, customerIds: [c.id as string], createdBy: null, now: clock() };
      return [await enqueueBulk(tx, { ...input, templateId: plain }, rt), await enqueueBulk(tx, { ...input, templateId: coupon }, rt)];
    });
    ok(await ctx.admin.patch('/api/v1/message-settings', { weeklyCap: 3 }));
    expect(first).toMatchObject({ queued: 1 });
    expect(second).toMatchObject({ queued: 0, suppressed: { frequency_cap: 1 } });
  });

  it('the sweep delivers queued bulk messages (log adapter); the counts and the sentTo fact report them sent', async () => {
    at('2026-01-16T10:05:00');
    kickSweep(rt);
    expect(drains).toBe(1);
    const counts = await delivery.deliverDue({ batch: 100 });
    expect(counts.sent).toBeGreaterThanOrEqual(2);
    const c = await messageCountsBySource(ctx.database.db, source);
    // The capped customer's three waiting messages went out now, but the bulk rows were written as they stood.
    expect(c).toEqual({ total: 4, queued: 0, sending: 0, sent: 2, failed: 0, suppressed: { no_consent: 1, frequency_cap: 1, customer_deleted: 0, quiet_hours: 0, withdrawn: 0 } });
    const sentTo = rowsOf<{ id: string }>(
      await ctx.database.db.execute(sql`select c.id from unnest(${sql.raw(`array[${ids.map((id) => `'${id}'`).join(',')}]`)}::uuid[]) as c(id) where ${messageFacts.sentTo(source, sql`c.id`)}`),
    ).map((r) => r.id);
    const rows = await rowsOfSource(source);
    expect(sentTo.sort()).toEqual(rows.filter((r) => r.status === 'sent').map((r) => r.customer_id).sort());
    expect(sentTo).toHaveLength(2);
  });

  it('merging two customers who both got one bulk send keeps the duplicate’s copy with it; undo restores the rest', async () => {
    const survivor = await ctx.newCustomer({ name: '郑一', phones: ['13900139101'], consent: { sms: true } });
    const dup = await ctx.newCustomer({ name: '郑一（重复）', phones: ['13900139102'], consent: { sms: true } });
    const both = randomUUID();
    const onlyDup = randomUUID();
    await bulk({ sourceId: both, templateId: plain, customerIds: [survivor.id, dup.id] });
    await bulk({ sourceId: onlyDup, templateId: plain, customerIds: [dup.id] });
    const s = ok(await ctx.admin.get(`/api/v1/customers/${survivor.id}`));
    const d = ok(await ctx.admin.get(`/api/v1/customers/${dup.id}`));
    const res = ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: dup.id, survivorVersion: s.version, mergedVersion: d.version }));
    expect(res.merge.moved).toMatchObject({ messages: 1 });
    const owners = async (source: string) => (await rowsOfSource(source)).map((r) => r.customer_id).sort();
    expect(await owners(both)).toEqual([survivor.id, dup.id].sort());
    expect(await owners(onlyDup)).toEqual([survivor.id]);
    ok(await ctx.admin.post(`/api/v1/customers/merges/${res.merge.id}/undo`, {}));
    expect(await owners(onlyDup)).toEqual([dup.id]);
    expect(await owners(both)).toEqual([survivor.id, dup.id].sort());
  });
});
