import { useMemo, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Empty, Flex, List, Row, Segmented, Select, Table, Typography } from 'antd';
import { FileExcelOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { download, errorMessage } from '../../platform/api';
import { Chart, type ChartOption } from '../../platform/Chart';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import {
  DIMENSIONS,
  RESULT_BREAKDOWNS,
  useResults,
  useVersions,
  type BreakdownRow,
  type Dimension,
  type QuestionResult,
  type ResultBreakdown,
  type ResultsQuery,
  type ServqualFigures,
  type SurveyResults,
  type SurveyView,
} from './api';
import { Headline, mean, npsText, pct } from './ResultFigures';

/** The contract's breakdowns split in two: over time (the trend card) and by group (the breakdown card). */
type Period = Extract<ResultBreakdown, 'day' | 'week' | 'month'>;
type Breakdown = Exclude<ResultBreakdown, Period>;
const isPeriod = (b: ResultBreakdown): b is Period => b === 'day' || b === 'week' || b === 'month';
const PERIODS = RESULT_BREAKDOWNS.filter(isPeriod);
const BREAKDOWNS = RESULT_BREAKDOWNS.filter((b): b is Breakdown => !isPeriod(b));

/** A SERVQUAL dimension's name in the UI language (an unknown one as it is). */
const dimName = (t: Translate, d: string) => ((DIMENSIONS as readonly string[]).includes(d) ? t(`surveys.dim.${d as Dimension}`) : d);

function ServqualCard({ s }: { s: ServqualFigures }) {
  const t = useT();
  const [view, setView] = useState<'dimension' | 'item'>('dimension');
  const option = useMemo<ChartOption>(() => {
    const rows = view === 'dimension' ? s.dimensions.map((d) => ({ label: dimName(t, d.dimension), gap: d.gap, e: d.expectation, p: d.perception })) : s.items.map((i, k) => ({ label: `${k + 1}. ${i.text.slice(0, 14)}`, gap: i.gap, e: i.expectation, p: i.perception }));
    const round = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);
    return {
      grid: { left: view === 'dimension' ? 70 : 150, right: 24, top: 28, bottom: 24 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true },
      xAxis: { type: 'value' },
      series: [
        { type: 'bar', name: t('surveys.results.gap'), data: rows.map((r) => round(r.gap)), itemStyle: { color: '#cf1322' } },
        { type: 'bar', name: t('surveys.results.expectation'), data: rows.map((r) => round(r.e)), itemStyle: { color: '#bfbfbf' } },
        { type: 'bar', name: t('surveys.results.perception'), data: rows.map((r) => round(r.p)), itemStyle: { color: '#1668dc' } },
      ],
    };
  }, [s, view, t]);
  return (
    <Card size="small" title={t('surveys.results.servqual')} data-testid="results-servqual" extra={<Segmented value={view} onChange={setView} options={[{ value: 'dimension', label: t('surveys.results.byDimension') }, { value: 'item', label: t('surveys.results.byItem') }]} />}>
      <Flex gap={24} wrap style={{ marginBottom: 8 }}>
        <span data-testid="results-servqual-gap">{t('surveys.results.gapUnweighted', { v: mean(s.gap) })}</span>
        <span data-testid="results-servqual-weighted">{t('surveys.results.gapWeighted', { v: mean(s.weightedGap) })}</span>
      </Flex>
      <Chart option={option} height={view === 'dimension' ? 260 : Math.max(260, s.items.length * 34)} testId="results-servqual-chart" />
      {view === 'dimension' ? (
        <Table
          size="small"
          rowKey="dimension"
          pagination={false}
          dataSource={s.dimensions}
          columns={[
            { title: t('surveys.part.dimension'), dataIndex: 'dimension', render: (d: string) => dimName(t, d) },
            { title: t('surveys.results.expectation'), dataIndex: 'expectation', render: mean },
            { title: t('surveys.results.perception'), dataIndex: 'perception', render: mean },
            { title: t('surveys.results.gap'), dataIndex: 'gap', render: mean },
            { title: t('surveys.results.weight'), dataIndex: 'weight', render: (w: number | null) => (w == null ? '—' : `${w}%`) },
          ]}
        />
      ) : null}
    </Card>
  );
}

function BreakdownCard({ survey, base }: { survey: SurveyView; base: ResultsQuery }) {
  const t = useT();
  const [by, setBy] = useState<Breakdown>('compound');
  const r = useResults(survey.id, { ...base, by });
  return (
    <Card size="small" title={t('surveys.results.breakdown')} extra={<Segmented value={by} onChange={setBy} options={BREAKDOWNS.map((b) => ({ value: b, label: t(`surveys.by.${b}`) }))} data-testid="results-by" />}>
      <Table<BreakdownRow>
        size="small"
        rowKey="key"
        loading={r.isFetching}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={r.data?.breakdown ?? []}
        locale={{ emptyText: t('surveys.results.none') }}
        data-testid="results-breakdown"
        columns={[
          { title: t(`surveys.by.${by}`), dataIndex: 'label' },
          { title: t('surveys.results.responses'), dataIndex: 'responses', align: 'right' },
          { title: 'NPS', key: 'nps', align: 'right', render: (_: unknown, x) => npsText(x.nps.nps) },
          { title: t('surveys.results.csatShare'), key: 'csat', align: 'right', render: (_: unknown, x) => pct(x.csat.satisfiedShare) },
          { title: t('surveys.results.cesMean'), key: 'ces', align: 'right', render: (_: unknown, x) => mean(x.ces.mean) },
        ]}
      />
    </Card>
  );
}

