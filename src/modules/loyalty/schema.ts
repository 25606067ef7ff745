import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { ADJUSTMENT_STATUSES, LEDGER_KINDS, LEDGER_SOURCES, REDEMPTION_CHANNELS, REFERRAL_STATUSES, REWARD_KINDS, TIER_CHANGE_REASONS, type LocalText, type UpkeepSummary } from './loyalty.contract.js';

/**
 * 会员: one row per member (a customer). `balance` is the sum of the member's ledger entries and `debt` the points
 * still owed by refunds whose points were already spent — both kept in the same transaction as the entries that move
 * them, under the member row's lock (ledger.ts). `referral_code` is the member's own code for 老带新.
 */
export const loyaltyMembers = pgTable(
  'loyalty_members',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    memberNo: bigserial('member_no', { mode: 'number' }).notNull(),
    tier: text('tier').notNull(),
    tierSince: timestamp('tier_since', { withTimezone: true }).notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    debt: bigint('debt', { mode: 'number' }).notNull().default(0),
    referralCode: text('referral_code').notNull(),
    referredBy: uuid('referred_by').references(() => customers.id),
    status: text('status', { enum: ['active', 'left'] }).notNull().default('active'),
    /** The last yearly review this member went through ("2026"), so a review run twice reviews nobody twice. */
    reviewedFor: text('reviewed_for'),
    /**
     * Member links (member-link.ts) issued before this instant no longer open the page: set when staff revoke them
     * (a whole second after the revocation, so a link issued in the same second is revoked too); null: never revoked.
     */
    linksValidFrom: timestamp('links_valid_from', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('loyalty_members_no_unique').on(t.memberNo),
    uniqueIndex('loyalty_members_referral_code_unique').on(t.referralCode),
    index('loyalty_members_tier_idx').on(t.tier),
    check('loyalty_members_balance_nonnegative', sql`${t.balance} >= 0`),
    check('loyalty_members_debt_nonnegative', sql`${t.debt} >= 0`),
  ],
);

/**
 * 积分流水: append-only. A positive entry of kind earn, bonus, adjust or reverse (given back) opens a lot
 * (`points_lots`); a negative one consumes lots, earliest expiry first (`points_allocations` says which). `dedupe_key`
 * makes an event's entry exactly-once ("tx:<id>:earn", "refund:<id>:<entry>", "referral:<id>:referrer" …): a replay
 * (an import run twice, two processes on one event) writes nothing. `reverses_id` ties a reversal to the entry it
 * takes back. Every write's cost counts (a large import earns in the same batches): the indexes are the few the
 * ledger's reads need.
 */
