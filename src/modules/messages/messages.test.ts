/**
 * Messages: templates with {{variables}} previewed with a real customer in the customer's language; the outbox (stored
 * before sending, delivered by a job, retried with backoff, marked failed, nothing lost); channel adapters against a
 * real SMTP sink and a local fake HTTP provider; consent, quiet hours (an injectable clock, no sleeping), the weekly
 * cap; the unsubscribe link and the TD keyword; validation in zh-CN and English; data scope; two senders in parallel
 * claiming each message once.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, TEST_DB_KIND, type Client, type TestContext } from '../../test/harness.js';
import { MessageDelivery, STALE_CLAIM_MS, type MessagingRuntime } from './index.js';
import { problemOf, ok } from '../../test/http.js';
import { FakeProvider } from '../../test/provider.js';

type Message = Record<string, any>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

// ---- reading a received mail as a mail client would ----------------------------------------------------------------

/** Decodes the MIME (mailparser): subject and text as a reader sees them, plus the raw headers (unfolded). */
async function readMail(raw: string): Promise<{ headers: Record<string, string>; subject: string; text: string }> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  return { headers, subject: parsed.subject ?? '', text: (parsed.text ?? '').replace(/\r\n/g, '\n') };
}

describe('messages', () => {
  // Thursday 2026-01-15, 10:00 in Shanghai.
  let now = new Date('2026-01-15T02:00:00Z');
  const clock = () => now;
  const at = (shanghai: string) => (now = new Date(`${shanghai}+08:00`));
  let ctx: TestContext;
  let delivery: MessageDelivery;
  const provider = new FakeProvider();
  const mails: { to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  let agent: Client;
  const runtime = (): MessagingRuntime => ({ now: clock, kick: async () => {}, log: () => {}, fallbackUrl: 'http://localhost:3000' });

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    delivery = new MessageDelivery(ctx.database.db, runtime());
    await provider.start();
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'hearth' && auth.password === '邮件-Secret-1') cb(null, { user: 'hearth' });
        else cb(new Error('535 authentication failed'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    agent = await ctx.newUser({ role: 'agent' });
    // Loyalty points and WeChat openids live in custom fields for now.
    ok(await ctx.admin.post('/api/v1/custom-fields', { key: 'points', labelZh: '积分', labelEn: 'Points', type: 'number' }), 201);
    ok(await ctx.admin.post('/api/v1/custom-fields', { key: 'wechat_openid', labelZh: '微信 OpenID', labelEn: 'WeChat openid', type: 'text' }), 201);
  });
  afterAll(async () => {
    await ctx.close();
    await provider.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const getMessage = async (id: string) => ok<Message>(await ctx.admin.get(`/api/v1/messages/${id}`));
  /** Runs the sweep (as the periodic sweep would) until the message is as expected; the app's own job may win. */
  async function settle(id: string, done: (m: Message) => boolean, what: string): Promise<Message> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await delivery.deliverDue();
      const m = await getMessage(id);
      if (m.status !== 'sending' && done(m)) return m;
      if (Date.now() > deadline) throw new Error(`message ${id} never became ${what}: ${JSON.stringify(m)}`);
      await sleep(50);
    }
  }
  const send = (customerId: string, body: Record<string, unknown>, as: Client = ctx.admin) => as.post(`/api/v1/customers/${customerId}/messages`, body);
  const history = async (id: string) => ok<{ items: { action: string; changes: any; actorName: string | null }[] }>(await ctx.admin.get(`/api/v1/customers/${id}/history`)).items;
  const settings = (patch: Record<string, unknown>) => ctx.admin.patch('/api/v1/message-settings', patch);

  describe('templates', () => {
    it('creates, lists, changes, archives and restores a template; audited', async () => {
      const made = ok(
        await ctx.admin.post('/api/v1/message-templates', {
          name: '供暖季问候',
          channel: 'sms',
          bodyZh: '{{name}}您好，{{company}}提醒您：供暖季已开始。',
          bodyEn: 'Dear {{name}}, {{company}}: the heating season has started.',
        }),
        201,
      );
      expect(made).toMatchObject({ name: '供暖季问候', channel: 'sms', category: 'care', subjectZh: null, version: 1, archivedAt: null });
      const changed = ok(await ctx.admin.patch(`/api/v1/message-templates/${made.id}`, { category: 'marketing', version: 1 }));
      expect(changed).toMatchObject({ category: 'marketing', version: 2 });
      expect(problemOf(await ctx.admin.patch(`/api/v1/message-templates/${made.id}`, { name: 'x', version: 1 }), 409).errors[0]!.field).toBe('version');
      expect(ok(await ctx.admin.get('/api/v1/message-templates')).items.map((t: any) => t.name)).toContain('供暖季问候');
      expect((await ctx.admin.delete(`/api/v1/message-templates/${made.id}`)).statusCode).toBe(204);
      expect(ok(await ctx.admin.get('/api/v1/message-templates')).items.map((t: any) => t.id)).not.toContain(made.id);
      expect(ok(await ctx.admin.get('/api/v1/message-templates?archived=only')).items.map((t: any) => t.id)).toEqual([made.id]);
      expect(ok(await ctx.admin.post(`/api/v1/message-templates/${made.id}/restore`)).archivedAt).toBeNull();
      const audit = ok(await ctx.admin.get('/api/v1/audit?entityType=message_template')).items.map((e: any) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['create', 'update', 'delete', 'restore']));
    });

    it('refuses unknown variables, a missing email subject and a taken name: problem+json naming the field in zh-CN and English', async () => {
      const before = await countRows(ctx.database, 'message_templates');
      const bad = { name: '错误模板', channel: 'email', bodyZh: '您好 {{nmae}}', subjectZh: '主题' };
      const zh = problemOf(await ctx.admin.post('/api/v1/message-templates', bad), 400);
      expect(zh.errors).toEqual([{ field: 'bodyZh', message: expect.stringContaining('「正文（中文）」中有未知变量 {{nmae}}') }]);
      expect(zh.errors[0]!.message).toContain('{{name}}');
      const en = problemOf(await ctx.admin.lang('en').post('/api/v1/message-templates', bad), 400);
      expect(en.errors[0]!.message).toContain('"Text (Chinese)" uses an unknown variable {{nmae}}');
      const unclosed = problemOf(await ctx.admin.post('/api/v1/message-templates', { ...bad, bodyZh: '您好 {{name' }), 400);
      expect(unclosed.errors[0]).toMatchObject({ field: 'bodyZh', message: '「正文（中文）」中的变量格式不正确，应写作 {{name}}' });
      const noSubject = problemOf(await ctx.admin.post('/api/v1/message-templates', { name: '无主题', channel: 'email', bodyZh: '正文' }), 400);
      expect(noSubject.errors).toEqual([{ field: 'subjectZh', message: '「邮件主题（中文）」为必填项' }]);
      const noSubjectEn = problemOf(await ctx.admin.lang('en').post('/api/v1/message-templates', { name: '无主题', channel: 'email', bodyZh: '正文' }), 400);
      expect(noSubjectEn.errors[0]!.message).toBe('"Subject (Chinese)" is required');
      const badChannel = problemOf(await ctx.admin.post('/api/v1/message-templates', { name: 'x', channel: 'fax', bodyZh: 'x' }), 400);
      expect(badChannel.errors[0]).toMatchObject({ field: 'channel', message: '「渠道」的取值无效，可选：sms / email / wechat' });
      ok(await ctx.admin.post('/api/v1/message-templates', { name: '重名', channel: 'sms', bodyZh: '一' }), 201);
      const taken = problemOf(await ctx.admin.post('/api/v1/message-templates', { name: '重名', channel: 'sms', bodyZh: '二' }), 409);
      expect(taken.detail).toBe('模板名称「重名」已存在');
      expect(await countRows(ctx.database, 'message_templates')).toBe(before + 1);
    });

    it('previews with a real customer in the customer’s language (else zh-CN), reporting variables without a value', async () => {
      const tpl = ok(
        await ctx.admin.post('/api/v1/message-templates', {
          name: '积分提醒',
          channel: 'sms',
          bodyZh: '{{name}}您好，您的积分为{{points}}，客户经理{{owner}}。',
          bodyEn: 'Dear {{name}}, you have {{points}} points. Your manager: {{owner}}.',
        }),
        201,
      );
      const zhCustomer = await ctx.newCustomer({ name: '赵丽', phones: ['13800138001'], custom: { points: 1280 }, ownerId: ctx.admin.userId });
      const zh = ok(await ctx.admin.post(`/api/v1/message-templates/${tpl.id}/preview`, { customerId: zhCustomer.id }));
      expect(zh).toEqual({
        channel: 'sms',
        locale: 'zh-CN',
        fellBack: false,
        subject: null,
        body: '赵丽您好，您的积分为1280，客户经理系统管理员。',
        missing: [],
        recipient: '138****8001',
        consent: false,
      });
      const enCustomer = await ctx.newCustomer({ name: 'John Smith', phones: ['13800138002'], preferences: { language: 'en' }, consent: { sms: true }, ownerId: null });
      const en = ok(await ctx.admin.post(`/api/v1/message-templates/${tpl.id}/preview`, { customerId: enCustomer.id }));
      expect(en).toMatchObject({ locale: 'en', fellBack: false, body: 'Dear John Smith, you have  points. Your manager: .', missing: ['points', 'owner'], consent: true });
      // No English text: the Chinese one, and the fallback is said.
      const zhOnly = ok(await ctx.admin.post('/api/v1/message-templates', { name: '仅中文', channel: 'sms', bodyZh: '{{name}}，新年快乐！' }), 201);
      expect(ok(await ctx.admin.post(`/api/v1/message-templates/${zhOnly.id}/preview`, { customerId: enCustomer.id }))).toMatchObject({
        locale: 'zh-CN',
        fellBack: true,
        body: 'John Smith，新年快乐！',
      });
      const missingCustomer = problemOf(await ctx.admin.post(`/api/v1/message-templates/${tpl.id}/preview`, { customerId: 'nope' }), 400);
      expect(missingCustomer.errors[0]).toMatchObject({ field: 'customerId', message: '「客户」格式不正确' });
    });
  });

  describe('email over SMTP', () => {
    let customer: Record<string, any>;
    let messageId = '';
    let mail: Awaited<ReturnType<typeof readMail>>;

    it('channel settings are admin-only and never return secrets', async () => {
      const view = ok(
        await settings({
          publicUrl: 'https://crm.example.com/',
          email: { adapter: 'smtp', host: '127.0.0.1', port: smtpPort, secure: false, user: 'hearth', password: '邮件-Secret-1', fromAddress: 'service@heat.example.com', fromName: '测试热力公司客服' },
        }),
      );
      expect(view.email).toEqual({
        adapter: 'smtp',
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        user: 'hearth',
        passwordSet: true,
        fromAddress: 'service@heat.example.com',
        fromName: '测试热力公司客服',
      });
      expect(view.publicUrl).toBe('https://crm.example.com');
      const got = await ctx.admin.get('/api/v1/message-settings');
      expect(got.body).not.toContain('邮件-Secret-1');
      expect(ok(got).sms.adapter).toBe('log');
      const audit = ok(await ctx.admin.get('/api/v1/audit?entityType=settings')).items.find((e: any) => e.entityId === 'messages');
      expect(audit.changes['email.password']).toEqual([null, '***']);
      expect(JSON.stringify(audit)).not.toContain('邮件-Secret-1');
      // Choosing SMTP without a server is refused, naming the field.
      const p = problemOf(await ctx.admin.lang('en').patch('/api/v1/message-settings', { email: { host: null } }), 400);
      expect(p.errors).toEqual([{ field: 'email.host', message: '"SMTP server" is required' }]);
      problemOf(await agent.get('/api/v1/message-settings'), 403);
      problemOf(await agent.patch('/api/v1/message-settings', { weeklyCap: 10 }), 403);
    });

    it('an SMTP sink receives a UTF-8 Chinese email with the variables filled in, sent by the background job', async () => {
      const tpl = ok(
        await ctx.admin.post('/api/v1/message-templates', {
          name: '积分到账通知',
          channel: 'email',
          category: 'care',
          subjectZh: '{{name}}，您的{{company}}积分已到账',
          bodyZh: '尊敬的{{name}}：\n截至{{date}}，您的积分为 {{points}} 分。\n您的客户经理：{{owner}}',
        }),
        201,
      );
      customer = await ctx.newCustomer({
        name: '王建华',
        email: 'wang.jianhua@example.com',
        phones: ['13900139000'],
        custom: { points: 2560 },
        ownerId: ctx.admin.userId,
        consent: { email: true, sms: true },
      });
      const queued = ok(await send(customer.id, { templateId: tpl.id }), 201);
      expect(queued).toMatchObject({ status: 'queued', channel: 'email', recipient: 'wang.jianhua@example.com', attempts: 0, subject: '王建华，您的测试热力公司积分已到账' });
      messageId = queued.id;
      // Stored before sending: the row exists whatever happens next.
      const sent = await settle(messageId, (m) => m.status === 'sent', 'sent');
      expect(sent).toMatchObject({ attempts: 1, provider: 'smtp', lastError: null, reason: null });
      expect(sent.providerMessageId).toMatch(/@/);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual(['wang.jianhua@example.com']);
      mail = await readMail(mails[0]!.raw);
      expect(mail.headers['content-type']).toMatch(/charset=utf-8/i);
      expect(mail.subject).toBe('王建华，您的测试热力公司积分已到账');
      expect(mail.headers.from).toContain('service@heat.example.com');
      expect(mail.text).toContain('尊敬的王建华：\n截至2026年1月15日，您的积分为 2560 分。\n您的客户经理：系统管理员');
      expect(mail.text).toMatch(/如不想再收到此类邮件，请点击退订：https:\/\/crm\.example\.com\/unsubscribe\/[\w-]{22}\.[\w-]{22}/);
      expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/crm\.example\.com\/unsubscribe\/[\w-]{22}\.[\w-]{22}>$/);
    });

    it('sent messages are on the customer timeline and in the customer’s message list; the history has the send', async () => {
      const timeline = ok(await ctx.admin.get(`/api/v1/customers/${customer.id}/timeline`));
      expect(timeline.items[0]).toMatchObject({ kind: 'message', id: messageId, title: '发送邮件：王建华，您的测试热力公司积分已到账', actor: { name: '系统管理员' } });
      const en = ok(await ctx.admin.lang('en').get(`/api/v1/customers/${customer.id}/timeline?kind=message`));
      expect(en.items.map((e: any) => e.title)).toEqual(['Email sent: 王建华，您的测试热力公司积分已到账']);
      expect(ok(await ctx.admin.get(`/api/v1/customers/${customer.id}/messages`)).items.map((m: any) => m.id)).toEqual([messageId]);
      expect((await history(customer.id)).find((e) => e.action === 'message_create')?.changes).toMatchObject({ messageId, channel: 'email', status: 'queued' });
    });

    it('the unsubscribe link (public, no sign-in) withdraws email consent, in the history; later emails are suppressed', async () => {
      const token = /unsubscribe\/([\w-]{22}\.[\w-]{22})/.exec(mail.text)![1]!;
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(ok(await ctx.anon.get(`/api/v1/unsubscribe/${token}`))).toEqual({ channel: 'email', companyName: '测试热力公司', withdrawn: false, marketingObjected: false });
      // The mail client's one-click POST (RFC 8058) to the link itself, a form, no session.
      const oneClick = await ctx.app.inject({
        method: 'POST',
        url: `/unsubscribe/${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.statusCode, oneClick.body).toBe(200);
      expect(ok(await ctx.anon.get(`/api/v1/unsubscribe/${token}`)).withdrawn).toBe(true);
      // The page's button (the API) is idempotent.
      expect(ok(await ctx.anon.post(`/api/v1/unsubscribe/${token}`))).toEqual({ channel: 'email', companyName: '测试热力公司', withdrawn: true, marketingObjected: false });
      const c = ok(await ctx.admin.get(`/api/v1/customers/${customer.id}`));
      expect(c.consent).toMatchObject({ email: false, sms: true });
      const entry = (await history(customer.id)).filter((e) => e.action === 'consent_withdraw');
      expect(entry).toHaveLength(1);
      expect(entry[0]!.changes).toMatchObject({ channel: 'email', via: 'link', messageId, consent: [{ email: true }, { email: false }] });
      // A forged token is not found; a mangled one is a 400 naming the field.
      const forged = `${token.split('.')[0]}.${'A'.repeat(22)}`;
      expect(problemOf(await ctx.anon.post(`/api/v1/unsubscribe/${forged}`), 404).detail).toBe('退订链接无效');
      expect(problemOf(await ctx.anon.lang('en').get('/api/v1/unsubscribe/abc'), 400).errors[0]).toMatchObject({ field: 'token', message: '"Unsubscribe link" has an invalid format' });

      const suppressed = ok(await send(customer.id, { channel: 'email', subject: '问候', body: '{{name}}您好' }), 201);
      expect(suppressed).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
      await delivery.deliverDue();
      expect((await getMessage(suppressed.id)).status).toBe('suppressed');
      expect(mails).toHaveLength(1);
    });
  });

  describe('SMS through a provider over HTTP', () => {
    let customer: Record<string, any>;

    beforeAll(async () => {
      ok(
        await settings({
          sms: { adapter: 'aliyun', baseUrl: provider.url, accessKeyId: 'LTAI-test', accessKeySecret: 'sms-secret', signName: '测试热力', templateCode: 'SMS_000001', inboundKey: 'inbound-key-1' },
        }),
      );
      customer = await ctx.newCustomer({ name: '孙志强', phones: ['13700137000'], consent: { sms: true } });
    });

    it('a failing provider (HTTP 500) is retried 1, 5, 25, 125 minutes apart, then marked failed with its error; nothing is lost', async () => {
      at('2026-01-15T10:00:00');
      provider.status = 500;
      const made = ok(await send(customer.id, { channel: 'sms', category: 'transactional', body: '{{name}}您好，您的报修单已受理。' }), 201);
      expect(made.body).toBe('孙志强您好，您的报修单已受理。'); // transactional: no opt-out suffix
      const waits = [1, 5, 25, 125];
      for (let attempt = 1; attempt <= 4; attempt++) {
        const m = await settle(made.id, (x) => x.attempts === attempt, `attempt ${attempt} done`);
        expect(m).toMatchObject({ status: 'queued', attempts: attempt, lastError: expect.stringContaining('HTTP 500') });
        expect(Date.parse(m.nextAttemptAt)).toBe(now.getTime() + waits[attempt - 1]! * MINUTE);
        // Not due yet: a sweep a second early sends nothing.
        now = new Date(Date.parse(m.nextAttemptAt) - 1000);
        await delivery.deliverDue();
        expect(provider.smsFor(made.id)).toHaveLength(attempt);
        now = new Date(Date.parse(m.nextAttemptAt));
      }
      const failed = await settle(made.id, (x) => x.status === 'failed', 'failed');
      expect(failed).toMatchObject({ attempts: 5, nextAttemptAt: null, provider: 'aliyun', lastError: 'HTTP 500 Internal Server Error: Internal Server Error' });
      expect(provider.smsFor(made.id)).toHaveLength(5);
      const outbox = ok(await ctx.admin.get('/api/v1/messages?status=failed'));
      expect(outbox.items.map((m: any) => m.id)).toEqual([made.id]);
      expect(outbox.items[0]).toMatchObject({ customerName: '孙志强', recipient: '137****7000' });

      // The provider works again: an administrator retries it.
      provider.status = 200;
      problemOf(await agent.post(`/api/v1/messages/${made.id}/retry`), 403);
      ok(await ctx.admin.post(`/api/v1/messages/${made.id}/retry`));
      const sent = await settle(made.id, (x) => x.status === 'sent', 'sent');
      expect(sent).toMatchObject({ attempts: 1, lastError: null, providerMessageId: expect.stringMatching(/^biz-/) });
      const request = provider.smsFor(made.id).at(-1)!;
      expect(request.body).toMatchObject({ Action: 'SendSms', PhoneNumbers: '13700137000', SignName: '测试热力', TemplateCode: 'SMS_000001' });
      expect(JSON.parse(request.body.TemplateParam)).toEqual({ content: '孙志强您好，您的报修单已受理。' });
      expect(request.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI-test,Signature=[0-9a-f]{64}$/);
      expect(problemOf(await ctx.admin.post(`/api/v1/messages/${made.id}/retry`), 409).detail).toBe('只有发送失败的消息可以重试');
    });

    it('a customer without SMS consent gets no SMS: suppressed with the reason, never sent', async () => {
      at('2026-01-15T11:00:00');
      const noConsent = await ctx.newCustomer({ name: '钱多多', phones: ['13600136000'], consent: { email: true } });
      const before = provider.requests.length;
      const m = ok(await send(noConsent.id, { channel: 'sms', body: '{{name}}您好，优惠活动开始了' }), 201);
      expect(m).toMatchObject({ status: 'suppressed', reason: 'no_consent', attempts: 0, nextAttemptAt: null });
      await delivery.deliverDue();
      await sleep(300); // time for a stray job, if there were one
      expect((await getMessage(m.id)).status).toBe('suppressed');
      expect(provider.requests.length).toBe(before);
    });

    it('quiet hours hold: an SMS at 22:00 Shanghai waits until 08:00; a TD reply in the night withdraws consent and it is not sent', async () => {
      at('2026-01-15T22:00:00');
      const night = ok(await send(customer.id, { channel: 'sms', body: '{{name}}您好，明日停暖检修。' }), 201);
      expect(night).toMatchObject({ status: 'queued', reason: 'quiet_hours', nextAttemptAt: '2026-01-16T00:00:00.000Z' });
      expect(night.body).toBe('孙志强您好，明日停暖检修。 回TD退订');
      const before = provider.requests.length;
      await delivery.deliverDue();
      at('2026-01-16T07:59:59');
      await delivery.deliverDue();
      expect(provider.requests.length).toBe(before);
      expect((await getMessage(night.id)).status).toBe('queued');
      at('2026-01-16T08:00:00');
      const sent = await settle(night.id, (m) => m.status === 'sent', 'sent');
      expect(sent.sentAt).toBe('2026-01-16T00:00:00.000Z');
      expect(provider.requests.length).toBe(before + 1);

      // Another one in the evening; the customer replies TD before it goes out.
      at('2026-01-16T21:30:00');
      const waiting = ok(await send(customer.id, { channel: 'sms', body: '{{name}}您好，春节问候。' }), 201);
      expect(waiting).toMatchObject({ status: 'queued', reason: 'quiet_hours' });
      at('2026-01-16T23:00:00');
      expect(problemOf(await ctx.anon.post('/api/v1/messages/inbound/sms?key=wrong', { phone_number: '13700137000', content: 'TD' }), 403).code).toBe('forbidden');
      expect(problemOf(await ctx.anon.post('/api/v1/messages/inbound/sms', { phone_number: '13700137000', content: 'TD' }), 400).errors[0]!.field).toBe('key');
      const inbound = ok(
        await ctx.anon.post('/api/v1/messages/inbound/sms?key=inbound-key-1', [
          { phone_number: '13700137000', content: '好的谢谢', send_time: '2026-01-16 23:00:00' },
          { phone_number: '13700137000', content: ' td ', send_time: '2026-01-16 23:00:05' },
        ]),
      );
      expect(inbound).toEqual({ code: 0, msg: 'ok', unsubscribed: 1 });
      expect(ok(await ctx.admin.get(`/api/v1/customers/${customer.id}`)).consent.sms).toBe(false);
      const entry = (await history(customer.id)).find((e) => e.action === 'consent_withdraw');
      expect(entry?.changes).toMatchObject({ channel: 'sms', via: 'sms_keyword', keyword: 'td', consent: [{ sms: true }, { sms: false }] });
      at('2026-01-17T08:00:00');
      const after = await settle(waiting.id, (m) => m.status === 'suppressed', 'suppressed at send time');
      expect(after.reason).toBe('no_consent');
      expect(provider.requests.length).toBe(before + 1);
    });

    it('a claim left by a killed sender goes back to the queue and is sent once', async () => {
      at('2026-01-17T10:00:00');
      const c = await ctx.newCustomer({ name: '周六', phones: ['13500135000'], consent: { sms: true } });
      // As if a sender had claimed it and died: status sending, claimed 10 minutes ago.
      const id = '7d2e52a4-1c2b-4f51-9a77-3b9f0d1e2c3a';
      await ctx.database.db.execute(sql`
        insert into messages (id, customer_id, channel, category, locale, body, recipient, status, attempts, claimed_at, next_attempt_at, created_at)
        values (${id}, ${c.id}, 'sms', 'transactional', 'zh-CN', '周六您好', '+8613500135000', 'sending', 1,
                ${new Date(now.getTime() - 2 * STALE_CLAIM_MS).toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
      const sent = await settle(id, (m) => m.status === 'sent', 'sent');
      expect(sent.attempts).toBe(2);
      expect(provider.smsFor(id)).toHaveLength(1);
    });
  });

  describe('the weekly cap', () => {
    it('holds 3 marketing/care messages per 7 days (configurable); transactional ones bypass it', async () => {
      ok(await settings({ wechat: { adapter: 'wechat_mp', baseUrl: provider.url, appId: 'wx-app', appSecret: 'wx-secret', templateId: 'TPL-1' } }));
      at('2026-02-02T10:00:00');
      const c = await ctx.newCustomer({ name: '吴敏', custom: { wechat_openid: 'o-openid-wumin' }, consent: { wechat: true } });
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) {
        const m = ok(await send(c.id, { channel: 'wechat', category: i === 1 ? 'marketing' : 'care', body: `第${i}条：{{name}}您好` }), 201);
        expect(m.status).toBe('queued');
        ids.push(m.id);
      }
      const fourth = ok(await send(c.id, { channel: 'wechat', body: '第4条' }), 201);
      expect(fourth).toMatchObject({ status: 'suppressed', reason: 'frequency_cap' });
      const receipt = ok(await send(c.id, { channel: 'wechat', category: 'transactional', body: '缴费成功回执' }), 201);
      expect(receipt.status).toBe('queued');
      for (const id of [...ids, receipt.id]) await settle(id, (m) => m.status === 'sent', 'sent');
      const sends = provider.requests.filter((r) => r.url.startsWith('/cgi-bin/message/template/send'));
      expect(sends.map((r) => r.body.data.content.value).sort()).toEqual(['第1条：吴敏您好', '第2条：吴敏您好', '第3条：吴敏您好', '缴费成功回执'].sort());
      expect(sends[0]!.body).toMatchObject({ touser: 'o-openid-wumin', template_id: 'TPL-1' });
      expect(sends[0]!.url).toContain('access_token=TOKEN-1');

      // Six days later still capped; seven days after the first three went out, allowed again.
      at('2026-02-08T10:00:00');
      expect(ok(await send(c.id, { channel: 'wechat', body: '第5条' }), 201).reason).toBe('frequency_cap');
      at('2026-02-09T10:00:01');
      expect(ok(await send(c.id, { channel: 'wechat', body: '第6条' }), 201).status).toBe('queued');
      // A cap of 1: the next one is suppressed.
      ok(await settings({ weeklyCap: 1 }));
      expect(ok(await send(c.id, { channel: 'wechat', body: '第7条' }), 201).reason).toBe('frequency_cap');
      ok(await settings({ weeklyCap: 3 }));
    });
  });

  describe('sending: validation and data scope', () => {
    it('refuses bad input with problem+json naming the field in zh-CN and English, writing nothing', async () => {
      const c = await ctx.newCustomer({ name: '郑和', phones: ['13400134000'], consent: { sms: true } });
      const before = await countRows(ctx.database, 'messages');
      const noChannel = problemOf(await send(c.id, { body: '您好' }), 400);
      expect(noChannel.errors).toEqual([{ field: 'channel', message: '「渠道」为必填项' }]);
      const noChannelEn = problemOf(await ctx.admin.lang('en').post(`/api/v1/customers/${c.id}/messages`, { body: 'hi' }), 400);
      expect(noChannelEn.errors).toEqual([{ field: 'channel', message: '"Channel" is required' }]);
      const unknown = problemOf(await send(c.id, { channel: 'sms', body: '{{name}}您好，{{balance}}' }), 400);
      expect(unknown.errors[0]).toMatchObject({ field: 'body', message: expect.stringContaining('「内容」中有未知变量 {{balance}}') });
      const unknownEn = problemOf(await ctx.admin.lang('en').post(`/api/v1/customers/${c.id}/messages`, { channel: 'sms', body: '{{balance}}' }), 400);
      expect(unknownEn.errors[0]!.message).toContain('"Text" uses an unknown variable {{balance}}');
      expect(problemOf(await send(c.id, { channel: 'email', body: '您好' }), 400).errors[0]).toMatchObject({ field: 'subject', message: '「邮件主题」为必填项' });
      expect(problemOf(await send(c.id, { channel: 'email', subject: '问候', body: '您好' }), 400).errors[0]).toMatchObject({
        field: 'channel',
        message: '这位客户没有邮箱地址，不能发送邮件',
      });
      expect(problemOf(await send(c.id, { channel: 'sms', body: '长'.repeat(501) }), 400).errors[0]).toMatchObject({ field: 'body', message: '「内容」最多 500 个字符' });
      expect(problemOf(await send(c.id, { templateId: '5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a' }), 400).errors[0]).toMatchObject({ field: 'templateId', message: '找不到该消息模板' });
      expect(problemOf(await send(c.id, { channel: 'sms', body: '您好', extra: 1 }), 400).errors[0]!.field).toBe('extra');
      expect(problemOf(await send('5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a', { channel: 'sms', body: '您好' }), 404).detail).toBe('找不到该客户');
      expect(await countRows(ctx.database, 'messages')).toBe(before);
    });

    it('an agent with own scope cannot message, preview or list another’s customer (404), nor manage templates or the outbox (403)', async () => {
      const theirs = await ctx.newCustomer({ name: '别人的客户', phones: ['13300133000'], consent: { sms: true } });
      const mine = await ctx.newCustomer({ name: '我的客户', phones: ['13300133001'], consent: { sms: true } }, agent);
      const tpl = ok(await ctx.admin.get('/api/v1/message-templates')).items.find((t: any) => t.name === '积分提醒');
      expect(problemOf(await send(theirs.id, { channel: 'sms', body: '越权' }, agent), 404).detail).toBe('找不到该客户');
      problemOf(await agent.post(`/api/v1/message-templates/${tpl.id}/preview`, { customerId: theirs.id }), 404);
      problemOf(await agent.get(`/api/v1/customers/${theirs.id}/messages`), 404);
      const theirMessage = ok(await send(theirs.id, { channel: 'sms', category: 'transactional', body: '管理员发的' }), 201);
      problemOf(await agent.get(`/api/v1/messages/${theirMessage.id}`), 404);
      problemOf(await agent.get('/api/v1/messages'), 403);
      problemOf(await agent.post('/api/v1/message-templates', { name: 'x', channel: 'sms', bodyZh: 'x' }), 403);
      // Their own customer: fine.
      expect(ok(await send(mine.id, { templateId: tpl.id }, agent), 201).status).toBe('queued');
      expect(ok(await agent.post(`/api/v1/message-templates/${tpl.id}/preview`, { customerId: mine.id })).body).toContain('我的客户');
    });

    it('message:manage: a marketer manages templates; the outbox filters by time and keeps to the reader’s data scope', async () => {
      const marketer = await ctx.newUser({ role: 'marketer' });
      const made = ok(await marketer.post('/api/v1/message-templates', { name: '营销模板', channel: 'sms', bodyZh: '{{name}}您好' }), 201);
      expect(made.name).toBe('营销模板');
      ok(await marketer.get('/api/v1/messages'));
      ok(await marketer.get('/api/v1/message-settings'));
      const soon = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
      expect(ok(await ctx.admin.get(`/api/v1/messages?from=${soon}`)).items).toEqual([]);
      expect(ok(await ctx.admin.get(`/api/v1/messages?to=${soon}&limit=1`)).items.length).toBe(1);
      // An account manager given message:manage sees only their own customers' messages.
      const perms = ['customer:read', 'customer:write', 'customer:pii', 'transaction:write', 'user:read', 'message:manage'];
      ok(await ctx.admin.patch('/api/v1/roles/account_manager', { permissions: perms }));
      const am = await ctx.newUser({ role: 'account_manager' });
      const own = await ctx.newCustomer({ name: '经理的客户', phones: ['13300133009'], consent: { sms: true } }, am);
      const sent = ok(await send(own.id, { channel: 'sms', category: 'transactional', body: '您好' }, am), 201);
      const seen = ok(await am.get('/api/v1/messages?limit=100')).items.map((m: any) => m.id);
      expect(seen).toEqual([sent.id]);
    });
  });

  describe('merging customers', () => {
    it("moves the duplicate's messages to the survivor; undo moves them back", async () => {
      const survivor = await ctx.newCustomer({ name: '冯刚', phones: ['13100131000'] });
      const merged = await ctx.newCustomer({ name: '冯刚', phones: ['13100131001'] });
      const m = ok(await send(merged.id, { channel: 'sms', body: '{{name}}您好' }), 201); // no consent: suppressed, stays put
      const ids = async (id: string) => ok(await ctx.admin.get(`/api/v1/customers/${id}/messages`)).items.map((x: any) => x.id);
      const s = ok(await ctx.admin.get(`/api/v1/customers/${survivor.id}`));
      const d = ok(await ctx.admin.get(`/api/v1/customers/${merged.id}`));
      const res = ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: merged.id, survivorVersion: s.version, mergedVersion: d.version }));
      expect(res.merge.moved).toMatchObject({ messages: 1 });
      expect(await ids(survivor.id)).toEqual([m.id]);
      ok(await ctx.admin.post(`/api/v1/customers/merges/${res.merge.id}/undo`));
      expect(await ids(survivor.id)).toEqual([]);
      expect(await ids(merged.id)).toEqual([m.id]);
    });
  });

  describe('two senders', () => {
    it('claim each message exactly once when they run in parallel', async () => {
      // Whatever earlier tests left due goes out first, so the two senders below see only these messages.
      await delivery.deliverDue();
      at('2026-03-02T22:30:00'); // quiet hours: everything waits, no job is due
      provider.delayMs = 50;
      const c = await ctx.newCustomer({ name: '并发测试', phones: ['13200132000'], consent: { sms: true } });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(ok(await send(c.id, { channel: 'sms', category: 'transactional', body: `第${i + 1}条` }), 201).id);
      at('2026-03-03T08:00:00');
      const one = new MessageDelivery(ctx.database.db, runtime());
      const two = new MessageDelivery(ctx.database.db, runtime());
      const [a, b] = await Promise.all([one.deliverDue({ batch: 2 }), two.deliverDue({ batch: 2 })]);
      provider.delayMs = 0;
      expect(a.sent + b.sent).toBe(12);
      if (TEST_DB_KIND === 'postgres') {
        // Two connections really in parallel: both took a share.
        expect(a.sent).toBeGreaterThan(0);
        expect(b.sent).toBeGreaterThan(0);
      }
      for (const id of ids) {
        expect(provider.smsFor(id)).toHaveLength(1);
        expect((await getMessage(id)).status).toBe('sent');
      }
    });
  });
});
