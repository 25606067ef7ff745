/**
 * Response schemas of the interactions API (沟通记录, the customer timeline, tasks), each tied to its
 * interactions.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import {
  TASK_BULK_ACTIONS,
  type TaskBulkResult,
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  TASK_BUCKETS,
  TASK_STATUSES,
  TASK_TYPES,
  type AssigneeList,
  type InteractionPage,
  type InteractionView,
  type TaskCounts,
  type TaskPage,
  type TaskView,
  type TimelineEvent,
  type TimelinePage,
  type UserRef,
} from './interactions.contract.js';

const userRef = responseOf<UserRef>()(z.object({ id: z.string(), name: z.string() }));

export const interactionView = responseOf<InteractionView>()(
  z.object({
    id: z.string(),
    customerId: z.string(),
    channel: z.enum(INTERACTION_CHANNELS),
    direction: z.enum(INTERACTION_DIRECTIONS),
    occurredAt: z.string(),
    user: userRef.nullable().describe('Who talked to the customer'),
    summary: z.string(),
    content: z.string().nullable(),
    outcome: z.string().nullable(),
    nextStep: z.string().nullable(),
    transactionId: z.string().nullable(),
    ticketId: z.string().nullable(),
    taskId: z.string().nullable().describe('The task whose completion logged it, if any'),
    version: z.number().int(),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  }),
);

export const interactionPage = responseOf<InteractionPage>()(pageOf(interactionView));

export const timelineEvent = responseOf<TimelineEvent>()(
  z.object({
    kind: z.string().describe('interaction, transaction, task, message, … (the module the event comes from)'),
    id: z.string(),
    at: z.string(),
    title: z.string().describe("In the caller's language"),
    summary: z.string().nullable(),
    actor: userRef.nullable(),
    data: z.record(z.string(), z.unknown()).describe("The kind's own view of the event"),
  }),
);

export const timelinePage = responseOf<TimelinePage>()(pageOf(timelineEvent));

export const taskView = responseOf<TaskView>()(
  z.object({
    id: z.string(),
    type: z.enum(TASK_TYPES),
    title: z.string(),
    notes: z.string().nullable(),
    customerId: z.string().nullable(),
    customerName: z.string().nullable().describe("Null when there is no customer, or the caller's data scope does not reach it"),
    assignee: userRef,
    dueAt: z.string(),
    status: z.enum(TASK_STATUSES),
    bucket: z.enum(TASK_BUCKETS).nullable().describe('For an open task: which bucket it is in now'),
    result: z.string().nullable(),
    interactionId: z.string().nullable(),
    completedAt: z.string().nullable(),
    completedBy: userRef.nullable(),
    createdBy: userRef.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  }),
);

export const taskPage = responseOf<TaskPage>()(pageOf(taskView));

export const taskCounts = responseOf<TaskCounts>()(z.object({ overdue: z.number().int(), today: z.number().int(), upcoming: z.number().int() }));

export const assigneeList = responseOf<AssigneeList>()(z.object({ items: z.array(userRef) }));

export const taskBulkResult = responseOf<TaskBulkResult>()(
  z.object({
    action: z.enum(TASK_BULK_ACTIONS),
    done: z.number().int().describe('Tasks changed'),
    unchanged: z.number().int().describe('Tasks already so (nothing written)'),
    refused: z.number().int().describe('Tasks refused, or not found'),
    items: z
      .array(
        z.object({
          id: z.uuid(),
          outcome: z.enum(['done', 'unchanged', 'refused']),
          code: z.string().nullable().describe('For a refusal: the message key'),
          reason: z.string().nullable().describe("For a refusal: why, in the caller's language"),
        }),
      )
      .describe('Every task, in the order sent'),
  }),
);