function TrendCard({ survey, base }: { survey: SurveyView; base: ResultsQuery }) {
  const t = useT();
  const [by, setBy] = useState<Period>('week');
  const r = useResults(survey.id, { ...base, by });
  const data = r.data?.breakdown;
  const option = useMemo<ChartOption>(() => {
    const rows = data ?? [];
    return {
      grid: { left: 44, right: 44, top: 32, bottom: 28 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: rows.map((x) => x.label) },
      yAxis: [{ type: 'value', name: 'NPS / %' }, { type: 'value', name: t('surveys.results.responses'), splitLine: { show: false } }],
      series: [
        { type: 'line', name: 'NPS', data: rows.map((x) => (x.nps.nps == null ? null : Math.round(x.nps.nps * 10) / 10)), connectNulls: true },
        { type: 'line', name: t('surveys.results.csatShare'), data: rows.map((x) => (x.csat.satisfiedShare == null ? null : Math.round(x.csat.satisfiedShare * 10) / 10)), connectNulls: true },
        { type: 'bar', name: t('surveys.results.responses'), yAxisIndex: 1, data: rows.map((x) => x.responses), itemStyle: { color: '#d9d9d9' } },
      ],
    };
  }, [data, t]);
  const rows = data ?? [];
  return (
    <Card size="small" title={t('surveys.results.trend')} extra={<Segmented value={by} onChange={setBy} options={PERIODS.map((p) => ({ value: p, label: t(`surveys.by.${p}`) }))} data-testid="results-period" />}>
      {rows.length ? <Chart option={option} height={260} testId="results-trend" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.results.none')} />}
    </Card>
  );
}

function QuestionCard({ q, n }: { q: QuestionResult; n: number }) {
  const t = useT();
  const option = useMemo<ChartOption | null>(
    () =>
      q.counts.length
        ? { grid: { left: 40, right: 12, top: 12, bottom: 40 }, tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: q.counts.map((c) => c.label), axisLabel: { interval: 0, rotate: q.counts.length > 8 ? 30 : 0 } }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: q.counts.map((c) => c.count), itemStyle: { color: '#1668dc' } }] }
        : null,
    [q],
  );
  return (
    <Card size="small" title={`${n}. ${q.text}`} data-testid="results-question" extra={<Typography.Text type="secondary">{t('surveys.results.answered', { n: q.answered })}{q.mean != null ? ` · ${t('surveys.results.mean', { v: mean(q.mean) })}` : ''}</Typography.Text>}>
      {option ? <Chart option={option} height={200} /> : null}
      {q.rows ? (
        <Table size="small" rowKey="id" pagination={false} dataSource={q.rows} columns={[{ title: '', dataIndex: 'label' }, { title: t('surveys.results.meanCol'), dataIndex: 'mean', render: mean }, { title: t('surveys.results.counts'), dataIndex: 'counts', render: (c: number[]) => c.join(' / ') }]} />
      ) : null}
      {q.samples ? (
        <List size="small" dataSource={q.samples} locale={{ emptyText: t('surveys.results.noText') }} data-testid="results-texts" renderItem={(s) => <List.Item extra={<Typography.Text type="secondary">{formatDateTime(s.at)}</Typography.Text>}>{s.text}</List.Item>} />
      ) : null}
    </Card>
  );
}

function Filters({ survey, q, setQ }: { survey: SurveyView; q: ResultsQuery; setQ: (q: ResultsQuery) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const versions = useVersions(survey.id);
  const exportXlsx = useMutation({
    mutationFn: (query: ResultsQuery) => download(`/api/v1/surveys/${survey.id}/responses.xlsx`, query, `survey-${survey.id}.xlsx`),
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Flex gap={8} wrap align="center">
      <Select<number>
        style={{ width: 180 }}
        value={q.version ?? survey.definitionVersion}
        onChange={(version) => setQ({ ...q, version })}
        aria-label={t('surveys.results.version')}
        options={(versions.data ?? [{ version: survey.definitionVersion, responseCount: survey.responseCount }]).map((v) => ({ value: v.version, label: t('surveys.results.versionOption', { v: v.version, n: v.responseCount }) }))}
        data-testid="results-version"
      />
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        onChange={(range: [Dayjs | null, Dayjs | null] | null) => setQ({ ...q, from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })}
        data-testid="results-range"
      />
      <Button icon={<FileExcelOutlined />} loading={exportXlsx.isPending} onClick={() => exportXlsx.mutate(q)} data-testid="results-export" style={{ marginLeft: 'auto' }}>
        {t('surveys.results.export')}
      </Button>
    </Flex>
  );
}

/** 结果: response rate, NPS (groups and interval), CSAT, CES, SERVQUAL gaps, breakdowns, the trend, each question. */
export function Results({ survey }: { survey: SurveyView }) {
  const [q, setQ] = useState<ResultsQuery>({});
  const results = useResults(survey.id, q);
  const r: SurveyResults | undefined = results.data;
  return (
    <Flex vertical gap={16} data-testid="results">
      <Filters survey={survey} q={q} setQ={setQ} />
      {results.error ? <ErrorAlert error={results.error} onRetry={() => void results.refetch()} /> : null}
      {!r ? (
        results.error ? null : <Loading />
      ) : (
        <>
          <Headline r={r} />
          {r.servqual ? <ServqualCard s={r.servqual} /> : null}
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <BreakdownCard survey={survey} base={q} />
            </Col>
            <Col xs={24} lg={12}>
              <TrendCard survey={survey} base={q} />
            </Col>
          </Row>
          {r.questions.map((qr, i) => (
            <QuestionCard key={qr.id} q={qr} n={i + 1} />
          ))}
        </>
      )}
    </Flex>
  );
}
