import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import { customerKeys } from '../customers';
import { interactionKeys } from '../interactions';
import type {
  MessageCategory,
  MessageChannel,
  MessagePage,
  MessageSettingsView,
  MessageStatus,
  MessageTemplateView,
  MessageView,
} from '../../../../src/modules/messages/messages.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  EMAIL_ADAPTERS,
  MESSAGE_CATEGORIES,
  MESSAGE_CHANNELS,
  MESSAGE_STATUSES,
  SMS_ADAPTERS,
  TEMPLATE_VARIABLES,
  WECHAT_ADAPTERS,
  type MessageCategory,
  type MessageChannel,
  type MessagePage,
  type MessagePreview,
  type MessageReason,
  type MessageSettingsView,
  type MessageStatus,
  type MessageTemplateView,
  type MessageView,
  type TemplateVariable,
  type UnsubscribeInfo,
} from '../../../../src/modules/messages/messages.contract';

export type TemplateInput = {
  name: string;
  channel: MessageChannel;
  category: MessageCategory;
  subjectZh?: string | null;
  subjectEn?: string | null;
  bodyZh: string;
  bodyEn?: string | null;
};
export type SendInput = { templateId?: string; channel?: MessageChannel; category?: MessageCategory; subject?: string | null; body?: string | null };

export const messageKeys = {
  all: ['messages'] as const,
  templates: (archived: boolean) => ['messages', 'templates', archived] as const,
  customer: (customerId: string) => ['messages', 'customer', customerId] as const,
  outbox: (status: string, channel: string, from = '', to = '') => ['messages', 'outbox', status, channel, from, to] as const,
  settings: ['messages', 'settings'] as const,
};

export function useTemplates(archived = false) {
  return useQuery({
    queryKey: messageKeys.templates(archived),
    queryFn: async ({ signal }) => (await api.get<{ items: MessageTemplateView[] }>('/api/v1/message-templates', { archived: archived ? 'include' : 'exclude' }, signal)).items,
  });
}

const dueSoon = (m: MessageView) => m.status === 'sending' || (m.status === 'queued' && Date.parse(m.nextAttemptAt ?? '') < Date.now() + 60_000);

export function useCustomerMessages(customerId: string) {
  return usePagedList<MessageView, MessagePage>({
    queryKey: messageKeys.customer(customerId),
    path: `/api/v1/customers/${customerId}/messages`,
    limit: 20,
    // While a message is about to go out, look again every two seconds (not for one waiting for quiet hours to end).
    refetchInterval: (pages) => (pages.some((p) => p.items.some(dueSoon)) ? 2_000 : false),
  });
}

export function useOutbox(status: MessageStatus | '', channel: MessageChannel | '', from = '', to = '') {
  return usePagedList<MessageView, MessagePage>({
    queryKey: messageKeys.outbox(status, channel, from, to),
    path: '/api/v1/messages',
    query: { status: status || undefined, channel: channel || undefined, from: from || undefined, to: to || undefined },
    limit: 50,
    // Queued and sending messages change on their own: look again every few seconds.
    refetchInterval: 5_000,
  });
}

export function useMessageSettings() {
  return useQuery({ queryKey: messageKeys.settings, queryFn: ({ signal }) => api.get<MessageSettingsView>('/api/v1/message-settings', undefined, signal) });
}

/** After sending: the customer's messages, timeline and history are refetched (and again shortly, once it is out). */
export function useRefreshAfterSend() {
  const qc = useQueryClient();
  return (customerId: string) => {
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: messageKeys.customer(customerId) });
      void qc.invalidateQueries({ queryKey: interactionKeys.customer(customerId) });
      void qc.invalidateQueries({ queryKey: customerKeys.history(customerId) });
    };
    refresh();
    setTimeout(refresh, 1500);
    setTimeout(refresh, 5000);
  };
}
