/**
 * Goals (目标管理, issue #17): set, read, change and remove goals; their progress computed from the data whenever they
 * are read; their daily history written by the goals clock (snapshotGoals); the heating template's seeded goals.
 *
 * Who sees a goal: goal:read, and then every goal for a data scope of `all`; otherwise the company's goals, those of
 * the user's team (with `team` scope: of every team it reaches) and the user's own (with `team` scope: those of the
 * people of its teams too). The figures of a goal are the goal's — shared with its owner — so seeing one needs no
 * permission on the data behind it; setting one needs goal:manage, the metric's own permission, and an owner within
 * the user's reach (a company goal needs scope `all`).
 */
import { dataScopeOf, NO_USER, type DataScope } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { daysBetween, startOfDay } from '../../platform/time.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { findTeam, findUserById, teamAndDescendants } from '../accounts/index.js';
import { companyClock, readSetting } from '../settings/index.js';
import type { GoalDetail, GoalList, GoalMetricList, GoalMetricView, GoalPeriodKind, GoalProgress, GoalView } from './goals.contract.js';
import * as repo from './goals.repository.js';
import type { CreateGoalInput, GoalListQuery, UpdateGoalInput } from './goals.types.js';
import { attainmentOf, effectiveTarget, forecastOf, goalMetric, goalMetrics, linkOf, statusOf, type GoalMetricDef } from './metrics.js';

const DAY = 86_400_000;
/** The longest custom period, in days. */
export const MAX_PERIOD_DAYS = 1100;

// ---- periods ---------------------------------------------------------------------------------------------------------

const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const parts = (day: string) => day.split('-').map(Number) as [number, number, number];

