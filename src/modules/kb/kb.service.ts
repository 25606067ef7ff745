import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { readSetting, writeSettingIfAbsent } from '../settings/index.js';
import type {
  KbArticle,
  KbArticleListItem,
  KbArticlePage,
  KbArticleVersion,
  KbCategory,
  KbPublicArticle,
  KbPublicArticlePage,
  KbPublicCategory,
  KbSuggestionList,
} from './kb.contract.js';
import * as repo from './kb.repository.js';
import type { ArticleFilter, ArticleListRow, ArticleTokens, ArticleWithAuthor, CategoryRow } from './kb.repository.js';
import { decodeArticleCursor, encodeArticleCursor } from './kb.cursor.js';
import type { ArticleListQuery, CreateArticleInput, CreateCategoryInput, PublicArticleQuery, RestoreVersionInput, UpdateArticleInput, UpdateCategoryInput } from './kb.types.js';
import { HEATING_ARTICLES, HEATING_CATEGORIES } from './seed.js';
import { documentTokens, queryTerms, queryTokens, type Term } from './segment.js';
import { plainText, snippetOf } from './text.js';

// ---- views -------------------------------------------------------------------------------------------------------

function toListItem(r: ArticleWithAuthor, snippet?: string): KbArticleListItem {
  return {
    id: r.id,
    title: r.title,
    titleEn: r.titleEn,
    summary: r.summary,
    categoryId: r.categoryId,
    status: r.status,
    isPublic: r.isPublic,
    tags: r.tags,
    useCount: r.useCount,
    viewCount: r.viewCount,
    updatedAt: r.updatedAt.toISOString(),
    deletedAt: r.deletedAt?.toISOString() ?? null,
    ...(snippet !== undefined ? { snippet } : {}),
  };
}

function toArticle(r: ArticleWithAuthor): KbArticle {
  return {
    ...toListItem(r),
    body: r.body,
    bodyFormat: r.bodyFormat,
    author: r.authorId ? { id: r.authorId, name: r.authorName ?? '' } : null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
  };
}

const toCategory = (r: CategoryRow & { articleCount: number }): KbCategory => ({
  id: r.id,
  parentId: r.parentId,
  name: r.name,
  nameEn: r.nameEn,
  sortOrder: r.sortOrder,
  articleCount: r.articleCount,
});

/** The tokens an article is indexed under: title (A), summary and tags (B), body (D). */
function tokensOf(a: { title: string; titleEn: string | null; summary: string | null; tags: string[]; body: string }): ArticleTokens {
  return {
    title: documentTokens(`${a.title} ${a.titleEn ?? ''}`),
    meta: documentTokens(`${a.summary ?? ''} ${a.tags.join(' ')}`),
    body: documentTokens(plainText(a.body)),
  };
}

const searchTextOf = (a: { title: string; titleEn: string | null; summary: string | null; tags: string[]; body: string }) =>
  [a.title, a.titleEn, a.summary, a.tags.join(' '), plainText(a.body)].filter(Boolean).join(' ');

/** The fields of an article the audit log keeps (the body only by length: versions keep the text). */
const audited = (r: ArticleWithAuthor) => ({
  title: r.title,
  titleEn: r.titleEn,
  summary: r.summary,
  bodyLength: r.body.length,
  bodyFormat: r.bodyFormat,
  categoryId: r.categoryId,
  tags: r.tags.join(', '),
  status: r.status,
  isPublic: r.isPublic,
});

// ---- seeding -----------------------------------------------------------------------------------------------------

const SEED_MARKER = 'kb.seed';
const seeded = new WeakMap<object, true>();

/**
 * Seeds the heating template's categories and starter articles the first time the knowledge base is used on a
 * heating installation; idempotent (stable seed keys, and a marker in settings written first in the seeding
 * transaction with writeSettingIfAbsent: a second seeding at once waits on it, then writes nothing and skips).
 */
