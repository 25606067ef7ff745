import { and, desc, eq, getTableColumns, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { interactions, tasks } from './schema.js';

export type InteractionRow = typeof interactions.$inferSelect;
export type InteractionInsert = typeof interactions.$inferInsert;
/** A row with the name of its user and the task whose completion logged it. */
export type InteractionWithRefs = InteractionRow & { userName: string | null; taskId: string | null; sortAt: string };

/**
 * A timestamp as fixed-width UTC text with microseconds (2025-03-01T01:30:00.123456Z): compared as a string it orders
 * exactly as the timestamps do, so events of different modules can be merged and paged by it.
 */
export const utcText = (column: SQL | AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const withRefs = {
  ...getTableColumns(interactions),
  userName: userDirectory.displayName,
  taskId: tasks.id,
  sortAt: utcText(interactions.occurredAt),
};

function selectWithRefs(db: DbOrTx) {
  return db
    .select(withRefs)
    .from(interactions)
    .leftJoin(userDirectory, eq(userDirectory.id, interactions.userId))
    .leftJoin(tasks, eq(tasks.interactionId, interactions.id));
}

export async function insertInteraction(db: DbOrTx, values: InteractionInsert): Promise<InteractionRow> {
  const [row] = await db.insert(interactions).values(values).returning();
  return row!;
}

export async function findInteraction(db: DbOrTx, id: string): Promise<InteractionWithRefs | undefined> {
  const [row] = await selectWithRefs(db).where(eq(interactions.id, id));
  return row;
}

/** Newest first, keyset on (occurred_at, id); `before` is the last row's (UTC text, id). */
export async function listForCustomer(
  db: DbOrTx,
  customerId: string,
  q: { channel?: InteractionRow['channel']; deleted: 'exclude' | 'only'; before?: { value: string; id: string }; limit: number },
): Promise<InteractionWithRefs[]> {
  const conds: (SQL | undefined)[] = [
    eq(interactions.customerId, customerId),
    q.deleted === 'only' ? isNotNull(interactions.deletedAt) : isNull(interactions.deletedAt),
    q.channel ? eq(interactions.channel, q.channel) : undefined,
    q.before ? sql`(${interactions.occurredAt}, ${interactions.id}) < (${q.before.value}::timestamptz, ${q.before.id}::uuid)` : undefined,
  ];
  return selectWithRefs(db)
    .where(and(...conds))
    .orderBy(desc(interactions.occurredAt), desc(interactions.id))
    .limit(q.limit);
}

/** Updates a row if it still has the given version (any version when none is given); undefined when it had not. */
export async function updateInteraction(
  db: DbOrTx,
  id: string,
  values: Partial<InteractionInsert>,
  version?: number,
): Promise<InteractionRow | undefined> {
  const [row] = await db
    .update(interactions)
    .set({ ...values, updatedAt: new Date(), version: sql`${interactions.version} + 1` })
    .where(and(eq(interactions.id, id), version === undefined ? undefined : eq(interactions.version, version)))
    .returning();
  return row;
}

export async function setDeleted(db: DbOrTx, id: string, deleted: boolean): Promise<InteractionRow | undefined> {
  return updateInteraction(db, id, { deletedAt: deleted ? new Date() : null });
}
