import { useState } from 'react';
import { Select, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { CustomerView } from './api';

/**
 * A form field that searches customers (name, phone or address, within the user's data scope) and holds the chosen
 * one's id: the optional customer of a task, of a feedback item, …
 */
export function CustomerPicker({
  value,
  onChange,
  id,
  placeholder,
  testId,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  placeholder?: string;
  testId?: string;
}) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['customers', 'picker', q],
    queryFn: async ({ signal }) => (await api.get<{ items: CustomerView[] }>('/api/v1/customers', { q: q || undefined, limit: 20 }, signal)).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
  const options = (found.data ?? []).map((c) => ({ value: c.id, label: [c.name, c.address?.compound, c.phones[0]].filter(Boolean).join(' · ') }));
  return (
    <Select
      id={id}
      allowClear
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value ?? undefined}
      onChange={(v?: string) => onChange?.(v ?? null)}
      placeholder={placeholder}
      notFoundContent={found.isFetching ? <Spin size="small" /> : null}
      options={options}
      data-testid={testId}
    />
  );
}
