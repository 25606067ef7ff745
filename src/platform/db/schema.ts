/** The one Drizzle schema: every module's tables. drizzle-kit reads this file to generate migrations. */
export * from '../http/idempotency.schema.js';
export * from '../../modules/accounts/schema.js';
export * from '../../modules/settings/schema.js';
export * from '../../modules/audit/schema.js';
export * from '../../modules/customers/schema.js';
export * from '../../modules/transactions/schema.js';
export * from '../../modules/imports/schema.js';
export * from '../../modules/fields/schema.js';
export * from '../../modules/interactions/schema.js';
export * from '../../modules/messages/schema.js';
export * from '../../modules/care/schema.js';
export * from '../../modules/tickets/schema.js';
export * from '../../modules/tickets/sla/schema.js';
export * from '../../modules/kb/schema.js';
export * from '../../modules/analytics/schema.js';
export * from '../../modules/demo/schema.js';
export * from '../../modules/segments/schema.js';
