/**
 * 客户细分 in the browser: a marketer's view (the admin) builds a dynamic segment of two conditions (小区 = 幸福小区
 * AND 标签 含任一 重点) and sees the live count the API's preview gives, a bad value's message next to its condition,
 * saves, refreshes (progress, then the report), and sees the members and the daily-count chart; then makes a static
 * list and adds and removes customers by hand, with the report on screen. At phone width the pages do not scroll
 * sideways; a viewer (segment:read only) sees the list but no create button. A static list is filled from a CSV of
 * phones (the report on screen, the server's message under the file field for a bad file), and its members are
 * exported as the customer list's CSV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, DESKTOP, dialogHelpers, gone, PHONE, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const RULE = { all: [{ field: 'customer.compound', op: 'eq', value: '幸福小区' }, { field: 'customer.tags', op: 'hasAny', value: ['重点'] }] };
const IN = ['张幸福', '王幸福', '李幸福'];

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customer = async (name: string, compound: string, tags: string[]) =>
    (await api.post<{ id: string }>('/api/v1/customers', { name, address: { city: '哈尔滨市', compound }, tags })).id;
  for (const name of IN) await customer(name, '幸福小区', ['重点']);
  await customer('赵普通', '幸福小区', []);
  await customer('钱阳光', '阳光小区', ['重点']);
  await api.post('/api/v1/users', { username: 'zhouguan', displayName: '周观', password: 'Zhouguan123', roleKey: 'viewer' });
  await signIn(browser, server.url, '/segments');
  return { api };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const noSideScroll = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
const memberNames = (page: Page) => page.getByTestId('member-name').allTextContents();
/** A canvas, as far as the pixel count needs it (the e2e files compile without the DOM's types). */
type Canvas = { width: number; height: number; getContext: (kind: '2d') => { getImageData: (x: number, y: number, w: number, h: number) => { data: ArrayLike<number> } } };
/** How many pixels of the history chart's canvas are drawn in the series' colour (#1668dc, give or take antialiasing). */
const seriesPixels = (page: Page) =>
  page
    .getByTestId('segment-history')
    .locator('canvas')
    .evaluate((c: Canvas) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 22) < 40 && Math.abs(d[i + 1]! - 104) < 40 && Math.abs(d[i + 2]! - 220) < 40 && d[i + 3]! > 200) n++;
      return n;
    });

/** Picks an option of the n-th select named `label` (typing `search` first). */
async function choose(page: Page, label: string, n: number, option: string, search?: string) {
  const box = page.getByRole('combobox', { name: label }).nth(n);
  await box.click();
  if (search) await box.fill(search);
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).first().click();
}

