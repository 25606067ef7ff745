import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Flex, Progress, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { PlayCircleOutlined, SettingOutlined } from '@ant-design/icons';
import { errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { localized, useI18n, type MessageKey } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { formatFen } from '../transactions';
import {
  ANALYTICS_KEY,
  RFM_GROUP_LABELS,
  startRun,
  useChurnPages,
  useClvHistogram,
  useMatrix,
  useMovement,
  useRfm,
  useRun,
  useRuns,
  useTiers,
  type ChurnFilters,
  type ChurnRow,
  type Quadrant,
  type RunDetail,
  type RunView,
  type ValueTier,
} from './api';
import { Chart, type ChartOption } from '../../platform/Chart';
import { diagnosticsOptions } from './diagnosticsCharts';
import { KeysetPager } from '../../platform/KeysetPager';
import { SettingsDrawer } from './SettingsDrawer';
import { FIT_ORDER, FitOutcome, modelName, RfmCutsCard, RunWarnings } from './RunNotes';

export const TIER_COLORS: Record<ValueTier, string> = { high: 'gold', middle: 'blue', low: 'default' };
export const LEVEL_COLORS: Record<string, string> = { high: 'red', medium: 'orange', low: 'green' };

/** 价值分析: run the analysis, then RFM, tiers, the value × loyalty matrix, CLV, churn risk, diagnostics and movement. */
export function AnalyticsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const runs = useRuns();
  const qc = useQueryClient();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const { message } = App.useApp();
  const active = runs.data?.items.find((r) => r.status === 'queued' || r.status === 'running') ?? null;
  const lastDone = runs.data?.items.find((r) => r.status === 'done') ?? null;
  const lastFailed = runs.data?.items[0]?.status === 'failed' ? runs.data.items[0] : null;

  // When a run finishes, every report on the page is out of date.
  const was = useRef<string | null>(null);
  useEffect(() => {
    if (was.current && !active) void qc.invalidateQueries({ queryKey: ANALYTICS_KEY });
    was.current = active?.id ?? null;
  }, [active, qc]);

  const run = async () => {
    setStarting(true);
    try {
      await startRun();
      await qc.invalidateQueries({ queryKey: [...ANALYTICS_KEY, 'runs'] });
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('analytics.title')}
        subtitle={lastDone ? t('analytics.lastRun', { asOf: lastDone.asOf, when: formatDateTime(lastDone.finishedAt) }) : undefined}
        extra={
          <Space>
            {can('analytics:run') ? (
              <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>
                {t('analytics.settings')}
              </Button>
            ) : null}
            {can('analytics:run') ? (
              <Button type="primary" icon={<PlayCircleOutlined />} loading={starting || !!active} onClick={() => void run()} data-testid="analytics-run">
                {t('analytics.run')}
              </Button>
            ) : null}
          </Space>
        }
      />
      {runs.error ? <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} /> : null}
      {active?.interrupted ? (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="analytics-interrupted" title={t('analytics.interrupted', { when: formatDateTime(active.heartbeatAt) })} />
      ) : active ? (
        <RunProgress run={active} />
      ) : null}
      {lastFailed ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('analytics.runFailed', { error: lastFailed.error ?? '' })} /> : null}
      {!runs.isPending && !lastDone && !active ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('analytics.noRun')} /> : null}
      {lastDone ? <Reports lastDone={lastDone} runs={runs.data?.items ?? []} /> : null}
      {settingsOpen ? <SettingsDrawer onClose={() => setSettingsOpen(false)} /> : null}
    </>
  );
}

function RunProgress({ run }: { run: RunView }) {
  const { t } = useI18n();
  const phase = run.progress.phase;
  const percent = phase === 'read' || phase === 'write' ? Math.floor((run.progress.done / Math.max(1, run.progress.total)) * 100) : undefined;
  const label = t(`analytics.phase.${phase}` as MessageKey);
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="analytics-progress"
      title={t('analytics.running', { phase: label })}
      description={percent !== undefined ? <Progress percent={percent} size="small" /> : <Progress percent={99} status="active" showInfo={false} size="small" />}
    />
  );
}

