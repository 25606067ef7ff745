/**
 * Opened / clicked (tracking.ts) through HTTP: a marketing email reaches a real SMTP sink with its link replaced by a
 * tracked one and an HTML part carrying the open image; loading the image records the open, following the link
 * redirects to the original address and records the click (counted each time); the outbox shows both. A marketing
 * SMS is tracked the same way (read where a local SMS provider receives it, so the text is the same whoever delivers: the
 * app's own job or the test's sweep); service messages go as written; a forged or mangled key leads nowhere
 * (404 page in the caller's language, under the company's name and hotline) and records nothing.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { startSmtpSink, testMessaging, type SmtpSink } from '../../test/mail.js';
import { FakeProvider } from '../../test/provider.js';
import { MessageDelivery } from './index.js';

const LINK = /https:\/\/crm\.example\.com\/l\/([\w-]{22}\.[\w-]{22})\/(\d+)/g;

describe('message tracking', () => {
  const now = new Date('2026-01-15T02:00:00Z');
  let ctx: TestContext;
  let delivery: MessageDelivery;
  /** A local SMS provider (the aliyun adapter's API): what it received is what was sent. */
  const provider = new FakeProvider();
  const smsText = (id: string): string => JSON.parse(provider.smsFor(id).at(-1)!.body.TemplateParam).content;
  let smtp: SmtpSink;

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    delivery = new MessageDelivery(ctx.database.db, testMessaging(() => now));
    smtp = await startSmtpSink();
    await provider.start();
    const port = smtp.port;
    ok(
      await ctx.admin.patch('/api/v1/message-settings', {
        publicUrl: 'https://crm.example.com',
        email: { adapter: 'smtp', host: '127.0.0.1', port, secure: false, fromAddress: 'service@heat.example.com' },
        sms: {
          adapter: 'aliyun',
          baseUrl: provider.url,
          accessKeyId: 'LTAI-test',
          accessKeySecret: 'sms-secret',
          signName: '测试热力',
          templateCode: 'SMS_000001',
        },
      }),
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
    await provider.stop();
  });

  const view = async (id: string) => ok(await ctx.admin.get(`/api/v1/messages/${id}`));
  async function sent(customerId: string, body: Record<string, unknown>) {
    const m = ok(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, body), 201);
    // Sent by the test's sweep or by the app's own job (which may hold the message while it talks to the sink).
    for (const deadline = Date.now() + 20_000; (await view(m.id)).status !== 'sent' && Date.now() < deadline; ) {
      await delivery.deliverDue();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await view(m.id)).status).toBe('sent');
    return m.id as string;
  }
  const get = (url: string, lang = 'zh-CN') => ctx.app.inject({ method: 'GET', url, headers: { 'accept-language': lang } });

  it('a marketing email: tracked link and open image; the image records the open, the link redirects and counts clicks', async () => {
    const c = await ctx.newCustomer({ name: '李秀英', email: 'li.xiuying@example.com', consent: { email: true } });
    const id = await sent(c.id, {
      channel: 'email',
      category: 'marketing',
      subject: '冬季回馈',
      body: '{{name}}您好，冬季回馈活动详情：https://heat.example.com/winter?from=mail 。缴费入口：https://pay.example.com/a',
    });
    const mail = await simpleParser(smtp.mails.at(-1)!);
    const links = [...(mail.text ?? '').matchAll(LINK)];
    expect(links.map((l) => l[2])).toEqual(['0', '1']);
    expect(mail.text).not.toContain('heat.example.com/winter');
    expect(mail.text).toMatch(/退订：https:\/\/crm\.example\.com\/unsubscribe\//); // the unsubscribe link stays plain
    expect(mail.html).toContain(`<a href="https://crm.example.com/l/${links[0]![1]}/0">`);
    expect(mail.html).toContain(`src="https://crm.example.com/l/${links[0]![1]}/o.gif"`);
    expect(await view(id)).toMatchObject({ openedAt: null, clickedAt: null, clicks: 0, body: expect.stringContaining('https://heat.example.com/winter?from=mail') });

    const pixel = await get(`/l/${links[0]![1]}/o.gif`);
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(await view(id)).toMatchObject({ openedAt: now.toISOString(), clickedAt: null, clicks: 0 });

    const follow = await get(`/l/${links[0]![1]}/0`);
    expect(follow.statusCode).toBe(302);
    expect(follow.headers.location).toBe('https://heat.example.com/winter?from=mail');
    expect((await get(`/l/${links[0]![1]}/1`)).headers.location).toBe('https://pay.example.com/a');
    expect(await view(id)).toMatchObject({ openedAt: now.toISOString(), clickedAt: now.toISOString(), clicks: 2 });
    const outbox = ok(await ctx.admin.get(`/api/v1/messages?customerId=${c.id}`));
    expect(outbox.items[0]).toMatchObject({ id, clicks: 2 });
  });

  it('a marketing SMS is tracked; a service message goes as written; forged keys and unknown links lead nowhere', async () => {
    const c = await ctx.newCustomer({ name: '赵磊', phones: ['13800138011'], consent: { sms: true } });
    const id = await sent(c.id, { channel: 'sms', category: 'marketing', body: '赵磊您好，老带新活动：https://heat.example.com/r/88 回TD退订' });
    const line = smsText(id);
    const [match] = [...line.matchAll(LINK)];
    expect(match).toBeTruthy();
    expect(line).not.toContain('heat.example.com/r/88');
    // An unknown link number, a forged signature, a mangled key: a 404 page, in the caller's language; nothing recorded.
    const forged = `${match![1]!.split('.')[0]}.${'A'.repeat(22)}`;
    for (const url of [`/l/${match![1]}/5`, `/l/${forged}/0`, '/l/abc/0', `/l/${match![1]}/x`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.body).toContain('链接无效或已失效');
    }
    expect((await get(`/l/${forged}/0`, 'en')).body).toContain('This link is not valid');
    expect((await get(`/l/${forged}/o.gif`)).statusCode).toBe(200);
    expect(await view(id)).toMatchObject({ openedAt: null, clicks: 0 });
    expect((await get(`/l/${match![1]}/0`)).headers.location).toBe('https://heat.example.com/r/88');
    expect(await view(id)).toMatchObject({ openedAt: now.toISOString(), clickedAt: now.toISOString(), clicks: 1 });

    const service = await sent(c.id, { channel: 'sms', category: 'transactional', body: '您的报修进度：https://heat.example.com/s/t/1' });
    expect(smsText(service)).toContain('https://heat.example.com/s/t/1');
  });

  it("the 404 page of a link that leads nowhere shows the company's name and hotline, in the caller's language", async () => {
    ok(await ctx.admin.patch('/api/v1/settings', { hotline: '0451-8888 6666' }));
    const zh = await get('/l/abc/0');
    expect(zh.statusCode).toBe(404);
    expect(zh.headers['content-type']).toMatch(/^text\/html/);
    expect(zh.body).toContain('<html lang="zh-CN"');
    expect(zh.body).toMatch(/data-testid="branding"[^]*测试热力公司[^]*服务热线 0451-8888 6666/);
    expect(zh.body).toContain('href="tel:045188886666"');
    expect(zh.body).toContain('链接无效或已失效');
    expect(zh.body).not.toContain('<!--hearth:brand-->');
    const en = await get('/l/abc/0', 'en');
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('<html lang="en"');
    expect(en.body).toMatch(/测试热力公司[^]*Hotline 0451-8888 6666/);
    expect(en.body).toContain('This link is not valid');
  });
});
