/**
 * Transactions and the product catalogue in the browser: products added on 产品与服务, purchases from catalogue lines
 * with their line totals, a heating payment and a refund in the lifetime figures, the server's field message for an
 * amount that does not match the lines, delete and restore, paging by cursor, a phone-width tab, and what a
 * read-only user sees. One server and one browser for the file; whatever is not under test is seeded through the API.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, launchBrowser, pick, PHONE, DESKTOP, see, seedCompany, Shots, signIn, tableRows, WAIT, dialogHelpers } from './harness.js';

type Product = { id: string; code: string };

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customer = async (name: string) => (await api.post<{ id: string }>('/api/v1/customers', { name, address: { city: '哈尔滨市', compound: '幸福家园' } })).id;
  const ids = {
    zhang: await customer('张伟'),
    wang: await customer('王芳'),
    li: await customer('李娜'),
    zhao: await customer('赵刚'),
    sun: await customer('孙丽'),
    zhou: await customer('周敏'),
  };
  const filter = await api.post<Product>('/api/v1/products', { code: 'FLT-01', name: '暖气过滤器', category: '配件', priceFen: 1999, unit: '个' });
  const clean = await api.post<Product>('/api/v1/products', { code: 'SVC-CLEAN', name: '暖气片清洗', category: '维修', priceFen: 15000, unit: '次' });
  const txs = (id: string) => `/api/v1/customers/${id}/transactions`;
  // 王芳 bought something last year; 赵刚 has a purchase and a payment to delete and restore; 孙丽 25 payments to page through.
  await api.post(txs(ids.wang), { occurredAt: '2025-10-01', type: 'purchase', amountFen: 50_000, channel: '营业厅' });
  await api.post(txs(ids.zhao), { occurredAt: '2025-09-01', type: 'purchase', amountFen: 30_000, notes: '更换温控阀' });
  await api.post(txs(ids.zhao), { occurredAt: '2025-10-15', type: 'payment', amountFen: 200_000, heatingSeason: '2025-2026' });
  // 周敏 for the phone: a purchase with lines, a heating payment and a refund.
  await api.post(txs(ids.zhou), { occurredAt: '2025-09-20', type: 'purchase', channel: '上门收费', lines: [{ productId: filter.id, quantity: 2 }, { productId: clean.id }] });
  await api.post(txs(ids.zhou), { occurredAt: '2025-10-10', type: 'payment', amountFen: 285_600, channel: '营业厅', heatingSeason: '2025-2026', billedAreaM2: 88.5 });
  await api.post(txs(ids.zhou), { occurredAt: '2025-12-01', type: 'refund', amountFen: 12_000, notes: '停暖退费' });
  for (let i = 1; i <= 25; i++) {
    await api.post(txs(ids.sun), { occurredAt: `2025-0${1 + Math.floor((i - 1) / 5)}-${String(i).padStart(2, '0')}`, type: 'payment', amountFen: 10_000 + i });
  }
  await api.post('/api/v1/users', { username: 'chakan', displayName: '查看员', password: 'Chakan1234', roleKey: 'viewer' });
  await signIn(browser, server.url, '/customers');
  return { api, ids, products: { filter, clean } };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
/** Chooses the transaction type on the form and waits until it is chosen. */
async function chooseType(label: string): Promise<void> {
  await dialog().getByText(label, { exact: true }).click();
  await expect.poll(() => dialog().getByRole('radio', { name: label }).isChecked(), { timeout: WAIT }).toBe(true);
}
/** Closes an open dropdown (AutoComplete, Select) by clicking the dialog's title. */
const blur = () => dialog().locator('.ant-modal-title').click();
/** The transactions of the list (not the line items of an expanded row). */
const txRows = (page: Page) => page.getByTestId('transactions').locator('tr.ant-table-row').filter({ has: page.getByTestId('tx-type') });
const summary = (page: Page, key: string) => page.getByTestId(`summary-${key}`);
/** Waits until the locator's text is exactly `value`. */
const hasText = (loc: Locator, value: string) => expect.poll(() => loc.textContent(), { timeout: WAIT }).toBe(value);
/** The antd form item (label, control, errors) around the control with this label. */
const formItem = (scope: Locator, label: string) =>
  scope.getByLabel(label, { exact: true }).locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-form-item ")][1]');

/** Opens a customer's 交易记录 tab: by clicking it, or straight from the address (`?tab=transactions`). */
async function openTab(page: Page, id: string, byUrl = false): Promise<void> {
  if (byUrl) {
    await page.goto(`${suite.server.url}/customers/${id}?tab=transactions`);
  } else {
    await page.goto(`${suite.server.url}/customers/${id}`);
    await page.getByRole('tab', { name: '交易记录' }).click();
  }
  await page.getByTestId('transaction-summary').waitFor();
}

