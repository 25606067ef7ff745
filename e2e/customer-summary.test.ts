/**
 * The customer 360 page's summary band in the browser, on a small heating demo (300 households) after an analytics run,
 * for a household given a ticket and a task: every figure the API gives is on screen — label, value as the page
 * formats it, second line or empty reason, source and date — and a figure's link opens the tab behind it. Then the
 * public report form: a household reporting with its own phone lands on its 360 page (tickets tab and band); a report
 * with an unknown phone but the household's address is offered on the ticket page (「可能是：…」) and linked in one click.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, see, seedCompany, Shots, signIn, until, WAIT, type Api } from './harness.js';
import type { CustomerSummaryFigure, CustomerSummaryView } from '../src/modules/customers/summary.contract.js';

type Household = { id: string; name: string; phones: string[]; address: Record<string, string | null> };

const suite = browserSuite<{ api: Api; households: Household[] }>(async ({ server }) => {
  const api = await seedCompany(server.url, '冰城热力（演示）');
  await api.post('/api/v1/demo', { size: 300, seed: 2 });
  await until(async () => (await api.get<{ status: string }>('/api/v1/demo')).status === 'done', 'the demo loaded', 180_000);
  const idle = async () => !(await api.get<{ items: { status: string }[] }>('/api/v1/analytics/runs')).items.some((r) => r.status === 'queued' || r.status === 'running');
  await until(idle, 'no analytics run under way', 120_000);
  await api.post('/api/v1/analytics/runs', {});
  await until(async () => (await api.get<{ items: { status: string }[] }>('/api/v1/analytics/runs')).items[0]?.status === 'done', 'the analytics run done', 180_000);
  const households = (await api.get<{ items: Household[] }>('/api/v1/customers?limit=20&sort=createdAt&order=asc')).items.filter((c) => c.phones.length && c.address?.compound);
  return { api, households };
});

const yuan = (fen: number) => `¥${String(Math.floor(Math.abs(fen) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
/** An instant on the company's wall clock (Asia/Shanghai, no daylight saving), as the page shows it. */
const wall = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The value as the band shows it (SummaryBand `figureValue`). */
function shown(f: CustomerSummaryFigure): string {
  if (f.value === null) return '—';
  if (f.text !== null) return f.text;
  if (f.unit === 'fen') return yuan(Number(f.value));
  if (f.unit === 'points') return `${Number(f.value).toLocaleString('en-US')} 分`;
  if (f.unit === 'datetime') return wall(String(f.value));
  return String(f.value);
}

/** One set of screenshots for the file (a second `Shots` of the same name would clear the first's). */
const shots = new Shots('customer-summary');

