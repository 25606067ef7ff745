import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useI18n } from '../../platform/i18n';
import { useKeysetPages } from '../../platform/usePagedList';
import type {
  SurveyKind,
  SurveyPage,
  SurveyQrCodeView,
  SurveyResults,
  SurveySendList,
  SurveyStatus,
  SurveyTemplateList,
  SurveyTriggerList,
  SurveyVersionList,
  SurveyView,
} from '../../../../src/modules/surveys/surveys.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  DIMENSIONS,
  QR_IDENTIFY,
  QR_PLACES,
  QUESTION_TYPES,
  RESULT_BREAKDOWNS,
  SEND_CHANNELS,
  SURVEY_KINDS,
  SURVEY_LIMITS,
  SURVEY_STATUSES,
  TRIGGER_EVENTS,
  type BranchOp,
  type BreakdownRow,
  type Dimension,
  type QrIdentify,
  type QrPlace,
  type QuestionResult,
  type QuestionType,
  type ReminderResult,
  type ResultBreakdown,
  type SendChannel,
  type ServqualFigures,
  type SurveyKind,
  type SurveyLinkView,
  type SurveyListItem,
  type SurveyQrCodeView,
  type SurveyResults,
  type SurveySendView,
  type SurveySettings,
  type SurveyStatus,
  type SurveyTemplateKey,
  type SurveyTriggerView,
  type SurveyView,
  type TriggerEvent,
} from '../../../../src/modules/surveys/surveys.contract';

export const surveyKeys = {
  all: ['surveys'] as const,
  list: (q: Record<string, unknown>, cursor: string | null) => ['surveys', 'list', q, cursor] as const,
  one: (id: string) => ['surveys', 'one', id] as const,
  templates: (lang: string) => ['surveys', 'templates', lang] as const,
  versions: (id: string) => ['surveys', 'versions', id] as const,
  sends: (id: string) => ['surveys', 'sends', id] as const,
  qr: (id: string) => ['surveys', 'qr', id] as const,
  triggers: (id: string) => ['surveys', 'triggers', id] as const,
  results: (id: string, q: Record<string, unknown>) => ['surveys', 'results', id, q] as const,
};

type SurveyQuery = { status?: SurveyStatus; kind?: SurveyKind; q?: string; deleted?: 'only' };

export function useSurveys(q: SurveyQuery, limit: number) {
  return useKeysetPages<SurveyPage>({
    queryKey: (cursor) => surveyKeys.list(q, cursor),
    path: '/api/v1/surveys',
    query: q,
    limit,
    resetKey: JSON.stringify(q),
  });
}

export function useSurvey(id: string | undefined) {
  return useQuery({
    queryKey: surveyKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<SurveyView>(`/api/v1/surveys/${id}`, undefined, signal),
    enabled: !!id,
  });
}

/** The shipped templates, named in the UI language (the server answers in the request's language). */
export function useSurveyTemplates() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: surveyKeys.templates(lang),
    queryFn: async ({ signal }) => (await api.get<SurveyTemplateList>('/api/v1/surveys/templates', undefined, signal)).items,
    staleTime: 10 * 60_000,
  });
}

export function useVersions(id: string) {
  return useQuery({
    queryKey: surveyKeys.versions(id),
    queryFn: async ({ signal }) => (await api.get<SurveyVersionList>(`/api/v1/surveys/${id}/versions`, undefined, signal)).items,
  });
}

const RUNNING = ['queued', 'running'];

/** A survey's sends; polled every 2 s while one of them is queued or running. */
export function useSends(id: string) {
  return useQuery({
    queryKey: surveyKeys.sends(id),
    queryFn: async ({ signal }) => (await api.get<SurveySendList>(`/api/v1/surveys/${id}/sends`, undefined, signal)).items,
    refetchInterval: (q) => ((q.state.data ?? []).some((s) => RUNNING.includes(s.status)) ? 2000 : false),
  });
}

export const sendRunning = (status: string) => RUNNING.includes(status);

export function useQrCodes(id: string) {
  return useQuery({
    queryKey: surveyKeys.qr(id),
    queryFn: async ({ signal }) => (await api.get<{ items: SurveyQrCodeView[] }>(`/api/v1/surveys/${id}/qr-codes`, undefined, signal)).items,
  });
}

export function useTriggers(id: string) {
  return useQuery({
    queryKey: surveyKeys.triggers(id),
    queryFn: async ({ signal }) => (await api.get<SurveyTriggerList>(`/api/v1/surveys/${id}/triggers`, undefined, signal)).items,
  });
}

/** Customers found by name or phone (one customer to invite). */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ['surveys', 'customer-search', q],
    queryFn: async ({ signal }) => (await api.get<{ items: { id: string; name: string }[] }>('/api/v1/customers', { q, limit: 20 }, signal)).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
}

export type ResultsQuery = { version?: number; from?: string; to?: string; by?: string };

/** A version's results, optionally broken down (by segment, tier, compound, agent, day, week, month). */
export function useResults(id: string, q: ResultsQuery) {
  return useQuery({
    queryKey: surveyKeys.results(id, q),
    queryFn: ({ signal }) => api.get<SurveyResults>(`/api/v1/surveys/${id}/results`, q, signal),
    placeholderData: (prev) => prev,
  });
}
