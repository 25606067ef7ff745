/**
 * Custom fields in the browser: an admin defines a select field and a number field on 自定义字段, fills them on a
 * customer's form, sees them on the profile, and filters the customer list by the select value.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, pick, see, seedCompany, Shots, signIn, WAIT, dialogHelpers } from './harness.js';
import { customerNames } from './fixtures.js';

const suite = browserSuite(async ({ server, browser }) => {
  // A blank installation: the heating template brings its own 供暖面积(㎡) field, and the page starts empty here.
  const api = await seedCompany(server.url, '示例供热有限公司', 'blank');
  const zhang = await api.post<{ id: string }>('/api/v1/customers', { name: '张伟', address: { city: '哈尔滨市', compound: '幸福家园' } });
  await api.post('/api/v1/customers', { name: '李娜', address: { city: '哈尔滨市', compound: '阳光小区' } });
  await signIn(browser, server.url, '/customers');
  return { api, ids: { zhang: zhang.id } };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);

describe('custom fields', () => {
  it('an admin defines a select and a number field, fills them on a customer, sees them on the profile and filters by them', async () => {
    const page = suite.browser.page;
    const shots = new Shots('custom-fields');
    await page.goto(suite.server.url + '/customers');
    await page.getByRole('menuitem', { name: '自定义字段' }).click();
    await see(page, '还没有自定义字段');
    expect(new URL(page.url()).pathname).toBe('/admin/custom-fields');

    // A single-select field with two options.
    await openDialog(page.getByRole('button', { name: '新建字段' }));
    await dialog().getByLabel('字段标识').fill('level');
    await dialog().getByLabel('中文名称').fill('会员等级');
    await dialog().getByLabel('英文名称').fill('Membership level');
    await pick(page, dialog().getByLabel('类型'), '单选');
    for (const [i, [value, zh, en]] of [['gold', '金卡', 'Gold'], ['silver', '银卡', 'Silver']].entries()) {
      await dialog().getByRole('button', { name: '添加选项' }).click();
      await dialog().getByLabel(`选项值 ${i + 1}`).fill(value!);
      await dialog().getByLabel(`中文 ${i + 1}`).fill(zh!);
      await dialog().getByLabel(`英文 ${i + 1}`).fill(en!);
    }
    await shots.take(page, 'select-field');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page.locator('.ant-table-tbody'), '会员等级');

    // A number field.
    await openDialog(page.getByRole('button', { name: '新建字段' }));
    await dialog().getByLabel('字段标识').fill('area');
    await dialog().getByLabel('中文名称').fill('供暖面积');
    await dialog().getByLabel('英文名称').fill('Heated area');
    await pick(page, dialog().getByLabel('类型'), '数字');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page.locator('.ant-table-tbody'), '供暖面积');
    await shots.take(page, 'fields-listed');

    // The customer form has the section; fill both and save.
    await page.goto(`${suite.server.url}/customers/${suite.ids.zhang}/edit`);
    const section = page.getByTestId('custom-fields');
    await section.waitFor();
    await pick(page, section.getByLabel('会员等级'), '金卡');
    await section.getByLabel('供暖面积').fill('88.5');
    await shots.take(page, 'form-filled');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/customers/${suite.ids.zhang}`);

    // The profile shows the values, the select by its label.
    await expect.poll(() => page.getByTestId('custom-level').textContent(), { timeout: WAIT }).toBe('金卡');
    expect(await page.getByTestId('custom-area').textContent()).toBe('88.5');
    await shots.take(page, 'profile');

    // The change history names the fields by their labels and the select value by its label.
    await page.getByRole('tab', { name: '变更历史' }).click();
    const latest = page.getByTestId('history-entry').first();
    await see(latest, '会员等级');
    await see(latest, '金卡');
    await see(latest, '供暖面积');
    await page.goto(`${suite.server.url}/customers/${suite.ids.zhang}`);

    // The list filter by the select value shows that customer only.
    await page.goto(`${suite.server.url}/customers`);
    await expect.poll(() => customerNames(page), { timeout: WAIT }).toEqual(expect.arrayContaining(['张伟', '李娜']));
    await pick(page, page.getByTestId('customer-filters').getByLabel('会员等级'), '金卡');
    await expect.poll(() => customerNames(page), { timeout: WAIT }).toEqual(['张伟']);
    expect(new URL(page.url()).searchParams.get('custom')).toBe('{"level":"gold"}');
    await shots.take(page, 'filtered');
  });
});
