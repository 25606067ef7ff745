import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { messageTemplates } from '../messages/schema.js';
import type { ArrearsBasis, NoticeCounts, NoticeKind } from './heating.contract.js';

/**
 * 欠费 read model: one row per household and heating season it owes (owed > 0 only), by the rule in arrears.ts. Kept by
 * the transactions' written hook (the households a write touched, in its transaction) and rebuilt by a durable run
 * (nightly, after a demo load, on request): the tree and the arrears list read it instead of aggregating millions of
 * heating-fee transactions on every open.
 */
export const heatingArrears = pgTable(
  'heating_arrears',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The season's first year: 2025 is the 2025-2026 season. */
    seasonYear: integer('season_year').notNull(),
    /** As written on the transactions: 2025-2026. */
    season: text('season').notNull(),
    /** What the season costs the household: its bills, else the fee it paid for its latest paid season. */
    dueFen: bigint('due_fen', { mode: 'number' }).notNull(),
    /** Payments for the season less its refunds. */
    paidFen: bigint('paid_fen', { mode: 'number' }).notNull(),
    owedFen: bigint('owed_fen', { mode: 'number' }).notNull(),
    basis: text('basis').$type<ArrearsBasis>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.seasonYear] }), index('heating_arrears_season_idx').on(t.seasonYear, t.owedFen)],
);

/** A rebuild of the whole read model: a durable run walking the customers by id, a slice a transaction. */
export const heatingArrearsRuns = pgTable(
  'heating_arrears_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** nightly | demo (a demo load finished after the last rebuild) | season (a payment deadline passed) | manual | start. */
    reason: text('reason').notNull(),
    /** The latest season whose payment deadline had passed when the run started (2025 = 2025-2026). */
    dueYear: integer('due_year').notNull(),
    /** The company day it ran for (YYYY-MM-DD). */
    day: text('day').notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    ...runColumns<{ after: string | null; customers: number; rows: number }>(),
  },
  (t) => [
    uniqueIndex('heating_arrears_runs_active_unique').on(sql`(true)`).where(sql`${t.status} in ('queued', 'running')`),
    index('heating_arrears_runs_created_idx').on(t.createdAt),
  ],
);

/**
 * 停暖通知 / 抢修通知: one notice to every household of a compound, building or unit, through the outbox (source kind
 * `heating_notice`, source id = this row's id). Small targets are sent in the request's transaction (status done at
 * once); large ones are a durable run over the households by id, a slice a transaction.
 */
export const heatingNotices = pgTable(
  'heating_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<NoticeKind>().notNull(),
    compound: text('compound').notNull(),
    building: text('building'),
    unit: text('unit'),
    templateId: uuid('template_id')
      .notNull()
      .references(() => messageTemplates.id),
    templateName: text('template_name').notNull(),
    channel: text('channel').notNull(),
    /** The text typed for this notice (saved as its template); null when a template was picked. */
    text: text('text'),
    /** Households of the target in the sender's data scope when it was created. */
    households: integer('households').notNull(),
    counts: jsonb('counts').$type<NoticeCounts>().notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    requestedByName: text('requested_by_name'),
    ...runColumns<{ after: string | null; counts: NoticeCounts }>(),
  },
  (t) => [index('heating_notices_created_idx').on(t.createdAt, t.id)],
);
