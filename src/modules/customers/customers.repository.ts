import { and, arrayContains, asc, desc, eq, getTableColumns, gte, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import { scopeWhere, type DataScope } from '../../platform/auth/access.js';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import type { CustomCondition } from '../fields/index.js';
import { ADDRESS_KEYS } from './customers.contract.js';
import { customerListFilterSql, type CustomerListFilterParam } from './list-filters.js';
import { customerContacts, customers } from './schema.js';

/** A customer as the code reads it: every column but `search_bigrams`, which only the database's search uses. */
export type CustomerRow = Omit<typeof customers.$inferSelect, 'searchBigrams'>;
const { searchBigrams: _searchBigrams, ...CUSTOMER_COLUMNS } = getTableColumns(customers);
/** What a list row needs: not the search columns (long texts, read back for nothing on every page). */
const { searchText: _searchText, phoneDigits: _phoneDigits, importKey: _importKey, ...LIST_COLUMNS } = CUSTOMER_COLUMNS;
export type CustomerListRow = Omit<CustomerWithOwner, 'searchText' | 'phoneDigits' | 'importKey'>;
/** The columns of `CustomerRow`, for selects in this module's other repositories. */
export const customerColumns = () => CUSTOMER_COLUMNS;
export type CustomerInsert = typeof customers.$inferInsert;
export type ContactRow = typeof customerContacts.$inferSelect;
export type CustomerWithOwner = CustomerRow & { ownerName: string | null };

/** Which customers the actor reaches, as data (the service decides; the repository only applies it). */
export type ScopeFilter = DataScope;

export function scopeCondition(scope: ScopeFilter): SQL | undefined {
  return scope.kind === 'all' ? undefined : scopeWhere(scope, customers.ownerId, customers.teamId);
}

export type CustomerFilter = {
  scope: ScopeFilter;
  text?: { pattern: string; bigram?: string | null; phoneDigits: string | null; exactPhone: string | null; shown?: TextShown | null };
  kind?: string;
  tag?: string;
  ownerId?: string;
  teamId?: string;
  stage?: string;
  city?: string;
  compound?: string;
  building?: string;
  unit?: string;
  createdFrom?: string;
  createdTo?: string;
  /** Custom field conditions (containment uses the GIN index on `custom`). */
  custom?: CustomCondition[];
  /** Conditions other modules answer (list-filters.ts), e.g. membership of a segment. */
  contributed?: { param: CustomerListFilterParam; value: string }[];
  deleted: 'exclude' | 'only';
};

/**
 * Field grants (issue #18): which parts of `search_text` (name, email, address) the searcher's role sees. The name is
 * always seen; null: every part.
 */
export type TextShown = { email: boolean; address: boolean };

/**
 * The text match over `search_text` (through its trigram or bigram index), checked again over the parts the searcher
 * sees when it does not see them all: a role that does not see the email or the address finds nobody by them.
 */
export function textMatch(t: { pattern: string; bigram?: string | null; shown?: TextShown | null }): SQL {
  const indexed = t.bigram ? arrayContains(customers.searchBigrams, [t.bigram]) : sql`${customers.searchText} ilike ${t.pattern}`;
  if (!t.shown || (t.shown.email && t.shown.address)) return indexed;
  const parts: SQL[] = [sql`${customers.name}`];
  if (t.shown.email) parts.push(sql`${customers.email}`);
  if (t.shown.address) {
    const cols = sql.join(
      ADDRESS_KEYS.map((k) => customers[k]),
      sql`, `,
    );
    parts.push(sql`concat(${cols})`, sql`concat_ws(' ', ${cols})`);
  }
  return sql`(${indexed} and concat_ws(' ', ${sql.join(parts, sql`, `)}) ilike ${t.pattern})`;
}

function whereOf(f: CustomerFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [scopeCondition(f.scope)];
  conds.push(f.deleted === 'only' ? isNotNull(customers.deletedAt) : isNull(customers.deletedAt));
  if (f.text) {
    const alts: SQL[] = [textMatch(f.text)];
    if (f.text.phoneDigits) alts.push(sql`${customers.phoneDigits} like ${f.text.phoneDigits}`);
    if (f.text.exactPhone) alts.push(arrayContains(customers.phones, [f.text.exactPhone]));
    conds.push(or(...alts));
  }
  if (f.kind) conds.push(eq(customers.kind, f.kind as CustomerRow['kind']));
  if (f.tag) conds.push(arrayContains(customers.tags, [f.tag]));
  if (f.ownerId) conds.push(eq(customers.ownerId, f.ownerId));
  if (f.teamId) conds.push(eq(customers.teamId, f.teamId));
  if (f.stage) conds.push(eq(customers.stage, f.stage as CustomerRow['stage']));
  if (f.city) conds.push(eq(customers.city, f.city));
  if (f.compound) conds.push(eq(customers.compound, f.compound));
  if (f.building) conds.push(eq(customers.building, f.building));
  if (f.unit) conds.push(eq(customers.unit, f.unit));
  if (f.createdFrom) conds.push(gte(customers.createdAt, startOf(f.createdFrom)));
  if (f.createdTo) conds.push(lte(customers.createdAt, endOf(f.createdTo)));
  for (const c of f.custom ?? []) conds.push(customCondition(c));
  for (const c of f.contributed ?? []) conds.push(customerListFilterSql(c.param, c.value, customers.id));
  return and(...conds.filter((c): c is SQL => !!c));
}

/** `custom @> {...}` for equality and multi-select containment (GIN jsonb_path_ops); typed comparisons for ranges. */
function customCondition(c: CustomCondition): SQL {
  if (c.op === 'contains') return sql`${customers.custom} @> ${JSON.stringify(c.value)}::jsonb`;
  const conds: SQL[] = [];
  if (c.type === 'number') {
    const v = sql`(case when jsonb_typeof(${customers.custom} -> ${c.key}::text) = 'number' then (${customers.custom} ->> ${c.key}::text)::numeric end)`;
    conds.push(sql`${v} is not null`);
    if (c.from !== undefined) conds.push(sql`${v} >= ${String(c.from)}::numeric`);
    if (c.to !== undefined) conds.push(sql`${v} <= ${String(c.to)}::numeric`);
  } else {
    const v = sql`(${customers.custom} ->> ${c.key}::text)`;
    conds.push(sql`${v} is not null`);
    if (c.from !== undefined) conds.push(sql`${v} >= ${String(c.from)}`);
    if (c.to !== undefined) conds.push(sql`${v} <= ${String(c.to)}`);
  }
  return and(...conds)!;
}

/** A bare date as the lower bound means "from the start of that day" (in UTC+8, the default display zone). */
function startOf(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000+08:00`) : new Date(value);
}

/** A bare date as the upper bound means "through the end of that day" (in UTC+8, the default display zone). */
function endOf(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999+08:00`) : new Date(value);
}

