/**
 * One customer in the browser: the 360 page (reveal, contacts, history), the form with every section, field-level
 * errors from the server, a stale edit (409), and user-typed HTML shown as text.
 * One server and one browser for the file; data seeded through the API.
 */
import { describe, expect, it } from 'vitest';
import { customerNames, customerSuite } from './fixtures.js';
import { pick, see, Shots, tableRows } from './harness.js';

const suite = customerSuite();

/** The antd form item (label, control, errors) around the input with this label. */
const formItem = (label: string) =>
  suite.browser.page.getByLabel(label).locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-form-item ")][1]');

describe('customer 360', () => {
  it('reveals masked phone and ID numbers for a pii holder, and the reveal is in the history', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-reveal');
    await page.goto(`${suite.server.url}/customers/${suite.ids.zhang}`);
    await see(page, '138****5678');
    expect(await page.getByTestId('id-number').textContent()).toMatch(/^居民身份证 110\*+002X$/);
    await shots.take(page, 'masked');
    await page.getByTestId('reveal').click();
    await see(page, '13812345678');
    expect(await page.getByTestId('id-number').textContent()).toBe('居民身份证 11010519491231002X');
    expect(await page.getByText('已脱敏').count()).toBe(0);
    await shots.take(page, 'revealed');
    await page.getByRole('tab', { name: '变更历史' }).click();
    await see(page, '查看了完整个人信息');
    await see(page, '查看内容：电话、证件号码');
    await shots.take(page, 'history');
  });

  it('lists, adds, edits and removes the contacts of an organisation', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-contacts');
    await page.goto(`${suite.server.url}/customers/${suite.ids.org}`);
    await see(page, '哈尔滨热力设备有限公司');
    await page.getByRole('tab', { name: '联系人' }).click();
    await see(page, '还没有联系人');

    await page.getByRole('button', { name: '添加联系人' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('姓名').fill('赵刚');
    await dialog.getByLabel('职务').fill('设备部经理');
    await dialog.getByLabel('电话').fill('13900001111');
    await dialog.getByLabel('邮箱').fill('zhaogang@example.cn');
    await shots.take(page, 'add-contact');
    await dialog.getByRole('button', { name: '保存' }).click();
    await see(page, '联系人已保存');
    const row = tableRows(page).filter({ hasText: '赵刚' });
    await row.waitFor();
    expect(await row.textContent()).toContain('设备部经理');
    expect(await row.textContent()).toContain('139****1111');
    expect(await row.textContent()).toContain('主要联系人');
    await shots.take(page, 'contact-added');

    await row.getByRole('button', { name: '编辑' }).click();
    await page.getByRole('dialog').getByLabel('职务').fill('设备部部长');
    await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await see(page, '设备部部长');
    await shots.take(page, 'contact-edited');

    await tableRows(page).filter({ hasText: '赵刚' }).getByRole('button', { name: '移除' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '移除' }).click();
    await see(page, '联系人已移除');
    await see(page, '还没有联系人');

    await page.getByRole('tab', { name: '变更历史' }).click();
    await see(page, '添加了联系人');
    await see(page, '修改了联系人');
    await see(page, '移除了联系人');
    await shots.take(page, 'contact-history');
  });
});

