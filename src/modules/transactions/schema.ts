import { getTableColumns, sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, numeric, pgTable, pgView, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { customers } from '../customers/schema.js';

/** The catalogue of products and services that line items name (维修, 换阀门, 采暖费 …). Prices in fen. */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull().default(0),
    unit: text('unit'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('products_code_unique').on(t.code).where(sql`${t.deletedAt} is null`)],
);

/**
 * What a customer bought or paid (购买 / 缴费记录): purchases and payments add to lifetime spend, refunds subtract.
 * Amounts are integer fen. An external id (from the source system) makes re-imports idempotent.
 */
export const transactions = pgTable(
  'transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    type: text('type', { enum: ['purchase', 'payment', 'refund'] }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    channel: text('channel'),
    externalId: text('external_id'),
    /** Heating utilities: the season the payment is for (2024-2025) and the billed area in m². */
    heatingSeason: text('heating_season'),
    billedAreaM2: numeric('billed_area_m2', { precision: 10, scale: 2, mode: 'number' }),
    notes: text('notes'),
    /** A refund's purchase or payment (optional): refunds of one transaction never exceed its amount. */
    refundOfId: uuid('refund_of_id').references((): AnyPgColumn => transactions.id),
    /** `<file hash>:<row>` of the import row that created it (re-import and resume are exact). */
    importKey: text('import_key'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('transactions_customer_idx').on(t.customerId, t.occurredAt, t.id),
    index('transactions_occurred_idx').on(t.occurredAt),
    // Covering the live ledger for segment rules (index-only scans): the customers with transactions in a window
    // (hashed once for a million customers), and one customer's transactions of a type (a probe per customer).
    index('transactions_window_idx').on(t.occurredAt, t.customerId, t.type, t.amountFen).where(sql`${t.deletedAt} is null`),
    index('transactions_customer_type_idx').on(t.customerId, t.type, t.occurredAt, t.amountFen).where(sql`${t.deletedAt} is null`),
    uniqueIndex('transactions_external_unique').on(t.externalId).where(sql`${t.externalId} is not null`),
    index('transactions_refund_of_idx').on(t.refundOfId).where(sql`${t.refundOfId} is not null`),
    uniqueIndex('transactions_import_key_unique').on(t.importKey).where(sql`${t.importKey} is not null`),
  ],
);

export const transactionLines = pgTable(
  'transaction_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => transactions.id),
    position: integer('position').notNull(),
    productId: uuid('product_id').references(() => products.id),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3, mode: 'number' }).notNull(),
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  },
  (t) => [index('transaction_lines_tx_idx').on(t.transactionId, t.position), index('transaction_lines_product_idx').on(t.productId)],
);

/** The module's exported reads (other modules name these views, never the tables). */
export const transactionLedger = pgView('transaction_ledger').as((qb) => {
  const { importKey: _k, ...columns } = getTableColumns(transactions);
  return qb.select(columns).from(transactions);
});
export const transactionLineLedger = pgView('transaction_line_ledger').as((qb) => qb.select().from(transactionLines));
export const productCatalogue = pgView('product_catalogue').as((qb) => qb.select().from(products));
