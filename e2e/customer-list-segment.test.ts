/**
 * Adding customers to a static list (静态名单) from the customer list's selection (issue #14): select two customers,
 * 加入静态名单, pick the list, see the report (added, already members); the list's page shows them as members. Then a
 * return-visit plan whose audience (客户细分) is that list creates tasks for its members only.
 * One server and one browser for the file; data seeded through the API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { customerSuite } from './fixtures.js';
import { dialogHelpers, pick, see, Shots, shotIfFailed, WAIT } from './harness.js';

const suite = customerSuite();
const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);

describe('customer list → static list', () => {
  afterEach((c) => shotIfFailed(suite.browser.page, c.task));

  it('adds two selected customers to a static list and reports it; the list shows them as members', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-list-segment');
    const list = await suite.api.post<{ id: string }>('/api/v1/segments', { name: '春节慰问名单', kind: 'static' });
    await suite.api.post('/api/v1/segments', { name: '另一名单', kind: 'static' });
    // 王芳 is on the list already: the report counts her as a member already.
    await suite.api.post(`/api/v1/segments/${list.id}/members`, { customerIds: [suite.ids.wang] });

    await page.goto(suite.server.url + '/customers');
    await see(page, '共 29 位客户');
    for (const name of ['张伟', '王芳']) await page.getByRole('checkbox', { name: `选择客户「${name}」` }).check();
    await see(page.getByTestId('bulk-bar'), '已选 2 位客户');
    await openDialog(page.getByRole('button', { name: '加入静态名单' }));
    await see(dialog(), '将 2 位客户加入静态名单');
    // Required: OK without a list says so and sends nothing.
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(dialog(), '请填写静态名单');
    await pick(page, dialog().getByLabel('静态名单', { exact: true }), '春节慰问名单');
    await shots.take(page, 'dialog');
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(page.getByTestId('list-result'), '已加入「春节慰问名单」：新增 1 人；1 人已在名单中');
    await closed();
    expect(await page.getByTestId('bulk-bar').count()).toBe(0);
    await shots.take(page, 'reported');

    // The API and the list's page: both are members now.
    const members = await suite.api.get<{ items: { name: string }[] }>(`/api/v1/segments/${list.id}/members?limit=200`);
    expect(members.items.map((m) => m.name).sort()).toEqual(['张伟', '王芳'].sort());
    await page.goto(`${suite.server.url}/segments/${list.id}`);
    await expect.poll(async () => (await page.getByTestId('member-name').allTextContents()).sort(), { timeout: WAIT }).toEqual(['张伟', '王芳'].sort());
    await shots.take(page, 'list-page');
  });

  it('a return-visit plan for the static list: the form picks it under 客户细分, the run creates tasks for its two members', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-list-segment-care');
    await page.goto(`${suite.server.url}/care/plans`);
    await openDialog(page.getByRole('button', { name: '新建回访计划' }));
    await dialog().getByLabel('名称').fill('慰问名单回访');
    await dialog().getByLabel('任务标题').fill('春节慰问回访');
    await pick(page, dialog().getByLabel('客户细分', { exact: true }), '春节慰问名单（静态名单）');
    await shots.take(page, 'form');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    const row = page.getByTestId('plan-row').filter({ hasText: '慰问名单回访' });
    await row.waitFor();
    await see(row, '春节慰问名单');
    await page.getByRole('button', { name: '立即运行' }).click();
    await see(page, '运行完成：新建任务 2 个');
    await shots.take(page, 'ran');
  });
});