export async function ensureKbSeed(db: Db): Promise<void> {
  if (seeded.has(db)) return;
  const template = await readSetting<string>(db, 'template');
  if (template === null) return; // before first-run setup: the template is not chosen yet
  if (template !== 'heating' || (await readSetting(db, SEED_MARKER))) {
    seeded.set(db, true);
    return;
  }
  await db.transaction(async (tx) => {
    if (!(await writeSettingIfAbsent(tx, SEED_MARKER, { template: 'heating', at: new Date().toISOString() }))) return;
    const actor = systemActor('system', 'zh-CN');
    const ids = new Map<string, string>();
    let order = 0;
    for (const c of HEATING_CATEGORIES) {
      const existing = await repo.categoryNamed(tx, null, c.name);
      ids.set(c.key, (existing ?? (await repo.insertCategory(tx, { name: c.name, nameEn: c.nameEn, sortOrder: order }))).id);
      order += 10;
    }
    let created = 0;
    for (const a of HEATING_ARTICLES) {
      if (await repo.articleBySeedKey(tx, a.key)) continue;
      const values = { title: a.title, titleEn: a.titleEn, summary: a.summary, tags: a.tags, body: a.body };
      const row = await repo.insertArticle(
        tx,
        { ...values, bodyFormat: 'markdown', categoryId: ids.get(a.category) ?? null, status: 'published', isPublic: true, seedKey: a.key, searchText: searchTextOf(values) },
        tokensOf(values),
      );
      await repo.insertVersion(tx, row, null);
      created++;
    }
    generation++;
    await recordAudit(tx, actor, { action: 'seed', entityType: 'kb_article', entityId: null, changes: { template: 'heating', articles: created } });
  });
  seeded.set(db, true);
}

// ---- categories --------------------------------------------------------------------------------------------------

export async function listCategories(db: DbOrTx, actor: Actor | null): Promise<{ items: KbCategory[] }> {
  requireAccess(actor, 'kb:read');
  return { items: (await repo.listCategories(db)).map(toCategory) };
}

async function loadCategory(db: DbOrTx, id: string): Promise<CategoryRow> {
  const row = await repo.findCategory(db, id);
  if (!row) throw AppError.notFound('kb.category_not_found');
  return row;
}

async function checkParent(db: DbOrTx, parentId: string | null, selfId?: string): Promise<void> {
  if (!parentId) return;
  if (!(await repo.findCategory(db, parentId))) throw AppError.field('parentId', 'kb.category_unknown', { field: 'parentId' });
  if (!selfId) return;
  // Walk up from the new parent: meeting the category itself would make a cycle.
  const all = new Map((await repo.listCategories(db)).map((c) => [c.id, c.parentId]));
  for (let at: string | null | undefined = parentId, n = 0; at && n < 1000; at = all.get(at), n++) {
    if (at === selfId) throw AppError.field('parentId', 'kb.category_cycle');
  }
}

export async function createCategory(db: DbOrTx, actor: Actor | null, input: CreateCategoryInput): Promise<KbCategory> {
  requireAccess(actor, 'kb:manage');
  await checkParent(db, input.parentId);
  if (await repo.categoryNamed(db, input.parentId, input.name)) throw AppError.conflict('kb.category_name_taken', { value: input.name }, 'name');
  const row = await repo.insertCategory(db, { name: input.name, nameEn: input.nameEn ?? null, parentId: input.parentId, sortOrder: input.sortOrder });
  await recordAudit(db, actor, { action: 'create', entityType: 'kb_category', entityId: row.id, changes: { name: row.name, parentId: row.parentId } });
  return toCategory({ ...row, articleCount: 0 });
}

