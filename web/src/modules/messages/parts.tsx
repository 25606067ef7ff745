import { useState } from 'react';
import { Select, Tag, Tooltip } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import type { CustomerView } from '../customers';
import type { MessageView } from './api';

const STATUS_COLOR: Record<MessageView['status'], string> = { queued: 'blue', sending: 'processing', sent: 'green', failed: 'red', suppressed: 'default' };

/** 已发送 / 排队中 / 发送失败 …, with why it waits or was not sent (and the last error) on hover. */
export function MessageStatusTag({ m }: { m: MessageView }) {
  const t = useT();
  const why =
    m.reason === 'quiet_hours' && m.nextAttemptAt
      ? t('msg.reason.quiet_hours', { time: formatDateTime(m.nextAttemptAt) })
      : m.reason
        ? t(`msg.reason.${m.reason}`)
        : m.status === 'failed' || (m.status === 'queued' && m.lastError)
          ? (m.lastError ?? '')
          : '';
  const tag = (
    <Tag color={STATUS_COLOR[m.status]} data-testid="message-status">
      {t(`msg.status.${m.status}`)}
    </Tag>
  );
  return why ? <Tooltip title={why}>{tag}</Tooltip> : tag;
}

/** A customer picked by searching name or phone (the customer list's search), for previews. */
export function CustomerPicker({ value, onChange, placeholder }: { value: string | null; onChange: (id: string | null) => void; placeholder?: string }) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['messages', 'customer-search', q],
    queryFn: async ({ signal }) => (await api.get<{ items: CustomerView[] }>('/api/v1/customers', { q: q || undefined, limit: 10 }, signal)).items,
    staleTime: 10_000,
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value ?? undefined}
      placeholder={placeholder}
      onChange={(v) => onChange((v as string | undefined) ?? null)}
      loading={found.isFetching}
      options={(found.data ?? []).map((c) => ({ value: c.id, label: c.phones[0] ? `${c.name} · ${c.phones[0]}` : c.name }))}
      style={{ width: '100%' }}
      aria-label={placeholder}
      data-testid="preview-customer"
    />
  );
}
