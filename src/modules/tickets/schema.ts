import { sql } from 'drizzle-orm';
import { boolean, bigserial, check, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { teams, users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { transactions } from '../transactions/schema.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './sla/sla.contract.js';
import { ASSIGNMENT_TARGETS, TICKET_EVENT_KINDS, TICKET_SEVERITIES, TICKET_SOURCES } from './tickets.contract.js';

/** The configurable category tree (工单分类); archived rather than deleted. */
export const ticketCategories = pgTable('ticket_categories', {
  id: uuid('id').primaryKey().defaultRandom(),
  parentId: uuid('parent_id').references((): AnyPgColumn => ticketCategories.id),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The configurable list of root causes (根本原因) chosen when a ticket is resolved. */
export const ticketRootCauses = pgTable('ticket_root_causes', {
  id: uuid('id').primaryKey().defaultRandom(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Assignment rules, tried in position order; the first whose conditions all match assigns the ticket. Round robin
 * keeps its cursor (the last user chosen) on the rule.
 */
export const ticketAssignmentRules = pgTable('ticket_assignment_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
  categoryId: uuid('category_id').references(() => ticketCategories.id),
  compound: text('compound'),
  district: text('district'),
  vipOnly: boolean('vip_only').notNull().default(false),
  target: text('target', { enum: ASSIGNMENT_TARGETS }).notNull(),
  userId: uuid('user_id').references(() => users.id),
  teamId: uuid('team_id').references(() => teams.id),
  lastUserId: uuid('last_user_id').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Service tickets (工单): complaints, repairs, inquiries and suggestions. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The number people quote (工单号). */
    number: bigserial('number', { mode: 'number' }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('new'),
    type: text('type', { enum: TICKET_TYPES }).notNull(),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull().default('normal'),
    severity: text('severity', { enum: TICKET_SEVERITIES }).notNull().default('minor'),
    source: text('source', { enum: TICKET_SOURCES }).notNull(),
    categoryId: uuid('category_id').references(() => ticketCategories.id),
    /** The category's zh-CN name (reports group by it without a join); a rename rewrites it on every ticket of the category. */
    category: text('category'),
    customerId: uuid('customer_id').references(() => customers.id),
    /** As given on the public form (or by the agent) when no customer matched. */
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    contactAddress: text('contact_address'),
    transactionId: uuid('transaction_id').references(() => transactions.id),
    assigneeId: uuid('assignee_id').references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id),
    /** The follow link's secret (256 bits, base64url): the public page and the satisfaction request use it. */
    publicToken: text('public_token').notNull(),
    reopenCount: integer('reopen_count').notNull().default(0),
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => tickets.id),
    rootCauseId: uuid('root_cause_id').references(() => ticketRootCauses.id),
    solution: text('solution'),
    outcomeToldAt: timestamp('outcome_told_at', { withTimezone: true }),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    rating: smallint('rating'),
    ratingComment: text('rating_comment'),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    returnVisitTaskId: uuid('return_visit_task_id'),
    /** Free labels (标签) agents put on tickets: shown in the queue, filtered by (`tag=`), added in bulk. */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // The queue's and the global search's title search (`title ilike '%…%'`) without reading every ticket.
    index('tickets_title_trgm').using('gin', t.title.op('gin_trgm_ops')),
    uniqueIndex('tickets_number_idx').on(t.number),
    uniqueIndex('tickets_public_token_idx').on(t.publicToken),
    index('tickets_status_created_idx').on(t.status, t.createdAt, t.id),
    index('tickets_created_idx').on(t.createdAt, t.id),
    index('tickets_assignee_idx').on(t.assigneeId, t.status, t.createdAt),
    index('tickets_customer_idx').on(t.customerId, t.createdAt),
    index('tickets_team_idx').on(t.teamId, t.createdAt),
    index('tickets_category_idx').on(t.categoryId, t.createdAt),
    index('tickets_tags_idx').using('gin', t.tags),
    check('tickets_rating_range', sql`${t.rating} is null or ${t.rating} between 1 and 5`),
  ],
);

/** A ticket's timeline: status changes, assignments, internal notes, replies to the customer, merges, ratings. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    kind: text('kind', { enum: TICKET_EVENT_KINDS }).notNull(),
    body: text('body'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Null for the customer (public page) or the system. */
    actorId: uuid('actor_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.createdAt, t.id)],
);

/** Image attachments; the bytes live in DATA_DIR/attachments/<id>. */
export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_attachments_ticket_idx').on(t.ticketId, t.createdAt)],
);
