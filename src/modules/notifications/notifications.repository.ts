/** Queries of the notifications module (its own tables; users through the accounts' user_directory view). */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { UNREAD_COUNT_CAP } from './notifications.contract.js';
import { notifications, notificationSettings } from './schema.js';

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationInsert = typeof notifications.$inferInsert;

/** Writes notifications; one whose (recipient, dedupe key) exists already is skipped. Returns how many were written. */
export async function insertNotifications(db: DbOrTx, rows: NotificationInsert[]): Promise<number> {
  if (!rows.length) return 0;
  const written = await db
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  return written.length;
}

/** Creation time as full-precision UTC text: the list's cursor value. */
const sortValue = sql<string>`to_char(${notifications.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A user's notifications, newest first, after the cursor (creation time, id). */
export async function listNotifications(
  db: DbOrTx,
  userId: string,
  opts: { unread: boolean; after?: { value: string; id: string }; limit: number },
): Promise<(NotificationRow & { sortValue: string })[]> {
  const rows = await db
    .select({ n: notifications, sortValue })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        opts.unread ? isNull(notifications.readAt) : undefined,
        opts.after ? sql`(${notifications.createdAt}, ${notifications.id}) < (${opts.after.value}::timestamptz, ${opts.after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.n, sortValue: r.sortValue }));
}

/** Unread notifications of a user, counted up to the cap (the partial index over unread rows answers it). */
export async function unreadCount(db: DbOrTx, userId: string): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from (
      select 1 from ${notifications} where ${notifications.userId} = ${userId} and ${notifications.readAt} is null limit ${UNREAD_COUNT_CAP}) x`),
  );
  return rows[0]?.n ?? 0;
}

/** Marks one of the user's notifications read (once: the first read time stays). Undefined: not the user's. */
export async function markRead(db: DbOrTx, userId: string, id: string, now: Date): Promise<NotificationRow | undefined> {
  const [updated] = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning();
  if (updated) return updated;
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  return row;
}

/** Marks every unread notification of the user read. Returns how many. */
export async function markAllRead(db: DbOrTx, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Unread notifications of a user created after `since`, oldest first, at most `limit` (the digest). */
export async function unreadSince(db: DbOrTx, userId: string, since: Date, until: Date, limit: number): Promise<{ rows: NotificationRow[]; total: number }> {
  const where = and(eq(notifications.userId, userId), isNull(notifications.readAt), sql`${notifications.createdAt} > ${since}`, sql`${notifications.createdAt} <= ${until}`);
  const rows = await db.select().from(notifications).where(where).orderBy(notifications.createdAt, notifications.id).limit(limit);
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${notifications} where ${where}`));
  return { rows, total: count?.n ?? rows.length };
}

export async function digestEnabled(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db.select({ on: notificationSettings.digestEmail }).from(notificationSettings).where(eq(notificationSettings.userId, userId));
  return row?.on ?? false;
}

export async function setDigest(db: DbOrTx, userId: string, on: boolean, now: Date): Promise<void> {
  await db
    .insert(notificationSettings)
    .values({ userId, digestEmail: on, updatedAt: now })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: { digestEmail: on, updatedAt: now } });
}

/** Active users named by `@name` or `@username` somewhere in `text` (candidates: the caller picks the longest match). */
export async function mentionCandidates(db: DbOrTx, text: string): Promise<{ id: string; username: string; displayName: string }[]> {
  return db
    .select({ id: userDirectory.id, username: userDirectory.username, displayName: userDirectory.displayName })
    .from(userDirectory)
    .where(
      and(
        eq(userDirectory.active, true),
        sql`(strpos(lower(${text}), '@' || lower(${userDirectory.username})) > 0 or strpos(${text}, '@' || ${userDirectory.displayName}) > 0)`,
      ),
    );
}
