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
