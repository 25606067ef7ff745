import { getTableColumns, sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, pgView, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { teams, users } from '../accounts/schema.js';
import type { Consent, LunarBirthday, Preferences } from './customers.contract.js';

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['person', 'organization'] }).notNull().default('person'),
    name: text('name').notNull(),
    /** E.164, normalised (+86 default). */
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    email: text('email'),
    gender: text('gender', { enum: ['male', 'female', 'unknown'] }),
    birthday: date('birthday', { mode: 'string' }),
    lunarBirthday: jsonb('lunar_birthday').$type<LunarBirthday>(),
    idType: text('id_type', { enum: ['resident', 'passport', 'other'] }),
    idNumber: text('id_number'),
    province: text('province'),
    city: text('city'),
    district: text('district'),
    street: text('street'),
    compound: text('compound'),
    building: text('building'),
    unit: text('unit'),
    room: text('room'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    preferences: jsonb('preferences').$type<Preferences>().notNull().default({}),
    /** Values of custom fields (自定义字段), by field key; validated against custom_fields on every write. */
    custom: jsonb('custom').$type<Record<string, string | number | boolean | string[]>>().notNull().default({}),
    source: text('source'),
    stage: text('stage', { enum: ['prospect', 'new', 'active', 'loyal', 'at_risk', 'dormant', 'churned'] })
      .notNull()
      .default('new'),
    ownerId: uuid('owner_id').references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id),
    consent: jsonb('consent').$type<Consent>().notNull(),
    notes: text('notes'),
    /** The customer's id in the system it came from (户号, member number); unique when set. */
    externalId: text('external_id'),
    /** `<file hash>:<row>` of the import row that created it: re-importing a file is a no-op, resuming is exact. */
    importKey: text('import_key'),
    /** Name, email and address joined: what the search box matches with pg_trgm. */
    searchText: text('search_text').notNull().default(''),
    /** National-format digits of every phone, space separated: fragment search for the personal-data permission. */
    phoneDigits: text('phone_digits').notNull().default(''),
    /**
     * Every two-character piece of `search_text` (without white space), computed by the database: pg_trgm cannot
     * index a two-character fragment — 王伟, 幸福 — so those search through this array's GIN index instead of a scan.
     */
    searchBigrams: text('search_bigrams')
      .array()
      .notNull()
      .generatedAlwaysAs(sql`hearth_bigrams(search_text)`),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** Set (with deleted_at) when this customer was merged into another as a duplicate; cleared when undone. */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => customers.id),
  },
  (t) => [
    index('customers_created_idx').on(t.createdAt, t.id),
    index('customers_updated_idx').on(t.updatedAt, t.id),
    index('customers_name_idx').on(t.name, t.id),
    index('customers_owner_idx').on(t.ownerId, t.createdAt),
    index('customers_team_idx').on(t.teamId, t.createdAt),
    // Equality filter + newest first: the list walks these in order and stops after a page (a plain index on a
    // four-valued column like stage only made the planner AND a 230,000-row bitmap into every filtered page).
    index('customers_city_created_idx').on(t.city, t.createdAt, t.id),
    index('customers_compound_created_idx').on(t.compound, t.createdAt, t.id),
    index('customers_stage_created_idx').on(t.stage, t.createdAt, t.id),
    index('customers_tags_idx').using('gin', t.tags),
    index('customers_custom_idx').using('gin', t.custom.op('jsonb_path_ops')),
    index('customers_phones_idx').using('gin', t.phones),
    index('customers_search_trgm').using('gin', t.searchText.op('gin_trgm_ops')),
    index('customers_search_bigrams').using('gin', t.searchBigrams),
    index('customers_phone_digits_trgm').using('gin', t.phoneDigits.op('gin_trgm_ops')),
    uniqueIndex('customers_external_unique').on(t.externalId).where(sql`${t.externalId} is not null`),
    uniqueIndex('customers_import_key_unique').on(t.importKey).where(sql`${t.importKey} is not null`),
    index('customers_email_idx').on(sql`lower(${t.email})`),
    index('customers_id_number_idx').on(t.idNumber),
  ],
);

/** People at an organisation customer (联系人). */
export const customerContacts = pgTable(
  'customer_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    title: text('title'),
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    email: text('email'),
    isPrimary: boolean('is_primary').notNull().default(false),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('contacts_customer_idx').on(t.customerId)],
);

/** The tag registry: a colour and description per tag. Customers carry tag names (text[]) for fast filtering. */
export const customerTags = pgTable('customer_tags', {
  name: text('name').primaryKey(),
  color: text('color'),
  description: text('description'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One merge of two duplicate customers: the survivor and the merged (soft-deleted) customer as they were before, the
 * ids of the rows each merge hook moved, and the versions after the merge (undo refuses when the survivor changed).
 * The snapshots hold personal data unmasked (like the customers table itself); the API never returns them.
 */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    survivorId: uuid('survivor_id')
      .notNull()
      .references(() => customers.id),
    mergedId: uuid('merged_id')
      .notNull()
      .references(() => customers.id),
    survivorBefore: jsonb('survivor_before').$type<Record<string, unknown>>().notNull(),
    mergedBefore: jsonb('merged_before').$type<Record<string, unknown>>().notNull(),
    /** The survivor's version right after the merge: undo only while it is still the current one. */
    survivorVersion: integer('survivor_version').notNull(),
    /** Which customer's value each field took. */
    choices: jsonb('choices').$type<Record<string, 'survivor' | 'merged'>>().notNull(),
    /** Ids of the rows moved to the survivor, per merge hook (contacts, transactions, …). */
    moved: jsonb('moved').$type<Record<string, string[]>>().notNull(),
    mergedBy: uuid('merged_by'),
    mergedByName: text('merged_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: uuid('undone_by'),
    undoneByName: text('undone_by_name'),
  },
  (t) => [
    index('customer_merges_created_idx').on(t.createdAt, t.id),
    index('customer_merges_survivor_idx').on(t.survivorId),
    index('customer_merges_merged_idx').on(t.mergedId),
  ],
);

/** Pairs of customers someone judged "not duplicates": the duplicate finder no longer offers them. */
export const customerDuplicateDismissals = pgTable(
  'customer_duplicate_dismissals',
  {
    /** The smaller of the two ids. */
    firstId: uuid('first_id')
      .notNull()
      .references(() => customers.id),
    secondId: uuid('second_id')
      .notNull()
      .references(() => customers.id),
    dismissedBy: uuid('dismissed_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.firstId, t.secondId] }), check('customer_duplicate_dismissals_order', sql`${t.firstId} < ${t.secondId}`)],
);

/**
 * The module's exported read of customers (other modules name this view, never the table): every column but the
 * search machinery. Which rows an actor may see is still asked of `customerAccess` (access.ts).
 */
export const customerDirectory = pgView('customer_directory').as((qb) => {
  const { searchText: _t, phoneDigits: _p, searchBigrams: _b, importKey: _k, ...columns } = getTableColumns(customers);
  return qb.select(columns).from(customers);
});
