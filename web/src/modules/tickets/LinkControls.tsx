import { useState } from 'react';
import { App, Button, Select, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import type { CustomerView } from '../customers';
import { formatFen } from '../transactions';
import { useTicketAction, type TicketDetail } from './api';

/** Links the ticket to a customer found by name, phone or address (an unlinked public report, typically). */
export function CustomerLink({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['customers', 'picker', q],
    queryFn: async ({ signal }) => (await api.get<{ items: CustomerView[] }>('/api/v1/customers', { q: q || undefined, limit: 20 }, signal)).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
  const link = useTicketAction(ticket.id, (customerId: string | null) => api.patch<TicketDetail>(`/api/v1/tickets/${ticket.id}`, { customerId, version: ticket.version }));
  return (
    <Select
      size="small"
      allowClear
      style={{ minWidth: 200 }}
      placeholder={t('tk.link.customer')}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={ticket.customer?.id}
      loading={link.isPending}
      notFoundContent={found.isFetching ? <Spin size="small" /> : null}
      onChange={(v?: string) => link.mutate(v ?? null, { onError: (err) => { message.error(errorMessage(err)); } })}
      options={[
        ...(ticket.customer ? [{ value: ticket.customer.id, label: ticket.customer.name }] : []),
        ...(found.data ?? []).filter((c) => c.id !== ticket.customer?.id).map((c) => ({ value: c.id, label: [c.name, c.address?.compound, c.phones[0]].filter(Boolean).join(' · ') })),
      ]}
      data-testid="ticket-link-customer"
    />
  );
}

type Tx = { id: string; occurredAt: string; type: string; amountFen: number };

/** Links one of the customer's transactions (a payment the complaint is about, say). */
export function TransactionLink({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const customerId = ticket.customer?.id ?? '';
  const txs = useQuery({
    queryKey: ['tickets', 'transactions', customerId],
    queryFn: async ({ signal }) => (await api.get<{ items: Tx[] }>(`/api/v1/customers/${customerId}/transactions`, { limit: 50 }, signal)).items,
    enabled: !!customerId,
  });
  const link = useTicketAction(ticket.id, (transactionId: string | null) => api.patch<TicketDetail>(`/api/v1/tickets/${ticket.id}`, { transactionId, version: ticket.version }));
  if (!customerId) return null;
  return (
    <Select
      size="small"
      allowClear
      style={{ minWidth: 200 }}
      placeholder={t('tk.link.transaction')}
      value={ticket.transactionId ?? undefined}
      loading={txs.isFetching || link.isPending}
      onChange={(v?: string) => link.mutate(v ?? null, { onError: (err) => { message.error(errorMessage(err)); } })}
      options={(txs.data ?? []).map((x) => ({ value: x.id, label: `${formatDateTime(x.occurredAt)} · ${t(`transactions.type.${x.type}` as never)} · ${formatFen(x.amountFen)}` }))}
    />
  );
}

/** The contact's phone, masked; customer:pii holders reveal it (audited on the server). */
export function ContactPhone({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [full, setFull] = useState<string | null>(null);
  if (!ticket.contactPhone) return null;
  return (
    <>
      <span data-testid="ticket-contact-phone">{full ?? ticket.contactPhone}</span>
      {!full && can('customer:pii') ? (
        <Button
          type="link"
          size="small"
          onClick={() =>
            api.post<{ contactPhone: string | null }>(`/api/v1/tickets/${ticket.id}/reveal`).then(
              (r) => setFull(r.contactPhone),
              (err: unknown) => message.error(errorMessage(err)),
            )
          }
        >
          {t('tk.reveal')}
        </Button>
      ) : null}
    </>
  );
}
