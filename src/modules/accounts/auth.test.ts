/**
 * Signing in and out, lockout, rate limits, passwords, deactivation — and API tokens.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

const PASSWORD = 'Passw0rd!';

describe('sign-in, sessions and passwords', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  const createUser = async (body: Record<string, unknown>) => {
    const res = await ctx.admin.post('/api/v1/users', { displayName: '测试用户', password: PASSWORD, roleKey: 'agent', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; username: string };
  };

  it('signs in by username (any case) and returns the user and a CSRF token', async () => {
    await createUser({ username: 'zhou.kefu' });
    const res = await ctx.anon.post('/api/v1/auth/login', { login: 'Zhou.Kefu', password: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'zhou.kefu', roleKey: 'agent', active: true, locked: false });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
  });

  it('signs in by mobile number, in any common format', async () => {
    await createUser({ username: 'sun.mobile', mobile: '139 0451 2233' });
    for (const login of ['13904512233', '+86 139-0451-2233', '139 0451 2233']) {
      const res = await ctx.anon.post('/api/v1/auth/login', { login, password: PASSWORD });
      expect(res.statusCode, `${login}: ${res.body}`).toBe(200);
      expect(res.json().user.username).toBe('sun.mobile');
    }
  });

  it('the session cookie is HttpOnly and SameSite=Lax, and /auth/me shows who is signed in', async () => {
    const res = await ctx.anon.post('/api/v1/auth/login', { login: ADMIN.username, password: ADMIN.password });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^hearth_session=[\w-]+;/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//);
    const me = await new Client(ctx.app, cookie.split(';')[0]!, res.json().csrfToken).get('/api/v1/auth/me');
    expect(me.json()).toMatchObject({ user: { username: 'admin' }, scope: 'all', via: 'session', company: { companyName: '测试热力公司' } });
    expect(me.json().permissions).toContain('customer:pii');
  });

  it('a wrong password or unknown user → 401 with the same message, in both languages', async () => {
    const wrong = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'admin', password: 'nope-nope-1' }), 401);
    expect(wrong.detail).toBe('用户名或密码错误');
    const unknown = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'nobody', password: 'nope-nope-1' }), 401);
    expect(unknown.detail).toBe('用户名或密码错误');
    const en = problemOf(await ctx.anon.lang('en').post('/api/v1/auth/login', { login: 'admin', password: 'nope-nope-1' }), 401);
    expect(en.detail).toBe('Wrong username or password');
    const audit = (await ctx.admin.get('/api/v1/audit?action=login_failed')).json().items;
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0]).toMatchObject({ entityType: 'user', entityId: ctx.admin.userId, ip: '127.0.0.1' });
  });

  it('bad sign-in input names the field', async () => {
    const p = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: '', password: 'x' }), 400);
    expect(p.errors.map((e) => e.field)).toEqual(['login']);
    expect(p.errors[0]!.message).toContain('用户名或手机号');
    const missing = problemOf(await ctx.anon.lang('en').post('/api/v1/auth/login', { login: 'admin' }), 400);
    expect(missing.errors).toEqual([{ field: 'password', message: '"Password" is required' }]);
    // A NUL character cannot reach the database (it would be a 500 there).
    const nul = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'admin\u0000', password: 'x' }), 400);
    expect(nul.errors).toEqual([{ field: 'login', message: '「用户名或手机号」含有不允许的控制字符' }]);
  });

  it('locks the account after 5 failures (423 with the minutes, even with the right password); an admin unlock clears it', async () => {
    const user = await createUser({ username: 'locked.out' });
    for (let i = 1; i <= 4; i++) {
      problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'locked.out', password: `wrong${i}pass` }), 401);
    }
    const fifth = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'locked.out', password: 'wrong5pass' }), 423);
    expect(fifth.code).toBe('locked');
    expect(fifth.detail).toContain('15 分钟');
    const right = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'locked.out', password: PASSWORD }), 423);
    expect(right.detail).toBe('登录失败次数过多，账户已临时锁定，请 15 分钟后再试');
    const en = problemOf(await ctx.anon.lang('en').post('/api/v1/auth/login', { login: 'locked.out', password: PASSWORD }), 423);
    expect(en.detail).toContain('try again in 15 minutes');

    const users = (await ctx.admin.get('/api/v1/users')).json().items as { id: string; locked: boolean }[];
    expect(users.find((u) => u.id === user.id)!.locked).toBe(true);

    const unlocked = await ctx.admin.patch(`/api/v1/users/${user.id}`, { unlock: true });
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json().locked).toBe(false);
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'locked.out', password: PASSWORD })).statusCode).toBe(200);
    // The counter starts again from zero: one more failure is not a lockout.
    problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'locked.out', password: 'wrong6pass' }), 401);
  });

  it('after a lock runs out, counting starts again: one more wrong password does not lock again', async () => {
    const user = await createUser({ username: 'lock.expired' });
    for (let i = 1; i <= 4; i++) problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'lock.expired', password: `wrong${i}pass` }), 401);
    problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'lock.expired', password: 'wrong5pass' }), 423);
    // Let the lock run out (as if 15 minutes had passed).
    await ctx.database.db.execute(sql`update users set locked_until = now() - interval '1 second' where id = ${user.id}`);
    const again = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'lock.expired', password: 'wrong6pass' }), 401);
    expect(again.detail).toBe('用户名或密码错误');
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'lock.expired', password: PASSWORD })).statusCode).toBe(200);
  });

  it('sign-out ends the session: the cookie then gets 401', async () => {
    const user = await ctx.newUser({ role: 'viewer' });
    expect((await user.get('/api/v1/auth/me')).statusCode).toBe(200);
    const out = await user.post('/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/hearth_session=;/);
    const after = problemOf(await user.get('/api/v1/auth/me'), 401);
    expect(after.code).toBe('unauthenticated');
    const audit = (await ctx.admin.get(`/api/v1/audit?action=logout&actorId=${user.userId}`)).json().items;
    expect(audit).toHaveLength(1);
  });

  it('change password: wrong current → 400 naming currentPassword; weak → 400 naming newPassword', async () => {
    const user = await ctx.newUser({ role: 'agent', username: 'pwd.change' });
    const wrong = problemOf(await user.post('/api/v1/auth/password', { currentPassword: 'not-it-123', newPassword: 'NewPassw0rd' }), 400);
    expect(wrong.errors).toEqual([{ field: 'currentPassword', message: '当前密码不正确' }]);
    const weak = problemOf(await user.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'onlyletters' }), 400);
    expect(weak.errors.map((e) => e.field)).toEqual(['newPassword']);
    expect(weak.errors[0]!.message).toContain('字母和数字');
    const short = problemOf(await user.lang('en').post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'a1' }), 400);
    expect(short.errors).toEqual([{ field: 'newPassword', message: '"New password" must be at least 8 characters' }]);
    // Nothing changed: the old password still works.
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'pwd.change', password: PASSWORD })).statusCode).toBe(200);
  });

  it('a successful password change ends the user’s other sessions but keeps this one', async () => {
    await ctx.newUser({ role: 'agent', username: 'pwd.sessions' });
    const laptop = await ctx.login('pwd.sessions', PASSWORD);
    const phone = await ctx.login('pwd.sessions', PASSWORD);
    const res = await laptop.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'Brand-new-2024' });
    expect(res.statusCode, res.body).toBe(204);
    expect((await laptop.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect(problemOf(await phone.get('/api/v1/auth/me'), 401).detail).toContain('会话已过期');
    problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'pwd.sessions', password: PASSWORD }), 401);
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'pwd.sessions', password: 'Brand-new-2024' })).statusCode).toBe(200);
  });

  it('an admin password reset ends the user’s sessions; the new password works', async () => {
    const user = await ctx.newUser({ role: 'viewer', username: 'pwd.reset' });
    const weak = problemOf(await ctx.admin.post(`/api/v1/users/${user.userId}/password`, { password: 'abcdefgh' }), 400);
    expect(weak.errors.map((e) => e.field)).toEqual(['password']);
    expect((await ctx.admin.post(`/api/v1/users/${user.userId}/password`, { password: 'Reset-2024x' })).statusCode).toBe(204);
    problemOf(await user.get('/api/v1/auth/me'), 401);
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'pwd.reset', password: 'Reset-2024x' })).statusCode).toBe(200);
  });

  it('a deactivated user cannot sign in and their sessions stop working; reactivated, they can again', async () => {
    const user = await ctx.newUser({ role: 'agent', username: 'left.company' });
    const token = await ctx.admin.post('/api/v1/tokens', { name: 'admin token' });
    expect(token.statusCode).toBe(201);
    expect((await user.get('/api/v1/customers')).statusCode).toBe(200);
    const off = await ctx.admin.patch(`/api/v1/users/${user.userId}`, { active: false });
    expect(off.json().active).toBe(false);
    problemOf(await user.get('/api/v1/customers'), 401);
    const login = problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'left.company', password: PASSWORD }), 403);
    expect(login.detail).toBe('该账户已停用');
    expect(problemOf(await ctx.anon.lang('en').post('/api/v1/auth/login', { login: 'left.company', password: PASSWORD }), 403).detail).toBe(
      'This account is deactivated',
    );
    expect((await ctx.admin.patch(`/api/v1/users/${user.userId}`, { active: true })).json().active).toBe(true);
    expect((await ctx.anon.post('/api/v1/auth/login', { login: 'left.company', password: PASSWORD })).statusCode).toBe(200);
  });

  it('an admin cannot deactivate their own account', async () => {
    const p = problemOf(await ctx.admin.patch(`/api/v1/users/${ctx.admin.userId}`, { active: false }), 400);
    expect(p.errors).toEqual([{ field: 'active', message: '不能停用自己的账户' }]);
    expect((await ctx.admin.get('/api/v1/auth/me')).statusCode).toBe(200);
  });
});

describe('sign-in rate limit', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ config: { loginRatePerMinute: 3 } });
  });
  afterAll(() => ctx.close());

  it('more than loginRatePerMinute sign-ins a minute → 429 problem+json with Retry-After', async () => {
    // createTestContext signed the admin in once already.
    const statuses: number[] = [];
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 4; i++) {
      last = await ctx.anon.post('/api/v1/auth/login', { login: ADMIN.username, password: ADMIN.password });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    const p = problemOf(last!, 429);
    expect(p.code).toBe('rate_limited');
    expect(p.detail).toBe('请求过于频繁，请稍后再试');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    const en = problemOf(await ctx.anon.lang('en').post('/api/v1/auth/login', { login: 'admin', password: 'x' }), 429);
    expect(en.detail).toBe('Too many requests, please try again later');
    // Other routes are not throttled.
    expect((await ctx.admin.get('/api/v1/customers')).statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  let ctx: TestContext;
  let manager: Client;
  const bearer = (token: string) => new Client(ctx.app, null, null, null, { authorization: `Bearer ${token}` });
  const mint = async (as: Client, body: Record<string, unknown>) => {
    const res = await as.post('/api/v1/tokens', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; token: string; permissions: string[]; prefix: string };
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'manager', username: 'token.manager' });
    await ctx.newCustomer({ name: '令牌测试客户', phones: ['13812345678'] });
  });
  afterAll(() => ctx.close());

  it('create returns the secret once; lists never show it; Bearer works', async () => {
    const t = await mint(manager, { name: 'ERP 对接', expiresInDays: 30 });
    expect(t.token).toMatch(new RegExp(`^hth_${t.prefix}_`));
    expect([...t.permissions].sort()).toEqual(
      ['analytics:read', 'analytics:run', 'audit:read', 'campaign:approve', 'campaign:manage', 'campaign:read', 'care:manage', 'customer:delete', 'customer:export', 'customer:pii', 'customer:read', 'customer:write', 'feedback:manage', 'feedback:read', 'goal:manage', 'goal:read', 'kb:manage', 'kb:read', 'loyalty:manage', 'loyalty:read', 'loyalty:write', 'performance:manage', 'performance:read', 'product:manage', 'report:read', 'segment:manage', 'segment:read', 'survey:manage', 'survey:read', 'tag:manage', 'ticket:manage', 'ticket:read', 'ticket:write', 'token:manage', 'transaction:write', 'user:read'],
    );
    const listed = (await manager.get('/api/v1/tokens')).json().items as Record<string, unknown>[];
    expect(listed.map((x) => x.id)).toEqual([t.id]);
    expect(listed[0]!.token).toBeUndefined();
    expect(JSON.stringify(listed)).not.toContain(t.token);

    const res = await bearer(t.token).get('/api/v1/customers');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((c: { name: string }) => c.name)).toEqual(['令牌测试客户']);
    const me = (await bearer(t.token).get('/api/v1/auth/me')).json();
    expect(me).toMatchObject({ via: 'token', csrfToken: null, user: { username: 'token.manager' } });
  });

  it('refuses permissions the creator lacks (403 naming permissions)', async () => {
    const before = await countRows(ctx.database, 'api_tokens');
    const p = problemOf(await manager.post('/api/v1/tokens', { name: '越权', permissions: ['customer:read', 'user:manage', 'settings:manage'] }), 403);
    expect(p.errors.map((e) => e.field)).toEqual(['permissions']);
    expect(p.errors[0]!.message).toContain('user:manage, settings:manage');
    expect(p.detail).toContain('不能超过创建者本人');
    const en = problemOf(await manager.lang('en').post('/api/v1/tokens', { name: '越权', permissions: ['role:manage'] }), 403);
    expect(en.errors[0]!.message).toBe('An API token cannot have permissions its creator lacks: role:manage');
    const unknown = problemOf(await manager.post('/api/v1/tokens', { name: '未知', permissions: ['everything'] }), 400);
    expect(unknown.errors.map((e) => e.field)).toEqual(['permissions.0']);
    expect(await countRows(ctx.database, 'api_tokens')).toBe(before);
  });

  it('a token with a subset of permissions cannot do more than the subset', async () => {
    const t = await mint(manager, { name: '只读', permissions: ['customer:read'] });
    const ro = bearer(t.token);
    expect((await ro.get('/api/v1/customers')).statusCode).toBe(200);
    const before = await countRows(ctx.database, 'customers');
    expect(problemOf(await ro.post('/api/v1/customers', { name: '不该创建' }), 403).code).toBe('forbidden');
    expect(await countRows(ctx.database, 'customers')).toBe(before);
    problemOf(await ro.get('/api/v1/customers/export.csv'), 403);
    problemOf(await ro.get('/api/v1/audit'), 403);
    const id = (await ro.get('/api/v1/customers')).json().items[0].id;
    problemOf(await ro.post(`/api/v1/customers/${id}/reveal`, {}), 403);
    expect((await ro.get('/api/v1/auth/me')).json().permissions).toEqual(['customer:read']);
  });

  it('never stronger than its creator: when the role loses a permission the token loses it too', async () => {
    const t = await mint(manager, { name: '导出', permissions: ['customer:read', 'customer:export'] });
    const exporter = bearer(t.token);
    expect((await exporter.get('/api/v1/customers/export.csv')).statusCode).toBe(200);
    const roles = (await ctx.admin.get('/api/v1/roles')).json().items as { key: string; permissions: string[] }[];
    const original = roles.find((r) => r.key === 'manager')!.permissions;
    const cut = await ctx.admin.patch('/api/v1/roles/manager', { permissions: original.filter((p) => p !== 'customer:export') });
    expect(cut.statusCode, cut.body).toBe(200);
    try {
      problemOf(await exporter.get('/api/v1/customers/export.csv'), 403);
      expect((await exporter.get('/api/v1/auth/me')).json().permissions).toEqual(['customer:read']);
      expect((await exporter.get('/api/v1/customers')).statusCode).toBe(200);
    } finally {
      await ctx.admin.patch('/api/v1/roles/manager', { permissions: original });
    }
    expect((await exporter.get('/api/v1/customers/export.csv')).statusCode).toBe(200);
  });

  it('a token stops working when its creator is deactivated', async () => {
    const temp = await ctx.newUser({ role: 'manager', username: 'token.leaver' });
    const t = await mint(temp, { name: '离职', permissions: ['customer:read'] });
    expect((await bearer(t.token).get('/api/v1/customers')).statusCode).toBe(200);
    await ctx.admin.patch(`/api/v1/users/${temp.userId}`, { active: false });
    problemOf(await bearer(t.token).get('/api/v1/customers'), 401);
  });

  it('revoke → the token gets 401; only its owner (or a user admin) can revoke it', async () => {
    const t = await mint(manager, { name: '待吊销', permissions: ['customer:read'] });
    const other = await ctx.newUser({ role: 'manager', username: 'token.other' });
    expect(problemOf(await other.delete(`/api/v1/tokens/${t.id}`), 404).detail).toBe('找不到该令牌');
    expect((await bearer(t.token).get('/api/v1/customers')).statusCode).toBe(200);
    expect((await manager.delete(`/api/v1/tokens/${t.id}`)).statusCode).toBe(204);
    const p = problemOf(await bearer(t.token).get('/api/v1/customers'), 401);
    expect(p.code).toBe('unauthenticated');
    const listed = (await manager.get('/api/v1/tokens')).json().items.find((x: { id: string }) => x.id === t.id);
    expect(listed.revokedAt).not.toBeNull();
    const audit = (await ctx.admin.get(`/api/v1/audit?action=revoke&entityId=${t.id}`)).json().items;
    expect(audit).toHaveLength(1);
  });

  it('a token cannot mint tokens, even one holding token:manage', async () => {
    const t = await mint(manager, { name: '有 token:manage', permissions: ['token:manage', 'customer:read'] });
    const before = await countRows(ctx.database, 'api_tokens');
    const p = problemOf(await bearer(t.token).post('/api/v1/tokens', { name: '套娃', permissions: ['customer:read'] }), 403);
    expect(p.code).toBe('forbidden');
    expect(await countRows(ctx.database, 'api_tokens')).toBe(before);
  });

  it('a role without token:manage cannot create tokens', async () => {
    const agent = await ctx.newUser({ role: 'agent' });
    const p = problemOf(await agent.post('/api/v1/tokens', { name: '客服的令牌' }), 403);
    expect(p.detail).toBe('没有权限执行此操作');
  });
});
