/**
 * The public side of feedback: the JSON endpoint and the no-script page `/f` (zh-CN by default, English by `?lang=en`
 * or Accept-Language). Each refusal — text too short or too long, a body over the limit, a bad phone, the flood (429)
 * — writes nothing (rows counted before and after); script in the text is stored as plain text and shown escaped.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { FeedbackItemView } from './feedback.contract.js';
import { PUBLIC_SUBMITS } from './public.routes.js';

const SCRIPT = '<script>alert("x")</script>暖气不热，<b>太冷</b>了';

let ctx: TestContext;
let manager: Client;
let ipSeq = 0;

/** A visitor: one phone, its own client address (so tests do not share a rate limit). */
function visitor(headers: Record<string, string> = {}) {
  const ip = `10.88.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
  return {
    json: (body: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/public/feedback', payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, remoteAddress: ip }),
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers, remoteAddress: ip }),
    form: (url: string, form: Record<string, string> | string) => {
      const payload = typeof form === 'string' ? form : new URLSearchParams(form).toString();
      const opts: InjectOptions = { method: 'POST', url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, remoteAddress: ip };
      return ctx.app.inject(opts);
    },
  };
}

const rows = () => countRows(ctx.database, 'feedback_items');

async function latest(): Promise<FeedbackItemView> {
  return ok(await manager.get('/api/v1/feedback?limit=1')).items[0];
}

describe('the public feedback endpoint and page', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'manager' });
  });
  afterAll(() => ctx.close());

  it('JSON: a valid message is recorded (anonymous without a phone); script stays plain text', async () => {
    const made = ok(await visitor().json({ text: SCRIPT }), 201);
    const item = await latest();
    expect(item).toMatchObject({ number: made.number, source: 'public_page', text: SCRIPT, customer: null, contactPhone: null });
  });

  it('JSON refuses short, huge and oversized text and a bad phone, naming the field in zh-CN and English, writing nothing', async () => {
    const before = await rows();
    expect(problemOf(await visitor().json({ text: '冷' }), 400).errors).toEqual([{ field: 'text', message: '「反馈内容」至少 2 个字符' }]);
    expect(problemOf(await visitor({ 'accept-language': 'en' }).json({ text: '冷'.repeat(2001) }), 400).errors).toEqual([{ field: 'text', message: '"Feedback" must be at most 2000 characters' }]);
    expect(problemOf(await visitor().json({ text: '冷'.repeat(200_000) }), 400).errors[0]!.field).toBe('text');
    problemOf(await visitor().json({ text: '冷'.repeat(400_000) }), 413); // over the app's 1 MiB body limit
    expect(problemOf(await visitor().json({ text: '暖气不热', phone: '12345' }), 400).errors).toEqual([{ field: 'phone', message: '请填写正确的手机号码' }]);
    expect(problemOf(await visitor({ 'accept-language': 'en' }).json({ text: '暖气不热', phone: 'abc' }), 400).errors).toEqual([{ field: 'phone', message: 'Enter a valid mobile number' }]);
    expect(problemOf(await visitor().json({ text: '暖气不热', admin: true }), 400).errors[0]!.field).toBe('admin');
    problemOf(await visitor().json('{"text":'), 400);
    expect(await rows()).toBe(before);
  });

  it('JSON: a flood from one address is 429 after the limit, and the refused requests write nothing', async () => {
    const v = visitor();
    for (let i = 0; i < PUBLIC_SUBMITS; i++) ok(await v.json({ text: `第 ${i} 条：暖气不热` }), 201);
    const before = await rows();
    for (let i = 0; i < 3; i++) expect(problemOf(await v.json({ text: '再来一条：暖气不热' }), 429).code).toBe('rate_limited');
    expect(await rows()).toBe(before);
    // Another address is not affected.
    ok(await visitor().json({ text: '另一户：暖气不热' }), 201);
  });

  it('a known phone links the item to its customer', async () => {
    const customer = await ctx.newCustomer({ name: '刘建军', phones: ['13900003001'] });
    ok(await visitor().json({ text: '楼道里的暖气管子滴水', phone: '+86 139-0000-3001', name: '刘师傅' }), 201);
    expect(await latest()).toMatchObject({ customer: { id: customer.id, name: '刘建军' }, contactName: '刘师傅', contactPhone: '139****3001' });
  });

  it('the page works without script: GET the form (zh-CN, English by ?lang=en or Accept-Language), POST it, get the thanks', async () => {
    const res = await visitor().get('/f');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<form method="post" action="/f"');
    expect(res.body).toContain('name="text"');
    expect(res.body).toContain('意见反馈');
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body.length).toBeLessThan(10_000);
    const en = await visitor().get('/f?lang=en');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('action="/f?lang=en"');
    expect((await visitor({ 'accept-language': 'en-US,en;q=0.9' }).get('/f')).body).toContain('Your feedback');

    const before = await rows();
    const thanks = await visitor().form('/f', { text: '师傅修得很快，服务很好，谢谢', phone: '', name: '' });
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('感谢您的反馈');
    const item = await latest();
    expect(thanks.body).toContain(`编号 ${item.number}`);
    expect(item).toMatchObject({ source: 'public_page', text: '师傅修得很快，服务很好，谢谢', sentiment: 'pos' });
    expect(await rows()).toBe(before + 1);
    const enThanks = await visitor().form('/f?lang=en', { text: 'The radiator is cold' });
    expect(enThanks.body).toContain('Thank you for your feedback');
  });

  it('the page escapes what it shows back, and refuses bad input (422 form), a huge body (413) and a flood (429) writing nothing', async () => {
    const before = await rows();
    const bad = await visitor().form('/f', { text: SCRIPT, phone: '12345<script>', name: '"><img src=x>' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).not.toMatch(/<script|<img|<b>/i);
    expect(bad.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(bad.body).toContain('请填写正确的手机号码');
    const short = await visitor({ 'accept-language': 'en' }).form('/f', { text: 'x' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('&quot;Feedback&quot; must be at least 2 characters');
    const huge = await visitor().form('/f', { text: '冷'.repeat(20_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^text\/html/);
    expect(huge.body).toContain('内容太长');
    const nul = await visitor().form('/f', 'text=%E6%9A%96%E6%B0%94%00');
    expect(nul.statusCode).toBe(422);
    expect(await rows()).toBe(before);

    const v = visitor();
    for (let i = 0; i < PUBLIC_SUBMITS; i++) expect((await v.form('/f', { text: `第 ${i} 次：暖气不热` })).statusCode).toBe(200);
    const flooded = await rows();
    const refused = await v.form('/f', { text: '又一次：暖气不热' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.body).toContain('提交太频繁');
    expect(await rows()).toBe(flooded);
    // The script text, once recorded through the JSON endpoint, reads back as the same plain text.
    ok(await visitor().json({ text: SCRIPT }), 201);
    expect((await latest()).text).toBe(SCRIPT);
  });
});
