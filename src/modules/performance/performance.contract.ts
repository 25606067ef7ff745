/**
 * What the team-performance API (团队绩效, issue #17) returns, shared with the web UI. Types and constants only, no imports.
 *
 * A month's KPIs per agent — the ticket report's measures of the tickets created that month and assigned to them
 * (tickets, first-response and resolution medians and p90 in business hours, SLA compliance, reopen rate, satisfaction
 * after tickets), and the return visits due that month done on time — and a weighted incentive score: each KPI
 * ranked among the agents compared (a percentile, 0–100, the better the higher), weighted by the manager's weights.
 */

/** The KPIs that carry a weight in the incentive score, and which way is better. */
export const PERFORMANCE_KPIS = ['tickets', 'firstResponse', 'resolution', 'sla', 'satisfaction', 'returnVisits'] as const;
export type PerformanceKpi = (typeof PERFORMANCE_KPIS)[number];
export const KPI_BETTER: Record<PerformanceKpi, 'higher' | 'lower'> = {
  tickets: 'higher',
  firstResponse: 'lower',
  resolution: 'lower',
  sla: 'higher',
  satisfaction: 'higher',
  returnVisits: 'higher',
};

/** Weights 0–100 per KPI (they need not add up to 100: the score divides by the sum of the weights used). */
export type PerformanceWeights = Record<PerformanceKpi, number>;
export const DEFAULT_WEIGHTS: PerformanceWeights = { tickets: 20, firstResponse: 15, resolution: 15, sla: 20, satisfaction: 20, returnVisits: 10 };

export type PerformanceRow = {
  user: { id: string; name: string };
  team: { id: string; name: string } | null;
  tickets: number;
  firstResponseMedianHours: number | null;
  firstResponseP90Hours: number | null;
  resolutionMedianHours: number | null;
  resolutionP90Hours: number | null;
  /** Percent (0–100). */
  slaCompliance: number | null;
  reopenRate: number | null;
  satisfactionAvg: number | null;
  ratings: number;
  returnVisitsDue: number;
  returnVisitsOnTime: number;
  /** Percent of the return visits due that were done on time. */
  returnVisitOnTimeRate: number | null;
  /** Each KPI's percentile among the agents compared (null: not measured for this agent). */
  parts: Record<PerformanceKpi, number | null>;
  /** The weighted incentive score, 0–100 (null: no KPI measured). */
  score: number | null;
  /** 1 = best score; agents without a score come last, unranked. */
  rank: number | null;
};

export type PerformanceReport = { month: string; from: string; to: string; teamId: string | null; weights: PerformanceWeights; rows: PerformanceRow[] };

export type TrainingNoteView = { id: string; userId: string; note: string; author: { id: string; name: string } | null; createdAt: string };
export type TrainingNoteList = { items: TrainingNoteView[] };
