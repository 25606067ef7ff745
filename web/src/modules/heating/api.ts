import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { ArrearsSummary, NoticePreview, NoticeView, TreeLevelView } from '../../../../src/modules/heating/heating.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  NOTICE_BLOCKED_REASONS,
  NOTICE_CHANNELS,
  NOTICE_KINDS,
  type ArrearsPage,
  type ArrearsRow,
  type ArrearsSummary,
  type NoticeChannel,
  type NoticeKind,
  type NoticePage,
  type NoticePreview,
  type NoticeView,
  type TreeLevel,
  type TreeLevelView,
  type TreeNode,
} from '../../../../src/modules/heating/heating.contract';

/** A node of the tree as a path: a compound, a building of it, a unit of that building. */
export type Target = { compound?: string; building?: string; unit?: string };
/** The arrears list's filters (in the URL). */
export type ArrearsFilters = Target & { season?: string };

export const heatingKeys = {
  all: ['heating'] as const,
  tree: (t: Target) => ['heating', 'tree', t.compound ?? null, t.building ?? null] as const,
  arrears: (f: ArrearsFilters, cursor: string | null) => ['heating', 'arrears', f, cursor] as const,
  summary: (f: ArrearsFilters) => ['heating', 'arrears-summary', f] as const,
  notices: ['heating', 'notices'] as const,
  notice: (id: string) => ['heating', 'notice', id] as const,
  preview: (t: Target, channel: string) => ['heating', 'preview', t, channel] as const,
};

export const fetchTreeLevel = (t: Target, signal?: AbortSignal) => api.get<TreeLevelView>('/api/v1/heating/tree', { compound: t.compound, building: t.building }, signal);

/** The compounds (the tree's first level). */
export function useTreeRoot() {
  return useQuery({ queryKey: heatingKeys.tree({}), queryFn: ({ signal }) => fetchTreeLevel({}, signal) });
}

export function useArrearsSummary(f: ArrearsFilters, poll: boolean) {
  return useQuery({
    queryKey: heatingKeys.summary(f),
    queryFn: ({ signal }) => api.get<ArrearsSummary>('/api/v1/heating/arrears/summary', f, signal),
    refetchInterval: poll ? 2000 : false,
  });
}

/** One notice, polled while it is being sent. */
export function useNotice(id: string | null) {
  return useQuery({
    queryKey: heatingKeys.notice(id ?? ''),
    queryFn: ({ signal }) => api.get<NoticeView>(`/api/v1/heating/notices/${id}`, undefined, signal),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1500 : false),
  });
}

/** What a notice to the target would reach (only once a compound is chosen). */
export function useNoticePreview(t: Target, channel: string) {
  return useQuery({
    queryKey: heatingKeys.preview(t, channel),
    queryFn: ({ signal }) => api.get<NoticePreview>('/api/v1/heating/notices/preview', { ...t, channel }, signal),
    enabled: !!t.compound,
  });
}

/** The customer list opened on a node (its URL filters). */
export function customersUrl(t: Target): string {
  const q = new URLSearchParams();
  if (t.compound) q.set('compound', t.compound);
  if (t.building) q.set('building', t.building);
  if (t.unit) q.set('unit', t.unit);
  return `/customers?${q.toString()}`;
}
