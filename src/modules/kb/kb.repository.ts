import { and, asc, desc, eq, isNotNull, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import type { KbArticleStatus } from './kb.contract.js';
import { kbArticles, kbArticleVersions, kbCategories } from './schema.js';
import { tsWord, type Term } from './segment.js';
import { likePattern } from './text.js';

export type CategoryRow = typeof kbCategories.$inferSelect;
export type CategoryInsert = typeof kbCategories.$inferInsert;
export type ArticleRow = typeof kbArticles.$inferSelect;
export type ArticleInsert = typeof kbArticles.$inferInsert;
export type ArticleWithAuthor = Omit<ArticleRow, 'searchVector'> & { authorName: string | null };

/** Space-joined tokens of each weighted part of an article (see segment.ts). */
export type ArticleTokens = { title: string; meta: string; body: string };

const vectorOf = (t: ArticleTokens): SQL =>
  sql`setweight(to_tsvector('simple', ${t.title}), 'A') || setweight(to_tsvector('simple', ${t.meta}), 'B') || setweight(to_tsvector('simple', ${t.body}), 'D')`;

/** Weights of D, C, B, A: a word in the title counts ten times a word in the body. */
const WEIGHTS = sql.raw(`'{0.1, 0.2, 0.4, 1.0}'::float4[]`);

// ---- categories --------------------------------------------------------------------------------------------------

export async function listCategories(db: DbOrTx): Promise<(CategoryRow & { articleCount: number })[]> {
  return db
    .select({
      id: kbCategories.id,
      parentId: kbCategories.parentId,
      name: kbCategories.name,
      nameEn: kbCategories.nameEn,
      sortOrder: kbCategories.sortOrder,
      createdAt: kbCategories.createdAt,
      updatedAt: kbCategories.updatedAt,
      // Qualified by hand: drizzle leaves a single table's columns unqualified, which would bind to the subquery's table.
      articleCount: sql<number>`(select count(*)::int from kb_articles a where a.category_id = kb_categories.id and a.deleted_at is null)`,
    })
    .from(kbCategories)
    .orderBy(asc(kbCategories.sortOrder), asc(kbCategories.name), asc(kbCategories.id));
}

/** Categories holding at least one published, public article (and their ancestors are added by the service). */
export async function publicCategoryIds(db: DbOrTx): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ id: kbArticles.categoryId })
    .from(kbArticles)
    .where(and(eq(kbArticles.status, 'published'), eq(kbArticles.isPublic, true), isNull(kbArticles.deletedAt), isNotNull(kbArticles.categoryId)));
  return new Set(rows.map((r) => r.id!));
}

export async function findCategory(db: DbOrTx, id: string): Promise<CategoryRow | undefined> {
  const [row] = await db.select().from(kbCategories).where(eq(kbCategories.id, id));
  return row;
}

export async function categoryNamed(db: DbOrTx, parentId: string | null, name: string, exceptId?: string): Promise<CategoryRow | undefined> {
  const [row] = await db
    .select()
    .from(kbCategories)
    .where(
      and(
        parentId ? eq(kbCategories.parentId, parentId) : isNull(kbCategories.parentId),
        sql`lower(${kbCategories.name}) = lower(${name})`,
        exceptId ? ne(kbCategories.id, exceptId) : undefined,
      ),
    );
  return row;
}

export async function insertCategory(db: DbOrTx, values: CategoryInsert): Promise<CategoryRow> {
  const [row] = await db.insert(kbCategories).values(values).returning();
  return row!;
}

export async function updateCategory(db: DbOrTx, id: string, values: Partial<CategoryInsert>): Promise<CategoryRow | undefined> {
  const [row] = await db
    .update(kbCategories)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(kbCategories.id, id))
    .returning();
  return row;
}

