/**
 * Saved views (issue #21) in the browser. The ticket queue: filter by the tag 紧急 and hide the 满意度 column, save it as
 * 「我的紧急工单」, clear the filter, reopen the view from 「视图」 → exactly the two tagged tickets, and the column hidden
 * again (its `cols=` back in the URL). A view shared with the team is listed for a teammate (with the owner's name)
 * and not for a user of another team. The customer list: a search saved and reopened. 我的任务: a view renamed and deleted
 * in 管理视图 (the delete asked first; both seen at once in the list and the menu), a teammate's shared view not
 * offered there; at 390 px the control on each list page, its menu with a long name and 管理视图 stay within the screen.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { Api, browserSuite, DESKTOP, dialogHelpers, PHONE, pick, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

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
  return { api, tickets, teamId: team.id };
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

  it('rename and delete a view in 管理视图 (asked first; the list changes at once); at 390 px nothing overflows', async () => {
    const page = suite.browser.page;
    const shots = new Shots('saved-views');
    const li = await new Api(suite.server.url).login('li.banzhang', PASSWORD);
    const wang = await new Api(suite.server.url).login('wang.kefu', PASSWORD);
    // A retry (CI retries a failed browser test once) starts from no task views of theirs, as the first try did.
    for (const who of [li, wang]) {
      for (const v of (await who.get<{ items: { id: string; mine: boolean }[] }>('/api/v1/views?page=tasks')).items) if (v.mine) await who.delete(`/api/v1/views/${v.id}`);
    }
    await li.post('/api/v1/views', { page: 'tasks', name: '本周回访', state: { query: 'tab=upcoming' } });
    await li.post('/api/v1/views', { page: 'tasks', name: LONG_NAME, state: { query: 'tab=overdue' } });
    await wang.post('/api/v1/views', { page: 'tasks', name: '班组逾期任务', state: { query: 'tab=overdue' }, teamId: suite.teamId });
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, '/tasks', 'li.banzhang', PASSWORD);

    // 管理视图: my two views; the teammate's shared one is not mine to change (a hint says who may).
    await (await openViews()).getByTestId('manage-views-item').click();
    const manage = page.locator('.ant-modal-wrap:visible').filter({ has: page.getByTestId('manage-views') });
    await manage.waitFor();
    const names = () => manage.getByTestId('managed-view').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort());
    await expect.poll(names, { timeout: WAIT }).toEqual(['本周回访', LONG_NAME].sort());
    await see(manage, '共享给你的其他视图只能由其创建者或管理员修改');

    // Rename: the new name in the list at once, and in the menu.
    await managed(manage, '本周回访').getByTestId('view-rename').click();
    const rename = page.locator('.ant-modal-wrap:visible').filter({ has: page.getByTestId('rename-view-form') });
    await rename.getByTestId('rename-view-name').fill('下周回访');
    await rename.getByRole('button', { name: '保存' }).click();
    await see(page, '已重命名为「下周回访」');
    await rename.waitFor({ state: 'detached' });
    await managed(manage, '下周回访').waitFor();
    expect(await managed(manage, '本周回访').count()).toBe(0);
    await shots.take(page, 'renamed');
    await page.keyboard.press('Escape');
    await manage.waitFor({ state: 'detached' });
    const menu = await openViews();
    await menu.locator('[data-testid="saved-view-item"][data-name="下周回访"]').waitFor();
    expect(await menu.locator('[data-testid="saved-view-item"][data-name="本周回访"]').count()).toBe(0);
    await page.keyboard.press('Escape');

    // Delete: asked first (取消 keeps it), then gone from the list and the menu at once, and from the server.
    await (await openViews()).getByTestId('manage-views-item').click();
    await manage.waitFor();
    const confirm = page.locator('.ant-popconfirm:visible');
    await managed(manage, '下周回访').getByTestId('view-delete').click();
    await see(confirm, '删除视图「下周回访」？');
    await confirm.getByRole('button', { name: '取消' }).click();
    await confirm.waitFor({ state: 'detached' });
    await managed(manage, '下周回访').getByTestId('view-delete').click();
    await shots.take(page, 'delete-confirm');
    await confirm.getByRole('button', { name: '删除' }).click();
    await managed(manage, '下周回访').waitFor({ state: 'detached' });
    await see(page, '已删除视图「下周回访」');
    expect((await li.get<{ items: { name: string }[] }>('/api/v1/views?page=tasks')).items.map((v) => v.name)).toEqual([LONG_NAME, '班组逾期任务']);
    await page.keyboard.press('Escape');
    await manage.waitFor({ state: 'detached' });
    const after = await openViews();
    await see(after, '班组逾期任务 · 王客服');
    expect(await after.locator('[data-testid="saved-view-item"][data-name="下周回访"]').count()).toBe(0);
    await page.keyboard.press('Escape');

    // 390 px: the control on each list page keeps within the screen beside the toolbar.
    await page.setViewportSize(PHONE);
    try {
      for (const path of ['/customers', '/tickets', '/tasks']) {
        await page.goto(suite.server.url + path);
        const button = page.getByTestId('saved-views');
        await button.waitFor();
        await expect.poll(() => button.getAttribute('class'), { timeout: WAIT }).not.toContain('ant-btn-loading');
        await withinScreen(button);
        await noHorizontalOverflow(page);
        await shots.take(page, `phone${path.replace('/', '-')}`);
      }
      // The menu with a long name (cut with …), and 管理视图.
      const phoneMenu = await openViews();
      const long = phoneMenu.locator(`[data-testid="saved-view-item"][data-name="${LONG_NAME}"]`);
      await long.waitFor();
      await withinScreen(phoneMenu);
      await withinScreen(long);
      await noHorizontalOverflow(page);
      await shots.take(page, 'phone-menu');
      await phoneMenu.getByTestId('manage-views-item').click();
      await manage.waitFor();
      await managed(manage, LONG_NAME).waitFor();
      await withinScreen(manage.locator('.ant-modal'));
      await withinScreen(managed(manage, LONG_NAME).getByTestId('view-delete'));
      await noHorizontalOverflow(page);
      await shots.take(page, 'phone-manage');
      await managed(manage, LONG_NAME).getByTestId('view-delete').click();
      await confirm.waitFor();
      await withinScreen(confirm);
      await shots.take(page, 'phone-delete-confirm');
      await confirm.getByRole('button', { name: '取消' }).click();
      await confirm.waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await manage.waitFor({ state: 'detached' });
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

/** A long view name (54 characters; names may have 60). */
const LONG_NAME = '二〇二六至二〇二七年供暖季第三网格幸福家园小区全部逾期未处理的回访任务按到期时间排序只看本班组成员负责的客户';

function managed(manage: Locator, name: string): Locator {
  return manage.locator(`[data-testid="managed-view"][data-name="${name}"]`);
}

/** The element lies inside the window horizontally. */
async function withinScreen(el: Locator): Promise<void> {
  const box = await el.boundingBox();
  const width = el.page().viewportSize()!.width;
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/** The page is no wider than the window (nothing pushes it sideways). */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
  expect(scroll).toBeLessThanOrEqual(inner);
}
