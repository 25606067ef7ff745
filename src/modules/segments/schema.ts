import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, pgView, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