/** Whether the category has subcategories or articles (deleted articles too: they may be restored). */
export async function categoryInUse(db: DbOrTx, id: string): Promise<boolean> {
  const rows = rowsOf<{ used: boolean }>(
    await db.execute(
      sql`select exists(select 1 from ${kbCategories} where parent_id = ${id}) or exists(select 1 from ${kbArticles} where category_id = ${id}) as used`,
    ),
  );
  return Boolean(rows[0]?.used);
}

export async function deleteCategory(db: DbOrTx, id: string): Promise<void> {
  await db.delete(kbCategories).where(eq(kbCategories.id, id));
}

// ---- articles ----------------------------------------------------------------------------------------------------

const articleColumns = {
  id: kbArticles.id,
  categoryId: kbArticles.categoryId,
  title: kbArticles.title,
  titleEn: kbArticles.titleEn,
  summary: kbArticles.summary,
  body: kbArticles.body,
  bodyFormat: kbArticles.bodyFormat,
  tags: kbArticles.tags,
  status: kbArticles.status,
  isPublic: kbArticles.isPublic,
  useCount: kbArticles.useCount,
  viewCount: kbArticles.viewCount,
  searchText: kbArticles.searchText,
  seedKey: kbArticles.seedKey,
  authorId: kbArticles.authorId,
  version: kbArticles.version,
  createdAt: kbArticles.createdAt,
  updatedAt: kbArticles.updatedAt,
  deletedAt: kbArticles.deletedAt,
  authorName: userDirectory.displayName,
};

export async function insertArticle(db: DbOrTx, values: Omit<ArticleInsert, 'searchVector'>, tokens: ArticleTokens): Promise<ArticleWithAuthor> {
  const [row] = await db
    .insert(kbArticles)
    .values({ ...values, searchVector: vectorOf(tokens) as unknown as string })
    .returning({ id: kbArticles.id });
  return (await findArticle(db, row!.id))!;
}

export async function findArticle(db: DbOrTx, id: string): Promise<ArticleWithAuthor | undefined> {
  const [row] = await db.select(articleColumns).from(kbArticles).leftJoin(userDirectory, eq(userDirectory.id, kbArticles.authorId)).where(eq(kbArticles.id, id));
  return row;
}

export async function articleBySeedKey(db: DbOrTx, seedKey: string): Promise<{ id: string } | undefined> {
  const [row] = await db.select({ id: kbArticles.id }).from(kbArticles).where(eq(kbArticles.seedKey, seedKey));
  return row;
}

/** Updates an article if it still has `version` (the version goes up by one); new tokens re-index it. */
export async function updateArticle(
  db: DbOrTx,
  id: string,
  values: Partial<Omit<ArticleInsert, 'searchVector'>>,
  opts: { version?: number; tokens?: ArticleTokens; bump?: boolean } = {},
): Promise<ArticleWithAuthor | undefined> {
  const set: Record<string, unknown> = { ...values, updatedAt: new Date() };
  if (opts.tokens) set.searchVector = vectorOf(opts.tokens);
  if (opts.bump) set.version = sql`${kbArticles.version} + 1`;
  const [row] = await db
    .update(kbArticles)
    .set(set as Partial<ArticleInsert>)
    .where(and(eq(kbArticles.id, id), opts.version !== undefined ? eq(kbArticles.version, opts.version) : undefined))
    .returning({ id: kbArticles.id });
  return row ? findArticle(db, row.id) : undefined;
}

/** Adds one to a counter without touching updated_at or the version. */
export async function countArticle(db: DbOrTx, id: string, counter: 'use' | 'view'): Promise<number | null> {
  const column = counter === 'use' ? kbArticles.useCount : kbArticles.viewCount;
  const [row] = await db
    .update(kbArticles)
    .set(counter === 'use' ? { useCount: sql`${column} + 1` } : { viewCount: sql`${column} + 1` })
    .where(and(eq(kbArticles.id, id), isNull(kbArticles.deletedAt)))
    .returning({ n: column });
  return row?.n ?? null;
}

