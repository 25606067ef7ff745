import { and, asc, desc, eq, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import { isUniqueViolation, type Db, type DbOrTx } from '../../platform/db/client.js';
import { products, transactionLines, transactions } from './schema.js';

export type TransactionRow = typeof transactions.$inferSelect;
export type LineRow = typeof transactionLines.$inferSelect;
export type ProductRow = typeof products.$inferSelect;

export async function insertTransaction(
  db: DbOrTx,
  values: typeof transactions.$inferInsert,
  lines: Omit<typeof transactionLines.$inferInsert, 'transactionId'>[],
): Promise<{ tx: TransactionRow; lines: LineRow[] }> {
  const [row] = await db.insert(transactions).values(values).returning();
  const inserted = lines.length
    ? await db
        .insert(transactionLines)
        .values(lines.map((l) => ({ ...l, transactionId: row!.id })))
        .returning()
    : [];
  return { tx: row!, lines: inserted };
}

export async function findTransaction(db: DbOrTx, id: string): Promise<TransactionRow | undefined> {
  const [row] = await db.select().from(transactions).where(eq(transactions.id, id));
  return row;
}

/** The transaction, locked for the rest of the database transaction (a refund sums the refunds of its original). */
export async function lockTransaction(db: DbOrTx, id: string): Promise<TransactionRow | undefined> {
  const [row] = await db.select().from(transactions).where(eq(transactions.id, id)).for('update');
  return row;
}

/** What the live refunds of a transaction add up to, in fen. */
export async function refundedFen(db: DbOrTx, id: string): Promise<number> {
  const [row] = await db
    .select({ fen: sql<string>`coalesce(sum(${transactions.amountFen}), 0)` })
    .from(transactions)
    .where(and(eq(transactions.refundOfId, id), isNull(transactions.deletedAt)));
  return Number(row!.fen);
}

export async function findByExternalId(db: DbOrTx, externalId: string): Promise<TransactionRow | undefined> {
  const [row] = await db.select().from(transactions).where(eq(transactions.externalId, externalId));
  return row;
}

/** Newest first, keyset on (occurred_at, id); the cursor value is the timestamp as PostgreSQL text. */
export async function listForCustomer(
  db: DbOrTx,
  customerId: string,
  q: { type?: TransactionRow['type']; deleted: 'exclude' | 'only'; after?: { value: string; id: string }; limit: number },
): Promise<(TransactionRow & { sortValue: string })[]> {
  const conds: (SQL | undefined)[] = [
    eq(transactions.customerId, customerId),
    q.deleted === 'only' ? isNotNull(transactions.deletedAt) : isNull(transactions.deletedAt),
    q.type ? eq(transactions.type, q.type) : undefined,
    q.after ? sql`(${transactions.occurredAt}, ${transactions.id}) < (${q.after.value}::timestamptz, ${q.after.id}::uuid)` : undefined,
  ];
  return db
    .select({ ...transactionColumns, sortValue: sql<string>`${transactions.occurredAt}::text` })
    .from(transactions)
    .where(and(...conds.filter((c): c is SQL => !!c)))
    .orderBy(desc(transactions.occurredAt), desc(transactions.id))
    .limit(q.limit);
}

const transactionColumns = {
  id: transactions.id,
  customerId: transactions.customerId,
  occurredAt: transactions.occurredAt,
  type: transactions.type,
  amountFen: transactions.amountFen,
  channel: transactions.channel,
  externalId: transactions.externalId,
  heatingSeason: transactions.heatingSeason,
  billedAreaM2: transactions.billedAreaM2,
  notes: transactions.notes,
  refundOfId: transactions.refundOfId,
  importKey: transactions.importKey,
  version: transactions.version,
  createdBy: transactions.createdBy,
  createdAt: transactions.createdAt,
  updatedAt: transactions.updatedAt,
  deletedAt: transactions.deletedAt,
};

export async function linesOf(db: DbOrTx, ids: string[]): Promise<LineRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(transactionLines)
    .where(inArray(transactionLines.transactionId, ids))
    .orderBy(asc(transactionLines.transactionId), asc(transactionLines.position));
}

export async function setDeleted(db: DbOrTx, id: string, deleted: boolean): Promise<TransactionRow | undefined> {
  const [row] = await db
    .update(transactions)
    .set({ deletedAt: deleted ? new Date() : null, updatedAt: new Date(), version: sql`${transactions.version} + 1` })
    .where(eq(transactions.id, id))
    .returning();
  return row;
}

export type Summary = {
  count: number;
  grossFen: number;
  refundsFen: number;
  firstAt: Date | null;
  lastAt: Date | null;
};

