/**
 * The household's public pages are small pages of their own, and the agent app loads only what its first page needs.
 * A fresh browser (cache off) opens the public report page on a phone: everything it transfers (HTML, CSS, JS, the
 * categories) stays within 60 KB and none of it is the agent app's code; the form validates, takes a photo, and a
 * double tap on 提交 makes one ticket, sent with an Idempotency-Key. Then the agent app: the JavaScript its sign-in
 * page needs before anything runs (the entry and its static imports) is at most 300 KB gzipped.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { closure, kb } from '../scripts/web-budget.mjs';
import { browserSuite, DESKTOP, PHONE, ROOT, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const suite = browserSuite(async ({ server }) => ({ api: await seedCompany(server.url) }), PHONE);

/** A 1×1 PNG (the server checks the magic bytes). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const publicManifest = () => JSON.parse(readFileSync(path.join(ROOT, 'web', 'dist', '.vite', 'manifest.public.json'), 'utf8')) as Parameters<typeof closure>[0];

type Transfer = { url: string; bytes: number; encoding: string | undefined };

/** Records every response the page receives through the DevTools protocol, with the bytes it took on the wire. */
async function recordTransfers(page: Page): Promise<{ cdp: CDPSession; transfers: Transfer[]; reset: () => void }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const pending = new Map<string, { url: string; encoding: string | undefined }>();
  const transfers: Transfer[] = [];
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    pending.set(e.requestId, { url: e.response.url, encoding: headers['content-encoding'] });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = pending.get(e.requestId);
    if (r) transfers.push({ ...r, bytes: e.encodedDataLength });
  });
  return { cdp, transfers, reset: () => transfers.splice(0) };
}

const pathOf = (url: string) => new URL(url).pathname;
const total = (ts: Transfer[]) => ts.reduce((n, t) => n + t.bytes, 0);

