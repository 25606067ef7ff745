import { App, Button, Space, Typography } from 'antd';
import { LinkOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useT } from '../../platform/i18n';
import type { TicketCandidatesView } from '../../../../src/modules/tickets/candidates.contract';
import { useTicketAction, type TicketDetail } from './api';

/**
 * 「可能是：幸福家园 3号楼 2单元 501 …」 under an unlinked ticket's customer: the households its reporter may be (several
 * customers with the phone given, else the households at the address written), each linked with one click.
 */
export function CustomerCandidates({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const found = useQuery({
    queryKey: ['tickets', 'candidates', ticket.id, ticket.version],
    queryFn: ({ signal }) => api.get<TicketCandidatesView>(`/api/v1/tickets/${ticket.id}/customer-candidates`, undefined, signal),
    enabled: !ticket.customer,
  });
  const link = useTicketAction(ticket.id, (customerId: string) => api.patch<TicketDetail>(`/api/v1/tickets/${ticket.id}`, { customerId, version: ticket.version }));
  const items = found.data?.items ?? [];
  if (ticket.customer || !found.data?.by || !items.length) return null;
  return (
    <div data-testid="ticket-candidates" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t(found.data.by === 'phone' ? 'tk.candidates.phone' : 'tk.candidates.address')}</Typography.Text>
      {items.map((c) => (
        <Space key={c.customerId} size={4} wrap style={{ display: 'flex' }} data-testid="ticket-candidate">
          <span>{[c.name, c.address, c.phone].filter(Boolean).join(' · ')}</span>
          <Button
            size="small"
            type="link"
            icon={<LinkOutlined />}
            loading={link.isPending && link.variables === c.customerId}
            onClick={() =>
              link.mutate(c.customerId, {
                onSuccess: () => {
                  void message.success(t('tk.candidates.linked', { name: c.name }));
                },
                onError: (err) => {
                  void message.error(errorMessage(err));
                },
              })
            }
          >
            {t('tk.candidates.link')}
          </Button>
        </Space>
      ))}
    </div>
  );
}