describe('segments', () => {
  it('builds a segment with a live count, saves and refreshes it, and keeps a static list by hand', async () => {
    const { api } = suite;
    const page = suite.browser.page;
    const shots = new Shots('segments');
    const expected = await api.post<{ count: number; sample: { name: string }[] }>('/api/v1/segments/preview', { rule: RULE });
    expect(expected.count).toBe(3);

    await see(page, '还没有客户细分');
    await page.getByTestId('segment-new').click();
    await page.getByTestId('segment-name').fill('幸福小区重点客户');
    // Condition 1: 小区 等于 幸福小区 (等于 is the first operator of a text field).
    await choose(page, '选择字段', 0, '小区', '小区');
    await see(page.getByTestId('cond-op').first(), '等于');
    await page.getByTestId('cond-value').first().fill('幸福小区');
    // Condition 2: 标签 含任一 重点.
    await page.getByTestId('add-condition').first().click();
    await choose(page, '选择字段', 1, '标签', '标签');
    await see(page.getByTestId('cond-op').nth(1), '含任一');
    const tags = page.getByRole('combobox', { name: '值' }).first();
    await tags.click();
    await tags.fill('重点');
    await tags.press('Enter');
    await page.keyboard.press('Escape');
    // The live count equals the API's preview of the same rule; the sample lists those customers.
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe(`共 ${expected.count} 位客户`);
    for (const name of IN) await see(page.getByTestId('preview-sample'), name);
    expect(await page.getByTestId('preview-sample').textContent()).not.toContain('钱阳光');
    await shots.take(page, 'builder');

    // A bad value: the server's message shows next to the condition, and goes when the condition does.
    await page.getByTestId('add-condition').first().click();
    await choose(page, '选择字段', 2, '建档日期', '建档');
    await choose(page, '条件', 2, '在最近 N 天内');
    await page.getByTestId('cond-row').nth(2).getByRole('spinbutton').fill('99999');
    const bad = page.getByTestId('cond-row').nth(2).getByTestId('cond-error');
    await see(bad, '天数应为 1 到');
    await see(page.getByTestId('preview-error'), '规则有误');
    await shots.take(page, 'field-error');
    await page.getByTestId('cond-row').nth(2).getByTestId('cond-remove').click();
    await expect.poll(async () => page.getByTestId('cond-error').count(), { timeout: WAIT }).toBe(0);
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe('共 3 位客户');

    await page.getByTestId('segment-save').click();
    await see(page, '已保存');
    await expect.poll(async () => page.getByTestId('segment-title').textContent(), { timeout: WAIT }).toBe('幸福小区重点客户');
    await see(page.getByTestId('rule-summary'), '小区 等于 幸福小区 且 标签 含任一 重点');

    // 刷新: the run's report, then the members and the day's count on the chart.
    await page.getByTestId('segment-refresh').click();
    await see(page.getByTestId('refresh-result'), '刷新完成：新加入 3 位，移出 0 位', 60_000);
    await expect.poll(async () => (await memberNames(page)).sort(), { timeout: WAIT }).toEqual([...IN].sort());
    await see(page.getByTestId('segment-count'), '共 3 位客户');
    await see(page.getByTestId('members-total'), '共 3 位客户');
    await page.getByTestId('segment-history').locator('canvas').waitFor({ timeout: WAIT });
    await expect.poll(async () => seriesPixels(page), { timeout: WAIT }).toBeGreaterThan(20);
    const history = await api.get<{ items: { day: string; count: number }[] }>(`/api/v1/segments/${page.url().split('/').pop()}/history`);
    expect(history.items.at(-1)?.count).toBe(3);
    await shots.take(page, 'segment');

    // The list shows it with its count.
    await page.goto(`${suite.server.url}/segments`);
    const row = page.locator('tr').filter({ hasText: '幸福小区重点客户' });
    await see(row, '动态');
    expect(await row.getByTestId('segment-row-count').textContent()).toBe('3');

    // A static list: two customers added by search, one removed; each step reports what it did.
    await openDialog(page.getByTestId('segment-new-static'));
    await dialog().getByTestId('static-name').fill('春节慰问名单');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await expect.poll(async () => page.getByTestId('segment-title').textContent(), { timeout: WAIT }).toBe('春节慰问名单');
    await see(page.getByTestId('members'), '还没有成员');
    await choose(page, '添加客户', 0, '张幸福 · 幸福小区', '张幸福');
    await choose(page, '添加客户', 0, '钱阳光 · 阳光小区', '钱阳光');
    await page.getByTestId('static-add').click();
    await see(page.getByTestId('static-report'), '已添加 2 位，0 位原本就在名单中，0 位未找到；名单现有 2 位');
    await expect.poll(async () => (await memberNames(page)).sort(), { timeout: WAIT }).toEqual(['张幸福', '钱阳光'].sort());
    await page.locator('tr').filter({ hasText: '钱阳光' }).locator('.ant-checkbox-input').check();
    await page.getByTestId('static-remove').click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: /确\s*定|OK/ }).click();
    await see(page.getByTestId('static-report'), '已移除 1 位，0 位不在名单中；名单现有 1 位');
    await expect.poll(async () => memberNames(page), { timeout: WAIT }).toEqual(['张幸福']);
    await see(page.getByTestId('segment-count'), '共 1 位客户');
    await shots.take(page, 'static');
    // The segment as the customer list's audience: the link opens the list filtered to its members, named on a chip.
    await page.getByTestId('segment-customers').click();
    await see(page.getByTestId('segment-filter'), '客户细分：春节慰问名单');
    await see(page.getByTestId('customer-total'), '共 1 位客户');
    await expect.poll(async () => page.getByTestId('customer-link').allTextContents(), { timeout: WAIT }).toEqual(['张幸福']);
    await page.getByTestId('segment-filter').locator('.ant-tag-close-icon').click();
    await expect.poll(async () => page.getByTestId('segment-filter').count(), { timeout: WAIT }).toBe(0);
    await expect.poll(async () => (await page.getByTestId('customer-link').allTextContents()).includes('钱阳光'), { timeout: WAIT }).toBe(true);

    // To the trash and back, from the list.
    await page.goto(`${suite.server.url}/segments`);
    const staticRow = page.locator('tr').filter({ hasText: '春节慰问名单' });
    await see(staticRow, '静态');
    await staticRow.getByRole('button', { name: '删除' }).click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: /确\s*定|OK/ }).click();
    await see(page, '已移入回收站');
    await expect.poll(async () => page.getByTestId('segment-row-name').allTextContents(), { timeout: WAIT }).toEqual(['幸福小区重点客户']);
    await page.getByTestId('segment-trash').click();
    await page.locator('tr').filter({ hasText: '春节慰问名单' }).getByRole('button', { name: '恢复' }).click();
    await see(page, '已恢复');
    await page.getByTestId('segment-trash').click();
    await expect.poll(async () => (await page.getByTestId('segment-row-name').allTextContents()).sort(), { timeout: WAIT }).toEqual(['幸福小区重点客户', '春节慰问名单'].sort());
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('fits a phone, and a viewer sees the segments but cannot create one', async () => {
    const page = suite.browser.page;
    const shots = new Shots('segments-phone');
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}/segments`);
    await see(page, '春节慰问名单');
    await noSideScroll(page);
    await shots.take(page, 'list');
    await page.getByTestId('segment-row-name').filter({ hasText: '幸福小区重点客户' }).click();
    await see(page.getByTestId('members'), '王幸福');
    await noSideScroll(page);
    await shots.take(page, 'segment');
    await page.getByTestId('segment-edit').click();
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe('共 3 位客户');
    await noSideScroll(page);
    await shots.take(page, 'builder');

    // A viewer (segment:read): the menu entry and the list, no create buttons, no edit or refresh.
    await page.setViewportSize(DESKTOP);
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, '/segments', 'zhouguan', 'Zhouguan123');
    await see(page.getByRole('menuitem', { name: '客户细分' }), '客户细分');
    await see(page, '春节慰问名单');
    expect(await page.getByTestId('segment-new').count()).toBe(0);
    expect(await page.getByTestId('segment-new-static').count()).toBe(0);
    await page.getByTestId('segment-row-name').filter({ hasText: '幸福小区重点客户' }).click();
    await see(page.getByTestId('members'), '李幸福');
    expect(await page.getByTestId('segment-refresh').count()).toBe(0);
    expect(await page.getByTestId('segment-edit').count()).toBe(0);
    await shots.take(page, 'viewer');
  });

  it('edits a segment: a stale version is explained and reloaded, and a NOT group narrows the members', async () => {
    const { api } = suite;
    const page = suite.browser.page;
    const shots = new Shots('segments-edit');
    await page.setViewportSize(DESKTOP);
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, '/segments');
    const list = await api.get<{ items: { id: string; name: string; version: number }[] }>('/api/v1/segments');
    const seg = list.items.find((x) => x.name === '幸福小区重点客户')!;
    await page.goto(`${suite.server.url}/segments/${seg.id}/edit`);
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe('共 3 位客户');

    // Someone else renames it meanwhile: saving answers 409, explained, and 载入最新版本 shows their version.
    await api.patch(`/api/v1/segments/${seg.id}`, { name: '幸福小区重点客户（新）', version: seg.version });
    await page.getByLabel('说明').fill('春节前回访');
    await page.getByTestId('segment-save').click();
    await see(page, '已被他人修改');
    await shots.take(page, 'stale');
    await page.getByTestId('segment-reload').click();
    await expect.poll(async () => page.getByTestId('segment-name').inputValue(), { timeout: WAIT }).toBe('幸福小区重点客户（新）');
    await gone(page, '已被他人修改');

    // A group 任一满足 with 姓名 包含 张, negated (不满足): the count is the API's for the same rule.
    const rule = { all: [...RULE.all, { not: { any: [{ field: 'customer.name', op: 'contains', value: '张' }] } }] };
    const expected = await api.post<{ count: number }>('/api/v1/segments/preview', { rule });
    expect(expected.count).toBe(2);
    await page.getByTestId('add-group').first().click();
    await choose(page, '选择字段', 2, '姓名 / 名称', '姓名');
    await choose(page, '条件', 2, '包含');
    await page.getByTestId('cond-row').nth(2).getByTestId('cond-value').fill('张');
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe('共 1 位客户');
    await page.getByTestId('rule-group').getByText('不满足', { exact: true }).first().click();
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe(`共 ${expected.count} 位客户`);
    await shots.take(page, 'not-group');
    await page.getByTestId('segment-save').click();
    await see(page, '已保存');
    await see(page.getByTestId('rule-summary'), '小区 等于 幸福小区 且 标签 含任一 重点 且 不满足 (姓名 / 名称 包含 张)');
    await page.getByTestId('segment-refresh').click();
    await see(page.getByTestId('refresh-result'), '刷新完成：新加入 0 位，移出 1 位', 60_000);
    await expect.poll(async () => (await memberNames(page)).sort(), { timeout: WAIT }).toEqual(['李幸福', '王幸福'].sort());
    await see(page.getByTestId('segment-count'), '共 2 位客户');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('a money condition is entered in yuan and counted in fen, over its window and transaction type', async () => {
    const { api } = suite;
    const page = suite.browser.page;
    const found = await api.get<{ items: { id: string; name: string }[] }>(`/api/v1/customers?q=${encodeURIComponent('幸福')}&limit=50`);
    const idOf = (name: string) => found.items.find((c) => c.name === name)!.id;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await api.post(`/api/v1/customers/${idOf('张幸福')}/transactions`, { occurredAt: today, type: 'purchase', amountFen: 15_000 });
    await api.post(`/api/v1/customers/${idOf('王幸福')}/transactions`, { occurredAt: today, type: 'purchase', amountFen: 5_000 });
    const rule = { all: [{ field: 'tx.sumFen', op: 'gte', value: 10_000, params: { days: 365, type: 'purchase' } }] };
    const expected = await api.post<{ count: number }>('/api/v1/segments/preview', { rule });
    expect(expected.count).toBe(1);

    await page.goto(`${suite.server.url}/segments/new`);
    await choose(page, '选择字段', 0, '交易金额合计', '交易金额');
    await choose(page, '条件', 0, '大于等于');
    const row = page.getByTestId('cond-row').first();
    await row.getByRole('spinbutton').nth(0).fill('100');
    await row.getByRole('spinbutton').nth(1).fill('365');
    await choose(page, '类型', 0, '购买');
    // ¥100 is 10000 fen: only 张幸福 (¥150) qualifies, not 王幸福 (¥50).
    await expect.poll(async () => page.getByTestId('preview-count').textContent(), { timeout: WAIT }).toBe(`共 ${expected.count} 位客户`);
    await see(page.getByTestId('preview-sample'), '张幸福');
    expect(await page.getByTestId('preview-sample').textContent()).not.toContain('王幸福');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('imports a static list from a CSV of phones and exports its members as CSV', async () => {
    const { api } = suite;
    const page = suite.browser.page;
    const shots = new Shots('segments-files');
    await page.setViewportSize(DESKTOP);
    for (const [name, phone] of [['孙松花', '13904510001'], ['周松花', '13904510002']] as const) {
      await api.post('/api/v1/customers', { name, phones: [phone], address: { city: '哈尔滨市', compound: '松花小区' } });
    }
    const list = await api.post<{ id: string }>('/api/v1/segments', { name: '电话回访名单', kind: 'static' });
    await page.goto(`${suite.server.url}/segments/${list.id}`);
    await see(page.getByTestId('members'), '还没有成员');

    // A file of two columns: the server's message shows under the file field, and the dialog stays open.
    await openDialog(page.getByRole('button', { name: '从文件导入' }));
    const file = dialog().locator('input[type=file]');
    await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('13904510001,孙松花\n') });
    await dialog().getByRole('button', { name: /导\s*入/ }).click();
    await see(dialog().locator('.ant-form-item-explain-error'), '每行只能有一个手机号或客户编号');
    await shots.take(page, 'import-error');

    // Phones (by 手机号, the default): two customers' and one nobody has.
    expect(await dialog().getByRole('radio', { name: '手机号' }).isChecked()).toBe(true);
    await file.setInputFiles({ name: 'phones.csv', mimeType: 'text/csv', buffer: Buffer.from('手机号\n13904510001\n13904510002\n13904519999\n') });
    await dialog().getByRole('button', { name: /导\s*入/ }).click();
    await closed();
    await see(page.getByTestId('import-report'), '已导入：读取 3 个号码，新加入 2 位，0 位原本就在名单中；名单现有 2 位');
    await see(page.getByTestId('import-not-found'), '未找到 1 个：13904519999');
    await expect.poll(async () => (await memberNames(page)).sort(), { timeout: WAIT }).toEqual(['周松花', '孙松花'].sort());
    await see(page.getByTestId('segment-count'), '共 2 位客户');
    await shots.take(page, 'import-report');

    // 导出成员 CSV: the customer list's columns, one row per member.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出成员 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^电话回访名单-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter((l) => l);
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['ID', '类型', '姓名/名称', '电话']);
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['周松花', '孙松花'].sort());
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