export type ArticleFilter = {
  categoryIds?: string[];
  status?: KbArticleStatus;
  publicOnly?: boolean;
  deleted: 'exclude' | 'only';
  /** Segmented words (and synonyms) with their weights: any of them matches; the rank sums weight × ts_rank. */
  terms?: Term[];
  /** The query as typed, matched as a fragment (ILIKE on the plain text). */
  fragment?: string | null;
  limit: number;
  /** Keyset: only the rows after this one in the list's order (its sort values, as `sortKeysOf` lists them, and its id). */
  after?: { values: string[]; id: string };
  /** Ties (equal rank, or no search) go to the most viewed article first (the public page). */
  byViews?: boolean;
  /** Skip counting all matches (suggestions need only the best few). */
  withoutTotal?: boolean;
};

function filterWhere(f: ArticleFilter): SQL | undefined {
  const search: SQL[] = [];
  if (f.terms?.length) search.push(sql`${kbArticles.searchVector} @@ to_tsquery('simple', ${f.terms.map((t) => tsWord(t.word)).join(' | ')})`);
  if (f.fragment) search.push(sql`${kbArticles.searchText} ilike ${likePattern(f.fragment)}`);
  return and(
    f.deleted === 'only' ? isNotNull(kbArticles.deletedAt) : isNull(kbArticles.deletedAt),
    f.status ? eq(kbArticles.status, f.status) : undefined,
    f.publicOnly ? and(eq(kbArticles.status, 'published'), eq(kbArticles.isPublic, true)) : undefined,
    f.categoryIds ? (f.categoryIds.length ? sql`${kbArticles.categoryId} in ${f.categoryIds}` : sql`false`) : undefined,
    search.length ? sql`(${sql.join(search, sql` or `)})` : undefined,
  );
}

/**
 * The keys an article list is sorted by, all descending, before the id (the last key): the rank when searched, the
 * views on the public page, then the last change. None is nullable. A cursor holds one value per key.
 */
export type ArticleSortKey = 'rank' | 'views' | 'updated';

export function sortKeysOf(f: Pick<ArticleFilter, 'terms' | 'fragment' | 'byViews'>): ArticleSortKey[] {
  return [...(f.terms?.length || f.fragment ? (['rank'] as const) : []), ...(f.byViews ? (['views'] as const) : []), 'updated'];
}

/** An instant as text with all six fractional digits (a JS Date keeps only milliseconds), for a cursor. */
const utcText = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const CASTS: Record<ArticleSortKey, SQL> = { rank: sql.raw('float8'), views: sql.raw('int8'), updated: sql.raw('timestamptz') };

/** A listed article with its sort values (as `sortKeysOf` lists them), exact, as text: what a cursor holds. */
export type ArticleListRow = ArticleWithAuthor & { sortValues: string[] };

/**
 * Articles matching a filter, a page at a time (keyset, `f.after`), with the total. Searched: ranked by ts_rank (title
 * words weigh most, normalised by length) plus a bonus when the fragment occurs in the title; then (the public page)
 * the most viewed; then the newest change; then the id, so that no two rows tie.
 */
