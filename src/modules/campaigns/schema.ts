import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { messageTemplates } from '../messages/schema.js';
import { segments } from '../segments/schema.js';
import { CAMPAIGN_GOALS, CAMPAIGN_GROUPS, CAMPAIGN_STATUSES, CODE_MODES, OFFER_KINDS, REDEMPTION_SOURCES } from './campaigns.contract.js';

/**
 * 营销活动: a goal, a target segment, a holdout share, offers, messages, a schedule, a budget and costs. Soft-deleted
 * (drafts only). `seed` keys the holdout hash, so relaunching the same campaign draws the same groups.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
    goal: text('goal', { enum: CAMPAIGN_GOALS }).notNull(),
    goalTarget: integer('goal_target').notNull().default(0),
    segmentId: uuid('segment_id').references(() => segments.id),
    holdoutBp: integer('holdout_bp').notNull().default(1000),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    attributionDays: integer('attribution_days').notNull().default(30),
    budgetFen: bigint('budget_fen', { mode: 'number' }).notNull().default(0),
    costPerMessageFen: integer('cost_per_message_fen').notNull().default(0),
    costPerRedemptionFen: integer('cost_per_redemption_fen').notNull().default(0),
    marginBp: integer('margin_bp').notNull().default(3000),
    seed: text('seed').notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    createdBy: uuid('created_by').references(() => users.id),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    launchedAt: timestamp('launched_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    treatedCount: integer('treated_count').notNull().default(0),
    holdoutCount: integer('holdout_count').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('campaigns_created_idx').on(t.createdAt, t.id),
    index('campaigns_due_idx').on(t.startsAt).where(sql`${t.status} = 'scheduled'`),
    index('campaigns_running_idx').on(t.endsAt).where(sql`${t.status} = 'running'`),
  ],
);

/** A campaign's messages: one template per channel; every treated member gets each (the outbox's rules apply). */
export const campaignChannels = pgTable(
  'campaign_channels',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    templateId: uuid('template_id')
      .notNull()
      .references(() => messageTemplates.id),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.templateId] })],
);

export const campaignOffers = pgTable(
  'campaign_offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    kind: text('kind', { enum: OFFER_KINDS }).notNull(),
    name: text('name').notNull(),
    percentOffBp: integer('percent_off_bp'),
    thresholdFen: bigint('threshold_fen', { mode: 'number' }),
    discountFen: bigint('discount_fen', { mode: 'number' }),
    detail: text('detail'),
    multiplierX100: integer('multiplier_x100'),
    codeMode: text('code_mode', { enum: CODE_MODES }).notNull().default('none'),
    sharedCode: text('shared_code'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    perCustomerLimit: integer('per_customer_limit').notNull().default(1),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('campaign_offers_campaign_idx').on(t.campaignId, t.position)],
);

/**
 * Coupon codes: one row per unique code (its customer, `max_uses`), or one row for an offer's shared code (no
 * customer; the per-customer limit is counted over redemptions). `uses` is raised by one atomic update that checks the
 * limit, so concurrent redemptions never exceed it. Codes are unique across all campaigns.
 */
export const couponCodes = pgTable(
  'coupon_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    offerId: uuid('offer_id')
      .notNull()
      .references(() => campaignOffers.id),
    code: text('code').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('coupon_codes_code_unique').on(t.code),
    uniqueIndex('coupon_codes_offer_customer_unique').on(t.offerId, t.customerId).where(sql`${t.customerId} is not null`),
    index('coupon_codes_customer_idx').on(t.customerId).where(sql`${t.customerId} is not null`),
  ],
);

export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeId: uuid('code_id')
      .notNull()
      .references(() => couponCodes.id),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    offerId: uuid('offer_id')
      .notNull()
      .references(() => campaignOffers.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The transaction that carried the code (its id; no foreign key: the transactions module owns it). */
    transactionId: uuid('transaction_id'),
    orderFen: bigint('order_fen', { mode: 'number' }),
    discountFen: bigint('discount_fen', { mode: 'number' }).notNull().default(0),
    source: text('source', { enum: REDEMPTION_SOURCES }).notNull(),
    redeemedBy: uuid('redeemed_by').references(() => users.id),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('coupon_redemptions_campaign_idx').on(t.campaignId, t.redeemedAt, t.id),
    index('coupon_redemptions_code_customer_idx').on(t.codeId, t.customerId),
    uniqueIndex('coupon_redemptions_transaction_unique').on(t.transactionId, t.codeId).where(sql`${t.transactionId} is not null`),
  ],
);

/**
 * Who a launch drew: every audience member once, treated or held out, with the value tier at launch (the holdout is
 * stratified by it; results are split by it) and the keyed hash that ranked them.
 */
export const campaignMembers = pgTable(
  'campaign_members',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    grp: text('grp', { enum: CAMPAIGN_GROUPS }).notNull(),
    tier: text('tier').notNull(),
    /** The first 64 bits of HMAC-SHA256(seed, customer id), hex: the order in which each tier's holdout is taken. */
    rank: text('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.customerId] }), index('campaign_members_group_idx').on(t.campaignId, t.grp, t.customerId)],
);

/** Where a launch resumes: the phase, the last customer id done in it, the counts so far. */
export type LaunchCheckpoint = {
  phase: 'draw' | 'assign' | 'codes' | 'send' | 'done';
  after: string | null;
  /** The offer (codes) or template (send) being worked on, by position. */
  index: number;
  /** assign: each tier's last held-out (rank, customer id). */
  cutoffs?: Record<string, [string, string] | null>;
  drawn: number;
  sent: number;
  blocked: Record<string, number>;
};

/** A launch (a durable run): draws the groups, issues codes, writes the treated group's messages to the outbox. */
export const campaignLaunches = pgTable(
  'campaign_launches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    ...runColumns<LaunchCheckpoint>(),
    requestedBy: uuid('requested_by'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('campaign_launches_active_unique').on(t.campaignId).where(sql`${t.status} in ('queued', 'running')`),
    index('campaign_launches_campaign_idx').on(t.campaignId, t.createdAt),
  ],
);
