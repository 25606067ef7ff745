/**
 * 同意记录 (issue #18 item 4) through HTTP: every path that changes consent writes its ledger entry — the customer form
 * (create, edit), the import, a merge, the unsubscribe link, the SMS TD keyword, the public objection to marketing and
 * an agent — with its source, its consent text version and who recorded it; the consent column stays what the ledger
 * says; an objection to marketing stops marketing messages and leaves service ones; text versions are immutable once
 * used; bad input is a 4xx naming the field with nothing written.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import type { ConsentEntryView, ConsentLedgerView, ConsentTextView } from './consent.contract.js';
import { derivedConsent } from './consent.service.js';

let ctx: TestContext;
let viewer: Client;

const ledger = async (id: string): Promise<ConsentLedgerView> => ok<ConsentLedgerView>(await ctx.admin.get(`/api/v1/customers/${id}/consent`));
/** The entries oldest first, as (source action channel purpose). */
const entries = async (id: string) => (await ledger(id)).items.reverse().map((e: ConsentEntryView) => `${e.source} ${e.action} ${e.channel} ${e.purpose}`);
const state = async (id: string, channel: string, purpose: string) => (await ledger(id)).state.find((s) => s.channel === channel && s.purpose === purpose)!.granted;
const cache = async (id: string) => ok(await ctx.admin.get(`/api/v1/customers/${id}`)).consent as Record<string, boolean>;

/** The customer's cached consent equals what the ledger derives. */
async function cacheMatchesLedger(id: string): Promise<void> {
  const derived = (await derivedConsent(ctx.database.db, [id])).get(id)!;
  expect(await cache(id)).toEqual(derived);
}

