/**
 * Demo data from the setup page: a fresh server → setup with 「同时加载演示数据」 → signed in on the customer list,
 * which shows the load's progress and then the generated Harbin households → the settings page tells what was
 * loaded. The size the page asks for (50,000) is turned into 1,200 on the way so the test stays short; the
 * 50,000-household load is measured by `npm run bench` (docs/BENCHMARKS.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, buildWeb, DESKTOP, launchBrowser, Shots, see, startServer, tableRows, until, type BrowserHandle, type ServerHandle } from './harness.js';

let server: ServerHandle;
let browser: BrowserHandle;

beforeAll(async () => {
  buildWeb();
  // On the embedded database whatever the run has: the server's own sliced load on PGlite, answering the page's
  // progress polls between slices, is what this file shows (the default install).
  [server, browser] = await Promise.all([startServer(false, { embedded: true }), launchBrowser(DESKTOP)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('demo data', () => {
  it('loads from the setup page and shows the households', async () => {
    const shots = new Shots('demo');
    const page = browser.page;
    let asked: number | null = null;
    await page.route('**/api/v1/demo', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      asked = (route.request().postDataJSON() as { size: number }).size;
      await route.continue({ postData: JSON.stringify({ size: 1200 }) });
    });

    await page.goto(server.url + '/');
    await see(page, '初始化系统');
    await page.getByLabel('公司名称').fill('冰城热力（演示）');
    await page.getByRole('radio', { name: /供热企业/ }).check();
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('显示名').fill(ADMIN.displayName);
    await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('确认密码').fill(ADMIN.password);
    await page.getByRole('checkbox', { name: '同时加载演示数据' }).check();
    await shots.take(page, 'setup-with-demo');
    await page.getByRole('button', { name: '完成初始化' }).click();

    // Signed in straight onto the customer list; the households arrive as the load runs, and with them the new customers
    // the played history makes: 5 that members referred (老带新, demo/loyalty.ts), 4 households registered twice and
    // 12 from the demo's import (demo/content.ts): 1,221 customers.
    await until(async () => new URL(page.url()).pathname === '/customers', 'the customer list');
    expect(asked).toBe(50_000);
    await until(async () => ((await (await page.request.get(`${server.url}/api/v1/demo`)).json()) as { status: string }).status === 'done', 'the demo loaded', 150_000);
    await until(async () => {
      const total = await page.getByText(/共 [\d,]+ 位客户/).textContent().catch(() => null);
      return total === '共 1,221 位客户';
    }, 'all 1,200 households and the 21 customers of their history listed', 60_000);
    await see(page, '哈尔滨市');
    expect(await tableRows(page).count()).toBeGreaterThan(5);
    await shots.take(page, 'households');

    // A household from the generator: its compound is searchable and it has ten seasons of history to show.
    const first = tableRows(page).first();
    expect(await first.textContent()).toMatch(/号楼/);

    await page.goto(server.url + '/admin/settings');
    await see(page, '演示数据');
    await see(page, /已加载演示数据：1,200 户，[\d,]+ 笔交易/);
    await shots.take(page, 'settings-demo');
  }, 240_000); // the wait for the load above may take up to 150 s by itself
});
