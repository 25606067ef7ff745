/**
 * 站内通知, the reader's side: the list (keyset pages, unread only on request), the bell's unread count, marking one or
 * all read, and the reader's own settings. Data scope: a user only ever reaches their own notifications — every query
 * is keyed by the signed-in user, so another user's notification is simply not found (404). No permission is needed
 * beyond being a signed-in user; an actor without a user (the CLI, the system) has none.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import { findUserById } from '../accounts/index.js';
import type { MarkAllResult, NotificationPage, NotificationSettingsView, NotificationView, UnreadCount } from './notifications.contract.js';
import * as repo from './notifications.repository.js';
import type { NotificationRow } from './notifications.repository.js';
import type { ListNotificationsQuery, NotificationSettingsInput } from './notifications.types.js';

/** A stored title or body in the reader's language (a key no longer known shows as itself). */
export const render = (locale: Locale, key: string, params: Record<string, string | number>): string => t(locale, key as MessageKey, params);

export function viewOf(row: NotificationRow, locale: Locale): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    title: render(locale, row.titleKey, row.params),
    body: row.bodyKey ? render(locale, row.bodyKey, row.params) : null,
    link: row.link,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export async function listNotifications(db: DbOrTx, actor: Actor | null, q: ListNotificationsQuery): Promise<NotificationPage> {
  requireAccess(actor);
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  if (!actor.userId) return { items: [], nextCursor: null };
  const rows = await repo.listNotifications(db, actor.userId, { unread: q.unread === 'true', after, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => viewOf(r, actor.locale)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

export async function unreadCount(db: DbOrTx, actor: Actor | null): Promise<UnreadCount> {
  requireAccess(actor);
  return { unread: actor.userId ? await repo.unreadCount(db, actor.userId) : 0 };
}

/** Marks one of mine read (again: no change). Someone else's, or none: 404. */
export async function markRead(db: DbOrTx, actor: Actor | null, id: string, now: Date): Promise<NotificationView> {
  requireAccess(actor);
  const row = actor.userId ? await repo.markRead(db, actor.userId, id, now) : undefined;
  if (!row) throw AppError.notFound('notifications.not_found');
  return viewOf(row, actor.locale);
}

export async function markAllRead(db: DbOrTx, actor: Actor | null, now: Date): Promise<MarkAllResult> {
  requireAccess(actor);
  return { marked: actor.userId ? await repo.markAllRead(db, actor.userId, now) : 0 };
}

async function settingsOf(db: DbOrTx, userId: string): Promise<NotificationSettingsView> {
  const user = await findUserById(db, userId);
  return { digestEmail: await repo.digestEnabled(db, userId), email: user?.email ?? null };
}

export async function getSettings(db: DbOrTx, actor: Actor | null): Promise<NotificationSettingsView> {
  requireAccess(actor);
  if (!actor.userId) throw AppError.notFound();
  return settingsOf(db, actor.userId);
}

export async function updateSettings(db: DbOrTx, actor: Actor | null, input: NotificationSettingsInput, now: Date): Promise<NotificationSettingsView> {
  requireAccess(actor);
  if (!actor.userId) throw AppError.notFound();
  await repo.setDigest(db, actor.userId, input.digestEmail, now);
  return settingsOf(db, actor.userId);
}
