/**
 * The customer list in the browser: keyset paging, filters, sort, trash and restore, CSV export, and the list at
 * phone width (cards, the menu in a drawer).
 * One server and one browser for the file; data seeded through the API.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { customerNames, customerSuite } from './fixtures.js';
import { PHONE, pick, see, Shots, tableRows, until } from './harness.js';

const suite = customerSuite();

describe('customer list', () => {
  it('pages by keyset, filters, and deletes to the trash and restores', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-list');
    await page.goto(suite.server.url + '/customers');
    await see(page, '共 29 位客户');
    expect(await tableRows(page).count()).toBe(20);
    expect((await customerNames(page))[0]).toBe('哈尔滨热力设备有限公司');
    await shots.take(page, 'first-page');

    await page.getByRole('button', { name: '下一页' }).click();
    await see(page, '第 2 页');
    await see(page, '住户01');
    expect(await tableRows(page).count()).toBe(9);
    expect(await page.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '上一页' }).click();
    await see(page, '第 1 页');
    await see(page, '张伟');

    // Stage filter.
    await pick(page, page.getByLabel('生命周期阶段'), '有流失风险');
    await see(page, '共 1 位客户');
    expect(await customerNames(page)).toEqual(['李娜']);
    expect(new URL(page.url()).searchParams.get('stage')).toBe('at_risk');
    await shots.take(page, 'stage-filter');
    await page.getByRole('button', { name: '清除筛选' }).click();
    await see(page, '共 29 位客户');

    // Compound (小区) and tag filters together.
    await page.getByLabel('小区').fill('幸福家园');
    await page.getByLabel('小区').press('Enter');
    await see(page, '共 2 位客户');
    expect((await customerNames(page)).sort()).toEqual(['张伟', '王芳']);
    await pick(page, page.getByLabel('标签'), 'VIP (2)');
    await see(page, '共 2 位客户');
    // Sorting by name: the rows follow the server's order, and ascending is descending reversed.
    const sortBy = async (label: string, order: 'asc' | 'desc') => {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/customers?') && r.url().includes('sort=name') && (order === 'asc') === r.url().includes('order=asc')),
        pick(page, page.getByLabel('排序'), label),
      ]);
      const names = ((await res.json()) as { items: { name: string }[] }).items.map((c) => c.name);
      await until(async () => JSON.stringify(await customerNames(page)) === JSON.stringify(names), `the rows are sorted ${order}`);
      return names;
    };
    const descending = await sortBy('按名称 · 降序', 'desc');
    const ascending = await sortBy('按名称 · 升序', 'asc');
    expect(ascending).toEqual([...descending].reverse());
    await shots.take(page, 'compound-tag-filter');

    // City filter and a created-date range that includes today.
    await page.getByRole('button', { name: '清除筛选' }).click();
    await page.getByLabel('城市').fill('长春市');
    await page.getByLabel('城市').press('Enter');
    await see(page, '共 1 位客户');
    expect(await customerNames(page)).toEqual(['李娜']);
    await page.getByRole('button', { name: '清除筛选' }).click();
    await see(page, '共 29 位客户');

    // Created-date range, in Shanghai days: today holds everyone, a range ending yesterday no one.
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
    const today = day(Date.now());
    const yesterday = day(Date.now() - 86_400_000);
    await page.getByPlaceholder('开始日期').click();
    await page.getByPlaceholder('开始日期').fill(today);
    await page.getByPlaceholder('开始日期').press('Enter');
    await page.getByPlaceholder('结束日期').fill(today);
    await page.getByPlaceholder('结束日期').press('Enter');
    await page.waitForURL(/createdTo=/);
    await see(page, '共 29 位客户');
    expect(new URL(page.url()).searchParams.get('createdFrom')).toBe(today);
    await page.goto(`${suite.server.url}/customers?createdFrom=2020-01-01&createdTo=${yesterday}`);
    await see(page, '共 0 位客户');
    expect(await page.getByPlaceholder('结束日期').inputValue()).toBe(yesterday);
    await page.getByRole('button', { name: '清除筛选' }).click();
    await see(page, '共 29 位客户');

    // Delete 王芳 from her page; she leaves the list and is in the trash.
    await page.goto(`${suite.server.url}/customers/${suite.ids.wang}`);
    await see(page, '黑龙江省 哈尔滨市 南岗区 幸福家园 5号楼 1单元 302');
    await page.getByRole('button', { name: '删除' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await see(page, '客户已删除，可在回收站恢复');
    await see(page, /该客户已于 .* 删除，可以恢复/);
    await shots.take(page, 'deleted');

    await page.goto(suite.server.url + '/customers');
    await see(page, '共 28 位客户');
    await page.getByRole('button', { name: '回收站' }).click();
    await see(page, '回收站（已删除的客户）');
    await see(page, '共 1 位客户');
    expect(await customerNames(page)).toEqual(['王芳']);
    await shots.take(page, 'trash');
    await tableRows(page).first().getByRole('button', { name: '恢复' }).click();
    await see(page, '客户「王芳」已恢复');
    await see(page, '共 0 位客户');
    await page.getByRole('link', { name: '返回客户列表' }).click();
    await see(page, '共 29 位客户');
    await see(page, '王芳');
    await shots.take(page, 'restored');
  });

  it('exports the filtered list as CSV with Chinese headers', async () => {
    const page = suite.browser.page;
    await page.goto(suite.server.url + '/customers?compound=' + encodeURIComponent('幸福家园'));
    await see(page, '共 2 位客户');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.split('\r\n')[0]).toContain('姓名/名称');
    expect(csv).toContain('张伟');
    expect(csv).toContain('王芳');
    expect(csv).not.toContain('李娜');
  });

  it('exports the filtered list as an Excel workbook', async () => {
    const page = suite.browser.page;
    await page.goto(suite.server.url + '/customers?compound=' + encodeURIComponent('幸福家园'));
    await see(page, '共 2 位客户');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const names: string[] = [];
    wb.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) names.push(String(row.getCell(3).value));
    });
    expect(String(wb.worksheets[0]!.getRow(1).getCell(3).value)).toBe('姓名/名称');
    expect(names.sort()).toEqual(['张伟', '王芳'].sort());
  });
});

describe('global search', () => {
  it('opens with Ctrl+K, finds a customer by a phone fragment, moves with the arrows and opens it with Enter', async () => {
    const page = suite.browser.page;
    const shots = new Shots('global-search');
    await page.goto(suite.server.url + '/customers');
    await see(page, /共 \d+ 位客户/);
    // Inside a textarea Ctrl+K stays the editor's: no palette.
    await page.evaluate("document.body.appendChild(Object.assign(document.createElement('textarea'), { id: 'scratch' })).focus()");
    await page.keyboard.press('Control+k');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('global-search-input').count()).toBe(0);
    await page.evaluate("document.getElementById('scratch').remove()");
    await page.keyboard.press('Control+k');
    const input = page.getByTestId('global-search-input');
    await input.waitFor();
    const hits = page.getByTestId('global-search-hit');
    const selected = page.locator('[data-testid="global-search-hit"][aria-selected="true"]');
    // Two households of one compound: the arrows move the highlight and wrap around.
    await input.fill('幸福家园');
    await until(async () => (await hits.count()) === 2, 'two customers of 幸福家园');
    await see(page.getByTestId('global-search-group-customers'), '客户');
    const first = (await selected.textContent()) ?? '';
    await input.press('ArrowDown');
    await until(async () => ((await selected.textContent()) ?? '') !== first, 'the highlight moved down');
    await input.press('ArrowDown');
    await until(async () => (await selected.textContent()) === first, 'the highlight wrapped around');
    // A phone fragment (the admin holds customer:pii): one household, its phone masked.
    await input.fill('2345678');
    await until(async () => (await hits.count()) === 1 && (await hits.first().textContent())!.includes('张伟'), '张伟 found by a phone fragment');
    expect(await hits.first().textContent()).toContain('138****5678');
    expect(await page.getByTestId('global-search-group-customers').textContent()).not.toContain('13812345678');
    await shots.take(page, 'palette');
    await input.press('ArrowDown');
    await until(async () => (await selected.textContent())!.includes('张伟'), '张伟 highlighted');
    await input.press('Enter');
    await until(async () => new URL(page.url()).pathname === `/customers/${suite.ids.zhang}`, "the customer's page opens");
    await see(page, '黑龙江省 哈尔滨市 南岗区 幸福家园 3号楼 2单元 501');
    expect(await input.isVisible()).toBe(false);
    // Esc closes the palette.
    await page.getByTestId('global-search-open').click();
    await input.waitFor();
    await input.press('Escape');
    await input.waitFor({ state: 'hidden' });
  });
});

describe('phone width', () => {
  it('shows customers as cards and the menu in a drawer at 390×844', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customers-phone');
    // The last test of the file: it leaves the page at phone width.
    await page.setViewportSize(PHONE);
    await page.goto(suite.server.url + '/customers');
    await page.getByTestId('customer-cards').waitFor();
    await see(page, /共 \d+ 位客户/);
    expect(await page.getByTestId('customer-card').count()).toBe(20);
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    // The header's search box is an icon at phone width; it opens the same palette.
    expect(await page.getByTestId('global-search-open').textContent()).toBe('');
    await page.getByTestId('global-search-open').click();
    await page.getByTestId('global-search-input').fill('张伟');
    await see(page.getByTestId('global-search-group-customers'), '张伟');
    await page.getByTestId('global-search-input').press('Escape');
    await page.getByTestId('global-search-input').waitFor({ state: 'hidden' });
    await shots.take(page, 'cards');

    await page.getByTestId('menu-toggle').click();
    const drawer = page.locator('.ant-drawer');
    await see(drawer, '用户与团队');
    await see(drawer, '审计日志');
    await shots.take(page, 'drawer-menu');
    await drawer.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await page.locator('.ant-drawer-content-wrapper').waitFor({ state: 'hidden' });

    await page.getByPlaceholder('搜索姓名、电话或地址片段').fill('幸福');
    await page.getByPlaceholder('搜索姓名、电话或地址片段').press('Enter');
    await see(page, '共 2 位客户');
    expect((await page.getByTestId('customer-card').allTextContents()).join(' ')).toContain('幸福家园 3号楼 2单元 501');
    await shots.take(page, 'search');
    await page.getByTestId('customer-card').filter({ hasText: '张伟' }).getByTestId('customer-link').click();
    await see(page, '黑龙江省 哈尔滨市 南岗区 幸福家园 3号楼 2单元 501');
    await shots.take(page, 'customer-360');
  });
});
