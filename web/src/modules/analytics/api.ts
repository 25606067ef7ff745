import { useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../platform/api';
import { useKeysetPages } from '../../platform/usePagedList';
import type {
  AnalyticsSettings,
  ChurnListView,
  ClvHistogramView,
  CustomerAnalyticsView,
  MatrixView,
  MovementView,
  RfmGridView,
  RunDetail,
  RunView,
  ScorecardInputView,
  TierDistributionView,
} from '../../../../src/modules/analytics/analytics.contract';

export type * from '../../../../src/modules/analytics/analytics.contract';
export {
  CHURN_LEVELS,
  INDICATOR_METRICS,
  QUADRANTS,
  RFM_GROUPS,
  RFM_GROUP_LABELS,
  VALUE_KINDS,
  VALUE_TIERS,
} from '../../../../src/modules/analytics/analytics.contract';

export const ANALYTICS_KEY = ['analytics'] as const;

export function useRuns() {
  return useQuery({
    queryKey: [...ANALYTICS_KEY, 'runs'],
    queryFn: () => api.get<{ items: RunView[] }>('/api/v1/analytics/runs?limit=30'),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 1000 : false),
  });
}

export const useRun = (id: string | null) =>
  useQuery({ queryKey: [...ANALYTICS_KEY, 'run', id], queryFn: () => api.get<RunDetail>(`/api/v1/analytics/runs/${id}`), enabled: !!id });

export const useRfm = () => useQuery({ queryKey: [...ANALYTICS_KEY, 'rfm'], queryFn: () => api.get<RfmGridView>('/api/v1/analytics/rfm') });
export const useTiers = () => useQuery({ queryKey: [...ANALYTICS_KEY, 'tiers'], queryFn: () => api.get<TierDistributionView>('/api/v1/analytics/tiers') });
export const useMatrix = () => useQuery({ queryKey: [...ANALYTICS_KEY, 'matrix'], queryFn: () => api.get<MatrixView>('/api/v1/analytics/matrix') });
export const useClvHistogram = () =>
  useQuery({ queryKey: [...ANALYTICS_KEY, 'clv'], queryFn: () => api.get<ClvHistogramView>('/api/v1/analytics/clv-histogram?buckets=20') });

export type ChurnFilters = { level?: string; tier?: string; sort: 'risk' | 'clv' | 'recency' | 'name'; order: 'asc' | 'desc' };
/** The churn list a page at a time (keyset, 上一页 / 下一页): back to the first page when the filters, sort or size change. */
export const useChurnPages = (filters: ChurnFilters, limit: number) =>
  useKeysetPages<ChurnListView>({
    queryKey: (cursor) => [...ANALYTICS_KEY, 'churn', filters, limit, cursor],
    path: '/api/v1/analytics/churn',
    query: filters,
    limit,
    resetKey: JSON.stringify([filters, limit]),
  });

export const useMovement = (from: string | null, to: string | null) =>
  useQuery({
    queryKey: [...ANALYTICS_KEY, 'movement', from, to],
    queryFn: () => api.get<MovementView>(withQuery('/api/v1/analytics/movement', { from: from!, to: to! })),
    enabled: !!from && !!to && from !== to,
  });

export const useAnalyticsSettings = () =>
  useQuery({ queryKey: [...ANALYTICS_KEY, 'settings'], queryFn: () => api.get<AnalyticsSettings>('/api/v1/analytics/settings') });
/** Other modules' metrics an indicator may use (metric `input`): the surveys' latest NPS …. */
export const useScorecardInputs = () =>
  useQuery({ queryKey: [...ANALYTICS_KEY, 'scorecard-inputs'], queryFn: () => api.get<{ items: ScorecardInputView[] }>('/api/v1/analytics/scorecard-inputs') });
export const saveSettings = (s: AnalyticsSettings) => api.put<AnalyticsSettings>('/api/v1/analytics/settings', s);
export const startRun = () => api.post<RunView>('/api/v1/analytics/runs', {});

export const useCustomerAnalytics = (id: string) =>
  useQuery({ queryKey: [...ANALYTICS_KEY, 'customer', id], queryFn: () => api.get<CustomerAnalyticsView>(`/api/v1/customers/${id}/analytics`) });
