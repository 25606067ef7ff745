import { z } from 'zod';
import { scopeName } from '../../platform/auth/access.js';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { SESSION_COOKIE } from '../../platform/http/server.js';
import { noContent } from '../../platform/http/response.js';
import { companySettingsWithLogo } from '../settings/index.js';
import {
  changePasswordBody,
  createTokenBody,
  createUserBody,
  idParam,
  loginBody,
  resetPasswordBody,
  rolePatch,
  setupBody,
  teamBody,
  teamPatch,
  updateUserBody,
} from './accounts.types.js';
import { findUserById } from './accounts.repository.js';
import { invalidateDirectory } from './directory.js';
import { changePassword, login, logout } from './auth.service.js';
import { listRoles, updateRole } from './roles.service.js';
import { fieldGrantRoutes } from './field-grants.routes.js';
import { securityRoutes } from './security.routes.js';
import { runSetup, setupStatus } from './setup.service.js';
import { createTeam, deleteTeam, listTeams, updateTeam } from './teams.service.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';
import { createUser, listUsers, resetPassword, updateUser } from './users.service.js';
import { toUserView } from './views.js';
import {
  createdTokenView,
  loginView,
  meView,
  roleList,
  roleView,
  setupResultView,
  setupStatusView,
  teamList,
  teamView,
  tokenList,
  userList,
  userView,
} from './accounts.schemas.js';

const info = (req: { ip: string; headers: Record<string, unknown>; locale: 'zh-CN' | 'en' }) => ({
  ip: req.ip,
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
  locale: req.locale,
});

export async function accountsRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db, config } = ctx;
  /** Roles and teams are cached (directory.ts): drop the cache again once a change is committed, not only inside it. */
  const thenInvalidate = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      invalidateDirectory(db);
    }
  };

  // --- first run -------------------------------------------------------------------------------------------
  app.get('/api/v1/setup', { config: { public: true }, schema: { tags: ['setup'], summary: 'Is first-run setup needed?', response: { 200: setupStatusView } } }, async () =>
    setupStatus(db),
  );
  app.post(
    '/api/v1/setup',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: { tags: ['setup'], summary: 'Create the company and the first admin (only while no user exists)', body: setupBody, response: { 201: setupResultView } },
    },
    async (req, reply) => {
      const admin = await runSetup(db, req.body, info(req));
      return reply.code(201).send({ admin });
    },
  );

  // --- sessions --------------------------------------------------------------------------------------------
  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'Sign in with username or mobile number', body: loginBody, response: { 200: loginView } },
    },
    async (req, reply) => {
      const result = await login(ctx, req.body, info(req));
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        maxAge: config.sessionMaxDays * 86_400,
      });
      return { user: toUserView(result.user), csrfToken: result.csrfToken, twoFactor: result.twoFactor };
    },
  );
  app.post('/api/v1/auth/logout', { config: { public: true }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: noContent } } }, async (req, reply) => {
    await logout(ctx, req.actor, req.session?.id ?? null);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user, permissions and company', response: { 200: meView } } }, async (req) => {
    const actor = req.actor!;
    const user = actor.userId ? await findUserById(db, actor.userId) : undefined;
    return {
      user: user ? toUserView(user) : null,
      permissions: [...actor.permissions].sort(),
      scope: scopeName(actor),
      via: actor.via,
      csrfToken: req.session?.csrfToken ?? null,
      company: await companySettingsWithLogo(db),
    };
  });
  app.post(
    '/api/v1/auth/password',
    { schema: { tags: ['auth'], summary: 'Change my password', body: changePasswordBody, response: { 204: noContent } } },
    async (req, reply) => {
      await changePassword(ctx, req.actor, req.body, req.session?.id ?? null);
      return reply.code(204).send();
    },
  );

  // --- API tokens ------------------------------------------------------------------------------------------
  app.get('/api/v1/tokens', { schema: { tags: ['tokens'], summary: 'My API tokens (all, for user admins)', response: { 200: tokenList } } }, async (req) => ({
    items: await listTokens(db, req.actor),
  }));
  app.post('/api/v1/tokens', { schema: { tags: ['tokens'], summary: 'Create an API token', body: createTokenBody, response: { 201: createdTokenView } } }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createToken(tx, req.actor, req.body))),
  );
  app.delete('/api/v1/tokens/:id', { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => revokeToken(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  // --- users -----------------------------------------------------------------------------------------------
  app.get('/api/v1/users', { schema: { tags: ['users'], summary: 'List users', response: { 200: userList } } }, async (req) => ({
    items: await listUsers(db, req.actor),
  }));
  app.post('/api/v1/users', { schema: { tags: ['users'], summary: 'Create a user', body: createUserBody, response: { 201: userView } } }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createUser(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/users/:id',
    { schema: { tags: ['users'], summary: 'Change a user (role, team, active, unlock …)', params: idParam, body: updateUserBody, response: { 200: userView } } },
    async (req) => db.transaction((tx) => updateUser(tx, req.actor, req.params.id, req.body)),
  );
  app.post(
    '/api/v1/users/:id/password',
    { schema: { tags: ['users'], summary: "Reset a user's password", params: idParam, body: resetPasswordBody, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => resetPassword(tx, req.actor, req.params.id, req.body.password));
      return reply.code(204).send();
    },
  );

  // --- teams -----------------------------------------------------------------------------------------------
  app.get('/api/v1/teams', { schema: { tags: ['teams'], summary: 'List teams (部门 / 班组)', response: { 200: teamList } } }, async (req) => ({
    items: await listTeams(db, req.actor),
  }));
  app.post('/api/v1/teams', { schema: { tags: ['teams'], summary: 'Create a team', body: teamBody, response: { 201: teamView } } }, async (req, reply) =>
    reply.code(201).send(await thenInvalidate(db.transaction((tx) => createTeam(tx, req.actor, req.body)))),
  );
  app.patch('/api/v1/teams/:id', { schema: { tags: ['teams'], summary: 'Change a team', params: idParam, body: teamPatch, response: { 200: teamView } } }, async (req) =>
    thenInvalidate(db.transaction((tx) => updateTeam(tx, req.actor, req.params.id, req.body))),
  );
  app.delete('/api/v1/teams/:id', { schema: { tags: ['teams'], summary: 'Delete an empty team', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await thenInvalidate(db.transaction((tx) => deleteTeam(tx, req.actor, req.params.id)));
    return reply.code(204).send();
  });

  // --- roles -----------------------------------------------------------------------------------------------
  app.get('/api/v1/roles', { schema: { tags: ['roles'], summary: 'Roles with their permissions and data scope', response: { 200: roleList } } }, async (req) => ({
    items: await listRoles(db, req.actor),
  }));
  app.patch(
    '/api/v1/roles/:key',
    { schema: { tags: ['roles'], summary: "Change a role's data scope or permissions", params: z.strictObject({ key: z.string().max(40) }), body: rolePatch, response: { 200: roleView } } },
    async (req) => thenInvalidate(db.transaction((tx) => updateRole(tx, req.actor, req.params.key, req.body))),
  );
  await fieldGrantRoutes(app, ctx); // 字段权限 (issue #18)
  await securityRoutes(app, ctx); // two-factor sign-in, sessions, the sign-in policy (issue #18)
}
