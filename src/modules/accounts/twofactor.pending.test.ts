/**
 * Two-factor sign-in (issue #18), the parts the sign-in page and the user admin page stand on:
 * - a browser reloaded on the code (or enrolment) step asks the server where its sign-in stands
 *   (GET /auth/two-factor/pending): the step and the session's CSRF token while the session waits, nothing once it is
 *   signed in, ended, expired or locked, or without a session;
 * - an administrator resets a user's two-factor sign-in: the user admins' list shows who has it, the reset is audited,
 *   ends the user's sessions, answers problem+json (403, 404, 409), and the user signs in without a code — or, when
 *   the company requires it of administrators, enrols again right after the password.
 */
import { sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

const code = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });
const freshStep = (userId: string) => ctx.database.db.execute(sql`update user_totp set last_step = null where user_id = ${userId}`);

async function signIn(login: string, password = 'Passw0rd!') {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password } });
  const body = ok(res);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { client: new Client(ctx.app, cookie, body.csrfToken, body.user.id), body, cookie };
}

/** The same browser after a reload: its cookie, but no CSRF token (it lived in the page's memory). */
const reloaded = (cookie: string) => new Client(ctx.app, cookie, null);

async function enrolled(role: string, username: string) {
  const client = await ctx.newUser({ role, username });
  const { secret } = ok(await client.post('/api/v1/auth/two-factor/enrol'));
  ok(await client.post('/api/v1/auth/two-factor/confirm', { code: code(secret) }));
  await freshStep(client.userId!);
  return { client, secret };
}

describe('a reload on the sign-in’s second step', () => {
  it('the server tells the step and gives the CSRF token back; the code then completes the same sign-in', async () => {
    const { secret } = await enrolled('agent', 'pend.code');
    const { body, cookie } = await signIn('pend.code');
    expect(body.twoFactor).toBe('code');
    const page = reloaded(cookie);
    const pending = await page.get('/api/v1/auth/two-factor/pending');
    expect(pending.headers['cache-control']).toBe('no-store');
    expect(ok(pending)).toEqual({ step: 'code', csrfToken: body.csrfToken });
    // Without the token the code's POST is refused; with the token the reload got, it signs the same session in.
    problemOf(await page.post('/api/v1/auth/two-factor/verify', { code: code(secret) }), 403);
    const again = new Client(ctx.app, cookie, ok(pending).csrfToken);
    ok(await again.post('/api/v1/auth/two-factor/verify', { code: code(secret) }));
    expect(ok(await again.get('/api/v1/auth/me')).user.username).toBe('pend.code');
    // Signed in: no step waits any more.
    expect(ok(await reloaded(cookie).get('/api/v1/auth/two-factor/pending'))).toEqual({ step: null, csrfToken: null });
  });

  it('no step without a session, after signing out, once expired, or once a lock ended it', async () => {
    expect(ok(await ctx.anon.get('/api/v1/auth/two-factor/pending'))).toEqual({ step: null, csrfToken: null });
    expect(ok(await reloaded('hearth_session=nonsense').get('/api/v1/auth/two-factor/pending'))).toEqual({ step: null, csrfToken: null });
    await enrolled('agent', 'pend.end');
    const out = await signIn('pend.end');
    expect((await out.client.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect(ok(await reloaded(out.cookie).get('/api/v1/auth/two-factor/pending')).step).toBeNull();
    // The waiting session's few minutes have passed.
    const late = await signIn('pend.end');
    await ctx.database.db.execute(sql`update sessions set expires_at = now() - interval '1 minute' where user_id = ${late.body.user.id} and pending is not null`);
    expect(ok(await reloaded(late.cookie).get('/api/v1/auth/two-factor/pending')).step).toBeNull();
    // Wrong codes lock the account, which ends the waiting session.
    const locked = await signIn('pend.end');
    for (let i = 1; i <= ctx.config.loginMaxFailures; i++) await locked.client.post('/api/v1/auth/two-factor/verify', { code: '000000' });
    expect(ok(await reloaded(locked.cookie).get('/api/v1/auth/two-factor/pending')).step).toBeNull();
    ok(await ctx.admin.patch(`/api/v1/users/${locked.body.user.id}`, { unlock: true }));
  });

  it('an administrator who must enrol is back on the enrolment step', async () => {
    await ctx.newUser({ role: 'admin', username: 'pend.admin' });
    ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: true }));
    try {
      const { body, cookie } = await signIn('pend.admin');
      expect(body.twoFactor).toBe('enrol');
      expect(ok(await reloaded(cookie).get('/api/v1/auth/two-factor/pending'))).toEqual({ step: 'enrol', csrfToken: body.csrfToken });
    } finally {
      ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: false }));
    }
  });
});

