/**
 * Messages in the browser: an administrator writes a 消息模板 with variables and previews it with a real customer
 * picked by search; from the customer page 发送消息 sends it (log-only adapter, the default: nothing leaves the
 * machine); the background job marks it 已发送, and it shows on the customer's timeline and on 消息发送记录.
 * One server and one browser for the file; whatever is not under test is seeded through the API.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, pick, see, seedCompany, Shots, signIn, WAIT, dialogHelpers } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customer = await api.post<{ id: string }>('/api/v1/customers', {
    name: '刘晓燕',
    phones: ['13812340000'],
    email: 'liu.xiaoyan@example.com',
    consent: { sms: true, email: true },
    address: { city: '哈尔滨市', compound: '幸福家园' },
  });
  // Quiet hours would hold an SMS in the evening (Shanghai time); the test must not depend on when it runs.
  await api.patch('/api/v1/message-settings', { quietHours: { channels: [] } });
  await signIn(browser, server.url, '/customers');
  return { api, customerId: customer.id };
});

const { dialog, openDialog } = dialogHelpers(() => suite.browser.page);

const TEXT = '刘晓燕您好，示例供热有限公司提醒您：本供暖季已开始，请按时缴费。';

describe('messages', () => {
  it('creates a template, previews it with a customer, sends it from the customer page; sent on the timeline and the outbox', async () => {
    const page = suite.browser.page;
    const shots = new Shots('messages');

    // 消息模板: a new SMS template with variables.
    await page.goto(`${suite.server.url}/admin/message-templates`);
    await see(page, '还没有消息模板');
    await openDialog(page.getByRole('button', { name: '新建模板' }));
    await dialog().getByLabel('模板名称').fill('供暖季缴费提醒');
    await dialog().getByLabel('正文（中文）').fill('{{name}}您好，');
    // A variable chip inserts itself into the text.
    await dialog().getByTestId('variable-hints').getByText('{{company}}').click();
    expect(await dialog().getByLabel('正文（中文）').inputValue()).toBe('{{name}}您好，{{company}}');
    await dialog().getByLabel('正文（中文）').fill('{{name}}您好，{{company}}提醒您：本供暖季已开始，请按时缴费。');
    await shots.take(page, 'template-form');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(page, '模板已创建');

    // The preview opens: pick 刘晓燕 by searching her name.
    const picker = dialog().getByRole('combobox', { name: '选择一位客户预览（输入姓名或电话搜索）' });
    await picker.click();
    await picker.fill('刘晓燕');
    // Choose the searched option with the keyboard once it is listed: a click can land while the dialog's
    // dropdown is still moving (a flake seen in CI, with the modal's wrapper intercepting the pointer).
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '刘晓燕' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await picker.press('Enter');
    await expect.poll(() => dialog().getByTestId('preview-body').textContent(), { timeout: WAIT }).toBe(TEXT);
    expect(await dialog().getByTestId('message-preview').textContent()).toContain('138****0000');
    await shots.take(page, 'preview');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await see(page, '供暖季缴费提醒');

    // 发送消息 on the customer page.
    await page.goto(`${suite.server.url}/customers/${suite.customerId}`);
    await see(page, '刘晓燕');
    await openDialog(page.getByRole('button', { name: '发送消息' }));
    await pick(page, dialog().getByLabel('消息模板'), '供暖季缴费提醒（短信）');
    await expect.poll(() => dialog().getByTestId('preview-body').textContent(), { timeout: WAIT }).toBe(TEXT);
    await shots.take(page, 'send');
    await dialog().getByRole('button', { name: '发送' }).click();
    await see(page, '消息已进入发送队列');

    // The 消息 tab: sent by the background job (log only).
    const item = page.getByTestId('customer-message').first();
    await expect.poll(() => item.getByTestId('message-status').textContent(), { timeout: WAIT }).toBe('已发送');
    expect(await item.textContent()).toContain(`${TEXT} 回TD退订`);
    await shots.take(page, 'messages-tab');

    // On the timeline, on top.
    await page.getByRole('tab', { name: '时间线' }).click();
    const top = page.getByTestId('timeline-item').first();
    await expect.poll(() => top.getByTestId('timeline-title').textContent(), { timeout: WAIT }).toBe('发送短信');
    expect(await top.getByTestId('timeline-summary').textContent()).toContain(TEXT);
    await shots.take(page, 'timeline');

    // 消息发送记录 for administrators.
    await page.goto(`${suite.server.url}/admin/outbox`);
    const row = page.getByTestId('outbox-row').filter({ hasText: '刘晓燕' }).first();
    await row.waitFor();
    expect(await row.getByTestId('message-status').textContent()).toBe('已发送');
    expect(await row.textContent()).toContain('138****0000');
    await shots.take(page, 'outbox');
  });

  it('an administrator changes the channel settings; secrets are not shown back', async () => {
    const page = suite.browser.page;
    const shots = new Shots('message-settings');
    await page.goto(`${suite.server.url}/admin/message-settings`);
    await see(page, '未配置的渠道使用');
    await page.getByLabel('每位客户每周最多（营销与关怀消息）').fill('5');
    await page.getByLabel('上行回调密钥').fill('inbound-key-e2e');
    await shots.take(page, 'form');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '已保存');
    const saved = await suite.api.get<{ weeklyCap: number; sms: Record<string, unknown> }>('/api/v1/message-settings');
    expect(saved.weeklyCap).toBe(5);
    expect(saved.sms.inboundKeySet).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('inbound-key-e2e');
    expect(await page.getByLabel('上行回调密钥').inputValue()).toBe('');
    await see(page, '已设置（留空则不修改）');
  });

  it('the unsubscribe link in an email opens a public page, under the company name, logo and hotline, that withdraws email consent', async () => {
    const page = suite.browser.page;
    const shots = new Shots('unsubscribe');
    // The company's branding, as on its other public pages (a 1×1 PNG for the logo).
    await suite.api.patch('/api/v1/settings', { hotline: '0451-96666' });
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await suite.api.request('PUT', '/api/v1/settings/logo', { dataUrl: `data:image/png;base64,${png}` });
    const sent = await suite.api.post<{ id: string; body: string }>(`/api/v1/customers/${suite.customerId}/messages`, {
      channel: 'email',
      subject: '供暖通知',
      body: '{{name}}您好，供暖季已开始。',
    });
    const link = /https?:\/\/\S+\/unsubscribe\/[\w-]+\.[\w-]+/.exec(sent.body)![0];
    // Signed out: the page needs no sign-in.
    await page.context().clearCookies();
    const asked: string[] = [];
    const onRequest = (r: { url: () => string }) => void asked.push(new URL(r.url()).pathname);
    page.on('request', onRequest);
    await page.goto(`${suite.server.url}${new URL(link).pathname}`);
    await see(page, '不再接收 示例供热有限公司 的邮件？');
    const brand = page.getByTestId('branding');
    await see(brand, '示例供热有限公司');
    await see(brand, '服务热线 0451-96666');
    expect(await brand.locator('a').getAttribute('href')).toBe('tel:045196666');
    await expect.poll(() => brand.locator('img').evaluate((img: { naturalWidth: number }) => img.naturalWidth), { timeout: WAIT }).toBe(1);
    await shots.take(page, 'question');
    await page.getByRole('button', { name: '确认退订' }).click();
    await page.getByTestId('unsubscribed').waitFor();
    expect(await page.getByTestId('unsubscribed').textContent()).toContain('已退订');
    await see(brand, '服务热线 0451-96666');
    await shots.take(page, 'done');
    // A household's page asks for no session: no /auth/me (and so no 401 in its console).
    page.off('request', onRequest);
    expect(asked).toContain('/api/v1/public/branding');
    expect(asked.filter((p) => p.startsWith('/api/v1/auth'))).toEqual([]);
    const customer = await suite.api.get<{ consent: Record<string, boolean> }>(`/api/v1/customers/${suite.customerId}`);
    expect(customer.consent).toMatchObject({ email: false, sms: true });
  });
});
