/** Response schemas of the goals API (documented in /api/docs/json, checked under the test runner). */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import {
  GOAL_FORECASTS,
  GOAL_OWNER_KINDS,
  GOAL_PARAM_KINDS,
  GOAL_PERIOD_KINDS,
  GOAL_STATUSES,
  GOAL_TARGET_KINDS,
  GOAL_UNITS,
  type GoalCatalogueMetric,
  type GoalDetail,
  type GoalList,
  type GoalMetricList,
  type GoalMetricView,
  type GoalProgress,
  type GoalRef,
  type GoalSnapshotView,
  type GoalView,
} from './goals.contract.js';

const metricFields = {
  key: z.string(),
  label: z.string(),
  description: z.string(),
  unit: z.enum(GOAL_UNITS),
  better: z.enum(['higher', 'lower']),
  forecast: z.enum(GOAL_FORECASTS),
  owners: z.array(z.enum(GOAL_OWNER_KINDS)),
};
const paramFields = { kind: z.enum(GOAL_PARAM_KINDS), label: z.string() };
export const goalMetricView = responseOf<GoalMetricView>()(z.object({ ...metricFields, param: z.object(paramFields).nullable() }));
const catalogueMetric = responseOf<GoalCatalogueMetric>()(
  z.object({
    ...metricFields,
    param: z.object({ ...paramFields, options: z.array(z.object({ value: z.string(), label: z.string() })) }).nullable(),
  }),
);
export const goalMetricList = responseOf<GoalMetricList>()(itemsOf(catalogueMetric));

const ref = responseOf<GoalRef>()(z.object({ id: z.string(), name: z.string() }));

const progress = responseOf<GoalProgress>()(
  z.object({
    value: z.number().nullable(),
    target: z.number().nullable(),
    baseline: z.number().nullable(),
    forecast: z.number().nullable(),
    elapsed: z.number().min(0).max(1),
    attainment: z.number().nullable(),
    status: z.enum(GOAL_STATUSES),
    link: z.string().nullable(),
    asOf: z.string(),
  }),
);

const goalFields = {
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  metric: goalMetricView,
  metricParam: z.string().nullable(),
  metricParamLabel: z.string().nullable(),
  targetKind: z.enum(GOAL_TARGET_KINDS),
  targetValue: z.number(),
  periodKind: z.enum(GOAL_PERIOD_KINDS),
  periodStart: z.string(),
  periodEnd: z.string(),
  ownerKind: z.enum(GOAL_OWNER_KINDS),
  owner: ref.nullable(),
  createdBy: ref.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  progress,
};
export const goalView = responseOf<GoalView>()(z.object(goalFields));
export const goalList = responseOf<GoalList>()(itemsOf(goalView));

const snapshot = responseOf<GoalSnapshotView>()(
  z.object({ day: z.string(), value: z.number().nullable(), forecast: z.number().nullable(), target: z.number().nullable(), status: z.enum(GOAL_STATUSES) }),
);
export const goalDetail = responseOf<GoalDetail>()(z.object({ ...goalFields, history: z.array(snapshot) }));
