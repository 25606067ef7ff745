import type { ServiceContext } from '../../platform/context.js';
import type { MessagingRuntime } from '../messages/index.js';
import { startNotificationClock } from './clock.js';
import type { App } from '../../platform/http/server.js';
import type { Jobs } from '../../platform/jobs.js';
import { markAllResult, notificationPage, notificationSettingsView, notificationView, unreadCountView } from './notifications.schemas.js';
import { getSettings, listNotifications, markAllRead, markRead, unreadCount, updateSettings } from './notifications.service.js';
import { idParam, listNotificationsQuery, notificationSettingsBody } from './notifications.types.js';
import { deleteExpiredNotifications, NOTIFICATION_CLEANUP_QUEUE } from './retention.js';

/** 站内通知: the signed-in user's own notifications (`now`: the app's clock, which tests move). */
export async function notificationRoutes(app: App, ctx: ServiceContext & { now?: () => Date }): Promise<void> {
  const { db } = ctx;
  const now = () => ctx.now?.() ?? new Date();
  const tags = ['notifications'];
  const config = { fieldLabels: 'notifications' };

  app.get(
    '/api/v1/notifications',
    { schema: { tags, summary: 'My notifications, newest first (keyset pages; unread=true for the unread ones)', querystring: listNotificationsQuery, response: { 200: notificationPage } }, config },
    async (req) => listNotifications(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/notifications/unread-count',
    { schema: { tags, summary: 'How many of my notifications are unread (the bell polls it)', response: { 200: unreadCountView } } },
    async (req) => unreadCount(db, req.actor),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    { schema: { tags, summary: 'Mark one of my notifications read', params: idParam, response: { 200: notificationView } }, config },
    async (req) => markRead(db, req.actor, req.params.id, now()),
  );
  app.post(
    '/api/v1/notifications/read-all',
    { schema: { tags, summary: 'Mark all my notifications read', response: { 200: markAllResult } } },
    async (req) => markAllRead(db, req.actor, now()),
  );
  app.get(
    '/api/v1/notifications/settings',
    { schema: { tags, summary: 'My notification settings (the daily e-mail digest)', response: { 200: notificationSettingsView } } },
    async (req) => getSettings(db, req.actor),
  );
  app.put(
    '/api/v1/notifications/settings',
    { schema: { tags, summary: 'Change my notification settings', body: notificationSettingsBody, response: { 200: notificationSettingsView } }, config },
    async (req) => db.transaction((tx) => updateSettings(tx, req.actor, req.body, now())),
  );
}

/**
 * The module in a server: its routes, the daily cleanup's job (`notifications.cleanup`: the expired notifications
 * deleted in short slices, retention.ts), and its clock (due tasks, the daily digest, the day's cleanup queued) every
 * minute when `timer`.
 */
export async function notificationsModule(
  app: App,
  ctx: ServiceContext & { now?: () => Date },
  messaging: MessagingRuntime,
  opts: { timer: boolean; jobs: Pick<Jobs, 'handle' | 'send'> },
): Promise<void> {
  await notificationRoutes(app, ctx);
  opts.jobs.handle(NOTIFICATION_CLEANUP_QUEUE, async (_data, signal) => {
    const deleted = await deleteExpiredNotifications(ctx.db, messaging.now(), { signal });
    if (deleted) app.log.info(`notifications cleanup: ${deleted} expired notifications deleted`);
  });
  startNotificationClock(app, ctx.db, messaging, opts.timer, () => opts.jobs.send(NOTIFICATION_CLEANUP_QUEUE, {}));
}
