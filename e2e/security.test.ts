/**
 * Account security (issue #18) in the browser: on 个人设置 → 账户安全 a user turns on two-step verification (the QR
 * code and key shown, the code computed here with the same library an authenticator app follows, the recovery codes
 * shown once), signs out, and signs in again with password and code; another of their sessions is ended from the list
 * of signed-in devices. The pages keep working under the Content-Security-Policy (no violation reported), whose
 * headers the built index and a public page carry. 1366×768.
 */
import type { Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { Api, browserSuite, launchBrowser, PHONE, seedCompany, see, Shots, signIn, tableRows, until } from './harness.js';

const suite = browserSuite(async ({ server }) => {
  const admin = await seedCompany(server.url, '示例供热有限公司');
  await admin.post('/api/v1/users', { username: 'wangfang', displayName: '王芳', password: 'Wangfang123', roleKey: 'agent' });
  await admin.post('/api/v1/users', { username: 'lisi', displayName: '李四', password: 'Lisi12345', roleKey: 'agent' });
  return { admin };
});

/** Content-Security-Policy violations the page reports in its console (a blocked script or style would show here). */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

describe('two-step verification', () => {
  it('is turned on with an authenticator app, then sign-in asks for its code', async () => {
    const page = await signIn(suite.browser, suite.server.url, '/me/security', 'wangfang', 'Wangfang123');
    const violations = cspViolations(page);
    const shots = new Shots('two-factor');
    await see(page, '账户安全');
    await see(page.getByTestId('two-factor-status'), '未启用');
    await shots.take(page, 'off');

    await page.getByRole('button', { name: '启用两步验证' }).click();
    await page.getByTestId('two-factor-qr').waitFor();
    expect(await page.getByTestId('two-factor-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('two-factor-secret').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await shots.take(page, 'enrol');
    // A wrong code is refused on the field.
    await page.getByTestId('two-factor-code').fill('000000');
    await page.getByRole('button', { name: '确认启用' }).click();
    await see(page, '验证码不正确或已使用过');
    await page.getByTestId('two-factor-code').fill(totp.generate());
    await page.getByRole('button', { name: '确认启用' }).click();
    await see(page, '请保存恢复码');
    await until(async () => (await page.getByTestId('recovery-code').count()) === 10, 'ten recovery codes');
    await shots.take(page, 'recovery-codes');
    await page.getByRole('button', { name: '我已保存' }).click();
    await see(page.getByTestId('two-factor-status'), '已启用');

    // Sign out, then in again: password, then the code (of the next 30-second step: the one used is good once).
    await page.getByTestId('user-menu').click();
    await page.locator('.ant-dropdown').getByRole('menuitem', { name: '退出登录' }).click();
    await see(page, '你已退出登录');
    await page.getByLabel('用户名或手机号').fill('wangfang');
    await page.getByLabel('密码').fill('Wangfang123');
    await page.getByRole('button', { name: /登录$/ }).click();
    await see(page, '请输入验证器 App 上的 6 位验证码');
    await shots.take(page, 'code-step');
    await page.getByTestId('login-code').fill('123456');
    await page.getByRole('button', { name: '验证' }).click();
    await see(page, '验证码不正确或已使用过');
    await page.getByTestId('login-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: '验证' }).click();
    await until(async () => new URL(page.url()).pathname !== '/login', 'signed in');
    expect(await page.getByTestId('user-menu').textContent()).toContain('王芳');
    await shots.take(page, 'signed-in');
    expect(violations).toEqual([]);
  });
});

describe('signed-in devices', () => {
  it('lists my sessions and ends another one', async () => {
    // Another browser of 李四's, signed in through the API.
    const other = await new Api(suite.server.url).login('lisi', 'Lisi12345');
    const browser = await launchBrowser();
    try {
      const page = await signIn(browser, suite.server.url, '/me/security', 'lisi', 'Lisi12345');
      const violations = cspViolations(page);
      const shots = new Shots('sessions');
      await see(page, '登录设备');
      await until(async () => (await tableRows(page).count()) === 2, 'two sessions listed');
      await see(page, '当前设备');
      await shots.take(page, 'two-sessions');
      await page.getByTestId('revoke-session').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
      await see(page, '已注销');
      await until(async () => (await tableRows(page).count()) === 1, 'one session left');
      await shots.take(page, 'one-session');
      // The other browser is signed out.
      await expect(other.get('/api/v1/auth/me')).rejects.toThrow(/401/);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('security headers', () => {
  it('the built app and a public page carry the policy, and the public page works under it', async () => {
    for (const path of ['/', '/login', '/me/security', '/s/report', '/s/help']) {
      const res = await fetch(suite.server.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
      const html = await res.text();
      expect([...html.matchAll(/<script\b([^>]*)>/gi)].filter((m) => !/\bsrc=/.test(m[1]!)).map((m) => m[0]), path).toEqual([]);
    }
    const phone = await launchBrowser(PHONE);
    try {
      const violations = cspViolations(phone.page);
      await phone.page.goto(suite.server.url + '/s/report');
      await phone.page.locator('form').first().waitFor();
      expect(violations).toEqual([]);
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
