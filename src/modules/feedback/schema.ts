import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { teams, users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { tickets } from '../tickets/schema.js';
import {
  CATEGORY_SET_BY,
  FEEDBACK_ASSIGNMENT_TARGETS,
  FEEDBACK_MODEL_KINDS,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  FEEDBACK_STATUSES,
  type FeedbackDriver,
  type FeedbackModelResult,
} from './feedback.contract.js';

/**
 * 反馈分类: a configurable tree (parent_id), archived rather than deleted. `seed_words` suggest the category in a text;
 * `seed_key` is set by an industry template's seeding (a stable key, so seeding twice writes nothing).
 */
export const feedbackCategories = pgTable(
  'feedback_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id').references((): AnyPgColumn => feedbackCategories.id),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    seedWords: text('seed_words').array().notNull().default(sql`'{}'::text[]`),
    position: integer('position').notNull().default(0),
    seedKey: text('seed_key').unique(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('feedback_categories_parent_idx').on(t.parentId)],
);

/**
 * 客户反馈: one piece of customer voice with its analysis (sentiment, keywords, suggested category), its handling
 * (owner, deadline, status, the reply through the outbox, the ticket made from it) and a version for edits.
 * Soft-deleted (`deleted_at`): a removed item can be restored.
 */
export const feedbackItems = pgTable(
  'feedback_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The number people quote (反馈编号). */
    number: bigserial('number', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    source: text('source', { enum: FEEDBACK_SOURCES }).notNull(),
    sourceRef: text('source_ref'),
    text: text('text').notNull(),
    /** As given on the public page (E.164); shown masked. */
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    categoryId: uuid('category_id').references(() => feedbackCategories.id),
    suggestedCategoryId: uuid('suggested_category_id').references(() => feedbackCategories.id),
    categoryConfidence: doublePrecision('category_confidence'),
    categorySetBy: text('category_set_by', { enum: CATEGORY_SET_BY }),
    sentiment: text('sentiment', { enum: FEEDBACK_SENTIMENTS }).notNull(),
    sentimentScore: doublePrecision('sentiment_score').notNull(),
    polarity: doublePrecision('polarity').notNull(),
    sentimentDrivers: jsonb('sentiment_drivers').$type<FeedbackDriver[]>().notNull().default(sql`'[]'::jsonb`),
    /** An agent's correction, kept for retraining the model. */
    sentimentCorrected: text('sentiment_corrected', { enum: FEEDBACK_SENTIMENTS }),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    ownerId: uuid('owner_id').references(() => users.id),
    dueAt: timestamp('due_at', { withTimezone: true }),
    status: text('status', { enum: FEEDBACK_STATUSES }).notNull().default('new'),
    replyText: text('reply_text'),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    /** The outbox message of the reply (messages module). */
    replyMessageId: uuid('reply_message_id'),
    ticketId: uuid('ticket_id').references(() => tickets.id),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // The inbox: newest first, and each filter with the same order.
    index('feedback_items_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('feedback_items_status_idx').on(t.status, t.createdAt.desc()),
    index('feedback_items_category_idx').on(t.categoryId, t.createdAt.desc()),
    index('feedback_items_owner_idx').on(t.ownerId, t.createdAt.desc()),
    index('feedback_items_customer_idx').on(t.customerId, t.createdAt.desc()),
    index('feedback_items_sentiment_idx').on(t.sentiment, t.createdAt.desc()),
    index('feedback_items_source_idx').on(t.source, t.sourceRef),
    // One item makes at most one ticket.
    uniqueIndex('feedback_items_ticket_idx').on(t.ticketId).where(sql`${t.ticketId} is not null`),
    // A provider's message (inbound SMS, WeChat, email) or an imported row is recorded once: a retried webhook or a
    // file imported again finds its item (source_ref: `sms:<provider id>`, `import:<file hash>:<row>` …).
    uniqueIndex('feedback_items_external_ref_idx')
      .on(t.source, t.sourceRef)
      .where(sql`${t.source} in ('sms', 'wechat', 'email', 'import') and ${t.sourceRef} is not null`),
  ],
);

/**
 * Who handles a new item (分派规则, like the tickets' assignment rules): tried in position order when an item is
 * recorded; the first active rule whose conditions all match (category, source, sentiment, the customer's compound and
 * district; an empty condition matches anything) names the owner — a user, the customer's account manager, or the next
 * member of a team in turn (round robin keeps its cursor, the last user chosen, on the rule). No rule matching: the
 * customer's account manager, else nobody.
 */
export const feedbackAssignmentRules = pgTable('feedback_assignment_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
  categoryId: uuid('category_id').references(() => feedbackCategories.id),
  source: text('source', { enum: FEEDBACK_SOURCES }),
  sentiment: text('sentiment', { enum: FEEDBACK_SENTIMENTS }),
  compound: text('compound'),
  district: text('district'),
  target: text('target', { enum: FEEDBACK_ASSIGNMENT_TARGETS }).notNull(),
  userId: uuid('user_id').references(() => users.id),
  teamId: uuid('team_id').references(() => teams.id),
  lastUserId: uuid('last_user_id').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The company's own models (公司模型, `hearth feedback retrain`): one row per kind — sentiment (residual weights over the
 * shipped model, text/company.ts) and category (centroids of the items people categorised, text/category.ts) — as a
 * JSON document of feature hashes and weights (no customer's text). `fingerprint` identifies the training set and the
 * method: a retrain over the same corrections writes nothing. `version` counts the trainings.
 */
export const feedbackModels = pgTable('feedback_models', {
  kind: text('kind', { enum: FEEDBACK_MODEL_KINDS }).primaryKey(),
  version: integer('version').notNull().default(1),
  fingerprint: text('fingerprint').notNull(),
  examples: integer('examples').notNull(),
  counts: jsonb('counts').$type<Record<string, number>>().notNull(),
  weight: doublePrecision('weight').notNull(),
  model: jsonb('model').$type<unknown>().notNull(),
  trainedBy: uuid('trained_by').references(() => users.id),
  trainedAt: timestamp('trained_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A retrain (重新训练) as a durable run: the corrections read in short transactions, the fit in memory between turns of
 * the event loop, the models written in one short transaction; then, when a model changed, the open items analysed
 * again in batches (reanalyse.ts). One at a time (partial unique index).
 */
export const feedbackRetrainRuns = pgTable(
  'feedback_retrain_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** manual (the page, the API) | cli. */
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    results: jsonb('results').$type<FeedbackModelResult[]>().notNull().default(sql`'[]'::jsonb`),
    /** Checkpoint: the phase; from `reanalyse` on, the re-analysis' place (the last item id) and counts (reanalyse.ts). */
    ...runColumns<{ phase: string; after?: string | null; items?: number; changed?: number; total?: number }>(),
  },
  (t) => [
    uniqueIndex('feedback_retrain_runs_active_unique').on(sql`(true)`).where(sql`${t.status} in ('queued', 'running')`),
    index('feedback_retrain_runs_created_idx').on(t.createdAt),
  ],
);

/**
 * A WeChat follower's bound mobile number (the follower sent 「绑定 139…」 to the official account): their messages are
 * matched to the customer with that number when no customer holds their openid. The latest binding wins.
 */
export const feedbackWechatBindings = pgTable('feedback_wechat_bindings', {
  openid: text('openid').primaryKey(),
  phone: text('phone').notNull(),
  boundAt: timestamp('bound_at', { withTimezone: true }).notNull().defaultNow(),
});