describe('product catalogue', () => {
  it('adds two products on the 产品与服务 page and lists them; search narrows the list', async () => {
    const page = suite.browser.page;
    const shots = new Shots('products-catalogue');
    await page.goto(suite.server.url + '/customers');
    await page.getByRole('menuitem', { name: '产品与服务' }).click();
    await see(page, '暖气过滤器');
    expect(new URL(page.url()).pathname).toBe('/admin/products');
    await shots.take(page, 'seeded');

    const add = async (code: string, name: string, category: string, price: string, unit: string) => {
      await openDialog(page.getByRole('button', { name: '新建产品' }));
      await dialog().getByLabel('编码').fill(code);
      await dialog().getByLabel('名称').fill(name);
      await dialog().getByLabel('分类').fill(category);
      await dialog().getByLabel('单价（元）').fill(price);
      await dialog().getByLabel('单位').fill(unit);
      await blur();
      await shots.take(page, `new-${code}`);
      await dialog().getByRole('button', { name: '保存' }).click();
      await closed();
    };
    await add('SVC-REPAIR', '上门维修', '维修', '80', '次');
    await add('PART-VALVE', '更换阀门', '配件', '33.33', '个');

    const row = (name: string) => tableRows(page).filter({ hasText: name });
    await row('更换阀门').waitFor();
    expect(await row('上门维修').textContent()).toContain('SVC-REPAIR');
    expect(await row('上门维修').textContent()).toContain('¥80.00 / 次');
    expect(await row('更换阀门').textContent()).toContain('¥33.33 / 个');
    expect(await row('更换阀门').textContent()).toContain('启用');
    expect(await tableRows(page).count()).toBe(4);
    await shots.take(page, 'listed');

    // A duplicate code is refused with the server's message on the field.
    await openDialog(page.getByRole('button', { name: '新建产品' }));
    await dialog().getByLabel('编码').fill('SVC-REPAIR');
    await dialog().getByLabel('名称').fill('重复的维修');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(formItem(dialog(), '编码'), '产品编码「SVC-REPAIR」已存在');
    await dialog().getByRole('button', { name: '取消' }).click();
    await closed();

    await page.getByLabel('搜索编码或名称').fill('阀门');
    await expect.poll(() => tableRows(page).count(), { timeout: WAIT }).toBe(1);
    expect(await tableRows(page).first().textContent()).toContain('更换阀门');
    await shots.take(page, 'searched');
    await page.getByLabel('搜索编码或名称').fill('');
    await expect.poll(() => tableRows(page).count(), { timeout: WAIT }).toBe(4);

    // Change a price, then retire a product: it leaves the list (past transactions keep it).
    await openDialog(row('更换阀门').getByRole('button', { name: '编辑' }));
    await expect.poll(() => dialog().getByLabel('单价（元）').inputValue(), { timeout: WAIT }).toBe('33.33');
    await dialog().getByLabel('单价（元）').fill('35');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await expect.poll(() => row('更换阀门').textContent(), { timeout: WAIT }).toContain('¥35.00 / 个');
    await row('上门维修').getByRole('button', { name: '下架' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '下架' }).click();
    await see(page, '产品已下架');
    await expect.poll(() => tableRows(page).count(), { timeout: WAIT }).toBe(3);
    expect(await row('上门维修').count()).toBe(0);
    await shots.take(page, 'edited-retired');
  });
});

