/**
 * TOTP two-factor sign-in (issue #18): enrolment (a secret shown as a QR code and as text, confirmed with a code),
 * recovery codes, the sign-in's second step, turning it off, and the company's policy that administrators must use it.
 *
 * - Codes: RFC 6238 through `otpauth` (30 s, 6 digits, SHA-1: what every authenticator app reads from the QR code),
 *   one step of clock drift either way, and each step accepted once (`last_step`): a code seen over a shoulder or in
 *   a log cannot be used again.
 * - Attempts: the routes are rate-limited per address, and every wrong code at sign-in counts as a failed sign-in
 *   (the account locks after LOGIN_MAX_FAILURES for LOGIN_LOCK_MINUTES, ending the waiting session), so six digits
 *   cannot be guessed at any useful speed.
 * - The secret is sealed (platform/secrets.ts) under the context `user_totp:<user id>`; recovery codes are 80 random
 *   bits, kept as SHA-256 hashes, each removed when used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { verifyPassword } from '../../platform/auth/password.js';
import type { ServiceContext } from '../../platform/context.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { openSecret, sealSecret, type SecretStore } from '../../platform/secrets.js';
import { recordAudit } from '../audit/index.js';
import { readCompanySettings, readSetting, writeSetting } from '../settings/index.js';
import { deleteUserSessions, findUserById, recordLoginFailure, updateUser, type UserRow } from './accounts.repository.js';
import type { RecoveryCodesView, SecuritySettingsView, TwoFactorEnrolmentView, TwoFactorStatusView } from './security.contract.js';
import { completeSession, deleteSessions, deleteTotp, findSession, findTotp, totpBatch, updateTotp, upsertPendingTotp, type TotpRow } from './security.repository.js';

const PERIOD = 30;
const DIGITS = 6;
const WINDOW = 1;
const RECOVERY_CODES = 10;
/** How long a sign-in may wait for its second step. */
export const PENDING_MINUTES = 10;
const POLICY_KEY = 'accounts.security';

export type Pending = 'totp' | 'enrol' | null | undefined;
export type SessionRef = { id: string; pending?: Pending } | null;

const secretContext = (userId: string) => `user_totp:${userId}`;

/** Administrators: roles that manage users, roles or settings (they can take over everything else). */
export const isAdministrator = (permissions: ReadonlySet<string>): boolean => ['user:manage', 'role:manage', 'settings:manage'].some((p) => permissions.has(p));

// ---- policy ------------------------------------------------------------------------------------------------------

export async function readSecurityPolicy(db: DbOrTx): Promise<SecuritySettingsView> {
  return { requireAdminTwoFactor: false, ...((await readSetting<Partial<SecuritySettingsView>>(db, POLICY_KEY)) ?? {}) };
}

export async function getSecurityPolicy(db: DbOrTx, actor: Actor | null): Promise<SecuritySettingsView> {
  requireAccess(actor, 'settings:manage');
  return readSecurityPolicy(db);
}

export async function updateSecurityPolicy(db: DbOrTx, actor: Actor | null, input: SecuritySettingsView): Promise<SecuritySettingsView> {
  requireAccess(actor, 'settings:manage');
  const before = await readSecurityPolicy(db);
  const after = { ...before, ...input };
  if (before.requireAdminTwoFactor !== after.requireAdminTwoFactor) {
    await writeSetting(db, POLICY_KEY, after);
    await recordAudit(db, actor, { action: 'security_settings', entityType: 'settings', entityId: 'security', changes: { requireAdminTwoFactor: [before.requireAdminTwoFactor, after.requireAdminTwoFactor] } });
  }
  return after;
}

/** The second step a sign-in with the right password still needs: the code, enrolment (policy), or none. */
export async function signInStep(db: DbOrTx, userId: string, permissions: ReadonlySet<string>): Promise<'totp' | 'enrol' | null> {
  const row = await findTotp(db, userId);
  if (row?.confirmedAt) return 'totp';
  if (isAdministrator(permissions) && (await readSecurityPolicy(db)).requireAdminTwoFactor) return 'enrol';
  return null;
}

// ---- codes -------------------------------------------------------------------------------------------------------

const totpOf = (secret: Secret, label = 'Hearth', issuer = 'Hearth') => new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret });

/** The time step a code matches (later than the last one accepted), else null. */
function matchCode(row: TotpRow, code: string, now: number): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const totp = totpOf(Secret.fromBase32(openSecret(row.secret, secretContext(row.userId))));
  const delta = totp.validate({ token, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return row.lastStep !== null && step <= row.lastStep ? null : step;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[^a-z2-7]/g, '');
const hashRecovery = (code: string) => createHash('sha256').update(normaliseRecovery(code)).digest('hex');

function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10);
    let bits = 0n;
    for (const b of bytes) bits = (bits << 8n) | BigInt(b);
    let text = '';
    for (let i = 15; i >= 0; i--) text += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
    return text.match(/.{4}/g)!.join('-');
  });
  return { codes, hashes: codes.map(hashRecovery) };
}

