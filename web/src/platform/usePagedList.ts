import { useMemo, useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery, type QueryKey } from '@tanstack/react-query';
import { api } from './api';

/** What every keyset-paged list endpoint answers: a page of items and the cursor of the next page (null: no more). */
export type KeysetPage<T> = { items: T[]; nextCursor: string | null };

type Query = Record<string, string | number | boolean | null | undefined>;

/** One page of a keyset list: the filters, then `cursor` (none for the first page) and `limit`. */
const fetchPage = <P>(path: string, query: Query | undefined, cursor: string | null, limit: number, signal: AbortSignal) =>
  api.get<P>(path, { ...query, cursor: cursor ?? undefined, limit }, signal);

export type PagedListOptions<P extends KeysetPage<unknown>> = {
  queryKey: QueryKey;
  /** The list's GET path; `query` its filters (undefined ones are left out). `cursor` and `limit` are added here. */
  path: string;
  query?: Query;
  limit: number;
  enabled?: boolean;
  /** Poll (ms), or decide from the pages loaded so far. */
  refetchInterval?: number | false | ((pages: P[]) => number | false);
};

/**
 * One keyset-paged list (`{ items, nextCursor }` answers, `cursor`/`limit` in the query): the pages are react-query's
 * infinite query, so "load more" appends the next page and a refetch reloads what is shown. `items` is every item
 * loaded so far; `hasNextPage`, `fetchNextPage` and `isFetchingNextPage` drive `LoadMoreFooter` (platform/ui).
 */
export function usePagedList<T, P extends KeysetPage<T> = KeysetPage<T>>({ queryKey, path, query, limit, enabled, refetchInterval }: PagedListOptions<P>) {
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage<P>(path, query, pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    refetchInterval: typeof refetchInterval === 'function' ? (q) => refetchInterval(q.state.data?.pages ?? []) : refetchInterval,
  });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  return { ...list, items };
}

/**
 * The same keyset list shown a page at a time, with 上一页 / 下一页 (the customer list): the cursors of the pages
 * before this one are kept here and dropped whenever `resetKey` (the filters) changes. The previous page stays on
 * screen while the next one loads.
 */
export function useKeysetPages<P extends KeysetPage<unknown>>({
  queryKey,
  path,
  query,
  limit,
  resetKey,
}: {
  /** The query key of the page starting at `cursor`. */
  queryKey: (cursor: string | null) => QueryKey;
  path: string;
  query?: Query;
  limit: number;
  resetKey: string;
}) {
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: resetKey, cursors: [] });
  const cursors = paging.key === resetKey ? paging.cursors : [];
  const cursor = cursors.length ? cursors[cursors.length - 1]! : null;
  const page = useQuery({
    queryKey: queryKey(cursor),
    queryFn: ({ signal }) => fetchPage<P>(path, query, cursor, limit, signal),
    placeholderData: keepPreviousData,
  });
  const nextCursor = page.data?.nextCursor ?? null;
  return {
    ...page,
    /** 1 for the first page. */
    pageNo: cursors.length + 1,
    hasPrev: cursors.length > 0,
    hasNext: !!nextCursor,
    next: () => {
      if (nextCursor) setPaging({ key: resetKey, cursors: [...cursors, nextCursor] });
    },
    prev: () => setPaging({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}
