/**
 * What the goals API (目标管理, issue #17) returns, shared with the web UI. Types and constants only, and no imports, so
 * the browser build can compile this file as it is.
 *
 * A goal is a metric from the catalogue (each module registers its own), a target, a period and an owner (the company,
 * a team, or a person). Its progress is computed from the data whenever it is read; its forecast extrapolates the pace
 * to the period's end; its status says whether the forecast (or, once the period ended, the value) meets the target;
 * its history is one snapshot per day, written by the goals clock.
 */

/** Who a goal is for: the company's figures, a team's (its customers and tickets, sub-teams included), a person's. */
export const GOAL_OWNER_KINDS = ['company', 'team', 'user'] as const;
export type GoalOwnerKind = (typeof GOAL_OWNER_KINDS)[number];

/** How a period is chosen: a calendar month, quarter or year (company time zone), or any range of days. */
export const GOAL_PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export type GoalPeriodKind = (typeof GOAL_PERIOD_KINDS)[number];

/** `value`: reach this figure; `change`: change the figure by this percentage against the same period a year earlier. */
export const GOAL_TARGET_KINDS = ['value', 'change'] as const;
export type GoalTargetKind = (typeof GOAL_TARGET_KINDS)[number];

/**
 * not_started: the period is ahead; on_track / at_risk: the forecast meets the target, or not; achieved / missed: the
 * period is over and the value met the target, or not; no_data: nothing to measure yet (no answers, no baseline).
 */
export const GOAL_STATUSES = ['not_started', 'on_track', 'at_risk', 'achieved', 'missed', 'no_data'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** How a figure reads (as on the home page): a count, money in fen, a percentage (0–100), a score, hours. */
export const GOAL_UNITS = ['count', 'fen', 'percent', 'score', 'hours'] as const;
export type GoalUnit = (typeof GOAL_UNITS)[number];

/**
 * How the forecast is made: `pace` — the figure grows through the period (a count, a sum, a rate whose numerator
 * accumulates), so the value so far is scaled by the whole period over the time elapsed; `level` — the figure is an
 * average or a share, and the value so far is the forecast.
 */
export const GOAL_FORECASTS = ['pace', 'level'] as const;
export type GoalForecast = (typeof GOAL_FORECASTS)[number];

export const GOAL_LIMITS = { name: 100, description: 1000, target: 1e12, change: 1000, param: 100 } as const;

/**
 * What a metric's parameter names, when it takes one (a goal on such a metric stores the chosen value as its
 * `metricParam`): `segment` — a 客户细分 (its id), e.g. the member count of one segment.
 */
export const GOAL_PARAM_KINDS = ['segment'] as const;
export type GoalParamKind = (typeof GOAL_PARAM_KINDS)[number];

/** One choice of a metric's parameter: the stored value and what the form shows. */
export type GoalParamOption = { value: string; label: string };

/** A metric's parameter: its kind and its name in the form (e.g. 客户细分). */
export type GoalMetricParamView = { kind: GoalParamKind; label: string };

/** One metric of the catalogue, as the goal form offers it. */
export type GoalMetricView = {
  key: string;
  label: string;
  description: string;
  unit: GoalUnit;
  /** Which way is better. */
  better: 'higher' | 'lower';
  forecast: GoalForecast;
  owners: GoalOwnerKind[];
  /** The parameter a goal on it must choose (null: none). */
  param: GoalMetricParamView | null;
};
/** A metric as the catalogue (the goal form) lists it: its parameter with the choices the user may pick. */
export type GoalCatalogueMetric = Omit<GoalMetricView, 'param'> & { param: (GoalMetricParamView & { options: GoalParamOption[] }) | null };
export type GoalMetricList = { items: GoalCatalogueMetric[] };

export type GoalRef = { id: string; name: string };

/** The figures of a goal at a moment. `target` is the figure to reach (for a `change` goal: the baseline moved by it). */
export type GoalProgress = {
  /** The figure from the period's start to now (or to its end). */
  value: number | null;
  target: number | null;
  /** For `change` goals: the same period a year earlier. */
  baseline: number | null;
  forecast: number | null;
  /** How much of the period has passed, 0–1. */
  elapsed: number;
  /** How far the value is toward the target, in the metric's direction (higher: value ÷ target; lower: target ÷ value), percent. */
  attainment: number | null;
  status: GoalStatus;
  /** Where the records behind the figure are listed (null when no list shows them). */
  link: string | null;
  asOf: string;
};

export type GoalView = {
  id: string;
  name: string;
  description: string | null;
  metric: GoalMetricView;
  /** The metric's parameter (e.g. the segment's id), null for a metric without one. */
  metricParam: string | null;
  /** What it names (e.g. the segment's name; a removed segment's still), null without a parameter or when unknown. */
  metricParamLabel: string | null;
  targetKind: GoalTargetKind;
  /** The figure (value goals) or the percentage change (change goals, e.g. −30). */
  targetValue: number;
  periodKind: GoalPeriodKind;
  /** Inclusive calendar days in the company's time zone. */
  periodStart: string;
  periodEnd: string;
  ownerKind: GoalOwnerKind;
  owner: GoalRef | null;
  createdBy: GoalRef | null;
  createdAt: string;
  updatedAt: string;
  /** Set when the goal was removed (it can be restored). */
  deletedAt: string | null;
  progress: GoalProgress;
};
export type GoalList = { items: GoalView[] };

/** One day of a goal's history: the figure as of that day's end. */
export type GoalSnapshotView = { day: string; value: number | null; forecast: number | null; target: number | null; status: GoalStatus };
export type GoalDetail = GoalView & { history: GoalSnapshotView[] };
