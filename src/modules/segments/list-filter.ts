import { sql } from 'drizzle-orm';
import { segmentMembers, segments } from './schema.js';
import type { CustomerListFilter } from '../customers/index.js';

/**
 * The customer list's `segment=<id>` filter (and its exports'): the customer is a current member of that segment.
 * A deleted segment, like an unknown id, matches nobody. The customers module cannot import this one (segments
 * imports customers), so src/app.ts registers it there with `registerCustomerListFilter`.
 */
export const segmentListFilter: CustomerListFilter = {
  param: 'segment',
  permission: 'segment:read',
  toSql: (value, customerId) =>
    sql`exists (select 1 from ${segmentMembers} sm join ${segments} s on s.id = sm.segment_id and s.deleted_at is null
      where sm.segment_id = ${value}::uuid and sm.customer_id = ${customerId} and sm.exited_at is null)`,
};
