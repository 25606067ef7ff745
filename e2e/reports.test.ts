/**
 * 报表中心 in the browser (issue #17): three complaints this month. A manager opens 报表中心 from the menu, picks 月报 and
 * this month, and sees the service report's title and its 投诉量 this month and last as the API computes them; the
 * 导出 PDF link carries the same query and serves a PDF; printing leaves out the menu and the controls. At phone width
 * the page does not scroll sideways (the wide tables scroll inside their cards).
 * 订阅: the manager subscribes two addresses to the monthly service report; 订阅管理 lists it, its 发送记录 is empty
 * (the reports clock sends the first one within ten minutes: not waited for here), and switching 启用 off is saved.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Api, browserSuite, dialogHelpers, launchBrowser, PHONE, see, seedCompany, Shots, signIn, until } from './harness.js';

const MANAGER = { username: 'jingli', password: 'Jingli1234', displayName: '服务部王经理', roleKey: 'manager' };

type Figure = { key: string; label: string; value: number | null; previous: number | null };
type Subscription = { id: string; kind: string; cadence: string; format: string; recipients: string[]; owner: { name: string }; active: boolean };
type Doc = { title: string; period: { start: string; label: string }; sections: { figures: Figure[] }[] };

/** Today in the company's time zone (Asia/Shanghai), as the server counts months. */
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const MONTH = TODAY.slice(0, 7);
const QUERY = `cadence=month&date=${MONTH}-01`;

