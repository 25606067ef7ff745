import { and, asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { customFields } from './schema.js';

export type CustomFieldRow = typeof customFields.$inferSelect;
export type CustomFieldInsert = typeof customFields.$inferInsert;

export async function listFields(db: DbOrTx, opts: { includeArchived: boolean }): Promise<CustomFieldRow[]> {
  return db
    .select()
    .from(customFields)
    .where(and(eq(customFields.entity, 'customer'), opts.includeArchived ? undefined : eq(customFields.active, true)))
    .orderBy(asc(customFields.position), asc(customFields.createdAt));
}

export async function findField(db: DbOrTx, id: string): Promise<CustomFieldRow | undefined> {
  const [row] = await db.select().from(customFields).where(eq(customFields.id, id));
  return row;
}

export async function nextPosition(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(max(${customFields.position}), -1)::int + 1` }).from(customFields);
  return row?.n ?? 0;
}

export async function insertField(db: DbOrTx, values: CustomFieldInsert): Promise<CustomFieldRow> {
  const [row] = await db.insert(customFields).values(values).returning();
  return row!;
}

export async function updateField(db: DbOrTx, id: string, values: Partial<CustomFieldInsert>): Promise<CustomFieldRow | undefined> {
  const [row] = await db
    .update(customFields)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(customFields.id, id))
    .returning();
  return row;
}

/*
 * Custom values live on the customers, which the customers module owns: they are counted through its read surface,
 * the `customer_directory` view, named in SQL. (Not through a function of customers/index.ts: the customers module
 * imports this one — custom field validation and filters — so importing it back would make a cycle in which
 * whichever index loads first sees the other half-initialised.)
 */

/** Customers (deleted ones too) holding a value for a key. */
export async function countWithValue(db: DbOrTx, key: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from customer_directory c where c.custom ? ${key}::text`));
  return row?.n ?? 0;
}

/** Customers (deleted ones too) using an option of a select (`{"k":"v"}`) or multi-select (`{"k":["v"]}`) field; GIN-indexed. */
export async function countWithOption(db: DbOrTx, key: string, value: string, multi: boolean): Promise<number> {
  const probe = JSON.stringify({ [key]: multi ? [value] : value });
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from customer_directory c where c.custom @> ${probe}::jsonb`));
  return row?.n ?? 0;
}
