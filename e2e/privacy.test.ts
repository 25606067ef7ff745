/**
 * 个人信息请求 in the browser (issue #18), on a small heating demo (300 households): the administrator opens the page
 * from the admin menu, registers a copy request for a demo household that has tickets (the customer found by name in
 * the picker, identity checked at the counter), sees its due date, moves it to 办理中, and downloads the household's
 * data: one ZIP whose entries are a JSON per module, the workbook and the manifest — the household's profile, its
 * tickets and its transactions inside.
 *
 * Then erasure (must-show): a deletion request for another household, in progress, is proposed by the administrator —
 * who cannot approve it — and approved by a second administrator after the confirmation; the customer page then shows
 * the anonymised record (已删除用户 #…, no phone), the old name nowhere on it.
 */
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { browserSuite, dialogHelpers, see, seedCompany, Shots, signIn, until, WAIT, type Api } from './harness.js';

type Household = { id: string; name: string; address: { compound: string | null } | null };

const suite = browserSuite<{ api: Api; household: Household; tickets: number }>(async ({ server }) => {
  const api = await seedCompany(server.url, '冰城热力（演示）');
  await api.post('/api/v1/demo', { size: 300, seed: 2 });
  await until(async () => (await api.get<{ status: string }>('/api/v1/demo')).status === 'done', 'the demo loaded', 180_000);
  // A demo household with tickets whose name no other household has (the picker finds it by name).
  const tickets = (await api.get<{ items: { customer: { id: string } | null }[] }>('/api/v1/tickets?limit=100')).items.flatMap((t) => (t.customer ? [t.customer.id] : []));
  for (const id of tickets) {
    const household = await api.get<Household>(`/api/v1/customers/${id}`);
    const same = await api.get<{ items: unknown[] }>(`/api/v1/customers?q=${encodeURIComponent(household.name)}&limit=5`);
    if (same.items.length === 1) return { api, household, tickets: tickets.filter((x) => x === household.id).length };
  }
  throw new Error('no demo household with tickets and a unique name');
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);

describe('personal-information requests', () => {
  it('registers a copy request for a demo household, handles it and downloads its data as one ZIP', async () => {
    const shots = new Shots('privacy');
    const h = suite.household;
    const page = await signIn(suite.browser, suite.server.url, '/');
    await page.locator('.ant-layout-sider').getByRole('menuitem', { name: '个人信息请求' }).click();
    // The demo's own two requests (desk.ts): one answered, one in progress.
    await see(page, '已答复');
    expect(new URL(page.url()).pathname).toBe('/privacy');

    await openDialog(page.getByTestId('privacy-new'));
    const form = dialog();
    await form.getByTestId('privacy-requester').fill(h.name);
    const picker = form.getByTestId('privacy-customer').locator('input');
    await picker.click();
    await picker.fill(h.name);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: h.name }).first().click();
    await form.getByTestId('privacy-method').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('查验身份证件', { exact: true }).click();
    await shots.take(page, 'new');
    await form.getByRole('button', { name: '保存' }).click();
    await closed();

    // The drawer of the new request: received, due in 15 working days, verified at the counter.
    const detail = page.getByTestId('privacy-detail');
    await detail.waitFor({ timeout: WAIT });
    await see(detail, '已收到');
    await see(detail, h.name);
    await see(detail, /查验身份证件（系统管理员/);
    type Item = { id: string; customerId: string; dueDay: string; number: number; status: string };
    const mine = (await suite.api.get<{ items: Item[] }>('/api/v1/privacy/requests?status=received')).items.filter((x) => x.customerId === h.id);
    expect(mine).toHaveLength(1);
    const created = mine[0]!;
    expect((await page.getByTestId('privacy-detail-due').textContent())?.slice(0, 10)).toBe(created.dueDay);

    // 办理 → 办理中.
    await openDialog(page.getByTestId('privacy-change'));
    await dialog().getByTestId('privacy-status').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('办理中', { exact: true }).click();
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await expect.poll(() => page.getByTestId('privacy-detail-status').textContent(), { timeout: WAIT }).toBe('办理中');
    await shots.take(page, 'handled');

    // 下载个人信息副本: one ZIP, a JSON per module, the workbook and the manifest, with this household's records.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-export').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^personal-data-${created.number}-\\d{4}-\\d{2}-\\d{2}\\.zip$`));
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const names = Object.keys(files);
    for (const m of ['customers', 'transactions', 'interactions', 'tickets', 'messages', 'feedback', 'surveys', 'loyalty', 'analytics', 'care', 'audit', 'privacy'])
      expect(names, m).toContain(`${m}.json`);
    expect(names).toContain('personal-data.xlsx');
    expect(names).toContain('manifest.json');
    const read = (name: string) => JSON.parse(strFromU8(files[name]!)) as { records: Record<string, { id?: string; customerId?: string }[]> };
    expect(read('customers.json').records.profile).toEqual([expect.objectContaining({ id: h.id, name: h.name })]);
    expect(read('tickets.json').records.tickets!.length).toBeGreaterThanOrEqual(suite.tickets);
    expect(read('tickets.json').records.tickets!.every((t) => t.customerId === h.id)).toBe(true);
    expect(read('transactions.json').records.transactions!.length).toBeGreaterThan(0);
    expect(read('transactions.json').records.transactions!.every((t) => t.customerId === h.id)).toBe(true);
    // The list shows it, in progress, with its due day.
    await page.getByTestId('privacy-detail').page().keyboard.press('Escape');
    await see(page, `#${created.number}`);
    await see(page, created.dueDay);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('erases a household: proposed by one administrator, approved by a second, the customer page anonymised', async () => {
    const shots = new Shots('privacy-erasure');
    const api = suite.api;
    // Another household with a unique name and a phone, and a deletion request about it, verified and in progress.
    const list = (await api.get<{ items: { id: string; name: string }[] }>('/api/v1/customers?limit=50')).items.filter((c) => c.id !== suite.household.id);
    let target: { id: string; name: string } | undefined;
    for (const c of list) if ((await api.get<{ items: unknown[] }>(`/api/v1/customers?q=${encodeURIComponent(c.name)}&limit=5`)).items.length === 1) (target ??= c);
    expect(target, 'a household with a unique name').toBeDefined();
    const body = { kind: 'deletion', requesterName: target!.name, customerId: target!.id, verification: { method: 'id_document' } };
    const request = await api.post<{ id: string; number: number }>('/api/v1/privacy/requests', body);
    await api.patch(`/api/v1/privacy/requests/${request.id}`, { status: 'in_progress' });
    await api.post('/api/v1/users', { username: 'admin2', displayName: '第二管理员', password: 'Passw0rd!', roleKey: 'admin', teamId: null });

    // The administrator proposes it (after the confirmation) and may not approve it. (A sign-in carrying an earlier
    // session's cookie is refused by the CSRF check: each sign-in here starts without cookies.)
    await suite.browser.context.clearCookies();
    const page = await signIn(suite.browser, suite.server.url, `/privacy?request=${request.id}`);
    const panel = page.getByTestId('erasure-panel');
    await panel.waitFor({ timeout: WAIT });
    await openDialog(panel.getByTestId('erasure-propose'));
    await see(dialog().locator('.ant-modal-confirm-content'), '另一位管理员批准后才执行');
    await dialog().getByTestId('erasure-confirm').click();
    await closed();
    await see(panel, /系统管理员 已于 .* 申请删除/);
    expect(await panel.getByTestId('erasure-approve').isDisabled()).toBe(true);
    await see(panel, '申请人不能自己批准');
    await shots.take(page, 'proposed');

    // The second administrator approves: one confirmation, one request (a double click on its button sends nothing twice).
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, suite.server.url, `/privacy?request=${request.id}`, 'admin2', 'Passw0rd!');
    await panel.waitFor({ timeout: WAIT });
    await openDialog(panel.getByTestId('erasure-approve'));
    await see(dialog().locator('.ant-modal-confirm-content'), '删除后无法恢复');
    await dialog().getByTestId('erasure-confirm').dblclick();
    await closed();
    await panel.getByTestId('erasure-executed').waitFor({ timeout: WAIT });
    await see(panel, /系统管理员 申请，第二管理员 批准/);
    await expect.poll(() => page.getByTestId('privacy-detail-status').textContent(), { timeout: WAIT }).toBe('已答复');
    await shots.take(page, 'executed');
    const audit = await api.get<{ items: { action: string }[] }>(`/api/v1/audit?entityType=privacy_request&entityId=${request.id}`).catch(() => null);
    if (audit) expect(audit.items.filter((e) => e.action === 'privacy_erasure')).toHaveLength(1);

    // The customer page: the pseudonym, no phone, the old name nowhere.
    await page.goto(`${suite.server.url}/customers/${target!.id}`);
    await see(page, `已删除用户 #${target!.id.replace(/-/g, '').slice(0, 8)}`);
    await see(page, '已删除');
    expect(await page.getByText(target!.name, { exact: false }).count()).toBe(0);
    await shots.take(page, 'customer');
    expect(suite.browser.pageErrors).toEqual([]);
    await suite.browser.context.clearCookies(); // the next test signs in afresh
  });

  it('records a withdrawal on the 360 page and shows it in the consent history; runs a retention dry run on screen (同意记录, 数据保留)', async () => {
    const shots = new Shots('privacy-consent');
    const h = suite.household;
    const page = await signIn(suite.browser, suite.server.url, `/customers/${h.id}`);
    await page.getByRole('tab', { name: '同意记录' }).click();
    const tab = page.getByTestId('customer-consent');
    await tab.waitFor({ timeout: WAIT });
    const before = await tab.getByTestId('consent-entry').count();
    await openDialog(tab.getByTestId('consent-record'));
    const form = dialog();
    await form.getByTestId('consent-channel').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('短信', { exact: true }).click();
    await form.getByTestId('consent-purpose').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('营销推广', { exact: true }).click();
    await form.getByRole('radio', { name: '撤回' }).check();
    await form.getByTestId('consent-note').fill('电话中口头撤回营销短信');
    await shots.take(page, 'record');
    await form.getByRole('button', { name: '保存' }).click();
    await closed();
    // The history has it on top, with its source and who recorded it; the state says no marketing by SMS, service still on.
    await expect.poll(() => tab.getByTestId('consent-entry').count(), { timeout: WAIT }).toBe(before + 1);
    const top = tab.getByTestId('consent-entry').first();
    await see(top, '坐席登记');
    await see(top, '电话中口头撤回营销短信');
    await see(top, '登记人 系统管理员');
    await expect.poll(() => tab.getByTestId('consent-state-sms-marketing').getAttribute('data-granted'), { timeout: WAIT }).toBe('false');
    const ledger = await suite.api.get<{ items: { source: string; action: string; channel: string; purpose: string }[] }>(`/api/v1/customers/${h.id}/consent`);
    expect(ledger.items[0]).toMatchObject({ source: 'agent', action: 'withdraw', channel: 'sms', purpose: 'marketing' });
    await shots.take(page, 'history');

    // 数据保留: a policy turned on, a dry run started from the page, its report on screen, nothing applied.
    await page.locator('.ant-layout-sider').getByRole('menuitem', { name: '数据保留与同意文本' }).click();
    await page.getByTestId('retention-page').waitFor({ timeout: WAIT });
    await page.getByTestId('retention-enabled-outbox_messages').click();
    await page.getByTestId('retention-save').click();
    await see(page, '保留策略已保存');
    await page.getByTestId('retention-dry-run').click();
    const run = page.locator('[data-testid="retention-run"][data-mode="dry_run"]').first();
    await expect.poll(() => run.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    await see(run, /发件箱消息：\d+ 条/);
    await run.getByTestId('retention-apply').waitFor({ timeout: WAIT });
    const runs = await suite.api.get<{ items: { mode: string; status: string; report: { outbox_messages?: { count: number } } }[] }>('/api/v1/privacy/retention/runs');
    expect(runs.items[0]).toMatchObject({ mode: 'dry_run', status: 'done' });
    await see(run, `发件箱消息：${runs.items[0]!.report.outbox_messages!.count} 条`);
    await shots.take(page, 'retention');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
