/**
 * The catalogue of goal metrics, filled by the modules at start (src/app.ts registers each module's exported metrics,
 * as it does dashboard tiles): the goals module knows no other module's data. A metric computes its figure over a
 * time range for an owner, given as a data scope — the company (`all`), a team (its customers and tickets, sub-teams
 * included) or a person (what they own or are assigned) — which the module applies as it does for its own lists.
 *
 * And the arithmetic of a goal, kept here as pure functions so that the tests check it against hand-computed values:
 * the effective target, the pace forecast, attainment and status.
 */
import type { DataScope } from '../../platform/auth/access.js';
import type { Actor, Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { Locale } from '../../platform/i18n/index.js';
import type { GoalForecast, GoalOwnerKind, GoalParamKind, GoalParamOption, GoalStatus, GoalTargetKind, GoalUnit } from './goals.contract.js';

/**
 * What a metric is given: the instants [from, to), the owner as a data scope, the company's zone, now, and the goal's
 * parameter (`param`: for a metric with one, the goal's chosen value; null or absent otherwise — a caller measuring
 * parameterless metrics, such as the reports, need not pass it).
 */
export type GoalMetricContext = { db: DbOrTx; from: Date; to: Date; scope: DataScope; zone: string; now: Date; param?: string | null };

/**
 * A metric's parameter: what a goal on it must choose (a segment for `segments.size`). The registering module owns
 * the values — the goals module stores the chosen one (`goals.metric_param`) and asks the metric about it.
 */
export type GoalMetricParamDef = {
  kind: GoalParamKind;
  /** Its name in the goal form, e.g. 客户细分. */
  label: (locale: Locale) => string;
  /** The choices the actor may pick from, in display order (the catalogue lists them for the form). */
  options(db: DbOrTx, actor: Actor): Promise<GoalParamOption[]>;
  /** Whether `value` may be chosen now (it exists and is live; any text may arrive, so no query may fail on it). */
  check(db: DbOrTx, value: string): Promise<boolean>;
  /** What a stored value names — also one removed since, so an old goal still reads — or null when unknown. */
  labelOf(db: DbOrTx, value: string, locale: Locale): Promise<string | null>;
};

export type GoalMetricDef = {
  /** Stable and unique: `<module>.<name>` (stored in each goal). */
  key: string;
  label: (locale: Locale) => string;
  description: (locale: Locale) => string;
  unit: GoalUnit;
  better: 'higher' | 'lower';
  forecast: GoalForecast;
  /** The owners it can be measured for (a company-only figure such as a campaign's uplift has just `company`). */
  owners: readonly GoalOwnerKind[];
  /** Needed to set a goal on it (seeing a goal needs only goal:read: the figure is the goal's, shared with its owner). */
  permission: Permission;
  /** The figure over [from, to) for the scope; null when there is nothing to measure (no answers, no tickets). */
  compute(ctx: GoalMetricContext): Promise<number | null>;
  /** The parameter a goal on it must choose; absent: the metric takes none (and a goal giving one is refused). */
  param?: GoalMetricParamDef;
  /** The list the records behind the figure are in (the web app's path with filters), if any; of the parameter for a metric with one. */
  link?: string | ((param: string) => string);
};

/** The drill link of a goal on `metric` with `param`. */
export function linkOf(metric: GoalMetricDef | undefined, param: string | null): string | null {
  if (!metric?.link) return null;
  if (typeof metric.link === 'string') return metric.link;
  return param === null ? null : metric.link(param);
}

const metrics = new Map<string, GoalMetricDef>();

export function registerGoalMetric(metric: GoalMetricDef): void {
  if (metrics.has(metric.key)) throw new Error(`goal metric ${metric.key} is registered twice`);
  metrics.set(metric.key, metric);
}

export function goalMetric(key: string): GoalMetricDef | undefined {
  return metrics.get(key);
}

/** The catalogue in a stable order. */
export function goalMetrics(): GoalMetricDef[] {
  return [...metrics.values()].sort((a, b) => a.key.localeCompare(b.key));
}

// ---- the arithmetic of a goal ----------------------------------------------------------------------------------------

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The figure to reach: the target itself, or (a change goal) the baseline moved by the target percentage. A baseline of
 * nothing or zero gives no target: a percentage change on zero is undefined (a new installation has no last year).
 */
export function effectiveTarget(kind: GoalTargetKind, targetValue: number, baseline: number | null): number | null {
  if (kind === 'value') return targetValue;
  if (baseline === null || baseline === 0) return null;
  return round(baseline * (1 + targetValue / 100));
}

/**
 * The figure expected at the period's end. `pace`: the value so far scaled by the whole period over the part elapsed
 * (a count of 12 after 10 of 30 days forecasts 36); `level`: the value so far. Nothing elapsed yet: no forecast.
 */
export function forecastOf(mode: GoalForecast, value: number | null, elapsed: number): number | null {
  if (value === null) return null;
  if (mode === 'level' || elapsed >= 1) return value;
  if (elapsed <= 0) return null;
  return round(value / elapsed);
}

/** Whether `x` meets `target` in the metric's direction. */
export function meets(better: 'higher' | 'lower', x: number, target: number): boolean {
  return better === 'higher' ? x >= target : x <= target;
}

/** How far `value` is toward `target`, percent (higher: value ÷ target; lower: target ÷ value); null when undefined. */
export function attainmentOf(better: 'higher' | 'lower', value: number | null, target: number | null): number | null {
  if (value === null || target === null) return null;
  if (better === 'higher') return target === 0 ? (value >= 0 ? 100 : 0) : round((value / target) * 100, 1);
  if (value === 0) return 100;
  return round((Math.max(target, 0) / value) * 100, 1);
}

export function statusOf(opts: {
  better: 'higher' | 'lower';
  elapsed: number;
  value: number | null;
  forecast: number | null;
  target: number | null;
}): GoalStatus {
  const { better, elapsed, value, forecast, target } = opts;
  if (elapsed <= 0) return 'not_started';
  if (value === null || target === null) return 'no_data';
  if (elapsed >= 1) return meets(better, value, target) ? 'achieved' : 'missed';
  return forecast !== null && meets(better, forecast, target) ? 'on_track' : 'at_risk';
}
