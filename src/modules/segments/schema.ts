import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { bigint, boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, pgView, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import type { Rule } from './rule.js';
import { SEGMENT_KINDS } from './segments.contract.js';

/**
 * 客户细分: a dynamic segment (a rule over the customers, re-evaluated nightly and on demand) or a static list (members
 * added and removed by hand). Soft-deleted (`deleted_at`); a name is unique among the live ones.
 */
export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind', { enum: SEGMENT_KINDS }).notNull(),
    /** The rule tree (rule.ts); null for a static list. */
    rule: jsonb('rule').$type<Rule>(),
    ownerId: uuid('owner_id').references(() => users.id),
    createdBy: uuid('created_by').references(() => users.id),
    /** Current members (all customers, not scoped), as of the last refresh or list change. */
    memberCount: integer('member_count').notNull().default(0),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('segments_name_live_unique').on(sql`lower(${t.name})`).where(sql`${t.deletedAt} is null`),
    index('segments_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * Membership with its history: one row per stay in a segment. `exited_at` is null while the customer is a member; a
 * customer who leaves keeps the row (exited_at set) and one who comes back gets a new row. At most one current row per
 * (segment, customer): the partial unique index, which also serves "current members of a segment" in customer order.
 */
export const segmentMembers = pgTable(
  'segment_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
    exitedAt: timestamp('exited_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('segment_members_current_unique').on(t.segmentId, t.customerId).where(sql`${t.exitedAt} is null`),
    index('segment_members_customer_current_idx').on(t.customerId).where(sql`${t.exitedAt} is null`),
    index('segment_members_history_idx').on(t.segmentId, t.enteredAt),
  ],
);

/** One count a day per segment (company date), written by each refresh and list change; `at` is when it was counted. */
export const segmentCounts = pgTable(
  'segment_counts',
  {
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id),
    day: date('day', { mode: 'string' }).notNull(),
    count: integer('count').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.day] })],
);

/** Checkpoint of a refresh run: the segment being refreshed, the last customer id done, and the run's clock. */
export type RefreshCheckpoint = { segmentIds: string[]; index: number; after: string | null; now: string; entered: number; exited: number };

/**
 * A refresh run (a durable run, `platform/runs`): one dynamic segment (manual, cli) or every dynamic segment (the
 * nightly run, one per company date: the partial unique index lets exactly one process queue it). At most one run
 * queued or running per segment.
 */
export const segmentRefreshes = pgTable(
  'segment_refreshes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    segmentId: uuid('segment_id').references(() => segments.id),
    kind: text('kind', { enum: ['manual', 'nightly', 'cli'] }).notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    ...runColumns<RefreshCheckpoint>(),
    entered: integer('entered').notNull().default(0),
    exited: integer('exited').notNull().default(0),
    requestedBy: uuid('requested_by'),
  },
  (t) => [
    uniqueIndex('segment_refreshes_nightly_unique').on(t.asOf).where(sql`${t.kind} = 'nightly'`),
    uniqueIndex('segment_refreshes_active_unique').on(t.segmentId).where(sql`${t.status} in ('queued', 'running') and ${t.segmentId} is not null`),
    index('segment_refreshes_segment_idx').on(t.segmentId, t.createdAt),
  ],
);

/**
 * The read surface for other modules (campaigns, message sends, care audiences, exports): every stay of a customer in
 * a live segment, current ones with `exited_at` null. Other modules read membership through this view or through
 * `segmentMembership`, never through the tables.
 */
export const segmentMemberLedger = pgView('segment_member_ledger').as((qb) =>
  qb
    .select({
      segmentId: segmentMembers.segmentId,
      customerId: segmentMembers.customerId,
      enteredAt: segmentMembers.enteredAt,
      exitedAt: segmentMembers.exitedAt,
    })
    .from(segmentMembers)
    .innerJoin(segments, sql`${segments.id} = ${segmentMembers.segmentId} and ${segments.deletedAt} is null`),
);

/**
 * "This customer is a current member of this live segment", as SQL over the caller's expressions (a segment id, a
 * customer id). A segment in the trash has no members here, as in `segment_member_ledger`.
 */
