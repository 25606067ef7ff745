import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { GoalDetail, GoalList, GoalMetricList } from '../../../../src/modules/goals/goals.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  GOAL_LIMITS,
  GOAL_OWNER_KINDS,
  GOAL_PERIOD_KINDS,
  GOAL_TARGET_KINDS,
  type GoalCatalogueMetric,
  type GoalDetail,
  type GoalMetricView,
  type GoalOwnerKind,
  type GoalPeriodKind,
  type GoalProgress,
  type GoalSnapshotView,
  type GoalStatus,
  type GoalTargetKind,
  type GoalUnit,
  type GoalView,
} from '../../../../src/modules/goals/goals.contract';

/** The list's tabs: the period includes today, is ahead, is over; or the removed goals (any period). */
export const GOAL_TABS = ['current', 'upcoming', 'past', 'deleted'] as const;
export type GoalTab = (typeof GOAL_TABS)[number];

export const goalKeys = {
  all: ['goals'] as const,
  list: (tab: GoalTab) => ['goals', 'list', tab] as const,
  one: (id: string) => ['goals', 'one', id] as const,
  metrics: ['goals', 'metrics'] as const,
};

/** The goals of a tab, each with its progress computed now by the server. */
export function useGoals(tab: GoalTab) {
  return useQuery({
    queryKey: goalKeys.list(tab),
    queryFn: async ({ signal }) =>
      (await api.get<GoalList>('/api/v1/goals', tab === 'deleted' ? { when: 'all', deleted: 'only' } : { when: tab }, signal)).items,
  });
}

/** A goal with its daily history; the live figures refresh every minute while shown. */
export function useGoal(id: string) {
  return useQuery({
    queryKey: goalKeys.one(id),
    queryFn: ({ signal }) => api.get<GoalDetail>(`/api/v1/goals/${id}`, undefined, signal),
    enabled: !!id,
    refetchInterval: 60_000,
  });
}

/** The metrics the user may set goals on (labelled in the UI language by the server). */
export function useGoalMetrics(enabled = true) {
  return useQuery({
    queryKey: goalKeys.metrics,
    queryFn: async ({ signal }) => (await api.get<GoalMetricList>('/api/v1/goals/metrics', undefined, signal)).items,
    enabled,
    staleTime: 5 * 60_000,
  });
}
