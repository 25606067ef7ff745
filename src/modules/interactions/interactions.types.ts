import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, TASK_BULK_ACTIONS, TASK_BULK_MAX, TASK_TYPES } from './interactions.contract.js';

/** A few minutes of clock difference between a browser and the server are not "the future". */
const CLOCK_SKEW_MS = 10 * 60_000;

/** An instant with an offset (2025-03-01T09:30:00+08:00), not in the future. */
const pastInstant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .refine((d) => d.getUTCFullYear() >= 1900, { message: 'validation.invalid_date' })
  .refine((d) => d.getTime() <= Date.now() + CLOCK_SKEW_MS, { message: 'interactions.in_future' });

/** Any instant with an offset from 2000 on (a task may be created already overdue). */
const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() < 2200, { message: 'validation.invalid_date' });

export const SUMMARY_MAX = 200;

/** One sentence: what happened. */
const summary = trimmedText(SUMMARY_MAX).min(1);

const interactionFields = {
  channel: z.enum(INTERACTION_CHANNELS).describe('Defaults to a call'),
  direction: z.enum(INTERACTION_DIRECTIONS).describe('Defaults to outbound'),
  occurredAt: pastInstant.describe('Defaults to now'),
  userId: z.uuid().describe('Who talked to the customer; defaults to the caller'),
  summary,
  content: optionalText(5000),
  outcome: optionalText(200),
  nextStep: optionalText(500),
  transactionId: z.uuid().nullable().optional().describe("One of the customer's transactions"),
};

export const createInteractionBody = z.strictObject({
  ...interactionFields,
  asFeedback: z.boolean().optional().describe("记为客户反馈 (default false): what the customer said (the notes, else the summary) also becomes a feedback item"),
  channel: interactionFields.channel.default('call'),
  direction: interactionFields.direction.default('outbound'),
  occurredAt: interactionFields.occurredAt.optional(),
  userId: interactionFields.userId.optional(),
});
export type CreateInteractionInput = z.infer<typeof createInteractionBody>;

export const updateInteractionBody = z.strictObject({
  channel: interactionFields.channel.optional(),
  direction: interactionFields.direction.optional(),
  occurredAt: interactionFields.occurredAt.optional(),
  userId: interactionFields.userId.optional(),
  summary: summary.optional(),
  content: interactionFields.content,
  outcome: interactionFields.outcome,
  nextStep: interactionFields.nextStep,
  transactionId: interactionFields.transactionId,
  version: z.number().int().min(1).optional().describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateInteractionInput = z.infer<typeof updateInteractionBody>;

const limit = z.coerce.number().int().min(1).max(100).default(20);

export const interactionListQuery = z.strictObject({
  cursor: z.string().max(300).optional(),
  limit,
  channel: z.enum(INTERACTION_CHANNELS).optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
});

export const timelineQuery = z.strictObject({
  cursor: z.string().max(300).optional(),
  limit,
  kind: z.string().trim().max(40).optional().describe('Only events of this kind (interaction, transaction, task, …)'),
});

export const customerIdParam = z.strictObject({ id: z.uuid() });
export const idParam = z.strictObject({ id: z.uuid() });

// ---- tasks ------------------------------------------------------------------------------------------------

export const createTaskBody = z.strictObject({
  type: z.enum(TASK_TYPES),
  title: trimmedText(200).min(1),
  notes: optionalText(2000),
  customerId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().optional().describe('Defaults to the caller; others only within the caller’s data scope'),
  dueAt: instant,
});
export type CreateTaskInput = z.infer<typeof createTaskBody>;

export const updateTaskBody = z.strictObject({
  type: z.enum(TASK_TYPES).optional(),
  title: trimmedText(200).min(1).optional(),
  notes: optionalText(2000),
  assigneeId: z.uuid().optional(),
  dueAt: instant.optional(),
  status: z.enum(['open', 'cancelled']).optional().describe('Cancel an open task, or reopen a cancelled one'),
  version: z.number().int().min(1).optional(),
});
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;

/** What completing a task logs on the customer: the result is its summary unless one is given. */
export const completionInteraction = z.strictObject({
  channel: interactionFields.channel.default('call'),
  direction: interactionFields.direction.default('outbound'),
  occurredAt: interactionFields.occurredAt.optional(),
  summary: summary.optional(),
  content: interactionFields.content,
  outcome: interactionFields.outcome,
  nextStep: interactionFields.nextStep,
});

export const completeTaskBody = z.strictObject({
  result: trimmedText(2000).min(1),
  interaction: completionInteraction
    .nullable()
    .optional()
    .describe('Logs an interaction on the task’s customer; a return visit logs one unless this is null'),
  version: z.number().int().min(1).optional(),
});
export type CompleteTaskInput = z.infer<typeof completeTaskBody>;

/**
 * A bulk change from 我的任务: one action on up to 500 tasks. `assign` takes `assigneeId`, `due` takes `dueAt`,
 * `complete` takes `result` (a return visit logs its call, as one completed alone), `cancel` takes nothing.
 */
export const bulkTasksBody = z
  .strictObject({
    action: z.enum(TASK_BULK_ACTIONS),
    ids: z
      .array(z.uuid())
      .min(1)
      .max(TASK_BULK_MAX)
      .transform((ids) => [...new Set(ids)])
      .describe(`The tasks (at most ${TASK_BULK_MAX}); each is reported in the answer, in this order`),
    assigneeId: z.uuid().optional().describe('assign: the new assignee'),
    dueAt: instant.optional().describe('due: the new due time'),
    result: trimmedText(2000).min(1).optional().describe('complete: the result, the same for every task'),
  })
  .superRefine((v, ctx) => {
    const needs = { assign: 'assigneeId', due: 'dueAt', complete: 'result', cancel: null } as const;
    const field = needs[v.action];
    if (field && v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
  });
export type BulkTasksInput = z.infer<typeof bulkTasksBody>;

/** `done_today`: completed since the start of the company's day (the home board's 今天已完成). */
export const TASK_LIST_BUCKETS = ['overdue', 'today', 'upcoming', 'open', 'done', 'done_today', 'cancelled'] as const;
export type TaskListBucket = (typeof TASK_LIST_BUCKETS)[number];

export const myTasksQuery = z.strictObject({
  bucket: z.enum(TASK_LIST_BUCKETS).default('today'),
  cursor: z.string().max(300).optional(),
  limit,
});

export const taskListQuery = z.strictObject({
  bucket: z.enum(TASK_LIST_BUCKETS).default('open'),
  assigneeId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  cursor: z.string().max(300).optional(),
  limit,
});
export type TaskListQuery = z.infer<typeof taskListQuery>;
