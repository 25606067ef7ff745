/**
 * Contacts and tasks in the browser: logging a call from the customer 360 page takes two clicks and a sentence and
 * the call tops the timeline (mixed with transactions, times in Asia/Shanghai); a return-visit task is completed on
 * 我的任务 (reached through the bell in the header), shows as done, and its contact is on the customer's timeline;
 * a task created from the customer page shows among its open tasks.
 * One server and one browser for the file; whatever is not under test is seeded through the API.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, see, seedCompany, Shots, signIn, WAIT, dialogHelpers } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customer = async (name: string) => (await api.post<{ id: string }>('/api/v1/customers', { name, address: { city: '哈尔滨市', compound: '幸福家园' } })).id;
  const ids = { liu: await customer('刘德明'), chen: await customer('陈秀兰'), zhao: await customer('赵建国') };
  // 刘德明: a heating payment (paid after its season began: no loyalty points, so nothing else on the timeline) and an
  // earlier call, so the new call has something to be on top of.
  await api.post(`/api/v1/customers/${ids.liu}/transactions`, { occurredAt: '2025-01-10T10:00:00+08:00', type: 'payment', amountFen: 285_600, channel: '营业厅', heatingSeason: '2024-2025' });
  await api.post(`/api/v1/customers/${ids.liu}/interactions`, { occurredAt: '2025-01-05T09:30:00+08:00', summary: '来电询问缴费标准', direction: 'inbound' });
  // 陈秀兰: a return visit after a repair, due an hour ago (overdue whatever the time of day).
  const task = await api.post<{ id: string }>('/api/v1/tasks', {
    type: 'return_visit',
    title: '维修后回访',
    customerId: ids.chen,
    dueAt: new Date(Date.now() - 3_600_000).toISOString(),
    notes: '上周更换了暖气阀门',
  });
  await signIn(browser, server.url, '/customers');
  return { api, ids, taskId: task.id };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const items = (page: Page) => page.getByTestId('timeline-item');
const hasText = (loc: Locator, value: string) => expect.poll(() => loc.textContent(), { timeout: WAIT }).toBe(value);

describe('contacts and the timeline', () => {
  it('logs a call from the 360 page with two clicks and a sentence; it tops the timeline', async () => {
    const page = suite.browser.page;
    const shots = new Shots('log-call');
    await page.goto(`${suite.server.url}/customers/${suite.ids.liu}`);
    await see(page, '刘德明');
    await shots.take(page, 'customer');

    // Click one: 记录沟通. The form starts as a call, outbound, now.
    await openDialog(page.getByRole('button', { name: '记录沟通' }));
    expect(await dialog().getByRole('radio', { name: '呼出' }).isChecked()).toBe(true);
    await dialog().getByText('电话', { exact: true }).first().waitFor();
    await dialog().getByLabel('摘要').fill('电话回访，暖气已经热了');
    await shots.take(page, 'form');
    // Click two: 保存.
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '沟通已记录');

    // The timeline is in front, the new call on top, then the payment and the earlier call (Asia/Shanghai times).
    expect(new URL(page.url()).searchParams.get('tab')).toBe('timeline');
    await hasText(items(page).first().getByTestId('timeline-summary'), '电话回访，暖气已经热了');
    expect(await items(page).first().getByTestId('timeline-title').textContent()).toBe('电话 · 呼出');
    expect(await items(page).first().textContent()).toContain('经办：系统管理员');
    expect(await items(page).count()).toBe(3);
    expect(await items(page).nth(1).getByTestId('timeline-title').textContent()).toBe('缴费 ¥2,856.00');
    expect(await items(page).nth(1).textContent()).toContain('2025-01-10 10:00');
    expect(await items(page).nth(2).textContent()).toContain('2025-01-05 09:30');
    expect(await items(page).nth(2).getByTestId('timeline-title').textContent()).toBe('电话 · 呼入');
    await shots.take(page, 'timeline');

    // Only the contacts, then everything again.
    await page.getByText('交易', { exact: true }).click();
    await expect.poll(() => items(page).count(), { timeout: WAIT }).toBe(1);
    await page.getByText('全部', { exact: true }).click();
    await expect.poll(() => items(page).count(), { timeout: WAIT }).toBe(3);

    // In the history too.
    await page.getByRole('tab', { name: '变更历史' }).click();
    await see(page, '记录了沟通');
  });

  it('a call marked 记为客户反馈 also lands in the feedback inbox, analysed, with its source', async () => {
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/customers/${suite.ids.zhao}`);
    await see(page, '赵建国');
    await openDialog(page.getByRole('button', { name: '记录沟通' }));
    await dialog().getByLabel('摘要').fill('客户反映暖气片漏水，地板都湿了');
    await dialog().getByTestId('interaction-as-feedback').check();
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '沟通已记录');
    // The inbox has it: the customer's words, from a contact note, negative, filed under 漏水 by the analysis.
    await page.goto(`${suite.server.url}/feedback?customerId=${suite.ids.zhao}`);
    const row = page.getByTestId('fb-inbox').locator('tr', { hasText: '客户反映暖气片漏水' });
    await row.waitFor({ timeout: WAIT });
    expect(await row.textContent()).toContain('赵建国');
    await row.getByTestId('fb-number').click();
    const body = page.getByTestId('fb-drawer-body');
    await body.waitFor({ timeout: WAIT });
    await expect.poll(() => body.textContent(), { timeout: WAIT }).toContain('沟通记录');
    expect(await body.textContent()).toContain('漏水');
    await new Shots('interaction-feedback').take(page, 'inbox-drawer');
  });

  it('an empty summary is caught on the form before anything is sent', async () => {
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/customers/${suite.ids.liu}`);
    await openDialog(page.getByRole('button', { name: '记录沟通' }));
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(dialog(), '请用一句话写下沟通内容');
    await dialog().getByRole('button', { name: '取消' }).click();
    await closed();
  });
});

describe('tasks', () => {
  it('completes a return visit on 我的任务 (from the bell): done, and its contact on the customer’s timeline', async () => {
    const page = suite.browser.page;
    const shots = new Shots('complete-return-visit');
    await page.goto(`${suite.server.url}/customers`);
    const bell = page.getByTestId('task-bell');
    await hasText(bell.locator('.ant-badge-count, .ant-scroll-number').first(), '1');
    await bell.click();
    await page.waitForURL(/\/tasks\?tab=overdue$/);
    const row = page.getByTestId('task-row').filter({ hasText: '维修后回访' });
    await row.waitFor();
    expect(await row.textContent()).toContain('陈秀兰');
    expect(await row.textContent()).toContain('已逾期');
    expect(await row.textContent()).toContain('上周更换了暖气阀门');
    await shots.take(page, 'overdue');

    await openDialog(row.getByRole('button', { name: '完成' }));
    expect(await dialog().getByRole('checkbox', { name: '同时记录一条沟通' }).isChecked()).toBe(true);
    await see(dialog(), '保存后会在「陈秀兰」的时间线上记录这次沟通');
    await dialog().getByLabel('处理结果').fill('客户反馈室温 22 度，很满意');
    await shots.take(page, 'complete');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '任务已完成');
    await row.waitFor({ state: 'detached' });
    await see(page, '没有逾期的任务');
    // Nothing overdue or due today any more: antd shows no badge for zero.
    await expect.poll(() => bell.locator('.ant-badge-count').count(), { timeout: WAIT }).toBe(0);

    // Done today (where the home board's 今天已完成 leads), then among all done tasks.
    await page.getByRole('tab', { name: '今天已完成' }).click();
    await page.getByTestId('task-row').filter({ hasText: '维修后回访' }).waitFor();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('done_today');
    await page.getByRole('tab', { name: '已完成', exact: true }).click();
    const done = page.getByTestId('task-row').filter({ hasText: '维修后回访' });
    await done.waitFor();
    expect(await done.getByTestId('task-status').textContent()).toBe('已完成');
    expect(await done.getByTestId('task-result').textContent()).toBe('处理结果：客户反馈室温 22 度，很满意');
    await shots.take(page, 'done');

    // The customer's timeline has the contact on top, marked as coming from the task.
    await done.getByRole('link', { name: '陈秀兰' }).click();
    await page.getByTestId('timeline').waitFor();
    const top = items(page).first();
    await hasText(top.getByTestId('timeline-summary'), '客户反馈室温 22 度，很满意');
    expect(await top.getByTestId('timeline-title').textContent()).toBe('电话 · 呼出');
    expect(await top.textContent()).toContain('来自任务');
    await shots.take(page, 'timeline');
  });

  it('creates a task from the customer page; it shows among the customer’s open tasks and on 我的任务', async () => {
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/customers/${suite.ids.liu}?tab=timeline`);
    await openDialog(page.getByRole('button', { name: '新建任务' }));
    await dialog().getByLabel('标题').fill('春节前关怀');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '任务已创建');
    const card = page.getByTestId('customer-tasks');
    await see(card, '春节前关怀');
    expect(await card.textContent()).toContain('回访');

    await page.getByRole('menuitem', { name: '我的任务' }).click();
    await page.getByRole('tab', { name: /即将到期/ }).click();
    const row = page.getByTestId('task-row').filter({ hasText: '春节前关怀' });
    await row.waitFor();
    expect(await row.textContent()).toContain('刘德明');
  });
});
