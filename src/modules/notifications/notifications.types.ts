/** Request schemas of the notifications API. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';

export const listNotificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional().describe('true: only the unread ones'),
  ...pageQuery(100, 20),
});
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>;

export const idParam = z.strictObject({ id: z.uuid() });

export const notificationSettingsBody = z.strictObject({
  digestEmail: z.boolean().describe('A daily e-mail of the unread notifications (to the account e-mail)'),
});
export type NotificationSettingsInput = z.infer<typeof notificationSettingsBody>;
