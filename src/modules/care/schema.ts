import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import type { CareAction, CareAudience } from './care.contract.js';
import { OCCASIONS, PLAN_KINDS } from './care.contract.js';

/** 回访计划: return-visit plans that create 回访 tasks for the customer's owner. Archived (deleted_at), never removed. */
export const carePlans = pgTable('care_plans', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind', { enum: PLAN_KINDS }).notNull(),
  audience: jsonb('audience').$type<CareAudience>().notNull().default({}),
  intervalDays: integer('interval_days').notNull(),
  eventKeyword: text('event_keyword'),
  taskTitle: text('task_title').notNull(),
  fallbackUserId: uuid('fallback_user_id').references(() => users.id),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

/** 关怀规则: birthday, anniversary and festival care with per-tier actions (a 关怀 task and/or a message). */
export const careRules = pgTable('care_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  audience: jsonb('audience').$type<CareAudience>().notNull().default({}),
  occasion: text('occasion', { enum: OCCASIONS }).notNull(),
  daysBefore: integer('days_before').notNull().default(0),
  actions: jsonb('actions').$type<CareAction[]>().notNull().default([]),
  fallbackUserId: uuid('fallback_user_id').references(() => users.id),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

/**
 * What a plan or rule has done for a customer and an occasion ("birthday:2026", "mid_autumn:2026", "due:2026-12-01",
 * "tx:<id>"): inserted with ON CONFLICT DO NOTHING in the transaction that creates the task or message, so each
 * fires once however many runs or processes race.
 */
export const careOccurrences = pgTable(
  'care_occurrences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A plan's or a rule's id (no foreign key: either table). */
    sourceId: uuid('source_id').notNull(),
    sourceKind: text('source_kind', { enum: ['plan', 'rule'] }).notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    occasionKey: text('occasion_key').notNull(),
    taskId: uuid('task_id'),
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('care_occurrences_unique').on(t.sourceId, t.customerId, t.occasionKey),
    index('care_occurrences_task_idx').on(t.taskId),
    index('care_occurrences_customer_idx').on(t.customerId),
  ],
);
