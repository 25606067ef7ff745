import { useQuery } from '@tanstack/react-query';
import { api, request } from '../../platform/api';
import { useKeysetPages } from '../../platform/usePagedList';
import type {
  KbArticle,
  KbArticlePage,
  KbArticleStatus,
  KbArticleVersion,
  KbBodyFormat,
  KbCategory,
  KbPublicArticle,
  KbPublicCategory,
  KbSuggestion,
} from '../../../../src/modules/kb/kb.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  KB_ARTICLE_STATUSES,
  KB_BODY_FORMATS,
  KB_LIMITS,
  type KbArticle,
  type KbArticleListItem,
  type KbArticlePage,
  type KbArticleStatus,
  type KbArticleVersion,
  type KbBodyFormat,
  type KbCategory,
  type KbPublicArticle,
  type KbPublicArticleListItem,
  type KbPublicCategory,
  type KbSuggestion,
} from '../../../../src/modules/kb/kb.contract';

export type ArticleInput = {
  title: string;
  titleEn?: string | null;
  summary?: string | null;
  body: string;
  bodyFormat: KbBodyFormat;
  categoryId?: string | null;
  tags: string[];
  status: KbArticleStatus;
  isPublic: boolean;
};

export const kbKeys = {
  all: ['kb'] as const,
  categories: ['kb', 'categories'] as const,
  articles: (q: Record<string, unknown>, cursor: string | null) => ['kb', 'articles', q, cursor] as const,
  article: (id: string) => ['kb', 'article', id] as const,
  versions: (id: string) => ['kb', 'versions', id] as const,
  suggestions: (text: string, limit: number) => ['kb', 'suggestions', text, limit] as const,
  publicCategories: ['kb-public', 'categories'] as const,
  publicArticle: (id: string) => ['kb-public', 'article', id] as const,
};

export function useKbCategories() {
  return useQuery({
    queryKey: kbKeys.categories,
    queryFn: async ({ signal }) => (await api.get<{ items: KbCategory[] }>('/api/v1/kb/categories', undefined, signal)).items,
  });
}

export type ArticleQuery = { q?: string; categoryId?: string; status?: KbArticleStatus; deleted?: 'only' };

/**
 * The article list a page at a time (keyset cursors, 上一页 / 下一页) with the number of matches; back to the first page
 * whenever the filters change.
 */
export function useKbArticles(q: ArticleQuery, limit: number) {
  return useKeysetPages<KbArticlePage>({
    queryKey: (cursor) => kbKeys.articles(q, cursor),
    path: '/api/v1/kb/articles',
    query: q,
    limit,
    resetKey: JSON.stringify(q),
  });
}

export function useKbArticle(id: string | null) {
  return useQuery({
    queryKey: kbKeys.article(id ?? ''),
    queryFn: ({ signal }) => api.get<KbArticle>(`/api/v1/kb/articles/${id}`, undefined, signal),
    enabled: !!id,
  });
}

export function useKbVersions(id: string | null) {
  return useQuery({
    queryKey: kbKeys.versions(id ?? ''),
    queryFn: async ({ signal }) => (await api.get<{ items: KbArticleVersion[] }>(`/api/v1/kb/articles/${id}/versions`, undefined, signal)).items,
    enabled: !!id,
  });
}

export function useKbSuggestions(text: string, limit = 5) {
  return useQuery({
    queryKey: kbKeys.suggestions(text, limit),
    // POST: a ticket's whole text does not fit in a URL (the server refuses request headers over 16 KB with 431).
    queryFn: async ({ signal }) => (await request<{ items: KbSuggestion[] }>('POST', '/api/v1/kb/suggestions', { body: { text, limit }, signal })).items,
    enabled: text.trim().length > 0,
    staleTime: 30_000,
  });
}

export function usePublicCategories() {
  return useQuery({
    queryKey: kbKeys.publicCategories,
    queryFn: async ({ signal }) => (await api.get<{ items: KbPublicCategory[] }>('/api/v1/public/kb/categories', undefined, signal)).items,
  });
}

export function usePublicArticle(id: string) {
  return useQuery({
    queryKey: kbKeys.publicArticle(id),
    queryFn: ({ signal }) => api.get<KbPublicArticle>(`/api/v1/public/kb/articles/${id}`, undefined, signal),
    retry: false,
  });
}
