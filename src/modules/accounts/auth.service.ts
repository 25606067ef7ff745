import { createHash, randomBytes } from 'node:crypto';
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';
import { dummyHash, hashPassword, isStrongEnough, verifyPassword } from '../../platform/auth/password.js';
import type { ServiceContext } from '../../platform/context.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { normalizePhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import {
  deleteSession,
  deleteUserSessions,
  findLiveSession,
  findLiveToken,
  findUserById,
  findUserByLogin,
  insertSession,
  recordLoginFailure,
  touchSession,
  touchToken,
  updateUser,
  type UserRow,
} from './accounts.repository.js';
import { cachedCredential, roleGrants, teamReach } from './directory.js';
import { PENDING_MINUTES, signInStep } from './twofactor.service.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export type RequestInfo = { ip: string | null; userAgent: string | null; locale: Locale };

export async function actorFor(
  ctx: ServiceContext,
  user: UserRow,
  via: Actor['via'],
  info: RequestInfo,
  restrictTo?: readonly string[],
): Promise<Actor> {
  const grants = await roleGrants(ctx.db, user.roleKey);
  let permissions = grants.permissions;
  if (restrictTo) {
    const allowed = new Set(restrictTo);
    permissions = new Set([...permissions].filter((p) => allowed.has(p)));
  }
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    roleKey: user.roleKey,
    permissions: permissions as ReadonlySet<Permission>,
    scope: grants.scope,
    fieldGrants: grants.fieldGrants,
    teamId: user.teamId,
    teamIds: await teamReach(ctx.db, user.teamId),
    via,
    ip: info.ip,
    userAgent: info.userAgent,
    locale: info.locale,
  };
}

/**
 * Someone else as an actor (their current role and team reach), to check what they may see — e.g. whether the
 * assignee of a task reaches its customer. Uses only `db`, so it works inside a transaction. Null when inactive.
 */
export async function actorOfUser(db: DbOrTx, userId: string): Promise<Actor | null> {
  const user = await findUserById(db, userId);
  if (!user || !user.active) return null;
  const grants = await roleGrants(db, user.roleKey);
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    roleKey: user.roleKey,
    permissions: grants.permissions,
    scope: grants.scope,
    fieldGrants: grants.fieldGrants,
    teamId: user.teamId,
    teamIds: await teamReach(db, user.teamId),
    via: 'system',
    ip: null,
    userAgent: null,
    locale: user.locale ?? 'zh-CN',
  };
}

/** The actor of a background job started by a user: their current role; null when the user is gone or inactive. */
export async function actorForUserId(ctx: ServiceContext, userId: string): Promise<Actor | null> {
  const user = await findUserById(ctx.db, userId);
  if (!user || !user.active) return null;
  return actorFor(ctx, user, 'system', { ip: null, userAgent: null, locale: ctx.config.defaultLocale });
}

export type LoginResult = { sessionToken: string; csrfToken: string; expiresAt: Date; user: UserRow; twoFactor: 'code' | 'enrol' | null };

