/**
 * Response schemas of the knowledge-base API (documented in /api/docs/json, checked under the test runner), each tied
 * to its kb.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  KB_ARTICLE_STATUSES,
  KB_BODY_FORMATS,
  type KbArticle,
  type KbArticleListItem,
  type KbArticlePage,
  type KbArticleUseCount,
  type KbArticleVersion,
  type KbArticleVersionList,
  type KbCategory,
  type KbCategoryList,
  type KbPublicArticle,
  type KbPublicArticleListItem,
  type KbPublicArticlePage,
  type KbPublicCategory,
  type KbPublicCategoryList,
  type KbSuggestion,
  type KbSuggestionList,
  type KbUserRef,
} from './kb.contract.js';

const userRef = responseOf<KbUserRef>()(z.object({ id: z.string(), name: z.string() }));

export const kbCategory = responseOf<KbCategory>()(
  z.object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    nameEn: z.string().nullable(),
    sortOrder: z.number().int(),
    articleCount: z.number().int().describe('Live articles in this category, not counting subcategories'),
  }),
);

export const kbCategoryList = responseOf<KbCategoryList>()(z.object({ items: z.array(kbCategory) }));

/** What every article list item (the agents' and the public one) starts with. */
const articleHead = {
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  summary: z.string().nullable(),
  categoryId: z.string().nullable(),
};

export const kbArticleListItem = responseOf<KbArticleListItem>()(
  z.object({
    ...articleHead,
    status: z.enum(KB_ARTICLE_STATUSES),
    isPublic: z.boolean(),
    tags: z.array(z.string()),
    useCount: z.number().int().describe('插入回复 count'),
    viewCount: z.number().int().describe('Views on the public answers page'),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    snippet: z.string().optional().describe('Search result excerpt (plain text) when the list was searched'),
  }),
);

export const kbArticle = responseOf<KbArticle>()(
  kbArticleListItem.extend({
    body: z.string(),
    bodyFormat: z.enum(KB_BODY_FORMATS),
    author: userRef.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  }),
);

export const kbArticlePage = responseOf<KbArticlePage>()(pageWithTotalOf(kbArticleListItem));

export const kbArticleVersion = responseOf<KbArticleVersion>()(
  z.object({ version: z.number().int(), title: z.string(), body: z.string(), editedBy: userRef.nullable(), editedAt: z.string() }),
);

export const kbArticleVersionList = responseOf<KbArticleVersionList>()(z.object({ items: z.array(kbArticleVersion) }));

export const kbArticleUseCount = responseOf<KbArticleUseCount>()(z.object({ useCount: z.number().int() }));

export const kbSuggestion = responseOf<KbSuggestion>()(
  z.object({
    id: z.string(),
    title: z.string(),
    snippet: z.string().describe('A short plain-text excerpt (summary, or the start of the body)'),
    body: z.string().describe('The whole body, as stored: what 插入回复 inserts'),
  }),
);

export const kbSuggestionList = responseOf<KbSuggestionList>()(z.object({ items: z.array(kbSuggestion) }));

// ---- the public answers page ----

export const kbPublicCategory = responseOf<KbPublicCategory>()(
  z.object({ id: z.string(), parentId: z.string().nullable(), name: z.string(), nameEn: z.string().nullable() }),
);

export const kbPublicCategoryList = responseOf<KbPublicCategoryList>()(z.object({ items: z.array(kbPublicCategory) }));

export const kbPublicArticleListItem = responseOf<KbPublicArticleListItem>()(
  z.object({
    ...articleHead,
    snippet: z.string().optional(),
  }),
);

export const kbPublicArticlePage = responseOf<KbPublicArticlePage>()(pageWithTotalOf(kbPublicArticleListItem));

export const kbPublicArticle = responseOf<KbPublicArticle>()(
  kbPublicArticleListItem.extend({ body: z.string(), bodyFormat: z.enum(KB_BODY_FORMATS), updatedAt: z.string() }),
);
