import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Checkbox, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { useRefetchWhileVisible, useUrlFilters } from '../../platform/urlState';
import { KeysetPager } from '../../platform/KeysetPager';
import { SlaClock } from './sla/SlaClock';
import { TICKET_STATUSES, TICKET_TYPES, useTicketCategories, useTicketQueue, useTicketUsers, type TicketSummary } from './api';
import { NewTicketDialog } from './NewTicketDialog';
import { categoryOptions, StatusTag, Stars, TypeTag, useCategoryName } from './parts';
import { paramsFromQueue, queueFromParams, SLA_STATES } from './queueParams';

/** The queue is refreshed this often while the page is visible (new tickets, SLA clocks). */
const REFRESH_MS = 30_000;

/**
 * 工单 queue: filters (status, type, category, assignee, mine, SLA state, search) kept in the URL (queueParams.ts), so
 * the home page's links land on the filtered list; the SLA clock on each row, keyset pages (上一页 / 下一页) with the
 * number of matching tickets.
 */
export function TicketQueuePage() {
  const t = useT();
  const { lang } = useI18n();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const q = useMemo(() => queueFromParams(params), [params]);
  const qKey = JSON.stringify(q);
  const [creating, setCreating] = useState(false);
  // Keyset pages: a filter change starts again from the first page.
  const tickets = useTicketQueue(q);
  const { refetch } = tickets;
  useRefetchWhileVisible(refetch, REFRESH_MS);
  const categories = useTicketCategories();
  const users = useTicketUsers();
  const categoryName = useCategoryName(categories.data);
  const set = useUrlFilters(q, qKey, (next) => setParams(paramsFromQueue(next), { replace: true })).update;
  return (
    <div data-testid="ticket-queue">
      <PageHeader
        title={t('tk.queue.title')}
        extra={
          can('ticket:write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('tk.new')}
            </Button>
          ) : null
        }
      />
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Input.Search
          key={q.q ?? ''}
          defaultValue={q.q}
          allowClear
          placeholder={t('tk.queue.search')}
          style={{ width: 220 }}
          onSearch={(v) => set({ q: v.trim() || undefined })}
          data-testid="ticket-search"
        />
        <Select
          style={{ width: 140 }}
          value={q.status ?? ''}
          onChange={(v) => set({ status: v || undefined })}
          options={[{ value: '', label: `${t('tk.filter.status')}: ${t('tk.filter.all')}` }, { value: 'open', label: t('tk.filter.open') }, ...TICKET_STATUSES.map((s) => ({ value: s, label: t(`tk.status.${s}`) }))]}
          data-testid="filter-status"
        />
        <Select
          allowClear
          style={{ width: 120 }}
          placeholder={t('tk.filter.type')}
          value={q.type}
          onChange={(v) => set({ type: v })}
          options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tk.type.${x}`) }))}
        />
        <Select allowClear style={{ width: 150 }} placeholder={t('tk.filter.category')} value={q.categoryId} onChange={(v) => set({ categoryId: v })} options={categoryOptions(categories.data ?? [], lang)} />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 150 }}
          placeholder={t('tk.filter.assignee')}
          value={q.assigneeId}
          disabled={q.mine === 'true'}
          onChange={(v) => set({ assigneeId: v })}
          options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
        />
        <Select allowClear style={{ width: 130 }} placeholder={t('tk.filter.sla')} value={q.sla} onChange={(v) => set({ sla: v })} options={SLA_STATES.map((s) => ({ value: s, label: t(`tk.sla.${s}`) }))} />
        <Checkbox checked={q.mine === 'true'} onChange={(e) => set({ mine: e.target.checked ? 'true' : undefined })}>
          {t('tk.queue.mine')}
        </Checkbox>
        {q.createdFrom || q.createdTo ? (
          <Tag closable onClose={() => set({ createdFrom: undefined, createdTo: undefined, merged: undefined })} color="blue" style={{ alignSelf: 'center' }} data-testid="created-filter">
            {t('tk.filter.created', { from: q.createdFrom ?? '…', to: q.createdTo ?? '…' })}
          </Tag>
        ) : null}
      </Flex>
      <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />
      <Table<TicketSummary>
        rowKey="id"
        size="middle"
        loading={tickets.isFetching && (!tickets.data || tickets.isPlaceholderData)}
        dataSource={tickets.data?.items ?? []}
        locale={{ emptyText: t('tk.queue.empty') }}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': 'ticket-row', 'data-number': r.number }) as React.HTMLAttributes<HTMLElement>}
        pagination={false}
        columns={[
          { title: t('tk.col.number'), dataIndex: 'number', width: 80, render: (n: number, r) => <Link to={`/tickets/${r.id}`}>#{n}</Link> },
          {
            title: t('tk.col.title'),
            dataIndex: 'title',
            render: (v: string, r) => (
              <Link to={`/tickets/${r.id}`} data-testid="ticket-title">
                {v}
              </Link>
            ),
          },
          { title: t('tk.field.type'), dataIndex: 'type', width: 80, render: (v) => <TypeTag type={v} /> },
          { title: t('tk.field.category'), dataIndex: 'category', width: 110, render: (_, r) => categoryName(r.categoryId, r.category) },
          { title: t('tk.field.status'), dataIndex: 'status', width: 100, render: (v) => <StatusTag status={v} /> },
          { title: t('tk.col.sla'), key: 'sla', width: 130, render: (_, r) => <SlaClock sla={r.sla as never} compact /> },
          {
            title: t('tk.col.customer'),
            key: 'customer',
            render: (_, r) => (r.customer ? <Link to={`/customers/${r.customer.id}`}>{r.customer.name}</Link> : <Typography.Text type="secondary">{r.contactName}</Typography.Text>),
          },
          { title: t('tk.field.assignee'), key: 'assignee', width: 110, render: (_, r) => r.assignee?.name ?? <Typography.Text type="secondary">{t('tk.unassigned')}</Typography.Text> },
          { title: t('tk.field.rating'), dataIndex: 'rating', width: 120, render: (v: number | null) => <Stars value={v} /> },
          { title: t('tk.col.created'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
        ]}
      />
      <KeysetPager list={tickets} testId="ticket" total={tickets.data ? t('tk.queue.total', { total: tickets.data.total.toLocaleString() }) : undefined} />
      <NewTicketDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
