/**
 * Bulk changes in the browser. The ticket queue: select three tickets, 分配给… a colleague → 「已分配 3 张工单」 and the
 * queue shows the new assignee on all three (one request, however often OK is clicked); 更改状态 to 已关闭 on open
 * tickets → each refused with the workflow's reason, listed; 添加标签 → the tag on each row, and the queue filtered by
 * it through the URL. 我的任务: select two tasks, 完成 with one result → both done.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, dialogHelpers, pick, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const colleague = await api.post<{ id: string }>('/api/v1/users', { username: 'zhang.shifu', displayName: '张师傅', password: 'Passw0rd!', roleKey: 'agent' });
  const tickets: { id: string; number: number }[] = [];
  for (const title of ['3号楼暖气不热', '5号楼楼道漏水', '7号楼阀门异响', '9号楼缴费咨询']) tickets.push(await api.post<{ id: string; number: number }>('/api/v1/tickets', { title, type: 'repair' }));
  const tasks: { id: string }[] = [];
  for (const title of ['回访王大爷', '回访李阿姨', '关怀赵奶奶']) tasks.push(await api.post<{ id: string }>('/api/v1/tasks', { type: 'other', title, dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }));
  return { api, colleagueId: colleague.id, tickets, tasks };
});

const { dialog, openDialog, closed } = dialogHelpers(() => suite.browser.page);

describe('bulk changes', () => {
  it('bulk-assigning 3 tickets', async () => {
    const page = suite.browser.page;
    const shots = new Shots('ticket-bulk-assign');
    await signIn(suite.browser, suite.server.url, '/tickets');
    const three = suite.tickets.slice(0, 3);
    for (const tk of three) await page.getByRole('checkbox', { name: `选择工单 #${tk.number}` }).check();
    await see(page.getByTestId('ticket-bulk-bar'), '已选 3 张工单');
    await shots.take(page, 'selected');

    // 分配给… 张师傅; OK clicked twice sends one request.
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/tickets/bulk')) posts++;
    });
    await openDialog(page.getByTestId('bulk-assign'));
    await see(dialog(), '把 3 张工单分配给');
    await pick(page, dialog().getByRole('combobox', { name: '处理人' }), '张师傅', '张师傅');
    await dialog().getByRole('button', { name: '确定' }).dblclick();
    await see(page.getByTestId('bulk-result'), '已分配 3 张工单');
    await closed();
    for (const tk of three) {
      const row = page.locator(`[data-testid="ticket-row"][data-number="${tk.number}"]`);
      await expect.poll(() => row.textContent(), { timeout: WAIT }).toContain('张师傅');
    }
    const fourth = page.locator(`[data-testid="ticket-row"][data-number="${suite.tickets[3]!.number}"]`);
    expect(await fourth.textContent()).not.toContain('张师傅');
    expect(posts).toBe(1);
    await expect.poll(() => page.getByTestId('ticket-bulk-bar').count()).toBe(0);
    await shots.take(page, 'assigned');
    for (const tk of three) {
      const t = await suite.api.get<{ assignee: { id: string } | null; status: string }>(`/api/v1/tickets/${tk.id}`);
      expect(t).toMatchObject({ assignee: { id: suite.colleagueId }, status: 'assigned' });
    }
    const audit = await suite.api.get<{ items: unknown[] }>('/api/v1/audit?action=ticket_assign&entityType=ticket');
    expect(audit.items).toHaveLength(3);

    // 更改状态 → 已关闭: the workflow refuses each (not resolved); the message lists them with the reason.
    for (const tk of three.slice(0, 2)) await page.getByRole('checkbox', { name: `选择工单 #${tk.number}` }).check();
    await openDialog(page.getByTestId('bulk-status'));
    await pick(page, dialog().getByRole('combobox', { name: '新状态' }), '已关闭');
    await dialog().getByRole('button', { name: '确定' }).click();
    const result = await see(page.getByTestId('bulk-result'), '没有工单被更改');
    await see(result, '2 张未能处理');
    await see(result, `#${three[0]!.number}：工单不能从「已分派」改为「已关闭」`);
    await shots.take(page, 'refused');
    await closed();

    // 添加标签: the tag on each row; a click on it filters the queue (in the URL).
    await page.getByRole('checkbox', { name: `选择工单 #${three[0]!.number}` }).check();
    await page.getByRole('checkbox', { name: `选择工单 #${suite.tickets[3]!.number}` }).check();
    await openDialog(page.getByTestId('bulk-tag'));
    const tagSelect = dialog().getByLabel('标签', { exact: true });
    await tagSelect.fill('冬季高峰');
    await tagSelect.press('Enter');
    await dialog().locator('.ant-modal-title').click();
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(page.getByTestId('bulk-result'), '已为 2 张工单添加标签');
    await closed();
    const tagged = page.locator(`[data-testid="ticket-row"][data-number="${three[0]!.number}"]`).getByTestId('ticket-tag');
    await expect.poll(() => tagged.textContent(), { timeout: WAIT }).toBe('冬季高峰');
    await tagged.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tag')).toBe('冬季高峰');
    await expect.poll(() => page.getByTestId('ticket-row').count(), { timeout: WAIT }).toBe(2);
    await shots.take(page, 'tag-filter');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('completes two tasks at once in 我的任务', async () => {
    const page = suite.browser.page;
    const shots = new Shots('task-bulk-complete');
    await page.goto(`${suite.server.url}/tasks?tab=upcoming`);
    await page.getByTestId('task-list').waitFor();
    await page.getByRole('checkbox', { name: '选择任务「回访王大爷」' }).check();
    await page.getByRole('checkbox', { name: '选择任务「回访李阿姨」' }).check();
    await see(page.getByTestId('task-bulk-bar'), '已选 2 项任务');
    await openDialog(page.getByTestId('task-bulk-bar').getByRole('button', { name: '完成' }));
    await dialog().getByLabel('处理结果').fill('电话回访，住户满意');
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(page.getByTestId('task-bulk-result'), '已完成 2 项任务');
    await closed();
    await expect.poll(() => page.getByTestId('task-row').count(), { timeout: WAIT }).toBe(1);
    await shots.take(page, 'completed');
    const done = await suite.api.get<{ items: { title: string; result: string }[] }>('/api/v1/tasks/mine?bucket=done');
    expect(done.items.map((x) => [x.title, x.result]).sort()).toEqual([
      ['回访李阿姨', '电话回访，住户满意'],
      ['回访王大爷', '电话回访，住户满意'],
    ]);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
