/**
 * Notifications in the browser: 王丽 assigns two tickets to 李强; 李强 signs in and sees the bell's count, opens its
 * dropdown, reads the notification, clicks it and lands on the ticket page with the count one lower; the notifications
 * page lists both, and 全部已读 empties the bell; the side menu opens the page too (个人设置 → 我的通知).
 */
import { describe, expect, it } from 'vitest';
import { Api, browserSuite, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const PASSWORD = 'Passw0rd!';

const suite = browserSuite(async ({ server }) => {
  const admin = await seedCompany(server.url);
  const team = await admin.post<{ id: string }>('/api/v1/teams', { name: '客服一班', kind: 'group' });
  await admin.post('/api/v1/users', { username: 'wangli', displayName: '王丽', password: PASSWORD, roleKey: 'agent', teamId: team.id });
  const bob = await admin.post<{ id: string }>('/api/v1/users', { username: 'liqiang', displayName: '李强', password: PASSWORD, roleKey: 'agent', teamId: team.id });
  // User A (王丽) assigns two tickets to user B (李强).
  const alice = await new Api(server.url).login('wangli', PASSWORD);
  const tickets: { id: string; number: number; title: string }[] = [];
  for (const title of ['3 号楼暖气不热', '地下室管道漏水']) {
    const tk = await alice.post<{ id: string; number: number }>('/api/v1/tickets', { title, type: 'complaint' });
    await alice.post(`/api/v1/tickets/${tk.id}/assign`, { assigneeId: bob.id });
    tickets.push({ ...tk, title });
  }
  return { tickets };
});

describe('notifications', () => {
  it('a notification for an assigned ticket: the bell counts it, a click opens the ticket and the count drops', async () => {
    const shots = new Shots('notifications');
    const page = await signIn(suite.browser, suite.server.url, '/', 'liqiang', PASSWORD);
    const bell = page.getByTestId('notification-bell');
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: WAIT }).toBe('通知（2 条未读）');
    await expect.poll(() => bell.locator('.ant-badge-count').getAttribute('title'), { timeout: WAIT }).toBe('2');
    await shots.take(page, 'bell');

    // The dropdown: the latest first, in Chinese, with who assigned it.
    await bell.click();
    const dropdown = page.getByTestId('notification-dropdown');
    await dropdown.waitFor();
    const [first, second] = suite.tickets;
    const item = dropdown.getByTestId('notification-item').filter({ hasText: `工单 #${first!.number} 分派给了您` });
    await item.waitFor();
    expect(await item.getByTestId('notification-body').textContent()).toBe(`王丽 分派：${first!.title}`);
    expect(await item.getAttribute('data-unread')).toBe('true');
    expect(await dropdown.getByTestId('notification-item').first().textContent()).toContain(`工单 #${second!.number} 分派给了您`);
    await shots.take(page, 'dropdown');

    // A click marks it read and opens the ticket; the bell counts one fewer.
    await item.click();
    await page.getByTestId('ticket-page').waitFor({ timeout: WAIT });
    expect(new URL(page.url()).pathname).toBe(`/tickets/${first!.id}`);
    await see(page, first!.title);
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: WAIT }).toBe('通知（1 条未读）');
    await shots.take(page, 'ticket');

    // The notifications page (from the bell): both, the opened one read; 全部已读 empties the bell.
    await bell.click();
    await page.getByTestId('notifications-view-all').click();
    const list = page.getByTestId('notification-list');
    await list.waitFor({ timeout: WAIT });
    await expect.poll(() => list.getByTestId('notification-item').count(), { timeout: WAIT }).toBe(2);
    expect(await list.getByTestId('notification-item').filter({ hasText: `#${first!.number}` }).getAttribute('data-unread')).toBe('false');
    expect(await list.getByTestId('notification-item').filter({ hasText: `#${second!.number}` }).getAttribute('data-unread')).toBe('true');
    await page.getByTestId('notifications-page-mark-all').click();
    await see(page, '已全部标为已读');
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: WAIT }).toBe('通知（0 条未读）');
    await expect.poll(() => list.locator('[data-unread="true"]').count(), { timeout: WAIT }).toBe(0);
    await shots.take(page, 'page');

    // The page is in the side menu too (个人设置 → 我的通知), without the bell.
    await page.goto(`${suite.server.url}/`);
    await page.locator('.ant-layout-sider').getByRole('menuitem', { name: '我的通知' }).click();
    await list.waitFor({ timeout: WAIT });
    expect(new URL(page.url()).pathname).toBe('/notifications');
    await expect.poll(() => list.getByTestId('notification-item').count(), { timeout: WAIT }).toBe(2);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
