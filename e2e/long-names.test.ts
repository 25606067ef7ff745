/**
 * Long names (issue #21): a customer named with the server's limit of 200 characters, a ticket and a task titled with
 * 200 characters. The customer list at 390 px (cards) and 1366 px (table), the ticket queue (cards at phone width, as
 * the customer list) and 我的任务 keep their layout: no horizontal page overflow, the name or title at most two lines
 * (cut with an ellipsis, the whole text in a tooltip). The name inputs count characters up to the limit.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, DESKTOP, PHONE, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const LONG_NAME = '哈尔滨市南岗区学府路阳光花园小区第三期供热住户'.repeat(9).slice(0, 200);
const LONG_TITLE = '客厅和卧室暖气片整个采暖季都不热室温只有十四度'.repeat(9).slice(0, 200);

const suite = browserSuite(async ({ server }) => {
  const api = await seedCompany(server.url);
  const long = await api.post<{ id: string }>('/api/v1/customers', { name: LONG_NAME, phones: ['13800001111'], address: { city: '哈尔滨市', compound: '阳光花园' } });
  await api.post('/api/v1/customers', { name: '王芳', phones: ['13800002222'] });
  await api.post('/api/v1/tickets', { title: LONG_TITLE, description: '室温 14 度', type: 'complaint', customerId: long.id });
  await api.post('/api/v1/tickets', { title: '楼道漏水', description: '三楼', type: 'repair' });
  await api.post('/api/v1/tasks', { type: 'return_visit', title: LONG_TITLE, customerId: long.id, dueAt: new Date(Date.now() - 3_600_000).toISOString() });
  await signIn(suite.browser, server.url, '/customers');
}, DESKTOP);

/** The page is no wider than the window (a long name neither widens the page nor pushes the layout sideways). */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
  expect(scroll).toBeLessThanOrEqual(inner);
}

/** The element is at most two lines high (its line height from the computed style), and not one character wide. */
async function atMostTwoLines(el: Locator): Promise<void> {
  const m = await el.evaluate((node) => {
    const box = node.getBoundingClientRect();
    const style = (globalThis as unknown as { getComputedStyle: (e: unknown) => { lineHeight: string; fontSize: string } }).getComputedStyle(node);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
    return { height: box.height, width: box.width, line, size: parseFloat(style.fontSize) };
  });
  expect(m.height).toBeGreaterThan(0);
  expect(m.height).toBeLessThanOrEqual(2 * m.line + 2);
  expect(m.width).toBeGreaterThan(4 * m.size);
}

describe('long names and titles', () => {
  it('the customer list with a 200-character name keeps its layout at 1366 px and 390 px', async () => {
    const page = suite.browser.page;
    const shots = new Shots('long-names');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/customers`);
    await see(page, '共 2 位客户');
    const name = page.locator('[data-clamp]').filter({ hasText: LONG_NAME.slice(0, 20) }).first();
    await name.waitFor({ timeout: WAIT });
    expect(await name.textContent()).toBe(LONG_NAME);
    await noHorizontalOverflow(page);
    await atMostTwoLines(name);
    // The row is no taller than a two-line name with the cell's padding.
    const row = page.locator('tr', { has: name });
    expect((await row.boundingBox())!.height).toBeLessThanOrEqual(110);
    // The whole name in a tooltip.
    await name.hover();
    await expect.poll(() => page.getByRole('tooltip').filter({ hasText: LONG_NAME }).count(), { timeout: WAIT }).toBeGreaterThan(0);
    await shots.take(page, 'customers-1366');

    await page.setViewportSize(PHONE);
    await page.getByTestId('customer-cards').waitFor({ timeout: WAIT });
    const cardName = page.getByTestId('customer-card').locator('[data-clamp]').filter({ hasText: LONG_NAME.slice(0, 20) });
    await cardName.waitFor({ timeout: WAIT });
    await noHorizontalOverflow(page);
    await atMostTwoLines(cardName);
    const card = page.getByTestId('customer-card').filter({ hasText: LONG_NAME.slice(0, 20) });
    expect((await card.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
    expect((await card.boundingBox())!.height).toBeLessThanOrEqual(200);
    await shots.take(page, 'customers-390');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('the name input counts characters up to the server limit (200)', async () => {
    const page = suite.browser.page;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/customers/new`);
    const input = page.getByLabel('姓名/名称');
    await input.waitFor({ timeout: WAIT });
    await input.fill('张伟');
    await see(page, '2 / 200');
    expect(await input.getAttribute('maxlength')).toBe('200');
  });

  it('the ticket queue shows cards at phone width and a clamped title at desktop width; 我的任务 clamps a long title', async () => {
    const page = suite.browser.page;
    const shots = new Shots('long-names-tickets');
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}/tickets`);
    await page.getByTestId('ticket-cards').waitFor({ timeout: WAIT });
    await expect.poll(() => page.getByTestId('ticket-card').count(), { timeout: WAIT }).toBe(2);
    expect(await page.getByTestId('ticket-row').count()).toBe(0);
    const cardTitle = page.getByTestId('ticket-card').locator('[data-clamp]').filter({ hasText: LONG_TITLE.slice(0, 20) });
    await noHorizontalOverflow(page);
    await atMostTwoLines(cardTitle);
    // The card of the long title and the long-named customer stays short (title two lines, customer one).
    const longCard = page.getByTestId('ticket-card').filter({ hasText: LONG_TITLE.slice(0, 20) });
    await atMostTwoLines(longCard.getByTestId('ticket-card-customer').locator('[data-clamp]'));
    expect((await longCard.boundingBox())!.height).toBeLessThanOrEqual(200);
    await shots.take(page, 'tickets-390');
    // A card opens its ticket.
    await page.getByTestId('ticket-card').filter({ hasText: '楼道漏水' }).getByTestId('ticket-title').click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/, { timeout: WAIT });

    await page.setViewportSize(DESKTOP);
    await page.goto(`${suite.server.url}/tickets`);
    await expect.poll(() => page.getByTestId('ticket-row').count(), { timeout: WAIT }).toBe(2);
    const title = page.getByTestId('ticket-row').locator('[data-clamp]').filter({ hasText: LONG_TITLE.slice(0, 20) });
    await noHorizontalOverflow(page);
    await atMostTwoLines(title);
    await shots.take(page, 'tickets-1366');

    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}/tasks?tab=overdue`);
    const task = page.getByTestId('task-title').filter({ hasText: LONG_TITLE.slice(0, 20) }).locator('[data-clamp]');
    await task.waitFor({ timeout: WAIT });
    await noHorizontalOverflow(page);
    await atMostTwoLines(task);
    await atMostTwoLines(page.getByTestId('task-customer').locator('[data-clamp]'));
    await shots.take(page, 'tasks-390');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
