/**
 * The customer list's filters by the latest analytics run (registered by src/app.ts with the customers module):
 * `valueTier` and `churnLevel` — the drill-through of the home page's value and risk tiles, so a tile's figure and the
 * list it opens count the same customers. Customers the run has not scored match neither.
 */
import { sql } from 'drizzle-orm';
import type { CustomerListFilter } from '../customers/index.js';
import { analyticsCustomerCurrent } from './schema.js';

export const analyticsListFilters: CustomerListFilter[] = [
  {
    param: 'valueTier',
    permission: 'analytics:read',
    toSql: (value, customerId) => sql`exists (select 1 from ${analyticsCustomerCurrent} a where a.customer_id = ${customerId} and a.value_tier = ${value})`,
  },
  {
    param: 'churnLevel',
    permission: 'analytics:read',
    toSql: (value, customerId) => sql`exists (select 1 from ${analyticsCustomerCurrent} a where a.customer_id = ${customerId} and a.churn_level = ${value})`,
  },
];