export type SortKey = 'createdAt' | 'updatedAt' | 'name';
const SORT_COLUMNS = { createdAt: customers.createdAt, updatedAt: customers.updatedAt, name: customers.name };

/** Keyset pagination: the cursor holds the sort value (as text, full precision) and the id of the last row. */
export async function listCustomers(
  db: DbOrTx,
  f: CustomerFilter,
  page: { sort: SortKey; order: 'asc' | 'desc'; after?: { value: string; id: string }; limit: number },
): Promise<(CustomerListRow & { sortValue: string })[]> {
  const col = SORT_COLUMNS[page.sort];
  const conds: (SQL | undefined)[] = [whereOf(f)];
  if (page.after) {
    const cast = page.sort === 'name' ? sql`${page.after.value}::text` : sql`${page.after.value}::timestamptz`;
    conds.push(
      page.order === 'desc'
        ? sql`(${col}, ${customers.id}) < (${cast}, ${page.after.id}::uuid)`
        : sql`(${col}, ${customers.id}) > (${cast}, ${page.after.id}::uuid)`,
    );
  }
  const dir = page.order === 'desc' ? desc : asc;
  // A text search is selective: sorting by an expression keeps the planner from walking the sort column's index in
  // the hope of meeting enough matches early (for a two-character name that walk read 24,000 rows of 1,000,000); it
  // finds the matches through the search indexes and sorts those.
  const sortBy = f.text ? (page.sort === 'name' ? sql`(${col} || '')` : sql`(${col} + interval '0 s')`) : col;
  return db
    .select({ ...LIST_COLUMNS, ownerName: userDirectory.displayName, sortValue: sql<string>`${col}::text` })
    .from(customers)
    .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId))
    .where(and(...conds.filter((c): c is SQL => !!c)))
    .orderBy(dir(sortBy), dir(customers.id))
    .limit(page.limit);
}

