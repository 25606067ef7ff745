/**
 * 「可能重复」 on the new-customer form: typing the phone of an existing household shows the warning with that customer
 * (phone masked, a link to it); a name at the same address too; the warning does not stop the form — 保存 creates
 * the customer all the same.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, see, seedCompany, Shots, WAIT, signIn } from './harness.js';

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const existing = await api.post<{ id: string }>('/api/v1/customers', {
    name: '李秀英',
    phones: ['13900004444'],
    address: { city: '哈尔滨市', compound: '幸福家园', building: '3', unit: '2', room: '301' },
  });
  return { api, existingId: existing.id };
});

describe('duplicate warning', () => {
  it('the duplicate warning on create', async () => {
    const page = suite.browser.page;
    const shots = new Shots('duplicate-warning');
    await signIn(suite.browser, suite.server.url, '/customers/new');
    await see(page, '基本信息');
    expect(await page.getByTestId('duplicate-warning').count()).toBe(0);

    await page.getByLabel('姓名/名称').fill('李晓英');
    await page.getByLabel('电话 1').fill('139 0000 4444');
    const warning = page.getByTestId('duplicate-warning');
    await see(warning, '可能重复', WAIT);
    const match = warning.getByTestId('duplicate-match');
    await expect.poll(() => match.getAttribute('data-id'), { timeout: WAIT }).toBe(suite.existingId);
    const text = (await match.textContent())!;
    expect(text).toContain('李秀英');
    expect(text).toContain('139****4444');
    expect(text).not.toContain('13900004444');
    expect(text).toContain('电话相同');
    expect(await match.getByRole('link', { name: '李秀英' }).getAttribute('href')).toBe(`/customers/${suite.existingId}`);
    await warning.scrollIntoViewIfNeeded();
    await shots.take(page, 'warning');

    // A different phone: the warning goes; the same address with a similar name brings it back.
    await page.getByLabel('电话 1').fill('13700005555');
    await expect.poll(() => warning.count(), { timeout: WAIT }).toBe(0);
    await page.getByLabel('姓名/名称').fill('李秀英');
    for (const [label, value] of [['城市', '哈尔滨市'], ['小区', '幸福家园'], ['楼栋', '3'], ['单元', '2'], ['房号', '301']]) {
      await page.getByLabel(label!, { exact: true }).fill(value!);
    }
    await see(warning, '同一地址、姓名相近', WAIT);
    await shots.take(page, 'same-address');

    // Only a warning: 保存 creates the customer.
    await page.getByLabel('姓名/名称').fill('李晓英');
    await page.getByLabel('电话 1').fill('13900004444');
    await see(warning, '电话相同', WAIT);
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '客户已创建');
    await expect.poll(() => new URL(page.url()).pathname).not.toBe('/customers/new');
    const found = await suite.api.get<{ items: { id: string; name: string }[] }>('/api/v1/customers?q=13900004444');
    expect(found.items.map((c) => c.name).sort()).toEqual(['李晓英', '李秀英']);
    await shots.take(page, 'created');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
