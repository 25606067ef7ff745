/**
 * The public join page /s/j/<code>: the referrer masked and the offer (zh-CN by default, English by ?lang=en); a
 * submit creates the customer (owned by the referrer's account manager) attributed to the code; a double submit, one
 * after the other or at once, creates one customer; the referrer's own number is refused as a self-referral, writing
 * nothing; a fraud refusal is shown with its reason; bad input comes back with messages (escaped); unknown codes, a
 * programme that is off and floods are HTML pages.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { MemberView, Programme, ReferralView } from './loyalty.contract.js';
import { JOIN_LIMITS } from './public.join.js';

let ctx: TestContext;
let agent: Client;
let referrer: { id: string; code: string };
let ipSeq = 0;

function visitor(headers: Record<string, string> = {}) {
  const ip = `10.66.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
  return {
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers, remoteAddress: ip }),
    form: (url: string, form: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, remoteAddress: ip }),
  };
}

const customersWith = async (phone: string) =>
  rowsOf<{ id: string; owner_id: string | null; street: string | null; name: string }>(await ctx.database.db.execute(sql`select id, owner_id, street, name from customer_directory where ${phone} = any(phones)`));
const referralOf = async (refereeId: string) => ok<{ items: ReferralView[] }>(await ctx.admin.get(`/api/v1/loyalty/referrals?refereeId=${refereeId}`)).items[0];

describe('the public join page', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    const c = await ctx.newCustomer({ name: '李建国', phones: ['13900006001'], ownerId: agent.userId, address: { compound: '幸福小区', building: '3', unit: '2', room: '301' } }, agent);
    referrer = { id: c.id, code: ok<MemberView>(await agent.post(`/api/v1/loyalty/members/${c.id}`, {}), 201).referralCode };
  });
  afterAll(() => ctx.close());

  it('shows the referrer masked and the offer, zh-CN by default and English by ?lang=en, with no script', async () => {
    const zh = await visitor().get(`/s/j/${referrer.code}`);
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(zh.headers['content-security-policy']).toContain("default-src 'none'");
    expect(zh.body).toContain('李** 邀请您成为我们的会员');
    expect(zh.body).not.toContain('李建国');
    expect(zh.body).toContain('您将获得 200 积分，推荐人也将获得 500 积分');
    expect(zh.body).toContain('<title>测试热力公司会员邀请</title>');
    expect(zh.body).not.toContain('<script');
    const en = await visitor().get(`/s/j/${referrer.code.toLowerCase()}?lang=en`);
    expect(en.body).toContain('李** invites you to become a member');
    expect(en.body).toContain('<html lang="en">');
    const unknown = await visitor().get('/s/j/ZZZZZZZZZZ');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('邀请链接无效');
  });

  it('a submit registers the customer, attributed and owned like the referrer; a double submit creates one customer', async () => {
    const form = { name: '王芳', phone: '139-0000-6002', address: '光明小区5号楼1单元502' };
    const v = visitor();
    const first = await v.form(`/s/j/${referrer.code}`, form);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.body).toContain('登记成功');
    expect(first.body).toContain('200 积分将存入您的会员账户');
    const again = await v.form(`/s/j/${referrer.code}`, form);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('登记成功');
    const made = await customersWith('+8613900006002');
    expect(made).toEqual([expect.objectContaining({ name: '王芳', owner_id: agent.userId, street: '光明小区5号楼1单元502' })]);
    expect(await referralOf(made[0]!.id)).toMatchObject({ referrerId: referrer.id, status: 'pending' });
    // At once.
    const twice = { name: '赵强', phone: '13900006003', address: '光明小区5号楼1单元503' };
    const both = await Promise.all([visitor().form(`/s/j/${referrer.code}`, twice), visitor().form(`/s/j/${referrer.code}`, twice)]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await customersWith('+8613900006003')).toHaveLength(1);
  });

  it("the referrer's own number is refused as a self-referral (nothing written); someone else's is 'already a customer'", async () => {
    const before = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from customers`))[0]!.n;
    const self = await visitor().form(`/s/j/${referrer.code}`, { name: '李建国', phone: '13900006001', address: '别处' });
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('推荐未被接受');
    expect(self.body).toContain('被推荐人与推荐人手机号相同，视为自己推荐自己');
    const en = await visitor().form(`/s/j/${referrer.code}?lang=en`, { name: 'Li', phone: '13900006001', address: 'x' });
    expect(en.body).toContain("The new customer has the referrer&#39;s phone number: a self-referral");
    await ctx.newCustomer({ name: '老住户', phones: ['13900006009'] });
    const already = await visitor().form(`/s/j/${referrer.code}`, { name: '老住户', phone: '13900006009', address: '别处' });
    expect(already.statusCode).toBe(409);
    expect(already.body).toContain('您已经是我们的客户');
    expect(rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from customers`))[0]!.n).toBe(before + 1);
  });

  it('a fraud refusal is shown with its reason: the same address, written differently', async () => {
    const res = await visitor().form(`/s/j/${referrer.code}`, { name: '李建国之子', phone: '13900006004', address: '幸福小区 3号楼 2单元 301室' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('登记成功，但本次推荐不能获得奖励');
    expect(res.body).toContain('原因：被推荐人与推荐人住址相同');
    const [made] = await customersWith('+8613900006004');
    expect(await referralOf(made!.id)).toMatchObject({ status: 'refused', refusedReason: '被推荐人与推荐人住址相同' });
  });

  it('bad input comes back with the messages and the values, escaped; nothing is written', async () => {
    const res = await visitor().form(`/s/j/${referrer.code}`, { name: '<script>alert(1)</script>', phone: '12345', address: '' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('请修改标出的内容后再提交');
    expect(res.body).toContain('「手机号」不是有效的电话号码：12345');
    expect(res.body).toContain('「住址」为必填项');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
    const en = await visitor({ 'accept-language': 'en' }).form(`/s/j/${referrer.code}`, { name: '', phone: '13900006005', address: '光明小区' });
    expect(en.statusCode).toBe(422);
    expect(en.body).toContain('Please correct the marked fields');
    expect(await customersWith('+8613900006005')).toEqual([]);
  });

  it('a flood from one address is 429 (an HTML page); a programme that is off shows the invalid-link page', async () => {
    const v = visitor();
    for (let i = 0; i < JOIN_LIMITS.submit; i++) await v.form(`/s/j/${referrer.code}`, { name: '', phone: '', address: '' });
    const limited = await v.form(`/s/j/${referrer.code}`, { name: '孙', phone: '13900006006', address: '光明小区' });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('操作太频繁');
    expect(await customersWith('+8613900006006')).toEqual([]);

    const p = ok<Programme>(await ctx.admin.get('/api/v1/loyalty/programme'));
    ok(await ctx.admin.put('/api/v1/loyalty/programme', { ...p, enabled: false }));
    try {
      const off = await visitor().get(`/s/j/${referrer.code}`);
      expect(off.statusCode).toBe(404);
      expect(off.body).toContain('邀请链接无效');
    } finally {
      ok(await ctx.admin.put('/api/v1/loyalty/programme', p));
    }
  });
});
