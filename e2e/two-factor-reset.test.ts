/**
 * Two-step verification (issue #18) in the browser, the parts beside enrolment (security.test.ts):
 * - reloading the page on the sign-in's code step keeps the step (the server's waiting session says where the sign-in
 *   stands), and the code then signs in;
 * - an administrator resets a user's two-step verification on 用户管理 (a button with a confirmation; the user's tag
 *   goes), audited, and the user then signs in with the password alone. 1366×768.
 */
import type { Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { Api, browserSuite, launchBrowser, seedCompany, see, Shots, signIn, tableRows, until } from './harness.js';

const USER = { username: 'zhaolei', password: 'Zhaolei123', displayName: '赵磊' };

const suite = browserSuite(async ({ server }) => {
  const admin = await seedCompany(server.url, '示例供热有限公司');
  await admin.post('/api/v1/users', { ...USER, roleKey: 'agent' });
  // 赵磊 turns two-step verification on (through the API; the page has its own test).
  const me = await new Api(server.url).login(USER.username, USER.password);
  const { secret } = await me.post<{ secret: string }>('/api/v1/auth/two-factor/enrol');
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  await me.post('/api/v1/auth/two-factor/confirm', { code: totp.generate() });
  return { admin, totp };
});

async function typePassword(page: Page): Promise<void> {
  await page.getByLabel('用户名或手机号').fill(USER.username);
  await page.getByLabel('密码').fill(USER.password);
  await page.getByRole('button', { name: /登录$/ }).click();
}

describe('two-step sign-in', () => {
  it('a reload on the code step keeps it; the code then signs in', async () => {
    const { page } = suite.browser;
    const shots = new Shots('two-factor-reload');
    await page.goto(suite.server.url + '/login');
    await typePassword(page);
    await see(page, '请输入验证器 App 上的 6 位验证码');
    await page.reload();
    // Still the code step, not the password form again.
    await see(page, '请输入验证器 App 上的 6 位验证码');
    await page.getByTestId('login-code').waitFor();
    expect(await page.getByLabel('用户名或手机号').count()).toBe(0);
    await shots.take(page, 'code-step-after-reload');
    // The code (of the next 30-second step: the one enrolment used is good once) signs the same sign-in in.
    await page.getByTestId('login-code').fill(suite.totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: '验证' }).click();
    await until(async () => new URL(page.url()).pathname !== '/login', 'signed in');
    expect(await page.getByTestId('user-menu').textContent()).toContain('赵磊');
    // A reload once signed in stays signed in.
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('an administrator resets a user’s two-step verification; the user then signs in without a code', async () => {
    const admin = await launchBrowser();
    try {
      const page = await signIn(admin, suite.server.url, '/admin/users');
      const shots = new Shots('two-factor-reset');
      const row = tableRows(page).filter({ hasText: '赵磊' });
      await row.getByTestId('user-two-factor').waitFor();
      await shots.take(page, 'users');
      await row.getByTestId('reset-two-factor').click();
      await see(page.locator('.ant-popconfirm'), '移除该用户的两步验证？');
      await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
      await see(page, '已重置两步验证');
      await until(async () => (await row.getByTestId('user-two-factor').count()) === 0, 'the tag gone');
      expect(await row.getByTestId('reset-two-factor').count()).toBe(0);
      await shots.take(page, 'reset');
      expect(admin.pageErrors).toEqual([]);
    } finally {
      await admin.close();
    }
    // Audited, by the administrator.
    const users = await suite.admin.get<{ items: { id: string; username: string }[] }>('/api/v1/users');
    const id = users.items.find((u) => u.username === USER.username)!.id;
    const audit = await suite.admin.get<{ items: { action: string }[] }>(`/api/v1/audit?entityType=user&entityId=${id}`);
    expect(audit.items.map((e) => e.action)).toContain('two_factor_reset');

    // 赵磊, in a fresh browser: the password alone signs in.
    const user = await launchBrowser();
    try {
      await user.page.goto(suite.server.url + '/login');
      await typePassword(user.page);
      await until(async () => new URL(user.page.url()).pathname !== '/login', 'signed in with the password alone');
      expect(await user.page.getByTestId('user-menu').textContent()).toContain('赵磊');
      expect(await user.page.getByTestId('login-code').count()).toBe(0);
      expect(user.pageErrors).toEqual([]);
    } finally {
      await user.close();
    }
  });
});
