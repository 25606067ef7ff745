import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { App, Button, Card, Flex, Select, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { useKeysetPages } from '../../platform/usePagedList';
import { formatFen } from '../transactions';
import { fetchTreeLevel, heatingKeys, useArrearsSummary, type ArrearsFilters, type ArrearsPage, type ArrearsRow, type Target } from './api';

const PAGE = 50;
const KEYS = ['compound', 'building', 'unit', 'season'] as const;

/** A picker of one tree level's names (compounds, a compound's buildings, a building's units). */
function LevelSelect({ target, value, onChange, label, enabled, testId }: { target: Target; value?: string; onChange: (v?: string) => void; label: string; enabled: boolean; testId: string }) {
  const names = useQuery({
    queryKey: heatingKeys.tree(target),
    queryFn: ({ signal }) => fetchTreeLevel(target, signal),
    enabled,
    select: (v) => v.items.filter((i) => i.key !== null).map((i) => ({ value: i.key!, label: i.key! })),
  });
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={label}
      aria-label={label}
      value={value}
      onChange={onChange}
      options={names.data ?? []}
      disabled={!enabled}
      style={{ minWidth: 160 }}
      data-testid={testId}
    />
  );
}

/** 欠费: households owing heating fees by season, filtered by compound / building / unit and season, most owed first. */
export function ArrearsPage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const f: ArrearsFilters = {};
    for (const k of KEYS) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [params]);
  const set = (patch: Partial<ArrearsFilters>) => {
    const next: ArrearsFilters = { ...filters, ...patch };
    setParams(Object.fromEntries(KEYS.filter((k) => next[k]).map((k) => [k, next[k]!])), { replace: true });
  };
  const key = JSON.stringify(filters);
  const summary = useArrearsSummary(filters, false);
  const running = !!summary.data?.running;
  const polling = useArrearsSummary(filters, running);
  const page = useKeysetPages<ArrearsPage>({ queryKey: (cursor) => heatingKeys.arrears(filters, cursor), path: '/api/v1/heating/arrears', query: filters, limit: PAGE, resetKey: key });
  const rebuild = useMutation({
    mutationFn: () => api.post('/api/v1/heating/arrears/rebuild'),
    onSuccess: () => {
      void message.info(t('heating.arrears.rebuilt'));
      void qc.invalidateQueries({ queryKey: heatingKeys.all });
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const s = polling.data ?? summary.data;

  const columns: TableColumnsType<ArrearsRow> = [
    {
      key: 'customer',
      title: t('heating.col.customer'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/customers/${r.customerId}`}>{r.name}</Link>
          {r.customerNo ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.customerNo}</Typography.Text> : null}
        </Space>
      ),
    },
    { key: 'address', title: t('heating.col.address'), render: (_, r) => [r.compound, r.building, r.unit, r.room].filter(Boolean).join(' ') },
    { key: 'phone', title: t('heating.col.phone'), dataIndex: 'phone', width: 140 },
    {
      key: 'seasons',
      title: t('heating.col.seasons'),
      render: (_, r) => (
        <Space size={[4, 4]} wrap>
          {r.seasons.map((x) => (
            <Tag key={x.season} color={x.basis === 'bill' ? 'blue' : 'orange'} title={t(`heating.basis.${x.basis}`)}>
              {t('heating.seasonOwed', { season: x.season, amount: formatFen(x.owedFen) })}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'owed', title: t('heating.col.owed'), align: 'right', width: 140, render: (_, r) => <Typography.Text strong>{formatFen(r.owedFen)}</Typography.Text> },
  ];

  return (
    <>
      <PageHeader
        title={t('heating.arrears.title')}
        subtitle={s ? t('heating.arrears.subtitle', { season: s.dueSeason }) : undefined}
        extra={
          can('customer:write') ? (
            <Button icon={<ReloadOutlined />} loading={rebuild.isPending || running} onClick={() => rebuild.mutate()} data-testid="arrears-rebuild">
              {running ? t('heating.arrears.rebuilding') : t('heating.arrears.rebuild')}
            </Button>
          ) : null
        }
      />
      {summary.error ? <ErrorAlert error={summary.error} /> : null}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <LevelSelect target={{}} value={filters.compound} onChange={(v) => set({ compound: v, building: undefined, unit: undefined })} label={t('heating.filter.compound')} enabled testId="arrears-compound" />
          <LevelSelect target={{ compound: filters.compound }} value={filters.building} onChange={(v) => set({ building: v, unit: undefined })} label={t('heating.filter.building')} enabled={!!filters.compound} testId="arrears-building" />
          <LevelSelect target={{ compound: filters.compound, building: filters.building }} value={filters.unit} onChange={(v) => set({ unit: v })} label={t('heating.filter.unit')} enabled={!!filters.building} testId="arrears-unit" />
          <Select
            allowClear
            placeholder={t('heating.arrears.allSeasons')}
            aria-label={t('heating.arrears.season')}
            value={filters.season}
            onChange={(v?: string) => set({ season: v })}
            options={(s?.seasons ?? []).map((x) => ({ value: x.season, label: x.season }))}
            style={{ minWidth: 160 }}
            data-testid="arrears-season"
          />
        </Flex>
        <Flex gap={32} wrap data-testid="arrears-totals">
          <Statistic title={t('heating.arrears.total')} value={formatFen(s?.total.owedFen ?? 0)} suffix={<Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('heating.arrears.households', { n: s?.total.households ?? 0 })}</Typography.Text>} />
          {(s?.seasons ?? []).map((x) => (
            <Statistic key={x.season} title={x.season} value={formatFen(x.owedFen)} suffix={<Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('heating.arrears.households', { n: x.households })}</Typography.Text>} />
          ))}
        </Flex>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
          {t('heating.arrears.rule')}
          {s?.lastRun?.finishedAt ? ` ${t('heating.arrears.lastRun', { time: formatDateTime(s.lastRun.finishedAt), season: s.lastRun.dueSeason })}` : ''}
        </Typography.Paragraph>
      </Card>
      {page.error ? <ErrorAlert error={page.error} /> : null}
      <Card size="small">
        <Table<ArrearsRow>
          rowKey="customerId"
          size="middle"
          columns={columns}
          dataSource={page.data?.items ?? []}
          loading={page.isFetching && !page.data}
          pagination={false}
          scroll={{ x: 800 }}
          locale={{ emptyText: t('heating.arrears.none') }}
        />
        <KeysetPager list={page} testId="arrears-pager" total={s ? t('heating.arrears.count', { n: s.total.households, amount: formatFen(s.total.owedFen) }) : undefined} />
      </Card>
    </>
  );
}
