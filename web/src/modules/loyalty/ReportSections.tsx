import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Card, Col, Empty, Flex, Row, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { Chart, type ChartOption } from '../../platform/Chart';
import { useT } from '../../platform/i18n';
import { points, type LoyaltyCohort, type LoyaltyCohortGroup, type LoyaltyPointsFlow, type LoyaltyReport } from './api';

/** A server rate (percent, two decimals) as "12.5%"; — without a denominator. */
export const rate = (x: number | null): string => (x === null ? '—' : `${x}%`);

/** The days of `month` inside the report's period: a month's drill-through to the redemptions of those days. */
export function monthDays(month: string, report: Pick<LoyaltyReport, 'from' | 'to'>): { from: string; to: string } {
  const first = `${month}-01`;
  const last = dayjs(first).endOf('month').format('YYYY-MM-DD');
  return { from: first < report.from ? report.from : first, to: last > report.to ? report.to : last };
}

/** 会员等级分布: a bar per tier; a click opens the members tab filtered by that tier. */
export function TierSection({ report }: { report: LoyaltyReport }) {
  const t = useT();
  const navigate = useNavigate();
  const byTier = report.members.byTier;
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: byTier.map((x) => x.name) },
      yAxis: { type: 'value', minInterval: 1, boundaryGap: [0, '10%'] },
      series: [{ type: 'bar', name: t('loy.rep.members'), barMaxWidth: 48, data: byTier.map((x) => x.count), itemStyle: { color: '#d4a017' }, cursor: 'pointer' }],
    }),
    [byTier, t],
  );
  const names = new Map(byTier.map((x) => [x.tier, x.name]));
  const name = (key: string | null) => (key === null ? '—' : (names.get(key) ?? key));
  const m = report.members.movements;
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('loy.rep.byTier')} extra={<Typography.Text type="secondary">{t('loy.rep.byTierHint')}</Typography.Text>}>
          {report.members.total ? (
            <Chart option={option} height={240} testId="loy-rep-tier-chart" onClick={({ dataIndex }) => void navigate(`/loyalty?tier=${encodeURIComponent(byTier[dataIndex]!.tier)}`)} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('loy.rep.movements')} data-testid="loy-rep-movements">
          <Flex gap={24} wrap style={{ marginBottom: 12 }}>
            <Statistic title={t('loy.rep.joins')} value={m.joins} />
            <Statistic title={t('loy.rep.upgrades')} value={m.upgrades} styles={{ content: { color: '#389e0d' } }} />
            <Statistic title={t('loy.rep.downgrades')} value={m.downgrades} styles={{ content: { color: m.downgrades ? '#cf1322' : undefined } }} />
          </Flex>
          <Table
            rowKey={(r) => `${r.fromTier ?? ''}>${r.toTier}`}
            size="small"
            pagination={false}
            dataSource={m.paths}
            locale={{ emptyText: t('loy.rep.noMovements') }}
            columns={[
              { title: t('loy.rep.path'), key: 'path', render: (_: unknown, r) => (r.fromTier === null ? name(r.toTier) : `${name(r.fromTier)} → ${name(r.toTier)}`) },
              { title: t('loy.rep.kind'), dataIndex: 'kind', width: 90, render: (v: 'join' | 'upgrade' | 'downgrade') => t(`loy.rep.kind.${v}`) },
              { title: t('loy.rep.count'), dataIndex: 'count', width: 80, align: 'right' },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

const FLOW_COLUMNS = ['issued', 'redeemed', 'returned', 'expired', 'reversed', 'restored', 'adjustedDown', 'net'] as const;
const CHART_SERIES = [
  ['issued', '#52c41a'],
  ['redeemed', '#1677ff'],
  ['expired', '#bfbfbf'],
  ['reversed', '#ff4d4f'],
] as const;
type MonthRow = { month: string } & LoyaltyPointsFlow;

/** 积分发放与消耗 by month: issued / redeemed / expired / reversed as bars (a redeemed bar opens that month's redemptions), and the table. */
export function PointsSection({ report }: { report: LoyaltyReport }) {
  const t = useT();
  const navigate = useNavigate();
  const months = report.points.byMonth;
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months.map((x) => x.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: CHART_SERIES.map(([key, color]) => ({ type: 'bar' as const, name: t(`loy.rep.flow.${key}`), data: months.map((x) => x[key]), itemStyle: { color } })),
    }),
    [months, t],
  );
  const total: MonthRow = { month: t('loy.rep.total'), ...report.points.total };
  return (
    <Card size="small" title={t('loy.rep.points')} style={{ marginBottom: 12 }}>
      <Chart
        option={option}
        height={260}
        testId="loy-rep-points-chart"
        onClick={({ seriesIndex, dataIndex }) => {
          if (CHART_SERIES[seriesIndex]?.[0] !== 'redeemed') return;
          const d = monthDays(months[dataIndex]!.month, report);
          void navigate(`/loyalty?tab=redemptions&from=${d.from}&to=${d.to}`);
        }}
      />
      <Table<MonthRow>
        rowKey="month"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        style={{ marginTop: 8 }}
        dataSource={[...months, total]}
        onRow={(r) => ({ 'data-testid': 'loy-rep-month', style: r === total ? { fontWeight: 600 } : undefined }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('loy.rep.month'), dataIndex: 'month', width: 90 },
          ...FLOW_COLUMNS.map((k) => ({
            title: <Tooltip title={t(`loy.rep.flowHint.${k}`)}>{t(`loy.rep.flow.${k}`)}</Tooltip>,
            dataIndex: k,
            align: 'right' as const,
            render: (v: number) => points(v),
          })),
        ]}
      />
    </Card>
  );
}