const suite = browserSuite<{ api: Api }>(async ({ server, browser }) => {
  const admin = await seedCompany(server.url);
  await admin.post('/api/v1/users', MANAGER);
  const customer = await admin.post<{ id: string }>('/api/v1/customers', { name: '王秀英', address: { city: '哈尔滨市', compound: '幸福家园', room: '302' } });
  for (const title of ['暖气不热', '维修人员迟到', '收费有误']) await admin.post('/api/v1/tickets', { title, type: 'complaint', customerId: customer.id });
  await signIn(browser, server.url, '/', MANAGER.username, MANAGER.password);
  return { api: await new Api(server.url).login(MANAGER.username, MANAGER.password) };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const complaints = (doc: Doc) => doc.sections.flatMap((s) => s.figures).find((f) => f.key === 'tickets.complaints')!;
const noSideScroll = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

describe('reports', () => {
  it("a manager opens this month's service report, sees the API's figures, downloads the PDF and prints without the menu", async () => {
    const page = suite.browser.page;
    const shots = new Shots('reports');
    await page.getByRole('menuitem', { name: '报表中心' }).click();
    await until(async () => new URL(page.url()).pathname === '/reports', 'the reports page');
    await page.getByTestId('report-title').waitFor();

    // 月报, then this month in the picker.
    await page.getByTestId('report-cadence').getByText('月报', { exact: true }).click();
    await page.getByTestId('report-period').click();
    await page.locator(`.ant-picker-dropdown:visible .ant-picker-cell[title="${MONTH}"]`).click();

    const doc = await suite.api.get<Doc>(`/api/v1/reports/service?cadence=month&date=${TODAY}`);
    expect(doc.period.start).toBe(`${MONTH}-01`);
    expect(complaints(doc)).toMatchObject({ label: '投诉量', value: 3 });
    const title = page.getByTestId('report-title');
    await until(async () => (await title.textContent()) === doc.title, `the title ${doc.title}`);
    expect(doc.title).toContain('服务报表');
    await see(page.getByTestId('report-periods'), doc.period.label);
    const row = page.getByTestId('report-figure-tickets.complaints');
    expect(await row.getByTestId('report-label').textContent()).toBe('投诉量');
    expect(await row.getByTestId('report-value').textContent()).toBe(String(complaints(doc).value));
    expect(await row.getByTestId('report-previous').textContent()).toBe(complaints(doc).previous === null ? '—' : String(complaints(doc).previous));
    await shots.take(page, 'month');

    // 导出 PDF: the same query, and a PDF behind it.
    const href = await page.getByRole('link', { name: '导出 PDF' }).getAttribute('href');
    expect(href).toBe(`/api/v1/reports/service/export.pdf?${QUERY}`);
    expect(await page.getByRole('link', { name: '导出 Excel' }).getAttribute('href')).toBe(`/api/v1/reports/service/export.xlsx?${QUERY}`);
    const pdf = await page.context().request.get(suite.server.url + href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/^application\/pdf/);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 PDF' }).click()]);
    expect(file.suggestedFilename()).toBe(`report-service-${MONTH}-01.pdf`);

    // Printing: the document without the menu, the header and the buttons.
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.getByRole('menuitem', { name: '报表中心' }).isVisible()).toBe(false);
      expect(await page.getByTestId('company-name').isVisible()).toBe(false);
      expect(await page.getByRole('link', { name: '导出 PDF' }).isVisible()).toBe(false);
      expect(await title.isVisible()).toBe(true);
      expect(await row.getByTestId('report-value').isVisible()).toBe(true);
      await shots.take(page, 'print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(await page.getByRole('menuitem', { name: '报表中心' }).isVisible()).toBe(true);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('the manager subscribes two addresses to the monthly service report, sees it in 订阅管理 with no sends yet, and pauses it', async () => {
    const page = suite.browser.page;
    const shots = new Shots('reports-subscribe');
    const recipients = ['wang.jingli@example.com', 'kefu@example.com'];
    await page.goto(`${suite.server.url}/reports?kind=service&cadence=month`);
    await page.getByTestId('report-title').waitFor();
    await see(page.getByTestId('report-subscriptions-empty'), '还没有订阅报表');

    await openDialog(page.getByTestId('report-subscribe'));
    await see(dialog(), '订阅服务报表（月报）');
    await dialog().getByText('两者', { exact: true }).click();
    const input = dialog().getByLabel('收件人');
    await input.click();
    await input.pressSequentially(`${recipients[0]}，${recipients[1]}`);
    await input.press('Enter');
    await shots.take(page, 'dialog');
    await dialog().getByRole('button', { name: '订阅', exact: true }).click();
    await closed();

    // 订阅管理: the report, the attachments, both addresses and the owner; the API has the same.
    const item = page.getByTestId('report-subscription').filter({ hasText: '服务报表 · 月报' });
    await item.waitFor();
    expect(await item.getByTestId('report-subscription-recipient').allTextContents()).toEqual(recipients);
    expect(await item.getByTestId('report-subscription-format').textContent()).toBe('附件 PDF + Excel');
    await see(item.getByTestId('report-subscription-owner'), MANAGER.displayName);
    const [sub] = (await suite.api.get<{ items: Subscription[] }>('/api/v1/reports/subscriptions')).items;
    expect(sub).toMatchObject({ kind: 'service', cadence: 'month', format: 'both', recipients, owner: { name: MANAGER.displayName }, active: true });

    // 发送记录: nothing sent yet (the clock's first run is ten minutes off).
    await item.getByTestId('report-subscription-history').click();
    const drawer = page.getByTestId('report-deliveries');
    await see(drawer, '还没有发送记录');
    expect((await suite.api.get<{ items: unknown[] }>(`/api/v1/reports/subscriptions/${sub!.id}/deliveries`)).items).toEqual([]);
    await shots.take(page, 'history');
    await page.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'detached' });

    // 启用 off: saved.
    const active = item.getByRole('switch', { name: '启用' });
    expect(await active.getAttribute('aria-checked')).toBe('true');
    await active.click();
    await see(page, '已暂停订阅');
    expect(await active.getAttribute('aria-checked')).toBe('false');
    const after = (await suite.api.get<{ items: Subscription[] }>('/api/v1/reports/subscriptions')).items.find((s) => s.id === sub!.id);
    expect(after).toMatchObject({ active: false, recipients });
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('at phone width the report does not scroll sideways', async () => {
    const b = await launchBrowser(PHONE);
    try {
      const page = await signIn(b, suite.server.url, `/reports?kind=service&${QUERY}`, MANAGER.username, MANAGER.password);
      const doc = await suite.api.get<Doc>(`/api/v1/reports/service?${QUERY}`);
      await see(page.getByTestId('report-title'), doc.title);
      await see(page.getByTestId('report-figure-tickets.complaints').getByTestId('report-value'), String(complaints(doc).value));
      await page.getByTestId('report-table').first().waitFor();
      await page.getByTestId('report-subscription').first().waitFor();
      await noSideScroll(page);
      const shots = new Shots('reports-phone');
      await shots.take(page, 'month');
      await page.getByTestId('report-subscription').first().scrollIntoViewIfNeeded();
      await shots.take(page, 'subscriptions');
      expect(b.pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
