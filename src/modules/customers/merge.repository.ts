import { and, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { scopeWhere } from '../../platform/auth/access.js';
import { scopeCondition, type CustomerWithOwner, type ScopeFilter, customerColumns } from './customers.repository.js';
import type { DuplicateReason } from './merge.contract.js';
import { customerContacts, customerDuplicateDismissals, customerMerges, customers } from './schema.js';

export type MergeRow = typeof customerMerges.$inferSelect;
export type MergeWithNames = MergeRow & { survivorName: string; mergedName: string; survivorCurrentVersion: number; survivorDeleted: boolean };

/** Names at least this similar (pg_trgm `similarity`, 0…1) count as "the same name" at the same address. */
export const NAME_SIMILARITY = 0.4;

/** The data scope on an aliased customers table (the same rule as `scopeCondition`). */
function scopeOn(t: { ownerId: AnyPgColumn; teamId: AnyPgColumn }, scope: ScopeFilter): SQL | undefined {
  return scope.kind === 'all' ? undefined : scopeWhere(scope, t.ownerId, t.teamId);
}

/**
 * A phone, email or ID number shared by more customers than this is a switchboard or a placeholder, not a sign of
 * duplicates; an address shared by more is a building without room numbers. Such groups are left out (they would
 * otherwise make n²/2 pairs).
 */
export const SHARED_VALUE_LIMIT = 20;
export const SHARED_ADDRESS_LIMIT = 50;

/** The parts of an address the key is made of: a customers table's columns, or values (the duplicate check's input). */
export type AddressKeyParts = Record<'city' | 'compound' | 'building' | 'unit' | 'room' | 'street', unknown>;

/**
 * Where a customer lives, as one comparable key: city + compound + building + unit + room when any of the last four
 * is set, else city + street; null when neither (no address match then). Case and spaces (also full-width) ignored.
 * Of the customers table's columns by default; of given values (the same expression, so the same key) otherwise.
 */
export function addressKey(c: AddressKeyParts = customers): SQL {
  const part = (col: unknown) => sql`coalesce(${col}, '')`;
  return sql`(case
    when ${part(c.compound)} || ${part(c.building)} || ${part(c.unit)} || ${part(c.room)} <> ''
      then lower(translate(concat_ws('|', 'c', ${part(c.city)}, ${part(c.compound)}, ${part(c.building)}, ${part(c.unit)}, ${part(c.room)}), ' \u3000', ''))
    when ${part(c.street)} <> '' then lower(translate(concat_ws('|', 's', ${part(c.city)}, ${part(c.street)}), ' \u3000', ''))
  end)`;
}

/**
 * Pairs of live customers within the scope that look like duplicates, with every reason that applies, ordered by
 * (first id, second id) after `after`; with `reason`, only the pairs that have it (still with all their reasons).
 * Set-based, in one statement: every live customer in scope yields its keys (each phone, the lower-cased email, the ID
 * number, the address key); keys held by 2…limit customers are grouped (a hash aggregate); each group gives its pairs,
 * and address pairs keep only similar names (pg_trgm). Dismissed pairs are left out.
 *
 * Why not a self-join probing the GIN index on phones: right after a bulk import the index's pending list holds the
 * new entries and every probe scans all of it — over a minute for 100,000 customers on PostgreSQL, against 0.3–0.9 s
 * for this query (1–2 s on PGlite) whatever the index's state.
 */
export async function findDuplicatePairs(
  db: DbOrTx,
  scope: ScopeFilter,
  page: { after?: { a: string; b: string }; limit: number; reason?: DuplicateReason },
): Promise<{ aId: string; bId: string; reasons: DuplicateReason[] }[]> {
  const result = await db.execute(sql`
    with live as materialized (
      select ${customers.id} as id, ${customers.name} as name, ${customers.phones} as phones,
        lower(coalesce(${customers.email}, '')) as email, coalesce(${customers.idNumber}, '') as id_number,
        ${addressKey()} as address
      from ${customers}
      where ${and(isNull(customers.deletedAt), scopeCondition(scope))}
    ),
    groups as (
      select reason, array_agg(id) as ids, array_agg(name) as names
      from (
        select l.id, l.name, 'phone', p.k from live l cross join lateral unnest(l.phones) as p(k)
        union all select id, name, 'email', email from live where email <> ''
        union all select id, name, 'id_number', id_number from live where id_number <> ''
        union all select id, name, 'name_address', address from live where address is not null
      ) as k(id, name, reason, key)
      group by reason, key
      having count(*) between 2 and (case when reason = 'name_address' then ${SHARED_ADDRESS_LIMIT}::int else ${SHARED_VALUE_LIMIT}::int end)
    ),
    pairs as (
      select x.id as a_id, y.id as b_id, g.reason
      from groups g
        cross join lateral unnest(g.ids, g.names) as x(id, name)
        cross join lateral unnest(g.ids, g.names) as y(id, name)
      where x.id < y.id
        and (g.reason <> 'name_address' or lower(x.name) = lower(y.name) or similarity(x.name, y.name) >= ${NAME_SIMILARITY})
        ${page.after ? sql`and (x.id, y.id) > (${page.after.a}::uuid, ${page.after.b}::uuid)` : sql``}
    )
    select p.a_id as "aId", p.b_id as "bId", array_agg(distinct p.reason order by p.reason) as reasons
    from pairs p
    where not exists (select 1 from ${customerDuplicateDismissals} d where d.first_id = p.a_id and d.second_id = p.b_id)
    group by p.a_id, p.b_id
    ${page.reason ? sql`having bool_or(p.reason = ${page.reason})` : sql``}
    order by p.a_id, p.b_id
    limit ${page.limit}`);
  return rowsOf<{ aId: string; bId: string; reasons: DuplicateReason[] | string }>(result).map((r) => ({
    aId: r.aId,
    bId: r.bId,
    // node-postgres parses text[]; a driver may also hand an array of an unknown type back in its text form.
    reasons: (typeof r.reasons === 'string' ? r.reasons.replace(/[{}]/g, '').split(',') : r.reasons) as DuplicateReason[],
  }));
}

/** Customers by id, with their owner's name (any state: the caller has checked scope and state). */
export async function customersByIds(db: DbOrTx, ids: readonly string[]): Promise<CustomerWithOwner[]> {
  if (!ids.length) return [];
  return db
    .select({ ...customerColumns(), ownerName: userDirectory.displayName })
    .from(customers)
    .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId))
    .where(inArray(customers.id, [...ids]));
}

