import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/schema.js';
import { tickets } from '../schema.js';
import type { SlaCalendarDay, SlaWorkingHours } from './sla.contract.js';

/** Business calendars (营业日历): working hours per weekday, public holidays, make-up working days, or 24×7. */
export const slaCalendars = pgTable(
  'sla_calendars',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    alwaysOpen: boolean('always_open').notNull().default(false),
    hours: jsonb('hours').$type<SlaWorkingHours[]>().notNull().default([]),
    holidays: jsonb('holidays').$type<SlaCalendarDay[]>().notNull().default([]),
    workdays: jsonb('workdays').$type<SlaCalendarDay[]>().notNull().default([]),
    /** Policies created without a calendar use the default one. */
    isDefault: boolean('is_default').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sla_calendars_name_unique').on(t.name)],
);

/** SLA policies: targets by ticket type, priority and customer tier (null = any); the most specific match wins. */
export const slaPolicies = pgTable('sla_policies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  ticketType: text('ticket_type'),
  priority: text('priority'),
  customerTier: text('customer_tier'),
  calendarId: uuid('calendar_id')
    .notNull()
    .references(() => slaCalendars.id),
  firstResponseMinutes: integer('first_response_minutes').notNull(),
  resolutionMinutes: integer('resolution_minutes').notNull(),
  warnAtPercent: integer('warn_at_percent').notNull().default(80),
  level2AfterMinutes: integer('level2_after_minutes').notNull().default(240),
  level3AfterMinutes: integer('level3_after_minutes').notNull().default(1440),
  position: integer('position').notNull().default(0),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Each ticket's SLA clock (one row per ticket; written only through the SLA hooks the
 * tickets workflow calls inside its own transactions).
 */
export const ticketSlaClocks = pgTable(
  'ticket_sla_clocks',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => slaPolicies.id),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => slaCalendars.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }).notNull(),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }).notNull(),
    resolutionStartedAt: timestamp('resolution_started_at', { withTimezone: true }).notNull(),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    pausedBusinessMs: bigint('paused_business_ms', { mode: 'number' }).notNull().default(0),
    resolutionPausedMs: bigint('resolution_paused_ms', { mode: 'number' }).notNull().default(0),
    /** How many times the ticket was reopened: each reopen is a new SLA round (warnings and escalation levels fire once per round). */
    round: integer('round').notNull().default(0),
    escalationLevel: smallint('escalation_level').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_sla_clocks_open_idx').on(t.resolutionDueAt).where(sql`${t.resolvedAt} is null`)],
);

/**
 * Escalations and warnings that fired: one row per (ticket, kind, level, round), inserted ON CONFLICT DO NOTHING in the
 * same transaction as its task, so each fires exactly once per round even with several server processes checking.
 */
export const ticketEscalations = pgTable(
  'ticket_escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /** escalation (level 1–3) or warning (level 0 = first response, 1 = resolution); round = reopen count (first-response warnings: 0). */
    kind: text('kind', { enum: ['escalation', 'warning'] }).notNull(),
    level: smallint('level').notNull(),
    round: integer('round').notNull().default(0),
    target: text('target', { enum: ['first_response', 'resolution'] }).notNull(),
    userId: uuid('user_id').references(() => users.id),
    taskId: uuid('task_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ticket_escalations_once').on(t.ticketId, t.kind, t.level, t.round), index('ticket_escalations_user_idx').on(t.userId, t.createdAt)],
);