function Reports({ lastDone, runs }: { lastDone: RunView; runs: RunView[] }) {
  const detail = useRun(lastDone.id);
  return (
    <Flex vertical gap={16}>
      {detail.data ? <RunWarnings run={detail.data} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <MatrixCard />
        </Col>
        <Col xs={24} lg={12}>
          <TiersCard />
        </Col>
        <Col xs={24} lg={12}>
          <RfmCard />
        </Col>
        <Col xs={24} lg={12}>
          <ClvCard />
        </Col>
      </Row>
      {detail.data?.diagnostics?.rfm ? <RfmCutsCard cuts={detail.data.diagnostics.rfm} /> : null}
      <ChurnCard />
      {detail.data ? <DiagnosticsCard run={detail.data} /> : null}
      <MovementCard runs={runs.filter((r) => r.status === 'done' && !r.counts?.historyPruned)} />
    </Flex>
  );
}

function MatrixCard() {
  const { t } = useI18n();
  const q = useMatrix();
  const cell = (quadrant: Quadrant) => q.data?.cells.find((c) => c.quadrant === quadrant);
  const box = (quadrant: Quadrant, color: string) => (
    <div style={{ background: color, borderRadius: 6, padding: 12, minHeight: 84 }} data-testid={`quadrant-${quadrant}`}>
      <Typography.Text strong>{t(`analytics.quadrant.${quadrant}`)}</Typography.Text>
      <div style={{ fontSize: 24, fontWeight: 600 }}>{(cell(quadrant)?.count ?? 0).toLocaleString()}</div>
      <Typography.Text type="secondary">CLV {formatFen(cell(quadrant)?.clvFen ?? 0)}</Typography.Text>
    </div>
  );
  return (
    <Card title={t('analytics.matrix')} loading={q.isPending} data-testid="analytics-matrix">
      {q.error ? <ErrorAlert error={q.error} /> : null}
      <table style={{ width: '100%', borderSpacing: 8 }}>
        <thead>
          <tr>
            <th />
            <th>{t('analytics.matrix.notLoyal')}</th>
            <th>{t('analytics.matrix.loyal')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th style={{ width: 72 }}>{t('analytics.matrix.valueHigh')}</th>
            <td>{box('win', '#fff7e6')}</td>
            <td>{box('core', '#f6ffed')}</td>
          </tr>
          <tr>
            <th>{t('analytics.matrix.valueLow')}</th>
            <td>{box('basic', '#fafafa')}</td>
            <td>{box('develop', '#e6f4ff')}</td>
          </tr>
        </tbody>
      </table>
    </Card>
  );
}

function TiersCard() {
  const { t } = useI18n();
  const q = useTiers();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: (q.data?.tiers ?? []).map((x) => t(`analytics.tier.${x.tier}`)) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('analytics.count'), data: (q.data?.tiers ?? []).map((x) => x.count), itemStyle: { color: '#1668dc' } }],
    }),
    [q.data, t],
  );
  return (
    <Card title={t('analytics.tiers')} loading={q.isPending}>
      <Chart option={option} height={220} testId="chart-tiers" />
      <Flex gap={8} wrap>
        {(q.data?.tiers ?? []).map((x) => (
          <Tag key={x.tier} color={TIER_COLORS[x.tier]}>
            {t(`analytics.tier.${x.tier}`)} {x.count.toLocaleString()} · CLV {formatFen(x.clvFen)}
          </Tag>
        ))}
      </Flex>
    </Card>
  );
}

function RfmCard() {
  const { t, lang } = useI18n();
  const q = useRfm();
  const option = useMemo<ChartOption>(() => {
    const cells = q.data?.cells ?? [];
    const max = Math.max(1, ...cells.map((c) => c.count));
    return {
      tooltip: { position: 'top' },
      grid: { left: 60, right: 16, top: 8, bottom: 60 },
      xAxis: { type: 'category', name: t('analytics.rfm.f'), nameLocation: 'middle', nameGap: 28, data: ['1', '2', '3', '4', '5'] },
      yAxis: { type: 'category', name: t('analytics.rfm.r'), nameLocation: 'middle', nameGap: 32, data: ['1', '2', '3', '4', '5'] },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 80, show: false },
      series: [{ type: 'heatmap', data: cells.map((c) => [c.f - 1, c.r - 1, c.count]), label: { show: true } }],
    };
  }, [q.data, t]);
  return (
    <Card title={t('analytics.rfm')} loading={q.isPending}>
      <Chart option={option} height={240} testId="chart-rfm" />
      <Table
        size="small"
        rowKey="group"
        pagination={false}
        dataSource={q.data?.groups ?? []}
        columns={[
          { title: t('analytics.group'), dataIndex: 'group', render: (g: keyof typeof RFM_GROUP_LABELS) => localized(RFM_GROUP_LABELS[g], lang) },
          { title: t('analytics.count'), dataIndex: 'count', align: 'right', render: (n: number) => n.toLocaleString() },
          { title: t('analytics.monetary'), dataIndex: 'monetaryFen', align: 'right', render: (f: number) => formatFen(f) },
        ]}
      />
    </Card>
  );
}