export async function insertDismissal(db: DbOrTx, firstId: string, secondId: string, by: string | null): Promise<boolean> {
  const rows = await db
    .insert(customerDuplicateDismissals)
    .values({ firstId, secondId, dismissedBy: by })
    .onConflictDoNothing()
    .returning({ firstId: customerDuplicateDismissals.firstId });
  return rows.length > 0;
}

// ---- contacts (the customers module's own attached rows) ------------------------------------------------------

/**
 * Moves every contact of `fromId` to `toId`. When the survivor already has a primary contact, the moved primary
 * stops being primary (one primary per customer); those ids are returned too, so undo can make them primary again.
 */
export async function moveContacts(db: DbOrTx, fromId: string, toId: string): Promise<{ moved: string[]; demoted: string[] }> {
  const [survivorPrimary] = await db
    .select({ id: customerContacts.id })
    .from(customerContacts)
    .where(and(eq(customerContacts.customerId, toId), eq(customerContacts.isPrimary, true), isNull(customerContacts.deletedAt)))
    .limit(1);
  const demoted = survivorPrimary
    ? (
        await db
          .update(customerContacts)
          .set({ isPrimary: false })
          .where(and(eq(customerContacts.customerId, fromId), eq(customerContacts.isPrimary, true)))
          .returning({ id: customerContacts.id })
      ).map((r) => r.id)
    : [];
  const moved = await db
    .update(customerContacts)
    .set({ customerId: toId, updatedAt: new Date() })
    .where(eq(customerContacts.customerId, fromId))
    .returning({ id: customerContacts.id });
  return { moved: moved.map((r) => r.id), demoted };
}

