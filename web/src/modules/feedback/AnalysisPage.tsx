import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Badge, Card, Col, DatePicker, Empty, Flex, Grid, List, Row, Segmented, Select, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { Chart, type ChartOption } from '../../platform/Chart';
import { inZone } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { useAuth } from '../../platform/auth';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { ModelsCard } from './ModelsCard';
import {
  ANALYSIS_GRANULARITIES,
  HOT_TOPIC_RULE,
  SENTIMENT_GROUPINGS,
  TREND_SPLITS,
  useFeedbackHotTopics,
  useFeedbackKeywords,
  useFeedbackSentimentTrends,
  useFeedbackTrends,
  type AnalysisFilter,
  type AnalysisGranularity,
  type AnalysisPeriod,
  type FeedbackHotTopics,
  type FeedbackKeywordCloud,
  type FeedbackTrends,
  type HotTopic,
  type SentimentGrouping,
  type TrendSeries,
  type TrendSplit,
} from './api';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const oneOf = <T extends string>(v: string | null, allowed: readonly T[], fallback: T): T => (v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback);

/** The inbox listing a group's items over some days (the same filters the figures count). */
function inboxLink(filter: AnalysisFilter, days: { from: string; to: string }): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) p.set(k, v);
  p.set('from', days.from);
  p.set('to', days.to);
  return `/feedback?${p.toString()}`;
}

/** The page's choices in the URL: `from`, `to`, `granularity`, `split`, `by`. */
function useChoices() {
  const [params, setParams] = useSearchParams();
  const today = inZone(dayjs().toISOString()).format('YYYY-MM-DD');
  const granularity = oneOf(params.get('granularity'), ANALYSIS_GRANULARITIES, 'day');
  const to = DAY.test(params.get('to') ?? '') ? params.get('to')! : today;
  const fallbackFrom = dayjs(to)
    .subtract(granularity === 'week' ? 83 : 29, 'day')
    .format('YYYY-MM-DD');
  const from = DAY.test(params.get('from') ?? '') && params.get('from')! <= to ? params.get('from')! : fallbackFrom;
  const split = oneOf(params.get('split'), TREND_SPLITS, 'category');
  const by = oneOf(params.get('by'), SENTIMENT_GROUPINGS, 'category');
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  return { from, to, granularity, split, by, set };
}

const periodLabel = (p: AnalysisPeriod) => p.key.slice(5);

function trendOption(data: FeedbackTrends, phone: boolean): ChartOption {
  return {
    // No entry animation: the line's points grow from nothing, and a click during it (or where rendering is throttled)
    // misses the point it aims at.
    animation: false,
    tooltip: { trigger: 'axis', confine: true },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 8, right: 16, top: phone ? 56 : 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: data.periods.map(periodLabel) },
    // Headroom above the highest point: a symbol on the grid's edge is clipped and its clicks go to the line.
    yAxis: { type: 'value', minInterval: 1, boundaryGap: [0, '10%'] },
    series: data.series.map((s) => ({ type: 'line', name: s.label, stack: 'total', areaStyle: { opacity: 0.25 }, showAllSymbol: true, symbolSize: 8, emphasis: { focus: 'series' }, data: s.values })),
  };
}

function Summary({ trends, negativeShare }: { trends: FeedbackTrends; negativeShare: number | null }) {
  const t = useT();
  const last = trends.periods.length - 1;
  const period = trends.periods[last];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
      <Col xs={12} md={8}>
        <Card size="small">
          <Statistic title={t('fa.total')} value={trends.total} data-testid="fa-total" />
        </Card>
      </Col>
      <Col xs={12} md={8}>
        <Card size="small">
          <Statistic
            title={period ? t(trends.granularity === 'day' ? 'fa.last.day' : 'fa.last.week', { date: period.key }) : t('fa.col.last')}
            value={last >= 0 ? trends.totals[last] : 0}
            data-testid="fa-last"
          />
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card size="small">
          <Statistic title={t('fa.negShare')} value={pct(negativeShare)} data-testid="fa-neg-share" />
        </Card>
      </Col>
    </Row>
  );
}

