/**
 * Feedback that arrives by itself, through HTTP: an SMS reply, a WeChat message and an email, each posted to its
 * channel's callback, authenticated (a wrong key or signature is 403 and writes nothing), matched to the customer by
 * phone, openid or address, recorded with its source and a reference to the provider's message — once: a retried
 * callback records nothing twice. An SMS 「TD」/「退订」 stays an unsubscribe and is no feedback. Bad input is a
 * problem+json naming the field; a flood is 429.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { FeedbackInboundResult, FeedbackItemView } from './feedback.contract.js';

const SMS_KEY = 'sms-inbound-key-0001';
const WX_TOKEN = 'wxToken2026';
const EMAIL_KEY = 'email-inbound-key-000000001';

let ctx: TestContext;
const now = new Date('2026-12-01T10:00:00+08:00');
let customer: Record<string, any>;
let ip = 0;

const post = (url: string, payload: unknown, lang = 'zh-CN') =>
  ctx.app.inject({ method: 'POST', url, payload: payload as object, headers: { 'content-type': 'application/json', 'accept-language': lang }, remoteAddress: `10.88.0.${++ip}` });
const items = async (source: string) =>
  (ok<{ items: FeedbackItemView[] }>(await ctx.admin.get('/api/v1/feedback?limit=200')).items).filter((i) => i.source === source);
const wxQuery = (token = WX_TOKEN, at = now) => {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const nonce = 'n0nce42';
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
};

beforeAll(async () => {
  ctx = await createTestContext({ clock: () => now });
  ok(await ctx.admin.post('/api/v1/custom-fields', { key: 'wechat_openid', labelZh: '微信 OpenID', labelEn: 'WeChat openid', type: 'text' }), 201);
  customer = await ctx.newCustomer({ name: '李明', phones: ['13900005001'], email: 'Li.Ming@example.com', custom: { wechat_openid: 'o-limin-001' }, consent: { sms: true } });
  ok(await ctx.admin.patch('/api/v1/message-settings', { sms: { inboundKey: SMS_KEY } }));
  expect(ok(await ctx.admin.patch('/api/v1/feedback-settings/inbound', { wechatToken: WX_TOKEN, emailKey: EMAIL_KEY }))).toEqual({ smsKeySet: true, wechatTokenSet: true, emailKeySet: true });
});
afterAll(() => ctx?.close());

describe('inbound SMS', () => {
  it('a reply becomes feedback of its customer (once per sequence_id); TD stays an unsubscribe', async () => {
    const batch = [
      { phone_number: '13900005001', content: '暖气还是不热，家里只有十五度', send_time: '2026-12-01 09:58:00', sequence_id: 90001 },
      { phone_number: '+86 139 0000 9999', content: '你们的缴费窗口几点下班？', sequence_id: '90002' },
      { phone_number: '13900005001', content: 'TD', sequence_id: 90003 },
    ];
    const r = ok<FeedbackInboundResult>(await post(`/api/v1/public/feedback/inbound/sms?key=${SMS_KEY}`, batch));
    expect(r).toEqual({ code: 0, msg: 'ok', recorded: 2, duplicates: 0, ignored: 1 });
    const sms = await items('sms');
    const cold = sms.find((i) => i.sourceRef === 'sms:90001')!;
    expect(cold).toMatchObject({ source: 'sms', customer: { id: customer.id, name: '李明' }, text: '暖气还是不热，家里只有十五度', sentiment: 'neg', contactPhone: '139****5001' });
    expect(cold.createdAt).toBe(now.toISOString());
    expect(sms.find((i) => i.sourceRef === 'sms:90002')).toMatchObject({ customer: null, contactPhone: '139****9999' });
    expect(sms.some((i) => i.text === 'TD')).toBe(false);
    // TD withdrew the customer's SMS consent (the messages module's rule).
    expect(ok(await ctx.admin.get(`/api/v1/customers/${customer.id}`)).consent.sms).toBe(false);

    // The provider retries the whole batch: nothing is recorded twice.
    const before = await countRows(ctx.database, 'feedback_items');
    const again = ok<FeedbackInboundResult>(await post(`/api/v1/public/feedback/inbound/sms?key=${SMS_KEY}`, batch));
    expect(again).toMatchObject({ recorded: 0, duplicates: 2, ignored: 1 });
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
    // One message alone (not a list) and 退订 in Chinese: ignored as feedback.
    expect(ok(await post(`/api/v1/public/feedback/inbound/sms?key=${SMS_KEY}`, { phone_number: '13900005001', content: '退订。', sequence_id: 90004 }))).toMatchObject({ recorded: 0, ignored: 1 });
  });

  it('a wrong key is 403 and writes nothing; bad input names the field; a flood is 429', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    problemOf(await post('/api/v1/public/feedback/inbound/sms?key=wrong-key', { phone_number: '13900005001', content: '暖气不热', sequence_id: 1 }), 403);
    const noId = problemOf(await post(`/api/v1/public/feedback/inbound/sms?key=${SMS_KEY}`, { phone_number: '13900005001', content: '暖气不热' }), 400);
    expect(noId.errors.map((e) => e.field)).toContain('sequence_id');
    const en = problemOf(await post(`/api/v1/public/feedback/inbound/sms?key=${SMS_KEY}`, { phone_number: '1', content: '暖气不热', sequence_id: 2 }, 'en'), 400);
    expect(en.errors.some((e) => e.field === 'phone_number' && /Mobile number/.test(e.message))).toBe(true);
    problemOf(await post('/api/v1/public/feedback/inbound/sms', { phone_number: '13900005001', content: '暖气不热', sequence_id: 3 }), 400);
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
  });
});

describe('inbound WeChat', () => {
  it("a text message becomes feedback of the openid's customer, once per MsgId; events are ignored", async () => {
    const msg = { ToUserName: 'gh_company', FromUserName: 'o-limin-001', CreateTime: Math.floor(now.getTime() / 1000), MsgType: 'text', Content: '维修师傅态度很好，谢谢！', MsgId: '24680135790' };
    expect(ok(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery()}`, msg))).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(ok(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery()}`, msg))).toMatchObject({ recorded: 0, duplicates: 1 });
    const wx = await items('wechat');
    expect(wx).toHaveLength(1);
    expect(wx[0]).toMatchObject({ sourceRef: 'wechat:24680135790', customer: { id: customer.id }, sentiment: 'pos' });
    const event = { FromUserName: 'o-limin-001', MsgType: 'event', Event: 'subscribe', MsgId: 1 };
    expect(ok(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery()}`, event))).toMatchObject({ recorded: 0, ignored: 1 });
    // An unknown openid: recorded without a customer.
    ok(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery()}`, { ...msg, FromUserName: 'o-stranger', MsgId: '24680135791', Content: '小区供暖什么时候开始？' }));
    expect((await items('wechat')).find((i) => i.sourceRef === 'wechat:24680135791')!.customer).toBeNull();
  });

  it('a wrong signature or an old timestamp is 403 and writes nothing', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    const msg = { FromUserName: 'o-limin-001', MsgType: 'text', Content: '暖气不热', MsgId: '99' };
    problemOf(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery('otherToken')}`, msg), 403);
    problemOf(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery(WX_TOKEN, new Date(now.getTime() - 3_600_000))}`, msg), 403);
    const bad = problemOf(await post(`/api/v1/public/feedback/inbound/wechat?${wxQuery()}`, { MsgType: 'text', Content: '暖气不热', MsgId: '98' }), 400);
    expect(bad.errors.map((e) => e.field)).toContain('FromUserName');
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
  });
});

describe('WeChat as WeChat sends it: the GET check and XML pushes', () => {
  const wx = (fields: Record<string, string | number>) =>
    `<xml>${Object.entries(fields)
      .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
      .join('')}</xml>`;
  const postXml = (query: string, xml: string) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/public/feedback/inbound/wechat?${query}`, payload: xml, headers: { 'content-type': 'text/xml' }, remoteAddress: `10.88.1.${++ip}` });
  const at = () => Math.floor(now.getTime() / 1000);

  it('echoes echostr as plain text when the signature is right; 403 problem when it is wrong or old', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/public/feedback/inbound/wechat?${wxQuery()}&echostr=5837421097345` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('5837421097345');
    problemOf(await ctx.app.inject({ method: 'GET', url: `/api/v1/public/feedback/inbound/wechat?${wxQuery('otherToken')}&echostr=1` }), 403);
    problemOf(await ctx.app.inject({ method: 'GET', url: `/api/v1/public/feedback/inbound/wechat?${wxQuery(WX_TOKEN, new Date(now.getTime() - 3_600_000))}&echostr=1` }), 403);
    const missing = problemOf(await ctx.app.inject({ method: 'GET', url: `/api/v1/public/feedback/inbound/wechat?${wxQuery()}` }), 400);
    expect(missing.errors.map((e) => e.field)).toContain('echostr');
  });

  it("an XML text message becomes feedback of the openid's customer, answered success, once per MsgId; events too are answered success", async () => {
    const xml = wx({ ToUserName: 'gh_company', FromUserName: 'o-limin-001', CreateTime: at(), MsgType: 'text', Content: '暖气片漏水了 & 地板湿了 <急>', MsgId: '7700000000000001' });
    const first = await postXml(wxQuery(), xml);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain/);
    expect(first.body).toBe('success');
    const before = await countRows(ctx.database, 'feedback_items');
    expect((await postXml(wxQuery(), xml)).body).toBe('success');
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
    const item = (await items('wechat')).find((i) => i.sourceRef === 'wechat:7700000000000001')!;
    expect(item).toMatchObject({ customer: { id: customer.id }, text: '暖气片漏水了 & 地板湿了 <急>', sentiment: 'neg', category: { nameZh: '漏水' } });
    // An event (a new follower): success, nothing recorded.
    expect((await postXml(wxQuery(), wx({ FromUserName: 'o-new', CreateTime: at(), MsgType: 'event', Event: 'subscribe' }))).body).toBe('success');
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
  });

  it('a follower who bound a number is matched by it; the binding itself is no feedback', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    expect((await postXml(wxQuery(), wx({ FromUserName: 'o-bound-77', CreateTime: at(), MsgType: 'text', Content: '绑定 139 0000 5001', MsgId: '7700000000000002' }))).body).toBe('success');
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
    expect((await postXml(wxQuery(), wx({ FromUserName: 'o-bound-77', CreateTime: at(), MsgType: 'text', Content: '家里暖气还是不热', MsgId: '7700000000000003' }))).body).toBe('success');
    expect((await items('wechat')).find((i) => i.sourceRef === 'wechat:7700000000000003')).toMatchObject({ customer: { id: customer.id }, contactPhone: '139****5001' });
  });

  it('refuses a wrong signature (403), a DOCTYPE or an entity (400 naming body), malformed XML and a missing openid, writing nothing', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    const msg = { FromUserName: 'o-limin-001', CreateTime: at(), MsgType: 'text', Content: '暖气不热', MsgId: '7700000000000009' };
    problemOf(await postXml(wxQuery('otherToken'), wx(msg)), 403);
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><FromUserName>o-limin-001</FromUserName><MsgType>text</MsgType><Content>&x;</Content><MsgId>7700000000000010</MsgId></xml>`;
    expect(problemOf(await postXml(wxQuery(), xxe), 400).errors.map((e) => e.field)).toEqual(['body']);
    const bomb = `<xml><FromUserName>o-limin-001</FromUserName><MsgType>text</MsgType><Content>&lol;</Content><MsgId>7700000000000011</MsgId></xml>`;
    problemOf(await postXml(wxQuery(), bomb), 400);
    problemOf(await postXml(wxQuery(), '<xml><FromUserName>o-limin-001</FromUserName><MsgType>text'), 400);
    problemOf(await postXml(wxQuery(), '<notxml><a>1</a></notxml>'), 400);
    const noOpenid = problemOf(await postXml(wxQuery(), wx({ MsgType: 'text', Content: '暖气不热', MsgId: '7700000000000012' })), 400);
    expect(noOpenid.errors.map((e) => e.field)).toContain('FromUserName');
    const noMsgId = problemOf(await postXml(wxQuery(), wx({ FromUserName: 'o-limin-001', MsgType: 'text', Content: '暖气不热' })), 400);
    expect(noMsgId.errors.map((e) => e.field)).toEqual(['MsgId']);
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
  });
});

describe('inbound email', () => {
  it("becomes feedback of the sender's customer, the quoted mail cut, once per Message-ID", async () => {
    const mail = {
      messageId: '<abc123@mail.example.com>',
      from: '李明 <li.ming@EXAMPLE.com>',
      subject: 'Re: 供暖费缴费通知',
      text: '账单金额不对，多收了我两百元，请核实。\n\n在 2026年11月30日 周一 10:00，热力公司 写道：\n> 您好，您的供暖费……',
    };
    const url = `/api/v1/public/feedback/inbound/email?key=${EMAIL_KEY}`;
    expect(ok(await post(url, mail))).toMatchObject({ recorded: 1 });
    expect(ok(await post(url, mail))).toMatchObject({ recorded: 0, duplicates: 1 });
    const mails = await items('email');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ sourceRef: 'email:<abc123@mail.example.com>', customer: { id: customer.id }, text: '账单金额不对，多收了我两百元，请核实。', category: { nameZh: '缴费问题' } });
    // A stranger: no customer, the name kept.
    ok(await post(url, { messageId: '<x2@example.org>', from: '"王女士" <wang@example.org>', text: '热线电话一直占线，打不进去' }));
    expect((await items('email')).find((i) => i.sourceRef === 'email:<x2@example.org>')).toMatchObject({ customer: null, contactName: '王女士' });
  });

  it('a wrong key is 403; a sender that is no address is a 400 naming from; nothing written', async () => {
    const before = await countRows(ctx.database, 'feedback_items');
    problemOf(await post('/api/v1/public/feedback/inbound/email?key=not-the-key-000000000', { messageId: 'm1', from: 'a@b.cn', text: '暖气不热' }), 403);
    const p = problemOf(await post(`/api/v1/public/feedback/inbound/email?key=${EMAIL_KEY}`, { messageId: 'm2', from: 'not an address', text: '暖气不热' }), 400);
    expect(p.errors).toEqual([{ field: 'from', message: '发件人不是有效的邮箱地址' }]);
    // Settings: secrets are never returned; only administrators change them.
    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.patch('/api/v1/feedback-settings/inbound', { emailKey: null }), 403);
    problemOf(await ctx.admin.patch('/api/v1/feedback-settings/inbound', { emailKey: 'short' }), 400);
    expect(await countRows(ctx.database, 'feedback_items')).toBe(before);
  });

  it('a flood of callbacks from one address is 429', async () => {
    let limited = 0;
    for (let i = 0; i < 610 && !limited; i++) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/public/feedback/inbound/email?key=wrong-key-xxxxxxxxxxxx', payload: {}, headers: { 'content-type': 'application/json' }, remoteAddress: '10.99.9.9' });
      if (res.statusCode === 429) limited = i;
    }
    expect(limited).toBeGreaterThan(500);
  });
});