/** Purchases and payments count as spend; refunds are subtracted. Deleted transactions are left out. */
export async function summaryFor(db: DbOrTx, customerId: string): Promise<Summary> {
  const [row] = await db
    .select({
      count: sql<number>`(count(*) filter (where ${transactions.type} <> 'refund'))::int`,
      grossFen: sql<string>`coalesce(sum(${transactions.amountFen}) filter (where ${transactions.type} <> 'refund'), 0)`,
      refundsFen: sql<string>`coalesce(sum(${transactions.amountFen}) filter (where ${transactions.type} = 'refund'), 0)`,
      firstAt: sql<string | null>`min(${transactions.occurredAt}) filter (where ${transactions.type} <> 'refund')`,
      lastAt: sql<string | null>`max(${transactions.occurredAt}) filter (where ${transactions.type} <> 'refund')`,
    })
    .from(transactions)
    .where(and(eq(transactions.customerId, customerId), isNull(transactions.deletedAt)));
  return {
    count: row?.count ?? 0,
    grossFen: Number(row?.grossFen ?? 0),
    refundsFen: Number(row?.refundsFen ?? 0),
    firstAt: row?.firstAt ? new Date(row.firstAt) : null,
    lastAt: row?.lastAt ? new Date(row.lastAt) : null,
  };
}

// products
export async function listProducts(db: DbOrTx, q: { q?: string; category?: string; includeInactive: boolean }): Promise<ProductRow[]> {
  const conds: (SQL | undefined)[] = [isNull(products.deletedAt)];
  if (!q.includeInactive) conds.push(eq(products.active, true));
  if (q.category) conds.push(eq(products.category, q.category));
  if (q.q) {
    const pattern = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(or(ilike(products.code, pattern), ilike(products.name, pattern)));
  }
  return db
    .select()
    .from(products)
    .where(and(...conds.filter((c): c is SQL => !!c)))
    .orderBy(asc(products.code))
    .limit(500);
}
export async function findProducts(db: DbOrTx, ids: string[]): Promise<ProductRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(products)
    .where(and(inArray(products.id, ids), isNull(products.deletedAt)));
}
export async function findProduct(db: DbOrTx, id: string): Promise<ProductRow | undefined> {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.id, id), isNull(products.deletedAt)));
  return row;
}
export async function insertProduct(db: DbOrTx, values: typeof products.$inferInsert): Promise<ProductRow> {
  const [row] = await db.insert(products).values(values).returning();
  return row!;
}
export async function updateProduct(db: DbOrTx, id: string, values: Partial<typeof products.$inferInsert>): Promise<ProductRow | undefined> {
  const [row] = await db
    .update(products)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(products.id, id))
    .returning();
  return row;
}

/**
 * Many transactions (without lines) at once (imports). A row whose import key or external id exists already is
 * left out; the import keys of the rows written are returned.
 */
/** Inserts what is new; answers import key → id of the rows written. */
export async function insertTransactions(db: DbOrTx, values: (typeof transactions.$inferInsert)[]): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  for (let i = 0; i < values.length; i += 5000) {
    const chunk = values.slice(i, i + 5000);
    // Optimistic: a plain insert (in a savepoint) is a third cheaper than ON CONFLICT; only when some row exists
    // already (a re-import) is the chunk written again row by row skipping the existing ones.
    try {
      const rows = await (db as Db).transaction((sp) => bulkInsert<typeof transactions, { id: string; importKey: string }>(sp, transactions, chunk, { returning: ['id', 'importKey'] }));
      for (const r of rows) written.set(r.importKey, r.id);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const rows = await bulkInsert<typeof transactions, { id: string; importKey: string }>(db, transactions, chunk, {
        onConflictDoNothing: true,
        returning: ['id', 'importKey'],
      });
      for (const r of rows) written.set(r.importKey, r.id);
    }
  }
  return written;
}

/** One transaction (import row) unless its import key or external id exists already: the row written, or undefined. */
export async function insertTransactionIfNew(db: DbOrTx, values: typeof transactions.$inferInsert): Promise<TransactionRow | undefined> {
  const [row] = await db.insert(transactions).values(values).onConflictDoNothing().returning();
  return row;
}

/** Transactions holding any of these import keys or external ids (to say why an import row was not written). */
export async function findByImportKeysOrExternalIds(db: DbOrTx, importKeys: string[], externalIds: string[]) {
  const columns = { importKey: transactions.importKey, externalId: transactions.externalId };
  // Two indexed lookups: one OR across both makes the planner scan the table.
  const byKey = await db.select(columns).from(transactions).where(and(sql`${transactions.importKey} = any(${sql.param(importKeys)})`, isNotNull(transactions.importKey)));
  const byExt = externalIds.length
    ? await db.select(columns).from(transactions).where(and(sql`${transactions.externalId} = any(${sql.param(externalIds)})`, isNotNull(transactions.externalId)))
    : [];
  return [...byKey, ...byExt];
}