function ClvCard() {
  const { t } = useI18n();
  const q = useClvHistogram();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 16, top: 16, bottom: 48 },
      xAxis: {
        type: 'category',
        name: t('analytics.clv.axis'),
        nameLocation: 'middle',
        nameGap: 30,
        data: (q.data?.buckets ?? []).map((b, i, all) => `${Math.round(b.fromFen / 100)}${i === all.length - 1 ? '+' : ''}`),
      },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: t('analytics.count'), data: (q.data?.buckets ?? []).map((b) => b.count), itemStyle: { color: '#52c41a' } }],
    }),
    [q.data, t],
  );
  return (
    <Card title={t('analytics.clv')} loading={q.isPending}>
      <Chart option={option} height={300} testId="chart-clv" />
    </Card>
  );
}

const CHURN_SORTS: Record<string, ChurnFilters['sort']> = { churnRisk: 'risk', clvFen: 'clv', recencyDays: 'recency', name: 'name' };
const CHURN_PAGE_SIZES = [10, 20, 50];

function ChurnCard() {
  const { t } = useI18n();
  const [q, setQ] = useState<ChurnFilters>({ sort: 'risk', order: 'desc' });
  const [limit, setLimit] = useState(CHURN_PAGE_SIZES[0]!);
  const list = useChurnPages(q, limit);
  return (
    <Card
      title={t('analytics.churn')}
      extra={
        <Space wrap>
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('analytics.allLevels')}
            value={q.level}
            onChange={(level) => setQ({ ...q, level })}
            options={(['high', 'medium', 'low'] as const).map((l) => ({ value: l, label: t(`analytics.level.${l}`) }))}
            data-testid="churn-level"
          />
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('analytics.allTiers')}
            value={q.tier}
            onChange={(tier) => setQ({ ...q, tier })}
            options={(['high', 'middle', 'low'] as const).map((x) => ({ value: x, label: t(`analytics.tier.${x}`) }))}
          />
        </Space>
      }
    >
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<ChurnRow>
        size="small"
        rowKey="customerId"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        data-testid="churn-table"
        scroll={{ x: 900 }}
        pagination={false}
        onChange={(_p, _f, sorter) => {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          const sort = (s?.order && CHURN_SORTS[String(s.field)]) || 'risk';
          setQ({ ...q, sort, order: s?.order === 'ascend' ? 'asc' : 'desc' });
        }}
        columns={[
          { title: t('analytics.churn.customer'), dataIndex: 'name', sorter: true, render: (name: string, r) => <Link to={`/customers/${r.customerId}`}>{name}</Link> },
          {
            title: t('analytics.churn.risk'),
            dataIndex: 'churnRisk',
            sorter: true,
            defaultSortOrder: 'descend',
            width: 110,
            render: (v: number, r) => <Tag color={LEVEL_COLORS[r.churnLevel]}>{v} · {t(`analytics.level.${r.churnLevel}`)}</Tag>,
          },
          { title: t('analytics.churn.reasons'), dataIndex: 'reasons', render: (rs: string[]) => rs.join('；') || '—' },
          { title: t('analytics.churn.tier'), dataIndex: 'valueTier', width: 90, render: (v: ValueTier) => <Tag color={TIER_COLORS[v]}>{t(`analytics.tier.${v}`)}</Tag> },
          { title: t('analytics.churn.clv'), dataIndex: 'clvFen', sorter: true, align: 'right', width: 120, render: (f: number) => formatFen(f) },
          { title: t('analytics.churn.recency'), dataIndex: 'recencyDays', sorter: true, align: 'right', width: 110, render: (d: number | null) => d ?? '—' },
          { title: t('analytics.churn.owner'), dataIndex: 'ownerName', width: 120, render: (n: string | null) => n ?? '—' },
        ]}
      />
      <KeysetPager
        list={list}
        testId="churn"
        total={list.data ? t('common.total', { total: list.data.total.toLocaleString() }) : undefined}
        extra={
          <Select
            size="small"
            value={limit}
            onChange={setLimit}
            aria-label={t('analytics.churn.pageSize')}
            options={CHURN_PAGE_SIZES.map((n) => ({ value: n, label: t('analytics.churn.perPage', { n }) }))}
            data-testid="churn-page-size"
          />
        }
      />
    </Card>
  );
}