describe('an administrator resets a user’s two-factor sign-in', () => {
  it('the list shows who has it; the reset is audited, ends their sessions, and they sign in without a code', async () => {
    const { client } = await enrolled('agent', 'reset.agent');
    const plain = await ctx.newUser({ role: 'agent', username: 'reset.plain' });
    const users = ok(await ctx.admin.get('/api/v1/users')).items as { id: string; twoFactor?: boolean }[];
    expect(users.find((u) => u.id === client.userId)!.twoFactor).toBe(true);
    expect(users.find((u) => u.id === plain.userId)!.twoFactor).toBe(false);
    // Colleagues without user:manage are not told.
    expect((ok(await plain.get('/api/v1/users')).items as { id: string; twoFactor?: boolean }[]).find((u) => u.id === client.userId)).not.toHaveProperty('twoFactor');
    expect((await signIn('reset.agent')).body.twoFactor).toBe('code');

    // Refusals are problem+json in the caller's language.
    problemOf(await plain.delete(`/api/v1/users/${client.userId}/two-factor`), 403);
    problemOf(await ctx.admin.delete('/api/v1/users/5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a/two-factor'), 404);
    problemOf(await ctx.admin.delete(`/api/v1/users/${plain.userId}/two-factor`), 409);
    expect(problemOf(await ctx.admin.delete('/api/v1/users/not-an-id/two-factor'), 400).errors[0]!.field).toBe('id');

    expect((await ctx.admin.delete(`/api/v1/users/${client.userId}/two-factor`)).statusCode).toBe(204);
    problemOf(await client.get('/api/v1/auth/me'), 401);
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=user&entityId=${client.userId}`)).items as { action: string; actor: { id: string } | null }[];
    expect(audit.find((e) => e.action === 'two_factor_reset')).toBeTruthy();
    expect((ok(await ctx.admin.get('/api/v1/users')).items as { id: string; twoFactor?: boolean }[]).find((u) => u.id === client.userId)!.twoFactor).toBe(false);
    const after = await signIn('reset.agent');
    expect(after.body.twoFactor).toBeNull();
    expect(ok(await after.client.get('/api/v1/auth/me')).user.username).toBe('reset.agent');
  });

  it('an administrator reset while the company requires it enrols again at the next sign-in', async () => {
    const { client } = await enrolled('admin', 'reset.admin');
    ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: true }));
    try {
      expect((await ctx.admin.delete(`/api/v1/users/${client.userId}/two-factor`)).statusCode).toBe(204);
      const next = await signIn('reset.admin');
      expect(next.body.twoFactor).toBe('enrol');
      problemOf(await next.client.get('/api/v1/users'), 401);
      const { secret } = ok(await next.client.post('/api/v1/auth/two-factor/enrol'));
      ok(await next.client.post('/api/v1/auth/two-factor/confirm', { code: code(secret) }));
      expect(ok(await next.client.get('/api/v1/auth/me')).user.username).toBe('reset.admin');
    } finally {
      ok(await ctx.admin.put('/api/v1/security/settings', { requireAdminTwoFactor: false }));
    }
  });
});
