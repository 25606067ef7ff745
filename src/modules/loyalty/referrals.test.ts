/**
 * 老带新 through HTTP: a new customer created with a member's code (the API, the customers import) is attributed and
 * enrolled; the referee's first payment rewards both exactly once — also when the payment is imported twice, sent
 * twice at once, or (PostgreSQL) arrives on two server processes at once; the fraud rules (same phone, ID number,
 * address; the monthly cap; an inactive referrer) refuse with a stored reason in the reader's language; an agent
 * attributes a recent customer; an unknown code is a 400 naming the field; the list's scope and the funnel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, prepareDatabase } from '../../app.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { loadConfig } from '../../platform/config.js';
import { openDatabase, rowsOf, type Database } from '../../platform/db/client.js';
import type { App } from '../../platform/http/server.js';
import { ADMIN, Client, createTestContext, migratedPostgresDatabase, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { importFile } from '../../test/imports.js';
import type { LedgerEntryView, MemberView, Programme, ReferralView } from './loyalty.contract.js';
import { addressKey, referralFunnel, sameAddress } from './referrals.js';

let ctx: TestContext;
let agent: Client;
let otherAgent: Client;
let manager: Client;
const now = () => new Date();

let seq = 0;
const phone = () => `1390000${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

const enrol = async (as: Client, id: string) => ok<MemberView>(await as.post(`/api/v1/loyalty/members/${id}`, {}), 201);
const referralOf = async (as: Client, refereeId: string) => ok<{ items: ReferralView[] }>(await as.get(`/api/v1/loyalty/referrals?refereeId=${refereeId}`)).items[0];
const ledger = async (as: Client, id: string) => ok<{ items: LedgerEntryView[] }>(await as.get(`/api/v1/loyalty/members/${id}/ledger?limit=200`)).items;
const referralEntries = async (as: Client, id: string) => (await ledger(as, id)).filter((e) => e.sourceKind === 'referral');
const pay = (as: Client, customerId: string, body: Record<string, unknown> = {}) =>
  as.post(`/api/v1/customers/${customerId}/transactions`, { type: 'payment', amountFen: 260_000, occurredAt: now().toISOString(), ...body });

/** A member with a referral code, owned by `agent`. */
async function newReferrer(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; code: string; phone: string }> {
  const p = phone();
  const c = await ctx.newCustomer({ name, phones: [p], ownerId: agent.userId, ...extra }, agent);
  return { id: c.id, code: (await enrol(agent, c.id)).referralCode, phone: p };
}

