import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import type {
  FeedbackAssignmentRuleList,
  FeedbackBulkAction,
  FeedbackBulkResult,
  FeedbackCategoryList,
  FeedbackInboundSettingsView,
  FeedbackItemView,
  FeedbackModelsView,
  FeedbackPage,
  FeedbackRetrainRunView,
  FeedbackSentiment,
  FeedbackStatus,
} from '../../../../src/modules/feedback/feedback.contract';
import type { MessageView } from '../../../../src/modules/messages/messages.contract';
import type {
  AnalysisGranularity,
  FeedbackHotTopics,
  FeedbackKeywordCloud,
  FeedbackSentimentTrends,
  FeedbackTrends,
  SentimentGrouping,
  TrendSplit,
} from '../../../../src/modules/feedback/analysis.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  AUTO_CATEGORY_CONFIDENCE,
  FEEDBACK_ASSIGNMENT_TARGETS,
  FEEDBACK_BULK_STATUSES,
  FEEDBACK_LIMITS,
  FEEDBACK_MODEL_RULES,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  FEEDBACK_STATUSES,
  type FeedbackAssignmentRuleView,
  type FeedbackAssignmentTarget,
  type FeedbackBulkAction,
  type FeedbackBulkResult,
  type FeedbackCategoryRef,
  type FeedbackCategoryView,
  type FeedbackInboundSettingsView,
  type FeedbackDriver,
  type FeedbackItemView,
  type FeedbackModelsView,
  type FeedbackRetrainRunView,
  type FeedbackSentiment,
  type FeedbackSource,
  type FeedbackStatus,
} from '../../../../src/modules/feedback/feedback.contract';
export type { MessageView };
export {
  ANALYSIS_GRANULARITIES,
  GROUP_NONE,
  GROUP_OTHER,
  HOT_TOPIC_RULE,
  SENTIMENT_GROUPINGS,
  TREND_SPLITS,
  type AnalysisFilter,
  type AnalysisGranularity,
  type AnalysisPeriod,
  type FeedbackHotTopics,
  type FeedbackKeywordCloud,
  type FeedbackSentimentTrends,
  type FeedbackTrends,
  type HotTopic,
  type KeywordWeight,
  type SentimentGrouping,
  type SentimentSeries,
  type TrendSeries,
  type TrendSplit,
} from '../../../../src/modules/feedback/analysis.contract';

/** The inbox's filters (the API's query without the cursor): all optional, absent = no filter. */
export type InboxQuery = {
  status?: FeedbackStatus;
  categoryId?: string;
  sentiment?: FeedbackSentiment;
  ownerId?: string;
  customerId?: string;
  q?: string;
  /** Carries this keyword (hot topics, the keyword cloud). */
  keyword?: string;
  /** The customer's compound (小区). */
  compound?: string;
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
  rules: ['feedback', 'rules'] as const,
  inbound: ['feedback', 'inbound'] as const,
  teams: ['feedback', 'teams'] as const,
  models: ['feedback', 'models'] as const,
  analysis: (what: string, q: object) => ['feedback', 'analysis', what, q] as const,
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

// ---- 反馈分析 ----

export type AnalysisRange = { from: string; to: string };

/** Items per day or week over the range, split by category, sentiment or compound. */
export function useFeedbackTrends(q: AnalysisRange & { granularity: AnalysisGranularity; split: TrendSplit }) {
  return useQuery({
    queryKey: feedbackKeys.analysis('trends', q),
    queryFn: ({ signal }) => api.get<FeedbackTrends>('/api/v1/feedback-analysis/trends', q, signal),
    placeholderData: (previous) => previous,
  });
}

/** The negative share over time, overall and by category or compound. */
export function useFeedbackSentimentTrends(q: AnalysisRange & { granularity: AnalysisGranularity; by: SentimentGrouping }) {
  return useQuery({
    queryKey: feedbackKeys.analysis('sentiment', q),
    queryFn: ({ signal }) => api.get<FeedbackSentimentTrends>('/api/v1/feedback-analysis/sentiment', q, signal),
    placeholderData: (previous) => previous,
  });
}

/** The keyword cloud of the range. */
export function useFeedbackKeywords(q: AnalysisRange) {
  return useQuery({
    queryKey: feedbackKeys.analysis('keywords', q),
    queryFn: ({ signal }) => api.get<FeedbackKeywordCloud>('/api/v1/feedback-analysis/keywords', { ...q, limit: 60 }, signal),
    placeholderData: (previous) => previous,
  });
}

/** This week's hot topics (the last 7 company days against the 4 weeks before). */
export function useFeedbackHotTopics() {
  return useQuery({
    queryKey: feedbackKeys.analysis('hot', {}),
    queryFn: ({ signal }) => api.get<FeedbackHotTopics>('/api/v1/feedback-analysis/hot-topics', undefined, signal),
  });
}

// ---- bulk changes, assignment rules, inbound settings ----

export type FeedbackBulkInput = {
  action: FeedbackBulkAction;
  ids: string[];
  ownerId?: string | null;
  status?: 'new' | 'in_progress' | 'closed';
  categoryId?: string | null;
};
/** One bulk change of the inbox's selection (assign, status, category); each item reported. */
export const postFeedbackBulk = (input: FeedbackBulkInput) => api.post<FeedbackBulkResult>('/api/v1/feedback/bulk', input);

/** The assignment rules, in the order they are tried. */
export function useFeedbackRules(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.rules,
    queryFn: async ({ signal }) => (await api.get<FeedbackAssignmentRuleList>('/api/v1/feedback-assignment-rules', undefined, signal)).items,
    enabled,
  });
}

/** Which inbound secrets are set (administrators). */
export function useFeedbackInbound(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.inbound,
    queryFn: ({ signal }) => api.get<FeedbackInboundSettingsView>('/api/v1/feedback-settings/inbound', undefined, signal),
    enabled,
  });
}

export type TeamOption = { id: string; name: string };
/** The teams, for a round-robin rule. */
export function useFeedbackTeams(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.teams,
    queryFn: async ({ signal }) => (await api.get<{ items: TeamOption[] }>('/api/v1/teams', undefined, signal)).items,
    staleTime: 60_000,
    enabled,
  });
}

// ---- the company's own models (重新训练) ----

/** The models in use, the corrections waiting and the latest retrain (administrators); polled while a retrain runs. */
export function useFeedbackModels(enabled = true) {
  return useQuery({
    queryKey: feedbackKeys.models,
    queryFn: ({ signal }) => api.get<FeedbackModelsView>('/api/v1/feedback-models', undefined, signal),
    enabled,
    refetchInterval: (q) => (q.state.data?.run && ['queued', 'running'].includes(q.state.data.run.status) ? 1500 : false),
  });
}

/** Queues a retrain (or answers the one queued or running). */
export const postFeedbackRetrain = () => api.post<{ run: FeedbackRetrainRunView; queued: boolean }>('/api/v1/feedback-models/retrain');
