import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import { customerKeys } from '../customers';
import type { InteractionChannel, InteractionDirection, TaskBucket, TaskCounts, TaskType, TaskView, TimelineEvent, TimelinePage, UserRef } from '../../../../src/modules/interactions/interactions.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  TASK_BUCKETS,
  TASK_TYPES,
  type InteractionChannel,
  type InteractionDirection,
  type InteractionView,
  type TaskBucket,
  type TaskCounts,
  type TaskStatus,
  type TaskType,
  type TaskView,
  type TimelineEvent,
  type UserRef,
} from '../../../../src/modules/interactions/interactions.contract';

export type LogInteraction = {
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt?: string;
  summary: string;
  content?: string | null;
  outcome?: string | null;
  nextStep?: string | null;
  /** 记为客户反馈: the customer's words also go to the feedback inbox. */
  asFeedback?: boolean;
};
export type CreateTask = { type: TaskType; title: string; notes?: string | null; customerId?: string | null; assigneeId?: string; dueAt: string };
export type CompleteTask = { result: string; interaction?: { channel: InteractionChannel; direction: InteractionDirection; outcome?: string | null } | null };
/** The lists of 我的任务: the three open buckets, those done today (the home board's 今天已完成) and all done ones. */
export type TaskTab = TaskBucket | 'done_today' | 'done';

const PAGE_SIZE = 20;

export const interactionKeys = {
  all: ['interactions'] as const,
  timeline: (customerId: string, kind: string) => ['interactions', 'timeline', customerId, kind] as const,
  customer: (customerId: string) => ['interactions', 'timeline', customerId] as const,
};
export const taskKeys = {
  all: ['tasks'] as const,
  list: (who: string, tab: TaskTab) => ['tasks', 'list', who, tab] as const,
  customer: (customerId: string) => ['tasks', 'customer', customerId] as const,
  counts: ['tasks', 'counts'] as const,
  assignees: ['tasks', 'assignees'] as const,
};

/** The customer's timeline, newest first, one page at a time; `kind` '' for every kind. */
export function useTimeline(customerId: string, kind: string) {
  return usePagedList<TimelineEvent, TimelinePage>({
    queryKey: interactionKeys.timeline(customerId, kind),
    path: `/api/v1/customers/${customerId}/timeline`,
    query: { kind: kind || undefined },
    limit: PAGE_SIZE,
  });
}

/** The customer's open tasks (soonest first). */
export function useCustomerTasks(customerId: string) {
  return useQuery({
    queryKey: taskKeys.customer(customerId),
    queryFn: async ({ signal }) =>
      (await api.get<{ items: TaskView[] }>('/api/v1/tasks', { customerId, bucket: 'open', limit: 50 }, signal)).items,
  });
}

/**
 * A task list of 我的任务: `who` is 'me' (my tasks), 'team' (every task I can see) or a user's id (a manager's view
 * of one person).
 */
export function useTaskList(who: string, tab: TaskTab) {
  return usePagedList<TaskView>({
    queryKey: taskKeys.list(who, tab),
    path: who === 'me' ? '/api/v1/tasks/mine' : '/api/v1/tasks',
    query: { bucket: tab, assigneeId: who === 'me' || who === 'team' ? undefined : who },
    limit: PAGE_SIZE,
  });
}

/** How many of my open tasks are overdue, due today, upcoming: polled every minute (the bell in the header). */
export function useTaskCounts(enabled = true) {
  return useQuery({
    queryKey: taskKeys.counts,
    queryFn: ({ signal }) => api.get<TaskCounts>('/api/v1/tasks/mine/counts', undefined, signal),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
    enabled,
  });
}

export function useAssignees(enabled = true) {
  return useQuery({
    queryKey: taskKeys.assignees,
    queryFn: async ({ signal }) => (await api.get<{ items: UserRef[] }>('/api/v1/tasks/assignees', undefined, signal)).items,
    staleTime: 60_000,
    enabled,
  });
}

/** After logging, completing or creating: everything that shows interactions or tasks is refetched. */
export function useRefreshAfterChange() {
  const qc = useQueryClient();
  return (customerId?: string | null) => {
    void qc.invalidateQueries({ queryKey: taskKeys.all });
    if (customerId) {
      void qc.invalidateQueries({ queryKey: interactionKeys.customer(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.history(customerId) });
    }
  };
}
