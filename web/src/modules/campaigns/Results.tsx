import { useMemo } from 'react';
import { Card, Col, Descriptions, Empty, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { Chart, type ChartOption } from '../../platform/Chart';
import { displayCurrencySymbol, formatDateTime } from '../../platform/format';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import { ratePercent, useResults, yuan, type CampaignResults, type CampaignTier, type CampaignView, type GroupFigures, type Interval, type UpliftFigures } from './api';

const money = (fen: number | null | undefined) => yuan(fen, displayCurrencySymbol());
const signed = (n: number, text: string) => (n > 0 ? `+${text}` : text);
/** A rate difference (0–1) in percentage points, one decimal: 0.032 → "3.2". */
const points = (d: number) => (d * 100).toFixed(1);

/** The uplift text: 提升 +3.2 个百分点（95% 置信区间 0.8 ~ 5.6）. */
export function upliftText(t: Translate, kind: 'rate' | 'difference' | 'revenue', i: Interval): string {
  if (kind === 'difference') return t('campaigns.results.diffPoints', { diff: signed(i.diff, points(i.diff)), lower: points(i.lower), upper: points(i.upper) });
  if (kind === 'rate') return t('campaigns.results.upliftPoints', { diff: signed(i.diff, points(i.diff)), lower: points(i.lower), upper: points(i.upper) });
  return t('campaigns.results.upliftYuan', { diff: signed(i.diff, money(Math.round(i.diff))), lower: money(Math.round(i.lower)), upper: money(Math.round(i.upper)) });
}

/** A point with its 95% interval on a horizontal axis, with the zero line (a small SVG: the numbers are in the text). */
function IntervalPlot({ interval, testId }: { interval: Interval; testId: string }) {
  const W = 320;
  const H = 44;
  const pad = 16;
  const lo = Math.min(interval.lower, 0);
  const hi = Math.max(interval.upper, 0);
  const span = hi - lo || 1;
  const d0 = lo - span * 0.05;
  const d1 = hi + span * 0.05;
  const x = (v: number) => pad + ((v - d0) / (d1 - d0)) * (W - 2 * pad);
  const color = interval.lower > 0 ? '#389e0d' : interval.upper < 0 ? '#cf1322' : '#1668dc';
  return (
    <svg width="100%" viewBox={`0 0 ${W} ${H}`} style={{ maxWidth: W, display: 'block' }} role="img" data-testid={testId}>
      <line x1={pad} x2={W - pad} y1={H / 2} y2={H / 2} stroke="#d9d9d9" />
      <line x1={x(0)} x2={x(0)} y1={4} y2={H - 4} stroke="#8c8c8c" strokeDasharray="3 3" />
      <line x1={x(interval.lower)} x2={x(interval.upper)} y1={H / 2} y2={H / 2} stroke={color} strokeWidth={3} />
      <line x1={x(interval.lower)} x2={x(interval.lower)} y1={H / 2 - 6} y2={H / 2 + 6} stroke={color} strokeWidth={2} />
      <line x1={x(interval.upper)} x2={x(interval.upper)} y1={H / 2 - 6} y2={H / 2 + 6} stroke={color} strokeWidth={2} />
      <circle cx={x(interval.diff)} cy={H / 2} r={5} fill={color} />
    </svg>
  );
}

function UpliftCard({ title, kind, interval, testId, empty }: { title: string; kind: 'rate' | 'difference' | 'revenue'; interval: Interval | null; testId: string; empty?: string }) {
  const t = useT();
  return (
    <Card size="small" title={title} data-testid={testId}>
      {interval ? (
        <>
          <IntervalPlot interval={interval} testId={`${testId}-plot`} />
          <Typography.Text data-testid={`${testId}-text`}>{upliftText(t, kind, interval)}</Typography.Text>
        </>
      ) : (
        <Typography.Text type="secondary" data-testid={`${testId}-text`}>
          {empty ?? t('campaigns.results.noHoldout')}
        </Typography.Text>
      )}
    </Card>
  );
}

function GroupCard({ title, g, testId }: { title: string; g: GroupFigures; testId: string }) {
  const t = useT();
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('campaigns.results.reach')}>
          <span data-testid={`${testId}-reach`}>{g.reach}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.delivered')}>{g.delivered}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.openedClicked')}>
          <span data-testid={`${testId}-engaged`}>{`${g.opened} / ${g.clicked}`}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.responded')}>{g.responded}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.responseRate')}>{ratePercent(g.responseRate)}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.redeemed')}>
          <span data-testid={`${testId}-redeemed`}>{g.redeemed}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.revenue')}>{money(g.revenueFen)}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.revenuePerHead')}>{money(Math.round(g.revenuePerHeadFen))}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.complained')}>
          <span data-testid={`${testId}-complained`}>{g.complained}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.satisfied')}>
          <span data-testid={`${testId}-satisfied`}>
            {g.satisfiedRate === null ? '—' : t('campaigns.results.satisfiedOf', { satisfied: g.satisfied, rated: g.rated, rate: ratePercent(g.satisfiedRate) })}
          </span>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

