/**
 * Finding the household behind an e-mail address (exported through index.ts): inbound e-mail feedback matches its
 * sender here. No access check: the caller decides what it may show.
 *
 * The address is compared case-blind as `lower(email)`, the expression of the index `customers_email_idx` (the
 * import's duplicate check compares the same way), so a lookup is an index probe however many customers there are:
 * `feedback/inbound-email.test.ts` reads the plan with EXPLAIN on 5,000 customers, on both databases. The oldest live
 * holder wins; the candidates are taken in a subquery of their own (`offset 0` keeps the planner from walking the
 * customers in creation order to satisfy `order by … limit 1` instead, which reads the whole table when nobody holds
 * the address).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';

/** The statement (for EXPLAIN in the test): the id of the oldest live customer with this address, case ignored. */
export function customerByEmailQuery(email: string): SQL {
  return sql`select m.id::text as id from (
      select c.id, c.created_at from customers c where lower(c.email) = ${email.trim().toLowerCase()} and c.deleted_at is null offset 0
    ) m order by m.created_at, m.id limit 1`;
}

/** The oldest live customer whose e-mail is this address (case ignored), or null. */
export async function customerByEmail(db: DbOrTx, email: string): Promise<string | null> {
  if (!email.trim()) return null;
  return rowsOf<{ id: string }>(await db.execute(customerByEmailQuery(email)))[0]?.id ?? null;
}
