import { sql } from 'drizzle-orm';
import { index, integer, pgTable, pgView, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { transactions } from '../transactions/schema.js';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, TASK_STATUSES, TASK_TYPES } from './interactions.contract.js';

/**
 * 沟通记录: a call, visit, email, SMS, WeChat message, online chat, meeting or seminar with a customer. Soft-deleted
 * (restorable); audited on the customer.
 */
export const interactions = pgTable(
  'interactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    channel: text('channel', { enum: INTERACTION_CHANNELS }).notNull(),
    direction: text('direction', { enum: INTERACTION_DIRECTIONS }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** Who talked to the customer. */
    userId: uuid('user_id').references(() => users.id),
    summary: text('summary').notNull(),
    content: text('content'),
    outcome: text('outcome'),
    nextStep: text('next_step'),
    transactionId: uuid('transaction_id').references(() => transactions.id),
    /** A ticket (issue #7): no foreign key until the tickets module exists. */
    ticketId: uuid('ticket_id'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('interactions_customer_idx').on(t.customerId, t.occurredAt, t.id),
    index('interactions_user_idx').on(t.userId, t.occurredAt),
    index('interactions_ticket_idx').on(t.ticketId).where(sql`${t.ticketId} is not null`),
  ],
);

/**
 * Tasks for people (回访, 关怀, 挽回 …): assigned to a user with a due time, optionally about a customer. Completing
 * one records its result and, for a return visit, the interaction that was its outcome.
 */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type', { enum: TASK_TYPES }).notNull(),
    title: text('title').notNull(),
    notes: text('notes'),
    customerId: uuid('customer_id').references(() => customers.id),
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('open'),
    result: text('result'),
    interactionId: uuid('interaction_id').references((): AnyPgColumn => interactions.id),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('tasks_assignee_idx').on(t.assigneeId, t.status, t.dueAt, t.id),
    index('tasks_customer_idx').on(t.customerId, t.dueAt),
    index('tasks_status_due_idx').on(t.status, t.dueAt, t.id),
    index('tasks_interaction_idx').on(t.interactionId).where(sql`${t.interactionId} is not null`),
  ],
);

/** The module's exported reads (other modules name these views, never the tables). */
export const interactionLog = pgView('interaction_log').as((qb) => qb.select().from(interactions));
export const taskLedger = pgView('task_ledger').as((qb) => qb.select().from(tasks));
