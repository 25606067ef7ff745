import { sql } from 'drizzle-orm';
import { bigserial, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { PRIVACY_REQUEST_CHANNELS, PRIVACY_REQUEST_KINDS, PRIVACY_REQUEST_STATUSES, VERIFICATION_METHODS } from './privacy.contract.js';

/**
 * 个人信息请求 (issue #18): one person's exercise of a PIPL right. `due_at` is the end of the 15th working day after the
 * day of receipt on the company's default business calendar (tickets/sla), `remind_at` the end of the 12th; the
 * reminder clock notes in `reminded_stage` what it told, so each stage is told once. The requester's name and contact
 * are personal data too: the privacy module's own export hook gives them back to the person.
 */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: bigserial('number', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: PRIVACY_REQUEST_KINDS }).notNull(),
    status: text('status', { enum: PRIVACY_REQUEST_STATUSES }).notNull().default('received'),
    channel: text('channel', { enum: PRIVACY_REQUEST_CHANNELS }).notNull(),
    requesterName: text('requester_name').notNull(),
    requesterContact: text('requester_contact'),
    details: text('details'),
    customerId: uuid('customer_id').references(() => customers.id),
    verificationMethod: text('verification_method', { enum: VERIFICATION_METHODS }),
    verificationNote: text('verification_note'),
    verifiedBy: uuid('verified_by').references(() => users.id),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    handlerId: uuid('handler_id').references(() => users.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    dueDay: date('due_day', { mode: 'string' }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    remindAt: timestamp('remind_at', { withTimezone: true }).notNull(),
    remindedStage: text('reminded_stage', { enum: ['due_soon', 'overdue'] }),
    answer: text('answer'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('privacy_requests_received_idx').on(t.receivedAt, t.id),
    index('privacy_requests_customer_idx').on(t.customerId).where(sql`${t.customerId} is not null`),
    index('privacy_requests_open_due_idx').on(t.dueAt).where(sql`${t.status} in ('received', 'verifying', 'in_progress')`),
  ],
);
