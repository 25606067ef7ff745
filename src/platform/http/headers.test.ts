/**
 * Security headers on every response (issue #18): a walk over the API (answers and errors), the API document, the
 * web app's index and the households' pages — the single-page ones and each server-rendered one — checking the
 * Content-Security-Policy (no inline script, frame-ancestors 'none'), nosniff, Referrer-Policy and X-Frame-Options;
 * Strict-Transport-Security only over HTTPS (as a trusted proxy says) or when configured.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { HSTS_VALUE } from './security-headers.js';

const ROUTES: [who: 'anon' | 'admin', url: string][] = [
  ['anon', '/api/health'],
  ['anon', '/api/v1/setup'],
  ['anon', '/api/v1/customers'], // 401
  ['anon', '/api/v1/nope'], // 404
  ['admin', '/api/v1/customers'],
  ['admin', '/api/v1/auth/me'],
  ['anon', '/api/docs/json'],
  ['anon', '/api/docs/static/index.html'],
  ['anon', '/api/v1/public/branding'],
  ['anon', '/branding/logo'],
  // the web app and the households' single-page pages (index.html / public.html when the UI is built)
  ['anon', '/'],
  ['anon', '/login'],
  ['anon', '/customers'],
  ['anon', '/s/report'],
  ['anon', '/s/help'],
  ['anon', '/unsubscribe/abc.def'],
  // the households' server-rendered pages: feedback, survey invitation and QR, loyalty member and join, a tracked link
  ['anon', '/f'],
  ['anon', '/s/v/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
  ['anon', '/s/q/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
  ['anon', '/s/m/not-a-token'],
  ['anon', '/s/j/not-a-code'],
  ['anon', '/l/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA/1'],
];

/** The policy's directives by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function checkHeaders(res: LightMyRequestResponse, url: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  expect(csp, `${url}: Content-Security-Policy`).not.toBe('');
  const d = directives(csp);
  // Scripts: this origin only, or none at all (default-src 'none' and no script-src); never inline, never eval.
  const scripts = d.get('script-src') ?? d.get('default-src') ?? [];
  expect(scripts.length, `${url}: ${csp}`).toBeGreaterThan(0);
  expect(scripts.every((s) => s === "'self'" || s === "'none'"), `${url}: ${csp}`).toBe(true);
  if (d.has('sandbox')) expect(d.get('default-src'), url).toEqual(["'none'"]);
  else expect(d.get('frame-ancestors'), `${url}: ${csp}`).toEqual(["'none'"]);
  expect(res.headers['x-content-type-options'], url).toBe('nosniff');
  expect(res.headers['referrer-policy'], url).toBe('same-origin');
  expect(res.headers['x-frame-options'], url).toBe('DENY');
  expect(res.headers['strict-transport-security'], `${url}: no HSTS over plain HTTP`).toBeUndefined();
  // An HTML page carries no inline script (CSP would block it anyway: this finds it before a browser does).
  if (String(res.headers['content-type']).startsWith('text/html')) {
    const inline = [...res.body.matchAll(/<script\b([^>]*)>/gi)].filter((m) => !/\bsrc=/.test(m[1]!));
    expect(inline.map((m) => m[0]), url).toEqual([]);
    expect(res.body, url).not.toMatch(/\son[a-z]+\s*=\s*["']/i); // no inline event handlers
  }
}

describe('security headers', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.close());

  for (const [who, url] of ROUTES) {
    it(`${who} GET ${url}`, async () => {
      const res = await (who === 'admin' ? ctx.admin : ctx.anon).get(url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      checkHeaders(res, url);
    });
  }

  it('on writes and refusals too (a POST, a CSRF refusal, a validation error)', async () => {
    checkHeaders(await ctx.admin.post('/api/v1/customers', { name: '头部' }), 'POST /api/v1/customers');
    checkHeaders(await ctx.admin.post('/api/v1/customers', { nope: 1 }), 'POST /api/v1/customers (400)');
    checkHeaders(await ctx.admin.post('/api/v1/customers', { name: 'x' }, { origin: 'https://evil.example' }), 'POST (403 csrf)');
    checkHeaders(await ctx.anon.post('/api/v1/auth/login', { login: 'admin', password: 'wrong-password' }), 'POST /api/v1/auth/login (401)');
  });
});

describe('Strict-Transport-Security', () => {
  it('only when the request came over HTTPS (behind a trusted proxy), or when HSTS=on', async () => {
    const proxied = await createTestContext({ setup: false, config: { trustProxy: true } });
    try {
      expect((await proxied.anon.get('/api/health')).headers['strict-transport-security']).toBeUndefined();
      const secure = await proxied.anon.get('/api/health', { 'x-forwarded-proto': 'https' });
      expect(secure.headers['strict-transport-security']).toBe(HSTS_VALUE);
      expect((await proxied.anon.get('/s/report', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBe(HSTS_VALUE);
    } finally {
      await proxied.close();
    }
    const forced = await createTestContext({ setup: false, config: { hsts: 'on' } });
    try {
      expect((await forced.anon.get('/api/health')).headers['strict-transport-security']).toBe(HSTS_VALUE);
    } finally {
      await forced.close();
    }
  });
});