describe('public pages and the bundle budget', () => {
  it('the report page transfers ≤ 60 KB in all, none of it the agent app; its form validates, takes a photo, and a double tap makes one ticket', async () => {
    const page = suite.browser.page;
    const shots = new Shots('public-pages');
    const { cdp, transfers } = await recordTransfers(page);
    const posts: { url: string; key: string | undefined }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push({ url: pathOf(r.url()), key: r.headers()['idempotency-key'] });
    });

    await page.goto(`${suite.server.url}/s/report`);
    await see(page, '报修 / 投诉');
    await expect.poll(() => page.locator('#f-categoryId option').count(), { timeout: WAIT }).toBeGreaterThan(1);
    await page.waitForLoadState('networkidle');

    // Everything on the wire: the page, its CSS and JS (compressed), the categories.
    const bytes = total(transfers);
    console.log(`public report page: ${transfers.length} responses, ${kb(bytes)} transferred`);
    expect(bytes).toBeLessThanOrEqual(60 * 1024);
    // The browser's own account (Resource Timing) agrees.
    const timed = await page.evaluate<number>(
      "[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce((n, e) => n + e.transferSize, 0)",
    );
    expect(timed).toBeGreaterThan(0);
    expect(timed).toBeLessThanOrEqual(60 * 1024);
    // Only the public entry's own files; scripts and styles come compressed (all but the few under 1 KB).
    const own = closure(publicManifest(), 'public.html', { dynamic: true });
    const assets = transfers.filter((t) => pathOf(t.url).startsWith('/assets/'));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      expect([...own.js, ...own.css].map((f) => `/${f}`)).toContain(pathOf(a.url));
      if (statSync(path.join(ROOT, 'web', 'dist', pathOf(a.url))).size >= 1024) expect(['br', 'gzip']).toContain(a.encoding);
    }
    await cdp.detach();

    // Required fields, checked before anything is sent.
    await page.getByTestId('report-submit').click();
    await see(page, '请输入您的姓名');
    await see(page, '请输入手机号');
    await see(page, '请输入问题描述');
    expect(posts).toEqual([]);

    await page.getByLabel('您的姓名').fill('周芳');
    await page.getByLabel('手机号').fill('13600007777');
    await page.getByRole('radio', { name: '报修' }).check({ force: true });
    await page.getByRole('combobox', { name: '问题分类' }).selectOption({ label: '漏水' });
    await page.getByLabel('问题描述').fill('阳台暖气片接口滴水');
    await page.getByTestId('report-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await see(page, '只能上传 JPEG、PNG、WebP 或 GIF 图片');
    await page.getByTestId('report-file').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: PNG });
    await see(page, 'leak.png ✕');
    await shots.take(page, 'report-filled');

    const before = await suite.api.get<{ items: unknown[] }>('/api/v1/tickets?limit=200');
    await page.getByTestId('report-submit').dblclick();
    const done = await see(page, /已提交，工单号 #\d+/);
    const number = Number((await done.textContent())!.match(/#(\d+)/)![1]);
    await shots.take(page, 'report-done');

    // One ticket, created by one request carrying a fresh Idempotency-Key; the photo went up with its own key.
    const created = posts.filter((p) => p.url === '/api/v1/public/tickets');
    expect(created).toHaveLength(1);
    expect(created[0]!.key).toMatch(UUID);
    const uploads = posts.filter((p) => p.url.endsWith('/attachments'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.key).toMatch(UUID);
    expect(uploads[0]!.key).not.toBe(created[0]!.key);
    const after = await suite.api.get<{ items: { number: number; type: string }[] }>('/api/v1/tickets?limit=200');
    expect(after.items.length).toBe(before.items.length + 1);
    expect(after.items.find((x) => x.number === number)).toMatchObject({ type: 'repair' });

    // The follow page: the report, its photo.
    await page.getByTestId('follow-link').click();
    await page.locator('[data-testid="follow-page"][data-status="new"]').waitFor();
    await see(page, '阳台暖气片接口滴水');
    await expect.poll(() => page.evaluate<number>("document.querySelector('.thumbs img')?.naturalWidth ?? 0")).toBe(1);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('the company sets its hotline and logo on 公司设置; every public page then shows the name, the logo and the hotline', async () => {
    const page = await signIn(suite.browser, suite.server.url, '/admin/settings');
    const shots = new Shots('branding');
    await page.getByLabel('服务热线').fill('0451-96666');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await see(page, '已保存');
    // A 1×1 PNG through the upload button; the preview shows the stored logo.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await page.locator('input[type="file"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('logo-preview').waitFor();
    await expect.poll(() => page.getByTestId('logo-preview').evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBe(1);
    expect(await suite.api.get('/api/v1/settings')).toMatchObject({ hotline: '0451-96666', logoUrl: expect.stringMatching(/^\/branding\/logo\?v=/) });
    await shots.take(page, 'settings');

    for (const path of ['/s/report', '/s/help']) {
      await page.goto(`${suite.server.url}${path}`);
      const brand = page.getByTestId('branding');
      await see(brand, '示例供热有限公司');
      await see(brand, '服务热线 0451-96666');
      expect(await brand.locator('a').getAttribute('href')).toBe('tel:045196666');
      await expect.poll(() => brand.locator('img').evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBe(1);
    }
    await shots.take(page, 'report-branded');
    // The server-rendered feedback page (no script) shows the same.
    await page.goto(`${suite.server.url}/f?lang=zh-CN`);
    await see(page.getByTestId('branding'), '服务热线 0451-96666');
    await expect.poll(() => page.getByTestId('branding').locator('img').evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBe(1);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('in English with ?lang=en, and back to 中文 with the switch', async () => {
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/s/report?lang=en`);
    await see(page, 'Report a problem');
    await page.getByTestId('report-submit').click();
    await see(page, 'Please enter Your name');
    await page.getByTestId('language-switch').selectOption('zh-CN');
    await see(page, '报修 / 投诉');
    expect(new URL(page.url()).search).toBe('');
    await page.goto(`${suite.server.url}/s/help`);
    await see(page, '自助服务 · 常见问题');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it("the agent app's initial JavaScript (entry + static imports) is ≤ 300 KB gzipped; what the sign-in page and the customer list load is measured", async () => {
    const page = suite.browser.page;
    await suite.browser.context.clearCookies();
    await page.setViewportSize(DESKTOP);
    const { cdp, transfers, reset } = await recordTransfers(page);
    await page.goto(`${suite.server.url}/login`);
    await page.getByLabel('用户名或手机号').waitFor();
    await page.waitForLoadState('networkidle');

    // The scripts the HTML itself names (the entry and its modulepreloads), gzipped as the budget counts them.
    const html = await (await fetch(`${suite.server.url}/login`)).text();
    const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(initial.length).toBeGreaterThan(0);
    let gz = 0;
    for (const file of initial) gz += gzipSync(Buffer.from(await (await fetch(suite.server.url + file)).arrayBuffer()), { level: 9 }).length;
    const js = (ts: Transfer[]) => ts.filter((t) => pathOf(t.url).endsWith('.js'));
    const loaded = js(transfers).map((t) => pathOf(t.url));
    for (const file of initial) expect(loaded).toContain(file);
    console.log(`agent app initial JS: ${initial.length} files, ${kb(gz)} gzipped`);
    console.log(`sign-in page: ${js(transfers).length} JS files, ${kb(total(js(transfers)))} transferred`);
    expect(gz).toBeLessThanOrEqual(300 * 1024);
    // No chart library before a chart is drawn.
    expect(loaded.some((f) => /\/echarts-/.test(f))).toBe(false);

    // The customer list, signed in: measured (its filters and table come with it), not budgeted.
    reset();
    await signIn(suite.browser, suite.server.url, '/customers');
    await page.getByTestId('customer-total').waitFor({ timeout: WAIT });
    await page.waitForLoadState('networkidle');
    console.log(`customer list: ${js(transfers).length} JS files, ${kb(total(js(transfers)))} transferred`);
    expect(js(transfers).some((t) => /\/echarts-/.test(pathOf(t.url)))).toBe(false);
    await cdp.detach();
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
