import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Empty, List, Space, Typography } from 'antd';
import { FileAddOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, Loading } from '../../platform/ui';
import { registerCustomerAction, registerCustomerTab, type CustomerActionContext, type CustomerView } from '../customers';
import { SlaClock } from './sla/SlaClock';
import { useCustomerTickets } from './api';
import { NewTicketDialog } from './NewTicketDialog';
import { StatusTag, Stars, TypeTag } from './parts';

/** 新建工单 in the customer page's header. */
function NewTicketButton({ customer }: CustomerActionContext) {
  const t = useT();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  if (!can('ticket:write')) return null;
  return (
    <>
      <Button icon={<FileAddOutlined />} onClick={() => setOpen(true)} data-testid="customer-new-ticket">
        {t('tk.new')}
      </Button>
      <NewTicketDialog open={open} onClose={() => setOpen(false)} customer={{ id: customer.id, name: customer.name }} />
    </>
  );
}

/**
 * 工单 on the customer page: the customer's tickets with status, SLA clock and the household's rating, newest first,
 * with "load more".
 */
function TicketsTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const tickets = useCustomerTickets(customer.id);
  if (tickets.isPending) return <Loading />;
  const total = tickets.data?.pages[0]?.total ?? 0;
  return (
    <div data-testid="customer-tickets">
      <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />
      {tickets.items.length ? (
        <List
          dataSource={tickets.items}
          renderItem={(tk) => (
            <List.Item data-testid="customer-ticket" data-number={tk.number} extra={<Stars value={tk.rating} />}>
              <List.Item.Meta
                title={
                  <Space wrap>
                    <Link to={`/tickets/${tk.id}`}>
                      #{tk.number} {tk.title}
                    </Link>
                    <TypeTag type={tk.type} />
                    <StatusTag status={tk.status} />
                    <SlaClock sla={tk.sla as never} compact />
                  </Space>
                }
                description={
                  <Typography.Text type="secondary">
                    {formatDateTime(tk.createdAt)} · {tk.assignee?.name ?? t('tk.unassigned')}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Empty description={t('tk.customerTab.empty')} />
      )}
      {tickets.items.length ? <LoadMoreFooter shown={t('tk.customerTab.shown', { n: tickets.items.length, total })} count={tickets.items.length} query={tickets} /> : null}
    </div>
  );
}

registerCustomerTab({ key: 'tickets', label: 'tk.tab', order: 35, render: (ctx) => <TicketsTab customer={ctx.customer} /> });
registerCustomerAction({ key: 'new-ticket', order: 30, render: (ctx) => <NewTicketButton {...ctx} /> });
