import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { NOTIFICATION_KINDS } from './notifications.contract.js';

/**
 * 站内通知: one row per recipient. The title and body are message keys with parameters, rendered in the reader's
 * language on read. `dedupe_key` (unique per recipient when set) makes a producer that may run twice — the due-task
 * check, the SLA checker — notify once. Kept 90 days once read, 180 days at most (retention.ts).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    titleKey: text('title_key').notNull(),
    bodyKey: text('body_key'),
    params: jsonb('params').$type<Record<string, string | number>>().notNull().default({}),
    link: text('link'),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt, t.id),
    // The bell's count and the unread list read only this (small) index.
    index('notifications_unread_idx').on(t.userId, t.createdAt, t.id).where(sql`${t.readAt} is null`),
    uniqueIndex('notifications_dedupe_unique').on(t.userId, t.dedupeKey),
    // The daily cleanup walks the oldest notifications of every user along this (retention.ts).
    index('notifications_created_idx').on(t.createdAt, t.id),
  ],
);

/** Each user's own settings: the daily e-mail digest (off by default: no row means off). */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  digestEmail: boolean('digest_email').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One digest per user and company day (the unique index makes two processes send it once). */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    day: date('day', { mode: 'string' }).notNull(),
    /** The unread notifications it listed; 0: nothing new that day, no e-mail. */
    count: integer('count').notNull(),
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('notification_digests_day_unique').on(t.userId, t.day)],
);

/**
 * How far the periodic checks have looked (`task_due`: tasks due up to this time, then this id, were notified), so a
 * check reads only what became due since the last one and a restart after downtime catches up.
 */
export const notificationWatermarks = pgTable('notification_watermarks', {
  name: text('name').primaryKey(),
  until: timestamp('until', { withTimezone: true }).notNull(),
  untilId: uuid('until_id').notNull(),
});
