import { sql } from 'drizzle-orm';
import { boolean, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { REPORT_CADENCES, REPORT_FORMATS, REPORT_KINDS } from './reports.contract.js';

/**
 * 报表订阅: a report sent by email after each complete week or month, to the listed addresses, as the PDF and/or the
 * workbook. The report is made as its owner sees it (their permissions and data scope). Soft-deleted.
 */
export const reportSubscriptions = pgTable(
  'report_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: REPORT_KINDS }).notNull(),
    cadence: text('cadence', { enum: REPORT_CADENCES }).notNull(),
    format: text('format', { enum: REPORT_FORMATS }).notNull(),
    recipients: text('recipients').array().notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('report_subscriptions_owner_idx').on(t.ownerId)],
);

/** One send of a subscription's report for one period: the emails (outbox messages) it queued, one per recipient. */
export const reportDeliveries = pgTable(
  'report_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => reportSubscriptions.id),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    messageIds: uuid('message_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('report_deliveries_period_unique').on(t.subscriptionId, t.periodStart)],
);
