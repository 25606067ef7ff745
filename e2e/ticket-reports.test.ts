/**
 * Ticket reports and SLA settings in the browser: two tickets (one answered, one resolved) → the 工单报表 page shows the totals, the
 * per-agent row and the charts, and the queue shows the SLA clock (「剩余 71 小时 59 分」); the SLA 设置 page lists the
 * seeded calendars and policies, a holiday is added to the default calendar (saved, counted), and a calendar whose
 * hours end before they start is refused with the server's message; the team filter narrows the numbers to one team
 * (a department counts its groups) and clearing it brings them back.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, pick, see, seedCompany, Shots, signIn, tableRows, type Api } from './harness.js';

const suite = browserSuite<{ api: Api }>(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const me = await api.get<{ user: { id: string } }>('/api/v1/auth/me');
  const customer = await api.post<{ id: string }>('/api/v1/customers', { name: '王秀英', address: { city: '哈尔滨市', compound: '幸福家园', room: '302' } });
  const categories = await api.get<{ id: string; nameZh: string }[] | { items: { id: string; nameZh: string }[] }>('/api/v1/ticket-categories');
  const notWarm = (Array.isArray(categories) ? categories : categories.items).find((c) => c.nameZh === '暖气不热')!;
  const a = await api.post<{ id: string }>('/api/v1/tickets', { title: '暖气不热', type: 'complaint', customerId: customer.id, categoryId: notWarm.id, assigneeId: me.user.id });
  const b = await api.post<{ id: string }>('/api/v1/tickets', { title: '缴费咨询', type: 'inquiry', customerId: customer.id, assigneeId: me.user.id });
  await api.post(`/api/v1/tickets/${a.id}/replies`, { body: '已安排师傅上门', send: false });
  // The inquiry is resolved at once: its targets are settled (met); the complaint's resolution target is still running.
  const causes = await api.get<{ items: { id: string }[] }>('/api/v1/ticket-root-causes');
  await api.post(`/api/v1/tickets/${b.id}/resolve`, { rootCauseId: causes.items[0]!.id, solution: '已说明缴费标准', outcomeTold: 'not_yet', returnVisitDays: 0 });
  await signIn(browser, server.url, '/tickets/reports');
  return { api };
});

describe('ticket reports and SLA settings', () => {
  it('the reports page shows the numbers, the per-agent row and the charts', async () => {
    const page = suite.browser.page;
    const shots = new Shots('ticket-reports');
    await see(page, '工单报表');
    await expect.poll(async () => page.getByTestId('stat-total').locator('.ant-statistic-content').textContent()).toBe('2');
    const agentRow = page.getByTestId('by-agent').locator('tr.ant-table-row').first();
    await expect.poll(async () => agentRow.textContent()).toContain('系统管理员');
    expect(await agentRow.locator('td').nth(1).textContent()).toBe('2');
    // Compliance counts the targets settled so far (slaCompliance): the inquiry resolved in time is 1 of 1 met; the
    // complaint, answered and still within its resolution target, is not counted until that clock stops or runs out.
    expect(await page.getByTestId('stat-compliance').locator('.ant-statistic-content').textContent()).toBe('100%');
    for (const chart of ['chart-by-day', 'chart-by-category', 'chart-by-compound']) await page.getByTestId(chart).locator('canvas').first().waitFor();
    await shots.take(page, 'reports');

    // The clock in the queue: the complaint was answered, so its next target is the resolution within 72 hours,
    // which run around the clock (24×7).
    await page.goto(`${suite.server.url}/tickets`);
    const complaint = tableRows(page).filter({ hasText: '暖气不热' }).getByTestId('sla-clock');
    await expect.poll(async () => complaint.textContent()).toMatch(/^剩余 (71 小时 5\d 分|72 小时)$/);
    expect(await complaint.getAttribute('data-state')).toBe('on_track');
    await shots.take(page, 'queue-clock');
  });

  it('the SLA settings list calendars and policies; a holiday is added; a bad calendar is refused', async () => {
    const page = suite.browser.page;
    const shots = new Shots('sla-settings');
    await page.goto(`${suite.server.url}/admin/sla`);
    await see(page, '投诉：24 小时内答复');
    await see(page, '7×24 小时');
    await see(page, '33 个节假日，6 个调休日');
    await shots.take(page, 'settings');

    // Add a company holiday to the default calendar.
    await tableRows(page).filter({ hasText: '33 个节假日' }).getByTestId('edit-calendar').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByTestId('add-holidays').click();
    const row = dialog.getByTestId('holidays-row').last();
    await row.locator('input[type="date"]').fill('2026-12-31');
    await row.getByPlaceholder('名称（如 国庆节）').fill('跨年');
    await shots.take(page, 'calendar-dialog');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await see(page, '已保存');
    await see(page, '34 个节假日，6 个调休日');
    const cals = await suite.api.get<{ isDefault: boolean; holidays: { date: string; name: string }[] }[]>('/api/v1/tickets/sla/calendars');
    expect(cals.find((c) => c.isDefault)!.holidays).toContainEqual({ date: '2026-12-31', name: '跨年' });

    // A calendar whose working hours end before they start.
    await page.getByRole('button', { name: '新建日历' }).click();
    const create = page.locator('.ant-modal:visible');
    await create.getByLabel('名称').fill('夜班');
    const start = create.getByPlaceholder('08:30').first();
    await start.fill('18:00');
    await create.getByPlaceholder('17:30').first().fill('09:00');
    await create.getByRole('button', { name: /保\s*存/ }).click();
    await see(create, '结束时间须晚于开始时间');
    await shots.take(page, 'calendar-refused');
    await create.getByRole('button', { name: /取\s*消/ }).click();
    expect(await tableRows(page).filter({ hasText: '夜班' }).count()).toBe(0);

    // In English the shipped calendars and policies have English names; back to Chinese for the next test.
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await see(page, 'Complaint: answer within 24 hours');
    await see(page, 'Working days (Mon–Fri 08:30–17:30, 2026 public holidays included)');
    expect(await page.getByText('投诉：24 小时内答复').count()).toBe(0);
    await shots.take(page, 'settings-english');
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await see(page, '投诉：24 小时内答复');
  });

  it('the team filter narrows the numbers to a team and the teams below it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('ticket-reports-team');
    // A department with one group and its agent, who gets one more ticket; the admin's two tickets have no team.
    const api = suite.api;
    const dept = await api.post<{ id: string }>('/api/v1/teams', { name: '客服部', kind: 'department' });
    const group = await api.post<{ id: string }>('/api/v1/teams', { name: '维修一班', kind: 'group', parentId: dept.id });
    const agent = await api.post<{ id: string }>('/api/v1/users', { username: 'zhangwei', displayName: '张伟', password: 'Zhangwei123', roleKey: 'agent', teamId: group.id });
    await api.post('/api/v1/tickets', { title: '楼道漏水', type: 'repair', contactName: '住户', assigneeId: agent.id });

    await page.goto(`${suite.server.url}/tickets/reports`);
    await see(page, '工单报表');
    const total = page.getByTestId('stat-total').locator('.ant-statistic-content');
    const agents = page.getByTestId('by-agent').locator('tr.ant-table-row');
    const teams = page.getByTestId('by-team').locator('tr.ant-table-row');
    await expect.poll(async () => total.textContent()).toBe('3');
    await expect.poll(async () => teams.allTextContents()).toEqual([expect.stringContaining('无班组'), expect.stringContaining('维修一班')]);

    const teamFilter = page.getByLabel('班组', { exact: true });
    await pick(page, teamFilter, '维修一班');
    await expect.poll(async () => total.textContent()).toBe('1');
    await expect.poll(async () => agents.count()).toBe(1);
    expect(await agents.first().textContent()).toContain('张伟');
    expect(await teams.allTextContents()).toEqual([expect.stringContaining('维修一班')]);
    await shots.take(page, 'one-team');

    // The department counts its group's ticket too.
    const deptReport = page.waitForResponse((r) => r.url().includes(`teamId=${dept.id}`) && r.ok());
    await pick(page, teamFilter, '客服部');
    await deptReport;
    await expect.poll(async () => total.textContent()).toBe('1');
    expect(await teams.allTextContents()).toEqual([expect.stringContaining('维修一班')]);

    // Cleared: all three again.
    await page.getByTestId('report-team').hover();
    await page.getByTestId('report-team').locator('.ant-select-clear').click();
    await expect.poll(async () => total.textContent()).toBe('3');
    await expect.poll(async () => agents.count()).toBe(2);
  });
});