/** A code or a recovery code against the row: what to store if it is good, else null. */
function accept(row: TotpRow, code: string, now: number): { lastStep?: number; recoveryCodes?: string[]; recovery: boolean } | null {
  const step = matchCode(row, code, now);
  if (step !== null) return { lastStep: step, recovery: false };
  const hash = hashRecovery(code);
  const at = normaliseRecovery(code).length === 16 ? row.recoveryCodes.indexOf(hash) : -1;
  if (at < 0) return null;
  return { recoveryCodes: row.recoveryCodes.filter((_, i) => i !== at), recovery: true };
}

function userOf(actor: Actor | null): string {
  requireAccess(actor);
  if (!actor.userId) throw AppError.forbidden();
  return actor.userId;
}

// ---- my two-factor sign-in -----------------------------------------------------------------------------------------

export async function twoFactorStatus(db: DbOrTx, actor: Actor | null): Promise<TwoFactorStatusView> {
  const userId = userOf(actor);
  const row = await findTotp(db, userId);
  const on = !!row?.confirmedAt;
  return {
    enabled: on,
    enabledAt: row?.confirmedAt?.toISOString() ?? null,
    recoveryCodesLeft: row?.confirmedAt ? row.recoveryCodes.length : 0,
    required: isAdministrator(actor!.permissions) && (await readSecurityPolicy(db)).requireAdminTwoFactor,
  };
}

/** A new secret to scan (an enrolment not yet confirmed starts again); refused while enrolled. */
export async function beginEnrolment(db: DbOrTx, actor: Actor | null, pending: Pending): Promise<TwoFactorEnrolmentView> {
  const userId = userOf(actor);
  if (pending === 'totp') throw AppError.forbidden('auth.two_factor_pending');
  const secret = new Secret({ size: 20 });
  if (!(await upsertPendingTotp(db, userId, sealSecret(secret.base32, secretContext(userId))))) throw AppError.conflict('auth.two_factor_already');
  const company = (await readCompanySettings(db)).companyName;
  const uri = totpOf(secret, actor!.username, company || 'Hearth').toString();
  return { secret: secret.base32, uri, qr: await QRCode.toDataURL(uri, { margin: 1, width: 220, errorCorrectionLevel: 'M' }) };
}

/** The first code from the app turns it on; the recovery codes are shown once. A waiting `enrol` sign-in completes. */
export async function confirmEnrolment(ctx: ServiceContext, actor: Actor | null, code: string, session: SessionRef): Promise<RecoveryCodesView> {
  const userId = userOf(actor);
  if (session?.pending === 'totp') throw AppError.forbidden('auth.two_factor_pending');
  return ctx.db.transaction(async (tx) => {
    const row = await findTotp(tx, userId, true);
    if (!row) throw AppError.conflict('auth.two_factor_not_started', {}, 'code');
    if (row.confirmedAt) throw AppError.conflict('auth.two_factor_already');
    const step = matchCode(row, code, Date.now());
    if (step === null) throw AppError.field('code', 'auth.bad_code');
    const { codes, hashes } = newRecoveryCodes();
    await updateTotp(tx, userId, { confirmedAt: new Date(), lastStep: step, recoveryCodes: hashes });
    if (session?.pending === 'enrol') await completeSession(tx, session.id, new Date(Date.now() + ctx.config.sessionIdleHours * 3_600_000));
    await recordAudit(tx, actor!, { action: 'two_factor_enable', entityType: 'user', entityId: userId });
    return { recoveryCodes: codes };
  });
}

/** New recovery codes (the old ones stop working), with a current code. */
export async function regenerateRecoveryCodes(db: Db, actor: Actor | null, code: string): Promise<RecoveryCodesView> {
  const userId = userOf(actor);
  return db.transaction(async (tx) => {
    const row = await findTotp(tx, userId, true);
    if (!row?.confirmedAt) throw AppError.conflict('auth.two_factor_not_enabled');
    const step = matchCode(row, code, Date.now());
    if (step === null) throw AppError.field('code', 'auth.bad_code');
    const { codes, hashes } = newRecoveryCodes();
    await updateTotp(tx, userId, { lastStep: step, recoveryCodes: hashes });
    await recordAudit(tx, actor!, { action: 'two_factor_recovery_codes', entityType: 'user', entityId: userId });
    return { recoveryCodes: codes };
  });
}

