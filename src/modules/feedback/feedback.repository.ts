/**
 * Queries of the feedback module: its own two tables, and the views other modules declare for reading (customers'
 * `customer_directory`, accounts' `user_directory`). Who may see what is decided by the service and passed in as SQL.
 */
import { and, asc, desc, eq, ilike, inArray, isNotNull, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { teamDirectory, userDirectory } from '../accounts/index.js';
import { customerDirectory } from '../customers/index.js';
import type { FeedbackSentiment, FeedbackStatus } from './feedback.contract.js';
import { feedbackCategories, feedbackItems, feedbackWechatBindings } from './schema.js';

/** The sentiment an item counts with: the agent's correction, else the analysis' (inbox filter, goals, tile). */
export const EFFECTIVE_SENTIMENT = sql`coalesce(${feedbackItems.sentimentCorrected}, ${feedbackItems.sentiment})`;

export type CategoryRow = typeof feedbackCategories.$inferSelect;
export type CategoryInsert = typeof feedbackCategories.$inferInsert;
export type ItemRow = typeof feedbackItems.$inferSelect;
export type ItemInsert = typeof feedbackItems.$inferInsert;

/** An item with the names it is shown with, and its sort value (creation time as full-precision text) for cursors. */
export type ItemWithNames = {
  item: ItemRow;
  customerName: string | null;
  ownerName: string | null;
  category: { id: string; nameZh: string; nameEn: string } | null;
  suggested: { id: string; nameZh: string; nameEn: string } | null;
  sortValue: string;
};

// ---- categories --------------------------------------------------------------------------------------------------

export async function listCategories(db: DbOrTx, opts: { activeOnly?: boolean } = {}): Promise<CategoryRow[]> {
  return db
    .select()
    .from(feedbackCategories)
    .where(opts.activeOnly ? isNull(feedbackCategories.archivedAt) : undefined)
    .orderBy(asc(feedbackCategories.position), asc(feedbackCategories.nameZh), asc(feedbackCategories.id));
}

export async function findCategory(db: DbOrTx, id: string): Promise<CategoryRow | undefined> {
  return (await db.select().from(feedbackCategories).where(eq(feedbackCategories.id, id)))[0];
}

/** A live category with this name under the same parent (another than `exceptId`). */
export async function categoryNamed(db: DbOrTx, parentId: string | null, nameZh: string, exceptId?: string): Promise<CategoryRow | undefined> {
  const rows = await db
    .select()
    .from(feedbackCategories)
    .where(
      and(
        parentId ? eq(feedbackCategories.parentId, parentId) : isNull(feedbackCategories.parentId),
        eq(feedbackCategories.nameZh, nameZh),
        isNull(feedbackCategories.archivedAt),
        exceptId ? ne(feedbackCategories.id, exceptId) : undefined,
      ),
    );
  return rows[0];
}

export async function insertCategory(db: DbOrTx, values: CategoryInsert): Promise<CategoryRow> {
  return (await db.insert(feedbackCategories).values(values).returning())[0]!;
}

/** A template's category, once: nothing when its seed key was written before. */
export async function insertSeededCategory(db: DbOrTx, values: CategoryInsert & { seedKey: string }): Promise<void> {
  await db.insert(feedbackCategories).values(values).onConflictDoNothing({ target: feedbackCategories.seedKey });
}

export async function updateCategory(db: DbOrTx, id: string, values: Partial<CategoryInsert>): Promise<CategoryRow | undefined> {
  return (await db.update(feedbackCategories).set({ ...values, updatedAt: new Date() }).where(eq(feedbackCategories.id, id)).returning())[0];
}

// ---- items -------------------------------------------------------------------------------------------------------

export async function insertItem(db: DbOrTx, values: ItemInsert): Promise<ItemRow> {
  return (await db.insert(feedbackItems).values(values).returning())[0]!;
}

/** Changes an item and moves its version on (the caller checked the version under the row lock). */
export async function updateItem(db: DbOrTx, id: string, values: Partial<ItemInsert>, now: Date): Promise<ItemRow | undefined> {
  const rows = await db
    .update(feedbackItems)
    .set({ ...values, version: sql`${feedbackItems.version} + 1`, updatedAt: now })
    .where(eq(feedbackItems.id, id))
    .returning();
  return rows[0];
}

const cat = alias(feedbackCategories, 'fc');
const suggested = alias(feedbackCategories, 'fs');

const withNames = {
  item: feedbackItems,
  customerName: customerDirectory.name,
  ownerName: userDirectory.displayName,
  categoryId: cat.id,
  categoryZh: cat.nameZh,
  categoryEn: cat.nameEn,
  suggestedId: suggested.id,
  suggestedZh: suggested.nameZh,
  suggestedEn: suggested.nameEn,
  sortValue: sql<string>`to_char(${feedbackItems.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

type Selected = {
  item: ItemRow;
  customerName: string | null;
  ownerName: string | null;
  categoryId: string | null;
  categoryZh: string | null;
  categoryEn: string | null;
  suggestedId: string | null;
  suggestedZh: string | null;
  suggestedEn: string | null;
  sortValue: string;
};

function named(r: Selected): ItemWithNames {
  return {
    item: r.item,
    customerName: r.customerName,
    ownerName: r.ownerName,
    category: r.categoryId ? { id: r.categoryId, nameZh: r.categoryZh ?? '', nameEn: r.categoryEn ?? '' } : null,
    suggested: r.suggestedId ? { id: r.suggestedId, nameZh: r.suggestedZh ?? '', nameEn: r.suggestedEn ?? '' } : null,
    sortValue: r.sortValue,
  };
}

function selectNamed(db: DbOrTx) {
  return db
    .select(withNames)
    .from(feedbackItems)
    .leftJoin(customerDirectory, eq(customerDirectory.id, feedbackItems.customerId))
    .leftJoin(userDirectory, eq(userDirectory.id, feedbackItems.ownerId))
    .leftJoin(cat, eq(cat.id, feedbackItems.categoryId))
    .leftJoin(suggested, eq(suggested.id, feedbackItems.suggestedCategoryId));
}

/** One item the caller may see (`visible`: the service's condition), locked for an edit when asked. */
export async function findItem(db: DbOrTx, id: string, visible: SQL, lock = false): Promise<ItemWithNames | undefined> {
  if (lock) {
    // Lock the item's own row first (a FOR UPDATE over outer joins would try to lock the joined rows too).
    const locked = await db.select({ id: feedbackItems.id }).from(feedbackItems).where(and(eq(feedbackItems.id, id), visible)).for('update');
    if (!locked.length) return undefined;
  }
  const rows = (await selectNamed(db).where(and(eq(feedbackItems.id, id), visible))) as Selected[];
  return rows[0] ? named(rows[0]) : undefined;
}

export type ItemFilter = {
  visible: SQL;
  deleted: 'exclude' | 'only';
  status?: FeedbackStatus;
  categoryId?: string;
  sentiment?: FeedbackSentiment;
  ownerId?: string;
  customerId?: string;
  q?: string;
  keyword?: string;
  compound?: string;
  created?: { from?: Date; to?: Date };
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(f: ItemFilter): (SQL | undefined)[] {
  return [
    f.visible,
    f.deleted === 'only' ? isNotNull(feedbackItems.deletedAt) : isNull(feedbackItems.deletedAt),
    f.status ? eq(feedbackItems.status, f.status) : undefined,
    f.categoryId ? eq(feedbackItems.categoryId, f.categoryId) : undefined,
    f.sentiment ? sql`${EFFECTIVE_SENTIMENT} = ${f.sentiment}` : undefined,
    f.ownerId ? eq(feedbackItems.ownerId, f.ownerId) : undefined,
    f.customerId ? eq(feedbackItems.customerId, f.customerId) : undefined,
    f.q ? ilike(feedbackItems.text, `%${escapeLike(f.q)}%`) : undefined,
    f.keyword ? sql`${feedbackItems.keywords} @> array[${f.keyword}]::text[]` : undefined,
    f.compound ? sql`${feedbackItems.customerId} in (select ${customerDirectory.id} from ${customerDirectory} where ${customerDirectory.compound} = ${f.compound})` : undefined,
    f.created?.from ? sql`${feedbackItems.createdAt} >= ${f.created.from.toISOString()}::timestamptz` : undefined,
    f.created?.to ? sql`${feedbackItems.createdAt} < ${f.created.to.toISOString()}::timestamptz` : undefined,
  ];
}

/** The inbox, newest first, a keyset page after `after` (the last row's creation time and id). */
export async function listItems(db: DbOrTx, f: ItemFilter, page: { after?: { value: string; id: string }; limit: number }): Promise<ItemWithNames[]> {
  const after = page.after ? sql`(${feedbackItems.createdAt}, ${feedbackItems.id}) < (${page.after.value}::timestamptz, ${page.after.id}::uuid)` : undefined;
  const rows = (await selectNamed(db)
    .where(and(...conditions(f), after))
    .orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id))
    .limit(page.limit)) as Selected[];
  return rows.map(named);
}

// ---- what the other modules' data says -------------------------------------------------------------------------------

/** A customer as a reply needs it: whose it is, how to reach them and what they agreed to. */
export type CustomerBrief = {
  id: string;
  name: string;
  ownerId: string | null;
  phones: string[];
  email: string | null;
  consent: Record<string, boolean> | null;
  preferences: Record<string, unknown> | null;
  deleted: boolean;
};

export async function customerBrief(db: DbOrTx, id: string): Promise<CustomerBrief | undefined> {
  const rows = await db
    .select({
      id: customerDirectory.id,
      name: customerDirectory.name,
      ownerId: customerDirectory.ownerId,
      phones: customerDirectory.phones,
      email: customerDirectory.email,
      consent: customerDirectory.consent,
      preferences: customerDirectory.preferences,
      deletedAt: customerDirectory.deletedAt,
    })
    .from(customerDirectory)
    .where(eq(customerDirectory.id, id));
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    ownerId: r.ownerId,
    phones: r.phones,
    email: r.email,
    consent: (r.consent as Record<string, boolean> | null) ?? null,
    preferences: (r.preferences as Record<string, unknown> | null) ?? null,
    deleted: !!r.deletedAt,
  };
}

/** What the assignment rules look at in a customer. */
export async function customerFacts(db: DbOrTx, id: string): Promise<{ ownerId: string | null; compound: string | null; district: string | null } | undefined> {
  const cd = customerDirectory;
  return (await db.select({ ownerId: cd.ownerId, compound: cd.compound, district: cd.district }).from(cd).where(eq(cd.id, id)))[0];
}

export async function teamExists(db: DbOrTx, id: string): Promise<boolean> {
  return (await db.select({ id: teamDirectory.id }).from(teamDirectory).where(and(eq(teamDirectory.id, id), isNull(teamDirectory.deletedAt)))).length > 0;
}

/** The item recorded from this provider message or imported row, if any (source + source_ref: unique for those). */
export async function itemByExternalRef(db: DbOrTx, source: 'sms' | 'wechat' | 'email' | 'import', sourceRef: string): Promise<ItemRow | undefined> {
  return (await db.select().from(feedbackItems).where(and(eq(feedbackItems.source, source), eq(feedbackItems.sourceRef, sourceRef))))[0];
}

/** The live customer whose custom field `field` holds this WeChat openid (the GIN index on custom answers it). */
export async function customerByCustomValue(db: DbOrTx, field: string, value: string): Promise<string | null> {
  const cd = customerDirectory;
  const rows = await db
    .select({ id: cd.id })
    .from(cd)
    .where(and(sql`${cd.custom} @> ${JSON.stringify({ [field]: value })}::jsonb`, isNull(cd.deletedAt)))
    .orderBy(asc(cd.createdAt), asc(cd.id))
    .limit(1);
  return rows[0]?.id ?? null;
}

/** Binds a WeChat follower to a mobile number (E.164); the latest binding wins. */
export async function bindWechatPhone(db: DbOrTx, openid: string, phone: string, now: Date): Promise<void> {
  await db
    .insert(feedbackWechatBindings)
    .values({ openid, phone, boundAt: now })
    .onConflictDoUpdate({ target: feedbackWechatBindings.openid, set: { phone, boundAt: now } });
}

/** The number a WeChat follower bound, or null. */
export async function wechatBoundPhone(db: DbOrTx, openid: string): Promise<string | null> {
  const [r] = await db.select({ phone: feedbackWechatBindings.phone }).from(feedbackWechatBindings).where(eq(feedbackWechatBindings.openid, openid));
  return r?.phone ?? null;
}

/** An active user (for owners). */
export async function activeUser(db: DbOrTx, id: string): Promise<{ id: string } | undefined> {
  return (await db.select({ id: userDirectory.id }).from(userDirectory).where(and(eq(userDirectory.id, id), eq(userDirectory.active, true))))[0];
}

// ---- the customer timeline -----------------------------------------------------------------------------------------

export type TimelineRow = { id: string; number: number; text: string; source: string; status: string; sentiment: string; at: Date; sort_at: string; reply_text: string | null; owner_name: string | null };

/** A customer's live items (`reply`: those replied, at the reply's time), strictly before (time, id), newest first. */
export async function itemsForTimeline(db: DbOrTx, customerId: string, kind: 'item' | 'reply', before: { at: string; id: string } | null, limit: number): Promise<TimelineRow[]> {
  const at = kind === 'reply' ? sql`i.replied_at` : sql`i.created_at`;
  return rowsOf<TimelineRow>(
    await db.execute(sql`
      select i.id::text as id, i.number::int as number, i.text, i.source, i.status, coalesce(i.sentiment_corrected, i.sentiment) as sentiment,
             ${at} as at, to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at, i.reply_text, u.display_name as owner_name
        from ${feedbackItems} i
        left join ${userDirectory} u on u.id = i.owner_id
       where i.customer_id = ${customerId} and i.deleted_at is null ${kind === 'reply' ? sql`and i.replied_at is not null` : sql``}
         ${before ? sql`and (${at}, i.id) < (${before.at}::timestamptz, ${before.id}::uuid)` : sql``}
       order by ${at} desc, i.id desc
       limit ${limit}`),
  );
}

// ---- merging duplicate customers ------------------------------------------------------------------------------------

export async function moveItemsToCustomer(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
  const rows = await db.update(feedbackItems).set({ customerId: toId }).where(eq(feedbackItems.customerId, fromId)).returning({ id: feedbackItems.id });
  return rows.map((r) => r.id);
}

export async function moveItemsBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
  if (!ids.length) return;
  await db
    .update(feedbackItems)
    .set({ customerId: toId })
    .where(and(inArray(feedbackItems.id, [...ids]), eq(feedbackItems.customerId, fromId)));
}