describe('customer form', () => {
  it('creates a customer with every section filled, then changes a revealed phone number', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-full-form');
    await page.goto(suite.server.url + '/customers/new');
    await see(page, '基本信息');
    await page.getByLabel('姓名/名称').fill('陈静');
    await pick(page, page.getByLabel('性别'), '女');
    await page.getByLabel('生日', { exact: true }).fill('1985-06-15');
    await page.getByLabel('生日', { exact: true }).press('Enter');
    await page.getByRole('checkbox', { name: '记录农历生日' }).check();
    await pick(page, page.getByLabel('月', { exact: true }), '8月');
    await pick(page, page.getByLabel('日', { exact: true }), '15日', '15');
    await page.getByLabel('电话 1').fill('13700002222');
    await page.getByLabel('邮箱').fill('chenjing@example.cn');
    await pick(page, page.getByLabel('证件类型'), '居民身份证');
    await page.getByLabel('证件号码').fill('11010519491231002X');
    for (const [label, value] of [['省份', '黑龙江省'], ['城市', '哈尔滨市'], ['区县', '南岗区'], ['街道', '学府路'], ['小区', '幸福家园'], ['楼栋', '7号楼'], ['单元', '3单元'], ['房号', '601']]) {
      await page.getByLabel(label!, { exact: true }).fill(value!);
    }
    await page.getByLabel('标签').fill('低保户');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await pick(page, page.getByLabel('首选联系方式'), '微信');
    await page.getByLabel('方便联系时间').fill('工作日晚上');
    await pick(page, page.getByLabel('沟通语言'), '中文');
    await page.getByLabel('兴趣爱好').fill('书法');
    await page.keyboard.press('Enter');
    await page.getByLabel('来源').fill('营业厅');
    await pick(page, page.getByLabel('生命周期阶段'), '忠诚');
    await pick(page, page.getByLabel('团队'), '客服中心');
    await page.getByRole('checkbox', { name: '短信' }).check();
    await page.getByRole('checkbox', { name: '微信' }).check();
    await page.locator('#notes').fill('每年 11 月提前缴费');
    await shots.take(page, 'filled');
    await page.getByRole('button', { name: '保存' }).click();

    await see(page, '客户已创建');
    const profile = (await page.locator('.ant-descriptions').textContent())!;
    for (const text of [
      '137****2222', '女', '1985-06-15', '农历8月15日', 'chenjing@example.cn', '居民身份证 110***********002X',
      '黑龙江省 哈尔滨市 南岗区 学府路 幸福家园 7号楼 3单元 601', '低保户', '微信', '工作日晚上', '中文', '书法', '营业厅', '忠诚',
      '客服中心', '短信 允许', '微信 允许', '电话 不允许', '每年 11 月提前缴费',
    ]) {
      expect(profile).toContain(text);
    }
    await shots.take(page, 'created');

    // Phone numbers are masked on the edit form too; revealing them (audited) makes them editable.
    await page.getByRole('button', { name: '编辑' }).click();
    await see(page, '电话和证件号已脱敏');
    expect(await page.getByLabel('证件号码').isDisabled()).toBe(true);
    await page.getByRole('button', { name: '显示并修改' }).click();
    await page.getByLabel('电话 1').waitFor();
    expect(await page.getByLabel('电话 1').inputValue()).toBe('13700002222');
    expect(await page.getByLabel('证件号码').inputValue()).toBe('11010519491231002X');
    await page.getByLabel('电话 1').fill('13700003333');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '修改已保存');
    await see(page, '137****3333');
    await page.getByRole('tab', { name: '变更历史' }).click();
    const latest = (await page.getByTestId('history-entry').first().textContent())!.replace(/\s+/g, '');
    expect(latest).toContain('修改了客户');
    expect(latest).toContain('电话:137****2222→137****3333');
    // Only the phone changed: nothing else is in that entry.
    expect(await page.getByTestId('history-entry').first().getByTestId('history-change').count()).toBe(1);
    await shots.take(page, 'phone-changed');
  });

  it('shows the server’s field-level errors on the fields (invalid phone, invalid email)', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-field-errors');
    await page.goto(suite.server.url + '/customers/new');
    await see(page, '基本信息');
    await page.getByLabel('姓名/名称').fill('刘洋');
    await page.getByLabel('电话 1').fill('12345');
    await page.getByRole('button', { name: '添加电话' }).click();
    await page.getByLabel('电话 2').fill('13811112222');
    await page.getByLabel('邮箱').fill('liuyang@');
    await page.getByRole('button', { name: '保存' }).click();
    await see(formItem('电话 1'), '「电话 #1」不是有效的电话号码：12345');
    await see(formItem('邮箱'), '「邮箱」不是有效的邮箱地址');
    // The valid second number has no error of its own.
    expect(await formItem('电话 2').locator('.ant-form-item-explain-error').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/customers/new');
    await shots.take(page, 'field-errors');

    await page.getByLabel('电话 1').fill('13811113333');
    await page.getByLabel('邮箱').fill('liuyang@example.cn');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '客户已创建');
    await see(page, '138****3333，138****2222');
  });

  it('says so when someone else changed the customer meanwhile (409)', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-stale-edit');
    await page.goto(`${suite.server.url}/customers/${suite.ids.li}/edit`);
    await see(page, '编辑客户「李娜」');
    await suite.api.patch(`/api/v1/customers/${suite.ids.li}`, { version: 1, notes: '别人刚改过' });
    await page.getByLabel('来源').fill('营业厅');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '该客户已被他人修改（当前版本 2，你提交的是 1），请刷新后重试');
    await shots.take(page, 'conflict');
    await page.getByRole('button', { name: '重新加载最新数据' }).click();
    await page.getByTestId('conflict').waitFor({ state: 'detached' });
    expect(await page.locator('#notes').inputValue()).toBe('别人刚改过');
    expect(await page.getByLabel('来源').inputValue()).toBe('');
    await page.getByLabel('来源').fill('营业厅');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '修改已保存');
    await see(page, '营业厅');
  });

  it('shows text a user typed with HTML and script as text, running nothing', async () => {
    const page = suite.browser.page;
    const shots = new Shots('customer-html-as-text');
    const name = '<img src=x onerror=alert(1)>';
    const notes = '<script>alert(2)</script><b>粗体</b>';
    await page.goto(suite.server.url + '/customers/new');
    await see(page, '基本信息');
    await page.getByLabel('姓名/名称').fill(name);
    await page.getByLabel('小区').fill('<svg onload=alert(3)>');
    await page.locator('#notes').fill(notes);
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '客户已创建');
    expect(await page.getByTestId('customer-name').textContent()).toBe(name);
    await see(page, notes);
    await see(page, '<svg onload=alert(3)>');
    await page.goto(suite.server.url + '/customers?q=' + encodeURIComponent('<img'));
    await see(page, '共 1 位客户');
    expect(await customerNames(page)).toEqual([name]);
    await shots.take(page, 'list');
    expect(await page.locator('img[src="x"], svg[onload], b:text("粗体")').count()).toBe(0);
    expect(suite.browser.dialogs).toEqual([]);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

