import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { TICKET_BULK_STATUSES } from '../../../../src/modules/tickets/tickets.contract';
import { api } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useKeysetPages, usePagedList } from '../../platform/usePagedList';
import type {
  AssignmentRuleView,
  PublicTicketView,
  RootCauseView,
  TicketCategoryView,
  TicketDetail,
  TicketBulkResult,
  TicketPage,
  TicketSummary,
  TicketTagCount,
} from '../../../../src/modules/tickets/tickets.contract';

export {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENTS_PER_TICKET,
  ATTACHMENT_TYPES,
  PUBLIC_REOPEN_DAYS,
  TICKET_LIMITS,
  TICKET_SEVERITIES,
  TICKET_BULK_STATUSES,
  ASSIGNMENT_TARGETS,
  type AssignmentRuleView,
  type AssignmentTarget,
  type PublicSubmitResult,
  type PublicTicketView,
  type RootCauseView,
  type TicketAttachmentView,
  type TicketBulkAction,
  type TicketBulkItem,
  type TicketBulkResult,
  type TicketCategoryView,
  type TicketDetail,
  type TicketEventView,
  type TicketSeverity,
  type TicketSummary,
} from '../../../../src/modules/tickets/tickets.contract';
export { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, type SlaClockView, type TicketPriority, type TicketStatus, type TicketType } from '../../../../src/modules/tickets/sla/sla.contract';

/** The queue's filters (the server adds nothing else but `cursor` and `limit`, which the paged hooks set). */
export type TicketListQuery = {
  status?: string;
  type?: string;
  categoryId?: string;
  assigneeId?: string;
  mine?: 'true';
  customerId?: string;
  sla?: string;
  q?: string;
  /** Carrying this tag. */
  tag?: string;
  /** Created on or after / on or before these days (company time zone): a home-page month's drill-through. */
  createdFrom?: string;
  createdTo?: string;
  /** `exclude`: merged duplicates left out, as the reports and the home page count. */
  merged?: 'exclude';
};

export const ticketKeys = {
  all: ['tickets'] as const,
  list: (q: TicketListQuery) => ['tickets', 'list', q] as const,
  one: (id: string) => ['tickets', 'one', id] as const,
  categories: ['tickets', 'categories'] as const,
  rootCauses: ['tickets', 'root-causes'] as const,
  rules: ['tickets', 'rules'] as const,
  users: ['tickets', 'users'] as const,
  tags: ['tickets', 'tags'] as const,
  publicOne: (token: string) => ['tickets-public', token] as const,
  publicCategories: ['tickets-public', 'categories'] as const,
};

/** Tickets a page shows at a time in the queue. */
export const QUEUE_PAGE = 50;

/**
 * The ticket queue a page at a time (上一页 / 下一页, keyset): back to the first page whenever the filters change.
 * Every page answers how many tickets match (`total`).
 */
export function useTicketQueue(q: TicketListQuery) {
  return useKeysetPages<TicketPage>({
    queryKey: (cursor) => [...ticketKeys.list(q), cursor],
    path: '/api/v1/tickets',
    query: q,
    limit: QUEUE_PAGE,
    resetKey: JSON.stringify(q),
  });
}

/** A customer's tickets, newest first, 20 at a time with "load more". */
export function useCustomerTickets(customerId: string) {
  return usePagedList<TicketSummary, TicketPage>({
    queryKey: [...ticketKeys.all, 'list', 'customer', customerId],
    path: '/api/v1/tickets',
    query: { customerId },
    limit: 20,
  });
}

export function useTicket(id: string) {
  return useQuery({ queryKey: ticketKeys.one(id), queryFn: ({ signal }) => api.get<TicketDetail>(`/api/v1/tickets/${id}`, undefined, signal) });
}

export function useTicketCategories(enabled = true) {
  return useQuery({
    queryKey: ticketKeys.categories,
    queryFn: async ({ signal }) => (await api.get<{ items: TicketCategoryView[] }>('/api/v1/ticket-categories', undefined, signal)).items,
    staleTime: 60_000,
    enabled,
  });
}

export function useRootCauses() {
  return useQuery({
    queryKey: ticketKeys.rootCauses,
    queryFn: async ({ signal }) => (await api.get<{ items: RootCauseView[] }>('/api/v1/ticket-root-causes', undefined, signal)).items,
    staleTime: 60_000,
  });
}

export function useAssignmentRules() {
  return useQuery({
    queryKey: ticketKeys.rules,
    queryFn: async ({ signal }) => (await api.get<{ items: AssignmentRuleView[] }>('/api/v1/ticket-assignment-rules', undefined, signal)).items,
  });
}

export type UserOption = { id: string; displayName: string; teamId: string | null; active: boolean };
export function useTicketUsers() {
  return useQuery({
    queryKey: ticketKeys.users,
    queryFn: async ({ signal }) => (await api.get<{ items: UserOption[] }>('/api/v1/users', undefined, signal)).items.filter((u) => u.active),
    staleTime: 60_000,
  });
}

export type TeamOption = { id: string; name: string };
export function useTeams() {
  return useQuery({
    queryKey: ['tickets', 'teams'],
    queryFn: async ({ signal }) => (await api.get<{ items: TeamOption[] }>('/api/v1/teams', undefined, signal)).items,
    staleTime: 60_000,
  });
}

/** A change to one ticket: the server answers with the ticket as it is now; lists are refetched. */
export function useTicketAction<I>(id: string, run: (input: I) => Promise<TicketDetail>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (t) => {
      qc.setQueryData(ticketKeys.one(t.id), t);
      if (t.id !== id) void qc.invalidateQueries({ queryKey: ticketKeys.one(id) });
      void qc.invalidateQueries({ queryKey: ['tickets', 'list'] });
    },
  });
}

/** Tags in use on the tickets I see, most used first (the queue's filter, the tag pickers). */
export function useTicketTags() {
  return useQuery({
    queryKey: ticketKeys.tags,
    queryFn: async ({ signal }) => (await api.get<{ items: TicketTagCount[] }>('/api/v1/tickets/tags', undefined, signal)).items,
    staleTime: 30_000,
  });
}

/** A bulk change from the queue: one action on the selected tickets; each is reported (done, unchanged, refused). */
export type TicketBulkInput =
  | { action: 'assign'; ids: string[]; assigneeId: string | null }
  | { action: 'status'; ids: string[]; status: (typeof TICKET_BULK_STATUSES)[number] }
  | { action: 'tag'; ids: string[]; tags: string[] };

export const postTicketBulk = (input: TicketBulkInput) => api.post<TicketBulkResult>('/api/v1/tickets/bulk', input);

/** After a bulk change: every ticket list, the tickets themselves and the tag counts are read again. */
export function useRefreshTickets() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ticketKeys.all });
}

export function usePublicTicket(token: string) {
  return useQuery({
    queryKey: ticketKeys.publicOne(token),
    queryFn: ({ signal }) => api.get<PublicTicketView>(`/api/v1/public/tickets/${encodeURIComponent(token)}`, undefined, signal),
    retry: false,
  });
}

export function usePublicCategories() {
  return useQuery({
    queryKey: ticketKeys.publicCategories,
    queryFn: async ({ signal }) => (await api.get<{ items: Pick<TicketCategoryView, 'id' | 'parentId' | 'nameZh' | 'nameEn'>[] }>('/api/v1/public/ticket-categories', undefined, signal)).items,
    staleTime: 300_000,
  });
}
