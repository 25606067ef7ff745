/**
 * Bulk changes in the 客户反馈 inbox (issue #19): the administrator selects three items by their check boxes (a click in
 * the check-box column does not open the drawer), 分配给… a colleague → 「已分配 3 条反馈」 and the three rows show the new
 * owner, one request however often OK is clicked; 更改状态 to 处理中 on two of them → the rows show it; the selection is
 * gone after each change. The assignment rules dialog lists a rule added through the API.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, dialogHelpers, pick, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const TEXTS = ['3号楼暖气不热，才十五度', '楼道里的暖气管漏水了', '缴费窗口排队太久了', '维修师傅态度很好'];

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const colleague = await api.post<{ id: string }>('/api/v1/users', { username: 'zhao.kefu', displayName: '赵客服', password: 'Passw0rd!', roleKey: 'agent' });
  const items: { id: string; number: number }[] = [];
  for (const text of TEXTS) items.push(await api.post<{ id: string; number: number }>('/api/v1/feedback', { text }));
  await api.post('/api/v1/feedback-assignment-rules', { name: '表扬交给赵客服', sentiment: 'pos', target: 'user', userId: colleague.id });
  return { api, colleagueId: colleague.id, items };
});

const { dialog, openDialog, closed } = dialogHelpers(() => suite.browser.page);

describe('feedback bulk changes', () => {
  it('assigns three items at once, then moves two to 处理中', async () => {
    const page = suite.browser.page;
    const shots = new Shots('feedback-bulk');
    await signIn(suite.browser, suite.server.url, '/feedback');
    await page.getByTestId('fb-row').first().waitFor({ timeout: WAIT });
    const three = suite.items.slice(0, 3);
    for (const x of three) await page.getByRole('checkbox', { name: `选择反馈 #${x.number}` }).check();
    await see(page.getByTestId('fb-bulk-bar'), '已选 3 条反馈');
    expect(new URL(page.url()).searchParams.get('item')).toBeNull(); // picking did not open the drawer
    await shots.take(page, 'selected');

    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/feedback/bulk')) posts++;
    });
    await openDialog(page.getByTestId('fb-bulk-assign'));
    await see(dialog(), '把 3 条反馈分配给');
    await pick(page, dialog().getByRole('combobox', { name: '负责人' }), '赵客服', '赵客服');
    await dialog().getByRole('button', { name: '确定' }).dblclick();
    await see(page.getByTestId('fb-bulk-result'), '已分配 3 条反馈');
    await closed();
    for (const x of three) {
      const row = page.locator(`[data-testid="fb-row"][data-number="${x.number}"]`);
      await expect.poll(() => row.textContent(), { timeout: WAIT }).toContain('赵客服');
    }
    expect(posts).toBe(1);
    await expect.poll(() => page.getByTestId('fb-bulk-bar').count()).toBe(0);
    await shots.take(page, 'assigned');
    for (const x of three) expect(await suite.api.get<{ owner: { id: string } | null }>(`/api/v1/feedback/${x.id}`)).toMatchObject({ owner: { id: suite.colleagueId } });

    // 更改状态 → 处理中 on two.
    for (const x of three.slice(0, 2)) await page.getByRole('checkbox', { name: `选择反馈 #${x.number}` }).check();
    await openDialog(page.getByTestId('fb-bulk-status'));
    await pick(page, dialog().getByRole('combobox', { name: '新状态' }), '处理中');
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(page.getByTestId('fb-bulk-result'), '已更改 2 条反馈的状态');
    await closed();
    for (const x of three.slice(0, 2)) {
      await expect.poll(() => page.locator(`[data-testid="fb-row"][data-number="${x.number}"]`).getByTestId('fb-status').getAttribute('data-status'), { timeout: WAIT }).toBe('in_progress');
    }
    expect(await page.locator(`[data-testid="fb-row"][data-number="${three[2]!.number}"]`).getByTestId('fb-status').getAttribute('data-status')).toBe('new');

    // The rules dialog lists the rule.
    await openDialog(page.getByTestId('fb-rules'));
    await see(dialog().getByTestId('fb-rule-row'), '表扬交给赵客服');
    await see(dialog(), '赵客服');
    await shots.take(page, 'rules');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
