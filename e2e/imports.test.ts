/**
 * 数据导入 in the browser: a customers CSV with Chinese headers (suggested mapping on screen, a bad phone and a bad
 * date rejected with their row numbers and reasons, the report as a workbook, the customers in the list, the report
 * opened again from the recent imports); a transactions CSV whose amount column is left unmapped (the server's
 * message on the mapping step), a column mapped twice (the message next to it), then a working mapping saved as a
 * template that is applied to the next upload; what a viewer sees; and the wizard at phone width.
 * One server and one browser for the file; whatever is not under test is seeded through the API.
 */
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, DESKTOP, launchBrowser, PHONE, pick, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  // Already a customer: the import finds him by his phone and (with 更新) moves him to 幸福家园.
  const zhang = (await api.post<{ id: string }>('/api/v1/customers', { name: '张伟', phones: ['13812345678'], address: { city: '哈尔滨市', compound: '老城小区' } })).id;
  // Paid her heating by phone number: the transactions file finds her by it.
  const qian = (await api.post<{ id: string }>('/api/v1/customers', { name: '钱多多', phones: ['13700001111'] })).id;
  await api.post('/api/v1/users', { username: 'chakan', displayName: '查看员', password: 'Chakan1234', roleKey: 'viewer' });
  await signIn(browser, server.url, '/customers');
  return { api, ids: { zhang, qian } };
});

const CUSTOMERS_CSV = [
  '姓名,手机号,小区,生日',
  '刘洋,13811112222,幸福家园,1980-05-06',
  '陈静,12345,阳光小区,1990/1/2',
  '赵磊,13933334444,丽水小区,2024年13月40日',
  '孙强,13955556666,幸福家园,1985年3月5日',
  '张伟,13812345678,幸福家园,',
].join('\r\n');

const TRANSACTIONS_CSV = [
  '户号,手机,姓名,缴费日期,收款,备注',
  ',13700001111,钱多多,2025-10-15,"2,856.00",2025-2026 采暖费',
  'HR-002,,周到,2025/10/16,1980.5,',
].join('\r\n');

/** Chooses a file for the upload box (the hidden file input of the Dragger). */
async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: name.endsWith('.csv') ? 'text/csv' : 'text/plain', buffer: Buffer.from(text, 'utf8') });
}
const mappingRow = (page: Page, column: string) => page.locator(`[data-testid="mapping-row"][data-column="${column}"]`);
/** The field a column is mapped to, as its select shows it. */
const fieldOf = (page: Page, column: string) => mappingRow(page, column).locator('.ant-select').textContent();
const selectFor = (page: Page, column: string) => page.getByLabel(`「${column}」对应的字段`, { exact: true });
const stat = (page: Page, key: string) => page.getByTestId(`stat-${key}`);
const hasText = (get: () => Promise<string | null>, value: string) => expect.poll(get, { timeout: WAIT }).toBe(value);
const inViewport = (loc: Locator) =>
  loc.evaluate((el: { getBoundingClientRect: () => { top: number; bottom: number }; ownerDocument: { documentElement: { clientHeight: number } } }) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= el.ownerDocument.documentElement.clientHeight;
  });
const noSideScroll = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