const BLOCK_REASONS = ['no_consent', 'frequency_cap', 'no_recipient', 'customer_deleted', 'withdrawn'] as const;

function MessagesCard({ m }: { m: CampaignResults['messages'] }) {
  const t = useT();
  const reasons = [...new Set([...BLOCK_REASONS, ...Object.keys(m.blocked).filter((r) => (m.blocked[r] ?? 0) > 0)])];
  return (
    <Card size="small" title={t('campaigns.results.messages')} data-testid="results-messages">
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('campaigns.results.sent')}>
          <span data-testid="results-sent">{m.sent}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.queued')}>{m.queued}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.failed')}>{m.failed}</Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">{t('campaigns.results.blocked')}</Typography.Text>
      <Flex gap={8} wrap style={{ marginTop: 4 }}>
        {reasons.map((r) => (
          <Tag key={r} data-testid={`blocked-${r}`}>
            {`${(BLOCK_REASONS as readonly string[]).includes(r) || r === 'quiet_hours' ? t(`campaigns.reason.${r as (typeof BLOCK_REASONS)[number] | 'quiet_hours'}`) : r} ${m.blocked[r] ?? 0}`}
          </Tag>
        ))}
      </Flex>
    </Card>
  );
}

function goalValue(t: Translate, metric: CampaignResults['goal']['metric'], v: number) {
  return metric === 'spend_per_head' ? money(Math.round(v)) : t('campaigns.results.points', { n: (v / 100).toFixed(1) });
}

function GoalCard({ r }: { r: CampaignResults }) {
  const t = useT();
  const g = r.goal;
  return (
    <Card size="small" title={`${t('campaigns.results.goal')} · ${t(`campaigns.goal.${g.metric}`)}`} data-testid="results-goal">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('campaigns.results.goalTarget')}>{goalValue(t, g.metric, g.target)}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.results.goalAchieved')}>{g.achieved === null ? '—' : goalValue(t, g.metric, g.achieved)}</Descriptions.Item>
      </Descriptions>
      {g.met === null ? (
        <Typography.Text type="secondary">{t('campaigns.results.noHoldout')}</Typography.Text>
      ) : (
        <Tag color={g.met ? 'green' : 'orange'} data-testid="results-goal-met">
          {g.met ? t('campaigns.results.met') : t('campaigns.results.notMet')}
        </Tag>
      )}
    </Card>
  );
}

type TierRow = UpliftFigures & { tier: CampaignTier };

function TiersTable({ tiers }: { tiers: TierRow[] }) {
  const t = useT();
  return (
    <Card size="small" title={t('campaigns.results.tiers')}>
      <Table<TierRow>
        size="small"
        rowKey="tier"
        pagination={false}
        dataSource={tiers}
        scroll={{ x: 720 }}
        data-testid="results-tiers"
        columns={[
          { title: t('campaigns.tier'), dataIndex: 'tier', render: (tier: CampaignTier) => t(`campaigns.tier.${tier}`) },
          { title: `${t('campaigns.results.treated')} / ${t('campaigns.results.holdout')}`, key: 'reach', render: (_: unknown, r) => `${r.treated.reach} / ${r.holdout.reach}` },
          {
            title: t('campaigns.results.responseRate'),
            key: 'rate',
            render: (_: unknown, r) => `${ratePercent(r.treated.responseRate)} / ${ratePercent(r.holdout.responseRate)}`,
          },
          { title: t('campaigns.results.redeemed'), key: 'redeemed', render: (_: unknown, r) => `${r.treated.redeemed} / ${r.holdout.redeemed}` },
          {
            title: t('campaigns.results.responseUplift'),
            key: 'uplift',
            render: (_: unknown, r) => (r.responseUplift ? `${signed(r.responseUplift.diff, points(r.responseUplift.diff))} (${points(r.responseUplift.lower)} ~ ${points(r.responseUplift.upper)})` : '—'),
          },
          { title: t('campaigns.results.incrementalRevenue'), key: 'inc', render: (_: unknown, r) => money(r.incrementalRevenueFen) },
        ]}
      />
    </Card>
  );
}