export function segmentMembership(segmentId: SQLWrapper | string, customerId: SQLWrapper): SQL {
  return sql`exists (select 1 from segment_members sm join segments sg on sg.id = sm.segment_id and sg.deleted_at is null
                     where sm.segment_id = ${segmentId} and sm.customer_id = ${customerId} and sm.exited_at is null)`;
}

/**
 * The facts read model (segments.facts.ts): one narrow row per live customer — the customer columns rules filter on
 * (not the name, kind, gender, source or province: rules naming those are counted live),
 * the latest analytics results and the transaction facts of the 365 company days before `customer_facts_state.as_of_day`
 * (counts and sums per type, NULL for none) plus the latest purchase, payment and refund ever — so that the builder's
 * count reads this table alone (about a fifth of the customers heap). Column names and types are those of the sources
 * (customer_directory, the analytics results), so a field's SQL over `c` reads the same here. No foreign key: the row of
 * a deleted customer is removed, and a rebuild truncates the table. `deleted_at` is always null (callers' SQL says
 * `c.deleted_at is null` over either source).
 */
export const customerFacts = pgTable('customer_facts', {
  // Fixed-width columns first, widest first (no alignment padding between them), then the texts.
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  // The latest live transaction of each type, ever.
  lastPurchaseAt: timestamp('last_purchase_at', { withTimezone: true }),
  lastPaymentAt: timestamp('last_payment_at', { withTimezone: true }),
  lastRefundAt: timestamp('last_refund_at', { withTimezone: true }),
  // Live transactions in the 365-day window (from the start of the company day 365 days before as_of_day): null = none.
  purchaseFen: bigint('purchase_fen', { mode: 'number' }),
  paymentFen: bigint('payment_fen', { mode: 'number' }),
  refundFen: bigint('refund_fen', { mode: 'number' }),
  // The latest analytics run's results (null: not scored).
  clvFen: bigint('clv_fen', { mode: 'number' }),
  pAlive: doublePrecision('p_alive'),
  purchaseCount: integer('purchase_count'),
  paymentCount: integer('payment_count'),
  refundCount: integer('refund_count'),
  id: uuid('id').primaryKey(),
  ownerId: uuid('owner_id'),
  teamId: uuid('team_id'),
  birthday: date('birthday', { mode: 'string' }),
  segment: integer('segment'),
  churnRisk: smallint('churn_risk'),
  rScore: smallint('r_score'),
  fScore: smallint('f_score'),
  mScore: smallint('m_score'),
  consentPhone: boolean('consent_phone').notNull(),
  consentSms: boolean('consent_sms').notNull(),
  consentEmail: boolean('consent_email').notNull(),
  consentWechat: boolean('consent_wechat').notNull(),
  hasPhone: boolean('has_phone').notNull(),
  stage: text('stage').notNull(),
  valueTier: text('value_tier'),
  churnLevel: text('churn_level'),
  rfmGroup: text('rfm_group'),
  city: text('city'),
  district: text('district'),
  compound: text('compound'),
  building: text('building'),
  tags: text('tags').array().notNull(),
});

/**
 * The facts' one state row: whether they are complete (`ready`), the company day and zone their window is of, the
 * analytics run their results come from — the count uses them only when all three are current — and the rebuild in
 * progress (its owner and heartbeat, what it builds, the last customer id done).
 */
export const customerFactsState = pgTable(
  'customer_facts_state',
  {
    id: smallint('id').primaryKey().default(1),
    ready: boolean('ready').notNull().default(false),
    asOfDay: date('as_of_day', { mode: 'string' }),
    zone: text('zone'),
    analyticsRunId: uuid('analytics_run_id'),
    builtAt: timestamp('built_at', { withTimezone: true }),
    /** When a rebuild was last asked for (asked again at most once a minute). */
    requestedAt: timestamp('requested_at', { withTimezone: true }),
    buildOwner: text('build_owner'),
    buildBeat: timestamp('build_beat', { withTimezone: true }),
    /** `day|zone|run` of the rebuild in progress (null: none started), and the last customer id it wrote. */
    buildKey: text('build_key'),
    buildAfter: uuid('build_after'),
  },
  (t) => [check('customer_facts_state_one_row', sql`${t.id} = 1`)],
);
