import type { SQL, SQLWrapper } from 'drizzle-orm';
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';

/**
 * A customer-list filter another module contributes (the list and its exports take it as a query parameter): the
 * customers module knows the parameter's name and shape (customers.types.ts), the owner of the data answers
 * "does this customer match this value" as SQL over the customer-id column it is given. The segments module, which
 * imports this one, contributes `segment`, the analytics module `valueTier` and `churnLevel` (the latest run's); the
 * composition root (src/app.ts) registers them.
 */
export type CustomerListFilter = {
  /** The list's query parameter this filter answers. */
  param: CustomerListFilterParam;
  /** What the caller must hold to filter by it, besides customer:read (who is in a segment is the segment's to show). */
  permission?: Permission;
  /** The condition on one customer (its id column given) for a validated parameter value. */
  toSql(value: string, customerId: SQLWrapper): SQL;
};

/** The parameters filled by other modules' filters (each declared in the list query with its own validation). */
export const CUSTOMER_LIST_FILTER_PARAMS = ['segment', 'valueTier', 'churnLevel'] as const;
export type CustomerListFilterParam = (typeof CUSTOMER_LIST_FILTER_PARAMS)[number];

const filters = new Map<CustomerListFilterParam, CustomerListFilter>();

/** Registers (or replaces) the filter behind a list parameter; the composition root calls this at start. */
export function registerCustomerListFilter(filter: CustomerListFilter): void {
  filters.set(filter.param, filter);
}

/** Refuses (403) a parameter the actor may not filter by; the list's use case calls it before building its filter. */
export function requireListFilterAccess(actor: Actor, param: CustomerListFilterParam): void {
  const permission = filters.get(param)?.permission;
  if (permission) requireAccess(actor, permission);
}

/** The condition for a parameter's value; a parameter nobody registered is a wiring mistake, not a user's. */
export function customerListFilterSql(param: CustomerListFilterParam, value: string, customerId: SQLWrapper): SQL {
  const filter = filters.get(param);
  if (!filter) throw new Error(`no customer list filter registered for "${param}"`);
  return filter.toSql(value, customerId);
}