/** Totals above this are not counted row by row: the planner's estimate is returned instead (marked as such). */
export const EXACT_COUNT_LIMIT = 10_000;

/**
 * How many customers match: exact up to `limit`, beyond that the planner's estimate — counting a million rows to
 * print "共 1,000,000 位客户" would cost half a second of a core on every list page.
 */
export async function countCustomers(db: DbOrTx, f: CustomerFilter, limit = EXACT_COUNT_LIMIT): Promise<{ count: number; exact: boolean }> {
  const estimate = async () => {
    const plan = rowsOf<Record<string, unknown>>(await db.execute(sql`explain (format json) ${db.select({ one: sql`1` }).from(customers).where(whereOf(f))}`))[0];
    const json = Object.values(plan ?? {})[0];
    const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan?: { 'Plan Rows'?: number } }[];
    return Math.round(parsed?.[0]?.Plan?.['Plan Rows'] ?? 0);
  };
  // The plain list (no filter but the scope): when the statistics already say "far more than the limit", the
  // capped count would only confirm it.
  if (isPlain(f)) {
    const guess = await estimate();
    if (guess > limit * 2) return { count: guess, exact: false };
  }
  const capped = db.select({ one: sql`1` }).from(customers).where(whereOf(f)).limit(limit + 1).as('capped');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(capped);
  const n = row?.n ?? 0;
  if (n <= limit) return { count: n, exact: true };
  return { count: Math.max(n, await estimate()), exact: false };
}

function isPlain(f: CustomerFilter): boolean {
  const { scope: _scope, deleted, custom, contributed, ...rest } = f;
  return deleted === 'exclude' && !custom?.length && !contributed?.length && Object.values(rest).every((v) => v === undefined || v === null || v === '');
}

/** Every matching row in batches, for exports (keyset on id, constant memory). */
export function streamCustomers(db: DbOrTx, f: CustomerFilter, batch = 1000): AsyncGenerator<CustomerWithOwner[]> {
  return streamCustomersWhere(db, whereOf(f), batch);
}

/** Every row matching a condition in batches (keyset on id, constant memory): the list's filters, or a subset's. */
export async function* streamCustomersWhere(db: DbOrTx, where: SQL | undefined, batch = 1000): AsyncGenerator<CustomerWithOwner[]> {
  let after: string | null = null;
  for (;;) {
    const conds = [where, after ? sql`${customers.id} > ${after}::uuid` : undefined].filter((c): c is SQL => !!c);
    const rows: CustomerWithOwner[] = await db
      .select({ ...CUSTOMER_COLUMNS, ownerName: userDirectory.displayName })
      .from(customers)
      .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId))
      .where(and(...conds))
      .orderBy(asc(customers.id))
      .limit(batch);
    if (!rows.length) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
    if (rows.length < batch) return;
  }
}

/**
 * Reading one customer is the hottest query of all (the 360 page, every module's scope check), and building it with
 * the query builder costs more CPU than PostgreSQL spends answering it: so it is prepared once per database, one
 * statement per kind of scope, and only executed afterwards. Inside a transaction it is built as usual.
 */
function prepareFindCustomer(db: Db) {
  const select = () =>
    db
      .select({ ...CUSTOMER_COLUMNS, ownerName: userDirectory.displayName })
      .from(customers)
      .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId));
  const id = eq(customers.id, sql.placeholder('id'));
  return {
    all: select().where(id).prepare('hearth_customer_all'),
    own: select()
      .where(and(id, eq(customers.ownerId, sql.placeholder('userId'))))
      .prepare('hearth_customer_own'),
    team: select()
      .where(and(id, or(eq(customers.ownerId, sql.placeholder('userId')), sql`${customers.teamId} = any(${sql.placeholder('teamIds')}::uuid[])`)))
      .prepare('hearth_customer_team'),
  };
}
const findCustomerStatements = new WeakMap<object, ReturnType<typeof prepareFindCustomer>>();

