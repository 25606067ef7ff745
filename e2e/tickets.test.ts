/**
 * Tickets in the browser. At phone width a household reports 暖气不热 on the public page (no sign-in) → at desktop
 * width it is in the agent's queue with its 24-hour SLA clock → the agent replies with a suggested knowledge-base
 * article (插入回复) → resolves it → the household rates it on the follow page → the rating shows on the ticket and on
 * the customer's 360 page. And: text a customer typed (HTML, script) is shown as text; no script runs.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, DESKTOP, PHONE, see, seedCompany, Shots, signIn, WAIT, dialogHelpers } from './harness.js';

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const customer = await api.post<{ id: string }>('/api/v1/customers', {
    name: '李秀英',
    phones: ['13900004444'],
    consent: { sms: true },
    address: { city: '哈尔滨市', compound: '幸福家园', building: '3', unit: '2', room: '301' },
  });
  await api.patch('/api/v1/message-settings', { quietHours: { channels: [] } });
  await api.post('/api/v1/kb/articles', {
    title: '暖气不热的排查方法',
    summary: '暖气不热时先排气、检查阀门',
    body: '您好，暖气不热多为暖气片内有空气：请先打开排气阀排气，再确认进水阀门全开。若仍不热，我们将安排师傅上门。',
    bodyFormat: 'text',
    tags: ['暖气不热'],
    status: 'published',
  });
  return { api, customerId: customer.id };
});

const { dialog, openDialog } = dialogHelpers(() => suite.browser.page);

describe('tickets', () => {
  it('a household reports 暖气不热 on the phone; the agent answers from the knowledge base and resolves; the household rates it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('tickets');

    // At phone width, signed out: the public report page.
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}/s/report`);
    await see(page, '报修 / 投诉');
    await page.getByLabel('您的姓名').fill('李秀英');
    await page.getByLabel('手机号').fill('139 0000 4444');
    await page.getByLabel('地址（小区、楼栋、单元、房号）').fill('幸福家园 3-2-301');
    const category = page.getByRole('combobox', { name: '问题分类' });
    await category.selectOption({ label: '暖气不热' });
    await page.getByLabel('问题描述').fill('卧室暖气片冰凉，室温只有 15 度。');
    await shots.take(page, 'report-phone');
    await page.getByTestId('report-submit').click();
    const done = await see(page, /已提交，工单号 #\d+/);
    const number = Number((await done.textContent())!.match(/#(\d+)/)![1]);
    await shots.take(page, 'reported');
    await page.getByTestId('follow-link').click();
    await page.getByTestId('follow-page').waitFor();
    const followUrl = page.url();
    expect(followUrl).toMatch(/\/s\/t\/[A-Za-z0-9_-]{43}$/);
    await see(page, '暂无回复，我们会尽快处理');

    // At desktop width, the agent's queue: the ticket with its 24-hour clock (a complaint: answered within 24 h).
    await page.setViewportSize(DESKTOP);
    await signIn(suite.browser, suite.server.url, '/tickets');
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.getByTestId('ticket-title').textContent()).toBe('暖气不热');
    await expect.poll(() => row.getByTestId('sla-clock').textContent(), { timeout: WAIT }).toMatch(/^剩余 2[34] 小时/);
    const listed = await suite.api.get<{ items: { id: string; number: number; sla: { firstResponseDueAt: string } | null; createdAt: string }[] }>(
      `/api/v1/tickets?customerId=${suite.customerId}`,
    );
    const ticket = listed.items.find((x) => x.number === number)!;
    expect(Date.parse(ticket.sla!.firstResponseDueAt) - Date.parse(ticket.createdAt)).toBe(24 * 3600_000);
    await shots.take(page, 'queue');

    // The ticket: linked to 李秀英 by her phone; the knowledge base suggests the article; 插入回复 fills the reply.
    await row.getByTestId('ticket-title').click();
    await page.getByTestId('ticket-page').waitFor();
    expect(await page.getByTestId('ticket-customer').textContent()).toBe('李秀英');
    const suggestion = page.getByTestId('kb-suggestion').filter({ hasText: '暖气不热的排查方法' });
    await suggestion.waitFor({ timeout: WAIT });
    await suggestion.getByRole('button', { name: '插入回复' }).click();
    await expect.poll(() => page.getByTestId('ticket-compose').inputValue()).toContain('请先打开排气阀排气');
    await page.getByTestId('ticket-send').click();
    const reply = page.getByTestId('ticket-reply').filter({ hasText: '请先打开排气阀排气' });
    await reply.waitFor();
    await see(reply, /已进入发送队列|已发送/);
    await shots.take(page, 'replied');

    // Resolve: root cause, solution; the household is told through the outbox with the rating link.
    await openDialog(page.getByTestId('ticket-resolve'));
    const cause = dialog().getByRole('combobox', { name: '根本原因' });
    await cause.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor({ state: 'visible', timeout: WAIT });
    await cause.press('Enter');
    await dialog().getByTestId('resolve-solution').fill('师傅上门为暖气片排气并调整阀门，室温恢复到 20 度。');
    await dialog().getByRole('button', { name: '解决' }).click();
    await page.locator('[data-testid="ticket-status"][data-status="resolved"]').first().waitFor();
    await shots.take(page, 'resolved');

    // Back on the phone: the household sees the replies and the outcome, and rates 5 stars.
    await page.setViewportSize(PHONE);
    await page.goto(followUrl);
    await page.locator('[data-testid="follow-page"][data-status="resolved"]').waitFor();
    await see(page, '请先打开排气阀排气', WAIT);
    await see(page, '室温恢复到 20 度');
    await page.getByTestId('rate-stars').locator('li').nth(4).click();
    await page.getByTestId('rate-comment').fill('师傅来得很快，谢谢！');
    await shots.take(page, 'rate-phone');
    await page.getByTestId('rate-submit').click();
    await see(page, '感谢您的评价');

    // The rating on the ticket and on the customer's 360 page (工单 tab).
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets/${ticket.id}`);
    await page.locator('[data-testid="ticket-rating"][data-rating="5"]').waitFor();
    await see(page, '师傅来得很快，谢谢！');
    await page.goto(`${suite.server.url}/customers/${suite.customerId}`);
    await page.getByRole('tab', { name: '工单' }).click();
    const onCustomer = page.locator(`[data-testid="customer-ticket"][data-number="${number}"]`);
    await onCustomer.waitFor();
    await onCustomer.locator('[data-testid="ticket-rating"][data-rating="5"]').waitFor();
    await shots.take(page, 'customer-360');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('工单设置: the heating categories are there; an administrator adds a root cause, renames a category, edits a rule', async () => {
    const page = suite.browser.page;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/admin/ticket-settings`);
    await page.getByTestId('ticket-settings').waitFor();
    for (const name of ['室温不达标', '暖气不热', '漏水', '缴费问题', '服务态度', '其他']) await see(page, name);
    await page.getByRole('tab', { name: '根本原因' }).click();
    const panel = page.getByTestId('root-causes');
    await panel.getByPlaceholder('中文名称').fill('换热站故障');
    await panel.getByPlaceholder('英文名称').fill('Substation fault');
    await panel.getByRole('button', { name: '添加' }).click();
    await see(panel, 'Substation fault');
    const causes = await suite.api.get<{ items: { nameZh: string }[] }>('/api/v1/ticket-root-causes');
    expect(causes.items.map((c) => c.nameZh)).toContain('换热站故障');

    // Renaming a category.
    await page.getByRole('tab', { name: '分类' }).click();
    const other = page.locator('.ant-table-row').filter({ hasText: '其他' });
    await openDialog(other.getByTestId('category-edit'));
    await dialog().getByLabel('中文名称').fill('其他问题');
    await dialog().getByLabel('英文名称').fill('Other issues');
    await dialog().getByRole('button', { name: '确定' }).click();
    await dialog().waitFor({ state: 'hidden' });
    await see(page, 'Other issues');
    const cats = await suite.api.get<{ items: { nameZh: string; nameEn: string }[] }>('/api/v1/ticket-categories');
    expect(cats.items.find((c) => c.nameZh === '其他问题')).toMatchObject({ nameEn: 'Other issues' });

    // Editing an assignment rule: its name and a condition.
    await suite.api.post('/api/v1/ticket-assignment-rules', { name: '幸福家园片区', compound: '幸福家园', target: 'owner', active: false });
    await page.getByRole('tab', { name: '分派规则' }).click();
    const rule = page.locator('.ant-table-row').filter({ hasText: '幸福家园片区' });
    await openDialog(rule.getByTestId('rule-edit'));
    expect(await dialog().getByLabel('小区为').inputValue()).toBe('幸福家园');
    await dialog().getByLabel('规则名称').fill('阳光小区片区');
    await dialog().getByLabel('小区为').fill('阳光小区');
    await dialog().getByRole('button', { name: '确定' }).click();
    await dialog().waitFor({ state: 'hidden' });
    await see(page, '小区为 阳光小区');
    const rules = await suite.api.get<{ items: { name: string; compound: string | null; target: string; active: boolean }[] }>('/api/v1/ticket-assignment-rules');
    expect(rules.items).toEqual([expect.objectContaining({ name: '阳光小区片区', compound: '阳光小区', target: 'owner', active: false })]);
  });

  it('the household adds a message on the follow page (the agent sees it as the customer\'s message), and reopens the resolved ticket', async () => {
    const page = suite.browser.page;
    const res = await fetch(`${suite.server.url}/api/v1/public/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '赵敏', phone: '13700005678', description: '厨房暖气漏水' }),
    });
    expect(res.status).toBe(201);
    const { followUrl, number } = (await res.json()) as { followUrl: string; number: number };
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}${followUrl}`);
    await page.getByTestId('follow-page').waitFor();
    const text = '<b>补充</b>：漏水点在阀门下面';
    await page.getByTestId('follow-reply-text').fill(text);
    await page.getByTestId('follow-reply-submit').click();
    const mine = page.locator('[data-testid="follow-reply"][data-from="customer"]');
    await mine.waitFor();
    expect(await mine.getByTestId('follow-reply-body').textContent()).toBe(text);

    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets`);
    await page.locator(`[data-testid="ticket-row"][data-number="${number}"]`).getByTestId('ticket-title').click();
    const message = page.getByTestId('ticket-customer-reply');
    await message.waitFor();
    await see(message, '客户留言');
    expect(await message.locator('.ant-typography').last().textContent()).toBe(text);
    expect(await message.locator('b').count()).toBe(0);

    // Resolved: the household is not satisfied and reopens it from the follow page with a reason.
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const causes = await suite.api.get<{ items: { id: string }[] }>('/api/v1/ticket-root-causes');
    await suite.api.post(`/api/v1/tickets/${id}/resolve`, { rootCauseId: causes.items[0]!.id, solution: '更换了阀门垫片', returnVisitDays: 0 });
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}${followUrl}`);
    await page.locator('[data-testid="follow-page"][data-status="resolved"]').waitFor();
    await page.getByTestId('follow-reopen-text').fill('还在滴水');
    await page.getByTestId('follow-reopen-submit').click();
    await page.locator('[data-testid="follow-page"][data-status="in_progress"]').waitFor();
    const after = await suite.api.get<{ status: string; reopenCount: number }>(`/api/v1/tickets/${id}`);
    expect(after).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('text a customer typed is shown as text: no script runs in the agent UI', async () => {
    const page = suite.browser.page;
    const payload = '<img src=x onerror=window.__xss=1><script>window.__xss=2</script>';
    const res = await fetch(`${suite.server.url}/api/v1/public/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '<b onmouseover=window.__xss=3>王</b>', phone: '13700001234', description: payload, title: '<img src=x onerror=window.__xss=4>' }),
    });
    expect(res.status).toBe(201);
    const { number } = (await res.json()) as { number: number };
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets`);
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.getByTestId('ticket-title').textContent()).toBe('<img src=x onerror=window.__xss=4>');
    await row.getByTestId('ticket-title').click();
    await page.getByTestId('ticket-description').waitFor();
    expect(await page.getByTestId('ticket-description').textContent()).toBe(payload);
    expect(await page.getByTestId('ticket-contact').textContent()).toContain('<b onmouseover=window.__xss=3>王</b>');
    await page.getByTestId('ticket-contact').hover();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('[data-testid="ticket-description"] img, [data-testid="ticket-description"] script').count()).toBe(0);
  });
  it('the queue pages by keyset: 共 N 个工单, 下一页 shows the older tickets, 上一页 goes back', async () => {
    const page = suite.browser.page;
    for (let i = 0; i < 53; i++) await suite.api.post('/api/v1/tickets', { title: `翻页工单 ${i}`, type: 'inquiry' });
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets`);
    await page.getByTestId('ticket-queue').waitFor();
    await page.getByPlaceholder('工单号、标题、客户').fill('翻页工单');
    await page.getByPlaceholder('工单号、标题、客户').press('Enter');
    const rows = page.locator('[data-testid="ticket-row"]');
    const titles = () => rows.getByTestId('ticket-title').allTextContents();
    await expect.poll(titles, { timeout: WAIT }).toEqual(Array.from({ length: 50 }, (_, i) => `翻页工单 ${52 - i}`));
    await see(page.getByTestId('ticket-total'), '共 53 个工单');
    await see(page, '第 1 页');
    expect(await page.getByTestId('ticket-prev').isDisabled()).toBe(true);

    await page.getByTestId('ticket-next').click();
    await expect.poll(titles, { timeout: WAIT }).toEqual(['翻页工单 2', '翻页工单 1', '翻页工单 0']);
    await see(page, '第 2 页');
    await see(page.getByTestId('ticket-total'), '共 53 个工单');
    expect(await page.getByTestId('ticket-next').isDisabled()).toBe(true);

    await page.getByTestId('ticket-prev').click();
    await expect.poll(titles, { timeout: WAIT }).toEqual(Array.from({ length: 50 }, (_, i) => `翻页工单 ${52 - i}`));
    await see(page, '第 1 页');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('重新打开 and 合并到… are form dialogs: 确定 waits for text, the reason reopens, an unknown number is told under the field, a known one merges after the confirmation', async () => {
    const page = suite.browser.page;
    const made = await suite.api.post<{ id: string }>('/api/v1/tickets', { title: '阀门关不严', type: 'repair' });
    const causes = await suite.api.get<{ items: { id: string }[] }>('/api/v1/ticket-root-causes');
    await suite.api.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId: causes.items[0]!.id, solution: '更换了阀门', returnVisitDays: 0 });
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets/${made.id}`);
    await page.locator('[data-testid="ticket-status"][data-status="resolved"]').first().waitFor();

    await openDialog(page.getByRole('button', { name: '重新打开' }));
    const ok = dialog().getByRole('button', { name: /确\s*定/ });
    expect(await ok.isDisabled()).toBe(true);
    await dialog().getByLabel('重新打开的原因').fill('   ');
    expect(await ok.isDisabled()).toBe(true);
    await dialog().getByLabel('重新打开的原因').fill('还是不热');
    await ok.click();
    await dialog().waitFor({ state: 'detached' });
    await page.locator('[data-testid="ticket-status"][data-status="in_progress"]').first().waitFor();
    const after = await suite.api.get<{ status: string; reopenCount: number; events: { kind: string; body: string | null }[] }>(`/api/v1/tickets/${made.id}`);
    expect(after).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(after.events.filter((e) => e.kind === 'reopened').map((e) => e.body)).toEqual(['还是不热']);

    await openDialog(page.getByRole('button', { name: '合并到…' }));
    await see(dialog(), '本工单将关闭，备注和回复移到目标工单');
    await dialog().getByLabel('目标工单号').fill('#99999');
    await dialog().getByRole('button', { name: /确\s*定/ }).click();
    await see(dialog().locator('.ant-form-item-explain-error'), '找不到工单 #99999');
    expect((await suite.api.get<{ mergedIntoId: string | null }>(`/api/v1/tickets/${made.id}`)).mergedIntoId).toBeNull();

    // A known number: the confirmation merges, and the surviving ticket is shown.
    const into = await suite.api.post<{ id: string; number: number }>('/api/v1/tickets', { title: '同一户的阀门', type: 'repair' });
    await dialog().getByLabel('目标工单号').fill(`#${into.number}`);
    await dialog().getByRole('button', { name: /确\s*定/ }).click();
    const confirm = page.locator('.ant-modal-confirm:visible');
    await see(confirm.locator('.ant-modal-confirm-title'), '本工单将关闭，备注和回复移到目标工单');
    await confirm.getByRole('button', { name: /确\s*定/ }).click();
    await page.waitForURL(`**/tickets/${into.id}`);
    await see(page.getByTestId('ticket-page-title'), '同一户的阀门');
    await expect.poll(() => page.locator('.ant-modal-wrap:visible').count()).toBe(0);
    expect(await suite.api.get<{ status: string; mergedIntoId: string | null }>(`/api/v1/tickets/${made.id}`)).toMatchObject({ status: 'closed', mergedIntoId: into.id });
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
