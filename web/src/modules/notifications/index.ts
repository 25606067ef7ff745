// The notifications module as the shell sees it: the header's bell (its page is in routes.ts).

export { NotificationBell } from './NotificationBell';
export * as notificationsMessages from './messages';
