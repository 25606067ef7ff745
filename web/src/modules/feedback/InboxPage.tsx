import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button, Checkbox, DatePicker, Flex, Grid, Input, Select, Table, Tag, TreeSelect, Typography } from 'antd';
import { ApartmentOutlined, ImportOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { checkboxSelection, useKeptSelection } from '../../platform/rowSelection';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { useRefetchWhileVisible, useUrlFilters } from '../../platform/urlState';
import { FEEDBACK_SENTIMENTS, FEEDBACK_STATUSES, useFeedbackCategories, useFeedbackList, useFeedbackUsers, type FeedbackItemView, type InboxQuery } from './api';
import { CategoriesDialog } from './CategoriesDialog';
import { FeedbackBulkBar } from './FeedbackBulkBar';
import { RulesDialog } from './RulesDialog';
import { FeedbackDrawer } from './FeedbackDrawer';
import { NewFeedbackDialog } from './NewFeedbackDialog';
import { inboxFromParams, openItemId, paramsFromInbox } from './params';
import { CategoryCell, categoryTree, DueTime, SentimentTag, StatusTag } from './parts';

/** The inbox is refreshed this often while the page is visible (new items from the public page). */
const REFRESH_MS = 60_000;

/** The filter row: status, category, sentiment, owner, the text, the days; all in the URL. */
function Filters({ q, set, phone }: { q: InboxQuery; set: (patch: Partial<InboxQuery>) => void; phone: boolean }) {
  const t = useT();
  // On a phone: the search and the days on a row of their own, the selects two to a row.
  const w = (desktop: number, full = false) => ({ width: phone ? (full ? '100%' : 'calc(50% - 4px)') : desktop });
  const { lang } = useI18n();
  const categories = useFeedbackCategories();
  const users = useFeedbackUsers();
  return (
    <Flex wrap gap={8} style={{ marginBottom: 12 }}>
      <Input.Search
        key={q.q ?? ''}
        defaultValue={q.q}
        allowClear
        placeholder={t('fb.search')}
        style={w(200, true)}
        onSearch={(v) => set({ q: v.trim() || undefined })}
        data-testid="fb-search"
      />
      <Select
        allowClear
        style={w(120)}
        placeholder={t('fb.filter.status')}
        value={q.status}
        onChange={(v) => set({ status: v })}
        options={FEEDBACK_STATUSES.map((s) => ({ value: s, label: t(`fb.status.${s}`) }))}
        aria-label={t('fb.filter.status')}
        data-testid="fb-filter-status"
      />
      <TreeSelect
        allowClear
        treeDefaultExpandAll
        style={w(150)}
        placeholder={t('fb.filter.category')}
        value={q.categoryId}
        onChange={(v?: string) => set({ categoryId: v })}
        treeData={categoryTree(categories.data ?? [], lang, q.categoryId)}
        aria-label={t('fb.filter.category')}
      />
      <Select
        allowClear
        style={w(110)}
        placeholder={t('fb.filter.sentiment')}
        value={q.sentiment}
        onChange={(v) => set({ sentiment: v })}
        options={FEEDBACK_SENTIMENTS.map((s) => ({ value: s, label: t(`fb.sentiment.${s}`) }))}
        aria-label={t('fb.filter.sentiment')}
      />
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        style={w(140)}
        placeholder={t('fb.filter.owner')}
        value={q.ownerId}
        onChange={(v?: string) => set({ ownerId: v })}
        options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
        aria-label={t('fb.filter.owner')}
      />
      <DatePicker.RangePicker
        style={phone ? { width: 'calc(100% - 90px)' } : { width: 240 }}
        allowEmpty={[true, true]}
        value={[q.from ? dayjs(q.from) : null, q.to ? dayjs(q.to) : null]}
        onChange={(v) => set({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
      />
      <Checkbox checked={q.deleted === 'only'} onChange={(e) => set({ deleted: e.target.checked ? 'only' : undefined })} style={{ alignSelf: 'center' }}>
        {t('fb.filter.deleted')}
      </Checkbox>
      {q.customerId ? (
        <Tag closable color="blue" onClose={() => set({ customerId: undefined })} style={{ alignSelf: 'center' }}>
          {t('fb.filter.customer')}
        </Tag>
      ) : null}
      {q.keyword ? (
        <Tag closable color="blue" onClose={() => set({ keyword: undefined })} style={{ alignSelf: 'center' }} data-testid="fb-filter-keyword">
          {t('fb.filter.keyword', { word: q.keyword })}
        </Tag>
      ) : null}
      {q.compound ? (
        <Tag closable color="blue" onClose={() => set({ compound: undefined })} style={{ alignSelf: 'center' }} data-testid="fb-filter-compound">
          {t('fb.filter.compound', { name: q.compound })}
        </Tag>
      ) : null}
    </Flex>
  );
}

function useColumns(phone: boolean) {
  const t = useT();
  const columns = [
    { title: t('fb.col.number'), dataIndex: 'number', width: 72, render: (n: number) => <Typography.Link data-testid="fb-number">#{n}</Typography.Link> },
    { title: t('fb.col.time'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
    {
      title: t('fb.col.customer'),
      key: 'customer',
      width: 120,
      render: (_: unknown, r: FeedbackItemView) =>
        r.customer ? (
          <Link to={`/customers/${r.customer.id}`} onClick={(e) => e.stopPropagation()} data-testid="fb-customer">
            {r.customer.name}
          </Link>
        ) : (
          <Typography.Text type="secondary">{r.contactName ?? r.contactPhone ?? t('fb.anonymous')}</Typography.Text>
        ),
    },
    {
      title: t('fb.col.text'),
      dataIndex: 'text',
      ellipsis: { showTitle: false },
      render: (v: string) => (
        <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: '100%' }} data-testid="fb-text-cell">
          {v}
        </Typography.Text>
      ),
    },
    { title: t('fb.col.category'), key: 'category', width: 170, render: (_: unknown, r: FeedbackItemView) => <CategoryCell item={r} /> },
    { title: t('fb.col.sentiment'), key: 'sentiment', width: 80, render: (_: unknown, r: FeedbackItemView) => <SentimentTag item={r} /> },
    { title: t('fb.col.status'), dataIndex: 'status', width: 90, render: (_: unknown, r: FeedbackItemView) => <StatusTag status={r.status} /> },
    { title: t('fb.col.owner'), key: 'owner', width: 100, render: (_: unknown, r: FeedbackItemView) => r.owner?.name ?? <Typography.Text type="secondary">{t('fb.unassigned')}</Typography.Text> },
    { title: t('fb.col.due'), dataIndex: 'dueAt', width: 150, render: (_: unknown, r: FeedbackItemView) => <DueTime item={r} /> },
  ];
  if (!phone) return columns;
  // On a phone the words come first (the rest scrolls sideways inside the table).
  const [num, time, customer, text, ...rest] = columns;
  return [num!, { ...text!, width: 180 }, ...rest.slice(0, 2), customer!, time!, ...rest.slice(2)];
}

/**
 * 客户反馈 inbox: every piece of customer voice, newest first, with its analysis (category or the suggestion, sentiment),
 * owner and deadline; filters in the URL (params.ts), 加载更多 pages, a new item, and the item's drawer (`?item=`). Rows can
 * be selected (kept across pages, dropped when the filters change) for the bulk bar: 分配给…, 更改状态, 设置分类
 * (FeedbackBulkBar.tsx); administrators edit the assignment rules and the inbound channels (RulesDialog.tsx).
 */
export function InboxPage() {
  const t = useT();
  const { can } = useAuth();
  const isPhone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const q = useMemo(() => inboxFromParams(params), [params]);
  const qKey = JSON.stringify(q);
  const itemId = openItemId(params);
  const [creating, setCreating] = useState(false);
  const [managing, setManaging] = useState(false);
  const [rules, setRules] = useState(false);
  const navigate = useNavigate();
  const list = useFeedbackList(q);
  const { refetch } = list;
  useRefetchWhileVisible(refetch, REFRESH_MS);
  const set = useUrlFilters(q, qKey, (next) => setParams(paramsFromInbox(next, itemId), { replace: true })).update;
  const open = (id: string | null) => setParams(paramsFromInbox(q, id));
  const columns = useColumns(isPhone);
  const canBulk = can('feedback:manage') && q.deleted !== 'only';
  const { selected, select, clear } = useKeptSelection(qKey, list.items);
  return (
    <div data-testid="fb-inbox">
      <PageHeader
        title={t('fb.title')}
        extra={
          <>
            {can('settings:manage') ? (
              <Button icon={<ApartmentOutlined />} onClick={() => setRules(true)} data-testid="fb-rules">
                {t('fb.rules.manage')}
              </Button>
            ) : null}
            {can('feedback:manage') ? (
              <Button icon={<ImportOutlined />} onClick={() => navigate('/imports?kind=feedback')} data-testid="fb-import">
                {t('fb.import')}
              </Button>
            ) : null}
            {can('feedback:manage') ? (
              <Button icon={<SettingOutlined />} onClick={() => setManaging(true)} data-testid="fb-categories">
                {t('fb.cat.manage')}
              </Button>
            ) : null}
            {can('feedback:manage') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="fb-new">
                {t('fb.new')}
              </Button>
            ) : null}
          </>
        }
      />
      <Filters q={q} set={set} phone={isPhone} />
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      {canBulk ? <FeedbackBulkBar selected={selected} onClear={clear} /> : null}
      <Table<FeedbackItemView>
        rowKey="id"
        size="middle"
        loading={list.isPending && list.fetchStatus !== 'idle'}
        dataSource={list.items}
        columns={columns}
        locale={{ emptyText: t('fb.empty') }}
        scroll={{ x: isPhone ? 1100 : 1060 }}
        pagination={false}
        rowSelection={canBulk ? checkboxSelection<FeedbackItemView>(selected.map((r) => r.id), select, (r) => t('fb.bulk.select', { number: r.number })) : undefined}
        rowClassName={(r) => (r.id === itemId ? 'ant-table-row-selected' : '')}
        onRow={(r) =>
          ({
            // A click on the row opens it; a click in the check-box column only picks it.
            onClick: (e: React.MouseEvent) => {
              if (!(e.target as HTMLElement).closest('.ant-table-selection-column')) open(r.id);
            },
            style: { cursor: 'pointer' },
            'data-testid': 'fb-row',
            'data-number': r.number,
          }) as React.HTMLAttributes<HTMLElement>
        }
      />
      <LoadMoreFooter shown={list.items.length ? t('fb.shown', { n: list.items.length }) : null} count={list.items.length} query={list} />
      <NewFeedbackDialog open={creating} onClose={() => setCreating(false)} onCreated={(item) => open(item.id)} />
      {managing ? <CategoriesDialog onClose={() => setManaging(false)} /> : null}
      {rules ? <RulesDialog onClose={() => setRules(false)} /> : null}
      <FeedbackDrawer id={itemId} onClose={() => open(null)} fullWidth={isPhone} />
    </div>
  );
}