describe('customer import', () => {
  it('maps Chinese headers, shows progress, reports the bad phone and date by row, and the customers are in the list', async () => {
    const page = suite.browser.page;
    const shots = new Shots('imports-customers');
    await page.goto(suite.server.url + '/customers');
    await page.getByRole('button', { name: '导入' }).click();
    await see(page, '点击或将文件拖到此处上传');
    expect(new URL(page.url()).pathname).toBe('/imports');
    expect(await page.getByRole('radio', { name: '客户', exact: true }).isChecked()).toBe(true);
    await shots.take(page, 'choose-file');

    await upload(page, '客户名单.csv', CUSTOMERS_CSV);
    // The suggested mapping, on screen: every column has its field.
    await mappingRow(page, '姓名').waitFor();
    await hasText(() => fieldOf(page, '姓名'), '姓名/名称 *');
    await hasText(() => fieldOf(page, '手机号'), '电话');
    await hasText(() => fieldOf(page, '小区'), '小区');
    await hasText(() => fieldOf(page, '生日'), '生日');
    await see(page.getByTestId('required-fields'), '姓名/名称（已对应）');
    await see(page.getByTestId('import-file'), '客户名单.csv');
    // The first rows, as the file has them.
    await see(page.getByTestId('import-preview'), '2024年13月40日');
    expect(await page.getByTestId('import-preview').locator('tbody tr.ant-table-row').count()).toBe(5);
    await see(page, '按手机号、邮箱、客户编号或证件号码识别已有客户。');
    await page.getByRole('radio', { name: /^更新/ }).check();
    await shots.take(page, 'mapping');

    // Hold the first look at the job, so the progress step can be seen before the (small) import is done.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobUrl = /\/api\/v1\/imports\/[0-9a-f-]{36}$/;
    await page.route(jobUrl, async (route) => {
      if (route.request().method() === 'GET') await gate;
      await route.fallback();
    });
    try {
      await page.getByRole('button', { name: '开始导入' }).click();
      const progress = page.getByTestId('import-progress');
      await see(progress, '排队中，马上开始…');
      await progress.locator('.ant-progress').waitFor();
      await see(progress, '已处理 0 行');
      expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
      await shots.take(page, 'progress');
    } finally {
      release();
      await page.unroute(jobUrl);
    }

    // The report: 2 created, 张伟 updated, the bad phone (row 3) and the bad date (row 4) not imported.
    await see(page.getByTestId('import-result'), '导入完成');
    await hasText(() => stat(page, 'created').textContent(), '2');
    await hasText(() => stat(page, 'updated').textContent(), '1');
    await hasText(() => stat(page, 'skipped').textContent(), '0');
    await hasText(() => stat(page, 'rejected').textContent(), '2');
    await see(page, '客户名单.csv：共处理 5 行');
    const rejects = page.getByTestId('rejects');
    await expect.poll(() => rejects.getByTestId('reject-row').allTextContents(), { timeout: WAIT }).toEqual(['第 3 行', '第 4 行']);
    expect(await rejects.getByTestId('reject-reason').allTextContents()).toEqual(['「电话 #1」不是有效的电话号码：12345', '「生日」不是可识别的日期：2024年13月40日']);
    const row3 = rejects.locator('tr.ant-table-row').filter({ hasText: '第 3 行' });
    expect(await row3.textContent()).toContain('陈静');
    expect(await row3.textContent()).toContain('阳光小区');
    await see(rejects, '已显示 2 行，共 2 行');
    await shots.take(page, 'report');

    // The report as a workbook: row numbers, reasons and the original cells.
    const [file] = await Promise.all([page.waitForEvent('download'), rejects.getByRole('link', { name: '下载报告 (Excel)' }).click()]);
    expect(file.suggestedFilename()).toBe('客户名单-导入报告.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await file.path());
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['行号', '原因', '姓名', '手机号', '小区', '生日']);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 4)).toEqual([3, '「电话 #1」不是有效的电话号码：12345', '陈静']);
    expect((sheet.getRow(3).values as unknown[]).slice(1, 3)).toEqual([4, '「生日」不是可识别的日期：2024年13月40日']);

    // The recent imports list it, with its counts.
    const recent = page.getByTestId('recent-imports').locator('tr.ant-table-row').filter({ hasText: '客户名单.csv' });
    await see(recent, '已完成');
    expect(await recent.textContent()).toContain('新建 2 · 更新 1 · 跳过 0 · 未导入 2');
    expect(await recent.textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    // The customers are in the list: the two new ones, and 张伟 now in 幸福家园; the rejected rows are not.
    await page.getByRole('button', { name: '查看客户列表' }).click();
    await see(page, '共 4 位客户');
    const names = await page.getByTestId('customer-link').allTextContents();
    expect([...names].sort()).toEqual(['刘洋', '孙强', '张伟', '钱多多'].sort());
    expect(await page.locator('tr.ant-table-row').filter({ hasText: '张伟' }).textContent()).toContain('幸福家园');
    expect(await page.locator('tr.ant-table-row').filter({ hasText: '刘洋' }).textContent()).toContain('138****2222');
    await shots.take(page, 'customer-list');

    // A finished import opens its report again from the list of recent imports.
    await page.getByRole('menuitem', { name: '数据导入' }).click();
    await page.getByTestId('recent-imports').locator('tr.ant-table-row').filter({ hasText: '客户名单.csv' }).getByRole('link', { name: '查看报告' }).click();
    await see(page.getByTestId('import-result'), '导入完成');
    await expect.poll(() => page.getByTestId('reject-row').allTextContents(), { timeout: WAIT }).toEqual(['第 3 行', '第 4 行']);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

describe('transaction import', () => {
  it('shows the server’s message for an unmapped amount and for a column mapped twice; the corrected mapping imports and is saved as a template', async () => {
    const page = suite.browser.page;
    const shots = new Shots('imports-transactions');
    await page.goto(suite.server.url + '/imports');
    await page.locator('.ant-radio-button-wrapper').filter({ hasText: '交易记录' }).click();
    await expect.poll(() => page.getByRole('radio', { name: '交易记录' }).isChecked(), { timeout: WAIT }).toBe(true);
    await upload(page, '缴费记录.csv', TRANSACTIONS_CSV);
    await mappingRow(page, '收款').waitFor();
    await hasText(() => fieldOf(page, '户号'), '客户编号');
    await hasText(() => fieldOf(page, '手机'), '客户电话');
    await hasText(() => fieldOf(page, '缴费日期'), '交易日期 *');
    // 收款 is not a name the server knows for the amount: left unmapped.
    await hasText(() => fieldOf(page, '收款'), '不导入');
    await see(page.getByTestId('required-fields'), '金额（未对应）');
    await see(page, '为找不到的客户编号新建客户');
    expect(await page.getByRole('radio', { name: /^跳过/ }).count()).toBe(0);

    await page.getByRole('button', { name: '开始导入' }).click();
    await see(page.getByTestId('mapping-error'), '必须为「金额」指定一列');
    // The message is brought into view (the start button is at the bottom of the step).
    await expect.poll(() => inViewport(page.getByTestId('mapping-error')), { timeout: WAIT }).toBe(true);
    await shots.take(page, 'amount-unmapped');

    // Amount mapped, but 姓名 also as the date: the server names the second column for the date.
    await pick(page, selectFor(page, '收款'), '金额 *', '金额');
    await hasText(() => fieldOf(page, '收款'), '金额 *');
    await expect.poll(() => page.getByTestId('mapping-error').count(), { timeout: WAIT }).toBe(0);
    await pick(page, selectFor(page, '姓名'), '交易日期 *', '交易日期');
    await page.getByRole('button', { name: '开始导入' }).click();
    await see(mappingRow(page, '缴费日期').getByTestId('column-error'), '「交易日期」只能对应一列，「缴费日期」重复了');
    await shots.take(page, 'mapped-twice');
    await pick(page, selectFor(page, '姓名'), '客户姓名', '客户姓名');
    await expect.poll(() => page.getByTestId('column-error').count(), { timeout: WAIT }).toBe(0);

    await page.getByRole('checkbox', { name: '为找不到的客户编号新建客户' }).check();
    await page.getByLabel('保存为模板').fill('缴费导入');
    await page.getByRole('button', { name: '开始导入' }).click();
    await see(page.getByTestId('import-result'), '导入完成');
    await hasText(() => stat(page, 'created').textContent(), '2');
    await hasText(() => stat(page, 'rejected').textContent(), '0');
    await see(page, '所有行都已处理，没有未导入的行');
    await shots.take(page, 'report');

    // 钱多多 was found by her phone: the payment is on her record.
    await page.goto(`${suite.server.url}/customers/${suite.ids.qian}?tab=transactions`);
    await hasText(() => page.getByTestId('summary-lifetime').textContent(), '¥2,856.00');

    // The same headers again: the saved template maps 收款 to the amount.
    await page.goto(suite.server.url + '/imports?kind=transactions');
    expect(await page.getByRole('radio', { name: '交易记录' }).isChecked()).toBe(true);
    await upload(page, '缴费记录-2.csv', TRANSACTIONS_CSV);
    await see(page.getByTestId('template-applied'), '已套用模板「缴费导入」的列对应关系，请核对。');
    await hasText(() => fieldOf(page, '收款'), '金额 *');
    await hasText(() => fieldOf(page, '姓名'), '客户姓名');
    expect(await page.getByRole('checkbox', { name: '为找不到的客户编号新建客户' }).isChecked()).toBe(true);
    await shots.take(page, 'template-applied');
    await page.getByRole('button', { name: '重新选择文件' }).click();
    await see(page, '点击或将文件拖到此处上传');
    // Given up before it started: listed as such, with no report.
    const discarded = page.getByTestId('recent-imports').locator('tr.ant-table-row').filter({ hasText: '缴费记录-2.csv' });
    await see(discarded, '已放弃');
    expect(await discarded.getByRole('link').count()).toBe(0);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

describe('long reports', () => {
  it('refuses an empty file with the server’s message, and pages through 120 rejected rows with “load more”', async () => {
    const page = suite.browser.page;
    const shots = new Shots('imports-load-more');
    await page.goto(suite.server.url + '/imports');
    await upload(page, '空文件.csv', '');
    await see(page, '文件是空的');
    await shots.take(page, 'empty-file');

    // 120 rows without a name: every one is refused.
    const lines = ['姓名,手机号'];
    for (let i = 0; i < 120; i++) lines.push(`,1390000${String(i).padStart(4, '0')}`);
    await upload(page, '缺姓名.csv', lines.join('\n'));
    await hasText(() => fieldOf(page, '姓名'), '姓名/名称 *');
    await page.getByRole('button', { name: '开始导入' }).click();
    await see(page.getByTestId('import-result'), '导入完成');
    await hasText(() => stat(page, 'rejected').textContent(), '120');
    await hasText(() => stat(page, 'created').textContent(), '0');
    const rows = page.getByTestId('reject-row');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(100);
    await see(page, '已显示 100 行，共 120 行');
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(120);
    await see(page, '没有更多了');
    expect(await rows.first().textContent()).toBe('第 2 行');
    expect(await rows.last().textContent()).toBe('第 121 行');
    await shots.take(page, 'all-loaded');
  });
});

describe('who may import', () => {
  it('shows a viewer no import menu, no 导入 button, and refuses the page', async () => {
    const viewer = await launchBrowser();
    try {
      const page = await signIn(viewer, suite.server.url, '/customers', 'chakan', 'Chakan1234');
      await see(page, '钱多多');
      await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).waitFor();
      expect(await page.getByRole('menuitem', { name: '数据导入' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: '导入' }).count()).toBe(0);
      await page.goto(`${suite.server.url}/imports`);
      await see(page, '你没有访问此页面的权限');
      expect(await page.locator('input[type=file]').count()).toBe(0);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});

describe('phone width', () => {
  it('runs the wizard at 390×844 without sideways scrolling', async () => {
    const page = suite.browser.page;
    const shots = new Shots('imports-phone');
    await page.setViewportSize(PHONE);
    try {
      await page.goto(suite.server.url + '/imports');
      await see(page, '点击或将文件拖到此处上传');
      await see(page, '客户名单.csv');
      await noSideScroll(page);
      await shots.take(page, 'choose-file');

      await upload(page, '新住户.csv', ['姓名,手机号,小区', '吴敏,13622223333,阳光小区', '郑华,abc,阳光小区'].join('\n'));
      await hasText(() => fieldOf(page, '手机号'), '电话');
      await noSideScroll(page);
      await shots.take(page, 'mapping');
      await page.getByRole('button', { name: '开始导入' }).click();
      await see(page.getByTestId('import-result'), '导入完成');
      await hasText(() => stat(page, 'created').textContent(), '1');
      await expect.poll(() => page.getByTestId('reject-row').allTextContents(), { timeout: WAIT }).toEqual(['第 3 行']);
      for (const key of ['created', 'updated', 'skipped', 'rejected']) {
        const box = (await stat(page, key).boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      }
      await noSideScroll(page);
      await shots.take(page, 'report');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
});