/** The calendar period of `kind` containing `day`, or [day, end] for custom (end required, not before day, bounded). */
export function resolvePeriod(kind: GoalPeriodKind, day: string, end?: string | null): { start: string; end: string } {
  const [y, m] = parts(day);
  if (kind === 'month') return { start: ymd(y, m, 1), end: ymd(y, m + 1, 0) };
  if (kind === 'quarter') {
    const q = Math.floor((m - 1) / 3) * 3 + 1;
    return { start: ymd(y, q, 1), end: ymd(y, q + 3, 0) };
  }
  if (kind === 'year') return { start: ymd(y, 1, 1), end: ymd(y, 12, 31) };
  if (!end) throw AppError.field('periodEnd', 'goals.period_end_required');
  if (end < day) throw AppError.field('periodEnd', 'goals.period_order');
  if ((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY + 1 > MAX_PERIOD_DAYS) {
    throw AppError.field('periodEnd', 'goals.period_too_long', { max: MAX_PERIOD_DAYS });
  }
  return { start: day, end };
}

const yearEarlier = (day: string) => {
  const [y, m, d] = parts(day);
  return ymd(y - 1, m, d);
};

// ---- visibility and owners -------------------------------------------------------------------------------------------

function visibilityOf(actor: Actor): repo.GoalVisibility {
  const scope = dataScopeOf(actor);
  if (scope.kind === 'all') return { kind: 'all' };
  const userId = actor.userId ?? NO_USER;
  if (scope.kind === 'team') return { kind: 'some', teamIds: scope.teamIds, userId, userTeamIds: scope.teamIds };
  return { kind: 'some', teamIds: actor.teamId ? [actor.teamId] : [], userId, userTeamIds: [] };
}

/** What a goal's figures cover, as a data scope: everything, a team and its sub-teams, or a person's own. */
async function ownerScope(db: DbOrTx, g: repo.GoalRow): Promise<DataScope> {
  if (g.ownerKind === 'team' && g.ownerTeamId) return { kind: 'team', userId: NO_USER, teamIds: await teamAndDescendants(db, g.ownerTeamId) };
  if (g.ownerKind === 'user' && g.ownerUserId) return { kind: 'own', userId: g.ownerUserId };
  return { kind: 'all' };
}

/** The owner of a new goal: it exists, the metric can be measured for it, and the actor reaches it. */
async function checkOwner(db: DbOrTx, actor: Actor, metric: GoalMetricDef, kind: CreateGoalInput['ownerKind'], ownerId: string | undefined) {
  if (!metric.owners.includes(kind)) throw AppError.field('ownerKind', 'goals.owner_unsupported');
  const scope = dataScopeOf(actor);
  if (kind === 'company') {
    if (ownerId) throw AppError.field('ownerId', 'goals.owner_not_for_company');
    if (scope.kind !== 'all') throw AppError.forbidden('goals.company_forbidden');
    return { ownerTeamId: null, ownerUserId: null };
  }
  if (!ownerId) throw AppError.field('ownerId', 'goals.owner_required');
  if (kind === 'team') {
    if (!(await findTeam(db, ownerId))) throw AppError.field('ownerId', 'goals.team_not_found');
    if (scope.kind !== 'all' && !(scope.kind === 'team' && scope.teamIds.includes(ownerId))) throw AppError.forbidden('goals.owner_forbidden');
    return { ownerTeamId: ownerId, ownerUserId: null };
  }
  const user = await findUserById(db, ownerId);
  if (!user || !user.active) throw AppError.field('ownerId', 'goals.user_not_found');
  const reached = scope.kind === 'all' || ownerId === actor.userId || (scope.kind === 'team' && !!user.teamId && scope.teamIds.includes(user.teamId));
  if (!reached) throw AppError.forbidden('goals.owner_forbidden');
  return { ownerTeamId: null, ownerUserId: ownerId };
}

function metricOf(key: string): GoalMetricDef {
  const m = goalMetric(key);
  if (!m) throw AppError.field('metric', 'goals.metric_unknown', { value: key });
  return m;
}

/**
 * The parameter of a goal on `metric`: required when the metric takes one, and then one it accepts now (a live
 * segment); refused when it takes none. Each refusal is a 400 on `metricParam`, before anything is written.
 */
async function checkParam(db: DbOrTx, metric: GoalMetricDef, value: string | null | undefined): Promise<string | null> {
  const given = value === undefined || value === null ? null : value;
  if (!metric.param) {
    if (given !== null) throw AppError.field('metricParam', 'goals.param_not_taken');
    return null;
  }
  if (given === null) throw AppError.field('metricParam', 'goals.param_required');
  if (!(await metric.param.check(db, given))) throw AppError.field('metricParam', 'goals.param_unknown', { value: given });
  return given;
}

// ---- progress --------------------------------------------------------------------------------------------------------

/** The figures of a goal at `now`: value from the period's start to now (or its end), target, forecast, status. */
export async function goalProgress(db: DbOrTx, g: repo.GoalRow, zone: string, now: Date): Promise<GoalProgress> {
  const metric = goalMetric(g.metric);
  const { from, to } = daysBetween(zone, g.periodStart, g.periodEnd);
  const elapsed = Math.min(1, Math.max(0, (now.getTime() - from.getTime()) / (to.getTime() - from.getTime())));
  const param = g.metricParam;
  const base = { value: null, target: g.targetKind === 'value' ? g.targetValue : null, baseline: null, forecast: null, elapsed, attainment: null, link: linkOf(metric, param), asOf: now.toISOString() };
  if (elapsed <= 0) return { ...base, status: 'not_started' };
  if (!metric || (metric.param && param === null)) return { ...base, status: 'no_data' };
  const scope = await ownerScope(db, g);
  const until = now < to ? now : to;
  const value = await metric.compute({ db, from, to: until, scope, zone, now, param });
  let baseline: number | null = null;
  if (g.targetKind === 'change') {
    const before = daysBetween(zone, yearEarlier(g.periodStart), yearEarlier(g.periodEnd));
    baseline = await metric.compute({ db, from: before.from, to: before.to, scope, zone, now, param });
  }
  const target = effectiveTarget(g.targetKind, g.targetValue, baseline);
  const forecast = forecastOf(metric.forecast, value, elapsed);
  return {
    ...base,
    value,
    target,
    baseline,
    forecast,
    attainment: attainmentOf(metric.better, elapsed >= 1 ? value : forecast, target),
    status: statusOf({ better: metric.better, elapsed, value, forecast, target }),
  };
}

// ---- views -----------------------------------------------------------------------------------------------------------

function metricView(m: GoalMetricDef | undefined, key: string, locale: Locale): GoalMetricView {
  if (!m) return { key, label: key, description: '', unit: 'count', better: 'higher', forecast: 'level', owners: [], param: null };
  return {
    key: m.key,
    label: m.label(locale),
    description: m.description(locale),
    unit: m.unit,
    better: m.better,
    forecast: m.forecast,
    owners: [...m.owners],
    param: m.param ? { kind: m.param.kind, label: m.param.label(locale) } : null,
  };
}

async function viewOf(db: DbOrTx, r: repo.GoalWithNames, locale: Locale, zone: string, now: Date): Promise<GoalView> {
  const g = r.goal;
  const owner = g.ownerKind === 'team' && g.ownerTeamId ? { id: g.ownerTeamId, name: r.teamName ?? '' } : g.ownerKind === 'user' && g.ownerUserId ? { id: g.ownerUserId, name: r.userName ?? '' } : null;
  const metric = goalMetric(g.metric);
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    metric: metricView(metric, g.metric, locale),
    metricParam: g.metricParam,
    metricParamLabel: g.metricParam !== null && metric?.param ? await metric.param.labelOf(db, g.metricParam, locale) : null,
    targetKind: g.targetKind,
    targetValue: g.targetValue,
    periodKind: g.periodKind,
    periodStart: g.periodStart,
    periodEnd: g.periodEnd,
    ownerKind: g.ownerKind,
    owner,
    createdBy: g.createdBy ? { id: g.createdBy, name: r.creatorName ?? '' } : null,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
    deletedAt: g.deletedAt?.toISOString() ?? null,
    progress: await goalProgress(db, g, zone, now),
  };
}

