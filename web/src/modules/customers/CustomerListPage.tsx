import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { App, Badge, Button, Card, Checkbox, Empty, Flex, Grid, Input, Table, Tag } from 'antd';
import { DeleteOutlined, DownloadOutlined, FilterOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api, download, errorMessage } from '../../platform/api';
import { useUrlFilters } from '../../platform/urlState';
import { KeysetPager } from '../../platform/KeysetPager';
import { useKeysetPages } from '../../platform/usePagedList';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { endOfDayIso, formatDateTime, startOfDayIso } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { ColumnChooser, columnsFromParams, SavedViews, searchOfView, withColumns } from '../../platform/SavedViews';
import { ImportButton } from '../imports';
import { DemoProgress } from '../demo';
import { customerKeys, type CustomerPage, type CustomerView, type ListFilters } from './api';
import { BulkTagBar } from './BulkTags';
import { CustomerFilters } from './CustomerFilters';
import { CustomerName, CustomerCard } from './CustomerSummary';
import { formatAddress, STAGE_COLOR } from './labels';
import { activeFilterCount, filtersFromParams, paramsFromFilters } from './listState';
import { CustomerTags } from './tags';
import { checkboxSelection, useKeptSelection } from '../../platform/rowSelection';

const PAGE_SIZE = 20;
/** The desktop table's columns a user may hide (`cols=` in the URL, saved with a view). */
const LIST_COLUMNS = ['name', 'phones', 'address', 'stage', 'tags', 'ownerName', 'createdAt'] as const;
const COLUMN_TITLES = {
  name: 'field.name',
  phones: 'field.phones',
  address: 'field.address',
  stage: 'field.stage',
  tags: 'field.tags',
  ownerName: 'field.ownerId',
  createdAt: 'field.createdAt',
} as const;

/** The API query for the filters: calendar days become whole days in the display zone. */
function apiQuery(f: ListFilters) {
  return {
    ...f,
    createdFrom: f.createdFrom ? startOfDayIso(dayjs(f.createdFrom)) : undefined,
    createdTo: f.createdTo ? endOfDayIso(dayjs(f.createdTo)) : undefined,
  };
}

/** The segment filter (?segment=<id>, from a segment's page) as a removable chip naming the segment. */
function SegmentChip({ id, onRemove }: { id: string; onRemove: () => void }) {
  const t = useT();
  // Read over HTTP (the segments module imports this one, not the reverse); without its name the chip still says so.
  const segment = useQuery({
    queryKey: ['customers', 'segment-name', id],
    queryFn: ({ signal }) => api.get<{ name: string }>(`/api/v1/segments/${id}`, undefined, signal),
    retry: false,
  });
  const name = segment.data?.name;
  return (
    <Tag closable onClose={onRemove} color="blue" style={{ alignSelf: 'center', marginInlineEnd: 0 }} data-testid="segment-filter">
      {name ? t('customers.segmentFilter', { name }) : t('customers.segmentFilterUnnamed')}
    </Tag>
  );
}

/** The filters other pages link to (a segment, an analytics tier or risk level), each a removable chip. */
function LinkedFilterChips({ filters, update }: { filters: ListFilters; update: (patch: Partial<ListFilters>) => void }) {
  const t = useT();
  const chip = { alignSelf: 'center', marginInlineEnd: 0 } as const;
  return (
    <>
      {filters.segment ? <SegmentChip id={filters.segment} onRemove={() => update({ segment: undefined })} /> : null}
      {filters.valueTier ? (
        <Tag closable onClose={() => update({ valueTier: undefined })} color="gold" style={chip} data-testid="tier-filter">
          {t('customers.tierFilter', { tier: t(`customers.tier.${filters.valueTier}`) })}
        </Tag>
      ) : null}
      {filters.churnLevel ? (
        <Tag closable onClose={() => update({ churnLevel: undefined })} color="red" style={chip} data-testid="churn-filter">
          {t('customers.churnFilter', { level: t(`customers.churn.${filters.churnLevel}`) })}
        </Tag>
      ) : null}
    </>
  );
}