export async function moveContactsBack(db: DbOrTx, ids: readonly string[], demoted: readonly string[], fromId: string, toId: string): Promise<void> {
  if (ids.length) {
    await db
      .update(customerContacts)
      .set({ customerId: toId, updatedAt: new Date() })
      .where(and(inArray(customerContacts.id, [...ids]), eq(customerContacts.customerId, fromId)));
  }
  if (demoted.length) {
    await db
      .update(customerContacts)
      .set({ isPrimary: true })
      .where(and(inArray(customerContacts.id, [...demoted]), eq(customerContacts.customerId, toId)));
  }
}

// ---- merge records --------------------------------------------------------------------------------------------

export async function insertMerge(db: DbOrTx, values: typeof customerMerges.$inferInsert): Promise<MergeRow> {
  const [row] = await db.insert(customerMerges).values(values).returning();
  return row!;
}

const s = alias(customers, 's');
const m = alias(customers, 'm');
const mergeColumns = {
  ...getTableColumns(customerMerges),
  survivorName: s.name,
  mergedName: m.name,
  survivorCurrentVersion: s.version,
  survivorDeleted: sql<boolean>`${s.deletedAt} is not null`,
};

/** One merge, if both of its customers are within the scope. */
export async function findMerge(db: DbOrTx, id: string, scope: ScopeFilter): Promise<MergeWithNames | undefined> {
  const [row] = await db
    .select(mergeColumns)
    .from(customerMerges)
    .innerJoin(s, eq(s.id, customerMerges.survivorId))
    .innerJoin(m, eq(m.id, customerMerges.mergedId))
    .where(and(eq(customerMerges.id, id), scopeOn(s, scope), scopeOn(m, scope)));
  return row;
}

/** Merges whose two customers are within the scope, newest first (keyset on created_at, id). */
export async function listMerges(
  db: DbOrTx,
  scope: ScopeFilter,
  page: { after?: { value: string; id: string }; limit: number; customerId?: string },
): Promise<(MergeWithNames & { sortValue: string })[]> {
  const conds: (SQL | undefined)[] = [
    scopeOn(s, scope),
    scopeOn(m, scope),
    page.customerId ? or(eq(customerMerges.survivorId, page.customerId), eq(customerMerges.mergedId, page.customerId)) : undefined,
    page.after
      ? sql`(${customerMerges.createdAt}, ${customerMerges.id}) < (${page.after.value}::timestamptz, ${page.after.id}::uuid)`
      : undefined,
  ];
  return db
    .select({ ...mergeColumns, sortValue: sql<string>`${customerMerges.createdAt}::text` })
    .from(customerMerges)
    .innerJoin(s, eq(s.id, customerMerges.survivorId))
    .innerJoin(m, eq(m.id, customerMerges.mergedId))
    .where(and(...conds.filter((c): c is SQL => !!c)))
    .orderBy(desc(customerMerges.createdAt), desc(customerMerges.id))
    .limit(page.limit);
}

/** Marks a merge undone; false when it already was (two undos racing: one wins). */
export async function markUndone(db: DbOrTx, id: string, by: { userId: string | null; name: string }): Promise<boolean> {
  const rows = await db
    .update(customerMerges)
    .set({ undoneAt: new Date(), undoneBy: by.userId, undoneByName: by.name })
    .where(and(eq(customerMerges.id, id), isNull(customerMerges.undoneAt)))
    .returning({ id: customerMerges.id });
  return rows.length > 0;
}
