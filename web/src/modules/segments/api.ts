import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, download, request } from '../../platform/api';
import { useI18n } from '../../platform/i18n';
import { useKeysetPages } from '../../platform/usePagedList';
import type {
  RefreshView,
  SegmentFieldItem,
  SegmentFieldList,
  SegmentHistory,
  SegmentImportKey,
  SegmentImportReport,
  SegmentKind,
  SegmentMemberPage,
  SegmentPage,
  SegmentPreview,
  SegmentView,
} from '../../../../src/modules/segments/segments.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  SEGMENT_IMPORT_LIMITS,
  SEGMENT_LIMITS,
  type RefreshView,
  type SegmentAddReport,
  type SegmentCustomer,
  type SegmentFieldItem,
  type SegmentImportKey,
  type SegmentImportReport,
  type SegmentKind,
  type SegmentListItem,
  type SegmentMember,
  type SegmentPreview,
  type SegmentRemoveReport,
  type SegmentView,
} from '../../../../src/modules/segments/segments.contract';

export const segmentKeys = {
  all: ['segments'] as const,
  list: (q: Record<string, unknown>, cursor: string | null) => ['segments', 'list', q, cursor] as const,
  one: (id: string) => ['segments', 'one', id] as const,
  fields: (lang: string) => ['segments', 'fields', lang] as const,
  preview: (rule: string, lang: string) => ['segments', 'preview', rule, lang] as const,
  members: (id: string, cursor: string | null) => ['segments', 'members', id, cursor] as const,
  history: (id: string) => ['segments', 'history', id] as const,
  refresh: (id: string) => ['segments', 'refresh', id] as const,
};

export type SegmentQuery = { kind?: SegmentKind; deleted?: 'only' };

export function useSegments(q: SegmentQuery, limit: number) {
  return useKeysetPages<SegmentPage>({
    queryKey: (cursor) => segmentKeys.list(q, cursor),
    path: '/api/v1/segments',
    query: q,
    limit,
    resetKey: JSON.stringify(q),
  });
}

export function useSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<SegmentView>(`/api/v1/segments/${id}`, undefined, signal),
    enabled: !!id,
  });
}

/** The rule builder's fields (labelled in the UI language by the server). */
export function useSegmentFields() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: segmentKeys.fields(lang),
    queryFn: async ({ signal }) => (await api.get<SegmentFieldList>('/api/v1/segments/fields', undefined, signal)).items,
    staleTime: 60_000,
  });
}

export type FieldMap = Map<string, SegmentFieldItem>;

/** The live count and sample of a rule (null: nothing to count yet). The last answer stays while the next loads. */
export function usePreview(ruleJson: string | null) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: segmentKeys.preview(ruleJson ?? '', lang),
    queryFn: ({ signal }) => request<SegmentPreview>('POST', '/api/v1/segments/preview', { body: { rule: JSON.parse(ruleJson!) as unknown }, signal }),
    enabled: ruleJson !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
}

export function useMembers(id: string, limit: number) {
  return useKeysetPages<SegmentMemberPage>({
    queryKey: (cursor) => segmentKeys.members(id, cursor),
    path: `/api/v1/segments/${id}/members`,
    limit,
    resetKey: id,
  });
}

export function useHistory(id: string, days = 90) {
  return useQuery({
    queryKey: segmentKeys.history(id),
    queryFn: async ({ signal }) => (await api.get<SegmentHistory>(`/api/v1/segments/${id}/history`, { days }, signal)).items,
  });
}

const FINISHED: RefreshView['status'][] = ['done', 'failed', 'cancelled'];
export const refreshFinished = (r: RefreshView | undefined) => !!r && FINISHED.includes(r.status);

/** A refresh run, polled every second until it has finished. */
export function useRefreshRun(runId: string | null) {
  return useQuery({
    queryKey: segmentKeys.refresh(runId ?? ''),
    queryFn: ({ signal }) => api.get<RefreshView>(`/api/v1/segments/refreshes/${runId}`, undefined, signal),
    enabled: !!runId,
    refetchInterval: (q) => (refreshFinished(q.state.data) ? false : 1000),
  });
}

/** Choices for fields whose values are records (owner → users …): loaded only when a condition needs them. */
export type Choice = { value: string; label: string };

export function useChoices(source: SegmentFieldItem['optionsSource'] | undefined) {
  return useQuery({
    queryKey: ['segments', 'choices', source ?? ''],
    enabled: !!source,
    staleTime: 60_000,
    queryFn: async ({ signal }): Promise<Choice[]> => {
      switch (source) {
        case 'users':
          return (await api.get<{ items: { id: string; displayName: string }[] }>('/api/v1/users', undefined, signal)).items.map((u) => ({ value: u.id, label: u.displayName }));
        case 'teams':
          return (await api.get<{ items: { id: string; name: string }[] }>('/api/v1/teams', undefined, signal)).items.map((x) => ({ value: x.id, label: x.name }));
        case 'products':
          return (await api.get<{ items: { id: string; name: string }[] }>('/api/v1/products', undefined, signal)).items.map((x) => ({ value: x.id, label: x.name }));
        case 'segments':
          return (await api.get<SegmentPage>('/api/v1/segments', { limit: 100 }, signal)).items.map((x) => ({ value: x.id, label: x.name }));
        case 'tags':
          return (await api.get<{ items: { tag: string; count: number }[] }>('/api/v1/customers/tags', undefined, signal)).items.map((x) => ({ value: x.tag, label: x.tag }));
        default:
          return [];
      }
    },
  });
}

/** Customers found by name, phone or address (for adding to a static list). */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ['segments', 'customer-search', q],
    queryFn: async ({ signal }) =>
      (await api.get<{ items: { id: string; name: string; address?: { compound?: string | null } | null }[] }>('/api/v1/customers', { q, limit: 20 }, signal)).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
}

/**
 * Adds the customers of a file (one phone or customer number per line) to a static list. The file itself is the
 * body (no multipart), always sent as text/csv: the server reads the bytes (UTF-8 or GB18030) and refuses a workbook
 * with a message on `file`, whatever type the browser gave the file. The POST carries an Idempotency-Key (api.ts).
 */
export function importMembers(id: string, by: SegmentImportKey, file: Blob) {
  return api.upload<SegmentImportReport>(`/api/v1/segments/${id}/members/import`, { by }, new Blob([file], { type: 'text/csv' }));
}

/** Downloads a segment's current members as the customer list's CSV or workbook (needs customer:export). */
export function exportMembers(id: string, format: 'csv' | 'xlsx') {
  return download(`/api/v1/segments/${id}/members/export.${format}`, {}, `segment-members.${format}`);
}
