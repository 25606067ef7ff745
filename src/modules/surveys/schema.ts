import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { tickets } from '../tickets/schema.js';
import type { SurveyDefinition } from './definition.js';
import {
  INVITATION_CHANNELS,
  INVITATION_SOURCES,
  INVITATION_STATUSES,
  QR_IDENTIFY,
  QR_PLACES,
  RESPONSE_STATUSES,
  SEND_AUDIENCES,
  SEND_CHANNELS,
  SEND_OUTCOMES,
  SURVEY_KINDS,
  TRIGGER_EVENTS,
  SURVEY_STATUSES,
  SURVEY_TEMPLATE_KEYS,
  type SurveySettings,
} from './surveys.contract.js';

/**
 * 满意度调查 (issue #15). The data model:
 *
 * - `surveys`: one row per survey. `kind` names its headline figure; `status` draft → active → closed (closed may be
 *   activated again). `settings` (jsonb, SurveySettings) holds the distribution rules: expiryDays 14, maxReminders 2,
 *   reminderAfterDays 3, fatigueDays 90, anonymousAllowed false by default (a stored object always has every key: the
 *   service merges the defaults in on write). `version` is the row's optimistic-lock counter (PATCH and the state
 *   changes send it; 409 when it moved), unrelated to the definition versions below. `current_version_id` points at
 *   the definition in use; it is null only inside the creating transaction (the survey is inserted first, then its
 *   version 1). Soft delete: `deleted_at` (trash; restore clears it); an active survey is closed before it is deleted.
 * - `survey_versions`: the definitions (definition.ts, validated by surveyDefinitionSchema), numbered 1, 2, … per
 *   survey (unique). Editing the definition of a survey whose current version has any response (partial or complete)
 *   inserts version n+1 and points `current_version_id` at it; with no response the current version is updated in
 *   place. The edit locks the current version row `for update` before counting its responses: a response being
 *   inserted holds `for key share` on it (its foreign key), so the two are ordered and an answer is never silently
 *   re-pointed at a definition it was not given against. Responses and invitations keep their version for good.
 * - `survey_invitations`: one per invited customer (or per QR scan that identified someone): channel, where it came
 *   from (`source`, `source_ref`: the segment / list / ticket / QR code id), status pending → sent → opened →
 *   responded, or expired / withdrawn; reminders counted. The public link carries a signed token naming the
 *   invitation id (no token column). Indexed by (customer_id, created_at) for the fatigue rule (anyone invited within
 *   fatigueDays, across every survey) and by (survey_id, status) for reminders and response rates.
 * - `survey_responses`: answers (jsonb, checkAnswers' cleaned form) with the headline scores copied to columns (nps
 *   0–10, csat 1–5, ces 1–7; null when the version asks none) for fast results. `invitation_id` is unique: one
 *   response per invitation, enforced by the database (a concurrent double submit fails the second insert).
 *   Anonymous answers have no invitation and no customer; a QR code's answers name it (`qr_code_id`). Partial
 *   responses are saved as the respondent goes (status partial, completed_at null) and resumed. `agent_id` and
 *   `ticket_id` name who served the customer, for ticket surveys' figures by agent. Indexed by
 *   (survey_id, status, completed_at) for results over time.
 * - `survey_qr_codes`: printed codes for a place (compound / building / hall / other, with its name in
 *   `place_value`), anonymous or self-identified; soft-deleted.
 *
 * No money. Times are timestamptz (UTC). Other modules read these tables through what index.ts exports.
 */
export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: SURVEY_KINDS }).notNull(),
    status: text('status', { enum: SURVEY_STATUSES }).notNull().default('draft'),
    templateKey: text('template_key', { enum: SURVEY_TEMPLATE_KEYS }),
    currentVersionId: uuid('current_version_id').references((): AnyPgColumn => surveyVersions.id),
    settings: jsonb('settings').$type<SurveySettings>().notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('surveys_created_idx').on(t.createdAt, t.id)],
);

export const surveyVersions = pgTable(
  'survey_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('survey_versions_survey_version_unique').on(t.surveyId, t.version)],
);

export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => surveyVersions.id),
    customerId: uuid('customer_id').references(() => customers.id),
    channel: text('channel', { enum: INVITATION_CHANNELS }).notNull(),
    source: text('source', { enum: INVITATION_SOURCES }).notNull(),
    /** The segment, list, ticket or QR code the invitation came from (its id as text; no foreign key). */
    sourceRef: text('source_ref'),
    status: text('status', { enum: INVITATION_STATUSES }).notNull().default('pending'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastRemindedAt: timestamp('last_reminded_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The send (a durable run) that made it; null for links, triggers and QR scans. */
    sendId: uuid('send_id').references((): AnyPgColumn => surveySends.id),
    /** When its message was handed to the outbox (null: no message, or not yet); reminders count from here. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** A trigger's ticket and the agent who served the customer: the response page copies them to the response. */
    ticketId: uuid('ticket_id').references(() => tickets.id),
    agentId: uuid('agent_id').references(() => users.id),
  },
  (t) => [
    index('survey_invitations_customer_idx').on(t.customerId, t.createdAt),
    index('survey_invitations_survey_status_idx').on(t.surveyId, t.status),
    index('survey_invitations_survey_created_idx').on(t.surveyId, t.createdAt, t.id),
    uniqueIndex('survey_invitations_send_customer_unique').on(t.sendId, t.customerId).where(sql`${t.sendId} is not null`),
    uniqueIndex('survey_invitations_trigger_unique').on(t.surveyId, t.sourceRef).where(sql`${t.source} = 'trigger'`),
  ],
);