describe('referrals (老带新)', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    otherAgent = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
  });
  afterAll(() => ctx.close());

  it('a customer created with a code is attributed and enrolled; the first payment rewards both once', async () => {
    const referrer = await newReferrer('李建国');
    const typed = `${referrer.code.slice(0, 5).toLowerCase()}-${referrer.code.slice(5)}`; // as people type it
    const referee = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '王芳', phones: [phone()], referralCode: typed }), 201);
    const r = await referralOf(agent, referee.id);
    expect(r).toMatchObject({ referrerId: referrer.id, referrerName: '李建国', refereeName: '王芳', code: referrer.code, status: 'pending', refusedReason: null });
    expect(ok<MemberView>(await agent.get(`/api/v1/loyalty/members/${referee.id}`))).toMatchObject({ referredBy: referrer.id, balance: 0 });

    const paid = ok<{ id: string }>(await pay(agent, referee.id), 201);
    expect(await referralOf(agent, referee.id)).toMatchObject({ status: 'rewarded', qualifyingTransactionId: paid.id, rewardedAt: expect.any(String) });
    expect((await referralEntries(agent, referrer.id)).map((e) => [e.kind, e.points, e.reason])).toEqual([['bonus', 500, '推荐新客户 王* 奖励']]);
    expect((await referralEntries(agent, referee.id)).map((e) => [e.kind, e.points, e.reason])).toEqual([['bonus', 200, '经 李** 推荐入会奖励']]);
    const en = ok<{ items: LedgerEntryView[] }>(await agent.get(`/api/v1/loyalty/members/${referee.id}/ledger`, { 'accept-language': 'en' })).items;
    expect(en.find((e) => e.sourceKind === 'referral')!.reason).toBe("Joined on 李**'s referral");
    // Another payment, and two at once: nothing more.
    ok(await pay(agent, referee.id), 201);
    await Promise.all([pay(agent, referee.id), pay(agent, referee.id)]);
    expect(await referralEntries(agent, referrer.id)).toHaveLength(1);
    expect(await referralEntries(agent, referee.id)).toHaveLength(1);
  });

  it('an unknown code is a 400 naming the field, in zh-CN and English, and creates nothing', async () => {
    const before = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from customers`))[0]!.n;
    const zh = problemOf(await agent.post('/api/v1/customers', { name: '赵六', referralCode: 'ABCDEFGHJK' }), 400);
    expect(zh.errors).toEqual([{ field: 'referralCode', message: '推荐码 ABCDEFGHJK 不存在' }]);
    const en = problemOf(await agent.post('/api/v1/customers', { name: '赵六', referralCode: '{x,y}' }, { 'accept-language': 'en' }), 400);
    expect(en.errors).toEqual([{ field: 'referralCode', message: 'There is no referral code {X,Y}' }]);
    expect(rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from customers`))[0]!.n).toBe(before);
    // An empty code is no code.
    ok(await agent.post('/api/v1/customers', { name: '赵七', referralCode: ' ' }), 201);
  });

  it('self-referral by the same phone is refused with its reason (zh-CN and English), stored, and never rewarded', async () => {
    const referrer = await newReferrer('张伟');
    const referee = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '张伟（二号）', phones: [referrer.phone], referralCode: referrer.code }), 201);
    expect(await referralOf(agent, referee.id)).toMatchObject({ status: 'refused', refusedReason: '被推荐人与推荐人手机号相同，视为自己推荐自己' });
    const en = ok<{ items: ReferralView[] }>(await agent.get(`/api/v1/loyalty/referrals?refereeId=${referee.id}`, { 'accept-language': 'en' })).items[0]!;
    expect(en.refusedReason).toBe("The new customer has the referrer's phone number: a self-referral");
    problemOf(await agent.get(`/api/v1/loyalty/members/${referee.id}`), 404); // not enrolled by a refused referral
    ok(await pay(agent, referee.id, { heatingSeason: '2030-2031' }), 201); // a fee paid ahead of its season earns
    expect(ok<MemberView>(await agent.get(`/api/v1/loyalty/members/${referee.id}`)).referredBy).toBeNull(); // enrolled by the payment
    expect((await referralOf(agent, referee.id))!.status).toBe('refused');
    expect(await referralEntries(agent, referrer.id)).toEqual([]);
  });

  it('self-referral through a contact’s phone is refused too: the referrer’s contacts, and the referee’s (attributed later)', async () => {
    // An organisation member whose contact (联系人) has a phone; a new customer with that phone as its own.
    const org = await newReferrer('松北物业公司', { kind: 'organization' });
    const contactPhone = phone();
    ok(await agent.post(`/api/v1/customers/${org.id}/contacts`, { name: '刘经理', phones: [contactPhone] }), 201);
    const viaContact = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '刘经理本人', phones: [contactPhone], referralCode: org.code }), 201);
    expect(await referralOf(agent, viaContact.id)).toMatchObject({ status: 'refused', refusedReason: '被推荐人与推荐人手机号相同，视为自己推荐自己' });
    const en = ok<{ items: ReferralView[] }>(await agent.get(`/api/v1/loyalty/referrals?refereeId=${viaContact.id}`, { 'accept-language': 'en' })).items[0]!;
    expect(en.refusedReason).toBe("The new customer has the referrer's phone number: a self-referral");
    problemOf(await agent.get(`/api/v1/loyalty/members/${viaContact.id}`), 404);
    // The other way round: an organisation listing the referrer's own phone as a contact's, attributed by an agent.
    const person = await newReferrer('孙丽');
    const shop = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '孙丽的小卖部', kind: 'organization', phones: [phone()] }), 201);
    ok(await agent.post(`/api/v1/customers/${shop.id}/contacts`, { name: '孙丽', phones: [person.phone] }), 201);
    const made = ok<ReferralView>(await agent.post('/api/v1/loyalty/referrals', { refereeId: shop.id, code: person.code }), 201);
    expect(made).toMatchObject({ status: 'refused', refusedReason: '被推荐人与推荐人手机号相同，视为自己推荐自己' });
    // A deleted contact no longer counts: another organisation whose contact was removed is accepted.
    const other = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '孙丽的旧店', kind: 'organization', phones: [phone()] }), 201);
    const gone = ok<{ id: string }>(await agent.post(`/api/v1/customers/${other.id}/contacts`, { name: '孙丽', phones: [person.phone] }), 201);
    expect((await agent.delete(`/api/v1/customers/${other.id}/contacts/${gone.id}`)).statusCode).toBe(204);
    expect(ok<ReferralView>(await agent.post('/api/v1/loyalty/referrals', { refereeId: other.id, code: person.code }), 201).status).toBe('pending');
  });

  it('the same ID number or the same address (written differently) is refused with its reason', async () => {
    const referrer = await newReferrer('刘洋', { idNumber: '11010519491231002X', address: { city: '哈尔滨市', compound: '幸福小区', building: '3', unit: '2', room: '301' } });
    const byId = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '刘洋妻', phones: [phone()], idNumber: '11010519491231002x', referralCode: referrer.code }), 201);
    expect((await referralOf(agent, byId.id))!.refusedReason).toBe('被推荐人与推荐人证件号码相同');
    const byAddress = ok<{ id: string }>(
      await agent.post('/api/v1/customers', { name: '刘洋子', phones: [phone()], address: { street: '幸福小区 3 号楼 2 单元 301 室' }, referralCode: referrer.code }, { 'accept-language': 'en' }),
      201,
    );
    expect((await referralOf(agent.lang('en'), byAddress.id))!.refusedReason).toBe("The new customer lives at the referrer's address");
    // A neighbour in the same compound is welcome.
    const neighbour = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '邻居', phones: [phone()], address: { compound: '幸福小区', building: '3', unit: '2', room: '302' }, referralCode: referrer.code }), 201);
    expect((await referralOf(agent, neighbour.id))!.status).toBe('pending');
    expect(sameAddress({ compound: '幸福小区' }, { compound: '幸福小区' })).toBe(false); // a compound alone is no dwelling
    expect(addressKey({ street: '幸福小区３号楼２单元３０１室' })).toBe('幸福小区32301');
  });

  it('the monthly cap: attributions beyond it this month are refused (refusals do not count); 0 means no cap', async () => {
    const p = ok<Programme>(await manager.get('/api/v1/loyalty/programme'));
    ok(await manager.put('/api/v1/loyalty/programme', { ...p, referral: { ...p.referral, monthlyCap: 2 } }));
    try {
      const referrer = await newReferrer('陈静');
      const ids: string[] = [];
      ids.push(ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '甲', phones: [referrer.phone], referralCode: referrer.code }), 201).id); // refused: same phone
      for (const name of ['乙', '丙', '丁']) ids.push(ok<{ id: string }>(await agent.post('/api/v1/customers', { name, phones: [phone()], referralCode: referrer.code }), 201).id);
      const statuses = await Promise.all(ids.map(async (id) => (await referralOf(agent, id))!));
      expect(statuses.map((s) => s.status)).toEqual(['refused', 'pending', 'pending', 'refused']);
      expect(statuses[3]!.refusedReason).toBe('推荐人本月推荐人数已达上限');
      // Last month's referrals do not count this month.
      await ctx.database.db.execute(sql`update loyalty_referrals set created_at = created_at - interval '40 days' where referrer_id = ${referrer.id}`);
      const next = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '戊', phones: [phone()], referralCode: referrer.code }), 201);
      expect((await referralOf(agent, next.id))!.status).toBe('pending');
      ok(await manager.put('/api/v1/loyalty/programme', { ...p, referral: { ...p.referral, monthlyCap: 0 } }));
      for (const name of ['己', '庚', '辛']) {
        const c = ok<{ id: string }>(await agent.post('/api/v1/customers', { name, phones: [phone()], referralCode: referrer.code }), 201);
        expect((await referralOf(agent, c.id))!.status).toBe('pending');
      }
    } finally {
      ok(await manager.put('/api/v1/loyalty/programme', p));
    }
  });

  it('an inactive referrer: refused at attribution, and at the reward when the referrer left meanwhile', async () => {
    const referrer = await newReferrer('孙丽');
    const early = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '孙丽的朋友', phones: [phone()], referralCode: referrer.code }), 201);
    await ctx.database.db.execute(sql`update loyalty_members set status = 'left' where customer_id = ${referrer.id}`);
    const late = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '孙丽的同事', phones: [phone()], referralCode: referrer.code }), 201);
    expect((await referralOf(agent, late.id))!.refusedReason).toBe('推荐人的会员资格已失效');
    ok(await pay(agent, early.id), 201);
    expect(await referralOf(agent, early.id)).toMatchObject({ status: 'refused', refusedReason: '推荐人的会员资格已失效' });
    expect(await referralEntries(agent, early.id)).toEqual([]);
  });

  it('an agent attributes a recent customer by code (pending or refused, stored); the checks name the field', async () => {
    const referrer = await newReferrer('周敏');
    const c = await ctx.newCustomer({ name: '周敏的邻居', phones: [phone()], ownerId: agent.userId }, agent);
    const made = ok<ReferralView>(await agent.post('/api/v1/loyalty/referrals', { refereeId: c.id, code: referrer.code.toLowerCase() }), 201);
    expect(made).toMatchObject({ refereeId: c.id, referrerId: referrer.id, status: 'pending', refusedReason: null });
    const again = problemOf(await agent.post('/api/v1/loyalty/referrals', { refereeId: c.id, code: referrer.code }), 409);
    expect(again.errors).toEqual([{ field: 'refereeId', message: '该客户已有推荐关系' }]);
    const unknown = problemOf(await agent.post('/api/v1/loyalty/referrals', { refereeId: c.id, code: 'ZZZZZZZZZZ' }, { 'accept-language': 'en' }), 400);
    expect(unknown.errors).toEqual([{ field: 'code', message: 'There is no referral code ZZZZZZZZZZ' }]);
    // A customer who paid already is too late; so is one created more than 30 days ago.
    const paid = await ctx.newCustomer({ name: '已缴费', phones: [phone()], ownerId: agent.userId }, agent);
    ok(await pay(agent, paid.id), 201);
    expect(problemOf(await agent.post('/api/v1/loyalty/referrals', { refereeId: paid.id, code: referrer.code }), 409).errors[0]).toMatchObject({ field: 'refereeId', message: '该客户已有缴费或消费记录，不能再补录推荐关系' });
    const old = await ctx.newCustomer({ name: '老客户', phones: [phone()], ownerId: agent.userId }, agent);
    await ctx.database.db.execute(sql`update customers set created_at = now() - interval '31 days' where id = ${old.id}`);
    expect(problemOf(await agent.post('/api/v1/loyalty/referrals', { refereeId: old.id, code: referrer.code }), 409).errors[0]!.message).toBe('只能为 30 天内新建的客户补录推荐关系');
    // The referrer's own code on the referrer: stored as refused.
    const self = ok<ReferralView>(await agent.post('/api/v1/loyalty/referrals', { refereeId: referrer.id, code: referrer.code }), 201);
    expect(self).toMatchObject({ status: 'refused', refusedReason: '会员不能推荐自己' });
    // Out of scope: 404; without loyalty:write (a viewer): 403.
    problemOf(await otherAgent.post('/api/v1/loyalty/referrals', { refereeId: (await ctx.newCustomer({ name: 'x', ownerId: agent.userId }, agent)).id, code: referrer.code }), 404);
    const viewer = await ctx.newUser({ role: 'viewer' });
    problemOf(await viewer.post('/api/v1/loyalty/referrals', { refereeId: c.id, code: referrer.code }), 403);
  });

  it('the customers import attributes by its 推荐码 column (an unknown code rejects the row); payments imported twice reward once', async () => {
    const referrer = await newReferrer('吴刚');
    const p1 = phone();
    const csv = `姓名,手机,详细地址,推荐码\n吴刚的朋友,${p1},和平小区1号楼1单元101,${referrer.code}\n冒名,${phone()},和平小区1号楼1单元102,WRONGCODE9\n`;
    const first = await importFile(agent, 'customers', 'referrals.csv', csv);
    expect(first.preview.suggestedMapping).toMatchObject({ 推荐码: 'referralCode' });
    expect(first.job).toMatchObject({ created: 1, rejected: 1 });
    expect(first.rejects[0]).toMatchObject({ field: 'referralCode', reason: '推荐码 WRONGCODE9 不存在' });
    const again = await importFile(agent, 'customers', 'referrals.csv', csv);
    expect(again.job).toMatchObject({ created: 0 });
    const referrals = ok<{ items: ReferralView[] }>(await agent.get(`/api/v1/loyalty/referrals?referrerId=${referrer.id}`)).items;
    expect(referrals).toEqual([expect.objectContaining({ refereeName: '吴刚的朋友', status: 'pending' })]);
    const refereeId = referrals[0]!.refereeId;

    const day = now().toISOString().slice(0, 10);
    const tx = `手机,缴费单号,日期,金额,类型\n${p1},RF-1,${day},2600.00,缴费\n`;
    await importFile(agent, 'transactions', 'fees.csv', tx);
    await importFile(agent, 'transactions', 'fees.csv', tx); // the same file again
    await importFile(agent, 'transactions', 'fees-2.csv', `${tx}${p1},RF-2,${day},100.00,缴费\n`); // the same payment in another file, and a second one
    expect((await referralOf(agent, refereeId))!.status).toBe('rewarded');
    expect((await referralEntries(agent, referrer.id)).map((e) => e.points)).toEqual([500]);
    expect((await referralEntries(agent, refereeId)).map((e) => e.points)).toEqual([200]);
  });

  it('the list: keyset pages, filters, the data scope (a party out of scope is named masked)', async () => {
    const referrer = await newReferrer('郑爽');
    const mine = ok<{ id: string }>(await agent.post('/api/v1/customers', { name: '郑爽的表哥', phones: [phone()], referralCode: referrer.code }), 201);
    // The other agent's own new customer, referred by agent's member: the other agent sees it, the referrer masked.
    const theirs = ok<{ id: string }>(await otherAgent.post('/api/v1/customers', { name: '郑爽的同学', phones: [phone()], referralCode: referrer.code }), 201);
    const seen = ok<{ items: ReferralView[] }>(await otherAgent.get(`/api/v1/loyalty/referrals?referrerId=${referrer.id}`)).items;
    expect(seen.map((r) => [r.refereeId, r.refereeName, r.referrerName])).toEqual([[theirs.id, '郑爽的同学', '郑*']]);
    const all = ok<{ items: ReferralView[]; nextCursor: string | null }>(await agent.get(`/api/v1/loyalty/referrals?referrerId=${referrer.id}&limit=1`));
    expect(all.items.map((r) => r.refereeId)).toEqual([theirs.id]);
    const next = ok<{ items: ReferralView[]; nextCursor: string | null }>(await agent.get(`/api/v1/loyalty/referrals?referrerId=${referrer.id}&limit=1&cursor=${all.nextCursor}`));
    expect(next.items.map((r) => r.refereeId)).toEqual([mine.id]);
    expect(next.nextCursor).toBeNull();
    const refused = ok<{ items: ReferralView[] }>(await agent.get('/api/v1/loyalty/referrals?status=refused&limit=200')).items;
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 'refused' && r.refusedReason)).toBe(true);
    problemOf(await agent.get('/api/v1/loyalty/referrals?cursor=bogus'), 400);
  });

  it('the funnel counts attributions, refusals by reason, rewards and points paid in a period', async () => {
    const from = new Date(Date.now() - 86_400_000);
    const to = new Date(Date.now() + 86_400_000);
    const f = await referralFunnel(ctx.database.db, systemActor('system', 'en'), { from, to });
    expect(f.rewarded).toBe(2);
    expect(f.pointsPaid).toBe(1400);
    expect(f.attributed).toBeGreaterThanOrEqual(8);
    expect(f.refused.byReason).toEqual(
      expect.arrayContaining([
        // One by the main phone and two through contacts' phones (the cap test's moved to last month).
        { reason: 'same_phone', label: "The new customer has the referrer's phone number: a self-referral", count: 3 },
        { reason: 'same_id_number', label: "The new customer has the referrer's ID number", count: 1 },
        { reason: 'same_address', label: "The new customer lives at the referrer's address", count: 1 },
        { reason: 'self', label: 'A member cannot refer themselves', count: 1 },
      ]),
    );
    expect(f.refused.total).toBe(f.refused.byReason.reduce((s, r) => s + r.count, 0));
  });
});