// ---- use cases -------------------------------------------------------------------------------------------------------

/** The metrics the actor may set goals on (GET /goals/metrics), each parameter with the choices the actor may pick. */
export async function goalMetricCatalogue(db: DbOrTx, actor: Actor | null): Promise<GoalMetricList> {
  requireAccess(actor, 'goal:read');
  const items: GoalMetricList['items'] = [];
  for (const m of goalMetrics().filter((x) => actor.permissions.has(x.permission))) {
    const view = metricView(m, m.key, actor.locale);
    items.push({ ...view, param: m.param && view.param ? { ...view.param, options: await m.param.options(db, actor) } : null });
  }
  return { items };
}

/** The goals the actor sees, progress computed for each; `only` narrows them in the query (a report's metrics and days). */
export async function listGoalViews(
  db: DbOrTx,
  actor: Actor | null,
  q: GoalListQuery & { only?: { metrics: readonly string[]; start: string; end: string } },
  now = new Date(),
): Promise<GoalList> {
  requireAccess(actor, 'goal:read');
  if (q.only && !q.only.metrics.length) return { items: [] };
  const { zone, today } = await companyClock(db, now);
  const rows = await repo.listGoals(db, { visibility: visibilityOf(actor), when: q.when, today, ownerKind: q.ownerKind, deleted: q.deleted, only: q.only });
  const items: GoalView[] = [];
  for (const r of rows) {
    // Each goal's progress is a few statements over its period; a turn between goals lets other requests in on the
    // embedded database's one thread and connection.
    if (items.length) await yieldToEventLoop();
    items.push(await viewOf(db, r, actor.locale, zone, now));
  }
  return { items };
}

async function loadVisible(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<repo.GoalWithNames> {
  const r = await repo.findGoal(db, id, visibilityOf(actor), lock);
  if (!r) throw AppError.notFound('goals.not_found');
  return r;
}

export async function getGoal(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<GoalDetail> {
  requireAccess(actor, 'goal:read');
  const r = await loadVisible(db, actor, id);
  const { zone } = await companyClock(db, now);
  const view = await viewOf(db, r, actor.locale, zone, now);
  const history = (await repo.snapshotsOf(db, id)).map((s) => ({ day: s.day, value: s.value, forecast: s.forecast, target: s.target, status: s.status }));
  return { ...view, history };
}

export async function createGoal(db: DbOrTx, actor: Actor | null, input: CreateGoalInput, now = new Date()): Promise<GoalDetail> {
  requireAccess(actor, 'goal:manage');
  const metric = metricOf(input.metric);
  if (!actor.permissions.has(metric.permission)) throw AppError.forbidden('goals.metric_forbidden');
  const metricParam = await checkParam(db, metric, input.metricParam);
  const owner = await checkOwner(db, actor, metric, input.ownerKind, input.ownerId);
  const period = resolvePeriod(input.periodKind, input.periodStart, input.periodEnd);
  const row = await repo.insertGoal(db, {
    name: input.name,
    description: input.description ?? null,
    metric: metric.key,
    metricParam,
    targetKind: input.targetKind,
    targetValue: input.targetValue,
    periodKind: input.periodKind,
    periodStart: period.start,
    periodEnd: period.end,
    ownerKind: input.ownerKind,
    ...owner,
    createdBy: actor.userId,
  });
  return getGoal(db, actor, row.id, now);
}

export async function updateGoal(db: DbOrTx, actor: Actor | null, id: string, input: UpdateGoalInput, now = new Date()): Promise<GoalDetail> {
  requireAccess(actor, 'goal:manage');
  const { goal } = await loadVisible(db, actor, id, true);
  if (goal.deletedAt) throw AppError.conflict('goals.deleted');
  // A new parameter is checked as on creation (against the goal's metric; a metric no longer registered takes none).
  const metricParam = input.metricParam === undefined ? goal.metricParam : await checkParam(db, goalMetric(goal.metric) ?? metricOf(goal.metric), input.metricParam);
  const kind = input.periodKind ?? goal.periodKind;
  const start = input.periodStart ?? goal.periodStart;
  const end = input.periodEnd ?? (kind === 'custom' ? goal.periodEnd : null);
  const period = input.periodKind || input.periodStart || input.periodEnd ? resolvePeriod(kind, start, end) : { start: goal.periodStart, end: goal.periodEnd };
  const values = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.targetKind !== undefined ? { targetKind: input.targetKind } : {}),
    ...(input.targetValue !== undefined ? { targetValue: input.targetValue } : {}),
    metricParam,
    periodKind: kind,
    periodStart: period.start,
    periodEnd: period.end,
  };
  await repo.updateGoal(db, id, values);
  // The history was measured against the old target, period or parameter: the clock writes it again.
  const changed =
    metricParam !== goal.metricParam ||
    period.start !== goal.periodStart || period.end !== goal.periodEnd || (values.targetKind ?? goal.targetKind) !== goal.targetKind || (values.targetValue ?? goal.targetValue) !== goal.targetValue;
  if (changed) await repo.clearSnapshots(db, id);
  return getGoal(db, actor, id, now);
}

