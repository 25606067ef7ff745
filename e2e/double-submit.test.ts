/**
 * No double submissions (issue #12): double-clicking 发送 on a ticket reply saves one reply, and double-clicking 保存
 * in 记录沟通 logs one interaction — checked on screen (after a reload too) and through the API. The button shows
 * its request pending; every POST of the web app carries an Idempotency-Key, and a POST whose answer was lost is sent
 * again with the same key, so the server answers it without saving twice.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, seedCompany, Shots, signIn, WAIT, dialogHelpers } from './harness.js';

type TicketDetail = { events: { kind: string; body: string | null }[] };
type Interactions = { items: { summary: string }[] };

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  await api.patch('/api/v1/message-settings', { quietHours: { channels: [] } });
  const customer = await api.post<{ id: string }>('/api/v1/customers', { name: '王建国', phones: ['13900005555'], consent: { sms: true } });
  const ticket = await api.post<{ id: string }>('/api/v1/tickets', { title: '楼道暖气漏水', description: '三楼楼道暖气管滴水', type: 'repair', customerId: customer.id });
  await signIn(browser, server.url, '/tickets');
  return { api, customerId: customer.id, ticketId: ticket.id };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);

/**
 * A double click at its worst: the second click reaches the button before the page has drawn it busy (a slow phone,
 * a busy machine). Both clicks run in one task of the page, so nothing renders in between; `gap` microtask turns
 * between them let a form's asynchronous validation finish first, so the first click has already submitted.
 */
async function doubleClickAtOnce(button: Locator, gap = 0): Promise<void> {
  await button.evaluate(async (b: { click: () => void }, turns: number) => {
    b.click();
    for (let i = 0; i < turns; i++) await Promise.resolve();
    b.click();
  }, gap);
}

/** Gives a second request (if one was sent) the time to land before counting. */
async function settled(): Promise<void> {
  await suite.browser.page.waitForLoadState('networkidle');
  await new Promise((r) => setTimeout(r, 500));
}

describe('double submissions', () => {
  it('double-clicking 发送 on a ticket reply saves one reply', async () => {
    const page = suite.browser.page;
    const shots = new Shots('double-click-reply');
    const text = '师傅今天下午两点上门检查漏水';
    const posts: { url: string; key: string | null }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/replies')) posts.push({ url: r.url(), key: r.headers()['idempotency-key'] ?? null });
    });
    await page.goto(`${suite.server.url}/tickets/${suite.ticketId}`);
    await page.getByTestId('ticket-page').waitFor();
    await page.getByTestId('ticket-compose').fill(text);
    await doubleClickAtOnce(page.getByTestId('ticket-send'));
    const replies = page.getByTestId('ticket-reply').filter({ hasText: text });
    await replies.first().waitFor({ timeout: WAIT });
    await settled();
    await shots.take(page, 'replied');
    expect(await replies.count()).toBe(1);
    expect(await page.getByTestId('ticket-compose').inputValue()).toBe('');
    // One request went out, with its key.
    expect(posts).toHaveLength(1);
    expect(posts[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    // The server has one reply, and so has the page after a reload.
    const detail = await suite.api.get<TicketDetail>(`/api/v1/tickets/${suite.ticketId}`);
    expect(detail.events.filter((e) => e.kind === 'reply' && e.body === text)).toHaveLength(1);
    await page.reload();
    await page.getByTestId('ticket-page').waitFor();
    await replies.first().waitFor({ timeout: WAIT });
    expect(await replies.count()).toBe(1);
  });

  it('a reply whose answer was lost is sent again by itself with the same key, and saved once', async () => {
    const page = suite.browser.page;
    const text = '暖气阀门已更换，请您留意室温';
    const keys: string[] = [];
    // The first answer is lost on the way back (the server did save the reply): the connection breaks.
    let lost = false;
    await page.route('**/api/v1/tickets/*/replies', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    try {
      await page.goto(`${suite.server.url}/tickets/${suite.ticketId}`);
      await page.getByTestId('ticket-page').waitFor();
      await page.getByTestId('ticket-compose').fill(text);
      await page.getByTestId('ticket-send').click();
      const replies = page.getByTestId('ticket-reply').filter({ hasText: text });
      await replies.first().waitFor({ timeout: WAIT });
      await settled();
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect(await replies.count()).toBe(1);
      const detail = await suite.api.get<TicketDetail>(`/api/v1/tickets/${suite.ticketId}`);
      expect(detail.events.filter((e) => e.kind === 'reply' && e.body === text)).toHaveLength(1);
    } finally {
      await page.unroute('**/api/v1/tickets/*/replies');
    }
  });

  it('double-clicking 保存 in 记录沟通 logs one interaction', async () => {
    const page = suite.browser.page;
    const shots = new Shots('double-click-log');
    const summary = '电话回访，漏水已修好';
    await page.goto(`${suite.server.url}/customers/${suite.customerId}`);
    await page.getByText('王建国').first().waitFor();
    await openDialog(page.getByRole('button', { name: '记录沟通' }));
    await dialog().getByLabel('摘要').fill(summary);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/interactions')) posts.push(r.headers()['idempotency-key'] ?? '');
    });
    await doubleClickAtOnce(dialog().getByRole('button', { name: '保存' }), 200);
    await closed();
    await settled();
    await shots.take(page, 'logged');
    const items = page.getByTestId('timeline-item').filter({ hasText: summary });
    await items.first().waitFor({ timeout: WAIT });
    expect(await items.count()).toBe(1);
    expect(posts).toHaveLength(1);
    const logged = await suite.api.get<Interactions>(`/api/v1/customers/${suite.customerId}/interactions`);
    expect(logged.items.filter((i) => i.summary === summary)).toHaveLength(1);
    await page.reload();
    await items.first().waitFor({ timeout: WAIT });
    expect(await items.count()).toBe(1);
  });
});
