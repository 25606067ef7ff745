import { useMemo, useState } from 'react';
import { App, Button, Card, DatePicker, Empty, Flex, Grid, Table, TreeSelect, Typography } from 'antd';
import { DownloadOutlined, SlidersOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { download, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { Chart, type ChartOption } from '../../platform/Chart';
import { inZone } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useReducedMotion } from '../../platform/motion';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { teamTree, useTeams } from '../accounts';
import { PERFORMANCE_KPIS, usePerformance, type PerformanceRow, type PerformanceWeights } from './api';
import { AgentDrawer } from './AgentDrawer';
import { AgentCard, columns, scoreText, TABLE_WIDTH } from './view';
import { WeightsDialog } from './WeightsDialog';

const MONTH = 'YYYY-MM';
/** This month in the company's time zone. */
const thisMonth = () => dayjs(inZone(new Date().toISOString()).format('YYYY-MM-01'));

/** The score per agent, best at the top (the server's order). */
function ScoreChart({ rows }: { rows: PerformanceRow[] }) {
  const t = useT();
  const reducedMotion = useReducedMotion();
  const scored = useMemo(() => rows.filter((r) => r.score !== null), [rows]);
  const option = useMemo<ChartOption>(
    () => ({
      animation: !reducedMotion,
      tooltip: { trigger: 'axis', valueFormatter: (v) => scoreText(typeof v === 'number' ? v : null) },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100 },
      yAxis: { type: 'category', inverse: true, data: scored.map((r) => r.user.name), axisLabel: { width: 96, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          name: t('performance.chart'),
          barMaxWidth: 22,
          data: scored.map((r) => r.score),
          itemStyle: { color: '#1668dc' },
          label: { show: true, position: 'right', formatter: (p) => scoreText(typeof p.value === 'number' ? p.value : null) },
        },
      ],
    }),
    [scored, t, reducedMotion],
  );
  if (!scored.length) return null;
  return (
    <Card size="small" title={t('performance.chart')} style={{ marginBottom: 12 }}>
      <Chart option={option} height={Math.max(140, scored.length * 32 + 40)} testId="performance-chart" />
    </Card>
  );
}

/** 当前权重：工单数 20 · 首次响应 15 · … */
function WeightsLine({ weights }: { weights: PerformanceWeights }) {
  const t = useT();
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginBottom: 8 }} data-testid="perf-weights">
      {t('performance.weights.current')}：{PERFORMANCE_KPIS.map((k) => `${t(`performance.kpi.${k}`)} ${weights[k]}`).join(' · ')}
    </Typography.Text>
  );
}

/** 团队绩效: a month's leaderboard (score chart, KPIs per agent), the weights, the payroll export and each agent's drawer. */
export function PerformancePage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const isPhone = !Grid.useBreakpoint().md;
  const [month, setMonth] = useState<Dayjs>(thisMonth);
  const [teamId, setTeamId] = useState<string | undefined>();
  const [weighing, setWeighing] = useState(false);
  const [open, setOpen] = useState<PerformanceRow | null>(null);
  const filter = { month: month.format(MONTH), teamId };
  const report = usePerformance(filter);
  const teams = useTeams();
  const exporting = useMutation({
    mutationFn: (f: typeof filter) => download('/api/v1/performance/export.xlsx', f, `performance-${f.month}.xlsx`),
    onError: (err) => message.error(errorMessage(err)),
  });
  const rows = report.data?.rows ?? [];
  // The open agent's figures follow the report (new weights, a refetch); the last ones stay if they leave it.
  const shown = open ? (rows.find((r) => r.user.id === open.user.id) ?? open) : null;
  return (
    <>
      <PageHeader
        title={t('performance.title')}
        extra={
          <>
            {can('performance:manage') ? (
              <Button icon={<SlidersOutlined />} onClick={() => setWeighing(true)} data-testid="perf-weights-open">
                {t('performance.weights')}
              </Button>
            ) : null}
            <Button icon={<DownloadOutlined />} loading={exporting.isPending} onClick={() => exporting.mutate(filter)} data-testid="perf-export">
              {t('performance.export')}
            </Button>
          </>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <DatePicker
          picker="month"
          value={month}
          onChange={(d) => setMonth(d ?? thisMonth())}
          allowClear={false}
          inputReadOnly
          aria-label={t('performance.month')}
          data-testid="perf-month"
          style={{ width: isPhone ? '100%' : 160 }}
        />
        <TreeSelect
          value={teamId}
          onChange={(v) => setTeamId(v ?? undefined)}
          treeData={teamTree(teams.data ?? [])}
          treeDefaultExpandAll
          allowClear
          showSearch
          treeNodeFilterProp="title"
          placeholder={t('performance.allTeams')}
          loading={teams.isPending}
          aria-label={t('performance.team')}
          data-testid="perf-team"
          style={{ width: isPhone ? '100%' : 220 }}
        />
      </Flex>
      {report.data ? <WeightsLine weights={report.data.weights} /> : null}
      {report.error ? <ErrorAlert error={report.error} onRetry={() => void report.refetch()} /> : null}
      <ScoreChart rows={rows} />
      {isPhone ? (
        <Flex vertical gap={8} data-testid="perf-cards">
          {rows.map((r) => (
            <AgentCard key={r.user.id} row={r} onOpen={setOpen} />
          ))}
          {!rows.length && !report.isPending ? <Empty description={t('performance.empty')} /> : null}
        </Flex>
      ) : (
        <Table<PerformanceRow>
          rowKey={(r) => r.user.id}
          size="middle"
          loading={report.isFetching}
          dataSource={rows}
          locale={{ emptyText: <Empty description={t('performance.empty')} /> }}
          scroll={{ x: TABLE_WIDTH }}
          pagination={false}
          columns={columns(t, setOpen)}
          data-testid="perf-table"
        />
      )}
      {weighing ? <WeightsDialog onClose={() => setWeighing(false)} onSaved={() => message.success(t('performance.weights.saved'))} /> : null}
      <AgentDrawer row={shown} onClose={() => setOpen(null)} />
    </>
  );
}
