import { useEffect, useRef } from 'react';

/**
 * Filters kept in the URL. Writing the URL is a transition: two quick changes (clear, then type a city) must build on
 * each other, not on the filters of the last render. `replace` writes a whole set, `update` merges a patch into the
 * set being written (or the current one); `key` identifies the current filters (a new render starts afresh).
 */
export function useUrlFilters<Q extends object>(current: Q, key: string, write: (next: Q) => void): { replace: (next: Q) => void; update: (patch: Partial<Q>) => void } {
  const pending = useRef<Q | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [key]);
  const replace = (next: Q) => {
    pending.current = next;
    write(next);
  };
  return { replace, update: (patch) => replace({ ...(pending.current ?? current), ...patch }) };
}

/** Calls `refetch` every `ms` while the page is visible (a queue or inbox others change meanwhile). */
export function useRefetchWhileVisible(refetch: () => unknown, ms: number): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refetch();
    }, ms);
    return () => clearInterval(timer);
  }, [refetch, ms]);
}
