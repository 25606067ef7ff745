import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { MESSAGE_CATEGORIES, MESSAGE_CHANNELS, MESSAGE_REASONS, MESSAGE_STATUSES } from './messages.contract.js';

/** 消息模板: a message with {{variables}} in Chinese and (optionally) English. Archived, never deleted. */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    channel: text('channel', { enum: MESSAGE_CHANNELS }).notNull(),
    category: text('category', { enum: MESSAGE_CATEGORIES }).notNull().default('care'),
    subjectZh: text('subject_zh'),
    subjectEn: text('subject_en'),
    bodyZh: text('body_zh').notNull(),
    bodyEn: text('body_en'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('message_templates_name_unique').on(sql`lower(${t.name})`).where(sql`${t.archivedAt} is null`)],
);

/**
 * The outbox: every outbound message is stored here before anything is sent — rendered, with its recipient — and a
 * sender claims it (queued → sending, `for update skip locked`), delivers it and records the outcome. A queued row
 * waits for `next_attempt_at` (retry backoff, quiet hours).
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null for the company's own mail to its staff (a scheduled report to its subscribers): no consent, cap or quiet hours. */
    customerId: uuid('customer_id').references(() => customers.id),
    channel: text('channel', { enum: MESSAGE_CHANNELS }).notNull(),
    category: text('category', { enum: MESSAGE_CATEGORIES }).notNull(),
    templateId: uuid('template_id').references(() => messageTemplates.id),
    locale: text('locale', { enum: ['zh-CN', 'en'] }).notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    recipient: text('recipient').notNull(),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    reason: text('reason', { enum: MESSAGE_REASONS }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** When the current sender claimed it (status sending): a claim older than a few minutes was lost in a crash. */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * What sent it in bulk (a campaign launch: kind 'campaign' and the campaign's id); null for single messages. One
     * message per (source, customer, template): a resumed bulk send never writes a message twice.
     */
    sourceKind: text('source_kind'),
    sourceId: uuid('source_id'),
    /** Marketing messages (tracking.ts): first open (an email's image, or any click), first click and clicks. */
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    clicks: integer('clicks').notNull().default(0),
    /**
     * Field grants (issue #18): where the subject and body hold the value of a customer field a role may hide (a
     * template variable such as `{{points}}`, the custom field `points`), as [grant field, start, end). Positions, no
     * values: a caller whose role does not see the field is shown those spans as 「（无权查看）」; the customer got
     * the real text. Per text its length when written: a text rewritten since (erasure) is shown as it is. Null: no
     * such value (and every message written before the column existed).
     */
    fieldSpans: jsonb('field_spans').$type<{ subject?: { length: number; spans: [string, number, number][] }; body?: { length: number; spans: [string, number, number][] } }>(),
  },
  (t) => [
    uniqueIndex('messages_source_unique').on(t.sourceId, t.customerId, t.templateId).where(sql`${t.sourceId} is not null`),
    index('messages_due_idx').on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'queued'`),
    index('messages_claimed_idx').on(t.claimedAt).where(sql`${t.status} = 'sending'`),
    index('messages_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('messages_customer_sent_idx').on(t.customerId, t.sentAt, t.id).where(sql`${t.status} = 'sent'`),
    index('messages_created_idx').on(t.createdAt, t.id),
    index('messages_status_idx').on(t.status, t.createdAt, t.id),
  ],
);