type CohortRow = { key: string; label: React.ReactNode; members: LoyaltyCohortGroup; nonMembers: LoyaltyCohortGroup };

const groupColumns = (t: ReturnType<typeof useT>, side: 'members' | 'nonMembers') => [
  { title: t('loy.rep.cohort.customers'), key: `${side}-n`, align: 'right' as const, render: (_: unknown, r: CohortRow) => r[side].customers },
  {
    title: t('loy.rep.cohort.repeat'),
    key: `${side}-repeat`,
    align: 'right' as const,
    render: (_: unknown, r: CohortRow) => <span data-testid={`loy-rep-${side}-repeat`}>{rate(r[side].repeatRate)}</span>,
  },
  { title: t('loy.rep.cohort.retention'), key: `${side}-retention`, align: 'right' as const, render: (_: unknown, r: CohortRow) => rate(r[side].retentionRate) },
];

/** 会员与非会员对比: each first-purchase month's repeat and retention rates; an open window (still time to repeat) marked. */
export function CohortSection({ cohorts }: { cohorts: LoyaltyReport['cohorts'] }) {
  const t = useT();
  const rows: CohortRow[] = [
    ...cohorts.months.map((c: LoyaltyCohort) => ({
      key: c.month,
      label: (
        <>
          {c.month}
          {c.windowOpen ? (
            <Tooltip title={t('loy.rep.cohort.openHint', { days: cohorts.repeatDays })}>
              <Tag color="orange" style={{ marginLeft: 6 }} data-testid="loy-rep-open">
                {t('loy.rep.cohort.open')}
              </Tag>
            </Tooltip>
          ) : null}
        </>
      ),
      members: c.members,
      nonMembers: c.nonMembers,
    })),
    { key: 'total', label: <strong>{t('loy.rep.total')}</strong>, ...cohorts.total },
  ];
  return (
    <Card size="small" title={t('loy.rep.cohorts')} style={{ marginBottom: 12 }}>
      <Table<CohortRow>
        rowKey="key"
        size="small"
        pagination={false}
        bordered
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        data-testid="loy-rep-cohorts"
        columns={[
          { title: t('loy.rep.cohort.month'), dataIndex: 'label', width: 150 },
          { title: t('loy.rep.cohort.members'), children: groupColumns(t, 'members') },
          { title: t('loy.rep.cohort.nonMembers'), children: groupColumns(t, 'nonMembers') },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('loy.rep.cohort.note', { repeat: cohorts.repeatDays, active: cohorts.activeDays })}
      </Typography.Paragraph>
    </Card>
  );
}
