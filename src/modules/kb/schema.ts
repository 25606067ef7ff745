import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgTable, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.js';
import { KB_ARTICLE_STATUSES, KB_BODY_FORMATS } from './kb.contract.js';

/** PostgreSQL's full-text document type; written only through `setweight(to_tsvector('simple', …))` in SQL. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** 知识库分类: a tree (parent_id), ordered by sort_order then name. Deleted only when empty. */
export const kbCategories = pgTable(
  'kb_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id').references((): AnyPgColumn => kbCategories.id),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('kb_categories_parent_idx').on(t.parentId)],
);

/**
 * 知识库文章. `search_vector` holds the jieba tokens of title (weight A), summary and tags (B) and body (D), computed
 * in JS on every write; `search_text` is the plain text for the fragment fallback (pg_trgm, ILIKE).
 */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    categoryId: uuid('category_id').references(() => kbCategories.id),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    summary: text('summary'),
    body: text('body').notNull(),
    bodyFormat: text('body_format', { enum: KB_BODY_FORMATS }).notNull().default('markdown'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: KB_ARTICLE_STATUSES }).notNull().default('draft'),
    isPublic: boolean('is_public').notNull().default(false),
    useCount: integer('use_count').notNull().default(0),
    viewCount: integer('view_count').notNull().default(0),
    searchText: text('search_text').notNull().default(''),
    searchVector: tsvector('search_vector').notNull(),
    /** Seeded by the industry template (a stable key, so seeding twice writes nothing). */
    seedKey: text('seed_key').unique(),
    authorId: uuid('author_id').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('kb_articles_category_idx').on(t.categoryId),
    index('kb_articles_search_vector_idx').using('gin', t.searchVector),
    index('kb_articles_search_trgm').using('gin', t.searchText.op('gin_trgm_ops')),
    index('kb_articles_updated_idx').on(t.updatedAt, t.id),
  ],
);

/** Every saved version of an article's text (version 1 = as created). */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    summary: text('summary'),
    body: text('body').notNull(),
    editedBy: uuid('edited_by').references(() => users.id),
    editedAt: timestamp('edited_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.version] })],
);