describe('transactions tab', () => {
  it('records a purchase from two catalogue lines and updates the list and the lifetime figures', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-purchase');
    await openTab(page, suite.ids.zhang);
    await see(page, '还没有交易记录');
    await hasText(summary(page, 'lifetime'), '¥0.00');
    await hasText(summary(page, 'count'), '0');
    await shots.take(page, 'empty');

    await openDialog(page.getByRole('button', { name: '新增交易' }));
    const form = dialog();
    await form.getByRole('button', { name: '添加明细' }).click();
    await pick(page, form.getByLabel('产品/服务 1'), 'FLT-01 暖气过滤器', '过滤器');
    // The catalogue price fills the unit price.
    await expect.poll(() => form.getByLabel('单价（元） 1').inputValue(), { timeout: WAIT }).toBe('19.99');
    await form.getByLabel('数量 1').fill('2');
    await form.getByRole('button', { name: '添加明细' }).click();
    await pick(page, form.getByLabel('产品/服务 2'), 'SVC-CLEAN 暖气片清洗', '清洗');
    await form.getByLabel('渠道').fill('上门收费');
    await blur();
    await expect.poll(() => form.getByTestId('line-total').allTextContents(), { timeout: WAIT }).toEqual(['¥39.98', '¥150.00']);
    await hasText(form.getByTestId('lines-total'), '¥189.98');
    await see(form, '留空则按明细合计 ¥189.98 记账');
    await shots.take(page, 'lines');
    await form.getByRole('button', { name: '保存' }).click();
    await see(page, '交易已记录');
    await closed();

    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(1);
    const row = txRows(page).first();
    expect(await row.getByTestId('tx-type').textContent()).toBe('购买');
    expect(await row.getByTestId('tx-amount').textContent()).toBe('¥189.98');
    expect(await row.textContent()).toContain('上门收费');
    expect(await row.textContent()).toContain('2 项明细');
    await hasText(summary(page, 'lifetime'), '¥189.98');
    await hasText(summary(page, 'count'), '1');
    await hasText(summary(page, 'average'), '¥189.98');
    expect(await summary(page, 'first').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The line items, expanded.
    await row.getByRole('button', { name: /展开|expand/i }).click();
    const details = page.getByTestId('transaction-details');
    await details.waitFor();
    expect(await details.getByTestId('detail-line-total').allTextContents()).toEqual(['¥39.98', '¥150.00']);
    // …laid out on screen (an expanded row must not stretch the table's columns off it).
    const box = (await details.getByTestId('detail-line-total').last().boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(DESKTOP.width);
    expect((await row.getByTestId('tx-amount').boundingBox())!.x).toBeLessThan(DESKTOP.width);
    expect(await details.textContent()).toContain('暖气过滤器');
    expect(await details.textContent()).toContain('暖气片清洗');
    await shots.take(page, 'recorded');
  });

  it('records a heating payment and a refund: lifetime spend is purchases + payments − refunds', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-heating-refund');
    await openTab(page, suite.ids.wang);
    await hasText(summary(page, 'lifetime'), '¥500.00');

    await openDialog(page.getByRole('button', { name: '新增交易' }));
    await chooseType('缴费');
    await pick(page, dialog().getByLabel('供暖季'), '2024-2025');
    await dialog().getByLabel('计费面积（㎡）').fill('88.50');
    await dialog().getByLabel('金额（元）').fill('2856.00');
    await dialog().getByLabel('备注').fill('2024-2025 采暖费');
    await dialog().getByLabel('渠道').fill('营业厅');
    await blur();
    await shots.take(page, 'payment-form');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '交易已记录');
    await closed();
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(2);
    const payment = txRows(page).filter({ hasText: '缴费' });
    expect(await payment.getByTestId('tx-amount').textContent()).toBe('¥2,856.00');
    expect(await payment.getByTestId('tx-heating').textContent()).toBe('2024-2025 供暖季 · 88.50 ㎡');

    await openDialog(page.getByRole('button', { name: '新增交易' }));
    await chooseType('退款');
    // Heating season and area belong to payments.
    expect(await dialog().getByLabel('供暖季').count()).toBe(0);
    await dialog().getByLabel('金额（元）').fill('120');
    await dialog().getByLabel('备注').fill('停暖 5 天退费');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '交易已记录');
    await closed();
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(3);
    expect(await txRows(page).filter({ hasText: '退款' }).getByTestId('tx-amount').textContent()).toBe('-¥120.00');

    // ¥500.00 + ¥2,856.00 − ¥120.00; refunds do not count as orders.
    await hasText(summary(page, 'lifetime'), '¥3,236.00');
    await hasText(summary(page, 'refunds'), '¥120.00');
    await hasText(summary(page, 'count'), '2');
    await hasText(summary(page, 'average'), '¥1,678.00');
    expect(await summary(page, 'first').textContent()).toBe('2025-10-01');
    await shots.take(page, 'summary');
  });

  it('shows the server’s message on the amount when it does not match the lines', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-amount-mismatch');
    await openTab(page, suite.ids.li);
    await openDialog(page.getByRole('button', { name: '新增交易' }));
    const form = dialog();
    await form.getByRole('button', { name: '添加明细' }).click();
    await pick(page, form.getByLabel('产品/服务 1'), 'SVC-CLEAN 暖气片清洗', '清洗');
    await expect.poll(() => form.getByLabel('单价（元） 1').inputValue(), { timeout: WAIT }).toBe('150.00');
    // The unit price can be changed for this sale.
    await form.getByLabel('单价（元） 1').fill('120.50');
    await hasText(form.getByTestId('line-total'), '¥120.50');
    await form.getByLabel('实收金额（元）').fill('100');
    await form.getByRole('button', { name: '保存' }).click();
    await see(formItem(form, '实收金额（元）'), '「金额」与明细合计 ¥120.50 不符');
    await shots.take(page, 'mismatch');
    expect(await form.isVisible()).toBe(true);
    expect((await suite.api.get<{ count: number }>(`/api/v1/customers/${suite.ids.li}/transactions/summary`)).count).toBe(0);

    await form.getByLabel('实收金额（元）').fill('120.50');
    await form.getByRole('button', { name: '保存' }).click();
    await see(page, '交易已记录');
    await closed();
    await hasText(summary(page, 'lifetime'), '¥120.50');
    expect(await txRows(page).first().getByTestId('tx-amount').textContent()).toBe('¥120.50');
  });

  it('deletes a transaction and restores it from “show deleted”', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-delete-restore');
    await openTab(page, suite.ids.zhao);
    await hasText(summary(page, 'lifetime'), '¥2,300.00');
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(2);

    const purchase = txRows(page).filter({ hasText: '¥300.00' });
    await purchase.getByRole('button', { name: '删除' }).click();
    await see(page, '删除这条交易记录？');
    await shots.take(page, 'confirm');
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await see(page, '交易记录已删除');
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(1);
    await hasText(summary(page, 'lifetime'), '¥2,000.00');
    await hasText(summary(page, 'count'), '1');

    await page.getByRole('checkbox', { name: '显示已删除' }).check();
    await see(page, '正在查看已删除的交易记录');
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(1);
    const deleted = txRows(page).first();
    expect(await deleted.getByTestId('tx-amount').textContent()).toBe('¥300.00');
    await shots.take(page, 'deleted-list');
    await deleted.getByRole('button', { name: '恢复' }).click();
    await see(page, '交易记录已恢复');
    await see(page, '没有已删除的交易记录');
    await page.getByRole('checkbox', { name: '显示已删除' }).uncheck();
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(2);
    await hasText(summary(page, 'lifetime'), '¥2,300.00');
    await hasText(summary(page, 'count'), '2');
    await shots.take(page, 'restored');

    await page.getByRole('tab', { name: '变更历史' }).click();
    await see(page, '删除了交易记录');
    await see(page, '恢复了交易记录');
  });

  it('pages through a long list with “load more”, newest first', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-load-more');
    await openTab(page, suite.ids.sun);
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(20);
    await hasText(summary(page, 'count'), '25');
    const dates = await page.getByTestId('tx-date').allTextContents();
    expect(dates[0]).toBe('2025-05-25');
    expect([...dates].sort().reverse()).toEqual(dates);
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(25);
    await see(page, '没有更多了');
    const all = await page.getByTestId('tx-date').allTextContents();
    expect(new Set(all).size).toBe(25);
    expect(all[24]).toBe('2025-01-01');
    await shots.take(page, 'all-loaded');
  });

  it('is usable at phone width (390×844): the figures and the list fit the screen', async () => {
    const page = suite.browser.page;
    const shots = new Shots('transactions-phone');
    await page.setViewportSize(PHONE);
    try {
      await openTab(page, suite.ids.zhou, true);
      // ¥189.98 + ¥2,856.00 − ¥120.00
      await hasText(summary(page, 'lifetime'), '¥2,925.98');
      await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(3);
      for (const key of ['lifetime', 'count', 'average', 'first', 'last', 'refunds']) {
        const box = (await summary(page, key).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      }
      // Date, type and amount of every row are on screen without scrolling sideways.
      for (const id of ['tx-date', 'tx-type', 'tx-amount']) {
        const box = (await page.getByTestId(id).first().boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await shots.take(page, 'tab');

      // Channel, season and area are in the expanded row on a phone.
      await txRows(page).filter({ hasText: '缴费' }).getByRole('button', { name: /展开/ }).click();
      const details = page.getByTestId('transaction-details');
      await see(details, '88.50');
      expect(await details.textContent()).toContain('2025-2026');
      expect(await details.textContent()).toContain('营业厅');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await shots.take(page, 'expanded');

      await openDialog(page.getByRole('button', { name: '新增交易' }));
      await chooseType('缴费');
      await dialog().getByLabel('供暖季').waitFor();
      await shots.take(page, 'form');
      await dialog().getByRole('button', { name: '取消' }).click();
      await closed();
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('shows a read-only user the figures and the list, without recording, deleting or the catalogue menu', async () => {
    const viewer = await launchBrowser();
    try {
      const page = await signIn(viewer, suite.server.url, `/customers/${suite.ids.zhao}?tab=transactions`, 'chakan', 'Chakan1234');
      await hasText(page.getByTestId('summary-lifetime'), '¥2,300.00');
      await expect.poll(() => txRows(page).count(), { timeout: WAIT }).toBe(2);
      expect(await page.getByRole('button', { name: '新增交易' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: '删除' }).count()).toBe(0);
      expect(await page.getByRole('menuitem', { name: '产品与服务' }).count()).toBe(0);
      await page.goto(`${suite.server.url}/admin/products`);
      await see(page, '暖气过滤器');
      expect(await page.getByRole('button', { name: '新建产品' }).count()).toBe(0);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
