import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teams, users } from '../accounts/schema.js';
import { GOAL_OWNER_KINDS, GOAL_PERIOD_KINDS, GOAL_STATUSES, GOAL_TARGET_KINDS } from './goals.contract.js';

/**
 * 目标: a metric of the catalogue (`metric`, a registry key such as `tickets.complaints`, with its parameter
 * `metric_param` when it takes one), a target, a period of
 * calendar days (inclusive, company time zone) and an owner. Soft-deleted (`deleted_at`): a removed goal can be
 * restored with its history.
 */
export const goals = pgTable(
  'goals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    metric: text('metric').notNull(),
    /** The metric's parameter (e.g. a segment's id for `segments.size`); null for a metric that takes none. */
    metricParam: text('metric_param'),
    targetKind: text('target_kind', { enum: GOAL_TARGET_KINDS }).notNull(),
    targetValue: doublePrecision('target_value').notNull(),
    periodKind: text('period_kind', { enum: GOAL_PERIOD_KINDS }).notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    ownerKind: text('owner_kind', { enum: GOAL_OWNER_KINDS }).notNull(),
    ownerTeamId: uuid('owner_team_id').references(() => teams.id),
    ownerUserId: uuid('owner_user_id').references(() => users.id),
    /** Set by an industry template's seeding (a stable key, so seeding twice writes nothing). */
    seedKey: text('seed_key').unique(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('goals_period_idx').on(t.periodEnd, t.periodStart),
    index('goals_owner_team_idx').on(t.ownerTeamId),
    index('goals_owner_user_idx').on(t.ownerUserId),
    check('goals_period_order', sql`${t.periodStart} <= ${t.periodEnd}`),
    check(
      'goals_owner_shape',
      sql`(${t.ownerKind} = 'company' and ${t.ownerTeamId} is null and ${t.ownerUserId} is null)
        or (${t.ownerKind} = 'team' and ${t.ownerTeamId} is not null and ${t.ownerUserId} is null)
        or (${t.ownerKind} = 'user' and ${t.ownerUserId} is not null and ${t.ownerTeamId} is null)`,
    ),
  ],
);

/** A goal's history: its figures as of the end of each day of its period (written once a day by the goals clock). */
export const goalSnapshots = pgTable(
  'goal_snapshots',
  {
    goalId: uuid('goal_id')
      .notNull()
      .references(() => goals.id),
    day: date('day', { mode: 'string' }).notNull(),
    value: doublePrecision('value'),
    forecast: doublePrecision('forecast'),
    target: doublePrecision('target'),
    status: text('status', { enum: GOAL_STATUSES }).notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.goalId, t.day] })],
);
