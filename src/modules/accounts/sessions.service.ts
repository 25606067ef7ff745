/**
 * A user's signed-in sessions (issue #18): listed with the browser, address and times, revocable one by one or all
 * but the current one; an administrator (user:manage) lists and ends another user's. A session is named by a handle
 * (a hash of its stored id), never by anything that would let it be used.
 */
import { createHash } from 'node:crypto';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { deleteUserSessions, findUserById } from './accounts.repository.js';
import type { SessionView } from './security.contract.js';
import { deleteSessions, liveSessionsOf, type SessionRow } from './security.repository.js';

export const sessionHandle = (id: string): string => createHash('sha256').update(`session-handle:${id}`).digest('hex').slice(0, 32);

const BROWSERS: [RegExp, string][] = [
  [/MicroMessenger/i, 'WeChat'],
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//i, 'curl'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/i, 'Android'],
  [/iPhone|iPad|iOS/i, 'iOS'],
  [/Windows/i, 'Windows'],
  [/Mac OS X|Macintosh/i, 'macOS'],
  [/HarmonyOS/i, 'HarmonyOS'],
  [/Linux/i, 'Linux'],
];

/** "Chrome · Windows" from a user agent; what is not recognised is left out ("—" when nothing is). */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return '—';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  return [browser, system].filter(Boolean).join(' · ') || userAgent.slice(0, 40);
}

const view = (row: SessionRow, currentId: string | null): SessionView => ({
  id: sessionHandle(row.id),
  device: deviceOf(row.userAgent),
  userAgent: row.userAgent,
  ip: row.ip,
  createdAt: row.createdAt.toISOString(),
  lastSeenAt: row.lastSeenAt.toISOString(),
  current: row.id === currentId,
});

function userOf(actor: Actor | null): string {
  requireAccess(actor);
  if (!actor.userId) throw AppError.forbidden();
  return actor.userId;
}

export async function listMySessions(db: Db, actor: Actor | null, currentId: string | null): Promise<SessionView[]> {
  const userId = userOf(actor);
  return (await liveSessionsOf(db, userId)).map((r) => view(r, currentId));
}

/** Ends one of my sessions (the current one too: that is signing out there). */
export async function revokeMySession(db: Db, actor: Actor | null, handle: string): Promise<void> {
  const userId = userOf(actor);
  await db.transaction(async (tx) => {
    const row = (await liveSessionsOf(tx, userId)).find((r) => sessionHandle(r.id) === handle);
    if (!row) throw AppError.notFound('auth.session_not_found');
    await deleteSessions(tx, [row.id]);
    await recordAudit(tx, actor!, { action: 'session_revoke', entityType: 'user', entityId: userId, changes: { device: deviceOf(row.userAgent), ip: row.ip } });
  });
}

/** Ends every session of mine but this one. */
export async function revokeOtherSessions(db: Db, actor: Actor | null, currentId: string | null): Promise<number> {
  const userId = userOf(actor);
  return db.transaction(async (tx) => {
    const others = (await liveSessionsOf(tx, userId)).filter((r) => r.id !== currentId).map((r) => r.id);
    const revoked = await deleteSessions(tx, others);
    if (revoked) await recordAudit(tx, actor!, { action: 'session_revoke_others', entityType: 'user', entityId: userId, changes: { revoked } });
    return revoked;
  });
}

export async function listUserSessions(db: Db, actor: Actor | null, userId: string): Promise<SessionView[]> {
  requireAccess(actor, 'user:manage');
  if (!(await findUserById(db, userId))) throw AppError.notFound('users.not_found');
  return (await liveSessionsOf(db, userId)).map((r) => view(r, null));
}

/** An administrator signs a user out everywhere (sessions waiting for a second step too). */
export async function revokeUserSessions(db: Db, actor: Actor | null, userId: string): Promise<number> {
  requireAccess(actor, 'user:manage');
  if (!(await findUserById(db, userId))) throw AppError.notFound('users.not_found');
  return db.transaction(async (tx) => {
    const revoked = (await liveSessionsOf(tx, userId)).length;
    await deleteUserSessions(tx, userId);
    await recordAudit(tx, actor!, { action: 'session_revoke_all', entityType: 'user', entityId: userId, changes: { revoked } });
    return revoked;
  });
}