export async function updateCategory(db: DbOrTx, actor: Actor | null, id: string, input: UpdateCategoryInput): Promise<KbCategory> {
  requireAccess(actor, 'kb:manage');
  const row = await loadCategory(db, id);
  const parentId = input.parentId === undefined ? row.parentId : input.parentId;
  const name = input.name ?? row.name;
  if (parentId !== row.parentId) await checkParent(db, parentId, id);
  if (await repo.categoryNamed(db, parentId, name, id)) throw AppError.conflict('kb.category_name_taken', { value: name }, 'name');
  const updated = (await repo.updateCategory(db, id, { name, parentId, nameEn: input.nameEn === undefined ? row.nameEn : input.nameEn, sortOrder: input.sortOrder ?? row.sortOrder }))!;
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of ['name', 'nameEn', 'parentId', 'sortOrder'] as const) if (row[k] !== updated[k]) changes[k] = [row[k], updated[k]];
  if (Object.keys(changes).length) await recordAudit(db, actor, { action: 'update', entityType: 'kb_category', entityId: id, changes });
  const count = (await repo.listCategories(db)).find((c) => c.id === id)?.articleCount ?? 0;
  return toCategory({ ...updated, articleCount: count });
}

/** Deletes an empty category (no subcategories, no articles — deleted ones included, since they may come back). */
export async function deleteCategory(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'kb:manage');
  const row = await loadCategory(db, id);
  if (await repo.categoryInUse(db, id)) throw AppError.conflict('kb.category_not_empty');
  await repo.deleteCategory(db, id);
  await recordAudit(db, actor, { action: 'delete', entityType: 'kb_category', entityId: id, changes: { name: row.name, parentId: row.parentId } });
}

/** A category and every category below it. */
async function subtree(db: DbOrTx, id: string): Promise<string[]> {
  const all = await repo.listCategories(db);
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const c of all) if (c.parentId === out[i]) out.push(c.id);
  return out;
}

// ---- articles ----------------------------------------------------------------------------------------------------

/** Search terms of a query: the segmented words (tsquery) and the query itself as a fragment. */
async function searchTerms(db: DbOrTx, q: string | undefined): Promise<{ terms: Term[]; fragment: string | null; words: string[] }> {
  const text = q?.trim() ?? '';
  if (!text) return { terms: [], fragment: null, words: [] };
  const words = queryTokens(text);
  return { terms: await weighted(db, queryTerms(words)), fragment: text, words: words.length ? words : [text] };
}

/**
 * Document frequencies change only when articles do: they are kept per database handle for a minute, and forgotten
 * when this process writes an article (`generation`), so a search costs a frequency query only for new words.
 */
const DF_TTL_MS = 60_000;
let generation = 0;
const dfCache = new WeakMap<object, { at: number; generation: number; total: number; df: Map<string, number> }>();

async function frequencies(db: DbOrTx, words: string[]): Promise<{ total: number; df: number[] }> {
  let entry = dfCache.get(db);
  if (!entry || entry.generation !== generation || Date.now() - entry.at > DF_TTL_MS) {
    entry = { at: Date.now(), generation, total: -1, df: new Map() };
    dfCache.set(db, entry);
  }
  const missing = words.filter((w) => !entry.df.has(w));
  if (missing.length || entry.total < 0) {
    const fresh = await repo.documentFrequencies(db, missing);
    entry.total = fresh.total;
    missing.forEach((w, i) => entry.df.set(w, fresh.df[i]!));
  }
  return { total: entry.total, df: words.map((w) => entry.df.get(w) ?? 0) };
}

/** At most this many terms are ranked: the rarest (most telling) ones. */
const MAX_TERMS = 12;

/**
 * Terms weighted by how rare they are (idf = ln(1 + N / df)); words no article contains are dropped, and only the
 * MAX_TERMS heaviest are kept (each costs a ts_rank per matching article).
 */
async function weighted(db: DbOrTx, terms: Term[]): Promise<Term[]> {
  const { total, df } = await frequencies(db, terms.map((t) => t.word));
  return terms
    .flatMap((t, i) => (df[i]! > 0 ? [{ word: t.word, weight: t.weight * Math.log(1 + total / df[i]!) }] : []))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_TERMS);
}

