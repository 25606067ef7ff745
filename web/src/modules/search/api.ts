import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { SearchResult } from '../../../../src/modules/search/search.contract';

export type { SearchGroupKey, SearchHit, SearchResult } from '../../../../src/modules/search/search.contract';

const NUMERIC = /^\+?[\d\s\-()]+$/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The server's rule (search.types.ts): a number of any length, else one Chinese character or two letters. */
export function searchable(q: string): boolean {
  if (!q) return false;
  if (NUMERIC.test(q) && /\d/.test(q)) return true;
  return CJK.test(q) || Array.from(q).length >= 2;
}

export function useGlobalSearch(q: string, enabled: boolean) {
  const text = q.trim();
  return useQuery({
    queryKey: ['search', text],
    queryFn: ({ signal }) => api.get<SearchResult>('/api/v1/search', { q: text, limit: 5 }, signal),
    enabled: enabled && searchable(text),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
