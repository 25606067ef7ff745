import type { ReactNode } from 'react';
import { Button, Card, Col, Flex, Progress, Row, Tag, Typography, type TableColumnsType } from 'antd';
import { useT, type Translate } from '../../platform/i18n';
import type { PerformanceRow } from './api';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Hours with one decimal; — when not measured. */
export const hours = (x: number | null) => (x === null ? '—' : x.toFixed(1));
/** Median / P90 in hours (— alone when neither is measured). */
export const hoursPair = (median: number | null, p90: number | null) => (median === null && p90 === null ? '—' : `${hours(median)} / ${hours(p90)}`);
/** A percentage (0–100) with at most one decimal. */
export const percent = (x: number | null) => (x === null ? '—' : `${round(x, 1)}%`);
/** The 1–5 average with one decimal. */
export const stars = (x: number | null) => (x === null ? '—' : x.toFixed(1));
/** The incentive score (0–100) with at most one decimal. */
export const scoreText = (x: number | null) => (x === null ? '—' : String(round(x, 1)));

const RANK_COLOR: Record<number, string> = { 1: 'gold', 2: 'geekblue', 3: 'orange' };

export function RankTag({ rank }: { rank: number | null }) {
  if (rank === null) return <span data-testid="perf-rank">—</span>;
  return (
    <Tag color={RANK_COLOR[rank] ?? 'default'} data-testid="perf-rank" style={{ marginInlineEnd: 0 }}>
      {rank}
    </Tag>
  );
}

/** The score as a small bar with its figure. */
export function ScoreBar({ score }: { score: number | null }) {
  return (
    <Progress
      data-testid="perf-score"
      percent={score === null ? 0 : Math.min(100, Math.max(0, score))}
      format={() => scoreText(score)}
      size="small"
      status="normal"
      strokeColor={score === null ? undefined : score >= 80 ? '#52c41a' : score >= 50 ? '#1668dc' : '#faad14'}
      style={{ marginBottom: 0, minWidth: 110 }}
    />
  );
}

/** The agent's name: opens their drawer (KPIs and training notes). */
function AgentName({ row, onOpen }: { row: PerformanceRow; onOpen: (r: PerformanceRow) => void }) {
  return (
    <Button type="link" size="small" onClick={() => onOpen(row)} data-testid="perf-agent" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }}>
      {row.user.name}
    </Button>
  );
}

const cell = (testId: string, text: ReactNode) => (
  <span data-testid={testId} style={{ whiteSpace: 'nowrap' }}>
    {text}
  </span>
);

/** The six KPI figures of a row, each with its test id (the table's cells and the card's figures). */
export function figures(t: Translate, r: PerformanceRow): { key: string; label: string; node: ReactNode }[] {
  return [
    { key: 'tickets', label: t('performance.col.tickets'), node: cell('perf-tickets', r.tickets) },
    { key: 'firstResponse', label: t('performance.col.withSub', { label: t('performance.col.firstResponse'), sub: t('performance.col.hoursSub') }), node: cell('perf-first-response', hoursPair(r.firstResponseMedianHours, r.firstResponseP90Hours)) },
    { key: 'resolution', label: t('performance.col.withSub', { label: t('performance.col.resolution'), sub: t('performance.col.hoursSub') }), node: cell('perf-resolution', hoursPair(r.resolutionMedianHours, r.resolutionP90Hours)) },
    { key: 'sla', label: t('performance.col.sla'), node: cell('perf-sla', percent(r.slaCompliance)) },
    { key: 'reopen', label: t('performance.col.reopen'), node: cell('perf-reopen', percent(r.reopenRate)) },
    {
      key: 'satisfaction',
      label: t('performance.col.satisfaction'),
      node: (
        <span title={t('performance.ratings', { n: r.ratings })}>
          {cell('perf-satisfaction', stars(r.satisfactionAvg))}
          {r.ratings ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{` (${r.ratings})`}</Typography.Text> : null}
        </span>
      ),
    },
    {
      key: 'returnVisits',
      label: t('performance.col.returnVisits'),
      node: (
        <span title={t('performance.visits', { onTime: r.returnVisitsOnTime, due: r.returnVisitsDue })}>
          {cell('perf-return-visits', percent(r.returnVisitOnTimeRate))}
          {r.returnVisitsDue ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{` (${r.returnVisitsOnTime}/${r.returnVisitsDue})`}</Typography.Text> : null}
        </span>
      ),
    },
  ];
}

/** A column title with its unit on a second, smaller line (keeps the columns narrow). */
function TwoLine({ label, sub }: { label: string; sub: string }) {
  return (
    <>
      {label}
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, fontWeight: 'normal' }}>
        {sub}
      </Typography.Text>
    </>
  );
}

/** The leaderboard's width: the columns' widths added up (the name takes what is left). */
export const TABLE_WIDTH = 1080;

/** The leaderboard's columns (desktop). */
export function columns(t: Translate, onOpen: (r: PerformanceRow) => void): TableColumnsType<PerformanceRow> {
  const fig = (key: string) => (_: unknown, r: PerformanceRow) => figures(t, r).find((f) => f.key === key)?.node;
  const sub = t('performance.col.hoursSub');
  return [
    { title: t('performance.col.rank'), key: 'rank', width: 64, align: 'center', render: (_, r) => <RankTag rank={r.rank} /> },
    { title: t('performance.col.name'), key: 'name', render: (_, r) => <AgentName row={r} onOpen={onOpen} /> },
    { title: t('performance.col.team'), key: 'team', width: 120, render: (_, r) => r.team?.name ?? '—' },
    { title: t('performance.col.tickets'), key: 'tickets', width: 72, align: 'right', render: fig('tickets') },
    { title: <TwoLine label={t('performance.col.firstResponse')} sub={sub} />, key: 'firstResponse', width: 118, align: 'right', render: fig('firstResponse') },
    { title: <TwoLine label={t('performance.col.resolution')} sub={sub} />, key: 'resolution', width: 118, align: 'right', render: fig('resolution') },
    { title: t('performance.col.sla'), key: 'sla', width: 96, align: 'right', render: fig('sla') },
    { title: t('performance.col.reopen'), key: 'reopen', width: 72, align: 'right', render: fig('reopen') },
    { title: t('performance.col.satisfaction'), key: 'satisfaction', width: 80, align: 'right', render: fig('satisfaction') },
    { title: t('performance.col.returnVisits'), key: 'returnVisits', width: 96, align: 'right', render: fig('returnVisits') },
    { title: t('performance.col.score'), key: 'score', width: 150, render: (_, r) => <ScoreBar score={r.score} /> },
  ];
}

/** An agent as a card at phone width: rank, name and team, the score bar, then the KPIs two by two. */
export function AgentCard({ row, onOpen }: { row: PerformanceRow; onOpen: (r: PerformanceRow) => void }) {
  const t = useT();
  return (
    <Card size="small" data-testid="perf-card">
      <Flex align="center" gap={8} wrap>
        <RankTag rank={row.rank} />
        <Typography.Text strong style={{ minWidth: 0 }}>
          <AgentName row={row} onOpen={onOpen} />
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {row.team?.name ?? ''}
        </Typography.Text>
      </Flex>
      <ScoreBar score={row.score} />
      <Row gutter={[8, 4]} style={{ marginTop: 4, fontSize: 13 }}>
        {figures(t, row).map((f) => (
          <Col key={f.key} span={12}>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {f.label}
            </Typography.Text>
            {f.node}
          </Col>
        ))}
      </Row>
    </Card>
  );
}
