/**
 * What the knowledge-base API returns (知识库: categories, articles, search, suggestions, the public answers page):
 * plain types and constants with no imports, shared with the web app and the tickets module.
 */

export const KB_ARTICLE_STATUSES = ['draft', 'published'] as const;
export type KbArticleStatus = (typeof KB_ARTICLE_STATUSES)[number];

/** Body format: Markdown (rendered safely, never as raw HTML) or plain text. */
export const KB_BODY_FORMATS = ['markdown', 'text'] as const;
export type KbBodyFormat = (typeof KB_BODY_FORMATS)[number];

export const KB_LIMITS = {
  title: 200,
  titleEn: 200,
  summary: 500,
  body: 50_000,
  tags: 20,
  tag: 40,
  categoryName: 60,
  /** Suggestions read at most this much of a ticket's text. */
  suggestionText: 5_000,
  /**
   * At most this much in `GET /suggestions?text=`: a Chinese character is 9 bytes URL-encoded and Node refuses
   * request headers over 16 KB (431), so longer texts go through `POST /suggestions` (the web always posts).
   */
  suggestionTextInUrl: 1_200,
  query: 200,
} as const;

/**
 * One article suggested for a ticket's text: `POST /api/v1/kb/suggestions` with `{ text, limit }` (any text up to
 * 5,000 characters) or, for short texts, `GET /api/v1/kb/suggestions?text=…&limit=5` → `{ items }`.
 */
export type KbSuggestion = {
  id: string;
  title: string;
  /** A short plain-text excerpt (summary, or the start of the body). */
  snippet: string;
  /** The whole body, as stored (Markdown or plain text): what 「插入回复」 inserts. */
  body: string;
};

export type KbSuggestionList = { items: KbSuggestion[] };

export type KbCategory = {
  id: string;
  parentId: string | null;
  name: string;
  nameEn: string | null;
  sortOrder: number;
  /** Live (not deleted) articles in this category, not counting subcategories. */
  articleCount: number;
};

export type KbCategoryList = { items: KbCategory[] };

export type KbUserRef = { id: string; name: string };

export type KbArticleListItem = {
  id: string;
  title: string;
  titleEn: string | null;
  summary: string | null;
  categoryId: string | null;
  status: KbArticleStatus;
  isPublic: boolean;
  tags: string[];
  /** 插入回复 count. */
  useCount: number;
  /** Views on the public answers page. */
  viewCount: number;
  updatedAt: string;
  deletedAt: string | null;
  /** Search result excerpt (plain text) when the list was searched. */
  snippet?: string;
};

export type KbArticle = KbArticleListItem & {
  body: string;
  bodyFormat: KbBodyFormat;
  author: KbUserRef | null;
  version: number;
  createdAt: string;
};

/**
 * `GET /api/v1/kb/articles`: a page of articles (keyset: pass `nextCursor` as `cursor` for the next page; null on the
 * last) and how many match the filters, the same on every page.
 */
export type KbArticlePage = { items: KbArticleListItem[]; nextCursor: string | null; total: number };

export type KbArticleVersion = {
  version: number;
  title: string;
  body: string;
  editedBy: KbUserRef | null;
  editedAt: string;
};

export type KbArticleVersionList = { items: KbArticleVersion[] };

/** `POST /articles/:id/uses` (插入回复): the article's use count after this one. */
export type KbArticleUseCount = { useCount: number };

/** The public answers page: only published and public articles. */
export type KbPublicArticleListItem = {
  id: string;
  title: string;
  titleEn: string | null;
  summary: string | null;
  categoryId: string | null;
  snippet?: string;
};

export type KbPublicArticle = KbPublicArticleListItem & {
  body: string;
  bodyFormat: KbBodyFormat;
  updatedAt: string;
};

/** `GET /api/v1/public/kb/articles`: a page of public articles, paged like `KbArticlePage`. */
export type KbPublicArticlePage = { items: KbPublicArticleListItem[]; nextCursor: string | null; total: number };

export type KbPublicCategory = { id: string; parentId: string | null; name: string; nameEn: string | null };

export type KbPublicCategoryList = { items: KbPublicCategory[] };
