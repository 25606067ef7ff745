import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type {
  DuplicatePolicy,
  ImportFieldView,
  ImportJobView,
  ImportKind,
  ImportOptions,
  ImportPreview,
  ImportRejectView,
  ImportStatus,
} from '../../../../src/modules/imports/imports.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export { DUPLICATE_POLICIES, IMPORT_KINDS } from '../../../../src/modules/imports/imports.contract';
export type { DuplicatePolicy, ImportFieldView, ImportJobView, ImportKind, ImportOptions, ImportPreview, ImportRejectView, ImportStatus };

export type StartImport = { mapping: Record<string, string>; options: Partial<ImportOptions>; saveTemplateAs?: string | null };

/** How often a queued or running import is asked for its progress. */
const POLL_MS = 500;
const REJECTS_PAGE = 100;

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  job: (id: string) => ['imports', 'job', id] as const,
  rejects: (id: string) => ['imports', 'rejects', id] as const,
};

export const isActive = (s: ImportStatus): boolean => s === 'queued' || s === 'running';
export const isFinished = (s: ImportStatus): boolean => s === 'done' || s === 'failed' || s === 'cancelled' || s === 'expired';

/** Sends the file itself as the request body; the answer is the first rows and a suggested mapping. */
export function uploadImport(kind: ImportKind, file: File): Promise<ImportPreview> {
  return api.upload<ImportPreview>('/api/v1/imports', { kind, fileName: file.name }, file);
}

export const startImport = (id: string, body: StartImport) => api.post<ImportJobView>(`/api/v1/imports/${id}/start`, body);
export const cancelImport = (id: string) => api.post<ImportJobView>(`/api/v1/imports/${id}/cancel`);
export const reportPath = (id: string) => `/api/v1/imports/${id}/report.xlsx`;

/** One import, asked again every half second while it is queued or running. */
export function useImportJob(id: string) {
  return useQuery({
    queryKey: importKeys.job(id),
    queryFn: ({ signal }) => api.get<ImportJobView>(`/api/v1/imports/${id}`, undefined, signal),
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? POLL_MS : false),
    refetchIntervalInBackground: true,
  });
}

/** The recent imports; refreshed every few seconds while one of them is still going. */
export function useRecentImports() {
  return useQuery({
    queryKey: importKeys.list,
    queryFn: async ({ signal }) => (await api.get<{ items: ImportJobView[] }>('/api/v1/imports', { limit: 20 }, signal)).items,
    refetchInterval: (q) => (q.state.data?.some((j) => isActive(j.status)) ? 3000 : false),
  });
}

/** The rejected rows of an import, a page at a time (keyset on the row number). */
export function useImportRejects(id: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: importKeys.rejects(id),
    queryFn: ({ pageParam, signal }) =>
      api.get<{ items: ImportRejectView[]; nextAfterRow: number | null }>(`/api/v1/imports/${id}/rejects`, { afterRow: pageParam, limit: REJECTS_PAGE }, signal),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextAfterRow,
    enabled,
  });
}
