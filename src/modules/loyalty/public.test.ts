/**
 * The member's own page (/s/m/<token>) through HTTP: an agent's link (scope, permission, a member only) and its
 * SMS in the member's language (consent applies); the page (tier, balance, progress, points expiring within 90 days,
 * the history, the rewards the member may redeem with those beyond the balance marked, the referral link and its QR
 * code, no script); a bad, forged or expired link and a member who left answer a clear page in zh-CN and English;
 * staff revoke a member's links (the old link's page says it is no longer valid; a new link works at once);
 * the 兑换 form makes one redemption under a double POST (a replay leads to the same result), refuses without the
 * points or after the points changed, and refuses a cross-site form; English; the rate limit.
 */
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { signingSecret } from '../messages/index.js';
import type { MemberView, RewardView } from './loyalty.contract.js';
import { MEMBER_LINK_DAYS, signMemberToken, type MemberLinkView } from './member-link.js';

let ipSeq = 0;
/** A member's phone: its own client address (tests do not share a rate limit), a plain form POST. */
function phone(ctx: TestContext, lang?: string) {
  const ip = `10.8.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
  const headers = (extra: Record<string, string> = {}) => ({ ...(lang ? { 'accept-language': lang } : {}), ...extra });
  return {
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers: headers(), remoteAddress: ip }),
    post: (url: string, form: Record<string, string>, extra: Record<string, string> = {}) => {
      const opts: InjectOptions = { method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: headers({ 'content-type': 'application/x-www-form-urlencoded', ...extra }), remoteAddress: ip };
      return ctx.app.inject(opts);
    },
  };
}

/** The 兑换 form of a reward on the page: its action and fields. */
function formOf(html: string, rewardId: string): { action: string; fields: Record<string, string> } | null {
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>(.*?)<\/form>/g)];
  for (const [, action, inner] of forms) {
    const fields = Object.fromEntries([...inner!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    if (fields.reward === rewardId) return { action: action!.replace(/&amp;/g, '&'), fields };
  }
  return null;
}

describe('the member page', () => {
  let ctx: TestContext;
  let agent: Client;
  let otherAgent: Client;
  let manager: Client;
  let viewer: Client;
  let customer: Record<string, any>;
  let english: Record<string, any>;
  let now = new Date('2025-10-20T10:00:00+08:00');
  const rewards: Record<string, RewardView> = {};
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));
  const path = (url: string) => new URL(url).pathname + new URL(url).search;
  const buy = async (customerId: string, amountFen: number) =>
    ok(await agent.post(`/api/v1/customers/${customerId}/transactions`, { type: 'purchase', amountFen, occurredAt: now.toISOString() }), 201);
  const linkOf = async (customerId: string, body: Record<string, unknown> = {}) => ok<MemberLinkView>(await agent.post(`/api/v1/loyalty/members/${customerId}/link`, body));
  const member = async (customerId: string) => ok<MemberView>(await agent.get(`/api/v1/loyalty/members/${customerId}`));
  const reward = async (body: Record<string, unknown>) => ok<RewardView>(await manager.post('/api/v1/loyalty/rewards', { kind: 'gift', ...body }), 201);

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agent = await ctx.newUser({ role: 'agent' });
    otherAgent = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    viewer = await ctx.newUser({ role: 'viewer' });
    customer = await ctx.newCustomer({ name: '王秀兰', phones: ['13900004001'], consent: { sms: true }, ownerId: agent.userId });
    english = await ctx.newCustomer({ name: 'Anna <b>Li</b>', phones: ['13900004002'], consent: { sms: true }, preferences: { language: 'en' }, ownerId: agent.userId });
    // 3,000 points a year ago (they expire at the end of 2026), 550 more now as silver (1.1×). (Past dates: a
    // transaction may not lie in the future of the real clock.)
    await buy(customer.id, 300_000);
    await buy(english.id, 120_000);
    now = new Date('2026-10-15T10:00:00+08:00');
    await buy(customer.id, 50_000);
    rewards.voucher = await reward({ name: { zh: '暖气片清洗券', en: 'Radiator cleaning voucher' }, kind: 'voucher', pointsCost: 1000, valueFen: 5000, stock: 5, description: { zh: '上门清洗一次', en: 'One home visit' } });
    rewards.heater = await reward({ name: { zh: '电暖器', en: 'Electric heater' }, pointsCost: 5000 });
    rewards.gold = await reward({ name: { zh: '金卡专享礼', en: 'Gold gift' }, pointsCost: 100, minTier: 'gold' });
    rewards.none = await reward({ name: { zh: '已兑完的礼品', en: 'Gone' }, pointsCost: 100, stock: 0 });
    rewards.off = await reward({ name: { zh: '已下架的礼品', en: 'Withdrawn' }, pointsCost: 100, active: false });
  });
  afterAll(() => ctx.close());

  it('an agent gets a member link (loyalty:write, in scope, members only) and sends it by SMS in the member’s language', async () => {
    const link = await linkOf(customer.id);
    expect(link.url).toMatch(/^http:\/\/[^/]+\/s\/m\/[A-Za-z0-9_-]{27}\.[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(link.expiresAt) - now.getTime()).toBe(MEMBER_LINK_DAYS * 86_400_000);
    expect(link.message).toBeNull();
    problemOf(await otherAgent.post(`/api/v1/loyalty/members/${customer.id}/link`, {}), 404);
    problemOf(await viewer.post(`/api/v1/loyalty/members/${customer.id}/link`, {}), 403);
    const stranger = await ctx.newCustomer({ name: '非会员', phones: ['13900004003'], ownerId: agent.userId });
    expect(problemOf(await agent.post(`/api/v1/loyalty/members/${stranger.id}/link`, {}), 404).detail).toBe('该客户不是会员');
    expect(problemOf(await agent.post(`/api/v1/loyalty/members/${customer.id}/link`, { send: 'email' }), 400).errors[0]).toMatchObject({ field: 'send' });

    const sent = await linkOf(customer.id, { send: 'sms' });
    expect(sent.message).toMatchObject({ channel: 'sms', status: 'queued', reason: null });
    const [sms] = ok<{ items: { id: string; body: string; category: string }[] }>(await agent.get(`/api/v1/customers/${customer.id}/messages`)).items;
    expect(sms).toMatchObject({ id: sent.message!.id, category: 'transactional' });
    expect(sms!.body).toContain(`王秀兰您好，点击查看您的会员积分、兑换礼品：${sent.url} （${MEMBER_LINK_DAYS} 天内有效）`);
    // A keyed repeat (a double click in the UI) replays the first answer: one message.
    const key = { 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000001' };
    const once = ok<MemberLinkView>(await agent.post(`/api/v1/loyalty/members/${customer.id}/link`, { send: 'sms' }, key));
    const twice = ok<MemberLinkView>(await agent.post(`/api/v1/loyalty/members/${customer.id}/link`, { send: 'sms' }, key));
    expect(twice).toEqual(once);
    expect(ok<{ items: unknown[] }>(await agent.get(`/api/v1/customers/${customer.id}/messages`)).items).toHaveLength(2);
    // An English-speaking member gets English, and a link that opens the page in English.
    const en = await linkOf(english.id, { send: 'sms' });
    expect(en.url).toMatch(/\?lang=en$/);
    const [enSms] = ok<{ items: { body: string }[] }>(await agent.get(`/api/v1/customers/${english.id}/messages`)).items;
    expect(enSms!.body).toContain(`Hello Anna <b>Li</b>, see your points and redeem rewards here: ${en.url}`);
    // Without consent to WeChat (and no openid) nothing can go: the field is named, nothing is written.
    expect(problemOf(await agent.post(`/api/v1/loyalty/members/${customer.id}/link`, { send: 'wechat' }), 400).errors[0]).toMatchObject({ field: 'channel' });
  });

  it('shows tier, balance, progress, points expiring within 90 days, the history, the rewards to redeem and the referral QR code', async () => {
    const { url } = await linkOf(customer.id);
    const res = await phone(ctx).get(path(url));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const html = res.body;
    expect(html).not.toContain('<script');
    expect(html.length).toBeLessThan(40_000);
    const m = await member(customer.id);
    expect(m).toMatchObject({ balance: 3550, tier: 'silver' });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('王秀兰');
    expect(html).toContain(`会员号 ${m.memberNo}`);
    expect(html).toContain('>银卡会员<');
    expect(html).toContain('>3,550<');
    expect(html).toContain('积分 1.1 倍；报修优先派单');
    expect(html).toContain(`成长值 ${m.growth.toLocaleString('en-US')} / 5,000，再获得 ${(5000 - m.growth).toLocaleString('en-US')} 即可升级为「金卡会员」`);
    expect(html).toContain('3,000 积分将于 2026-12-31 到期');
    expect(html).toContain('维修与服务消费：¥500.00');
    expect(html).toContain('+550');
    // Rewards: active, in stock, open to silver; the heater is beyond the balance (no form, how many points short).
    expect(html).toContain('暖气片清洗券');
    expect(html).toContain('1,000 积分 · 剩余 5 件');
    expect(formOf(html, rewards.voucher!.id)).not.toBeNull();
    expect(html).toContain('电暖器');
    expect(html).toContain('还差 1,450 积分');
    expect(formOf(html, rewards.heater!.id)).toBeNull();
    for (const hidden of ['金卡专享礼', '已兑完的礼品', '已下架的礼品']) expect(html).not.toContain(hidden);
    // The referral link and its QR code, inline.
    expect(html).toContain(`我的推荐码 ${m.referralCode}`);
    expect(html).toContain(`/s/j/${m.referralCode}`);
    expect(html).toMatch(/<div class="qr" role="img" aria-label="推荐二维码"><svg[^>]*>.*<\/svg>/);
    // The code carries the referral link itself (the join page another part of the issue serves).
    expect(html).toContain(await QRCode.toString(`${new URL(url).origin}/s/j/${m.referralCode}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  it('a bad, forged or expired link, or a member who left, answers a clear page in zh-CN and English', async () => {
    const me = phone(ctx);
    const bad = await me.get('/s/m/not-a-token');
    expect([bad.statusCode, bad.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    expect(bad.body).toContain('链接无效');
    const badEn = await phone(ctx, 'en-US,en;q=0.9').get('/s/m/not-a-token');
    expect(badEn.body).toContain('Invalid link');
    expect((await me.get('/s/m/not-a-token?lang=en')).body).toContain('This link is not right or no longer works');
    // A token for another purpose, or with its signature changed, opens nothing.
    const secret = await signingSecret(ctx.database.db);
    const token = signMemberToken(secret, customer.id, now);
    // One character well inside the signature changed (the last one may differ only in base64's unused bits).
    const at = token.length - 6;
    const forged = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect((await me.get(`/s/m/${forged}`)).statusCode).toBe(404);
    expect((await me.get(`/s/m/${signMemberToken(Buffer.from('another key'), customer.id, now)}`)).statusCode).toBe(404);
    // Issued 181 days ago: expired (410).
    const old = signMemberToken(secret, customer.id, new Date(now.getTime() - (MEMBER_LINK_DAYS + 1) * 86_400_000));
    const expired = await me.get(`/s/m/${old}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('链接已过期');
    expect((await me.get(`/s/m/${old}?lang=en`)).body).toContain('This link has expired');
    // A redeem form on an expired link writes nothing.
    expect((await me.post(`/s/m/${old}/redeem`, { reward: rewards.voucher!.id, after: '1' })).statusCode).toBe(410);
    // Not a member (any more).
    const leaver = await ctx.newCustomer({ name: '退会者', phones: ['13900004004'], ownerId: agent.userId });
    await buy(leaver.id, 10_000);
    const { url } = await linkOf(leaver.id);
    await ctx.database.db.execute(sql`update loyalty_members set status = 'left' where customer_id = ${leaver.id}`);
    const left = await me.get(path(url));
    expect(left.statusCode).toBe(410);
    expect(left.body).toContain('会员资格已结束');
    const stranger = await ctx.newCustomer({ name: '非会员乙', phones: ['13900004005'], ownerId: agent.userId });
    expect((await me.get(`/s/m/${signMemberToken(secret, stranger.id, now)}`)).statusCode).toBe(404);
  });

  it('staff revoke a member’s links: an old link says it is no longer valid (zh-CN and English), a new one works at once', async () => {
    const holder = await ctx.newCustomer({ name: '赵玉兰', phones: ['13900004006'], ownerId: agent.userId });
    await buy(holder.id, 20_000);
    const me = phone(ctx);
    const first = await linkOf(holder.id);
    expect((await me.get(path(first.url))).statusCode).toBe(200);
    expect((await member(holder.id)).linksRevokedAt).toBeNull();
    // loyalty:write, in scope, members only.
    problemOf(await viewer.post(`/api/v1/loyalty/members/${holder.id}/link/revoke`, {}), 403);
    problemOf(await otherAgent.post(`/api/v1/loyalty/members/${holder.id}/link/revoke`, {}), 404);
    const stranger = await ctx.newCustomer({ name: '非会员丙', phones: ['13900004007'], ownerId: agent.userId });
    expect(problemOf(await agent.post(`/api/v1/loyalty/members/${stranger.id}/link/revoke`, {}, { 'accept-language': 'en' }), 404).detail).toBe('This customer is not a member');
    expect((await me.get(path(first.url))).statusCode).toBe(200);

    const revoked = ok<{ revokedAt: string }>(await agent.post(`/api/v1/loyalty/members/${holder.id}/link/revoke`, {}));
    expect(Date.parse(revoked.revokedAt)).toBeGreaterThan(now.getTime());
    expect((await member(holder.id)).linksRevokedAt).toBe(revoked.revokedAt);
    const old = await me.get(path(first.url));
    expect([old.statusCode, old.headers['content-type']]).toEqual([410, 'text/html; charset=utf-8']);
    expect(old.body).toContain('链接已不再有效');
    expect(old.body).toContain('这个会员链接已被作废');
    const oldEn = await me.get(`${path(first.url)}?lang=en`);
    expect(oldEn.statusCode).toBe(410);
    expect(oldEn.body).toContain('This link is no longer valid');
    // Its redeem form writes nothing.
    expect((await me.post(`${path(first.url)}/redeem`, { reward: rewards.voucher!.id, after: '1' })).statusCode).toBe(410);
    // A new link, issued in the same second as the revocation (the test clock stands still), opens the page.
    const second = await linkOf(holder.id);
    expect(second.url).not.toBe(first.url);
    const page = await me.get(path(second.url));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('赵玉兰');
    // The audit log names the revocation.
    const audit = ok<{ items: { action: string; entityId: string }[] }>(await ctx.admin.get('/api/v1/audit?action=loyalty_member_link_revoke'));
    expect(audit.items.map((a) => a.entityId)).toContain(holder.id);
  });

  it('the 兑换 form redeems exactly once under a double POST; a replay leads to the same result', async () => {
    const { url } = await linkOf(customer.id);
    const me = phone(ctx);
    const page = (await me.get(path(url))).body;
    const form = formOf(page, rewards.voucher!.id)!;
    expect(form.action).toBe(`${new URL(url).pathname}/redeem`);
    const before = (await member(customer.id)).balance;
    // A double tap, and the same page in a second tab, at once.
    const [a, b, c] = await Promise.all([me.post(form.action, form.fields), me.post(form.action, form.fields), me.post(form.action, form.fields)]);
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([303, 303, 303]);
    expect(a.headers.location).toMatch(new RegExp(`^${new URL(url).pathname}/r/[0-9a-f-]{36}$`));
    expect([b.headers.location, c.headers.location]).toEqual([a.headers.location, a.headers.location]);
    expect((await member(customer.id)).balance).toBe(before - 1000);
    const made = await q<{ n: number }>(sql`select count(*)::int as n from loyalty_redemptions where customer_id = ${customer.id} and channel = 'member'`);
    expect(made[0]!.n).toBe(1);
    // The form sent again later (the back button, a reload): the same result, nothing more.
    const again = await me.post(form.action, form.fields);
    expect(again.headers.location).toBe(a.headers.location);
    expect((await member(customer.id)).balance).toBe(before - 1000);
    const result = await me.get(a.headers.location as string);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('兑换成功');
    expect(result.body).toContain(`「暖气片清洗券」× 1，使用 1,000 积分，剩余 ${(before - 1000).toLocaleString('en-US')} 积分`);
    expect(result.body).toContain(`href="${new URL(url).pathname}"`);
    // The desk sees it as the member's own redemption; stock went down by one.
    const list = ok<{ items: { channel: string; rewardName: string; createdByName: string | null }[] }>(await agent.get(`/api/v1/loyalty/redemptions?customerId=${customer.id}`)).items;
    expect(list[0]).toMatchObject({ channel: 'member', rewardName: '暖气片清洗券', createdByName: null });
    expect(ok<{ items: RewardView[] }>(await agent.get('/api/v1/loyalty/rewards')).items.find((r) => r.id === rewards.voucher!.id)!.stock).toBe(4);
    // Another member's link cannot open this result.
    const other = await linkOf(english.id);
    const id = (a.headers.location as string).split('/r/')[1];
    expect((await me.get(`${new URL(other.url).pathname}/r/${id}`)).statusCode).toBe(404);
  });

  it('refuses without the points, after the points changed, and a form from another site — nothing written', async () => {
    const { url } = await linkOf(customer.id);
    const me = phone(ctx);
    const page = (await me.get(path(url))).body;
    const voucher = formOf(page, rewards.voucher!.id)!;
    const count = async () => (await q<{ n: number }>(sql`select count(*)::int as n from loyalty_redemptions`))[0]!.n;
    const before = { balance: (await member(customer.id)).balance, redemptions: await count() };
    // The heater has no form (beyond the balance); a hand-made one is refused with the reason.
    const short = await me.post(voucher.action, { ...voucher.fields, reward: rewards.heater!.id });
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('未能兑换');
    expect(short.body).toContain(`积分不足：可用 ${before.balance}，需要 5000`);
    expect(short.body).toContain('返回会员中心');
    // Gold only: refused for silver.
    expect((await me.post(voucher.action, { ...voucher.fields, reward: rewards.gold!.id })).body).toContain('该礼品仅限「金卡会员」及以上等级兑换');
    // From another site: refused before anything is read from the database.
    const cross = await me.post(voucher.action, voucher.fields, { 'sec-fetch-site': 'cross-site' });
    expect(cross.statusCode).toBe(400);
    expect((await me.post(voucher.action, voucher.fields, { origin: 'https://evil.example' })).statusCode).toBe(400);
    expect((await me.post(voucher.action, { reward: 'x', after: '1' })).statusCode).toBe(400);
    expect((await me.post(voucher.action, 'a'.repeat(10_000) as unknown as Record<string, string>)).statusCode).toBe(413);
    // The points changed after the page was drawn (the desk booked an adjustment): nothing redeemed, say so.
    ok(await agent.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 10, reason: '补录' }), 201);
    const stale = await me.post(voucher.action, voucher.fields);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('积分已有变动');
    expect(await count()).toBe(before.redemptions);
    expect((await member(customer.id)).balance).toBe(before.balance + 10);
  });

  it('in English: the page, its form and the result', async () => {
    const { url } = await linkOf(customer.id);
    const me = phone(ctx);
    const res = await me.get(`${path(url)}?lang=en`);
    expect(res.body).toContain('<html lang="en">');
    for (const text of ['Points available', 'Silver', '1.1× points; repairs dispatched first', 'Radiator cleaning voucher', '1,000 points · 4 left', 'Repairs and services: ¥500.00', 'Points expiring soon', '2,000 points expire on 2026-12-31' /* FIFO: the voucher took its 1,000 from this lot */, 'My referral code', '中文']) {
      expect(res.body).toContain(text);
    }
    const balance = (await member(customer.id)).balance;
    expect(res.body).toContain(`${(5000 - balance).toLocaleString('en-US')} more points needed`);
    const form = formOf(res.body, rewards.voucher!.id)!;
    expect(form.action).toBe(`${new URL(url).pathname}/redeem?lang=en`);
    const done = await me.post(form.action, form.fields);
    expect(done.headers.location).toMatch(/\?lang=en$/);
    const result = await me.get(done.headers.location as string);
    expect(result.body).toContain('Redeemed');
    expect(result.body).toContain('&quot;Radiator cleaning voucher&quot; × 1 for 1,000 points');
    expect(result.body).toContain('Back to my membership');
    // Names are escaped.
    const anna = await linkOf(english.id);
    const page = (await me.get(path(anna.url))).body;
    expect(page).toContain('Anna &lt;b&gt;Li&lt;/b&gt;');
    expect(page).toContain('Points available');
  });

  it('rate-limits redemptions per client address with a page of its own', async () => {
    const me = phone(ctx);
    let last = await me.post('/s/m/not-a-token/redeem', { reward: rewards.voucher!.id, after: '1' });
    for (let i = 0; i < 20 && last.statusCode !== 429; i++) last = await me.post('/s/m/not-a-token/redeem', { reward: rewards.voucher!.id, after: '1' });
    expect(last.statusCode).toBe(429);
    expect(last.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(last.body).toContain('操作太频繁');
  });
});
