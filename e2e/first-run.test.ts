/**
 * The must-show path, in a browser at 1366×768: fresh server → setup → admin created → sign in → create a customer
 * with a Chinese name and address → find it by a two-character fragment of its address → edit it → see the edit in
 * its 变更历史 tab. A screenshot of each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Api, buildWeb, DESKTOP, launchBrowser, Shots, see, startServer, type BrowserHandle, type ServerHandle } from './harness.js';

let server: ServerHandle;
let browser: BrowserHandle;

beforeAll(async () => {
  buildWeb();
  // The server as `npm start` runs it (the sources through tsx), once in the suite.
  [server, browser] = await Promise.all([startServer(true), launchBrowser(DESKTOP)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('first run', () => {
  it('sets up, signs in, creates, finds, edits a customer and shows the change in its history', async () => {
    const shots = new Shots('first-run');
    const page = browser.page;

    // 1. A fresh server sends everyone to setup.
    await page.goto(server.url + '/');
    await see(page, '初始化系统');
    expect(new URL(page.url()).pathname).toBe('/setup');
    expect(await page.getByRole('heading', { name: '第一个管理员' }).isVisible()).toBe(true);
    await shots.take(page, 'setup-page');

    // 2. Company, heating template, first admin.
    await page.getByLabel('公司名称').fill('哈尔滨示例供热有限公司');
    await page.getByRole('radio', { name: /供热企业/ }).check();
    expect(await page.getByRole('radio', { name: /供热企业/ }).isChecked()).toBe(true);
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('显示名').fill(ADMIN.displayName);
    await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('确认密码').fill(ADMIN.password);
    await page.getByLabel('手机号').fill('13900000001');
    await shots.take(page, 'setup-filled');
    await page.getByRole('button', { name: '完成初始化' }).click();

    // 3. Admin created: the sign-in page says so.
    await see(page, '初始化完成，请使用管理员账户登录');
    expect(new URL(page.url()).pathname).toBe('/login');
    await see(page, '哈尔滨示例供热有限公司');
    await shots.take(page, 'admin-created');

    // 4. Sign in.
    await page.getByLabel('用户名或手机号').fill(ADMIN.username);
    await page.getByLabel('密码').fill(ADMIN.password);
    await page.getByRole('button', { name: /登录$/ }).click();
    // Signed in onto the home page (首页): the administrator's board, then the customer list from the menu.
    await see(page.getByTestId('tile-dashboards.system'), '数据库大小');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await see(page, '共 0 位客户');
    expect(await page.getByTestId('company-name').textContent()).toBe('哈尔滨示例供热有限公司');
    expect(await page.getByTestId('user-menu').textContent()).toContain(ADMIN.displayName);
    await shots.take(page, 'signed-in');

    // Two other households, seeded through the API, so the search has something to leave out.
    const api = await new Api(server.url).login(ADMIN.username, ADMIN.password);
    await api.post('/api/v1/customers', { name: '李娜', address: { province: '黑龙江省', city: '哈尔滨市', district: '道里区', compound: '阳光小区', building: '1号楼', unit: '1单元', room: '101' } });
    await api.post('/api/v1/customers', { name: '王强', address: { province: '黑龙江省', city: '哈尔滨市', district: '香坊区', compound: '和平花园', room: '202' } });

    // 5. Create 张伟 with a Chinese address.
    await page.getByRole('button', { name: '新建客户' }).click();
    await see(page, '基本信息');
    await page.getByLabel('姓名/名称').fill('张伟');
    await page.getByLabel('电话 1').fill('13812345678');
    await page.getByLabel('省份').fill('黑龙江省');
    await page.getByLabel('城市').fill('哈尔滨市');
    await page.getByLabel('区县').fill('南岗区');
    await page.getByLabel('小区').fill('幸福家园');
    await page.getByLabel('楼栋').fill('3号楼');
    await page.getByLabel('单元').fill('2单元');
    await page.getByLabel('房号').fill('501');
    await page.getByLabel('标签').fill('VIP');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByLabel('房号').scrollIntoViewIfNeeded();
    await shots.take(page, 'customer-form');
    await page.getByRole('button', { name: '保存' }).click();

    await see(page, '客户已创建');
    expect(await page.getByTestId('customer-name').textContent()).toBe('张伟');
    expect(await page.getByTestId('address').textContent()).toBe('黑龙江省 哈尔滨市 南岗区 幸福家园 3号楼 2单元 501');
    expect(await page.getByTestId('phones').textContent()).toContain('138****5678');
    expect(await page.getByTestId('tags').textContent()).toBe('VIP');
    await shots.take(page, 'customer-created');

    // 6. Find it by two characters of its address.
    await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await see(page, '共 3 位客户');
    await page.getByPlaceholder('搜索姓名、电话或地址片段').fill('幸福');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await see(page, '共 1 位客户');
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('张伟');
    expect(await rows.first().textContent()).toContain('幸福家园 3号楼 2单元 501');
    expect(await page.getByText('李娜').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('q')).toBe('幸福');
    await shots.take(page, 'found-by-address');

    // 7. Open it and edit: room 501 → 502, one more tag.
    await rows.first().getByRole('link', { name: '张伟' }).click();
    await see(page, '黑龙江省 哈尔滨市 南岗区 幸福家园 3号楼 2单元 501');
    await page.getByRole('button', { name: '编辑' }).click();
    await see(page, '编辑客户「张伟」');
    await page.getByLabel('房号').fill('502');
    await page.getByLabel('标签').fill('供暖季重点');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await shots.take(page, 'editing');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '修改已保存');
    await see(page, '黑龙江省 哈尔滨市 南岗区 幸福家园 3号楼 2单元 502');
    expect(await page.getByTestId('tags').textContent()).toBe('VIP供暖季重点');
    await shots.take(page, 'edited');

    // 8. The edit is in the change history, field by field.
    await page.getByRole('tab', { name: '变更历史' }).click();
    await see(page, '修改了客户');
    const latest = page.getByTestId('history-entry').first();
    const text = (await latest.textContent())?.replace(/\s+/g, '');
    expect(text).toContain(ADMIN.displayName);
    expect(text).toContain('修改了客户');
    expect(text).toContain('房号:501→502');
    expect(text).toContain('标签:VIP→VIP、供暖季重点');
    expect(await page.getByText('创建了客户').isVisible()).toBe(true);
    await shots.take(page, 'history');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
