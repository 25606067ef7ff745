/**
 * Return visits and care in the browser: a return-visit plan is created and run, its tasks appear on 我的任务 and in
 * the coverage report; a return visit completed from 我的任务 with its outcome shows on the customer's timeline; a
 * birthday care rule shows its 30-day preview (who, on which day) before it is saved.
 * One server and one browser for the file; whatever is not under test is seeded through the API.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, dialogHelpers, pick, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

/** A Shanghai calendar day, `days` from today. */
const shanghaiDay = (days: number) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const me = await api.get<{ user: { id: string } }>('/api/v1/auth/me');
  const customer = async (name: string, extra: Record<string, unknown>) =>
    (await api.post<{ id: string }>('/api/v1/customers', { name, ownerId: me.user.id, ...extra })).id;
  const birthday = shanghaiDay(5);
  const ids = {
    wang: await customer('王回访', { tags: ['VIP'] }),
    zhao: await customer('赵回访', { tags: ['VIP'] }),
    li: await customer('李生日', { birthday: birthday.slice(5) === '02-29' ? '1992-02-29' : `1988-${birthday.slice(5)}` }),
  };
  // Teams for the coverage filter: 北区 (a department with 北区一班 below it) and 南区, and a plan over their customers.
  const team = async (name: string, parentId: string | null = null) =>
    (await api.post<{ id: string }>('/api/v1/teams', { name, kind: parentId ? 'group' : 'department', parentId })).id;
  const north = await team('北区');
  const teams = { north, northOne: await team('北区一班', north), south: await team('南区') };
  await customer('孙片区', { tags: ['片区'], teamId: teams.south });
  await customer('周片区', { tags: ['片区'], teamId: teams.north });
  await customer('吴片区', { tags: ['片区'], teamId: teams.northOne, ownerId: null });
  await signIn(browser, server.url, '/care/plans');
  return { api, ids, birthday };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);

describe('return-visit plans', () => {
  it('creates a plan for VIP customers and runs it: the tasks appear on 我的任务 and in the coverage report', async () => {
    const page = suite.browser.page;
    const shots = new Shots('care-plan');
    await page.goto(`${suite.server.url}/care/plans`);
    await see(page, '还没有回访计划');
    await openDialog(page.getByRole('button', { name: '新建回访计划' }));
    await dialog().getByLabel('名称').fill('VIP 月度回访');
    await dialog().getByLabel('任务标题').fill('VIP 月度回访');
    const tags = dialog().getByLabel('标签');
    await tags.click();
    await tags.fill('VIP');
    await tags.press('Enter');
    await shots.take(page, 'form');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '已保存');
    const row = page.getByTestId('plan-row').filter({ hasText: 'VIP 月度回访' });
    await row.waitFor();
    expect(await row.textContent()).toContain('每 30 天');
    expect(await row.textContent()).toContain('#VIP');

    await page.getByRole('button', { name: '立即运行' }).click();
    await see(page, '运行完成：新建任务 2 个');
    const coverage = page.getByTestId('coverage-row').filter({ hasText: 'VIP 月度回访' });
    await coverage.waitFor();
    expect(await coverage.textContent()).toContain('系统管理员');
    await shots.take(page, 'coverage');

    await page.getByRole('menuitem', { name: '我的任务' }).click();
    const tasks = page.getByTestId('task-row').filter({ hasText: 'VIP 月度回访' });
    await expect.poll(() => tasks.count(), { timeout: WAIT }).toBe(2);
    expect(await tasks.filter({ hasText: '王回访' }).count()).toBe(1);
    await shots.take(page, 'tasks');
  });

  it('completes a return visit from 我的任务 with its outcome; the customer’s timeline shows it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('care-complete');
    await page.goto(`${suite.server.url}/tasks`);
    const row = page.getByTestId('task-row').filter({ hasText: '王回访' });
    await row.waitFor();
    await openDialog(row.getByRole('button', { name: '完成' }));
    expect(await dialog().getByRole('checkbox', { name: '同时记录一条沟通' }).isChecked()).toBe(true);
    await dialog().getByLabel('处理结果').fill('电话回访，客户对供暖很满意');
    await dialog().getByLabel('回访结果').fill('满意');
    await shots.take(page, 'complete');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '任务已完成');
    await row.waitFor({ state: 'detached' });

    await page.goto(`${suite.server.url}/customers/${suite.ids.wang}?tab=timeline`);
    await page.getByTestId('timeline').waitFor();
    const top = page.getByTestId('timeline-item').first();
    await expect.poll(() => top.getByTestId('timeline-summary').textContent(), { timeout: WAIT }).toBe('电话回访，客户对供暖很满意');
    expect(await top.textContent()).toContain('满意');
    expect(await top.textContent()).toContain('来自任务');
    await shots.take(page, 'timeline');
  });
});

describe('coverage report', () => {
  it('filters the coverage by team: a department includes the teams below it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('care-coverage-team');
    await suite.api.post('/api/v1/care/plans', { name: '片区回访', kind: 'interval', audience: { tags: ['片区'] }, intervalDays: 30, taskTitle: '片区回访' });
    await page.goto(`${suite.server.url}/care/plans`);
    await pick(page, page.getByRole('combobox', { name: '计划' }), '片区回访');
    const rows = page.getByTestId('coverage-row');
    /** Owner → customers covered, as the table shows them. */
    const table = async () => {
      const out: Record<string, string> = {};
      for (const row of await rows.all()) {
        const cells = await row.locator('td').allTextContents();
        out[cells[1]!] = cells[2]!;
      }
      return out;
    };
    await expect.poll(table, { timeout: WAIT }).toEqual({ 系统管理员: '2', '（无负责人）': '1' });
    const team = page.getByRole('combobox', { name: '团队' });
    await pick(page, team, '北区');
    await expect.poll(table, { timeout: WAIT }).toEqual({ 系统管理员: '1', '（无负责人）': '1' });
    await shots.take(page, 'north');
    await pick(page, team, '南区');
    await expect.poll(table, { timeout: WAIT }).toEqual({ 系统管理员: '1' });
    await pick(page, team, '北区一班');
    await expect.poll(table, { timeout: WAIT }).toEqual({ '（无负责人）': '1' });
    await shots.take(page, 'north-one');
  });
});

describe('care rules', () => {
  it('creates a birthday rule and sees its preview: who gets the care, on which day', async () => {
    const page = suite.browser.page;
    const shots = new Shots('care-rule');
    await page.getByRole('menuitem', { name: '关怀规则' }).click();
    await see(page, '还没有关怀规则');
    await openDialog(page.getByRole('button', { name: '新建关怀规则' }));
    await dialog().getByLabel('名称').fill('生日关怀');
    await dialog().getByTestId('action-task').fill('生日问候电话');
    await dialog().getByRole('button', { name: '预览未来 30 天' }).click();
    const preview = dialog().getByTestId('rule-preview');
    await preview.waitFor();
    const li = preview.getByTestId('preview-row').filter({ hasText: '李生日' });
    await li.waitFor();
    expect(await li.textContent()).toContain(suite.birthday);
    expect(await li.textContent()).toContain('生日问候电话');
    expect(await preview.textContent()).toContain('期间的节日');
    await shots.take(page, 'preview');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    const row = page.getByTestId('rule-row').filter({ hasText: '生日关怀' });
    await row.waitFor();
    expect(await row.textContent()).toContain('生日 · 当天');
    expect(await row.textContent()).toContain('生日问候电话');
  });
});
