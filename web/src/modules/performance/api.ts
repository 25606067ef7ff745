import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { PerformanceReport, PerformanceWeights, TrainingNoteList } from '../../../../src/modules/performance/performance.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  DEFAULT_WEIGHTS,
  KPI_BETTER,
  PERFORMANCE_KPIS,
  type PerformanceKpi,
  type PerformanceReport,
  type PerformanceRow,
  type PerformanceWeights,
  type TrainingNoteView,
} from '../../../../src/modules/performance/performance.contract';

/** The page's filters: a month (YYYY-MM) and optionally a team (with the teams below it). */
export type PerformanceFilter = { month: string; teamId?: string };

export const performanceKeys = {
  all: ['performance'] as const,
  report: (f: PerformanceFilter) => ['performance', 'report', f.month, f.teamId ?? null] as const,
  weights: ['performance', 'weights'] as const,
  notes: (userId: string) => ['performance', 'notes', userId] as const,
};

/** A month's KPIs per agent with the incentive score and rank, sorted best first by the server. */
export function usePerformance(f: PerformanceFilter) {
  return useQuery({
    queryKey: performanceKeys.report(f),
    queryFn: ({ signal }) => api.get<PerformanceReport>('/api/v1/performance', { month: f.month, teamId: f.teamId }, signal),
  });
}

/** The weights of the incentive score (for the 权重设置 dialog). */
export function usePerformanceWeights(enabled = true) {
  return useQuery({
    queryKey: performanceKeys.weights,
    queryFn: ({ signal }) => api.get<PerformanceWeights>('/api/v1/performance/weights', undefined, signal),
    enabled,
  });
}

/** A person's training notes, newest first. */
export function useTrainingNotes(userId: string | null) {
  return useQuery({
    queryKey: performanceKeys.notes(userId ?? ''),
    queryFn: async ({ signal }) => (await api.get<TrainingNoteList>('/api/v1/performance/notes', { userId: userId ?? '' }, signal)).items,
    enabled: !!userId,
  });
}