export async function deleteGoal(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'goal:manage');
  const { goal } = await loadVisible(db, actor, id, true);
  if (!goal.deletedAt) await repo.updateGoal(db, id, { deletedAt: new Date() });
}

export async function restoreGoal(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<GoalDetail> {
  requireAccess(actor, 'goal:manage');
  const { goal } = await loadVisible(db, actor, id, true);
  if (!goal.deletedAt) throw AppError.conflict('goals.not_deleted');
  await repo.updateGoal(db, id, { deletedAt: null });
  return getGoal(db, actor, id, now);
}

// ---- the clock: daily history ------------------------------------------------------------------------------------------

/**
 * Writes the missing daily snapshots of live goals — each day of the period so far, up to yesterday (company zone):
 * the figures as of that day's end — at most `budget` of them per call, each its own short statement. The goals
 * clock calls it every ten minutes; what is left is written by the next call. Returns how many were written.
 */
export async function snapshotGoals(db: DbOrTx, now = new Date(), budget = 120): Promise<number> {
  const { zone, today } = await companyClock(db, now);
  let written = 0;
  for (const { goal, days } of await repo.goalsMissingSnapshots(db, today, 50)) {
    for (const day of days) {
      if (written >= budget) return written;
      const [y, m, d] = parts(day);
      const endOfDay = startOfDay(zone, y, m, d + 1);
      const p = await goalProgress(db, goal, zone, endOfDay);
      await repo.insertSnapshot(db, { goalId: goal.id, day, value: p.value, forecast: p.forecast, target: p.target, status: p.status });
      written++;
      // Requests go between two days' figures: on the embedded database the statements of this loop would otherwise
      // chain as one run of microtasks (a goal's day over 20,000 households is ~200 ms; 120 of them froze the server
      // for 26 s after a demo load).
      await yieldToEventLoop();
    }
  }
  return written;
}

// ---- the heating template's goals ----------------------------------------------------------------------------------------

const seeded = new WeakMap<object, true>();

/**
 * The heating template ships the seeds' two goals for the company, over the current calendar year: every complaint
 * answered within 24 hours (100%), and complaints down 30% on the year before. Written once (stable seed keys): a
 * goal removed later stays removed.
 */
export async function ensureGoalSeed(db: DbOrTx, now = new Date()): Promise<void> {
  if (seeded.has(db)) return;
  const template = await readSetting<string>(db, 'template');
  if (template === null) return; // before first-run setup
  if (template === 'heating') {
    const { today } = await companyClock(db, now);
    const year = resolvePeriod('year', today);
    const base = { periodKind: 'year' as const, periodStart: year.start, periodEnd: year.end, ownerKind: 'company' as const };
    await repo.insertSeededGoal(db, {
      ...base,
      seedKey: 'heating.complaints_answered_24h',
      name: '投诉 24 小时内答复',
      description: '每一件投诉都在 24 小时内给出首次答复',
      metric: 'tickets.complaints_answered_24h',
      targetKind: 'value',
      targetValue: 100,
    });
    await repo.insertSeededGoal(db, {
      ...base,
      seedKey: 'heating.complaints_yoy',
      name: '投诉量同比下降 30%',
      description: '全年投诉量比上一年同期减少 30%',
      metric: 'tickets.complaints',
      targetKind: 'change',
      targetValue: -30,
    });
  }
  seeded.set(db, true);
}
