/**
 * 个人信息请求 in the browser (issue #18), on a small heating demo (300 households): the administrator opens the page
 * from the admin menu, registers a copy request for a demo household that has tickets (the customer found by name in
 * the picker, identity checked at the counter), sees its due date, moves it to 办理中, and downloads the household's
 * data: one ZIP whose entries are a JSON per module, the workbook and the manifest — the household's profile, its
 * tickets and its transactions inside.
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
});
