import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Checkbox, Flex, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { useRefetchWhileVisible, useUrlFilters } from '../../platform/urlState';
import { KeysetPager } from '../../platform/KeysetPager';
import { SlaClock } from './sla/SlaClock';
import { TICKET_STATUSES, TICKET_TYPES, useTicketCategories, useTicketQueue, useTicketTags, useTicketUsers, type TicketSummary } from './api';
import { NewTicketDialog } from './NewTicketDialog';
import { categoryOptions, StatusTag, Stars, TypeTag, useCategoryName } from './parts';
import { paramsFromQueue, queueFromParams, SLA_STATES } from './queueParams';
import { TicketBulkBar } from './TicketBulkBar';
import { TagList } from './TicketTags';
import { TicketQueueCards, useIsPhone } from './TicketQueueCards';
import { ClampText } from '../../platform/ClampText';
import { ColumnChooser, columnsFromParams, SavedViews, searchOfView, withColumns } from '../../platform/SavedViews';
import { checkboxSelection, useKeptSelection } from '../../platform/rowSelection';

/** The table's columns, in order (their keys are what `cols=` and a saved view name). */
const QUEUE_COLUMNS = ['number', 'title', 'type', 'category', 'tags', 'status', 'sla', 'customer', 'assignee', 'rating', 'createdAt'] as const;
const COLUMN_TITLES = {
  number: 'tk.col.number',
  title: 'tk.col.title',
  type: 'tk.field.type',
  category: 'tk.field.category',
  tags: 'tk.field.tags',
  status: 'tk.field.status',
  sla: 'tk.col.sla',
  customer: 'tk.col.customer',
  assignee: 'tk.field.assignee',
  rating: 'tk.field.rating',
  createdAt: 'tk.col.created',
} as const;

/** The columns the URL keeps shown (`cols=`, saved with a view; a column's key or else its dataIndex). */
const visibleColumns = (params: URLSearchParams): string[] => columnsFromParams(params, QUEUE_COLUMNS) ?? [...QUEUE_COLUMNS];
const shownColumns = (params: URLSearchParams, columns: TableColumnsType<TicketSummary>) =>
  columns.filter((c) => visibleColumns(params).includes(String(c.key ?? (c as { dataIndex?: string }).dataIndex)));

/** 「视图」 and 「列」 in the toolbar: saved views of the queue and the visible columns (the chooser: not on phones, no table). */
function ViewControls({ params, setParams, isPhone }: { params: URLSearchParams; setParams: (p: URLSearchParams, o?: { replace: boolean }) => void; isPhone: boolean }) {
  const t = useT();
  const visible = visibleColumns(params);
  return (
    <>
      <SavedViews page="tickets" search={params.toString()} columns={visible} onApply={(state) => setParams(searchOfView(state))} />
      {isPhone ? null : (
        <ColumnChooser
          columns={QUEUE_COLUMNS.map((key) => ({ key, title: t(COLUMN_TITLES[key]) }))}
          visible={visible}
          onChange={(keys) => setParams(withColumns(params, keys, QUEUE_COLUMNS), { replace: true })}
        />
      )}
    </>
  );
}

/** The queue is refreshed this often while the page is visible (new tickets, SLA clocks). */
const REFRESH_MS = 30_000;