/** The series under the chart: each group's total over the range and in the latest period, each a link to its items. */
function SeriesTable({ trends }: { trends: FeedbackTrends }) {
  const t = useT();
  const last = trends.periods.length - 1;
  const lastPeriod = trends.periods[last];
  return (
    <Table<TrendSeries>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={trends.series}
      style={{ marginTop: 8 }}
      data-testid="fa-series"
      onRow={(r) => ({ 'data-testid': 'fa-series-row', 'data-key': r.key }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('fa.col.group'), key: 'label', render: (_, r) => (r.filter ? <Link to={inboxLink(r.filter, trends)}>{r.label}</Link> : r.label) },
        { title: t('fa.col.total'), dataIndex: 'total', align: 'right', width: 90 },
        {
          title: lastPeriod ? t(trends.granularity === 'day' ? 'fa.last.day' : 'fa.last.week', { date: lastPeriod.key }) : t('fa.col.last'),
          key: 'last',
          align: 'right',
          width: 130,
          render: (_, r) => (r.filter && lastPeriod ? <Link to={inboxLink(r.filter, lastPeriod)}>{r.values[last]}</Link> : r.values[last]),
        },
      ]}
    />
  );
}

function HotTopics({ hot }: { hot: FeedbackHotTopics }) {
  const t = useT();
  const navigate = useNavigate();
  const open = (topic: HotTopic) => void navigate(inboxLink(topic.filter, hot.window));
  if (!hot.enoughHistory) return <Alert type="info" showIcon title={t('fa.hot.noHistory')} data-testid="fa-hot-none" />;
  if (!hot.topics.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fa.hot.empty')} data-testid="fa-hot-none" />;
  return (
    <List<HotTopic>
      size="small"
      dataSource={hot.topics}
      renderItem={(topic) => (
        <List.Item
          onClick={() => open(topic)}
          style={{ cursor: 'pointer' }}
          data-testid="fa-hot-topic"
          data-key={`${topic.kind}:${topic.key}`}
          extra={<Badge count={topic.count} overflowCount={999} color="#cf1322" />}
        >
          <Flex vertical gap={2} style={{ minWidth: 0 }}>
            <Flex gap={6} align="center" wrap>
              <Tag color={topic.kind === 'category' ? 'volcano' : 'geekblue'}>{t(topic.kind === 'category' ? 'fa.hot.kind.category' : 'fa.hot.kind.keyword')}</Tag>
              <Typography.Link data-testid="fa-hot-label">{topic.label}</Typography.Link>
              <Tag color="red">{topic.ratio === null ? t('fa.hot.new') : t('fa.hot.ratio', { ratio: topic.ratio })}</Tag>
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('fa.hot.detail', { count: topic.count, share: pct(topic.share), baseline: pct(topic.baselineShare) })}
            </Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
}

function KeywordCloud({ cloud }: { cloud: FeedbackKeywordCloud }) {
  const t = useT();
  if (!cloud.keywords.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fa.keywords.empty')} />;
  return (
    <Flex wrap gap="4px 12px" align="baseline" data-testid="fa-keywords">
      {cloud.keywords.map((k) => {
        const negative = k.count ? k.negative / k.count : 0;
        return (
          <Tooltip key={k.word} title={t('fa.keywords.tip', { count: k.count, word: k.word, negative: k.negative })}>
            <Link
              to={inboxLink({ keyword: k.word }, cloud)}
              data-testid="fa-keyword"
              data-count={k.count}
              style={{ fontSize: Math.round(12 + 16 * k.weight), lineHeight: 1.3, color: negative > 0.5 ? '#cf1322' : negative > 0.2 ? '#d46b08' : '#1668dc' }}
            >
              {k.word}
            </Link>
          </Tooltip>
        );
      })}
    </Flex>
  );
}

/**
 * 反馈分析: the trend of feedback by category, sentiment or compound; the negative share over time by category or
 * compound; this week's hot topics; the keyword cloud. Every point, row, topic and word opens the inbox filtered to the
 * items it counts. The range, granularity and splits live in the URL.
 */
export function AnalysisPage() {
  const t = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  const phone = !Grid.useBreakpoint().md;
  const c = useChoices();
  const range = { from: c.from, to: c.to };
  const trends = useFeedbackTrends({ ...range, granularity: c.granularity, split: c.split });
  const sentiment = useFeedbackSentimentTrends({ ...range, granularity: c.granularity, by: c.by });
  const keywords = useFeedbackKeywords(range);
  const hot = useFeedbackHotTopics();
  const trendData = trends.data;
  const sentimentData = sentiment.data;
  const trendChart = useMemo(() => (trendData ? trendOption(trendData, phone) : null), [trendData, phone]);
  const sentimentChart = useMemo<ChartOption | null>(() => {
    if (!sentimentData) return null;
    const lines = [sentimentData.overall, ...sentimentData.groups];
    return {
      animation: false,
      tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => (v === null || v === undefined ? '—' : `${String(v)}%`) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 16, top: phone ? 56 : 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: sentimentData.periods.map(periodLabel) },
      yAxis: { type: 'value', min: 0, max: 110, interval: 25, axisLabel: { formatter: (v: number) => (v > 100 ? '' : `${v}%`) } },
      series: lines.map((s, i) => ({
        type: 'line',
        name: i === 0 ? t('fa.overall') : s.label,
        connectNulls: false,
        showAllSymbol: true,
        symbolSize: 8,
        lineStyle: i === 0 ? { width: 3 } : { width: 1.5 },
        data: s.shares.map((x) => (x === null ? null : Math.round(x * 1000) / 10)),
      })),
    };
  }, [sentimentData, phone, t]);

  const drillTrend = ({ seriesIndex, dataIndex }: { seriesIndex: number; dataIndex: number }) => {
    const s = trendData?.series[seriesIndex];
    const p = trendData?.periods[dataIndex];
    if (s?.filter && p) void navigate(inboxLink(s.filter, p));
  };
  const drillSentiment = ({ seriesIndex, dataIndex }: { seriesIndex: number; dataIndex: number }) => {
    const s = seriesIndex === 0 ? sentimentData?.overall : sentimentData?.groups[seriesIndex - 1];
    const p = sentimentData?.periods[dataIndex];
    if (s?.filter && p) void navigate(inboxLink({ ...s.filter, sentiment: 'neg' }, p));
  };

  return (
    <div data-testid="fa-page">
      <PageHeader title={t('fa.title')} />
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          value={[dayjs(c.from), dayjs(c.to)]}
          allowClear={false}
          style={phone ? { width: '100%' } : undefined}
          onChange={(v) => {
            if (v?.[0] && v[1]) c.set({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') });
          }}
          aria-label={t('fa.range')}
          data-testid="fa-range"
        />
        <Segmented<AnalysisGranularity>
          value={c.granularity}
          onChange={(v) => c.set({ granularity: v, from: undefined })}
          options={ANALYSIS_GRANULARITIES.map((g) => ({ value: g, label: t(`fa.granularity.${g}`) }))}
          data-testid="fa-granularity"
        />
        <Select<TrendSplit>
          value={c.split}
          onChange={(v) => c.set({ split: v })}
          style={{ width: 120 }}
          options={TREND_SPLITS.map((s) => ({ value: s, label: t(`fa.split.${s}`) }))}
          aria-label={t('fa.split')}
          data-testid="fa-split"
        />
      </Flex>
      <ErrorAlert error={trends.error ?? sentiment.error ?? keywords.error ?? hot.error} onRetry={() => void Promise.all([trends.refetch(), sentiment.refetch(), keywords.refetch(), hot.refetch()])} />
      {trendData ? <Summary trends={trendData} negativeShare={sentimentData?.overall.share ?? null} /> : null}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('fa.trend')} extra={<Typography.Text type="secondary">{phone ? null : t('fa.drillHint')}</Typography.Text>}>
            {trendData && trendChart ? (
              trendData.total ? (
                <>
                  <Chart option={trendChart} height={phone ? 260 : 300} testId="fa-trend-chart" onClick={drillTrend} />
                  <SeriesTable trends={trendData} />
                </>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fa.empty')} data-testid="fa-empty" />
              )
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('fa.hot')} data-testid="fa-hot">
            {hot.data ? <HotTopics hot={hot.data} /> : null}
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
              {t('fa.hot.rule', { ratio: HOT_TOPIC_RULE.minRatio, count: HOT_TOPIC_RULE.minCount })}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card
            size="small"
            title={t('fa.sentiment')}
            extra={
              <Segmented<SentimentGrouping>
                size="small"
                value={c.by}
                onChange={(v) => c.set({ by: v })}
                options={SENTIMENT_GROUPINGS.map((g) => ({ value: g, label: t(`fa.by.${g}`) }))}
                data-testid="fa-by"
              />
            }
          >
            {sentimentData && sentimentChart ? (
              sentimentData.overall.total ? (
                <Chart option={sentimentChart} height={phone ? 240 : 280} testId="fa-sentiment-chart" onClick={drillSentiment} />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fa.empty')} />
              )
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('fa.keywords')}>
            {keywords.data ? <KeywordCloud cloud={keywords.data} /> : null}
          </Card>
        </Col>
        {can('settings:manage') ? (
          <Col xs={24} xl={16}>
            <ModelsCard />
          </Col>
        ) : null}
      </Row>
    </div>
  );
}
