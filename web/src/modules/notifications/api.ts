import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { usePagedList } from '../../platform/usePagedList';
import type {
  MarkAllResult,
  NotificationPage,
  NotificationSettingsView,
  NotificationView,
  UnreadCount,
} from '../../../../src/modules/notifications/notifications.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export type { NotificationKind, NotificationSettingsView, NotificationView } from '../../../../src/modules/notifications/notifications.contract';

const BASE = '/api/v1/notifications';
/** How often the bell asks for the unread count (a cheap count over an index of the unread rows). */
const POLL_MS = 30_000;

export const notificationKeys = {
  all: ['notifications'] as const,
  count: ['notifications', 'count'] as const,
  latest: ['notifications', 'latest'] as const,
  list: (tab: 'all' | 'unread') => ['notifications', 'list', tab] as const,
  settings: ['notifications', 'settings'] as const,
};

/** My unread count, polled (the bell). */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.count,
    queryFn: ({ signal }) => api.get<UnreadCount>(`${BASE}/unread-count`, undefined, signal),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    enabled,
  });
}

/** My latest notifications (the bell's dropdown), fetched when it opens. */
export function useLatest(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.latest,
    queryFn: async ({ signal }) => (await api.get<NotificationPage>(BASE, { limit: 8 }, signal)).items,
    enabled,
  });
}

/** The notifications page: all or unread, newest first, 加载更多. */
export function useNotificationList(tab: 'all' | 'unread') {
  return usePagedList<NotificationView, NotificationPage>({
    queryKey: notificationKeys.list(tab),
    path: BASE,
    query: { unread: tab === 'unread' ? 'true' : undefined },
    limit: 20,
  });
}

/** Marks one read (a click on it, which then opens its record); everything showing notifications is refetched. */
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<NotificationView>(`${BASE}/${id}/read`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

/** 全部已读. */
export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<MarkAllResult>(`${BASE}/read-all`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: notificationKeys.settings,
    queryFn: ({ signal }) => api.get<NotificationSettingsView>(`${BASE}/settings`, undefined, signal),
  });
}

export function useUpdateNotificationSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { digestEmail: boolean }) => api.put<NotificationSettingsView>(`${BASE}/settings`, body),
    onSuccess: (data) => qc.setQueryData(notificationKeys.settings, data),
  });
}