export async function listArticles(db: DbOrTx, f: ArticleFilter): Promise<{ rows: ArticleListRow[]; total: number }> {
  const where = filterWhere(f);
  const keys = sortKeysOf(f);
  const termRank = (t: Term) => sql`${t.weight}::float8 * ts_rank(${WEIGHTS}, ${kbArticles.searchVector}, to_tsquery('simple', ${tsWord(t.word)}), 1)`;
  // float8 throughout (its text form round-trips exactly), so a cursor compares equal to the row it came from.
  const rank = sql`(${f.terms?.length ? sql.join(f.terms.map(termRank), sql` + `) : sql`0`}
    + ${f.fragment ? sql`case when ${kbArticles.title} ilike ${likePattern(f.fragment)} then 1 when ${kbArticles.searchText} ilike ${likePattern(f.fragment)} then 0.05 else 0 end` : sql`0`})::float8`;
  const expr: Record<ArticleSortKey, SQL> = { rank, views: sql`${kbArticles.viewCount}`, updated: sql`${kbArticles.updatedAt}` };
  const sortExprs = keys.map((k) => expr[k]);
  const after = f.after
    ? sql`(${sql.join([...sortExprs, sql`${kbArticles.id}`], sql`, `)}) < (${sql.join([...keys.map((k, i) => sql`${f.after!.values[i]}::${CASTS[k]}`), sql`${f.after.id}::uuid`], sql`, `)})`
    : undefined;
  const rows = await db
    .select({
      ...articleColumns,
      sortRank: sql<string | null>`${keys.includes('rank') ? sql`${rank}::text` : sql`null`}`,
      sortUpdated: utcText(kbArticles.updatedAt),
    })
    .from(kbArticles)
    .leftJoin(userDirectory, eq(userDirectory.id, kbArticles.authorId))
    .where(and(where, after))
    .orderBy(...sortExprs.map((e) => desc(e)), desc(kbArticles.id))
    .limit(f.limit);
  // A rank in JavaScript's shortest exact form (what the cursor check expects), the views, the instant to the microsecond.
  const listed = rows.map(({ sortRank, sortUpdated, ...r }) => ({
    ...r,
    sortValues: keys.map((k) => (k === 'rank' ? String(Number(sortRank)) : k === 'views' ? String(r.viewCount) : sortUpdated)),
  }));
  if (f.withoutTotal || (!f.after && rows.length < f.limit)) return { rows: listed, total: rows.length };
  const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(kbArticles).where(where);
  return { rows: listed, total: c?.n ?? 0 };
}

/**
 * How many live articles contain each word (and how many live articles there are): the rarer a word, the more a
 * match on it says (inverse document frequency; ts_rank alone does not know how common a word is).
 */
export async function documentFrequencies(db: DbOrTx, words: string[]): Promise<{ total: number; df: number[] }> {
  // One scalar subquery per word, so each can count through the GIN index instead of reading every vector.
  const counts = words.map(
    (w, i) => sql`(select count(*)::int from kb_articles where search_vector @@ to_tsquery('simple', ${tsWord(w)}) and deleted_at is null) as ${sql.identifier(`d${i}`)}`,
  );
  const rows = rowsOf<Record<string, number>>(
    await db.execute(sql`select ${sql.join([sql`(select count(*)::int from kb_articles where deleted_at is null) as total`, ...counts], sql`, `)}`),
  );
  const r = rows[0] ?? {};
  return { total: Number(r.total ?? 0), df: words.map((_, i) => Number(r[`d${i}`] ?? 0)) };
}

export async function insertVersion(db: DbOrTx, a: { id: string; version: number; title: string; summary: string | null; body: string }, editedBy: string | null): Promise<void> {
  await db.insert(kbArticleVersions).values({ articleId: a.id, version: a.version, title: a.title, summary: a.summary, body: a.body, editedBy });
}

export async function listVersions(db: DbOrTx, articleId: string) {
  return db
    .select({ version: kbArticleVersions.version, title: kbArticleVersions.title, body: kbArticleVersions.body, editedAt: kbArticleVersions.editedAt, editedBy: kbArticleVersions.editedBy, editorName: userDirectory.displayName })
    .from(kbArticleVersions)
    .leftJoin(userDirectory, eq(userDirectory.id, kbArticleVersions.editedBy))
    .where(eq(kbArticleVersions.articleId, articleId))
    .orderBy(desc(kbArticleVersions.version));
}

export async function findVersion(db: DbOrTx, articleId: string, version: number) {
  const [row] = await db
    .select({ version: kbArticleVersions.version, title: kbArticleVersions.title, summary: kbArticleVersions.summary, body: kbArticleVersions.body })
    .from(kbArticleVersions)
    .where(and(eq(kbArticleVersions.articleId, articleId), eq(kbArticleVersions.version, version)));
  return row;
}
