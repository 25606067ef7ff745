/**
 * 数据保留 (issue #18 item 5) through HTTP on a hand-built fixture: the policies in the settings (validated, naming the
 * field), a dry run that counts exactly what each policy selects and samples ids, the apply of that dry run removing
 * exactly those (the inactive customers anonymised through the erasure: retention.erase.test.ts; audit entries, a
 * closed ticket's attachment with its file, outbox messages deleted), a second apply refused, a new dry run finding nothing left, and the permissions.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { RetentionRunPage, RetentionRunView, RetentionSettingsView } from './retention.contract.js';

let ctx: TestContext;
let viewer: Client;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const exec = (q: ReturnType<typeof sql>) => ctx.database.db.execute(q);
const scalar = async (q: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await exec(q))[0]!.n);

async function settle(id: string): Promise<RetentionRunView> {
  const until = Date.now() + 120_000;
  for (;;) {
    const run = ok<RetentionRunView>(await ctx.admin.get(`/api/v1/privacy/retention/runs/${id}`));
    if (!['queued', 'running'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`retention run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ids: Record<string, string> = {};
let attachmentId = '';

/** The fixture: who and what each policy must (and must not) select. */
async function buildFixture(): Promise<void> {
  const customer = async (key: string, body: Record<string, unknown> = {}) => (ids[key] = (await ctx.newCustomer({ name: `保留${key}`, ...body })).id);
  for (const k of ['old', 'oldWithRecentTx', 'oldWithRecentContact', 'oldWithOldActivity', 'recent', 'oldDeleted']) await customer(k);
  ok(await ctx.admin.post(`/api/v1/customers/${ids.oldWithRecentTx}/transactions`, { type: 'payment', amountFen: 100_00, occurredAt: '2026-01-05T10:00:00+08:00' }), 201);
  ok(await ctx.admin.post(`/api/v1/customers/${ids.oldWithOldActivity}/transactions`, { type: 'payment', amountFen: 100_00, occurredAt: '2026-01-05T10:00:00+08:00' }), 201);
  ok(await ctx.admin.post(`/api/v1/customers/${ids.oldWithRecentContact}/interactions`, { summary: '回访' }), 201);
  ok(await ctx.admin.post(`/api/v1/customers/${ids.oldWithOldActivity}/interactions`, { summary: '很久以前的回访' }), 201);
  // Time moved back: created and last edited six years ago; the old household's payment seven years ago, its visit six.
  const old = [ids.old, ids.oldWithRecentTx, ids.oldWithRecentContact, ids.oldWithOldActivity, ids.oldDeleted];
  for (const id of old) await exec(sql`update customers set created_at = now() - interval '6 years', updated_at = now() - interval '6 years' where id = ${id}`);
  await exec(sql`update customers set deleted_at = now() - interval '6 years' where id = ${ids.oldDeleted}`);
  await exec(sql`update transactions set occurred_at = now() - interval '1 year' where customer_id = ${ids.oldWithRecentTx}`);
  await exec(sql`update transactions set occurred_at = now() - interval '7 years' where customer_id = ${ids.oldWithOldActivity}`);
  await exec(sql`update interactions set occurred_at = now() - interval '2 years' where customer_id = ${ids.oldWithRecentContact}`);
  await exec(sql`update interactions set occurred_at = now() - interval '6 years' where customer_id = ${ids.oldWithOldActivity}`);

  // Audit entries: three older than three years, one younger.
  for (const age of ['4 years', '5 years', '3 years 1 day', '2 years']) {
    await exec(sql`insert into audit_log (at, via, action, entity_type, entity_id) values (now() - ${age}::interval, 'system', 'update', 'customer', ${ids.recent})`);
  }

  // A ticket closed eight months ago with an image, and an open one with an image.
  const ticket = async (title: string) => ok(await ctx.admin.post('/api/v1/tickets', { title, type: 'repair', customerId: ids.recent }), 201).id as string;
  const attach = async (tid: string) =>
    ok(
      await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${tid}/attachments?name=pic.png`,
        payload: PNG,
        headers: { 'content-type': 'application/octet-stream', cookie: ctx.admin.cookie!, 'x-csrf-token': ctx.admin.csrf! },
      }),
      201,
    ).id as string;
  const closed = await ticket('早已关闭的报修');
  attachmentId = await attach(closed);
  await attach(await ticket('仍在处理的报修'));
  await exec(sql`update tickets set status = 'closed', closed_at = now() - interval '8 months' where id = ${closed}`);

  // Outbox: two old messages done with, one old still queued, one recent.
  const c = await ctx.newCustomer({ name: '保留消息', phones: ['13911113333'], consent: { sms: true } });
  const msgs: string[] = [];
  for (let i = 0; i < 4; i++) msgs.push(ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'sms', category: 'transactional', body: `通知 ${i}` }), 201).id);
  // The sender may have them in hand: wait until none is being sent or due now (quiet hours may keep them queued).
  for (let tries = 0; tries < 100; tries++) {
    const busy = await scalar(sql`select count(*)::int as n from messages where customer_id = ${c.id} and (status = 'sending' or (status = 'queued' and next_attempt_at <= now()))`);
    if (!busy) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await exec(sql`update messages set status = 'sent', created_at = now() - interval '13 months' where id in (${msgs[0]}, ${msgs[1]})`);
  await exec(sql`update messages set status = 'queued', next_attempt_at = now() + interval '1 year', created_at = now() - interval '13 months' where id = ${msgs[2]}`);
  await exec(sql`update messages set status = 'sent' where id = ${msgs[3]}`);
  ids.queuedOld = msgs[2]!;
}

describe('retention policies', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    viewer = await ctx.newUser({ role: 'viewer' });
    await buildFixture();
  });
  afterAll(async () => ctx?.close());

  it('keeps the policies in the settings, every one off by default; bad input names the field and changes nothing', async () => {
    const before = ok<RetentionSettingsView>(await ctx.admin.get('/api/v1/privacy/retention/settings'));
    expect(before.policies).toEqual([
      { kind: 'inactive_customers', enabled: false, amount: 5, unit: 'years' },
      { kind: 'audit_entries', enabled: false, amount: 3, unit: 'years' },
      { kind: 'ticket_attachments', enabled: false, amount: 24, unit: 'months' },
      { kind: 'outbox_messages', enabled: false, amount: 12, unit: 'months' },
    ]);
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/retention/runs'), 400).errors[0]!.field).toBe('policies');
    const zero = problemOf(await ctx.admin.patch('/api/v1/privacy/retention/settings', { policies: [{ kind: 'audit_entries', amount: 0 }] }), 400);
    expect(zero.errors[0]).toMatchObject({ field: 'policies.0.amount' });
    const en = problemOf(await ctx.admin.lang('en').patch('/api/v1/privacy/retention/settings', { policies: [{ kind: 'photos', enabled: true }] }), 400);
    expect(en.errors[0]).toMatchObject({ field: 'policies.0.kind' });
    problemOf(await viewer.patch('/api/v1/privacy/retention/settings', { policies: [{ kind: 'audit_entries', enabled: true }] }), 403);
    problemOf(await viewer.get('/api/v1/privacy/retention/runs'), 403);
    expect(ok<RetentionSettingsView>(await ctx.admin.get('/api/v1/privacy/retention/settings'))).toEqual(before);

    const after = ok<RetentionSettingsView>(
      await ctx.admin.patch('/api/v1/privacy/retention/settings', {
        policies: [
          { kind: 'inactive_customers', enabled: true },
          { kind: 'audit_entries', enabled: true, amount: 3 },
          { kind: 'ticket_attachments', enabled: true, amount: 6 },
          { kind: 'outbox_messages', enabled: true, amount: 12 },
        ],
      }),
    );
    expect(after.policies.map((p) => [p.kind, p.enabled, p.amount])).toEqual([
      ['inactive_customers', true, 5],
      ['audit_entries', true, 3],
      ['ticket_attachments', true, 6],
      ['outbox_messages', true, 12],
    ]);
  });

  it('a dry run counts exactly, samples ids and removes nothing; its apply removes exactly that, once', async () => {
    const audits = await scalar(sql`select count(*)::int as n from audit_log`);
    const queued = ok<RetentionRunView>(await ctx.admin.post('/api/v1/privacy/retention/runs'), 201);
    expect(queued).toMatchObject({ mode: 'dry_run', trigger: 'manual', createdByName: '系统管理员' });
    const dry = await settle(queued.id);
    expect(dry.status, dry.error ?? '').toBe('done');
    const counts = Object.fromEntries(Object.entries(dry.report).map(([k, r]) => [k, r!.count]));
    expect(counts).toEqual({ inactive_customers: 2, audit_entries: 3, ticket_attachments: 1, outbox_messages: 2 });
    expect(dry.report.inactive_customers!.sample.sort()).toEqual([ids.old, ids.oldWithOldActivity].sort());
    expect(dry.report.ticket_attachments!.sample).toEqual([attachmentId]);
    expect(dry.report.audit_entries!.applied).toBeNull();
    // Nothing removed (the dry run's own audit entry is the one more).
    expect(await scalar(sql`select count(*)::int as n from audit_log`)).toBe(audits + 1);
    expect(await scalar(sql`select count(*)::int as n from privacy_erased_customers`)).toBe(0);

    // Only a finished dry run is applied.
    const apply = ok<RetentionRunView>(await ctx.admin.post(`/api/v1/privacy/retention/runs/${dry.id}/apply`), 201);
    expect(apply).toMatchObject({ mode: 'apply', dryRunId: dry.id, policies: dry.policies });
    problemOf(await ctx.admin.post(`/api/v1/privacy/retention/runs/${apply.id}/apply`), 404);
    const done = await settle(apply.id);
    expect(done.status, done.error ?? '').toBe('done');
    expect(Object.fromEntries(Object.entries(done.report).map(([k, r]) => [k, [r!.count, r!.applied]]))).toEqual({
      inactive_customers: [2, 2],
      audit_entries: [3, 3],
      ticket_attachments: [1, 1],
      outbox_messages: [2, 2],
    });
    const erased = rowsOf<{ id: string; deleted: boolean }>(
      await exec(sql`select c.id::text, c.deleted_at is not null as deleted from privacy_erased_customers e join customers c on c.id = e.customer_id order by 1`),
    );
    expect(erased).toEqual([ids.old, ids.oldWithOldActivity].sort().map((id) => ({ id, deleted: true })));
    expect(await scalar(sql`select count(*)::int as n from privacy_erasures where source = 'retention' and run_id = ${apply.id}`)).toBe(2);
    expect(await scalar(sql`select count(*)::int as n from audit_log where at < now() - interval '3 years'`)).toBe(0);
    expect(await scalar(sql`select count(*)::int as n from audit_log where at < now() - interval '1 year'`)).toBe(1);
    expect(await scalar(sql`select count(*)::int as n from ticket_attachments where id = ${attachmentId}`)).toBe(0);
    expect(await scalar(sql`select count(*)::int as n from ticket_attachments`)).toBe(1);
    expect(existsSync(path.join(ctx.config.dataDir, 'attachments', attachmentId))).toBe(false);
    expect(await scalar(sql`select count(*)::int as n from messages where created_at < now() - interval '12 months'`)).toBe(1);
    expect(await scalar(sql`select count(*)::int as n from messages where id = ${ids.queuedOld}`)).toBe(1);

    // Once: a second apply of the same dry run is refused; the dry run shows who applied it.
    expect(problemOf(await ctx.admin.post(`/api/v1/privacy/retention/runs/${dry.id}/apply`), 409).errors[0]).toMatchObject({ field: 'id' });
    expect(ok<RetentionRunView>(await ctx.admin.get(`/api/v1/privacy/retention/runs/${dry.id}`)).appliedById).toBe(apply.id);

    // A new dry run finds nothing left (anonymised customers are deleted: never selected again).
    const again = await settle(ok<RetentionRunView>(await ctx.admin.post('/api/v1/privacy/retention/runs'), 201).id);
    expect(Object.values(again.report).map((r) => r!.count)).toEqual([0, 0, 0, 0]);
    const list = ok<RetentionRunPage>(await ctx.admin.get('/api/v1/privacy/retention/runs?limit=2'));
    expect(list.items.map((r) => r.id)).toEqual([again.id, apply.id]);
    const rest = ok<RetentionRunPage>(await ctx.admin.get(`/api/v1/privacy/retention/runs?limit=2&cursor=${list.nextCursor}`));
    expect(rest.items.map((r) => r.id)).toEqual([dry.id]);
    expect(ok<RetentionRunPage>(await ctx.admin.get('/api/v1/privacy/retention/runs?mode=apply')).items.map((r) => r.id)).toEqual([apply.id]);
  });

  it('refuses to apply a dry run older than a week, or one that did not finish', async () => {
    const run = await settle(ok<RetentionRunView>(await ctx.admin.post('/api/v1/privacy/retention/runs'), 201).id);
    await exec(sql`update privacy_retention_runs set created_at = now() - interval '8 days' where id = ${run.id}`);
    expect(problemOf(await ctx.admin.post(`/api/v1/privacy/retention/runs/${run.id}/apply`), 409).detail).toContain('7');
    await exec(sql`update privacy_retention_runs set created_at = now(), status = 'failed' where id = ${run.id}`);
    problemOf(await ctx.admin.post(`/api/v1/privacy/retention/runs/${run.id}/apply`), 409);
    problemOf(await ctx.admin.post('/api/v1/privacy/retention/runs/00000000-0000-4000-8000-000000000000/apply'), 404);
  });
});
