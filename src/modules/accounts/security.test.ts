/**
 * Two-factor sign-in and sessions (issue #18): TOTP enrolment (QR code and key, confirmed with a code, recovery codes
 * hashed), the sign-in's code step (the waiting session reaches nothing else; a code is good once; a recovery code
 * once; wrong codes lock the account), turning it off, an administrator's reset, the company's policy for
 * administrators (enrolment right after the password); my sessions listed and ended, one or all others, and an
 * administrator ending a user's.
 */
import { sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

const code = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });
/** Lets the next code of this step be accepted again (each step is good once; a test signs in more often than every 30 s). */
const freshStep = (userId: string) => ctx.database.db.execute(sql`update user_totp set last_step = null where user_id = ${userId}`);

/** Signs in with a password only: the client (its session may wait for a second step) and the answer. */
async function signIn(login: string, password = 'Passw0rd!', userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36') {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password }, headers: { 'user-agent': userAgent } });
  const body = ok(res);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { client: new Client(ctx.app, cookie, body.csrfToken, body.user.id, { 'user-agent': userAgent }), body };
}

/** A new user with two-factor sign-in on: the client, its secret and its recovery codes. */
async function enrolled(role: string, username: string) {
  const client = await ctx.newUser({ role, username });
  const { secret } = ok(await client.post('/api/v1/auth/two-factor/enrol'));
  const { recoveryCodes } = ok(await client.post('/api/v1/auth/two-factor/confirm', { code: code(secret) }));
  await freshStep(client.userId!);
  return { client, secret, recoveryCodes: recoveryCodes as string[] };
}

