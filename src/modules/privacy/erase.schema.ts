/**
 * Erasure (issue #18, PIPL Art. 47): the two-person approval of a deletion request, and the keyed hashes that let a
 * later import or create of the same person be told (erase.ts, erased-keys.ts, docs/ARCHITECTURE.md).
 */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { customers } from '../customers/schema.js';
import { PRIVACY_ERASURE_SOURCES } from './erase.contract.js';
import { retentionRuns } from './retention.schema.js';
import { privacyRequests } from './schema.js';

/**
 * One deletion request's erasure: proposed by one holder of privacy:manage, approved — and so executed, in the same
 * transaction — by another. Ids, times and counts only: nothing here says who the person was. Source `retention`: the
 * request was made by an applied retention policy for one inactive customer (the apply's administrator — none for the
 * CLI — stands as proposer and approver; `run_id` names the apply run).
 */
export const privacyErasures = pgTable('privacy_erasures', {
  requestId: uuid('request_id')
    .primaryKey()
    .references(() => privacyRequests.id),
  source: text('source', { enum: PRIVACY_ERASURE_SOURCES }).notNull().default('request'),
  runId: uuid('run_id').references(() => retentionRuns.id),
  proposedBy: uuid('proposed_by').references(() => users.id),
  proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull(),
  approvedBy: uuid('approved_by').references(() => users.id),
  executedAt: timestamp('executed_at', { withTimezone: true }),
  /** Customer records erased (the person's record and its merged duplicates). */
  records: integer('records'),
  /** Rows changed or removed, per table. */
  counts: jsonb('counts').$type<Record<string, number>>(),
});

/**
 * HMAC-SHA256 (the installation's privacy key, never in the database) of an erased person's normalised phone numbers
 * (`phone:+8613…`) and ID number (`id:11010…X`): the same person imported or entered again is told, while the table
 * alone says nothing — without the key no candidate number can be tested against it.
 */
export const privacyErasedKeys = pgTable(
  'privacy_erased_keys',
  {
    keyHash: text('key_hash').primaryKey(),
    kind: text('kind', { enum: ['phone', 'id_number'] }).notNull(),
    requestId: uuid('request_id').references(() => privacyRequests.id),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('privacy_erased_keys_request_idx').on(t.requestId)],
);

/**
 * Every customer record an erasure anonymised (the person's, and the duplicates merged into it), with the request it
 * executed. What the customers module is told through `registerErasedCustomerCheck` (app.ts): an erased record is
 * never restored nor un-merged — what would come back is a pseudonym whose history was cut.
 */
export const privacyErasedCustomers = pgTable(
  'privacy_erased_customers',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    requestId: uuid('request_id')
      .notNull()
      .references(() => privacyRequests.id),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('privacy_erased_customers_request_idx').on(t.requestId)],
);