/** Where a send resumes: the phase, the last customer id done, and what was counted so far. */
export type SendCheckpoint = {
  phase: 'draw' | 'sample' | 'invite' | 'send' | 'done';
  after: string | null;
  drawn: number;
  sampledOut: number;
  fatigue: number;
  alreadyInvited: number;
  invited: number;
  queued: number;
  /** Messages not written or suppressed at enqueueing, by reason (no_consent, frequency_cap, no_recipient). */
  blocked: Record<string, number>;
};

/**
 * A send of a survey (a durable run, `send.ts`): draw the audience (a segment, a static list or given customers) →
 * sample (a deterministic share or size) → invite (skipping fatigue and live invitations) → send (the outbox, source
 * 'survey' with this row's id). At most one queued or running send per survey.
 */
export const surveySends = pgTable(
  'survey_sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    ...runColumns<SendCheckpoint>(),
    requestedBy: uuid('requested_by').references(() => users.id),
    audience: text('audience', { enum: SEND_AUDIENCES }).notNull(),
    /** The segment or static list (no foreign key: another module's table). */
    segmentId: uuid('segment_id'),
    customerIds: jsonb('customer_ids').$type<string[]>(),
    channel: text('channel', { enum: SEND_CHANNELS }).notNull(),
    /** The message template; the built-in survey template of the channel when none was chosen. */
    templateId: uuid('template_id'),
    /** Sampling: a share in basis points (1–10000) or a size; neither: everyone drawn. */
    sampleBp: integer('sample_bp'),
    sampleSize: integer('sample_size'),
    /** The key of the sample's ranks (the survey's id unless given): the same seed draws the same sample. */
    seed: text('seed').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('survey_sends_active_unique').on(t.surveyId).where(sql`${t.status} in ('queued', 'running')`),
    index('survey_sends_survey_idx').on(t.surveyId, t.createdAt),
  ],
);

/** Who a send drew and what became of each: invited, sampled out, skipped for fatigue or a live invitation. */
export const surveySendMembers = pgTable(
  'survey_send_members',
  {
    sendId: uuid('send_id')
      .notNull()
      .references(() => surveySends.id),
    customerId: uuid('customer_id').notNull(),
    /** The first 64 bits of HMAC-SHA256(seed, customer id), 16 hex digits: the sample takes the lowest. */
    rank: text('rank').notNull(),
    outcome: text('outcome', { enum: SEND_OUTCOMES }).notNull().default('drawn'),
  },
  (t) => [primaryKey({ columns: [t.sendId, t.customerId] }), index('survey_send_members_rank_idx').on(t.sendId, t.rank)],
);

/** Automatic invitations (triggers.ts): N days after an event of a customer's (a purchase, a repair, a ticket resolved). */
export const surveyTriggers = pgTable(
  'survey_triggers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    on: text('on', { enum: TRIGGER_EVENTS }).notNull(),
    delayDays: integer('delay_days').notNull().default(0),
    /** purchase / repair_done: only transactions with a line of one of these products (none: any). */
    productIds: jsonb('product_ids').$type<string[]>().notNull().default([]),
    channel: text('channel', { enum: SEND_CHANNELS }).notNull(),
    templateId: uuid('template_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('survey_triggers_survey_idx').on(t.surveyId)],
);

export const surveyQrCodes = pgTable(
  'survey_qr_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    label: text('label').notNull(),
    place: text('place', { enum: QR_PLACES }).notNull(),
    /** The compound, building or hall by name (as the results group them). */
    placeValue: text('place_value'),
    identify: text('identify', { enum: QR_IDENTIFY }).notNull().default('anonymous'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('survey_qr_codes_survey_idx').on(t.surveyId, t.createdAt)],
);

export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => surveyVersions.id),
    invitationId: uuid('invitation_id').references(() => surveyInvitations.id),
    qrCodeId: uuid('qr_code_id').references(() => surveyQrCodes.id),
    customerId: uuid('customer_id').references(() => customers.id),
    status: text('status', { enum: RESPONSE_STATUSES }).notNull().default('partial'),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull().default({}),
    nps: smallint('nps'),
    csat: smallint('csat'),
    ces: smallint('ces'),
    channel: text('channel', { enum: INVITATION_CHANNELS }).notNull(),
    agentId: uuid('agent_id').references(() => users.id),
    ticketId: uuid('ticket_id').references(() => tickets.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('survey_responses_invitation_unique').on(t.invitationId),
    index('survey_responses_survey_idx').on(t.surveyId, t.status, t.completedAt),
    index('survey_responses_version_idx').on(t.versionId),
    index('survey_responses_customer_idx').on(t.customerId).where(sql`${t.customerId} is not null`),
  ],
);

