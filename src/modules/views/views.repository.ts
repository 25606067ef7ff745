/** Queries of the saved views (no rules: views.service.ts decides who sees and changes what). */
import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { teamDirectory, userDirectory } from '../accounts/index.js';
import type { ViewPage } from './views.contract.js';
import { savedViews } from './schema.js';

export type SavedViewRow = typeof savedViews.$inferSelect;
export type SavedViewWithNames = { view: SavedViewRow; ownerName: string | null; teamName: string | null };

function selectWithNames(db: DbOrTx) {
  return db
    .select({ view: savedViews, ownerName: userDirectory.displayName, teamName: teamDirectory.name })
    .from(savedViews)
    .leftJoin(userDirectory, eq(userDirectory.id, savedViews.ownerId))
    .leftJoin(teamDirectory, eq(teamDirectory.id, savedViews.teamId));
}

/** Live views of a page: the user's own, and those shared with their team. */
export async function listVisible(db: DbOrTx, page: ViewPage, userId: string, teamId: string | null, order: 'newest' | 'name'): Promise<SavedViewWithNames[]> {
  const reach = teamId ? or(eq(savedViews.ownerId, userId), eq(savedViews.teamId, teamId)) : eq(savedViews.ownerId, userId);
  return selectWithNames(db)
    .where(and(eq(savedViews.page, page), isNull(savedViews.deletedAt), reach))
    .orderBy(...(order === 'name' ? [asc(savedViews.name), desc(savedViews.createdAt)] : [desc(savedViews.createdAt), asc(savedViews.name)]));
}

export async function findView(db: DbOrTx, id: string): Promise<SavedViewWithNames | undefined> {
  const [row] = await selectWithNames(db).where(eq(savedViews.id, id));
  return row;
}

/** A live view of this owner and page with this name (other than `exceptId`). */
export async function findByName(db: DbOrTx, ownerId: string, page: ViewPage, name: string, exceptId?: string): Promise<SavedViewRow | undefined> {
  const [row] = await db
    .select()
    .from(savedViews)
    .where(
      and(
        eq(savedViews.ownerId, ownerId),
        eq(savedViews.page, page),
        eq(savedViews.name, name),
        isNull(savedViews.deletedAt),
        exceptId ? sql`${savedViews.id} <> ${exceptId}::uuid` : undefined,
      ),
    );
  return row;
}

export async function insertView(db: DbOrTx, values: typeof savedViews.$inferInsert): Promise<SavedViewRow> {
  const [row] = await db.insert(savedViews).values(values).returning();
  return row!;
}

export async function updateView(db: DbOrTx, id: string, values: Partial<typeof savedViews.$inferInsert>): Promise<void> {
  await db.update(savedViews).set({ ...values, updatedAt: new Date() }).where(eq(savedViews.id, id));
}
