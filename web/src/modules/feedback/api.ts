import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import type { FeedbackCategoryList, FeedbackItemView, FeedbackPage, FeedbackSentiment, FeedbackStatus } from '../../../../src/modules/feedback/feedback.contract';
import type { MessageView } from '../../../../src/modules/messages/messages.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  AUTO_CATEGORY_CONFIDENCE,
  FEEDBACK_LIMITS,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  FEEDBACK_STATUSES,
  type FeedbackCategoryRef,
  type FeedbackCategoryView,
  type FeedbackDriver,
  type FeedbackItemView,
  type FeedbackSentiment,
  type FeedbackSource,
  type FeedbackStatus,
} from '../../../../src/modules/feedback/feedback.contract';
export type { MessageView };

/** The inbox's filters (the API's query without the cursor): all optional, absent = no filter. */
export type InboxQuery = {
  status?: FeedbackStatus;
  categoryId?: string;
  sentiment?: FeedbackSentiment;
  ownerId?: string;
  customerId?: string;
  q?: string;
  from?: string;
  to?: string;
  deleted?: 'only';
};

export const PAGE_SIZE = 50;

export const feedbackKeys = {
  all: ['feedback'] as const,
  list: (q: InboxQuery) => ['feedback', 'list', q] as const,
  one: (id: string) => ['feedback', 'one', id] as const,
  categories: ['feedback', 'categories'] as const,
  users: ['feedback', 'users'] as const,
  message: (id: string) => ['feedback', 'message', id] as const,
};

/** The inbox, newest first, a page of 50 at a time (加载更多). */
export function useFeedbackList(q: InboxQuery) {
  return usePagedList<FeedbackItemView, FeedbackPage>({ queryKey: feedbackKeys.list(q), path: '/api/v1/feedback', query: q, limit: PAGE_SIZE });
}

/** One item (the drawer). */
export function useFeedbackItem(id: string | null) {
  return useQuery({
    queryKey: feedbackKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<FeedbackItemView>(`/api/v1/feedback/${id}`, undefined, signal),
    enabled: !!id,
  });
}

/** The category tree (flat, with parentId), archived ones included. */
export function useFeedbackCategories(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.categories,
    queryFn: async ({ signal }) => (await api.get<FeedbackCategoryList>('/api/v1/feedback-categories', undefined, signal)).items,
    staleTime: 60_000,
    enabled,
  });
}

export type UserOption = { id: string; displayName: string; active: boolean };
/** The active users, for the owner filter and the drawer's owner select. */
export function useFeedbackUsers(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.users,
    queryFn: async ({ signal }) => (await api.get<{ items: UserOption[] }>('/api/v1/users', undefined, signal)).items.filter((u) => u.active),
    staleTime: 60_000,
    enabled,
  });
}

/** The message that carried a reply (its channel, recipient and status). */
export function useReplyMessage(id: string | null) {
  return useQuery({
    queryKey: feedbackKeys.message(id ?? ''),
    queryFn: ({ signal }) => api.get<MessageView>(`/api/v1/messages/${id}`, undefined, signal),
    enabled: !!id,
    retry: false,
  });
}