describe('the consent ledger', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    viewer = await ctx.newUser({ role: 'viewer' });
  });
  afterAll(async () => ctx?.close());

  it('records the form: a create with consent, an edit that changes it; the cache is what the ledger says', async () => {
    const c = await ctx.newCustomer({ name: '同意测试甲', phones: ['13911110001'], email: 'a@example.com', consent: { sms: true, phone: true } });
    expect(await entries(c.id)).toEqual(['form grant phone all', 'form grant sms all']);
    const first = (await ledger(c.id)).items[0]!;
    expect(first).toMatchObject({ source: 'form', recordedById: ctx.admin.userId, recordedByName: '系统管理员', textId: null });
    expect(await state(c.id, 'sms', 'marketing')).toBe(true);
    expect(await state(c.id, 'email', 'service')).toBe(false);

    ok(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, consent: { sms: false, email: true } }));
    expect(await entries(c.id)).toEqual(['form grant phone all', 'form grant sms all', 'form withdraw sms all', 'form grant email all']);
    expect(await cache(c.id)).toEqual({ phone: true, sms: false, email: true, wechat: false });
    await cacheMatchesLedger(c.id);
    // An edit of something else writes no entry.
    const now = ok(await ctx.admin.get(`/api/v1/customers/${c.id}`));
    ok(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: now.version, notes: '无关修改', consent: { email: true } }));
    expect(await entries(c.id)).toHaveLength(4);
  });

  it('an agent records a withdrawal per purpose: marketing stops, the channel stays open for service; audited; the current text version is recorded', async () => {
    const text = ok<ConsentTextView>(await ctx.admin.post('/api/v1/privacy/consent-texts', { titleZh: '个人信息处理同意书', bodyZh: '我同意贵公司通过短信、电话等方式向我发送服务通知与营销信息。' }), 201);
    expect(text).toMatchObject({ version: 1, current: true, used: 0 });
    const c = await ctx.newCustomer({ name: '同意测试乙', phones: ['13911110002'], consent: { sms: true } });
    const after = ok<ConsentLedgerView>(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'sms', purpose: 'marketing', action: 'withdraw', note: '电话中口头撤回营销短信' }), 201);
    expect(after.items[0]).toMatchObject({ source: 'agent', action: 'withdraw', channel: 'sms', purpose: 'marketing', textId: text.id, textVersion: 1, note: '电话中口头撤回营销短信', recordedByName: '系统管理员' });
    expect(after.state.find((s) => s.channel === 'sms' && s.purpose === 'marketing')).toMatchObject({ granted: false, entryId: after.items[0]!.id });
    expect(after.state.find((s) => s.channel === 'sms' && s.purpose === 'service')!.granted).toBe(true);
    expect((await cache(c.id)).sms).toBe(true);
    await cacheMatchesLedger(c.id);

    // Marketing on SMS is suppressed (no consent for the purpose); a transactional SMS still goes.
    const marketing = ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'sms', category: 'marketing', body: '冬季促销' }), 201);
    expect(marketing).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
    const service = ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'sms', category: 'transactional', body: '您的报修已受理' }), 201);
    expect(service.status).toBe('queued');

    // 'all' channels at once, granted again: one entry per channel.
    ok(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'all', purpose: 'survey', action: 'grant' }), 201);
    expect((await entries(c.id)).slice(-4)).toEqual(['agent grant phone survey', 'agent grant sms survey', 'agent grant email survey', 'agent grant wechat survey']);
    expect(await state(c.id, 'email', 'survey')).toBe(true);
    expect(await state(c.id, 'email', 'service')).toBe(false);
    const audit = rowsOf<{ action: string; changes: Record<string, unknown> }>(
      await ctx.database.db.execute(sql`select action, changes from audit_log where entity_id = ${c.id} and action like 'consent_%' order by id`),
    );
    expect(audit.map((a) => a.action)).toEqual(['consent_withdraw', 'consent_grant']);
    expect(audit[0]!.changes).toMatchObject({ channel: 'sms', purpose: 'marketing', via: 'agent' });

    // A used text cannot be edited (409 naming id); a new version becomes current and is recorded from then on.
    const used = problemOf(await ctx.admin.patch(`/api/v1/privacy/consent-texts/${text.id}`, { titleZh: '改', revision: 1 }), 409);
    expect(used.errors[0]).toMatchObject({ field: 'id' });
    const v2 = ok<ConsentTextView>(await ctx.admin.post('/api/v1/privacy/consent-texts', { titleZh: '个人信息处理同意书（2026 版）', bodyZh: '……' }), 201);
    expect(v2.version).toBe(2);
    const edited = ok<ConsentTextView>(await ctx.admin.patch(`/api/v1/privacy/consent-texts/${v2.id}`, { bodyZh: '我同意……（修订）', revision: 1 }));
    expect(edited).toMatchObject({ revision: 2, bodyZh: '我同意……（修订）', current: true });
    expect(problemOf(await ctx.admin.patch(`/api/v1/privacy/consent-texts/${v2.id}`, { bodyZh: 'x', revision: 1 }), 409).errors[0]).toMatchObject({ field: 'revision' });
    const list = ok<{ items: ConsentTextView[] }>(await ctx.admin.get('/api/v1/privacy/consent-texts')).items;
    expect(list.map((x) => [x.version, x.current, x.used])).toEqual([[2, true, 0], [1, false, 6]]);
  });

  it('refuses bad input naming the field, in both languages, writing nothing; a viewer may read but not record', async () => {
    const c = await ctx.newCustomer({ name: '同意测试丙', consent: { sms: true } });
    const before = await countRows(ctx.database, 'privacy_consent_entries');
    const bad = problemOf(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'fax', purpose: 'marketing', action: 'withdraw' }), 400);
    expect(bad.errors.map((e) => e.field)).toEqual(['channel']);
    const en = problemOf(await ctx.admin.lang('en').post(`/api/v1/customers/${c.id}/consent`, { channel: 'sms', action: 'maybe' }), 400);
    expect(en.errors.map((e) => e.field).sort()).toEqual(['action', 'purpose']);
    expect(en.errors.find((e) => e.field === 'purpose')!.message).toContain('Purpose');
    const zh = problemOf(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'sms', purpose: 'all', action: 'grant', textId: '00000000-0000-4000-8000-000000000000' }), 400);
    expect(zh.errors[0]).toMatchObject({ field: 'textId', message: '找不到该版本的同意文本' });
    problemOf(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'sms', purpose: 'all', action: 'grant', extra: 1 }), 400);
    problemOf(await ctx.admin.post('/api/v1/customers/00000000-0000-4000-8000-000000000000/consent', { channel: 'sms', purpose: 'all', action: 'grant' }), 404);
    problemOf(await viewer.post(`/api/v1/customers/${c.id}/consent`, { channel: 'sms', purpose: 'all', action: 'withdraw' }), 403);
    problemOf(await viewer.post('/api/v1/privacy/consent-texts', { titleZh: 'x', bodyZh: 'y' }), 403);
    expect(problemOf(await ctx.admin.post('/api/v1/privacy/consent-texts', { titleZh: ' ', bodyZh: 'y' }), 400).errors[0]!.field).toBe('titleZh');
    expect(problemOf(await ctx.admin.get(`/api/v1/customers/${c.id}/consent?cursor=bogus`), 400).errors[0]!.field).toBe('cursor');
    expect(await countRows(ctx.database, 'privacy_consent_entries')).toBe(before);
    expect(ok<ConsentLedgerView>(await viewer.get(`/api/v1/customers/${c.id}/consent`)).items).toHaveLength(1);
  });

  it('pages the ledger newest first with a cursor of its own customer', async () => {
    const c = await ctx.newCustomer({ name: '同意测试丁', consent: {} });
    for (const action of ['grant', 'withdraw', 'grant'] as const) ok(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'email', purpose: 'all', action }), 201);
    const p1 = ok<ConsentLedgerView>(await ctx.admin.get(`/api/v1/customers/${c.id}/consent?limit=2`));
    expect(p1.items.map((e) => e.action)).toEqual(['grant', 'withdraw']);
    const p2 = ok<ConsentLedgerView>(await ctx.admin.get(`/api/v1/customers/${c.id}/consent?limit=2&cursor=${p1.nextCursor}`));
    expect(p2.items.map((e) => e.action)).toEqual(['grant']);
    expect(p2.nextCursor).toBeNull();
    const other = await ctx.newCustomer({ name: '同意测试戊' });
    expect(problemOf(await ctx.admin.get(`/api/v1/customers/${other.id}/consent?cursor=${p1.nextCursor}`), 400).errors[0]!.field).toBe('cursor');
  });

  it('records the unsubscribe link, the objection to marketing on the public page, and the TD keyword', async () => {
    const c = await ctx.newCustomer({ name: '同意测试己', phones: ['13911110006'], email: 'ji@example.com', consent: { sms: true, email: true, wechat: true } });
    const mail = ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'email', category: 'marketing', subject: '冬季活动', body: '您好' }), 201);
    const token = /unsubscribe\/([\w-]{22}\.[\w-]{22})/.exec(mail.body as string)![1]!;

    // One click: no marketing on any channel (PIPL Art. 24); service stays; a second click records nothing new.
    expect(ok(await ctx.anon.post(`/api/v1/unsubscribe/${token}/marketing`))).toMatchObject({ withdrawn: false, marketingObjected: true });
    expect(await entries(c.id)).toEqual([
      'form grant sms all', 'form grant email all', 'form grant wechat all',
      'public_page withdraw phone marketing', 'public_page withdraw sms marketing', 'public_page withdraw email marketing', 'public_page withdraw wechat marketing',
    ]);
    expect((await ledger(c.id)).items[0]).toMatchObject({ ref: mail.id, recordedById: null });
    ok(await ctx.anon.post(`/api/v1/unsubscribe/${token}/marketing`));
    expect(await entries(c.id)).toHaveLength(7);
    expect(ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'email', category: 'care', subject: '生日快乐', body: '祝您生日快乐' }), 201)).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
    expect(ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'email', category: 'transactional', subject: '缴费成功', body: '已到账' }), 201).status).toBe('queued');
    // The queued marketing email is held back by the sender too.
    expect(await cache(c.id)).toEqual({ phone: false, sms: true, email: true, wechat: true });

    // The link itself: the message's channel, every purpose.
    ok(await ctx.anon.post(`/api/v1/unsubscribe/${token}`));
    expect((await entries(c.id)).at(-1)).toBe('unsubscribe_link withdraw email all');
    expect((await ledger(c.id)).items[0]!.ref).toBe(mail.id);
    expect((await cache(c.id)).email).toBe(false);

    // An inbound TD from the customer's number: SMS, every purpose, the keyword as ref.
    ok(await ctx.admin.patch('/api/v1/message-settings', { sms: { inboundKey: 'consent-key' } }));
    expect(ok(await ctx.anon.post('/api/v1/messages/inbound/sms?key=consent-key', { phone_number: '13911110006', content: '退订' }))).toMatchObject({ unsubscribed: 1 });
    expect((await ledger(c.id)).items[0]).toMatchObject({ source: 'sms_keyword', action: 'withdraw', channel: 'sms', purpose: 'all', ref: '退订' });
    expect(await cache(c.id)).toEqual({ phone: false, sms: false, email: false, wechat: true });
    await cacheMatchesLedger(c.id);
  });

  it('records the import (created and updated rows) and a merge that took the duplicate’s consent', async () => {
    const csv = '姓名,手机号,短信联系,邮件联系\r\n导入同意甲,13911110101,是,否\r\n导入同意乙,13911110102,,是\r\n';
    const { job, rejects } = await importFile(ctx.admin, 'customers', '同意导入.csv', csv);
    expect(rejects).toEqual([]);
    expect(job).toMatchObject({ created: 2 });
    const byName = new Map(rowsOf<{ id: string; name: string }>(await ctx.database.db.execute(sql`select id, name from customers where name like '导入同意%'`)).map((r) => [r.name, r]));
    const ids = [byName.get('导入同意甲')!, byName.get('导入同意乙')!];
    expect(await entries(ids[0]!.id)).toEqual(['import grant sms all']);
    expect((await ledger(ids[0]!.id)).items[0]!.ref).toBe(job.id);
    expect(await entries(ids[1]!.id)).toEqual(['import grant email all']);
    // A second file updates the first customer (matched by phone): the SMS consent withdrawn.
    const again = await importFile(ctx.admin, 'customers', '同意导入2.csv', '姓名,手机号,短信联系\r\n导入同意甲,13911110101,否\r\n', { options: { onDuplicate: 'update' } });
    expect(again.job).toMatchObject({ updated: 1 });
    expect(await entries(ids[0]!.id)).toEqual(['import grant sms all', 'import withdraw sms all']);
    const badCell = await importFile(ctx.admin, 'customers', '同意导入3.csv', '姓名,短信联系\r\n导入同意丙,也许\r\n');
    expect(badCell.rejects[0]).toMatchObject({ field: 'consentSms' });
    await cacheMatchesLedger(ids[0]!.id);

    const survivor = await ctx.newCustomer({ name: '合并同意甲', phones: ['13911110201'], consent: { sms: false } });
    const dup = await ctx.newCustomer({ name: '合并同意甲', phones: ['13911110202'], consent: { sms: true, wechat: true } });
    ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: dup.id, survivorVersion: survivor.version, mergedVersion: dup.version, values: { consent: 'merged' } }));
    expect(await entries(survivor.id)).toEqual(['merge grant sms all', 'merge grant wechat all']);
    expect((await ledger(survivor.id)).items[0]!.ref).toBe(dup.id);
    await cacheMatchesLedger(survivor.id);
  });

  it('adopts a consent the ledger never heard of (written before it, or by a bulk load) before recording a change', async () => {
    const c = await ctx.newCustomer({ name: '旧数据客户', consent: {} });
    // As a customer written before the ledger existed: consent in the column, no entry.
    await ctx.database.db.execute(sql`update customers set consent = '{"phone": true, "sms": true, "email": false, "wechat": false}'::jsonb where id = ${c.id}`);
    ok(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: 'email', purpose: 'all', action: 'grant' }), 201);
    expect(await entries(c.id)).toEqual(['migration grant phone all', 'migration grant sms all', 'agent grant email all']);
    expect(await cache(c.id)).toEqual({ phone: true, sms: true, email: true, wechat: false });
    await cacheMatchesLedger(c.id);
  });
});
