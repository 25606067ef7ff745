/** Response schemas of the notifications API, each tied to its notifications.contract.ts type by responseOf. */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import {
  NOTIFICATION_KINDS,
  UNREAD_COUNT_CAP,
  type MarkAllResult,
  type NotificationPage,
  type NotificationSettingsView,
  type NotificationView,
  type UnreadCount,
} from './notifications.contract.js';

export const notificationView = responseOf<NotificationView>()(
  z.object({
    id: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string().describe("In the reader's language"),
    body: z.string().nullable(),
    link: z.string().nullable().describe('The record, as a path of the web app'),
    createdAt: z.string(),
    readAt: z.string().nullable().describe('Null while unread'),
  }),
);

export const notificationPage = responseOf<NotificationPage>()(pageOf(notificationView));

export const unreadCountView = responseOf<UnreadCount>()(z.object({ unread: z.number().int().describe(`Counted up to ${UNREAD_COUNT_CAP}`) }));

export const markAllResult = responseOf<MarkAllResult>()(z.object({ marked: z.number().int() }));

export const notificationSettingsView = responseOf<NotificationSettingsView>()(
  z.object({ digestEmail: z.boolean(), email: z.string().nullable().describe('Where the digest goes (the account e-mail); null: no digest is sent') }),
);
