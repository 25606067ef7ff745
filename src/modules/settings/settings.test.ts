/**
 * Company settings: the installation's currency (money is stored in its minor unit; ¥ by default, set when foreign
 * data such as CDNOW is loaded) alongside the name and time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';

describe('company settings: currency', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('is CNY by default, can be changed by an administrator, and reaches the signed-in user', async () => {
    expect((await ctx.admin.get('/api/v1/settings')).json()).toMatchObject({ currency: 'CNY' });
    const res = await ctx.admin.patch('/api/v1/settings', { currency: 'USD' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ currency: 'USD' });
    expect((await ctx.admin.get('/api/v1/auth/me')).json().company).toMatchObject({ currency: 'USD' });
    const audit = (await ctx.admin.get('/api/v1/audit?entityType=settings')).json().items;
    expect(audit[0]?.changes).toMatchObject({ currency: ['CNY', 'USD'] });
  });

  it('refuses an unknown currency with a problem naming the field, in the caller’s language', async () => {
    const zh = await ctx.admin.patch('/api/v1/settings', { currency: 'XYZ' });
    expect(zh.statusCode).toBe(400);
    expect(zh.headers['content-type']).toContain('application/problem+json');
    expect(zh.json().errors[0]).toMatchObject({ field: 'currency' });
    expect(zh.json().errors[0].message).toContain('币种');
    const en = await ctx.admin.lang('en').patch('/api/v1/settings', { currency: 'XYZ' });
    expect(en.json().errors[0].message).toContain('Currency');
    expect((await ctx.admin.get('/api/v1/settings')).json()).toMatchObject({ currency: 'USD' });
  });
});

describe('company branding on the public pages', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  // A 1×1 PNG.
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

  it('sets a hotline and a logo; GET /public/branding and /branding/logo give them to anyone, without sign-in', async () => {
    const patch = await ctx.admin.patch('/api/v1/settings', { companyName: '冰城热力', hotline: '0451-96666' });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json()).toMatchObject({ companyName: '冰城热力', hotline: '0451-96666', logoUrl: null });
    const put = await ctx.admin.put('/api/v1/settings/logo', { dataUrl: `data:image/png;base64,${PNG}` });
    expect(put.statusCode, put.body).toBe(200);
    const logoUrl = put.json().logoUrl as string;
    expect(logoUrl).toMatch(/^\/branding\/logo\?v=[0-9a-f]{12}$/);
    const pub = await ctx.app.inject({ method: 'GET', url: '/api/v1/public/branding' });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toEqual({ companyName: '冰城热力', hotline: '0451-96666', logoUrl });
    const img = await ctx.app.inject({ method: 'GET', url: logoUrl });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    expect((await ctx.admin.get('/api/v1/auth/me')).json().company).toMatchObject({ hotline: '0451-96666', logoUrl });

    // The public feedback page shows the name and the hotline as a tel: link, and may load the logo.
    const page = await ctx.app.inject({ method: 'GET', url: '/f' });
    expect(page.body).toContain('冰城热力');
    expect(page.body).toContain('href="tel:045196666"');
    expect(page.body).toContain(`src="${logoUrl}"`);
    expect(page.headers['content-security-policy']).toContain("img-src 'self'");

    // Removing both: the pages show the name alone.
    expect((await ctx.admin.patch('/api/v1/settings', { hotline: '' })).json()).toMatchObject({ hotline: null });
    expect((await ctx.admin.delete('/api/v1/settings/logo')).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/public/branding' })).json()).toEqual({ companyName: '冰城热力', hotline: null, logoUrl: null });
    expect((await ctx.app.inject({ method: 'GET', url: logoUrl })).statusCode).toBe(404);
  });

  it('refuses an SVG, a file that only claims to be a PNG, one over 128 KB and a bad hotline, naming the field, in the caller’s language', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    const zh = await ctx.admin.put('/api/v1/settings/logo', { dataUrl: `data:image/svg+xml;base64,${svg}` });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().errors[0]).toMatchObject({ field: 'dataUrl', message: '标志须为 PNG、JPEG 或 WebP 图片' });
    const en = await ctx.admin.lang('en').put('/api/v1/settings/logo', { dataUrl: `data:image/png;base64,${svg}` });
    expect(en.json().errors[0]).toMatchObject({ field: 'dataUrl', message: 'The logo must be a PNG, JPEG or WebP image' });
    const big = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(129 * 1024)]).toString('base64');
    const tooBig = await ctx.admin.put('/api/v1/settings/logo', { dataUrl: `data:image/png;base64,${big}` });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().errors[0]).toMatchObject({ field: 'dataUrl' });
    const hotline = await ctx.admin.patch('/api/v1/settings', { hotline: 'call us!' });
    expect(hotline.statusCode).toBe(400);
    expect(hotline.json().errors[0]).toMatchObject({ field: 'hotline' });
    expect(hotline.json().errors[0].message).toContain('服务热线');
    // Nothing was written: still no logo.
    expect((await ctx.admin.get('/api/v1/settings')).json()).toMatchObject({ logoUrl: null });
    const agent = await ctx.newUser({ role: 'agent', username: 'agent.branding' });
    expect((await agent.put('/api/v1/settings/logo', { dataUrl: `data:image/png;base64,${PNG}` })).statusCode).toBe(403);
  });
});
