import { useMemo, useState } from 'react';
import { Card, Col, DatePicker, Empty, Row, Space, Statistic, Table, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useAuth } from '../../../platform/auth';
import { useT, type Translate } from '../../../platform/i18n';
import { teamTree, useTeams } from '../../accounts';
import { ErrorAlert, PageHeader } from '../../../platform/ui';
import { inZone } from '../../../platform/format';
import { useTicketReport, type TicketPerformanceRow, type TicketReport } from './api';
import { Chart, type ChartOption } from '../../../platform/Chart';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const hrs = (t: Translate, x: number | null) => (x === null ? '—' : t('rep.hours', { h: x }));

function barOption(items: { key: string | null; count: number }[], none: string): ChartOption {
  const top = items.slice(0, 15);
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: top.map((i) => i.key ?? none) },
    series: [{ type: 'bar', barMaxWidth: 24, data: top.map((i) => i.count), itemStyle: { color: '#1677ff' } }],
  };
}

function PerformanceTable({ rows, testId }: { rows: TicketPerformanceRow[]; testId: string }) {
  const t = useT();
  return (
    <Table<TicketPerformanceRow>
      rowKey={(r) => r.key ?? '-'}
      size="small"
      dataSource={rows}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid={testId}
      columns={[
        { title: t('rep.col.name'), dataIndex: 'name' },
        { title: t('rep.col.tickets'), dataIndex: 'tickets', align: 'right' },
        { title: t('rep.col.frMedian'), align: 'right', render: (_, r) => hrs(t, r.firstResponseMedianHours) },
        { title: t('rep.col.frP90'), align: 'right', render: (_, r) => hrs(t, r.firstResponseP90Hours) },
        { title: t('rep.col.resMedian'), align: 'right', render: (_, r) => hrs(t, r.resolutionMedianHours) },
        { title: t('rep.col.resP90'), align: 'right', render: (_, r) => hrs(t, r.resolutionP90Hours) },
        { title: t('rep.col.compliance'), align: 'right', render: (_, r) => pct(r.slaCompliance) },
        { title: t('rep.col.reopen'), align: 'right', render: (_, r) => pct(r.reopenRate) },
        { title: t('rep.col.satisfaction'), align: 'right', render: (_, r) => (r.satisfactionAvg === null ? '—' : t('rep.stars', { avg: r.satisfactionAvg, n: r.ratings })) },
      ]}
    />
  );
}

function Overview({ report }: { report: TicketReport }) {
  const t = useT();
  const o = report.overall;
  const stats: [string, string, string][] = [
    ['total', t('rep.total'), String(report.total)],
    ['frMedian', t('rep.frMedian'), hrs(t, o.firstResponseMedianHours)],
    ['resMedian', t('rep.resMedian'), hrs(t, o.resolutionMedianHours)],
    ['compliance', t('rep.compliance'), pct(o.slaCompliance)],
    ['reopen', t('rep.reopenRate'), pct(o.reopenRate)],
    ['satisfaction', t('rep.satisfaction'), o.satisfactionAvg === null ? '—' : t('rep.stars', { avg: o.satisfactionAvg, n: o.ratings })],
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
      {stats.map(([key, title, value]) => (
        <Col key={key} xs={12} md={8} xl={4}>
          <Card size="small">
            <Statistic title={title} value={value} data-testid={`stat-${key}`} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/**
 * 工单报表: volume, response and resolution times, SLA compliance, reopen rate and satisfaction, per agent and team;
 * filtered by dates and, for readers who may list teams, by a team (with the teams below it).
 */
export function TicketReportsPage() {
  const t = useT();
  const { can } = useAuth();
  const teams = useTeams(can('user:read'));
  const [teamId, setTeamId] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => {
    const today = inZone(dayjs().toISOString());
    return [today.subtract(29, 'day'), today];
  });
  const filter = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), teamId };
  const report = useTicketReport(filter);
  const data = report.data;
  const none = t('rep.none');
  const dayOption = useMemo<ChartOption | null>(
    () =>
      data
        ? {
            tooltip: { trigger: 'axis' },
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: data.byDay.map((d) => d.day.slice(5)) },
            yAxis: { type: 'value', minInterval: 1 },
            series: [{ type: 'line', areaStyle: { opacity: 0.2 }, data: data.byDay.map((d) => d.count) }],
          }
        : null,
    [data],
  );
  const categoryOption = useMemo(() => (data ? barOption(data.byCategory, none) : null), [data, none]);
  const compoundOption = useMemo(() => (data ? barOption(data.byCompound, none) : null), [data, none]);
  return (
    <>
      <PageHeader
        title={t('rep.title')}
        extra={
          <Space wrap>
            {teams.data?.length ? (
              <TreeSelect
                allowClear
                style={{ minWidth: 180 }}
                placeholder={t('rep.allTeams')}
                aria-label={t('rep.team')}
                value={teamId}
                onChange={(v?: string) => setTeamId(v || undefined)}
                treeData={teamTree(teams.data)}
                treeDefaultExpandAll
                data-testid="report-team"
              />
            ) : null}
            <Typography.Text type="secondary">{t('rep.range')}</Typography.Text>
            <DatePicker.RangePicker
              value={range}
              allowClear={false}
              onChange={(v) => {
                if (v?.[0] && v[1]) setRange([v[0], v[1]]);
              }}
              data-testid="report-range"
            />
          </Space>
        }
      />
      {report.error ? <ErrorAlert error={report.error} onRetry={() => void report.refetch()} /> : null}
      {data ? (
        <div data-testid="ticket-report">
          <Overview report={data} />
          <Row gutter={[12, 12]}>
            <Col xs={24}>
              <Card size="small" title={t('rep.byDay')}>
                {dayOption ? <Chart option={dayOption} height={220} testId="chart-by-day" /> : null}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('rep.byCategory')}>
                {data.byCategory.length && categoryOption ? <Chart option={categoryOption} testId="chart-by-category" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('rep.byCompound')}>
                {data.byCompound.length && compoundOption ? <Chart option={compoundOption} testId="chart-by-compound" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
              </Card>
            </Col>
            <Col xs={24}>
              <Card size="small" title={t('rep.byAgent')}>
                <PerformanceTable rows={data.byAgent} testId="by-agent" />
              </Card>
            </Col>
            <Col xs={24}>
              <Card size="small" title={t('rep.byTeam')}>
                <PerformanceTable rows={data.byTeam} testId="by-team" />
              </Card>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('rep.note')}
          </Typography.Paragraph>
        </div>
      ) : null}
    </>
  );
}
