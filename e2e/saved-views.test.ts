/**
 * Saved views (issue #21) in the browser. The ticket queue: filter by the tag 紧急 and hide the 满意度 column, save it as
 * 「我的紧急工单」, clear the filter, reopen the view from 「视图」 → exactly the two tagged tickets, and the column hidden
 * again (its `cols=` back in the URL). A view shared with the team is listed for a teammate (with the owner's name)
 * and not for a user of another team. The customer list: a search saved and reopened.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, dialogHelpers, pick, see, seedCompany, signIn, WAIT } from './harness.js';

const PASSWORD = 'Passw0rd!';

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const team = await api.post<{ id: string }>('/api/v1/teams', { name: '客服一班', kind: 'group' });
  const other = await api.post<{ id: string }>('/api/v1/teams', { name: '客服二班', kind: 'group' });
  await api.post('/api/v1/users', { username: 'li.banzhang', displayName: '李班长', password: PASSWORD, roleKey: 'manager', teamId: team.id });
  await api.post('/api/v1/users', { username: 'wang.kefu', displayName: '王客服', password: PASSWORD, roleKey: 'manager', teamId: team.id });
  await api.post('/api/v1/users', { username: 'zhao.kefu', displayName: '赵客服', password: PASSWORD, roleKey: 'manager', teamId: other.id });
  const tickets: { id: string; number: number; title: string }[] = [];
  for (const title of ['3号楼暖气不热', '5号楼楼道漏水', '7号楼阀门异响', '9号楼缴费咨询']) tickets.push({ ...(await api.post<{ id: string; number: number }>('/api/v1/tickets', { title, type: 'repair' })), title });
  for (const tk of tickets.slice(0, 2)) await api.patch(`/api/v1/tickets/${tk.id}`, { tags: ['紧急'] });
  await api.post('/api/v1/customers', { kind: 'person', name: '王大爷', phones: ['13900001111'] });
  await api.post('/api/v1/customers', { kind: 'person', name: '李阿姨', phones: ['13900002222'] });
  return { api, tickets };
});

const { dialog, closed } = dialogHelpers(() => suite.browser.page);

async function openViews() {
  const page = suite.browser.page;
  await page.getByTestId('saved-views').click();
  return page.locator('.ant-dropdown:visible');
}

async function rowNumbers(): Promise<number[]> {
  const rows = suite.browser.page.locator('[data-testid="ticket-row"]');
  return (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-number'))))).sort((a, b) => a - b);
}

describe('saved views', () => {
  it('a saved view reopened: filters and hidden columns of the ticket queue; shared with the team only; the customer list', async () => {
    const page = suite.browser.page;
    await signIn(suite.browser, suite.server.url, '/tickets', 'li.banzhang', PASSWORD);
    const all = suite.tickets.map((t) => t.number).sort((a, b) => a - b);
    const urgent = suite.tickets.slice(0, 2).map((t) => t.number).sort((a, b) => a - b);
    await expect.poll(rowNumbers, { timeout: WAIT }).toEqual(all);

    // Filter by the tag and hide the 满意度 column.
    await pick(page, page.getByTestId('filter-tag'), '紧急');
    await expect.poll(rowNumbers, { timeout: WAIT }).toEqual(urgent);
    await page.getByTestId('column-button').click();
    await page.getByTestId('column-rating').click();
    await expect.poll(() => page.locator('.ant-table-thead').textContent(), { timeout: WAIT }).not.toContain('满意度');
    await page.keyboard.press('Escape');

    // Save it as 「我的紧急工单」 (OK twice: one view).
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/views')) posts++;
    });
    await (await openViews()).getByTestId('save-view').click();
    await dialog().waitFor();
    await dialog().getByTestId('view-name').fill('我的紧急工单');
    await dialog().getByRole('button', { name: '保存' }).dblclick();
    await see(page, '已保存视图「我的紧急工单」');
    await closed();
    expect(posts).toBe(1);

    // Clear the filter (another page, then the queue afresh): all tickets, every column.
    await page.goto(`${suite.server.url}/customers`);
    await page.goto(`${suite.server.url}/tickets`);
    await expect.poll(rowNumbers, { timeout: WAIT }).toEqual(all);
    await see(page.locator('.ant-table-thead'), '满意度');

    // Reopen the view: exactly the two urgent tickets, the column hidden.
    await (await openViews()).getByText('我的紧急工单', { exact: true }).click();
    await expect.poll(rowNumbers, { timeout: WAIT }).toEqual(urgent);
    await expect.poll(() => page.locator('.ant-table-thead').textContent(), { timeout: WAIT }).not.toContain('满意度');
    expect(page.url()).toContain('tag=');
    expect(page.url()).toContain('cols=');
    const titles = await page.getByTestId('ticket-title').allTextContents();
    expect(titles.sort()).toEqual(['3号楼暖气不热', '5号楼楼道漏水']);

    // A view shared with 客服一班.
    await (await openViews()).getByTestId('save-view').click();
    await dialog().waitFor();
    await dialog().getByTestId('view-name').fill('班组紧急工单');
    await dialog().getByText('共享给团队').click();
    await see(dialog(), '客服一班');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '已保存视图「班组紧急工单」');
    await closed();

    // The customer list: a search saved and reopened.
    await page.goto(`${suite.server.url}/customers?q=${encodeURIComponent('王大爷')}`);
    await see(page.locator('.ant-table-tbody'), '王大爷');
    await (await openViews()).getByTestId('save-view').click();
    await dialog().waitFor();
    await dialog().getByTestId('view-name').fill('王大爷');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '已保存视图「王大爷」');
    await closed();
    await page.goto(`${suite.server.url}/customers`);
    await see(page.locator('.ant-table-tbody'), '李阿姨');
    await (await openViews()).getByText('王大爷', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-table-tbody').textContent(), { timeout: WAIT }).not.toContain('李阿姨');
    await see(page.locator('.ant-table-tbody'), '王大爷');

    // A teammate sees the shared view (with its owner) and not the personal one; another team's user sees neither.
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, '/tickets', 'wang.kefu', PASSWORD);
    const menu = await openViews();
    await see(menu, '班组紧急工单 · 李班长');
    expect(await menu.textContent()).not.toContain('我的紧急工单');
    await menu.getByText('班组紧急工单 · 李班长').click();
    await expect.poll(rowNumbers, { timeout: WAIT }).toEqual(urgent);
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, '/tickets', 'zhao.kefu', PASSWORD);
    const theirs = await openViews();
    await see(theirs, '还没有保存的视图');
    expect(await theirs.textContent()).not.toContain('紧急工单');
  });
});