/** Turns it off, with the password and a code (or a recovery code); refused when the company requires it of me. */
export async function disableTwoFactor(db: Db, actor: Actor | null, input: { code: string; password: string }): Promise<void> {
  const userId = userOf(actor);
  const user = await findUserById(db, userId);
  if (!user || !(await verifyPassword(input.password, user.passwordHash))) throw AppError.field('password', 'auth.wrong_password');
  if (isAdministrator(actor!.permissions) && (await readSecurityPolicy(db)).requireAdminTwoFactor) throw AppError.conflict('auth.two_factor_policy');
  await db.transaction(async (tx) => {
    const row = await findTotp(tx, userId, true);
    if (!row?.confirmedAt) throw AppError.conflict('auth.two_factor_not_enabled');
    if (!accept(row, input.code, Date.now())) throw AppError.field('code', 'auth.bad_code');
    await deleteTotp(tx, userId);
    await recordAudit(tx, actor!, { action: 'two_factor_disable', entityType: 'user', entityId: userId });
  });
}

/** An administrator removes a user's two-factor sign-in (a lost phone): the user's sessions end too. */
export async function resetUserTwoFactor(db: Db, actor: Actor | null, userId: string): Promise<void> {
  requireAccess(actor, 'user:manage');
  const user = await findUserById(db, userId);
  if (!user) throw AppError.notFound('users.not_found');
  await db.transaction(async (tx) => {
    const row = await findTotp(tx, userId, true);
    if (!row) throw AppError.conflict('auth.two_factor_not_enabled');
    await deleteTotp(tx, userId);
    await deleteUserSessions(tx, userId);
    await recordAudit(tx, actor!, { action: 'two_factor_reset', entityType: 'user', entityId: userId });
  });
}

// ---- the sign-in's second step -------------------------------------------------------------------------------------

/**
 * The code of a sign-in waiting for it (`pending = totp`): right, the session is signed in; wrong, a failed sign-in
 * is counted (the lock ends the waiting session). Returns the user.
 */
export async function verifySignIn(ctx: ServiceContext, actor: Actor | null, session: SessionRef, code: string): Promise<UserRow> {
  const { db, config } = ctx;
  if (!session?.pending || !actor?.userId) throw new AppError('conflict', 'auth.two_factor_no_sign_in');
  if (session.pending !== 'totp') throw AppError.forbidden('auth.two_factor_enrol_first');
  const user = await findUserById(db, actor.userId);
  if (!user || !(await findSession(db, session.id))) throw new AppError('unauthenticated', 'auth.session_expired');
  const now = new Date();
  if (user.lockedUntil && user.lockedUntil > now) {
    await deleteSessions(db, [session.id]);
    throw new AppError('locked', 'auth.locked', { minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) });
  }
  const ok = await db.transaction(async (tx) => {
    const row = await findTotp(tx, user.id, true);
    const good = row?.confirmedAt ? accept(row, code, now.getTime()) : null;
    if (!good) return false;
    await updateTotp(tx, user.id, { ...(good.lastStep !== undefined ? { lastStep: good.lastStep } : {}), ...(good.recoveryCodes ? { recoveryCodes: good.recoveryCodes } : {}) });
    await completeSession(tx, session.id, new Date(now.getTime() + config.sessionIdleHours * 3_600_000));
    await updateUser(tx, user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
    await recordAudit(tx, actor, { action: good.recovery ? 'login_recovery_code' : 'login_two_factor', entityType: 'user', entityId: user.id });
    return true;
  });
  if (ok) return user;
  const after = await recordLoginFailure(db, user.id, config.loginMaxFailures, config.loginLockMinutes);
  await recordAudit(db, actor, { action: 'two_factor_failed', entityType: 'user', entityId: user.id });
  if (after?.lockedUntil && after.lockedUntil > now) {
    await deleteSessions(db, [session.id]);
    throw new AppError('locked', 'auth.locked', { minutes: Math.ceil(config.loginLockMinutes) });
  }
  throw AppError.field('code', 'auth.bad_code');
}

// ---- secrets at rest -----------------------------------------------------------------------------------------------

/** The TOTP secrets as a secret store: re-sealed 100 users per short transaction. */
export const totpSecretStore: SecretStore = {
  name: 'user_totp',
  async reseal(db, change) {
    let after: string | null = null;
    let changed = 0;
    for (;;) {
      const batch = await db.transaction(async (tx) => {
        const rows = await totpBatch(tx, after, 100);
        for (const row of rows) {
          const next = change(row.secret, secretContext(row.userId));
          if (next === null) continue;
          await updateTotp(tx, row.userId, { secret: next });
          changed++;
        }
        return rows;
      });
      if (batch.length < 100) return changed;
      after = batch.at(-1)!.userId;
    }
  },
};