function DiagnosticsCard({ run }: { run: RunDetail }) {
  const { t } = useI18n();
  const d = run.diagnostics ?? {};
  const labels = { actual: t('analytics.diag.actual'), predicted: t('analytics.diag.predicted'), week: t('analytics.diag.week'), season: t('analytics.diag.season') };
  const charts = diagnosticsOptions(d, labels) as { [K in 'freq' | 'holdout' | 'survival']: ChartOption | null };
  const { freq, holdout, survival } = charts;
  const fits = FIT_ORDER.filter((k) => run.fits?.[k]).map((k) => [k, run.fits![k]!] as const);
  return (
    <Card title={t('analytics.diagnostics')} data-testid="analytics-diagnostics">
      <Row gutter={[16, 16]}>
        {freq ? (
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('analytics.diag.frequency')}</Typography.Text>
            <Chart option={freq} height={240} testId="chart-frequency" />
          </Col>
        ) : null}
        {holdout ? (
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('analytics.diag.holdout')}</Typography.Text>
            <Chart option={holdout} height={240} testId="chart-holdout" />
          </Col>
        ) : null}
        {survival ? (
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('analytics.diag.survival')}</Typography.Text>
            <Chart option={survival} height={240} testId="chart-survival" />
          </Col>
        ) : null}
      </Row>
      <Typography.Title level={5}>{t('analytics.fits')}</Typography.Title>
      <Table
        size="small"
        rowKey={(r) => r[0]}
        pagination={false}
        dataSource={fits}
        columns={[
          { title: t('analytics.fit.model'), render: (_, r) => modelName(r[0]) },
          { title: t('analytics.fit.outcome'), render: (_, r) => <FitOutcome name={r[0]} fit={r[1]} used={run.fits?.used} /> },
          {
            title: t('analytics.fit.params'),
            render: (_, r) =>
              r[1].error ??
              Object.entries(r[1].params)
                .map(([k, v]) => `${k} = ${Number(v).toPrecision(4)}`)
                .join('，'),
          },
          { title: t('analytics.fit.logLik'), align: 'right', render: (_, r) => (Number.isFinite(r[1].logLik) ? r[1].logLik.toFixed(2) : '—') },
          { title: t('analytics.fit.n'), align: 'right', render: (_, r) => (r[1].sample ?? r[1].n).toLocaleString() },
        ]}
      />
    </Card>
  );
}

function MovementCard({ runs }: { runs: RunView[] }) {
  const { t } = useI18n();
  // Until the user picks, compare the two latest runs.
  const [fromPicked, setFrom] = useState<string | null>(null);
  const [toPicked, setTo] = useState<string | null>(null);
  const from = fromPicked ?? runs[1]?.id ?? null;
  const to = toPicked ?? runs[0]?.id ?? null;
  const q = useMovement(from, to);
  const options = runs.map((r) => ({ value: r.id, label: `${r.asOf} · ${formatDateTime(r.finishedAt)}` }));
  const tiers = ['high', 'middle', 'low', 'none'] as const;
  const count = (f: string, x: string) => q.data?.matrix.find((m) => m.from === f && m.to === x)?.count ?? 0;
  return (
    <Card
      title={t('analytics.movement')}
      extra={
        <Space wrap>
          <Select style={{ width: 230 }} value={from} onChange={setFrom} options={options} placeholder={t('analytics.movement.from')} />
          →
          <Select style={{ width: 230 }} value={to} onChange={setTo} options={options} placeholder={t('analytics.movement.to')} />
        </Space>
      }
    >
      {!q.data ? (
        <Empty description={t('analytics.movement.pick')} />
      ) : (
        <Table
          size="small"
          pagination={false}
          rowKey="from"
          data-testid="movement-table"
          dataSource={tiers.map((f) => ({ from: f }))}
          columns={[
            { title: `${t('analytics.movement.from')} \\ ${t('analytics.movement.to')}`, dataIndex: 'from', render: (f: string) => t(`analytics.tier.${f}` as MessageKey) },
            ...tiers.map((x) => ({
              title: t(`analytics.tier.${x}` as MessageKey),
              key: x,
              align: 'right' as const,
              render: (_: unknown, r: { from: string }) => count(r.from, x).toLocaleString(),
            })),
          ]}
        />
      )}
    </Card>
  );
}