export const pointsEntries = pgTable(
  'points_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** A member (no foreign key: every writer holds the member row's lock, and a key check per row is a large import's cost). */
    customerId: uuid('customer_id').notNull(),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    /** The member's balance after this entry. */
    balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
    /** A message key (`loyalty.reason.*`, rendered in the reader's language with `reason_params`) or a person's own words. */
    reason: text('reason').notNull(),
    reasonParams: jsonb('reason_params').$type<Record<string, string | number>>(),
    sourceKind: text('source_kind', { enum: LEDGER_SOURCES }),
    sourceId: text('source_id'),
    dedupeKey: text('dedupe_key'),
    /**
     * No foreign keys on this and `created_by` either (migration 0058): each was a trigger queued per inserted row —
     * and for `created_by`, the importing user's, a lookup per row — on the ledger's hottest insert (earning on a large
     * import). The ledger writes `reverses_id` only with an entry it has just read under the member's lock, and users
     * are never deleted (they are deactivated).
     */
    reversesId: bigint('reverses_id', { mode: 'number' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('points_entries_dedupe_unique').on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
    // A member's entries in ledger order, carrying what the growth value reads (growth.ts): the yearly review and the
    // upgrade after an earn read a range of members' entries from the index alone, not from rows spread over the table.
    index('points_entries_customer_idx').on(t.customerId, t.id, t.kind, t.points, t.reversesId, t.occurredAt),
    index('points_entries_reverses_idx').on(t.reversesId).where(sql`${t.reversesId} is not null`),
    // Reports read a period's entries by time: a BRIN index is all but free to keep up on a table written in bulk.
    index('points_entries_occurred_brin').using('brin', t.occurredAt),
    check('points_entries_sign', sql`(${t.kind} in ('earn','bonus') and ${t.points} > 0) or (${t.kind} in ('redeem','expire') and ${t.points} < 0) or (${t.kind} in ('adjust','reverse') and ${t.points} <> 0)`),
  ],
);

/**
 * A credit's points, and what is left of them; spent earliest expiry first, expired at `expires_at`. A lot expires
 * once (what is left of it then; a lot never refills: points given back open a lot of their own), so its expiry is
 * recorded on the lot itself — `expired` points, by the expire entry `expired_by` — rather than as allocation rows:
 * the nightly expiry of a million lots writes each lot once and no allocation row with two foreign-key checks.
 * `expired_by` has no foreign key for the same reason (the expire entry is written in the same statement).
 */
export const pointsLots = pgTable(
  'points_lots',
  {
    /** The credit entry (no foreign key: written in the same statement as it; see `points_entries.customer_id`). */
    entryId: bigint('entry_id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    /** Far in the future for points that never expire. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Points of this lot that expired unused (0 until it expires). */
    expired: bigint('expired', { mode: 'number' }).notNull().default(0),
    /** The expire entry that took them. */
    expiredBy: bigint('expired_by', { mode: 'number' }),
  },
  (t) => [
    index('points_lots_open_idx').on(t.customerId, t.expiresAt, t.entryId).where(sql`${t.remaining} > 0`),
    index('points_lots_expiry_idx').on(t.expiresAt, t.customerId).where(sql`${t.remaining} > 0`),
    check('points_lots_remaining', sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.points}`),
    check('points_lots_expired', sql`${t.expired} >= 0 and ${t.remaining} + ${t.expired} <= ${t.points} and (${t.expired} = 0) = (${t.expiredBy} is null)`),
  ],
);

/** Which lots a debit took its points from (and so which lots a give-back restores); expiry is recorded on the lot. */
export const pointsAllocations = pgTable(
  'points_allocations',
  {
    debitId: bigint('debit_id', { mode: 'number' })
      .notNull()
      .references(() => pointsEntries.id),
    lotId: bigint('lot_id', { mode: 'number' })
      .notNull()
      .references(() => pointsLots.entryId),
    points: bigint('points', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.debitId, t.lotId] }), index('points_allocations_lot_idx').on(t.lotId), check('points_allocations_positive', sql`${t.points} > 0`)],
);

/** Points a reversal could not take back (already spent): settled from the member's next credits, oldest first. */
export const pointsDebts = pgTable(
  'points_debts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => loyaltyMembers.customerId),
    /** The entry whose points are owed back. */
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => pointsEntries.id),
    points: bigint('points', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('points_debts_open_idx').on(t.customerId, t.id).where(sql`${t.remaining} > 0`)],
);

/** Tier history: every change, with the growth value that caused it. */
export const loyaltyTierChanges = pgTable(
  'loyalty_tier_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => loyaltyMembers.customerId),
    fromTier: text('from_tier'),
    toTier: text('to_tier').notNull(),
    reason: text('reason', { enum: TIER_CHANGE_REASONS }).notNull(),
    growth: bigint('growth', { mode: 'number' }).notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('loyalty_tier_changes_customer_idx').on(t.customerId, t.at), index('loyalty_tier_changes_at_idx').on(t.at)],
);

/** 积分商城: gifts, service vouchers and fee deductions, with stock (null: unlimited). Soft-deleted. */
export const loyaltyRewards = pgTable(
  'loyalty_rewards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: jsonb('name').$type<LocalText>().notNull(),
    kind: text('kind', { enum: REWARD_KINDS }).notNull(),
    pointsCost: bigint('points_cost', { mode: 'number' }).notNull(),
    valueFen: bigint('value_fen', { mode: 'number' }).notNull().default(0),
    stock: integer('stock'),
    minTier: text('min_tier'),
    description: jsonb('description').$type<LocalText>().notNull(),
    active: boolean('active').notNull().default(true),
    seedKey: text('seed_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [check('loyalty_rewards_stock', sql`${t.stock} is null or ${t.stock} >= 0`), check('loyalty_rewards_cost', sql`${t.pointsCost} > 0`)],
);

/** A redemption: the reward, the points (the redeem entry) and, for a fee deduction, the bill it was spent on. */
export const loyaltyRedemptions = pgTable(
  'loyalty_redemptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => loyaltyMembers.customerId),
    rewardId: uuid('reward_id')
      .notNull()
      .references(() => loyaltyRewards.id),
    quantity: integer('quantity').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => pointsEntries.id),
    channel: text('channel', { enum: REDEMPTION_CHANNELS }).notNull(),
    transactionId: uuid('transaction_id'),
    status: text('status', { enum: ['done', 'cancelled'] }).notNull().default('done'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [
    index('loyalty_redemptions_customer_idx').on(t.customerId, t.createdAt),
    index('loyalty_redemptions_created_idx').on(t.createdAt, t.id),
    index('loyalty_redemptions_tx_idx').on(t.transactionId).where(sql`${t.transactionId} is not null`),
  ],
);

/** 老带新: a referee is attributed to one referrer, once; rewarded once after the qualifying event, or refused with a reason. */
export const loyaltyReferrals = pgTable(
  'loyalty_referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referrerId: uuid('referrer_id')
      .notNull()
      .references(() => customers.id),
    refereeId: uuid('referee_id')
      .notNull()
      .references(() => customers.id),
    code: text('code').notNull(),
    status: text('status', { enum: REFERRAL_STATUSES }).notNull().default('pending'),
    refusedReason: text('refused_reason'),
    qualifyingTransactionId: uuid('qualifying_transaction_id'),
    rewardedAt: timestamp('rewarded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('loyalty_referrals_referee_unique').on(t.refereeId),
    index('loyalty_referrals_referrer_idx').on(t.referrerId, t.createdAt),
    index('loyalty_referrals_status_idx').on(t.status, t.createdAt),
  ],
);

/** A manual adjustment above the approval limit waits here for a second person (requester ≠ approver). */
export const loyaltyAdjustments = pgTable(
  'loyalty_adjustments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => loyaltyMembers.customerId),
    points: bigint('points', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: ADJUSTMENT_STATUSES }).notNull().default('pending'),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    decidedBy: uuid('decided_by').references(() => users.id),
    entryId: bigint('entry_id', { mode: 'number' }).references(() => pointsEntries.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('loyalty_adjustments_status_idx').on(t.status, t.createdAt)],
);

/**
 * The yearly review's progress, one row per review year ("2027"): the walk goes in customer-id order and `after_id` is
 * the last member it reviewed (a watermark), `finished_at` set when it took the last one. Every review range locks
 * this row first and saves the watermark in its own transaction, so two runs (a day's run resumed while the next
 * day's starts) continue one walk and review nobody twice — without writing a "reviewed" mark on the row of every
 * member (most keep their tier and need no write at all: upkeep.ts).
 */
export const loyaltyReviews = pgTable('loyalty_reviews', {
  year: text('year').primaryKey(),
  afterId: uuid('after_id'),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** The nightly upkeep as a durable run: expire due lots, then (on the review day) the yearly tier review. */
export const loyaltyRuns = pgTable(
  'loyalty_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The company day it is for (YYYY-MM-DD): one run a day. */
    day: text('day').notNull(),
    ...runColumns<{ phase: 'review' | 'expire' | 'sweep' | 'done'; after: string | null }>(),
    summary: jsonb('summary').$type<UpkeepSummary>(),
  },
  (t) => [uniqueIndex('loyalty_runs_day_unique').on(t.day)],
);
