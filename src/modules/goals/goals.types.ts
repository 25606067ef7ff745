/** Request schemas of the goals API. */
import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { GOAL_LIMITS, GOAL_OWNER_KINDS, GOAL_PERIOD_KINDS, GOAL_TARGET_KINDS } from './goals.contract.js';

const day = z.iso.date().describe('A calendar day, YYYY-MM-DD (company time zone)');

export const createGoalBody = z.strictObject({
  name: trimmedText(GOAL_LIMITS.name).min(1),
  description: optionalText(GOAL_LIMITS.description),
  metric: z.string().trim().min(1).max(100).describe('A key of GET /goals/metrics'),
  metricParam: z
    .string()
    .trim()
    .min(1)
    .max(GOAL_LIMITS.param)
    .nullable()
    .optional()
    .describe("The metric's parameter, required exactly when the metric has one (e.g. a segment's id for segments.size): a value of its options in GET /goals/metrics"),
  targetKind: z.enum(GOAL_TARGET_KINDS).default('value'),
  targetValue: z
    .number()
    .finite()
    .min(-GOAL_LIMITS.target)
    .max(GOAL_LIMITS.target)
    .describe('The figure to reach (money in fen, percentages 0–100), or for `change` the percentage change, e.g. -30'),
  periodKind: z.enum(GOAL_PERIOD_KINDS).default('month'),
  periodStart: day.describe('For month / quarter / year: any day in it (the whole calendar period is taken); for custom: the first day'),
  periodEnd: day.optional().describe('For custom periods: the last day (inclusive)'),
  ownerKind: z.enum(GOAL_OWNER_KINDS).default('company'),
  ownerId: z.uuid().optional().describe('The team (ownerKind team) or the user (ownerKind user)'),
});
export type CreateGoalInput = z.infer<typeof createGoalBody>;

export const updateGoalBody = z.strictObject({
  name: createGoalBody.shape.name.optional(),
  description: createGoalBody.shape.description,
  metricParam: createGoalBody.shape.metricParam.describe("A new parameter for the goal's metric (one that takes a parameter); drops the history"),
  targetKind: z.enum(GOAL_TARGET_KINDS).optional(),
  targetValue: createGoalBody.shape.targetValue.optional(),
  periodKind: z.enum(GOAL_PERIOD_KINDS).optional(),
  periodStart: day.optional(),
  periodEnd: day.optional(),
});
export type UpdateGoalInput = z.infer<typeof updateGoalBody>;

export const goalListQuery = z.strictObject({
  when: z.enum(['current', 'upcoming', 'past', 'all']).default('current').describe('current: the period includes today'),
  ownerKind: z.enum(GOAL_OWNER_KINDS).optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
});
export type GoalListQuery = z.infer<typeof goalListQuery>;

export const goalIdParam = z.strictObject({ id: z.uuid() });
