import { Link } from 'react-router';
import { Card, Checkbox, Empty, Flex, Grid, Typography } from 'antd';
import { ClampText } from '../../platform/ClampText';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { SlaClock } from './sla/SlaClock';
import type { TicketSummary } from './api';
import { StatusTag, TypeTag } from './parts';

/** Phone width (below antd's md breakpoint): the queue shows cards, as the customer list does. */
export function useIsPhone(): boolean {
  return !Grid.useBreakpoint().md;
}

/**
 * The ticket queue at phone width: one card per ticket (number and title, status, type, SLA clock, customer, assignee,
 * created), a selection checkbox when bulk actions are allowed — instead of a 1,380 px table squeezed into 390 px.
 */
export function TicketQueueCards({
  items,
  loading,
  selected,
  onSelect,
}: {
  items: TicketSummary[];
  loading: boolean;
  selected?: string[];
  onSelect?: (ids: string[]) => void;
}) {
  const t = useT();
  return (
    <Flex vertical gap={8} data-testid="ticket-cards">
      {items.map((r) => (
        <Card size="small" key={r.id} data-testid="ticket-card" data-number={r.number}>
          <Flex justify="space-between" align="start" gap={8}>
            <Flex gap={8} align="start" style={{ minWidth: 0 }}>
              {selected && onSelect ? (
                <Checkbox
                  checked={selected.includes(r.id)}
                  onChange={(e) => onSelect(e.target.checked ? [...selected, r.id] : selected.filter((id) => id !== r.id))}
                  aria-label={t('tk.bulk.select', { number: r.number })}
                />
              ) : null}
              <Link to={`/tickets/${r.id}`} data-testid="ticket-title" style={{ minWidth: 0 }}>
                <ClampText text={`#${r.number} ${r.title}`} minWidth={0} />
              </Link>
            </Flex>
            <StatusTag status={r.status} />
          </Flex>
          <Flex wrap gap={8} align="center" style={{ marginTop: 6 }}>
            <TypeTag type={r.type} />
            <SlaClock sla={r.sla as never} compact />
          </Flex>
          {r.customer || r.contactName ? (
            <div style={{ marginTop: 6 }} data-testid="ticket-card-customer">
              {r.customer ? (
                <Link to={`/customers/${r.customer.id}`}>
                  <ClampText text={r.customer.name} lines={1} minWidth={0} />
                </Link>
              ) : (
                <Typography.Text type="secondary">
                  <ClampText text={r.contactName ?? ''} lines={1} minWidth={0} />
                </Typography.Text>
              )}
            </div>
          ) : null}
          <Flex justify="space-between" wrap gap={8} style={{ marginTop: 6 }}>
            <Typography.Text type="secondary">{r.assignee?.name ?? t('tk.unassigned')}</Typography.Text>
            <Typography.Text type="secondary">{formatDateTime(r.createdAt)}</Typography.Text>
          </Flex>
        </Card>
      ))}
      {!items.length && !loading ? <Empty description={t('tk.queue.empty')} /> : null}
    </Flex>
  );
}