/** The list's actions: trash, export (CSV, Excel), import and a new customer, as the user's permissions allow. */
function ListActions({ filters, onTrash }: { filters: ListFilters; onTrash: () => void }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [exporting, setExporting] = useState(false);

  const exportList = async (format: 'csv' | 'xlsx') => {
    setExporting(true);
    try {
      const { sort: _s, order: _o, ...rest } = apiQuery(filters);
      await download(`/api/v1/customers/export.${format}`, rest, `customers.${format}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      {can('customer:delete') ? (
        <Button icon={<DeleteOutlined />} onClick={onTrash}>
          {t('customers.trash')}
        </Button>
      ) : null}
      {can('customer:export') ? (
        <>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportList('csv')}>
            {t('customers.export')}
          </Button>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportList('xlsx')}>
            {t('customers.exportXlsx')}
          </Button>
        </>
      ) : null}
      <ImportButton />
      {can('customer:write') ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/customers/new')}>
          {t('customers.new')}
        </Button>
      ) : null}
    </>
  );
}

/** The table's columns (a restore button in the trash) and the restore itself. */
function useListColumns(trash: boolean) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const restore = useMutation({
    mutationFn: (c: CustomerView) => api.post<CustomerView>(`/api/v1/customers/${c.id}/restore`),
    onSuccess: (c) => {
      message.success(t('customers.restored', { name: c.name }));
      void qc.invalidateQueries({ queryKey: customerKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const columns = [
    {
      title: t('field.name'),
      key: 'name',
      width: 160,
      render: (_: unknown, c: CustomerView) => <CustomerName customer={c} />,
    },
    { key: 'phones', title: t('field.phones'), dataIndex: 'phones', width: 130, render: (p: string[]) => p.join(t('sep.comma')) || t('common.none') },
    { title: t('field.address'), key: 'address', render: (_: unknown, c: CustomerView) => formatAddress(c.address) || t('common.none') },
    { key: 'stage', title: t('field.stage'), dataIndex: 'stage', width: 110, render: (s: CustomerView['stage']) => <Tag color={STAGE_COLOR[s]}>{t(`stage.${s}`)}</Tag> },
    {
      key: 'tags',
      title: t('field.tags'),
      dataIndex: 'tags',
      width: 160,
      render: (tags: string[]) => <CustomerTags tags={tags} testId="row-tags" />,
    },
    { key: 'ownerName', title: t('field.ownerId'), dataIndex: 'ownerName', width: 110, render: (v: string | null) => v ?? t('common.none') },
    trash
      ? { key: 'deletedAt', title: t('customers.deletedAt'), dataIndex: 'deletedAt', width: 150, render: formatDateTime }
      : { key: 'createdAt', title: t('field.createdAt'), dataIndex: 'createdAt', width: 150, render: formatDateTime },
    ...(trash && can('customer:delete')
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            render: (_: unknown, c: CustomerView) => (
              <Button size="small" icon={<RollbackOutlined />} loading={restore.isPending && restore.variables?.id === c.id} onClick={() => restore.mutate(c)}>
                {t('common.restore')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return { restore, columns };
}

/** 「视图」 and 「列」: saved views of the list and the desktop table's visible columns (phones show cards: no chooser). */
function ViewControls({ params, setParams, visible, isPhone }: { params: URLSearchParams; setParams: (p: URLSearchParams, o?: { replace: boolean }) => void; visible: string[]; isPhone: boolean }) {
  const t = useT();
  return (
    <>
      <SavedViews page="customers" search={params.toString()} columns={isPhone ? undefined : visible} onApply={(state) => setParams(searchOfView(state))} />
      {isPhone ? null : (
        <ColumnChooser
          columns={LIST_COLUMNS.map((key) => ({ key, title: t(COLUMN_TITLES[key]) }))}
          visible={visible}
          onChange={(keys) => setParams(withColumns(params, keys, LIST_COLUMNS), { replace: true })}
        />
      )}
    </>
  );
}

/**
 * Customers: search, filters, sort, keyset pages (previous / next), total, trash with restore, CSV export, and row
 * selection for bulk tagging (for holders of customer:write or tag:manage, as the server allows) and for adding to a
 * static list (segment:manage).
 */
export function CustomerListPage() {
  const t = useT();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const isPhone = !screens.md;
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const filtersKey = JSON.stringify(filters);
  const trash = filters.deleted === 'only';
  const [showFilters, setShowFilters] = useState<boolean | null>(null);
  const filtersOpen = showFilters ?? (!isPhone || activeFilterCount(filters) > 0);
  const canTag = can('customer:write') || can('tag:manage');
  const canList = can('segment:manage');
  const canBulk = !trash && (canTag || canList);

  // Keyset paging, a page at a time: back to the first page whenever the filters change.
  const list = useKeysetPages<CustomerPage>({
    queryKey: (cursor) => customerKeys.list(filters, cursor),
    path: '/api/v1/customers',
    query: { ...apiQuery(filters), withTotal: 'true' },
    limit: PAGE_SIZE,
    resetKey: filtersKey,
  });

  const { restore, columns } = useListColumns(trash);
  const total = list.data?.total;
  const totalText =
    total !== null && total !== undefined ? t(list.data?.totalExact === false ? 'customers.totalAbout' : 'customers.total', { total: total.toLocaleString() }) : undefined;

  // The visible columns of the desktop table (not in the trash); the filters' writes keep them.
  const visibleCols = columnsFromParams(params, LIST_COLUMNS) ?? [...LIST_COLUMNS];
  const shownColumns = trash ? columns : columns.filter((c) => !(LIST_COLUMNS as readonly string[]).includes(c.key) || visibleCols.includes(c.key));
  const { replace: setFilters, update } = useUrlFilters(filters, filtersKey, (next) =>
    setParams(withColumns(paramsFromFilters(next), next.deleted === 'only' ? null : columnsFromParams(params, LIST_COLUMNS)), { replace: true }),
  );

  const items = list.data?.items ?? [];
  // The customers selected for bulk tagging (or a static list): kept across pages, dropped when the filters change.
  const { selected, select, clear: clearSelection } = useKeptSelection(filtersKey, items);
  const toggle = (c: CustomerView, on: boolean) => select(on ? [...selected.map((x) => x.id), c.id] : selected.filter((x) => x.id !== c.id).map((x) => x.id));
  const filterCount = activeFilterCount(filters);

  return (
    <>
      {trash ? null : <DemoProgress />}
      <PageHeader
        title={trash ? t('customers.trashTitle') : t('customers.title')}
        back={trash ? '/customers' : undefined}
        extra={trash ? null : <ListActions filters={filters} onTrash={() => setParams({ trash: '1' })} />}
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap>
          <Input.Search
            key={filters.q ?? ''}
            defaultValue={filters.q}
            placeholder={t('customers.searchPlaceholder')}
            aria-label={t('customers.searchPlaceholder')}
            allowClear
            enterButton={t('common.search')}
            onSearch={(v) => update({ q: v.trim() || undefined })}
            style={{ flex: '1 1 280px', maxWidth: 520 }}
            maxLength={100}
          />
          <Badge count={filterCount} size="small">
            <Button icon={<FilterOutlined />} onClick={() => setShowFilters(!filtersOpen)} aria-expanded={filtersOpen}>
              {t('customers.filters')}
            </Button>
          </Badge>
          <LinkedFilterChips filters={filters} update={update} />
          {trash ? null : <ViewControls params={params} setParams={setParams} visible={visibleCols} isPhone={isPhone} />}
          {filterCount ? (
            <Button type="link" onClick={() => setFilters({ q: filters.q, deleted: filters.deleted })}>
              {t('customers.clearFilters')}
            </Button>
          ) : null}
        </Flex>
        {filtersOpen ? (
          <div style={{ marginTop: 12 }}>
            <CustomerFilters filters={filters} onChange={update} />
          </div>
        ) : null}
      </Card>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      {canBulk ? <BulkTagBar selected={selected} onClear={clearSelection} canTag={canTag} canList={canList} /> : null}
      {isPhone ? (
        <Flex vertical gap={8} data-testid="customer-cards">
          {items.map((c) => (
            <CustomerCard
              key={c.id}
              customer={c}
              extra={
                trash && can('customer:delete') ? (
                  <Button size="small" icon={<RollbackOutlined />} onClick={() => restore.mutate(c)}>
                    {t('common.restore')}
                  </Button>
                ) : null
              }
              leading={
                canBulk ? (
                  <Checkbox
                    checked={selected.some((x) => x.id === c.id)}
                    onChange={(e) => toggle(c, e.target.checked)}
                    aria-label={t('tags.bulk.select', { name: c.name })}
                  />
                ) : null
              }
            />
          ))}
          {!items.length && !list.isPending ? <Empty description={t('customers.empty')} /> : null}
          <KeysetPager list={list} testId="customer" total={totalText} compact={isPhone} />
        </Flex>
      ) : (
        <Card size="small">
          <Table<CustomerView>
            rowKey="id"
            size="middle"
            loading={list.isFetching}
            dataSource={items}
            columns={shownColumns}
            rowSelection={
              canBulk
                ? checkboxSelection<CustomerView>(
                    selected.map((c) => c.id),
                    select,
                    (c) => t('tags.bulk.select', { name: c.name }),
                  )
                : undefined
            }
            pagination={false}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <Empty description={t('customers.empty')} /> }}
          />
          <KeysetPager list={list} testId="customer" total={totalText} compact={isPhone} />
        </Card>
      )}
      {!trash ? null : (
        <div style={{ marginTop: 12 }}>
          <Link to="/customers">{t('customers.backToList')}</Link>
        </div>
      )}
    </>
  );
}
