/**
 * Erasure (issue #18, must-show): after the demo's history — every module: transactions, interactions and tasks,
 * tickets and replies, messages, feedback, surveys, campaigns, loyalty, care, segments, analytics runs and history —
 * plus a merged duplicate, a ticket with an attachment and a queued message, the household with records in the most
 * modules is erased through a deletion request approved by a second administrator. Then a scan of every table's every
 * row (information_schema's base tables in every schema, each row read as text: what a dump holds) and, on PostgreSQL
 * with pg_dump on PATH, the dump itself hold none of their name, phone numbers, ID number or address; the company's
 * revenue (the sum of live transactions by type) is unchanged; the two-person rule, bad input and the keyed-hash flag.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { displayPhone } from '../../platform/phone.js';
import { createTestContext, TEST_DB_KIND, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import { loadDemo, todayInShanghai } from '../demo/index.js';
import type { PrivacyErasureView } from './erase.contract.js';
import type { PrivacyRequestView } from './privacy.contract.js';

let ctx: TestContext;
let second: Client;
let viewer: Client;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(query));

/** Sum of live transactions by type (what every revenue figure adds up). */
async function revenue(): Promise<Record<string, string>> {
  const rows = await q<{ type: string; total: string }>(sql`select type, sum(amount_fen)::text as total from transactions where deleted_at is null group by type order by type`);
  return Object.fromEntries(rows.map((r) => [r.type, r.total]));
}

/**
 * The household with rows in the most customer_id tables, among those with an ID number and a room whose name, phones
 * and ID number no other customer has (the demo registers some households twice: another person's record is not theirs).
 */
async function richestHousehold(): Promise<string> {
  const tables = await q<{ t: string }>(
    sql`select c.table_name as t from information_schema.columns c join information_schema.tables b on b.table_name = c.table_name and b.table_schema = c.table_schema
        where c.table_schema = current_schema() and c.column_name = 'customer_id' and b.table_type = 'BASE TABLE'`,
  );
  const union = sql.join(
    tables.map(({ t }) => sql`select distinct customer_id::text as id, ${t}::text as t from ${sql.identifier(t)} where customer_id is not null`),
    sql` union all `,
  );
  const [best] = await q<{ id: string }>(
    sql`select s.id from (${union}) s join customers c on c.id::text = s.id
        where c.kind = 'person' and c.deleted_at is null and c.id_number is not null and cardinality(c.phones) > 0 and c.room is not null
          and not exists (select 1 from customers o where o.id <> c.id and (strpos(o.name, c.name) > 0 or o.phones && c.phones or o.id_number = c.id_number))
        group by s.id order by count(*) desc, s.id limit 1`,
  );
  return best!.id;
}

type Person = { id: string; name: string; phones: string[]; idNumber: string; address: string[] };

/** The strings that must be gone: the name, each phone in both forms, the ID number, the address run together and spaced. */
function needlesOf(p: Person): string[] {
  return [p.name, ...p.phones.flatMap((ph) => [ph, displayPhone(ph)]), p.idNumber, p.address.join(''), p.address.join(' ')];
}