/**
 * 工单 queue: filters (status, type, category, assignee, mine, SLA state, search) kept in the URL (queueParams.ts), so
 * the home page's links land on the filtered list; the SLA clock on each row, keyset pages (上一页 / 下一页) with the
 * number of matching tickets. Rows can be selected (kept across pages, dropped when the filters change) for the bulk
 * bar: 分配给…, 更改状态, 添加标签 (TicketBulkBar.tsx).
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
  const isPhone = useIsPhone();
  useRefetchWhileVisible(tickets.refetch, REFRESH_MS);
  const categories = useTicketCategories();
  const users = useTicketUsers();
  const categoryName = useCategoryName(categories.data);
  const set = useUrlFilters(q, qKey, (next) => setParams(withColumns(paramsFromQueue(next), columnsFromParams(params, QUEUE_COLUMNS)), { replace: true })).update;
  const tags = useTicketTags();
  const canBulk = can('ticket:write');
  const items = tickets.data?.items ?? [];
  // The selected tickets as last seen (fresh from this page when they are on it), for the filters they were chosen under.
  const { selected, select, clear: clearSelection } = useKeptSelection(qKey, items);
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
        <Select
          allowClear
          showSearch
          style={{ width: 140 }}
          placeholder={t('tk.filter.tag')}
          aria-label={t('tk.filter.tag')}
          value={q.tag}
          onChange={(v?: string) => set({ tag: v })}
          options={[...new Set([...(q.tag ? [q.tag] : []), ...(tags.data ?? []).map((x) => x.tag)])].map((x) => ({ value: x, label: x }))}
          data-testid="filter-tag"
        />
        <Select allowClear style={{ width: 130 }} placeholder={t('tk.filter.sla')} value={q.sla} onChange={(v) => set({ sla: v })} options={SLA_STATES.map((s) => ({ value: s, label: t(`tk.sla.${s}`) }))} />
        <Checkbox checked={q.mine === 'true'} onChange={(e) => set({ mine: e.target.checked ? 'true' : undefined })}>
          {t('tk.queue.mine')}
        </Checkbox>
        <ViewControls params={params} setParams={setParams} isPhone={isPhone} />
        {q.createdFrom || q.createdTo ? (
          <Tag closable onClose={() => set({ createdFrom: undefined, createdTo: undefined, merged: undefined })} color="blue" style={{ alignSelf: 'center' }} data-testid="created-filter">
            {t('tk.filter.created', { from: q.createdFrom ?? '…', to: q.createdTo ?? '…' })}
          </Tag>
        ) : null}
      </Flex>
      <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />
      {canBulk ? <TicketBulkBar selected={selected} onClear={clearSelection} /> : null}
      {isPhone ? (
        <TicketQueueCards items={items} loading={tickets.isFetching && !tickets.data} selected={canBulk ? selected.map((r) => r.id) : undefined} onSelect={select} />
      ) : (
        <Table<TicketSummary>
          rowKey="id"
          size="middle"
          loading={tickets.isFetching && (!tickets.data || tickets.isPlaceholderData)}
          dataSource={items}
          rowSelection={
            canBulk
              ? checkboxSelection<TicketSummary>(
                  selected.map((r) => r.id),
                  select,
                  (r) => t('tk.bulk.select', { number: r.number }),
                )
              : undefined
          }
          locale={{ emptyText: t('tk.queue.empty') }}
          scroll={{ x: 1380 }}
          onRow={(r) => ({ 'data-testid': 'ticket-row', 'data-number': r.number }) as React.HTMLAttributes<HTMLElement>}
          pagination={false}
          columns={shownColumns(params, [
            { key: 'number', title: t('tk.col.number'), dataIndex: 'number', width: 80, render: (n: number, r) => <Link to={`/tickets/${r.id}`}>#{n}</Link> },
            {
              title: t('tk.col.title'),
              dataIndex: 'title',
              render: (v: string, r) => (
                <Link to={`/tickets/${r.id}`} data-testid="ticket-title">
                  <ClampText text={v} maxWidth={360} />
                </Link>
              ),
            },
            { key: 'type', title: t('tk.field.type'), dataIndex: 'type', width: 80, render: (v) => <TypeTag type={v} /> },
            { key: 'category', title: t('tk.field.category'), dataIndex: 'category', width: 110, render: (_, r) => categoryName(r.categoryId, r.category) },
            { key: 'tags', title: t('tk.field.tags'), dataIndex: 'tags', width: 130, render: (v: string[]) => <TagList tags={v} /> },
            { key: 'status', title: t('tk.field.status'), dataIndex: 'status', width: 100, render: (v) => <StatusTag status={v} /> },
            { title: t('tk.col.sla'), key: 'sla', width: 130, render: (_, r) => <SlaClock sla={r.sla as never} compact /> },
            {
              title: t('tk.col.customer'),
              key: 'customer',
              render: (_, r) => (r.customer ? <Link to={`/customers/${r.customer.id}`}>{r.customer.name}</Link> : <Typography.Text type="secondary">{r.contactName}</Typography.Text>),
            },
            { title: t('tk.field.assignee'), key: 'assignee', width: 110, render: (_, r) => r.assignee?.name ?? <Typography.Text type="secondary">{t('tk.unassigned')}</Typography.Text> },
            { key: 'rating', title: t('tk.field.rating'), dataIndex: 'rating', width: 120, render: (v: number | null) => <Stars value={v} /> },
            { key: 'createdAt', title: t('tk.col.created'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
          ])}
        />
      )}
      <KeysetPager list={tickets} testId="ticket" total={tickets.data ? t('tk.queue.total', { total: tickets.data.total.toLocaleString() }) : undefined} />
      <NewTicketDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
