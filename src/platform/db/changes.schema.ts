import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';

/**
 * Customers whose data changed since a reader of it last looked: a queue any module's read model may drain (the
 * segments' facts, `customer_facts`). Owners of customer data append to it from statement-level triggers on their
 * own tables (customers, transactions: migration 0036); no module owns it. A customer may appear many times.
 */
export const customerChanges = pgTable('customer_changes', {
  seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  customerId: uuid('customer_id').notNull(),
});
