/**
 * The accounts module's security routes (issue #18): two-factor sign-in (status, enrolment, the sign-in's code step,
 * recovery codes, turning it off, an administrator's reset), my sessions and a user's (list, revoke), and the
 * company's policy. The routes of a sign-in's second step (`twoFactorStep`) are reached by a session still waiting
 * for it; every other route treats such a session as not signed in.
 */
import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { loginView } from './accounts.schemas.js';
import { pendingSignInView, recoveryCodesView, revokedView, securitySettingsView, sessionList, twoFactorEnrolmentView, twoFactorStatusView } from './security.schemas.js';
import { disableTwoFactorBody, securitySettingsBody, sessionParam, twoFactorCodeBody, userIdParam } from './security.types.js';
import { listMySessions, listUserSessions, revokeMySession, revokeOtherSessions, revokeUserSessions } from './sessions.service.js';
import {
  beginEnrolment,
  confirmEnrolment,
  disableTwoFactor,
  getSecurityPolicy,
  regenerateRecoveryCodes,
  resetUserTwoFactor,
  twoFactorStatus,
  updateSecurityPolicy,
  verifySignIn,
} from './twofactor.service.js';
import { toUserView } from './views.js';

export async function securityRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db, config } = ctx;
  // Code attempts: per address as sign-in is (the account's lock counts them per user as well).
  const codeLimit = { rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } };
  // A session still waiting for its second step reaches these (and only these).
  const step = { twoFactorStep: true, ...codeLimit };
  const tags = ['auth'];

  // After a reload on the code step: the browser asks the server where its sign-in stands (the pending session is the
  // record of it; nothing is kept in the browser), and gets the CSRF token the step's writes need back. Public: without
  // a session, or with an ended one, the answer is simply "no step".
  app.get(
    '/api/v1/auth/two-factor/pending',
    { config: { public: true, twoFactorStep: true }, schema: { tags, summary: "The second step this browser's sign-in still waits for (the code, or enrolment)", response: { 200: pendingSignInView } } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const pending = req.actor ? req.session?.pending : null;
      return pending ? { step: pending === 'totp' ? ('code' as const) : ('enrol' as const), csrfToken: req.session!.csrfToken } : { step: null, csrfToken: null };
    },
  );
  app.get('/api/v1/auth/two-factor', { schema: { tags, summary: 'My two-factor sign-in', response: { 200: twoFactorStatusView } } }, async (req) =>
    twoFactorStatus(db, req.actor),
  );
  app.post(
    '/api/v1/auth/two-factor/enrol',
    { config: step, schema: { tags, summary: 'Start enrolling an authenticator app: its secret as a QR code and as text', response: { 200: twoFactorEnrolmentView } } },
    async (req) => beginEnrolment(db, req.actor, req.session?.pending),
  );
  app.post(
    '/api/v1/auth/two-factor/confirm',
    { config: { ...step, fieldLabels: 'two_factor' }, schema: { tags, summary: "Turn two-factor sign-in on with the app's first code; the recovery codes, shown once", body: twoFactorCodeBody, response: { 200: recoveryCodesView } } },
    async (req) => confirmEnrolment(ctx, req.actor, req.body.code, req.session),
  );
  app.post(
    '/api/v1/auth/two-factor/verify',
    { config: { ...step, fieldLabels: 'two_factor' }, schema: { tags, summary: "The sign-in's second step: the app's code or a recovery code", body: twoFactorCodeBody, response: { 200: loginView } } },
    async (req) => {
      const user = await verifySignIn(ctx, req.actor, req.session, req.body.code);
      return { user: toUserView(user), csrfToken: req.session!.csrfToken, twoFactor: null };
    },
  );
  app.post(
    '/api/v1/auth/two-factor/recovery-codes',
    { config: { fieldLabels: 'two_factor', ...codeLimit }, schema: { tags, summary: 'New recovery codes (the old ones stop working)', body: twoFactorCodeBody, response: { 200: recoveryCodesView } } },
    async (req) => regenerateRecoveryCodes(db, req.actor, req.body.code),
  );
  app.post(
    '/api/v1/auth/two-factor/disable',
    { config: { fieldLabels: 'two_factor', ...codeLimit }, schema: { tags, summary: 'Turn two-factor sign-in off (password and a code)', body: disableTwoFactorBody, response: { 204: noContent } } },
    async (req, reply) => {
      await disableTwoFactor(db, req.actor, req.body);
      return reply.code(204).send();
    },
  );
  app.delete(
    '/api/v1/users/:id/two-factor',
    { schema: { tags: ['users'], summary: "Remove a user's two-factor sign-in (a lost phone); their sessions end", params: userIdParam, response: { 204: noContent } } },
    async (req, reply) => {
      await resetUserTwoFactor(db, req.actor, req.params.id);
      return reply.code(204).send();
    },
  );

  // --- sessions ------------------------------------------------------------------------------------------------
  app.get('/api/v1/auth/sessions', { schema: { tags, summary: 'My signed-in sessions', response: { 200: sessionList } } }, async (req) => ({
    items: await listMySessions(db, req.actor, req.session?.id ?? null),
  }));
  app.delete(
    '/api/v1/auth/sessions/:id',
    { schema: { tags, summary: 'End one of my sessions', params: sessionParam, response: { 204: noContent } } },
    async (req, reply) => {
      await revokeMySession(db, req.actor, req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/auth/sessions/revoke-others',
    { schema: { tags, summary: 'End all my sessions but this one', response: { 200: revokedView } } },
    async (req) => ({ revoked: await revokeOtherSessions(db, req.actor, req.session?.id ?? null) }),
  );
  app.get(
    '/api/v1/users/:id/sessions',
    { schema: { tags: ['users'], summary: "A user's signed-in sessions", params: userIdParam, response: { 200: sessionList } } },
    async (req) => ({ items: await listUserSessions(db, req.actor, req.params.id) }),
  );
  app.delete(
    '/api/v1/users/:id/sessions',
    { schema: { tags: ['users'], summary: 'Sign a user out everywhere', params: userIdParam, response: { 200: revokedView } } },
    async (req) => ({ revoked: await revokeUserSessions(db, req.actor, req.params.id) }),
  );

  // --- the company's policy ------------------------------------------------------------------------------------
  app.get('/api/v1/security/settings', { schema: { tags: ['settings'], summary: "The company's sign-in policy", response: { 200: securitySettingsView } } }, async (req) =>
    getSecurityPolicy(db, req.actor),
  );
  app.put(
    '/api/v1/security/settings',
    { schema: { tags: ['settings'], summary: 'Require two-factor sign-in of administrators', body: securitySettingsBody, response: { 200: securitySettingsView } } },
    async (req) => db.transaction((tx) => updateSecurityPolicy(tx, req.actor, req.body)),
  );
}