describe('customer 360 summary band', () => {
  it('shows every figure of the API with its source and date, and links to the tab behind it', async () => {
    const h = suite.households[0]!;
    const ticket = await suite.api.post<{ number: number }>('/api/v1/tickets', { title: '客厅暖气片不热', description: '只有 15 度', type: 'complaint', customerId: h.id });
    await suite.api.post('/api/v1/tasks', { type: 'return_visit', title: '回访室温', customerId: h.id, dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    const api = await suite.api.get<CustomerSummaryView>(`/api/v1/customers/${h.id}/summary`);
    const byKey = new Map(api.figures.map((f) => [f.key, f]));
    // The household's figures: the analysis ran, the ticket and the task are open.
    expect(byKey.get('analytics.value_tier')?.value).not.toBeNull();
    expect(byKey.get('analytics.churn')?.live).toBe(false);
    expect(Number(byKey.get('tickets.open')?.value)).toBeGreaterThanOrEqual(1);
    expect(byKey.get('tickets.open')?.detail).toBe(`最近：#${ticket.number} 客厅暖气片不热`);
    expect(Number(byKey.get('interactions.open_tasks')?.value)).toBeGreaterThanOrEqual(1);
    expect(byKey.has('heating.arrears')).toBe(true);

    const page = await signIn(suite.browser, suite.server.url, `/customers/${h.id}`);
    const band = page.getByTestId('summary-band');
    await see(band, '客户概要');
    const figures = band.getByTestId('summary-figure');
    await until(async () => (await figures.count()) === api.figures.length, 'every figure on the band');
    expect(await figures.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(api.figures.map((f) => f.key));
    for (const f of api.figures) {
      const box = band.locator(`[data-testid="summary-figure"][data-key="${f.key}"]`);
      expect((await box.getByTestId('summary-label').textContent())?.trim(), f.key).toBe(f.label);
      expect((await box.getByTestId('summary-value').textContent())?.trim(), f.key).toBe(shown(f));
      if (f.value === null) expect(await box.getByTestId('summary-empty').textContent(), f.key).toBe(f.empty);
      else if (f.detail) expect(await box.getByTestId('summary-detail').textContent(), f.key).toBe(f.detail);
      expect(await box.getByTestId('summary-source').textContent(), f.key).toBe(`${f.source} ${f.live ? '截至今天' : f.asOf}`);
      if (f.link) expect(await box.getByTestId('summary-label').locator('a').getAttribute('href'), f.key).toBe(f.link);
    }
    // 「价值分析 <the run's day>」 and 「交易 截至今天」, as written.
    const run = (await suite.api.get<{ items: { asOf: string }[] }>('/api/v1/analytics/runs')).items[0]!;
    await see(band.locator('[data-key="analytics.value_tier"]'), `价值分析 ${run.asOf}`);
    await see(band.locator('[data-key="transactions.lifetime_spend"]'), '交易 截至今天');
    await shots.take(page, 'summary-band');

    // A figure's link opens its tab: the churn risk → 价值, the open tickets → 工单 with the new ticket.
    await band.locator('[data-key="analytics.churn"]').getByRole('link').click();
    await until(async () => new URL(page.url()).searchParams.get('tab') === 'value', 'the value tab');
    await see(page, '流失风险');
    await band.locator('[data-key="tickets.open"]').getByRole('link').click();
    await until(async () => new URL(page.url()).searchParams.get('tab') === 'tickets', 'the tickets tab');
    await page.locator(`[data-testid="customer-ticket"][data-number="${ticket.number}"]`).waitFor({ timeout: WAIT });
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('a public ticket matched to its household by phone lands on its 360 page; one by address is offered and linked in one click', async () => {
    const page = suite.browser.page;
    const h = suite.households[1]!;
    const phone = (await suite.api.post<{ phones: string[] }>(`/api/v1/customers/${h.id}/reveal`, { fields: ['phones'] })).phones[0]!;

    // The household reports with its own phone (the public page sends no session).
    await page.goto(`${suite.server.url}/s/report`);
    await see(page, '报修 / 投诉');
    await page.locator('#f-name').fill('住户本人');
    await page.locator('#f-phone').fill(phone);
    await page.locator('#f-description').fill('卫生间暖气片漏水，滴到楼下');
    await page.getByTestId('report-submit').click();
    const done = await see(page, /已提交，工单号/);
    const number = Number(((await done.textContent()) ?? '').match(/\d+/)?.[0]);
    expect(number).toBeGreaterThan(0);

    // The agent opens the household's 360 page: the ticket is in its 工单 tab and counted on the band.
    await page.goto(`${suite.server.url}/customers/${h.id}?tab=tickets`);
    await page.locator(`[data-testid="customer-ticket"][data-number="${number}"]`).waitFor({ timeout: WAIT });
    await see(page.locator(`[data-testid="customer-ticket"][data-number="${number}"]`), '卫生间暖气片漏水');
    const open = (await suite.api.get<CustomerSummaryView>(`/api/v1/customers/${h.id}/summary`)).figures.find((f) => f.key === 'tickets.open')!;
    await see(page.getByTestId('summary-band').locator('[data-key="tickets.open"]').getByTestId('summary-detail'), open.detail!);
    expect(open.detail).toContain(`#${number}`);
    await shots.take(page, 'public-ticket-on-360');

    // Another report: a phone no customer has, but the household's address → 「可能是：…」 on the ticket page.
    const other = suite.households[2]!;
    const where = ['compound', 'building', 'unit', 'room'].map((k) => other.address[k]).filter(Boolean).join('');
    await page.goto(`${suite.server.url}/s/report`);
    await page.locator('#f-name').fill('租户');
    await page.locator('#f-phone').fill('13000000017');
    await page.locator('#f-address').fill(where);
    await page.locator('#f-description').fill('家里暖气不热');
    await page.getByTestId('report-submit').click();
    const second = Number((((await (await see(page, /已提交，工单号/)).textContent()) ?? '').match(/\d+/)?.[0]));
    const listed = await suite.api.get<{ items: { id: string; number: number }[] }>(`/api/v1/tickets?q=${second}&limit=5`);
    const id = listed.items.find((x) => x.number === second)!.id;
    await page.goto(`${suite.server.url}/tickets/${id}`);
    const offered = page.getByTestId('ticket-candidates');
    await see(offered, '可能是：');
    const first = offered.getByTestId('ticket-candidate').first();
    await see(first, other.name);
    await shots.take(page, 'ticket-candidates');
    await first.getByRole('button', { name: '关联' }).click();
    await see(page.getByTestId('ticket-customer'), other.name);
    await until(async () => (await offered.count()) === 0, 'the candidates gone once linked');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