/** Every base table of every schema (pg-boss's too), each row read as text, searched for each needle. */
async function scan(needles: string[]): Promise<string[]> {
  const tables = await q<{ s: string; t: string }>(
    sql`select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  expect(tables.length).toBeGreaterThan(50);
  const hits: string[] = [];
  for (const { s, t } of tables) {
    const counts = sql.join(
      needles.map((n, i) => sql`count(*) filter (where strpos(x::text, ${n}) > 0)::int as ${sql.identifier(`n${i}`)}`),
      sql`, `,
    );
    const [row] = await q<Record<string, number>>(sql`select ${counts} from ${sql.identifier(s)}.${sql.identifier(t)} x`);
    needles.forEach((n, i) => {
      if (row![`n${i}`]) hits.push(`${s}.${t} holds ${n} (${row![`n${i}`]} rows)`);
    });
  }
  return hits;
}

/** PostgreSQL: the test database as pg_dump writes it (null without pg_dump on PATH or when it cannot read this server). */
async function pgDump(): Promise<string | null> {
  if (TEST_DB_KIND !== 'postgres' || !process.env.TEST_DATABASE_URL) return null;
  const [{ db }] = (await q<{ db: string }>(sql`select current_database() as db`)) as [{ db: string }];
  const url = new URL(process.env.TEST_DATABASE_URL);
  url.pathname = `/${db}`;
  try {
    return execFileSync('pg_dump', ['--no-owner', '--no-privileges', url.toString()], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    console.warn(`pg_dump not used (${(err as Error).message.split('\n')[0]}): the table scan stands for it`);
    return null;
  }
}

async function personOf(id: string): Promise<Person> {
  const [c] = await q<{ name: string; phones: string[]; id_number: string; a: string[] }>(
    sql`select name, phones, id_number, array_remove(array[province, city, district, street, compound, building, unit, room], null) as a from customers where id = ${id}`,
  );
  return { id, name: c!.name, phones: c!.phones, idNumber: c!.id_number, address: c!.a };
}

/** A duplicate of the person (same name, another phone, the ID number) merged into them: a merge snapshot and a merged record. */
async function mergeADuplicate(p: Person): Promise<string> {
  const phone = `1390${String(Date.now()).slice(-7)}`;
  const dup = await ctx.newCustomer({ name: p.name, phones: [phone], idNumber: p.idNumber, notes: `${p.name} 的另一条档案` });
  const survivor = ok<{ version: number }>(await ctx.admin.get(`/api/v1/customers/${p.id}`));
  ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: p.id, mergedId: dup.id, survivorVersion: survivor.version, mergedVersion: dup.version }));
  return phone;
}

/** A ticket naming the person with an image attached, a message forced back to queued, and the deletion request. */
async function moreRecords(p: Person): Promise<{ requestId: string; messageId: string }> {
  const address = p.address.join('');
  const ticket = ok<{ id: string }>(
    await ctx.admin.post('/api/v1/tickets', { title: `${p.name}家暖气不热`, description: `住址 ${address}，电话 ${p.phones[0]}，身份证 ${p.idNumber}`, type: 'repair', customerId: p.id }),
    201,
  );
  const up = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticket.id}/attachments?name=photo.png`,
    payload: PNG,
    headers: { 'content-type': 'application/octet-stream', cookie: ctx.admin.cookie!, 'x-csrf-token': ctx.admin.csrf! },
  });
  expect(up.statusCode, up.body).toBe(201);
  // An SMS naming them (sent, or held by consent: either way a row of the outbox), then one of theirs made queued again.
  await ctx.admin.post(`/api/v1/customers/${p.id}/messages`, { channel: 'sms', body: `${p.name}您好，您在${address}的维修已安排` });
  const [m] = await q<{ id: string }>(sql`select id::text from messages where customer_id = ${p.id} order by created_at desc limit 1`);
  await ctx.database.db.execute(sql`update messages set status = 'queued', next_attempt_at = now() + interval '1 day' where id = ${m!.id}`);
  const request = ok<PrivacyRequestView>(
    await ctx.admin.post('/api/v1/privacy/requests', {
      kind: 'deletion',
      channel: 'counter',
      requesterName: p.name,
      requesterContact: p.phones[0],
      details: `${p.name}（身份证 ${p.idNumber}）要求删除全部个人信息`,
      customerId: p.id,
      verification: { method: 'id_document', note: `核对身份证 ${p.idNumber}` },
    }),
    201,
  );
  ok(await ctx.admin.patch(`/api/v1/privacy/requests/${request.id}`, { status: 'in_progress' }));
  return { requestId: request.id, messageId: m!.id };
}

