import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { CoverageReport, PlanView, RuleView } from '../../../../src/modules/care/care.contract';

// The server's own definitions (plain constants and types, no imports).
export {
  CARE_TIERS,
  CUSTOMER_STAGES,
  LUNAR_FESTIVALS,
  OCCASIONS,
  PLAN_KINDS,
  SOLAR_FESTIVALS,
  type CareAction,
  type CareAudience,
  type CareTier,
  type CoverageReport,
  type CoverageRow,
  type Occasion,
  type OverdueItem,
  type PlanKind,
  type PlanView,
  type PreviewItem,
  type RulePreview,
  type RuleView,
  type RunSummary,
} from '../../../../src/modules/care/care.contract';

export const careKeys = {
  all: ['care'] as const,
  plans: ['care', 'plans'] as const,
  rules: ['care', 'rules'] as const,
  coverage: (f: CoverageFilters) => ['care', 'coverage', f.planId, f.ownerId, f.teamId] as const,
};

export function usePlans() {
  return useQuery({ queryKey: careKeys.plans, queryFn: async ({ signal }) => (await api.get<{ items: PlanView[] }>('/api/v1/care/plans', undefined, signal)).items });
}

export function useRules() {
  return useQuery({ queryKey: careKeys.rules, queryFn: async ({ signal }) => (await api.get<{ items: RuleView[] }>('/api/v1/care/rules', undefined, signal)).items });
}

/** The coverage report's filters; '' = all. A team includes the teams below it. */
export type CoverageFilters = { planId: string; ownerId: string; teamId: string };

export function useCoverage(f: CoverageFilters) {
  return useQuery({
    queryKey: careKeys.coverage(f),
    queryFn: ({ signal }) =>
      api.get<CoverageReport>('/api/v1/care/coverage', { planId: f.planId || undefined, ownerId: f.ownerId || undefined, teamId: f.teamId || undefined }, signal),
  });
}

/** After a change or a run: plans, rules, coverage and everyone's tasks. */
export function useRefreshCare() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: careKeys.all });
    void qc.invalidateQueries({ queryKey: ['tasks'] });
  };
}
