/**
 * Administration in the browser at 1366×768: teams and users, roles with their data scopes, the audit log, API
 * tokens (secret shown once, revoked) and company settings.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN, Api, browserSuite, pick, seedCompany, see, Shots, signIn, until } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const admin = await seedCompany(server.url, '示例供热有限公司', 'heating');
  // Enough audit entries for more than one page of the log (50 a page).
  for (let i = 1; i <= 55; i++) await admin.post('/api/v1/customers', { name: `测试住户${i}`, address: { compound: '丽水小区', room: String(100 + i) } });
  await signIn(browser, server.url, '/admin/users');
});

const dialog = () => suite.browser.page.locator('.ant-modal-wrap:visible');
const closed = () => suite.browser.page.locator('.ant-modal-wrap:visible').waitFor({ state: 'detached' });

describe('users and teams', () => {
  it('creates, renames and moves a team, then creates a user in it and sees both listed', async () => {
    const page = suite.browser.page;
    const shots = new Shots('admin-users-teams');
    await page.goto(suite.server.url + '/admin/users');
    await see(page, '用户与团队');
    await page.getByRole('tab', { name: '团队' }).click();
    // The heating template's teams: 部门 with 班组 below.
    await see(page, '客服中心');
    await see(page, '一线客服班组');
    await see(page, '维修班组');
    await see(page, '客户经理部');
    await shots.take(page, 'template-teams');

    await page.getByRole('button', { name: '新建团队' }).first().click();
    await dialog().getByLabel('团队名称').fill('三号换热站班组');
    await dialog().getByText('班组', { exact: true }).click();
    await pick(page, dialog().getByLabel('上级团队'), '客服中心');
    await shots.take(page, 'new-team');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '团队已创建');
    await closed();
    const node = page.getByTestId('team-三号换热站班组');
    await node.waitFor();
    expect(await node.textContent()).toContain('班组');
    expect(await node.textContent()).toContain('0 人');
    // It sits under 客服中心: its tree node is indented like the other 班组.
    const indent = async (name: string) => (await page.getByTestId(`team-${name}`).boundingBox())!.x;
    expect(await indent('三号换热站班组')).toBe(await indent('维修班组'));
    expect(await indent('三号换热站班组')).toBeGreaterThan(await indent('客服中心'));

    await node.getByRole('button', { name: '重命名' }).click();
    await dialog().getByLabel('团队名称').fill('三号站班组');
    await dialog().getByRole('button', { name: '保存' }).click();
    await page.getByTestId('team-三号站班组').waitFor();
    await closed();

    await page.getByTestId('team-三号站班组').getByRole('button', { name: '移动' }).click();
    await pick(page, dialog().getByLabel('上级团队'), '客户经理部');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await until(async () => (await indent('三号站班组')) > (await indent('客户经理部')), 'the team is under 客户经理部');
    await shots.take(page, 'team-moved');

    // A user in the new team.
    await page.getByRole('tab', { name: '用户' }).click();
    await page.getByRole('button', { name: '新建用户' }).click();
    await dialog().getByLabel('用户名').fill('liming');
    await dialog().getByLabel('显示名').fill('李明');
    await dialog().getByLabel('初始密码').fill('Liming2025');
    await dialog().getByLabel('手机号').fill('13600001111');
    await pick(page, dialog().getByLabel('角色'), '客服专员');
    await pick(page, dialog().getByLabel('团队'), '三号站班组');
    await shots.take(page, 'new-user');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '用户已创建');
    await closed();
    const row = page.locator('.ant-table-row').filter({ hasText: 'liming' });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('李明');
    expect(text).toContain('客服专员');
    expect(text).toContain('三号站班组');
    expect(text).toContain('13600001111');
    expect(text).toContain('启用');
    await shots.take(page, 'user-listed');

    // Reset the password, then deactivate the account.
    await row.getByRole('button', { name: '重置密码' }).click();
    await dialog().getByLabel('新密码').fill('Reset2025x');
    await dialog().getByRole('button', { name: '重置密码' }).click();
    await see(page, '密码已重置，该用户需用新密码重新登录');
    await closed();
    await row.getByRole('button', { name: '编辑' }).click();
    await dialog().getByRole('switch').click();
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(row, '已停用');

    // The team now has a member, so it cannot be deleted; the server says why.
    await page.getByRole('tab', { name: '团队' }).click();
    await see(page.getByTestId('team-三号站班组'), '1 人');
    await page.getByTestId('team-三号站班组').getByRole('button', { name: '删除' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await see(page, /团队下仍有成员/);
    expect(await page.getByTestId('team-三号站班组').count()).toBe(1);
    await shots.take(page, 'team-not-empty');
  });
});

describe('roles', () => {
  it('shows each role’s data scope and permissions, and changes a scope', async () => {
    const page = suite.browser.page;
    const shots = new Shots('admin-roles');
    await page.getByRole('menuitem', { name: '角色权限' }).click();
    await see(page, '角色决定用户能做什么');
    const scope = (key: string) => page.getByTestId(`role-${key}`).getByTestId('role-scope').textContent();
    expect(await scope('admin')).toBe('全部');
    expect(await scope('manager')).toBe('全部');
    expect(await scope('account_manager')).toBe('本人');
    expect(await scope('agent')).toBe('本人');
    expect(await scope('viewer')).toBe('全部');
    expect(await page.getByTestId('role-account_manager').textContent()).toContain('查看个人信息（完整电话、证件号）');
    expect(await page.getByTestId('role-viewer').textContent()).not.toContain('新建/编辑客户');
    await shots.take(page, 'roles');

    await page.getByTestId('role-agent').getByRole('button', { name: '编辑' }).click();
    await dialog().getByRole('radio', { name: /本团队/ }).check();
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await until(async () => (await scope('agent')) === '本团队', 'the agent role shows 本团队');
    await see(page.getByTestId('role-agent'), '已自定义');
    await see(page.getByTestId('role-agent'), '看本团队及下级团队的客户');
    await shots.take(page, 'scope-changed');
  });
});

describe('audit log', () => {
  it('shows the sign-in and create entries, filters them, and loads more by keyset', async () => {
    const page = suite.browser.page;
    const shots = new Shots('admin-audit');
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await see(page, '已显示 50 条');
    const actions = () => page.getByTestId('audit-action').allTextContents();
    expect(await actions()).toContain('新建');
    expect(await actions()).toContain('修改');
    // An entry reads as words: its action and entity labelled (新建 · 客户), its details as field → value, not raw JSON.
    const created = page.locator('.ant-table-row').filter({ hasText: '测试住户55' }).first();
    await see(created.getByTestId('audit-action'), '新建');
    await see(created.getByTestId('audit-entity'), '客户');
    const detail = (await created.getByTestId('audit-change').allTextContents()).join('\n');
    expect(detail).toContain('姓名/名称: 测试住户55');
    expect(detail).toContain('小区: 丽水小区');
    expect(detail).toContain('生命周期阶段: 新客户');
    expect(detail).toContain('客户经理: 系统管理员');
    expect(await created.textContent()).not.toMatch(/[{}"]|\bname\b|\bcreate\b|\bcustomer\b/);
    await created.getByText('原始数据').click();
    await see(created.getByTestId('audit-raw'), '"name"');
    await created.getByText('原始数据').click();
    await shots.take(page, 'log');

    await page.getByRole('button', { name: '加载更多' }).click();
    await until(async () => (await page.getByTestId('audit-action').count()) > 50, 'more entries are loaded');
    await see(page, '没有更多了');
    expect(await actions()).toContain('系统初始化');
    // No entry shows a raw code (the heating template's starter articles included: 添加初始文章 · 知识库文章).
    const raw = /^[a-z0-9_.]+$/;
    expect((await actions()).filter((a) => raw.test(a.trim()))).toEqual([]);
    expect((await page.getByTestId('audit-entity').allTextContents()).filter((e) => raw.test(e.trim()))).toEqual([]);

    await pick(page, page.getByLabel('操作', { exact: true }), '登录');
    await until(async () => {
      const a = await actions();
      return a.length > 0 && a.every((x) => x === '登录');
    }, 'only sign-in entries are listed');
    await see(page.locator('.ant-table-tbody'), '系统管理员');
    await shots.take(page, 'logins');

    await page.reload();
    await see(page, '已显示 50 条');
    await pick(page, page.getByLabel('对象'), '客户');
    await until(async () => {
      const a = await actions();
      return a.length === 50 && a.every((x) => x === '新建');
    }, 'only customer entries are listed');
    await see(page, '测试住户55');
    await shots.take(page, 'customer-entries');
  });
});

describe('API tokens', () => {
  it('creates a token with chosen permissions, shows the secret once, and revokes it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('api-tokens');
    await page.getByRole('menuitem', { name: 'API 令牌' }).click();
    await see(page, '还没有 API 令牌');
    await page.getByRole('button', { name: '创建令牌' }).click();
    await dialog().getByLabel('名称').fill('ERP 同步');
    await dialog().getByRole('checkbox', { name: '查看客户', exact: true }).check();
    await dialog().getByLabel('有效期（天）').fill('30');
    await shots.take(page, 'create');
    await dialog().getByRole('button', { name: '新建' }).click();

    await see(page, '此令牌只显示这一次');
    const secret = (await page.getByTestId('token-secret').textContent())!.trim();
    expect(secret).toMatch(/^hth_[0-9a-f]{8}_[\w-]+$/);
    await shots.take(page, 'secret-once');
    await page.getByRole('dialog', { name: '令牌已创建' }).locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await closed();
    await until(async () => (await page.getByText(secret).count()) === 0, 'the secret is no longer on the page');

    const row = page.locator('.ant-table-row').filter({ hasText: 'ERP 同步' });
    await row.waitFor();
    expect(await row.textContent()).toContain('查看客户');
    expect(await row.textContent()).toContain('有效');
    expect(await row.textContent()).toContain(secret.slice(0, 12));

    // The token works, for what it was given only.
    const call = (url: string) => fetch(suite.server.url + url, { headers: { authorization: `Bearer ${secret}` } });
    expect((await call('/api/v1/customers?limit=1')).status).toBe(200);
    expect((await call('/api/v1/audit')).status).toBe(403);

    await row.getByRole('button', { name: '吊销' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '吊销' }).click();
    await see(page, '令牌已吊销');
    await see(row, '已吊销');
    expect(await row.getByRole('button', { name: '吊销' }).count()).toBe(0);
    expect((await call('/api/v1/customers?limit=1')).status).toBe(401);
    await shots.take(page, 'revoked');
  });
});

describe('company settings', () => {
  it('renames the company and the header follows', async () => {
    const page = suite.browser.page;
    await page.getByRole('menuitem', { name: '公司设置' }).click();
    await see(page, '行业模板');
    expect(await page.getByLabel('行业模板').inputValue()).toBe('供热企业');
    await page.getByLabel('公司名称').fill('哈尔滨热力集团');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '已保存');
    await until(async () => (await page.getByTestId('company-name').textContent()) === '哈尔滨热力集团', 'the header shows the new name');
  });
});

describe('field access (字段权限, issue #18)', () => {
  // Last in the file: it signs the browser in as another user.
  it('an admin hides the ID number from a role; that role’s user does not see it on the customer page', async () => {
    const page = suite.browser.page;
    const shots = new Shots('admin-field-grants');
    const admin = await new Api(suite.server.url).login(ADMIN.username, ADMIN.password);
    const ID = '23010219850612401X';
    const customer = await admin.post<{ id: string }>('/api/v1/customers', { name: '字段权限住户', phones: ['13812340001'], idType: 'passport', idNumber: ID });
    await admin.post('/api/v1/users', { username: 'fieldmgr', displayName: '字段主管', password: 'Field2025x', roleKey: 'manager' });

    await page.getByRole('menuitem', { name: '角色权限' }).click();
    await see(page, '字段权限');
    await page.getByTestId('grant-manager-idNumber').getByText('隐藏', { exact: true }).click();
    await see(page, '「管理者」的字段权限已保存');
    await until(async () => (await page.getByTestId('grant-manager-idNumber').getByRole('radio', { name: '隐藏' }).isChecked()), 'the cell shows 隐藏');
    // The other fields of the role stay as they were (editable).
    expect(await page.getByTestId('grant-manager-phones').getByRole('radio', { name: '可编辑' }).isChecked()).toBe(true);
    await shots.take(page, 'matrix');

    await suite.browser.context.clearCookies(); // signed out, then in as the manager
    await signIn(suite.browser, suite.server.url, `/customers/${customer.id}`, 'fieldmgr', 'Field2025x');
    await see(page, '字段权限住户');
    await see(page.getByTestId('phones'), '138****0001');
    expect(await page.getByTestId('id-number').count()).toBe(0);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('证件号码');
    expect(text).not.toContain(ID.slice(-4));
    await shots.take(page, 'customer-without-id');
    // The edit form has no ID number input either.
    await page.goto(`${suite.server.url}/customers/${customer.id}/edit`);
    await see(page, '联系方式');
    await until(async () => (await page.getByTestId('id-number-input').count()) === 0, 'the form has no ID number input');
    await see(page, '电话');
  });
});
