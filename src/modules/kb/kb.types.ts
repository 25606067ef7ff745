import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { KB_ARTICLE_STATUSES, KB_BODY_FORMATS, KB_LIMITS } from './kb.contract.js';

const tag = z.string().trim().min(1).max(KB_LIMITS.tag);

export const createArticleBody = z.strictObject({
  title: trimmedText(KB_LIMITS.title).min(1).describe('The Chinese title'),
  titleEn: optionalText(KB_LIMITS.titleEn).describe('An English title (optional)'),
  summary: optionalText(KB_LIMITS.summary).describe('One or two sentences shown in lists and suggestions'),
  body: z.string().max(KB_LIMITS.body).refine((s) => s.trim().length > 0, { message: 'validation.required' }).describe('Markdown or plain text; HTML is shown as text'),
  bodyFormat: z.enum(KB_BODY_FORMATS).default('markdown'),
  categoryId: z.uuid().nullable().optional(),
  tags: z.array(tag).max(KB_LIMITS.tags).default([]),
  status: z.enum(KB_ARTICLE_STATUSES).default('draft'),
  isPublic: z.boolean().default(false).describe('Shown on the public self-service page once published'),
});
export type CreateArticleInput = z.infer<typeof createArticleBody>;

export const updateArticleBody = z.strictObject({
  title: createArticleBody.shape.title.optional(),
  titleEn: createArticleBody.shape.titleEn,
  summary: createArticleBody.shape.summary,
  body: z.string().max(KB_LIMITS.body).refine((s) => s.trim().length > 0, { message: 'validation.required' }).optional(),
  bodyFormat: z.enum(KB_BODY_FORMATS).optional(),
  categoryId: z.uuid().nullable().optional(),
  tags: z.array(tag).max(KB_LIMITS.tags).optional(),
  status: z.enum(KB_ARTICLE_STATUSES).optional(),
  isPublic: z.boolean().optional(),
  version: z.number().int().min(1).optional().describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateArticleInput = z.infer<typeof updateArticleBody>;

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const articleListQuery = z.strictObject({
  q: z.string().trim().max(KB_LIMITS.query).optional().describe('Words or a fragment; Chinese is segmented (jieba)'),
  categoryId: z.uuid().optional().describe('This category and its subcategories'),
  status: z.enum(KB_ARTICLE_STATUSES).optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
  ...pageQuery(100, 20),
});
export type ArticleListQuery = z.infer<typeof articleListQuery>;

export const suggestionsQuery = z.strictObject({
  text: z.string().max(KB_LIMITS.suggestionText).default('').describe("A ticket's text (subject and description)"),
  limit: limit(10, 5),
});

/** The same as a JSON body: a long text in a query string overflows the server's 16 KB request-header limit (431). */
export const suggestionsBody = z.strictObject({
  text: z.string().max(KB_LIMITS.suggestionText).default('').describe("A ticket's text (subject and description), up to 5,000 characters"),
  limit: z.number().int().min(1).max(10).default(5),
});

export const versionParam = z.strictObject({ id: z.uuid(), n: z.coerce.number().int().min(1).max(1_000_000) });

export const restoreVersionBody = z.strictObject({
  version: z.number().int().min(1).describe('The current version the editor saw (409 when the article changed since)'),
});
export type RestoreVersionInput = z.infer<typeof restoreVersionBody>;

export const publicArticleQuery = z.strictObject({
  q: z.string().trim().max(KB_LIMITS.query).optional(),
  categoryId: z.uuid().optional(),
  ...pageQuery(50, 20),
});
export type PublicArticleQuery = z.infer<typeof publicArticleQuery>;

export const createCategoryBody = z.strictObject({
  name: trimmedText(KB_LIMITS.categoryName).min(1),
  nameEn: optionalText(KB_LIMITS.categoryName),
  parentId: z.uuid().nullable().default(null),
  sortOrder: z.number().int().min(-1000).max(1000).default(0),
});
export type CreateCategoryInput = z.infer<typeof createCategoryBody>;

export const updateCategoryBody = z.strictObject({
  name: createCategoryBody.shape.name.optional(),
  nameEn: createCategoryBody.shape.nameEn,
  parentId: z.uuid().nullable().optional(),
  sortOrder: z.number().int().min(-1000).max(1000).optional(),
});
export type UpdateCategoryInput = z.infer<typeof updateCategoryBody>;

export const idParam = z.strictObject({ id: z.uuid() });
