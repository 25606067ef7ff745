/** Queries of two-factor sign-in and the session list (accounts module). */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { invalidateDirectory } from './directory.state.js';
import { sessions, userTotp } from './schema.js';

export type TotpRow = typeof userTotp.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function findTotp(db: DbOrTx, userId: string, lock = false): Promise<TotpRow | undefined> {
  const q = db.select().from(userTotp).where(eq(userTotp.userId, userId));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** The users with two-factor sign-in on (confirmed): the user admins' list shows it, with the reset. */
export async function twoFactorUserIds(db: DbOrTx): Promise<Set<string>> {
  const rows = await db.select({ userId: userTotp.userId }).from(userTotp).where(isNotNull(userTotp.confirmedAt));
  return new Set(rows.map((r) => r.userId));
}

/** Starts (or starts again) an enrolment: an unconfirmed row with a new sealed secret. A confirmed row is kept. */
export async function upsertPendingTotp(db: DbOrTx, userId: string, sealedSecret: string): Promise<boolean> {
  const rows = await db
    .insert(userTotp)
    .values({ userId, secret: sealedSecret })
    .onConflictDoUpdate({ target: userTotp.userId, set: { secret: sealedSecret, lastStep: null, recoveryCodes: [], updatedAt: new Date() }, setWhere: isNull(userTotp.confirmedAt) })
    .returning({ userId: userTotp.userId });
  return rows.length > 0;
}

export async function updateTotp(db: DbOrTx, userId: string, values: Partial<typeof userTotp.$inferInsert>): Promise<void> {
  await db
    .update(userTotp)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(userTotp.userId, userId));
}

export async function deleteTotp(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(userTotp).where(eq(userTotp.userId, userId));
}

/** Up to `limit` rows after `afterUserId` (the re-sealing walk), locked for the walk's short transaction. */
export async function totpBatch(db: DbOrTx, afterUserId: string | null, limit: number): Promise<TotpRow[]> {
  return db
    .select()
    .from(userTotp)
    .where(afterUserId ? gt(userTotp.userId, afterUserId) : undefined)
    .orderBy(asc(userTotp.userId))
    .limit(limit)
    .for('update');
}

/** A user's signed-in sessions (not those waiting for a second step), the newest first. */
export async function liveSessionsOf(db: DbOrTx, userId: string): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.pending), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt));
}

export async function findSession(db: DbOrTx, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** The second step is done: the session is signed in, with the normal idle timeout from now. */
export async function completeSession(db: DbOrTx, id: string, expiresAt: Date): Promise<void> {
  invalidateDirectory(db);
  await db.update(sessions).set({ pending: null, lastSeenAt: new Date(), expiresAt }).where(eq(sessions.id, id));
}

export async function deleteSessions(db: DbOrTx, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  invalidateDirectory(db);
  const rows = await db
    .delete(sessions)
    .where(inArray(sessions.id, ids))
    .returning({ id: sessions.id });
  return rows.length;
}