/**
 * One page of articles (keyset): those after `cursor` in the list's order, the next page's cursor (null on the last
 * page), and how many match the filter — the same on every page.
 */
async function articlePage(
  db: DbOrTx,
  filter: Omit<ArticleFilter, 'limit' | 'after' | 'withoutTotal'>,
  page: { cursor?: string; limit: number },
): Promise<{ rows: ArticleListRow[]; total: number; nextCursor: string | null }> {
  const after = page.cursor ? decodeArticleCursor(page.cursor, repo.sortKeysOf(filter)) : undefined;
  const { rows, total } = await repo.listArticles(db, { ...filter, after, limit: page.limit + 1 });
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return { rows: shown, total, nextCursor: rows.length > page.limit && last ? encodeArticleCursor(last.sortValues, last.id) : null };
}

export async function listArticles(db: DbOrTx, actor: Actor | null, q: ArticleListQuery): Promise<KbArticlePage> {
  requireAccess(actor, 'kb:read');
  const editor = can(actor, 'kb:manage');
  const s = await searchTerms(db, q.q);
  const { rows, total, nextCursor } = await articlePage(
    db,
    {
      // Readers see published articles only; drafts and the trash are the editors'.
      status: editor ? q.status : 'published',
      deleted: editor ? q.deleted : 'exclude',
      categoryIds: q.categoryId ? await subtree(db, q.categoryId) : undefined,
      terms: s.terms,
      fragment: s.fragment,
    },
    q,
  );
  return { items: rows.map((r) => toListItem(r, s.fragment ? snippetOf(plainText(r.body), [s.fragment, ...s.words]) : undefined)), nextCursor, total };
}

async function loadArticle(db: DbOrTx, actor: Actor, id: string): Promise<ArticleWithAuthor> {
  const row = await repo.findArticle(db, id);
  // A reader does not learn that a draft or a deleted article exists.
  if (!row || (!can(actor, 'kb:manage') && (row.status !== 'published' || row.deletedAt))) throw AppError.notFound('kb.article_not_found');
  return row;
}

export async function getArticle(db: DbOrTx, actor: Actor | null, id: string): Promise<KbArticle> {
  requireAccess(actor, 'kb:read');
  return toArticle(await loadArticle(db, actor, id));
}

async function checkCategory(db: DbOrTx, categoryId: string | null | undefined): Promise<void> {
  if (categoryId && !(await repo.findCategory(db, categoryId))) throw AppError.field('categoryId', 'kb.category_unknown', { field: 'categoryId' });
}

const distinct = (tags: string[]) => [...new Set(tags)];

export async function createArticle(db: DbOrTx, actor: Actor | null, input: CreateArticleInput): Promise<KbArticle> {
  requireAccess(actor, 'kb:manage');
  generation++;
  await checkCategory(db, input.categoryId);
  const values = { title: input.title, titleEn: input.titleEn ?? null, summary: input.summary ?? null, tags: distinct(input.tags), body: input.body };
  const row = await repo.insertArticle(
    db,
    { ...values, bodyFormat: input.bodyFormat, categoryId: input.categoryId ?? null, status: input.status, isPublic: input.isPublic, authorId: actor.userId, searchText: searchTextOf(values) },
    tokensOf(values),
  );
  await repo.insertVersion(db, row, actor.userId);
  await recordAudit(db, actor, { action: 'create', entityType: 'kb_article', entityId: row.id, changes: audited(row) });
  return toArticle(row);
}

