import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { CONSENT_ACTIONS, CONSENT_CHANNELS, CONSENT_ENTRY_PURPOSES, CONSENT_SOURCES } from './consent.contract.js';

/**
 * 同意文本: the versions of the consent text the company shows. A version recorded on an entry is never edited again
 * (the service refuses): an edit then makes a new version, so every entry keeps the words the person saw.
 */
export const consentTexts = pgTable(
  'privacy_consent_texts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    version: integer('version').notNull(),
    titleZh: text('title_zh').notNull(),
    titleEn: text('title_en'),
    bodyZh: text('body_zh').notNull(),
    bodyEn: text('body_en'),
    revision: integer('revision').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('privacy_consent_texts_version_idx').on(t.version)],
);

/**
 * 同意记录: every grant and withdrawal, append-only. The order of entries is their `id` (a sequence: entries of one
 * transaction share its clock). A customer's consent on a channel for a purpose is its latest entry for that channel
 * and that purpose or `all`; none: not given. The customers' consent columns cache the `service` purpose and are
 * rewritten from here in the transaction that appends (consent.service.ts).
 */
export const consentEntries = pgTable(
  'privacy_consent_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    channel: text('channel', { enum: CONSENT_CHANNELS }).notNull(),
    purpose: text('purpose', { enum: CONSENT_ENTRY_PURPOSES }).notNull(),
    action: text('action', { enum: CONSENT_ACTIONS }).notNull(),
    source: text('source', { enum: CONSENT_SOURCES }).notNull(),
    textId: uuid('text_id').references(() => consentTexts.id),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
    ref: text('ref'),
  },
  (t) => [
    index('privacy_consent_entries_customer_idx').on(t.customerId, t.channel, t.id),
    index('privacy_consent_entries_text_idx').on(t.textId).where(sql`${t.textId} is not null`),
    check('privacy_consent_entries_channel', sql`${t.channel} in ('phone', 'sms', 'email', 'wechat')`),
  ],
);