describe.runIf(TEST_DB_KIND === 'postgres')('two server processes on one PostgreSQL database', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let dbs: Database[] = [];
  let apps: App[] = [];
  let dataDir: string;

  beforeAll(async () => {
    scratch = await migratedPostgresDatabase('hearth_referrals');
    dbs = [await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 }), await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 })];
    await prepareDatabase(dbs[0]!);
    dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-referrals-'));
    const config = { ...loadConfig({}), dataDir, logLevel: 'silent' as const, loginRatePerMinute: 100_000 };
    apps = [await buildApp({ config, database: dbs[0]!, logger: false }), await buildApp({ config, database: dbs[1]!, logger: false })];
    for (const app of apps) await app.ready();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.close();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a referral reward is paid exactly once when the qualifying payments arrive on two processes at once', async () => {
    const anon = new Client(apps[0]!);
    ok(await anon.post('/api/v1/setup', { companyName: '热力', template: 'heating', admin: { username: ADMIN.username, displayName: ADMIN.displayName, password: ADMIN.password } }), 201);
    const res = await anon.post('/api/v1/auth/login', { login: ADMIN.username, password: ADMIN.password });
    const body = res.json() as { csrfToken: string; user: { id: string } };
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const [a, b] = apps.map((app) => new Client(app, cookie, body.csrfToken, body.user.id));
    const referrer = ok<{ id: string }>(await a!.post('/api/v1/customers', { name: '双进程推荐人', phones: ['13911110000'] }), 201);
    const code = ok<MemberView>(await a!.post(`/api/v1/loyalty/members/${referrer.id}`, {}), 201).referralCode;
    const referees: string[] = []; // five: the default programme's monthly cap
    for (let i = 0; i < 5; i++) referees.push(ok<{ id: string }>(await a!.post('/api/v1/customers', { name: `被推荐人${i}`, phones: [`1391111${String(i + 1).padStart(4, '0')}`], referralCode: code }), 201).id);
    const at = new Date().toISOString();
    // Two payments of each referee at once, one on each process; the same payment (one receipt number) too.
    await Promise.all(
      referees.flatMap((id, i) => [
        a!.post(`/api/v1/customers/${id}/transactions`, { type: 'payment', amountFen: 100_000, occurredAt: at, externalId: `TWO-${i}` }),
        b!.post(`/api/v1/customers/${id}/transactions`, { type: 'payment', amountFen: 100_000, occurredAt: at, externalId: i % 2 ? `TWO-${i}` : `TWO-${i}-b` }),
      ]),
    );
    const rows = rowsOf<{ status: string; n: number }>(await dbs[0]!.db.execute(sql`select status, count(*)::int as n from loyalty_referrals group by status`));
    expect(rows).toEqual([{ status: 'rewarded', n: 5 }]);
    const entries = rowsOf<{ customer_id: string; points: string }>(await dbs[0]!.db.execute(sql`select customer_id, points from points_entries where source_kind = 'referral'`));
    expect(entries.filter((e) => e.customer_id === referrer.id).map((e) => Number(e.points))).toEqual([500, 500, 500, 500, 500]);
    for (const id of referees) expect(entries.filter((e) => e.customer_id === id).map((e) => Number(e.points))).toEqual([200]);
  });

  it('a double submit of the join page on both processes creates one customer', async () => {
    const [code] = rowsOf<{ referral_code: string }>(await dbs[0]!.db.execute(sql`select referral_code from loyalty_members order by member_no limit 1`)).map((r) => r.referral_code);
    const form = new URLSearchParams({ name: '扫码新户', phone: '13922223333', address: '光明小区5号楼1单元502' }).toString();
    const send = (app: App) => app.inject({ method: 'POST', url: `/s/j/${code}`, payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: '10.77.0.1' });
    const answers = await Promise.all([send(apps[0]!), send(apps[1]!), send(apps[0]!), send(apps[1]!)]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    for (const r of answers) expect(r.body).toContain('登记成功');
    const made = rowsOf<{ n: number }>(await dbs[0]!.db.execute(sql`select count(*)::int as n from customer_directory where '+8613922223333' = any(phones)`))[0]!;
    expect(made.n).toBe(1);
  });
});
