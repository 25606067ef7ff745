import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { customers, customerTags } from './schema.js';
import { scopeCondition, type ScopeFilter } from './customers.repository.js';

export type TagRow = { name: string; color: string | null; description: string | null; count: number };

/** Registered tags and tags in use (on live customers within the scope), with their counts. */
export async function listTags(db: DbOrTx, scope: ScopeFilter): Promise<TagRow[]> {
  const where = and(isNull(customers.deletedAt), scopeCondition(scope));
  const result = await db.execute(sql`
    with used as (
      select t.tag, count(*)::int as n
      from ${customers}, unnest(${customers.tags}) as t(tag)
      where ${where}
      group by t.tag
    )
    select coalesce(r.name, u.tag) as name, r.color, r.description, coalesce(u.n, 0) as count
    from ${customerTags} r full outer join used u on u.tag = r.name
    order by count desc, name
    limit 1000`);
  return rowsOf<TagRow>(result);
}

export async function upsertTag(db: DbOrTx, name: string, values: { color?: string | null; description?: string | null }): Promise<void> {
  await db
    .insert(customerTags)
    .values({ name, color: values.color ?? null, description: values.description ?? null })
    .onConflictDoUpdate({ target: customerTags.name, set: { ...values, updatedAt: new Date() } });
}

export async function findTag(db: DbOrTx, name: string) {
  const [row] = await db.select().from(customerTags).where(eq(customerTags.name, name));
  return row;
}

export async function deleteTagRow(db: DbOrTx, name: string): Promise<void> {
  await db.delete(customerTags).where(eq(customerTags.name, name));
}

/**
 * Replaces (or, with `into` null, removes) a tag on every customer carrying it — deleted ones too, so a restore is
 * consistent. Order is kept and duplicates collapse. Each changed customer's version goes up (stale edits notice).
 */
export async function replaceTag(db: DbOrTx, from: string, into: string | null): Promise<string[]> {
  const next = into === null
    ? sql`array_remove(${customers.tags}, ${from})`
    : sql`array(select x from unnest(array_replace(${customers.tags}, ${from}, ${into})) with ordinality as u(x, n) group by x order by min(n))`;
  const result = await db.execute(sql`
    update ${customers}
    set tags = ${next}, version = version + 1, updated_at = now()
    where ${customers.tags} @> array[${from}]::text[]
    returning id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Current tags of the given customers that the scope reaches (live ones only). */
export async function tagsOf(db: DbOrTx, ids: string[], scope: ScopeFilter): Promise<{ id: string; tags: string[]; version: number }[]> {
  if (!ids.length) return [];
  return db
    .select({ id: customers.id, tags: customers.tags, version: customers.version })
    .from(customers)
    .where(and(inArray(customers.id, ids), isNull(customers.deletedAt), scopeCondition(scope)));
}

export async function setTags(db: DbOrTx, id: string, tags: string[]): Promise<void> {
  await db
    .update(customers)
    .set({ tags, version: sql`${customers.version} + 1`, updatedAt: new Date() })
    .where(eq(customers.id, id));
}