export async function updateArticle(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  input: UpdateArticleInput,
  audit: { action: string; extra?: Record<string, unknown> } = { action: 'update' },
): Promise<KbArticle> {
  requireAccess(actor, 'kb:manage');
  generation++;
  const row = await loadArticle(db, actor, id);
  if (row.deletedAt) throw AppError.conflict('kb.article_deleted');
  if (input.version !== undefined && input.version !== row.version) throw AppError.conflict('kb.article_stale', { current: row.version, given: input.version }, 'version');
  if (input.categoryId !== undefined) await checkCategory(db, input.categoryId);
  const values = {
    title: input.title ?? row.title,
    titleEn: input.titleEn === undefined ? row.titleEn : input.titleEn,
    summary: input.summary === undefined ? row.summary : input.summary,
    tags: input.tags ? distinct(input.tags) : row.tags,
    body: input.body ?? row.body,
  };
  const textChanged =
    values.title !== row.title || values.titleEn !== row.titleEn || values.summary !== row.summary || values.body !== row.body || values.tags.join('\u0001') !== row.tags.join('\u0001');
  const updated = await repo.updateArticle(
    db,
    id,
    {
      ...values,
      bodyFormat: input.bodyFormat ?? row.bodyFormat,
      categoryId: input.categoryId === undefined ? row.categoryId : input.categoryId,
      status: input.status ?? row.status,
      isPublic: input.isPublic ?? row.isPublic,
      searchText: searchTextOf(values),
    },
    { version: row.version, tokens: textChanged ? tokensOf(values) : undefined, bump: true },
  );
  if (!updated) throw AppError.conflict('kb.article_stale', { current: row.version + 1, given: row.version }, 'version');
  if (values.title !== row.title || values.summary !== row.summary || values.body !== row.body) await repo.insertVersion(db, updated, actor.userId);
  const before = audited(row);
  const after = audited(updated);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(after) as (keyof typeof after)[]) if (before[k] !== after[k]) changes[k] = [before[k], after[k]];
  if (Object.keys(changes).length || audit.action !== 'update')
    await recordAudit(db, actor, { action: audit.action, entityType: 'kb_article', entityId: id, changes: { ...audit.extra, ...changes } });
  return toArticle(updated);
}

/**
 * Makes an old version's title, summary and body the current text again: a new version (history is never
 * rewritten), re-indexed, audited as `restore_version`. `input.version` must still be the current version (409).
 */
export async function restoreVersion(db: DbOrTx, actor: Actor | null, id: string, n: number, input: RestoreVersionInput): Promise<KbArticle> {
  requireAccess(actor, 'kb:manage');
  const row = await loadArticle(db, actor, id);
  if (row.deletedAt) throw AppError.conflict('kb.article_deleted');
  if (input.version !== row.version) throw AppError.conflict('kb.article_stale', { current: row.version, given: input.version }, 'version');
  const old = await repo.findVersion(db, id, n);
  if (!old) throw AppError.notFound('kb.version_not_found');
  if (old.title === row.title && old.summary === row.summary && old.body === row.body) return toArticle(row);
  return updateArticle(db, actor, id, { title: old.title, summary: old.summary, body: old.body, version: input.version }, { action: 'restore_version', extra: { restoredFrom: n } });
}

/** Moves an article to the trash (restorable); it disappears from search, suggestions and the public page. */
export async function deleteArticle(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'kb:manage');
  generation++;
  const row = await loadArticle(db, actor, id);
  if (row.deletedAt) return;
  await repo.updateArticle(db, id, { deletedAt: new Date() });
  await recordAudit(db, actor, { action: 'delete', entityType: 'kb_article', entityId: id, changes: { title: row.title } });
}

export async function restoreArticle(db: DbOrTx, actor: Actor | null, id: string): Promise<KbArticle> {
  requireAccess(actor, 'kb:manage');
  generation++;
  const row = await loadArticle(db, actor, id);
  if (!row.deletedAt) throw AppError.conflict('kb.article_not_deleted');
  const updated = (await repo.updateArticle(db, id, { deletedAt: null }))!;
  await recordAudit(db, actor, { action: 'restore', entityType: 'kb_article', entityId: id, changes: { title: row.title } });
  return toArticle(updated);
}

