/**
 * 数据保留 really anonymises (issue #18): the policy `inactive_customers` applied after its dry run erases a household
 * past its age — with a merged duplicate, a payment and a visit long ago, a ticket naming them and a queued message —
 * through the erasure's hooks: afterwards no table holds their name, phones, ID number or address, the revenue totals
 * are unchanged, the message never leaves, their phone is flagged as an erased person's, the record cannot be
 * restored, and the register shows a deletion request of channel `retention` with its erasure (source `retention`);
 * the audit entries hold no personal data. A household inside the age and one with a recent payment are untouched.
 * An apply stopped after its first customer continues when the same dry run is applied again.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { PrivacyErasureView } from './erase.contract.js';
import type { PrivacyRequestPage } from './privacy.contract.js';
import type { RetentionRunView } from './retention.contract.js';
import { createApply, createDryRun, executeRetentionRun } from './retention.service.js';

let ctx: TestContext;
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(query));
const exec = (query: ReturnType<typeof sql>) => ctx.database.db.execute(query);

async function settle(id: string): Promise<RetentionRunView> {
  const until = Date.now() + 120_000;
  for (;;) {
    const run = ok<RetentionRunView>(await ctx.admin.get(`/api/v1/privacy/retention/runs/${id}`));
    if (!['queued', 'running'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`retention run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function revenue(): Promise<Record<string, string>> {
  const rows = await q<{ type: string; total: string }>(sql`select type, sum(amount_fen)::text as total from transactions where deleted_at is null group by type order by type`);
  return Object.fromEntries(rows.map((r) => [r.type, r.total]));
}

/** Every base table, each row read as text, searched for each needle (what a dump holds). */
async function scan(needles: string[]): Promise<string[]> {
  const tables = await q<{ s: string; t: string }>(
    sql`select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  const hits: string[] = [];
  for (const { s, t } of tables) {
    const counts = sql.join(
      needles.map((n, i) => sql`count(*) filter (where strpos(x::text, ${n}) > 0)::int as ${sql.identifier(`n${i}`)}`),
      sql`, `,
    );
    const [row] = await q<Record<string, number>>(sql`select ${counts} from ${sql.identifier(s)}.${sql.identifier(t)} x`);
    needles.forEach((n, i) => {
      if (row![`n${i}`]) hits.push(`${s}.${t} holds ${n}`);
    });
  }
  return hits;
}

/** Moves a customer's life back: created and edited, paid and visited `years` ago. */
async function age(id: string, years: number): Promise<void> {
  const back = sql`now() - make_interval(years => ${years})`;
  await exec(sql`update transactions set occurred_at = ${back} where customer_id = ${id}`);
  await exec(sql`update interactions set occurred_at = ${back} where customer_id = ${id}`);
  await exec(sql`update customers set created_at = ${back}, updated_at = ${back} where id = ${id} or merged_into_id = ${id}`);
}

const OLD = { name: '保留期满的住户', phones: ['13955501234'], idNumber: '110101195001011239', address: { city: '唐山市', compound: '幸福里', building: '3号楼', unit: '2单元', room: '501' } };

describe('an applied retention policy anonymises through the erasure', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    ok(await ctx.admin.patch('/api/v1/privacy/retention/settings', { policies: [{ kind: 'inactive_customers', enabled: true, amount: 5 }] }));
  });
  afterAll(async () => ctx?.close());

  it('erases the household past the age in every module, keeps revenue, and shows it in the register; others untouched', async () => {
    const old = await ctx.newCustomer({ ...OLD, consent: { sms: true } });
    const dup = await ctx.newCustomer({ name: OLD.name, phones: ['13955505678'], notes: `${OLD.name}的另一份档案` });
    const survivor = ok<{ version: number }>(await ctx.admin.get(`/api/v1/customers/${old.id}`));
    ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: old.id, mergedId: dup.id, survivorVersion: survivor.version, mergedVersion: dup.version }));
    ok(await ctx.admin.post(`/api/v1/customers/${old.id}/transactions`, { type: 'payment', amountFen: 2_345_00, occurredAt: '2026-01-05T10:00:00+08:00' }), 201);
    ok(await ctx.admin.post(`/api/v1/customers/${old.id}/interactions`, { summary: `${OLD.name}来电询问暖气` }), 201);
    ok(await ctx.admin.post('/api/v1/tickets', { title: `${OLD.name}家暖气不热`, description: `电话 ${OLD.phones[0]}，幸福里3号楼2单元501`, type: 'repair', customerId: old.id }), 201);
    await ctx.admin.post(`/api/v1/customers/${old.id}/messages`, { channel: 'sms', category: 'transactional', body: `${OLD.name}您好，维修已安排` });
    const [msg] = await q<{ id: string }>(sql`select id::text from messages where customer_id = ${old.id} order by created_at desc limit 1`);
    await exec(sql`update messages set status = 'queued', next_attempt_at = now() + interval '1 day' where id = ${msg!.id}`);

    const young = await ctx.newCustomer({ name: '保留期内的住户', phones: ['13955509999'] });
    await age(young.id, 4);
    const active = await ctx.newCustomer({ name: '最近缴费的老住户', phones: ['13955508888'] });
    await age(active.id, 8);
    ok(await ctx.admin.post(`/api/v1/customers/${active.id}/transactions`, { type: 'payment', amountFen: 100_00, occurredAt: '2026-01-05T10:00:00+08:00' }), 201);
    await exec(sql`update customers set updated_at = now() - interval '8 years' where id = ${active.id}`);
    await age(old.id, 7);

    const needles = [OLD.name, OLD.phones[0]!, '13955505678', OLD.idNumber, '幸福里3号楼2单元501'];
    expect((await scan(needles)).length, 'the person is there before').toBeGreaterThan(3);
    const before = await revenue();

    const dry = await settle(ok<RetentionRunView>(await ctx.admin.post('/api/v1/privacy/retention/runs'), 201).id);
    expect(dry.report.inactive_customers).toMatchObject({ count: 1, sample: [old.id] });
    expect(await q(sql`select name from customers where id = ${old.id}`)).toEqual([{ name: OLD.name }]); // a dry run changes nothing
    const apply = ok<RetentionRunView>(await ctx.admin.post(`/api/v1/privacy/retention/runs/${dry.id}/apply`), 201);
    const done = await settle(apply.id);
    expect(done.status, done.error ?? '').toBe('done');
    expect(done.report.inactive_customers).toMatchObject({ count: 1, applied: 1 });

    // Nothing of them anywhere; revenue as it was; the queued message suppressed.
    expect(await scan(needles)).toEqual([]);
    expect(await revenue()).toEqual(before);
    expect(await q(sql`select status, reason from messages where id = ${msg!.id}`)).toEqual([{ status: 'suppressed', reason: 'customer_deleted' }]);
    const c = ok<{ name: string; phones: string[]; idNumber: string | null; deletedAt: string | null }>(await ctx.admin.get(`/api/v1/customers/${old.id}`));
    expect(c).toMatchObject({ name: `已删除用户 #${old.id.replace(/-/g, '').slice(0, 8)}`, phones: [], idNumber: null });
    expect(c.deletedAt).not.toBeNull();
    // The others as they were.
    expect(ok<{ name: string; deletedAt: string | null }>(await ctx.admin.get(`/api/v1/customers/${young.id}`))).toMatchObject({ name: '保留期内的住户', deletedAt: null });
    expect(ok<{ name: string; deletedAt: string | null }>(await ctx.admin.get(`/api/v1/customers/${active.id}`))).toMatchObject({ name: '最近缴费的老住户', deletedAt: null });

    // The same as an approved erasure: keyed hashes flag them, the record stays erased.
    const check = ok<{ erased: { reason: string }[] }>(await ctx.admin.get(`/api/v1/customers/duplicate-check?phones=${OLD.phones[0]}&idNumber=${OLD.idNumber}`));
    expect(check.erased.map((e) => e.reason).sort()).toEqual(['id_number', 'phone']);
    expect(problemOf(await ctx.admin.post(`/api/v1/customers/${old.id}/restore`), 409).detail).toContain('个人信息已被删除');

    // The register: a deletion request of channel `retention`, answered, with its erasure of source `retention`.
    const page = ok<PrivacyRequestPage>(await ctx.admin.get(`/api/v1/privacy/requests?customerId=${old.id}`));
    expect(page.items).toHaveLength(1);
    const request = page.items[0]!;
    expect(request).toMatchObject({ kind: 'deletion', channel: 'retention', status: 'answered', customerId: old.id, handlerId: ctx.admin.userId });
    expect(request.answer).toContain('数据保留');
    const erasure = ok<PrivacyErasureView>(await ctx.admin.get(`/api/v1/privacy/requests/${request.id}/erasure`));
    expect(erasure).toMatchObject({ status: 'executed', source: 'retention', runId: apply.id, records: 2, approvedById: ctx.admin.userId, canApprove: false });

    // Audited: the apply (the approval) and the erasure, ids and counts only.
    const entries = await q<{ action: string; changes: unknown }>(sql`select action, changes from audit_log where action in ('retention_apply', 'privacy_erasure') order by id`);
    expect(entries.map((e) => e.action)).toEqual(['retention_apply', 'privacy_erasure']);
    expect(needles.filter((n) => JSON.stringify(entries).includes(n))).toEqual([]);
  });

  it('an apply stopped after one customer continues when the dry run is applied again', async () => {
    const ids: string[] = [];
    for (const name of ['中断甲', '中断乙', '中断丙']) {
      const c = await ctx.newCustomer({ name: `${name}住户`, phones: [`1395551${String(ids.length).padStart(4, '0')}`] });
      await age(c.id, 9);
      ids.push(c.id);
    }
    const cli = systemActor('cli');
    const dry = await ctx.database.db.transaction((tx) => createDryRun(tx, cli, 'cli'));
    expect((await executeRetentionRun(ctx.database.db, dry.id, { dataDir: ctx.config.dataDir })).report.inactive_customers).toMatchObject({ count: 3 });
    const apply = await ctx.database.db.transaction((tx) => createApply(tx, cli, dry.id, 'cli'));
    // A stop (the process is shutting down): the first customer's transaction commits, then the run is released.
    const stopped = await executeRetentionRun(ctx.database.db, apply.id, { dataDir: ctx.config.dataDir, signal: AbortSignal.abort() });
    expect(stopped.status).toBe('running');
    expect(stopped.report.inactive_customers).toMatchObject({ applied: 1 });
    const deleted = async () => (await q<{ n: number }>(sql`select count(*)::int as n from customers where id in (${ids[0]}, ${ids[1]}, ${ids[2]}) and deleted_at is not null`))[0]!.n;
    expect(await deleted()).toBe(1);

    // Applied again: the same run goes on from its checkpoint, nothing twice.
    const again = ok<RetentionRunView>(await ctx.admin.post(`/api/v1/privacy/retention/runs/${dry.id}/apply`), 201);
    expect(again.id).toBe(apply.id);
    const done = await settle(apply.id);
    expect(done.status, done.error ?? '').toBe('done');
    expect(done.report.inactive_customers).toMatchObject({ count: 3, applied: 3 });
    expect(await deleted()).toBe(3);
    expect((await q<{ n: number }>(sql`select count(*)::int as n from privacy_requests where channel = 'retention' and customer_id in (${ids[0]}, ${ids[1]}, ${ids[2]})`))[0]!.n).toBe(3);
    expect(await scan(['中断甲住户', '中断乙住户', '中断丙住户'])).toEqual([]);
    // Done now: a further apply is refused.
    problemOf(await ctx.admin.post(`/api/v1/privacy/retention/runs/${dry.id}/apply`), 409);
  });
});