export async function findCustomer(db: DbOrTx, id: string, scope: ScopeFilter): Promise<CustomerWithOwner | undefined> {
  if (!(db instanceof PgTransaction)) {
    let statements = findCustomerStatements.get(db);
    if (!statements) findCustomerStatements.set(db, (statements = prepareFindCustomer(db)));
    const [row] =
      scope.kind === 'all'
        ? await statements.all.execute({ id })
        : scope.kind === 'own'
          ? await statements.own.execute({ id, userId: scope.userId })
          : await statements.team.execute({ id, userId: scope.userId, teamIds: `{${scope.teamIds.join(',')}}` });
    return row;
  }
  const [row] = await db
    .select({ ...CUSTOMER_COLUMNS, ownerName: userDirectory.displayName })
    .from(customers)
    .leftJoin(userDirectory, eq(userDirectory.id, customers.ownerId))
    .where(and(eq(customers.id, id), scopeCondition(scope)));
  return row;
}

/**
 * Locks a customer's row until the transaction ends (`for no key update`): writers that must not run twice at once
 * for one customer (the messages module's weekly cap) take it first. False when there is no such customer.
 */
export async function lockCustomer(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.select({ id: customers.id }).from(customers).where(eq(customers.id, id)).for('no key update');
  return rows.length > 0;
}

export async function insertCustomer(db: DbOrTx, values: CustomerInsert): Promise<CustomerRow> {
  const [row] = await db.insert(customers).values(values).returning();
  return row!;
}

/** Optimistic concurrency: only the version the caller saw is updated; undefined means it was stale (or gone). */
/** Many customers at once (imports): their ids and import keys, in input order. */
export async function insertCustomers(db: DbOrTx, values: CustomerInsert[]): Promise<{ id: string; importKey: string | null; externalId: string | null }[]> {
  const out: { id: string; importKey: string | null; externalId: string | null }[] = [];
  for (let i = 0; i < values.length; i += 1000) {
    out.push(...(await bulkInsert<typeof customers, { id: string; importKey: string | null; externalId: string | null }>(db, customers, values.slice(i, i + 1000), { returning: ['id', 'importKey', 'externalId'] })));
  }
  return out;
}

export async function updateCustomerIfVersion(
  db: DbOrTx,
  id: string,
  version: number,
  values: Partial<CustomerInsert>,
): Promise<CustomerRow | undefined> {
  const [row] = await db
    .update(customers)
    .set({ ...values, version: sql`${customers.version} + 1`, updatedAt: new Date() })
    .where(and(eq(customers.id, id), eq(customers.version, version)))
    .returning();
  return row;
}

// contacts
export async function listContacts(db: DbOrTx, customerId: string): Promise<ContactRow[]> {
  return db
    .select()
    .from(customerContacts)
    .where(and(eq(customerContacts.customerId, customerId), isNull(customerContacts.deletedAt)))
    .orderBy(desc(customerContacts.isPrimary), asc(customerContacts.createdAt));
}
export async function findContact(db: DbOrTx, customerId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db
    .select()
    .from(customerContacts)
    .where(and(eq(customerContacts.id, id), eq(customerContacts.customerId, customerId), isNull(customerContacts.deletedAt)));
  return row;
}
export async function insertContact(db: DbOrTx, values: typeof customerContacts.$inferInsert): Promise<ContactRow> {
  const [row] = await db.insert(customerContacts).values(values).returning();
  return row!;
}
export async function updateContact(
  db: DbOrTx,
  id: string,
  values: Partial<typeof customerContacts.$inferInsert>,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .update(customerContacts)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(customerContacts.id, id))
    .returning();
  return row;
}
export async function clearPrimaryContact(db: DbOrTx, customerId: string): Promise<void> {
  await db.update(customerContacts).set({ isPrimary: false }).where(eq(customerContacts.customerId, customerId));
}

/**
 * Runs a lookup of many phones at once (`phones && $list`, imports) through the GIN index: the planner takes a long
 * list for a scan, and the index's pending list (entries not yet merged, read in full by every lookup; PGlite has no
 * autovacuum to merge them) is flushed first.
 */
export async function throughPhoneIndex<T>(db: DbOrTx, lookup: () => Promise<T>): Promise<T> {
  await db.execute(sql`select gin_clean_pending_list('customers_phones_idx'::regclass)`);
  await db.execute(sql`set local enable_seqscan = off`);
  try {
    return await lookup();
  } finally {
    await db.execute(sql`set local enable_seqscan = on`);
  }
}