function DailyChart({ daily }: { daily: CampaignResults['daily'] }) {
  const t = useT();
  const option = useMemo<ChartOption | null>(() => {
    if (!daily.length) return null;
    const pct = (v: number) => Math.round(v * 1000) / 10;
    return {
      grid: { left: 44, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => `${String(v)}%` },
      legend: { top: 0 },
      xAxis: { type: 'category', data: daily.map((d) => d.day) },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [
        { type: 'line', name: t('campaigns.results.treated'), data: daily.map((d) => pct(d.treatedRate)), color: '#1668dc', showSymbol: daily.length < 40 },
        { type: 'line', name: t('campaigns.results.holdout'), data: daily.map((d) => pct(d.holdoutRate)), color: '#8c8c8c', showSymbol: daily.length < 40, lineStyle: { type: 'dashed' } },
      ],
    };
  }, [daily, t]);
  return (
    <Card size="small" title={t('campaigns.results.daily')}>
      {option ? <Chart option={option} height={240} testId="results-daily" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('campaigns.results.dailyEmpty')} />}
    </Card>
  );
}

/** 效果: treated vs holdout, the uplifts with their intervals, money, the goal, the tiers and the days. */
export function Results({ campaign }: { campaign: CampaignView }) {
  const t = useT();
  const launched = !!campaign.launchedAt;
  const results = useResults(campaign.id, launched);
  if (!launched) return <Empty description={t('campaigns.results.notLaunched')} />;
  if (results.error) return <ErrorAlert error={results.error} onRetry={() => void results.refetch()} />;
  const r = results.data;
  if (!r) return <Loading />;
  return (
    <div data-testid="results">
      {r.windowStart ? (
        <Typography.Paragraph type="secondary">{t('campaigns.results.window', { from: formatDateTime(r.windowStart), to: formatDateTime(r.windowEnd) })}</Typography.Paragraph>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <GroupCard title={t('campaigns.results.treated')} g={r.treated} testId="results-treated" />
        </Col>
        <Col xs={24} md={12}>
          <GroupCard title={t('campaigns.results.holdout')} g={r.holdout} testId="results-holdout" />
        </Col>
        <Col xs={24} md={12}>
          <UpliftCard title={t('campaigns.results.responseUplift')} kind="rate" interval={r.responseUplift} testId="uplift-response" />
        </Col>
        <Col xs={24} md={12}>
          <UpliftCard title={t('campaigns.results.revenueUplift')} kind="revenue" interval={r.revenueUplift} testId="uplift-revenue" />
        </Col>
        <Col xs={24} md={12}>
          <UpliftCard title={t('campaigns.results.satisfactionUplift')} kind="difference" interval={r.satisfactionUplift} testId="uplift-satisfaction" empty={t('campaigns.results.noRatings')} />
        </Col>
        <Col xs={24} md={12}>
          <UpliftCard title={t('campaigns.results.complaintUplift')} kind="difference" interval={r.complaintUplift} testId="uplift-complaint" />
        </Col>
        <Col xs={24}>
          <Card size="small">
            <Flex gap={32} wrap>
              <Statistic title={t('campaigns.results.incrementalRevenue')} value={money(r.incrementalRevenueFen)} data-testid="results-incremental" />
              <Statistic title={t('campaigns.results.incrementalMargin')} value={money(r.incrementalMarginFen)} />
              <Statistic title={t('campaigns.results.cost')} value={money(r.costFen)} data-testid="results-cost" />
              <Statistic title={t('campaigns.results.roi')} value={r.roi === null ? '—' : `${(r.roi * 100).toFixed(1)}%`} data-testid="results-roi" />
            </Flex>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <MessagesCard m={r.messages} />
        </Col>
        <Col xs={24} md={12}>
          <GoalCard r={r} />
        </Col>
        <Col xs={24}>
          <TiersTable tiers={r.tiers} />
        </Col>
        <Col xs={24}>
          <DailyChart daily={r.daily} />
        </Col>
      </Row>
    </div>
  );
}