describe('two-factor sign-in', () => {
  it('enrols with a QR code and the key; a wrong code is refused naming the field; the right one turns it on', async () => {
    const me = await ctx.newUser({ role: 'agent', username: 'tfa.enrol' });
    expect(ok(await me.get('/api/v1/auth/two-factor'))).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0, required: false });
    const enrol = ok(await me.post('/api/v1/auth/two-factor/enrol'));
    expect(enrol.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.uri).toMatch(/^otpauth:\/\/totp\/.*tfa\.enrol\?.*secret=[A-Z2-7]{32}/);
    expect(decodeURIComponent(enrol.uri)).toContain('issuer=测试热力公司');
    expect(enrol.qr).toMatch(/^data:image\/png;base64,/);
    const wrong = problemOf(await me.post('/api/v1/auth/two-factor/confirm', { code: '000000' }), 400);
    expect(wrong.errors).toEqual([{ field: 'code', message: '验证码不正确或已使用过' }]);
    const en = problemOf(await me.lang('en').post('/api/v1/auth/two-factor/confirm', { code: 'abc' }), 400);
    expect(en.errors[0]).toMatchObject({ field: 'code', message: 'The code is wrong or was used already' });
    const { recoveryCodes } = ok(await me.post('/api/v1/auth/two-factor/confirm', { code: code(enrol.secret) }));
    expect(recoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect(ok(await me.get('/api/v1/auth/two-factor'))).toMatchObject({ enabled: true, recoveryCodesLeft: 10, required: false });
    problemOf(await me.post('/api/v1/auth/two-factor/enrol'), 409);
    problemOf(await me.post('/api/v1/auth/two-factor/confirm', { code: code(enrol.secret, 1) }), 409);
    // Stored sealed; the recovery codes as hashes only.
    const [row] = rowsOf<{ secret: string; codes: string }>(await ctx.database.db.execute(sql`select secret, recovery_codes::text as codes from user_totp where user_id = ${me.userId}`));
    expect(row!.secret).toMatch(/^hsec:v1:/);
    expect(row!.secret).not.toContain(enrol.secret);
    for (const c of recoveryCodes) expect(row!.codes).not.toContain(c.replace(/-/g, ''));
  });

  it('sign-in then asks for the code; the waiting session reaches nothing else; a code is good once', async () => {
    const { secret } = await enrolled('agent', 'tfa.signin');
    const { client, body } = await signIn('tfa.signin');
    expect(body.twoFactor).toBe('code');
    expect(problemOf(await client.get('/api/v1/customers'), 401).detail).toBe('请先完成两步验证');
    expect(problemOf(await client.lang('en').get('/api/v1/auth/me'), 401).detail).toBe('Finish two-step verification first');
    problemOf(await client.post('/api/v1/auth/two-factor/enrol'), 403);
    expect(problemOf(await client.post('/api/v1/auth/two-factor/verify', { code: '123456' }), 400).errors[0]!.field).toBe('code');
    const good = code(secret);
    const done = ok(await client.post('/api/v1/auth/two-factor/verify', { code: good }));
    expect(done).toMatchObject({ user: { username: 'tfa.signin' }, twoFactor: null, csrfToken: body.csrfToken });
    expect(ok(await client.get('/api/v1/auth/me')).user.username).toBe('tfa.signin');
    // The same code again (another sign-in within its 30 seconds) is refused.
    const again = await signIn('tfa.signin');
    problemOf(await again.client.post('/api/v1/auth/two-factor/verify', { code: good }), 400);
    // Without a waiting sign-in there is nothing to verify.
    problemOf(await client.post('/api/v1/auth/two-factor/verify', { code: code(secret, 1) }), 409);
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=user&entityId=${client.userId}`)).items.map((e: any) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['two_factor_enable', 'login', 'login_two_factor', 'two_factor_failed']));
  });

  it('a recovery code signs in once', async () => {
    const { recoveryCodes } = await enrolled('agent', 'tfa.recovery');
    const first = await signIn('tfa.recovery');
    ok(await first.client.post('/api/v1/auth/two-factor/verify', { code: recoveryCodes[0]!.toUpperCase().replace(/-/g, ' ') }));
    expect(ok(await first.client.get('/api/v1/auth/two-factor')).recoveryCodesLeft).toBe(9);
    const second = await signIn('tfa.recovery');
    problemOf(await second.client.post('/api/v1/auth/two-factor/verify', { code: recoveryCodes[0] }), 400);
  });

  it('wrong codes count as failed sign-ins: the account locks and the waiting session ends', async () => {
    const { client: user, secret } = await enrolled('agent', 'tfa.lock');
    const { client } = await signIn('tfa.lock');
    for (let i = 1; i < ctx.config.loginMaxFailures; i++) problemOf(await client.post('/api/v1/auth/two-factor/verify', { code: '000000' }), 400);
    expect(problemOf(await client.post('/api/v1/auth/two-factor/verify', { code: '000000' }), 423).code).toBe('locked');
    // The waiting session is gone, and the right code does not help while locked.
    problemOf(await client.post('/api/v1/auth/two-factor/verify', { code: code(secret) }), 401);
    problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'tfa.lock', password: 'Passw0rd!' }), 423);
    ok(await ctx.admin.patch(`/api/v1/users/${user.userId}`, { unlock: true }));
    expect((await signIn('tfa.lock')).body.twoFactor).toBe('code');
  });

  it('turning it off needs the password and a code; an administrator can remove a user’s', async () => {
    const { client, secret } = await enrolled('agent', 'tfa.off');
    expect(problemOf(await client.post('/api/v1/auth/two-factor/disable', { code: code(secret), password: 'wrong' }), 400).errors[0]!.field).toBe('password');
    expect(problemOf(await client.post('/api/v1/auth/two-factor/disable', { code: '999999', password: 'Passw0rd!' }), 400).errors[0]!.field).toBe('code');
    expect((await client.post('/api/v1/auth/two-factor/disable', { code: code(secret), password: 'Passw0rd!' })).statusCode).toBe(204);
    expect((await signIn('tfa.off')).body.twoFactor).toBeNull();

    const other = await enrolled('agent', 'tfa.reset');
    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.delete(`/api/v1/users/${other.client.userId}/two-factor`), 403);
    expect((await ctx.admin.delete(`/api/v1/users/${other.client.userId}/two-factor`)).statusCode).toBe(204);
    problemOf(await other.client.get('/api/v1/auth/me'), 401); // their sessions ended
    expect((await signIn('tfa.reset')).body.twoFactor).toBeNull();
    problemOf(await ctx.admin.delete(`/api/v1/users/${other.client.userId}/two-factor`), 409);
  });

  it('the company can require it of administrators: one without it enrols right after the password', async () => {
    const agent = await ctx.newUser({ role: 'agent', username: 'tfa.plain' });
    problemOf(await agent.put('/api/v1/security/settings', { requireAdminTwoFactor: true }), 403);
    expect(problemOf(await ctx.admin.lang('en').put('/api/v1/security/settings', { requireAdminTwoFactor: 'yes' }), 400).errors[0]!.field).toBe('requireAdminTwoFactor');
    await ctx.newUser({ role: 'admin', username: 'tfa.admin' });
    expect(ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: true }))).toEqual({ requireAdminTwoFactor: true });
    try {
      const { client, body } = await signIn('tfa.admin');
      expect(body.twoFactor).toBe('enrol');
      problemOf(await client.get('/api/v1/users'), 401);
      const { secret } = ok(await client.post('/api/v1/auth/two-factor/enrol'));
      ok(await client.post('/api/v1/auth/two-factor/confirm', { code: code(secret) }));
      expect(ok(await client.get('/api/v1/auth/me')).user.username).toBe('tfa.admin');
      expect(ok(await client.get('/api/v1/auth/two-factor'))).toMatchObject({ enabled: true, required: true });
      problemOf(await client.post('/api/v1/auth/two-factor/disable', { code: code(secret, 1), password: 'Passw0rd!' }), 409);
      // Next time: the code. Someone who is not an administrator signs in with the password alone.
      expect((await signIn('tfa.admin')).body.twoFactor).toBe('code');
      expect((await signIn('tfa.plain')).body.twoFactor).toBeNull();
    } finally {
      ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: false }));
    }
  });
});

describe('sessions', () => {
  it('lists my sessions with the browser, address and times; ends one, or all the others', async () => {
    await ctx.newUser({ role: 'agent', username: 'sess.me' });
    const a = (await signIn('sess.me', 'Passw0rd!', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15')).client;
    const b = (await signIn('sess.me', 'Passw0rd!', 'Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36 MicroMessenger/8.0')).client;
    const c = (await signIn('sess.me')).client;
    const list = ok(await a.get('/api/v1/auth/sessions')).items as any[];
    expect(list.length).toBe(4); // newUser signed in once too
    const mine = list.find((s) => s.current)!;
    expect(mine).toMatchObject({ device: 'Safari · macOS', ip: '127.0.0.1' });
    expect(list.map((s) => s.device)).toEqual(expect.arrayContaining(['WeChat · Android', 'Chrome · Windows']));
    expect(list.filter((s) => s.current)).toHaveLength(1);
    for (const s of list) expect(s.id).toMatch(/^[0-9a-f]{32}$/);
    const wechat = list.find((s) => s.device === 'WeChat · Android')!;
    expect((await a.delete(`/api/v1/auth/sessions/${wechat.id}`)).statusCode).toBe(204);
    problemOf(await b.get('/api/v1/auth/me'), 401);
    problemOf(await a.delete(`/api/v1/auth/sessions/${wechat.id}`), 404);
    expect(ok(await a.post('/api/v1/auth/sessions/revoke-others'))).toEqual({ revoked: 2 });
    problemOf(await c.get('/api/v1/auth/me'), 401);
    expect(ok(await a.get('/api/v1/auth/sessions')).items).toHaveLength(1);
    // Another user's session handle is not mine to end.
    const otherHandle = (ok(await ctx.admin.get('/api/v1/auth/sessions')).items as any[])[0].id;
    problemOf(await a.delete(`/api/v1/auth/sessions/${otherHandle}`), 404);
    ok(await ctx.admin.get('/api/v1/auth/me'));
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=user&entityId=${a.userId}`)).items.map((e: any) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['session_revoke', 'session_revoke_others']));
  });

  it('an administrator lists and ends a user’s sessions; others may not', async () => {
    const user = await ctx.newUser({ role: 'agent', username: 'sess.other' });
    const agent = await ctx.newUser({ role: 'agent' });
    problemOf(await agent.get(`/api/v1/users/${user.userId}/sessions`), 403);
    problemOf(await agent.delete(`/api/v1/users/${user.userId}/sessions`), 403);
    expect(ok(await ctx.admin.get(`/api/v1/users/${user.userId}/sessions`)).items).toHaveLength(1);
    expect(ok(await ctx.admin.delete(`/api/v1/users/${user.userId}/sessions`))).toEqual({ revoked: 1 });
    problemOf(await user.get('/api/v1/auth/me'), 401);
    problemOf(await ctx.admin.get('/api/v1/users/5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a/sessions'), 404);
  });
});
