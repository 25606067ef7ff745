/**
 * The duplicate check's queries (no rules here): live customers matching one key — a phone (the GIN index on phones),
 * the ID number (its index), or the address key with a similar name — split by the data scope: the matching customers
 * within it, and how many match outside it. The address and the name are compared exactly as the duplicate finder
 * compares them (merge.repository.ts: `addressKey`, `NAME_SIMILARITY`), so the form warns of what the finder would
 * pair later.
 */
import { and, arrayOverlaps, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { scopeCondition, type ScopeFilter } from './customers.repository.js';
import { addressKey, NAME_SIMILARITY, type AddressKeyParts } from './merge.repository.js';
import { customers } from './schema.js';

/** A function, not a constant: the accounts module's view may still be initialising when this file is (an import cycle). */
const columns = () => ({
  id: customers.id,
  kind: customers.kind,
  name: customers.name,
  phones: customers.phones,
  idNumber: customers.idNumber,
  province: customers.province,
  city: customers.city,
  district: customers.district,
  street: customers.street,
  compound: customers.compound,
  building: customers.building,
  unit: customers.unit,
  room: customers.room,
  createdAt: customers.createdAt,
  ownerName: userDirectory.displayName,
});
type Part = string | null;
export type DuplicateCandidate = {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  phones: string[];
  idNumber: Part;
  province: Part;
  city: Part;
  district: Part;
  street: Part;
  compound: Part;
  building: Part;
  unit: Part;
  room: Part;
  createdAt: Date;
  ownerName: Part;
};

/** A key's condition over the customers table. */
export const byPhones = (e164s: string[]): SQL => arrayOverlaps(customers.phones, e164s);
export const byIdNumber = (idNumber: string): SQL => sql`${customers.idNumber} = ${idNumber}`;
export const byNameAddress = (name: string, address: AddressKeyParts): SQL =>
  sql`${addressKey()} = ${addressKey(address)} and (lower(${customers.name}) = lower(${name}) or similarity(${customers.name}, ${name}) >= ${NAME_SIMILARITY})`;

/** Live customers matching `key` within the scope (oldest first, at most `limit`), and how many match outside it. */
export async function matching(db: DbOrTx, key: SQL, scope: ScopeFilter, limit: number): Promise<{ inScope: DuplicateCandidate[]; outside: number }> {
  const inScope = scopeCondition(scope);
  const rows = await db
    .select(columns())
    .from(customers)
    .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId))
    .where(and(isNull(customers.deletedAt), key, inScope))
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(limit);
  if (!inScope) return { inScope: rows, outside: 0 };
  const [c] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(customers)
    .where(and(isNull(customers.deletedAt), key, sql`not coalesce((${inScope}), false)`));
  return { inScope: rows, outside: c?.n ?? 0 };
}