export async function articleVersions(db: DbOrTx, actor: Actor | null, id: string): Promise<{ items: KbArticleVersion[] }> {
  requireAccess(actor, 'kb:manage');
  await loadArticle(db, actor, id);
  const rows = await repo.listVersions(db, id);
  return {
    items: rows.map((v) => ({ version: v.version, title: v.title, body: v.body, editedBy: v.editedBy ? { id: v.editedBy, name: v.editorName ?? '' } : null, editedAt: v.editedAt.toISOString() })),
  };
}

/** 插入回复: an agent put the article into a reply. Counted (and audited) on the article. */
export async function recordUse(db: DbOrTx, actor: Actor | null, id: string): Promise<{ useCount: number }> {
  requireAccess(actor, 'kb:read');
  const row = await loadArticle(db, actor, id);
  if (row.deletedAt) throw AppError.notFound('kb.article_not_found');
  const n = await repo.countArticle(db, id, 'use');
  if (n === null) throw AppError.notFound('kb.article_not_found');
  await recordAudit(db, actor, { action: 'use', entityType: 'kb_article', entityId: id, changes: { title: row.title } });
  return { useCount: n };
}

/**
 * Articles for a ticket's text: segmented, stop words dropped, the words (and synonyms) OR-ed and ranked; published
 * articles only (public or internal), never deleted ones.
 */
export async function suggestArticles(db: DbOrTx, actor: Actor | null, text: string, limit: number): Promise<KbSuggestionList> {
  requireAccess(actor, 'kb:read');
  const words = queryTokens(text);
  const terms = await weighted(db, queryTerms(words));
  if (!terms.length) return { items: [] };
  const { rows } = await repo.listArticles(db, { status: 'published', deleted: 'exclude', terms, limit, withoutTotal: true });
  return {
    items: rows.map((r) => ({ id: r.id, title: r.title, snippet: r.summary ?? snippetOf(plainText(r.body), words), body: r.body })),
  };
}

// ---- the public answers page -------------------------------------------------------------------------------------

/** Categories that lead to at least one published, public article (with their ancestors, so the tree holds). */
export async function publicCategories(db: DbOrTx): Promise<{ items: KbPublicCategory[] }> {
  const all = await repo.listCategories(db);
  const byId = new Map(all.map((c) => [c.id, c]));
  const keep = new Set<string>();
  for (const id of await repo.publicCategoryIds(db)) {
    for (let at: string | null | undefined = id, n = 0; at && !keep.has(at) && n < 1000; at = byId.get(at)?.parentId, n++) keep.add(at);
  }
  return { items: all.filter((c) => keep.has(c.id)).map((c) => ({ id: c.id, parentId: c.parentId, name: c.name, nameEn: c.nameEn })) };
}

export async function publicArticles(db: DbOrTx, q: PublicArticleQuery): Promise<KbPublicArticlePage> {
  const s = await searchTerms(db, q.q);
  const { rows, total, nextCursor } = await articlePage(
    db,
    {
      publicOnly: true,
      // Equally relevant answers: the one more people read first.
      byViews: true,
      deleted: 'exclude',
      categoryIds: q.categoryId ? await subtree(db, q.categoryId) : undefined,
      terms: s.terms,
      fragment: s.fragment,
    },
    q,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      titleEn: r.titleEn,
      summary: r.summary,
      categoryId: r.categoryId,
      ...(s.fragment ? { snippet: snippetOf(plainText(r.body), [s.fragment, ...s.words]) } : {}),
    })),
    nextCursor,
    total,
  };
}

/** One public article; each read counts a view. */
export async function publicArticle(db: DbOrTx, id: string): Promise<KbPublicArticle> {
  const row = await repo.findArticle(db, id);
  if (!row || row.deletedAt || row.status !== 'published' || !row.isPublic) throw AppError.notFound('kb.article_not_found');
  await repo.countArticle(db, id, 'view');
  return { id: row.id, title: row.title, titleEn: row.titleEn, summary: row.summary, categoryId: row.categoryId, body: row.body, bodyFormat: row.bodyFormat, updatedAt: row.updatedAt.toISOString() };
}

