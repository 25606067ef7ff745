/**
 * The sender works a claimed batch at once (customers, the weekly cap's history and the settings read once, the
 * outcomes written in one statement), and every message still gets its own rules and its own provider call: two
 * messages to one customer in one batch against a cap of one (the first goes, the second is capped), the cap's
 * history from before the batch, consent withdrawn and a customer deleted after queueing, transactional messages
 * bypassing the cap, and a provider failure in the middle of a batch that leaves the others delivered.
 *
 * The messages are queued during the quiet hours (SMS, 22:00 Shanghai), so the app's own jobs leave them alone; the
 * clock then moves to 08:00 and one sender takes them all in one batch.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { FakeProvider } from '../../test/provider.js';
import { MessageDelivery, type MessagingRuntime } from './index.js';

type Message = Record<string, any>;

describe('delivery in batches', () => {
  let now = new Date('2026-01-15T02:00:00Z');
  const at = (shanghai: string) => (now = new Date(`${shanghai}+08:00`));
  let ctx: TestContext;
  const provider = new FakeProvider();
  const kicks: { id: string; delayMs: number }[] = [];
  const runtime: MessagingRuntime = {
    now: () => now,
    kick: async (id, delayMs) => void kicks.push({ id, delayMs }),
    log: () => {},
    fallbackUrl: 'http://localhost:3000',
  };
  let phone = 13900139000;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    await provider.start();
    ok(
      await ctx.admin.patch('/api/v1/message-settings', {
        sms: { adapter: 'aliyun', baseUrl: provider.url, accessKeyId: 'LTAI-test', accessKeySecret: 'sms-secret', signName: '测试热力', templateCode: 'SMS_000001' },
      }),
    );
  });
  afterAll(async () => {
    await ctx.close();
    await provider.stop();
  });

  const customer = (name: string) => ctx.newCustomer({ name, phones: [String(++phone)], consent: { sms: true } });
  /** An SMS queued in the night: waits for 08:00 (quiet hours), no job due before. */
  async function queued(customerId: string, body: string, category: 'care' | 'marketing' | 'transactional' = 'care'): Promise<string> {
    const m = ok<Message>(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, { channel: 'sms', category, body }), 201);
    expect(m).toMatchObject({ status: 'queued', reason: 'quiet_hours' });
    return m.id as string;
  }
  const message = async (id: string) => ok<Message>(await ctx.admin.get(`/api/v1/messages/${id}`));
  /** The ids in the order a sender claims them (all due at the same time: by id). */
  const claimOrder = (ids: string[]) => [...ids].sort();

  it('one batch: two messages to one customer against a cap of one, the cap’s history, consent, deletion, transactional', async () => {
    at('2026-01-15T22:00:00');
    const twice = await customer('两条');
    const [first, second] = claimOrder([await queued(twice.id, '第一条'), await queued(twice.id, '第二条')]);
    // Transactional to the same customer: no cap.
    const receipt = await queued(twice.id, '缴费回执', 'transactional');
    // A marketing message already went out to this one two days ago: the cap is reached before the batch.
    const earlier = await customer('已发过');
    const afterEarlier = await queued(earlier.id, '活动通知', 'marketing');
    await ctx.database.db.execute(sql`
      insert into messages (customer_id, channel, category, locale, body, recipient, status, attempts, sent_at, created_at)
      values (${earlier.id}, 'sms', 'marketing', 'zh-CN', '上次的活动', '+8613900000000', 'sent', 1,
              ${new Date(now.getTime() - 2 * 86_400_000).toISOString()}::timestamptz, ${new Date(now.getTime() - 2 * 86_400_000).toISOString()}::timestamptz)`);
    // Consent withdrawn, and a customer deleted, after the messages were queued.
    const withdrawn = await customer('已退订');
    const toWithdrawn = await queued(withdrawn.id, '问候');
    await ctx.database.db.execute(sql`update customers set consent = '{"sms": false}'::jsonb where id = ${withdrawn.id}`);
    const deleted = await customer('已删除');
    const toDeleted = await queued(deleted.id, '问候');
    await ctx.database.db.execute(sql`update customers set deleted_at = now() where id = ${deleted.id}`);
    // Another customer under the cap of one: theirs goes.
    const other = await customer('另一位');
    const toOther = await queued(other.id, '问候');

    ok(await ctx.admin.patch('/api/v1/message-settings', { weeklyCap: 1 }));
    at('2026-01-16T08:00:00');
    const sentBefore = provider.requests.length;
    const counts = await new MessageDelivery(ctx.database.db, runtime).deliverDue({ batch: 50 });
    expect(counts).toEqual({ sent: 3, retrying: 0, failed: 0, suppressed: 4, deferred: 0, lost: 0 });
    expect(provider.requests.length - sentBefore).toBe(3);

    expect(await message(first!)).toMatchObject({ status: 'sent', reason: null, attempts: 1, sentAt: now.toISOString(), provider: 'aliyun' });
    expect(await message(second!)).toMatchObject({ status: 'suppressed', reason: 'frequency_cap', attempts: 1, sentAt: null, nextAttemptAt: null });
    expect(await message(receipt)).toMatchObject({ status: 'sent', reason: null });
    expect(await message(afterEarlier)).toMatchObject({ status: 'suppressed', reason: 'frequency_cap' });
    expect(await message(toWithdrawn)).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
    expect(await message(toDeleted)).toMatchObject({ status: 'suppressed', reason: 'customer_deleted' });
    expect(await message(toOther)).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^biz-/) });
    expect(provider.smsFor(second!)).toHaveLength(0);
    expect(provider.smsFor(afterEarlier)).toHaveLength(0);
    // Nothing is left claimed.
    const [sending] = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from messages where status = 'sending' or claimed_at is not null`));
    expect(sending!.n).toBe(0);
    ok(await ctx.admin.patch('/api/v1/message-settings', { weeklyCap: 3 }));
  });

  it('a provider failure in the middle of a batch: that message is retried with backoff, the others are delivered', async () => {
    at('2026-01-16T22:00:00');
    const ids: string[] = [];
    for (const name of ['甲', '乙', '丙', '丁', '戊']) ids.push(await queued((await customer(name)).id, `${name}您好，明日检修。`, 'transactional'));
    const order = claimOrder(ids);
    const failing = order[2]!;
    provider.failing.add(failing);
    at('2026-01-17T08:00:00');
    kicks.length = 0;
    const counts = await new MessageDelivery(ctx.database.db, runtime).deliverDue({ batch: 50 });
    provider.failing.clear();
    expect(counts).toEqual({ sent: 4, retrying: 1, failed: 0, suppressed: 0, deferred: 0, lost: 0 });
    // Each message had its own provider call, in claim order.
    expect(provider.requests.filter((r) => ids.includes(r.body?.OutId)).map((r) => r.body.OutId)).toEqual(order);
    for (const id of order) {
      if (id === failing) continue;
      expect(await message(id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null, sentAt: now.toISOString() });
    }
    expect(await message(failing)).toMatchObject({
      status: 'queued',
      attempts: 1,
      sentAt: null,
      provider: 'aliyun',
      lastError: expect.stringContaining('HTTP 500'),
      nextAttemptAt: new Date(now.getTime() + 60_000).toISOString(),
    });
    // Its next attempt is asked for once its outcome is written; a minute later it goes.
    expect(kicks).toEqual([{ id: failing, delayMs: 60_000 }]);
    now = new Date(now.getTime() + 60_000);
    expect((await new MessageDelivery(ctx.database.db, runtime).deliverDue()).sent).toBe(1);
    expect(await message(failing)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });
});