describe('erasure', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    const done = await loadDemo(ctx.database.db, systemActor('cli'), { seed: 18, size: 200, asOf: todayInShanghai() }, { activity: { log: () => undefined, fallbackUrl: 'http://localhost:3000' } });
    expect(done).toMatchObject({ status: 'done' });
    second = await ctx.newUser({ role: 'admin' });
    viewer = await ctx.newUser({ role: 'viewer' });
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('leaves none of the person in any table (nor in pg_dump), revenue unchanged; two people, once', async () => {
    const p = await personOf(await richestHousehold());
    p.phones.push(await mergeADuplicate(p));
    const { requestId, messageId } = await moreRecords(p);
    const needles = needlesOf(p);
    expect((await scan(needles)).length, 'the person is in the database before').toBeGreaterThan(5);
    const before = await revenue();
    const files = () => (existsSync(path.join(ctx.config.dataDir, 'attachments')) ? readdirSync(path.join(ctx.config.dataDir, 'attachments')).length : 0);
    expect(files()).toBeGreaterThan(0);

    // The two-person rule: proposed by the admin, who may not approve it; a viewer may do neither.
    expect(problemOf(await viewer.post(`/api/v1/privacy/requests/${requestId}/erasure`), 403).status).toBe(403);
    const proposed = ok<PrivacyErasureView>(await ctx.admin.post(`/api/v1/privacy/requests/${requestId}/erasure`), 201);
    expect(proposed).toMatchObject({ status: 'proposed', proposedById: ctx.admin.userId, canApprove: false });
    problemOf(await ctx.admin.post(`/api/v1/privacy/requests/${requestId}/erasure`), 409);
    const own = problemOf(await ctx.admin.lang('zh-CN').post(`/api/v1/privacy/requests/${requestId}/erasure/approve`), 403);
    expect(own.detail).toContain('另一位');
    expect(problemOf(await ctx.admin.lang('en').post(`/api/v1/privacy/requests/${requestId}/erasure/approve`), 403).detail).toMatch(/another user/);
    problemOf(await viewer.post(`/api/v1/privacy/requests/${requestId}/erasure/approve`), 403);
    expect(ok<PrivacyErasureView>(await second.get(`/api/v1/privacy/requests/${requestId}/erasure`)).canApprove).toBe(true);

    // The second admin approves: executed at once; a repeat with the same key replays, a new one is refused.
    const key = { 'idempotency-key': `erase-${requestId}` };
    const done = ok<PrivacyErasureView>(await second.post(`/api/v1/privacy/requests/${requestId}/erasure/approve`, {}, key));
    expect(done).toMatchObject({ status: 'executed', approvedById: second.userId });
    expect(done.records).toBeGreaterThanOrEqual(2); // the household and the duplicate merged into it
    const replay = await second.post(`/api/v1/privacy/requests/${requestId}/erasure/approve`, {}, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    problemOf(await second.post(`/api/v1/privacy/requests/${requestId}/erasure/approve`), 409);
    problemOf(await second.post(`/api/v1/privacy/requests/${requestId}/erasure/withdraw`), 409);

    // Nothing of them anywhere; the company's revenue as it was.
    expect(await scan(needles)).toEqual([]);
    const dump = await pgDump();
    if (dump !== null) expect(needles.filter((n) => dump.includes(n)), 'in pg_dump').toEqual([]);
    expect(await revenue()).toEqual(before);
    expect(files()).toBe(0);

    // The record stays as a pseudonym (its transactions point at it); the request is answered; the message never leaves.
    const c = ok<{ name: string; phones: string[]; idNumber: string | null; deletedAt: string | null }>(await ctx.admin.get(`/api/v1/customers/${p.id}`));
    expect(c).toMatchObject({ name: `已删除用户 #${p.id.replace(/-/g, '').slice(0, 8)}`, phones: [], idNumber: null });
    expect(c.deletedAt).not.toBeNull();
    expect(ok<PrivacyRequestView>(await ctx.admin.get(`/api/v1/privacy/requests/${requestId}`))).toMatchObject({ status: 'answered' });
    const [msg] = await q<{ status: string; reason: string }>(sql`select status, reason from messages where id = ${messageId}`);
    expect(msg).toEqual({ status: 'suppressed', reason: 'customer_deleted' });
    const [{ n }] = (await q<{ n: number }>(sql`select count(*)::int as n from segment_members where customer_id = ${p.id} and exited_at is null`)) as [{ n: number }];
    expect(n).toBe(0);

    // One audit entry of the execution, with ids and counts only.
    const entries = await q<{ changes: unknown }>(sql`select changes from audit_log where action = 'privacy_erasure' and entity_id = ${requestId}`);
    expect(entries).toHaveLength(1);
    expect(needles.filter((x) => JSON.stringify(entries[0]!.changes).includes(x))).toEqual([]);

    // The same person entered again is told (the keyed hashes), and nobody else is.
    const check = ok<{ erased: { reason: string }[] }>(await ctx.admin.get(`/api/v1/customers/duplicate-check?phones=${p.phones[0]}&idNumber=${p.idNumber}`));
    expect(check.erased.map((e) => e.reason).sort()).toEqual(['id_number', 'phone']);
    expect(ok<{ erased: unknown[] }>(await ctx.admin.get('/api/v1/customers/duplicate-check?phones=13700009999')).erased).toEqual([]);
    const [{ k }] = (await q<{ k: number }>(sql`select count(*)::int as k from privacy_erased_keys`)) as [{ k: number }];
    expect(k).toBe(p.phones.length + 1); // each phone (the duplicate's too) and the ID number
    // An import of the same person is refused (naming the column, saying why), a new person beside them is imported.
    const csv = `姓名,手机号\r\n回来的住户,${displayPhone(p.phones[0]!)}\r\n新住户甲,13700004321\r\n`;
    const { job, rejects } = await importFile(ctx.admin, 'customers', '回访名单.csv', csv);
    expect(job).toMatchObject({ created: 1, rejected: 1 });
    expect(rejects).toEqual([expect.objectContaining({ row: 2, field: 'phones', reason: expect.stringContaining('行使删除权') })]);
  });

  it('refuses what cannot be erased, as problem+json naming the field', async () => {
    const someone = await ctx.newCustomer({ name: '测试删除住户', phones: ['13700001111'] });
    const copy = ok<PrivacyRequestView>(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'copy', requesterName: '测试', customerId: someone.id }), 201);
    expect(problemOf(await ctx.admin.post(`/api/v1/privacy/requests/${copy.id}/erasure`), 409).errors[0]?.field).toBe('kind');
    const fresh = ok<PrivacyRequestView>(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'deletion', requesterName: '测试', customerId: someone.id }), 201);
    expect(problemOf(await ctx.admin.post(`/api/v1/privacy/requests/${fresh.id}/erasure`), 409).errors[0]?.field).toBe('status');
    const unlinked = ok<PrivacyRequestView>(
      await ctx.admin.post('/api/v1/privacy/requests', { kind: 'deletion', requesterName: '测试', verification: { method: 'in_person' } }),
      201,
    );
    ok(await ctx.admin.patch(`/api/v1/privacy/requests/${unlinked.id}`, { status: 'in_progress' }));
    expect(problemOf(await ctx.admin.post(`/api/v1/privacy/requests/${unlinked.id}/erasure`), 409).errors[0]?.field).toBe('customerId');
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/requests/not-an-id/erasure'), 400).errors[0]?.field).toBe('id');
    problemOf(await ctx.admin.post('/api/v1/privacy/requests/00000000-0000-4000-8000-000000000000/erasure'), 404);
    problemOf(await ctx.admin.post(`/api/v1/privacy/requests/${fresh.id}/erasure/approve`), 409);
    // A proposal withdrawn: nothing erased, the customer as it was.
    ok(await ctx.admin.patch(`/api/v1/privacy/requests/${fresh.id}`, { status: 'in_progress', verification: { method: 'in_person' } }));
    ok(await ctx.admin.post(`/api/v1/privacy/requests/${fresh.id}/erasure`), 201);
    expect(ok<PrivacyErasureView>(await second.post(`/api/v1/privacy/requests/${fresh.id}/erasure/withdraw`)).status).toBe('none');
    problemOf(await second.post(`/api/v1/privacy/requests/${fresh.id}/erasure/approve`), 409);
    expect(ok<{ name: string }>(await ctx.admin.get(`/api/v1/customers/${someone.id}`)).name).toBe('测试删除住户');
  });
});
