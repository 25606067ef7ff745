/**
 * Duplicate customers in the browser: two customers with the same phone are offered as a pair on 重复客户; compared
 * side by side, merged keeping the other one's name; the list then shows one customer and the merged one's page says
 * where it went; 撤销 brings both back. One server and one browser for the file; data seeded through the API.
 */
import { describe, expect, it } from 'vitest';
import { customerNames } from './fixtures.js';
import { browserSuite, DESKTOP, launchBrowser, PHONE, see, seedCompany, Shots, signIn, tableRows, WAIT } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const older = (await api.post<{ id: string }>('/api/v1/customers', { name: '刘德明', phones: ['13712345678'], address: { city: '哈尔滨市', compound: '幸福家园', room: '301' } })).id;
  const newer = (await api.post<{ id: string }>('/api/v1/customers', { name: '刘德民', phones: ['137 1234 5678'], email: 'liu.demin@example.com' })).id;
  await api.post(`/api/v1/customers/${newer}/transactions`, { occurredAt: '2025-10-01', type: 'payment', amountFen: 250_000 });
  await api.post('/api/v1/users', { username: 'chakan', displayName: '只读用户', password: 'Chakan1234', roleKey: 'viewer' });
  await signIn(browser, server.url, '/customers');
  return { api, ids: { older, newer } };
});

describe('duplicate customers', () => {
  it('finds the pair, merges it keeping the other name, and undoes the merge', async () => {
    const page = suite.browser.page;
    const shots = new Shots('duplicates-merge-undo');
    await see(page, '刘德明');
    expect((await customerNames(page)).sort()).toEqual(['刘德明', '刘德民']);

    // The menu entry, then the pair with its reason.
    await page.getByRole('menuitem', { name: '重复客户' }).click();
    const pair = page.getByTestId('duplicate-pair');
    await pair.first().waitFor();
    expect(await pair.count()).toBe(1);
    expect(await pair.getByTestId('pair-reason').allTextContents()).toEqual(['电话相同']);
    expect(await pair.textContent()).toContain('刘德明');
    expect(await pair.textContent()).toContain('刘德民');
    expect(await pair.textContent()).toContain('137****5678');
    await shots.take(page, 'pairs');

    // Side by side: the older one is kept; take the newer one's name; its email fills the empty one by default.
    await pair.getByRole('button', { name: '比较并合并' }).click();
    await page.getByTestId('compare-table').waitFor();
    await see(page.getByTestId('role-survivor'), '保留');
    await see(page, '1 笔，累计 ¥2,500.00');
    expect(await page.getByTestId('choice-email-merged').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('choice-name-survivor').locator('input').isChecked()).toBe(true);
    await page.getByTestId('choice-name-merged').click();
    expect(await page.getByTestId('choice-name-merged').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('after-phones').textContent()).toBe('合并后: 137****5678');
    await shots.take(page, 'compare');
    await page.getByTestId('merge-button').click();
    await see(page, '确认合并？');
    await page.locator('.ant-popconfirm').getByRole('button', { name: '合并' }).click();

    // The result, with 撤销.
    const result = page.getByTestId('merge-result');
    await see(result, '「刘德民」已合并到「刘德民」');
    await see(result, '转到保留客户名下：1 条交易记录，0 位联系人');
    expect(await page.getByTestId('undo-merge').isEnabled()).toBe(true);
    await shots.take(page, 'merged');

    // The list shows one customer, with the chosen name; the pair is no longer offered.
    await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await expect.poll(() => customerNames(page), { timeout: WAIT }).toEqual(['刘德民']);
    await page.getByTestId('customer-link').first().click();
    await see(page.getByTestId('customer-name'), '刘德民');
    expect(new URL(page.url()).pathname).toBe(`/customers/${suite.ids.older}`);
    await shots.take(page, 'list-one');

    // The merged customer's page says where it went, with a link.
    await page.goto(`${suite.server.url}/customers/${suite.ids.newer}`);
    const banner = page.getByTestId('merged-banner');
    await see(banner, '该客户已合并到');
    await see(banner, '刘德民');
    expect(await page.getByRole('button', { name: '恢复' }).count()).toBe(0);
    await banner.getByRole('link', { name: '查看合并记录' }).waitFor();
    await shots.take(page, 'merged-banner');
    await banner.getByRole('link', { name: '刘德民' }).click();
    await page.waitForURL(`**/customers/${suite.ids.older}`);

    // Undo from the merge records.
    await page.goto(`${suite.server.url}/duplicates`);
    await page.getByRole('tab', { name: '合并记录' }).click();
    await expect.poll(() => tableRows(page).count(), { timeout: WAIT }).toBe(1);
    expect(await tableRows(page).first().textContent()).toContain('已合并');
    await tableRows(page).first().getByRole('button', { name: '查看' }).click();
    await page.getByTestId('undo-merge').click();
    await see(page, '已撤销合并，两位客户均已恢复');
    await see(page.getByTestId('merge-result'), '合并已撤销');
    await shots.take(page, 'undone');

    // Both are back, as they were; the pair is offered again.
    await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await expect.poll(async () => (await customerNames(page)).sort(), { timeout: WAIT }).toEqual(['刘德明', '刘德民']);
    await page.getByRole('menuitem', { name: '重复客户' }).click();
    await page.getByTestId('duplicate-pair').first().waitFor();
    expect(await page.getByTestId('duplicate-pair').count()).toBe(1);
    const older = await suite.api.get<{ name: string; email: string | null }>(`/api/v1/customers/${suite.ids.older}`);
    expect(older).toMatchObject({ name: '刘德明', email: null });
    const summary = await suite.api.get<{ count: number }>(`/api/v1/customers/${suite.ids.newer}/transactions/summary`);
    expect(summary.count).toBe(1);
    await shots.take(page, 'pairs-again');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('is usable at phone width (390×844): the pairs and the comparison fit the screen', async () => {
    const page = suite.browser.page;
    const shots = new Shots('duplicates-phone');
    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${suite.server.url}/duplicates`);
      const pair = page.getByTestId('duplicate-pair');
      await pair.first().waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      const compare = pair.getByRole('button', { name: '比较并合并' });
      const box = (await compare.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await shots.take(page, 'pairs');
      await compare.click();
      await page.getByTestId('compare-table').waitFor();
      await page.getByTestId('choice-name-merged').waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      const merge = (await page.getByTestId('merge-button').boundingBox())!;
      expect(merge.x + merge.width).toBeLessThanOrEqual(PHONE.width);
      await shots.take(page, 'compare');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('is not in the menu of a read-only user, and its page says why', async () => {
    const viewer = await launchBrowser();
    try {
      const page = await signIn(viewer, suite.server.url, '/customers', 'chakan', 'Chakan1234');
      await see(page, '刘德民');
      expect(await page.getByRole('menuitem', { name: '重复客户' }).count()).toBe(0);
      await page.goto(`${suite.server.url}/duplicates`);
      await see(page, '合并客户需要“编辑客户”和“删除客户”两项权限。');
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});