/** Sign-in by username or mobile number. Repeated failures lock the account for a while. */
export async function login(
  ctx: ServiceContext,
  input: { login: string; password: string },
  info: RequestInfo,
): Promise<LoginResult> {
  const { db, config } = ctx;
  const user = await findUserByLogin(db, input.login, normalizePhone(input.login));
  if (!user) {
    await verifyPassword(input.password, await dummyHash());
    throw new AppError('unauthenticated', 'auth.bad_credentials');
  }
  const now = new Date();
  if (user.lockedUntil && user.lockedUntil > now) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
    throw new AppError('locked', 'auth.locked', { minutes });
  }
  const ok = await verifyPassword(input.password, user.passwordHash);
  if (!ok) {
    const after = await recordLoginFailure(db, user.id, config.loginMaxFailures, config.loginLockMinutes);
    const actor = await actorFor(ctx, user, 'session', info);
    await recordAudit(db, actor, { action: 'login_failed', entityType: 'user', entityId: user.id });
    if (after?.lockedUntil && after.lockedUntil > now) {
      throw new AppError('locked', 'auth.locked', { minutes: Math.ceil(config.loginLockMinutes) });
    }
    throw new AppError('unauthenticated', 'auth.bad_credentials');
  }
  if (!user.active) throw new AppError('forbidden', 'auth.inactive');

  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  // Built outside the transaction: PGlite has one connection, so a query on `db` inside it would wait forever.
  const actor = await actorFor(ctx, user, 'session', info);
  // Two-factor sign-in (twofactor.service.ts): the session waits for the code (or enrolment) for a few minutes.
  const pending = await signInStep(db, user.id, actor.permissions);
  const expiresAt = new Date(now.getTime() + (pending ? PENDING_MINUTES * 60_000 : config.sessionIdleHours * 3_600_000));
  await db.transaction(async (tx) => {
    // A sign-in still waiting for its code has not succeeded: failed codes keep counting towards the lock.
    await updateUser(tx, user.id, pending === 'totp' ? {} : { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
    await insertSession(tx, {
      id: sha256(sessionToken),
      userId: user.id,
      csrfToken,
      ip: info.ip,
      userAgent: info.userAgent?.slice(0, 300) ?? null,
      expiresAt,
      pending,
    });
    await recordAudit(tx, actor, { action: 'login', entityType: 'user', entityId: user.id, ...(pending ? { changes: { twoFactor: pending } } : {}) });
  });
  return { sessionToken, csrfToken, expiresAt, user, twoFactor: pending === 'totp' ? 'code' : pending };
}

/** Resolves a session cookie: idle timeout slides, the absolute lifetime does not. */
export async function authenticateSession(ctx: ServiceContext, token: string, info: RequestInfo) {
  const id = sha256(token);
  const row = await cachedCredential(ctx.db, `session:${id}`, () => findLiveSession(ctx.db, id));
  if (!row || !row.user.active) return null;
  const now = Date.now();
  if (now - row.session.createdAt.getTime() > ctx.config.sessionMaxDays * 86_400_000) {
    await deleteSession(ctx.db, id);
    return null;
  }
  // Slide the idle timeout, at most once a minute per session (not a write per request); a sign-in waiting for its
  // second step keeps its few minutes.
  if (!row.session.pending && now - row.session.lastSeenAt.getTime() > 60_000) {
    await touchSession(ctx.db, id, new Date(now + ctx.config.sessionIdleHours * 3_600_000));
  }
  const actor = await actorFor(ctx, row.user, 'session', info);
  return { actor, session: { id, csrfToken: row.session.csrfToken, pending: row.session.pending } };
}

/** Resolves a Bearer token: its permissions are cut to what its creator holds now. */
export async function authenticateToken(ctx: ServiceContext, token: string, info: RequestInfo) {
  if (!token.startsWith('hth_')) return null;
  const hash = sha256(token);
  const row = await cachedCredential(ctx.db, `token:${hash}`, () => findLiveToken(ctx.db, hash));
  if (!row || !row.user.active) return null;
  if (!row.token.lastUsedAt || Date.now() - row.token.lastUsedAt.getTime() > 60_000) await touchToken(ctx.db, row.token.id);
  const actor = await actorFor(ctx, row.user, 'token', info, row.token.permissions);
  return { actor, session: null };
}

export async function logout(ctx: ServiceContext, actor: Actor | null, sessionId: string | null): Promise<void> {
  if (!sessionId) return;
  await deleteSession(ctx.db, sessionId);
  if (actor) await recordAudit(ctx.db, actor, { action: 'logout', entityType: 'user', entityId: actor.userId });
}

export async function changePassword(
  ctx: ServiceContext,
  actor: Actor | null,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string | null,
): Promise<void> {
  requireAccess(actor);
  if (!actor.userId) throw AppError.forbidden();
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw AppError.notFound('users.not_found');
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw AppError.field('currentPassword', 'auth.wrong_password');
  }
  if (!isStrongEnough(input.newPassword)) throw AppError.field('newPassword', 'auth.weak_password');
  const hash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash: hash, passwordChangedAt: new Date() });
    // Every other session of this user ends.
    await deleteUserSessions(tx, user.id, keepSessionId ?? undefined);
    await recordAudit(tx, actor, { action: 'change_password', entityType: 'user', entityId: user.id });
  });
}
