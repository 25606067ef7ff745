/**
 * 站内通知 (issue #21): the header's bell and the notifications page. Producers never import this module: they expose
 * hook registries (tickets: assigned, note/reply; SLA: warning/escalation; imports and analytics: finished) and
 * src/app.ts registers this module's handlers on them (`registerNotificationHooks`); due tasks and the daily e-mail
 * digest come from this module's own clock, which also queues the daily cleanup: read notifications go after 90 days,
 * any after 180 (retention.ts).
 */
export { notificationRoutes, notificationsModule } from './notifications.routes.js';
export { registerNotificationHooks, type NotificationRegistries } from './producers.js';
export { checkDueTasks, sendDigests, startNotificationClock } from './clock.js';
export { claimDailyCleanup, deleteExpiredNotifications, NOTIFICATION_CLEANUP_QUEUE, NOTIFICATION_RETENTION } from './retention.js';
export type { NotificationKind, NotificationView } from './notifications.contract.js';
export { notificationPersonalData } from './privacy.js'; // notifications that name a person, for the PIPL erasure (issue #18)
