import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Col, Empty, List, Row, Segmented, Space, Typography } from 'antd';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Chart, type ChartOption } from '../../platform/Chart';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { formatFen } from '../transactions';
import { DASHBOARD_BOARDS, useHome, type DashboardBoard, type DashboardTileView, type TileTone, type TileUnit } from './api';

const TONE_COLOR: Record<TileTone, string | undefined> = { default: undefined, success: '#389e0d', warning: '#d48806', danger: '#cf1322' };
const BADGE: Record<TileTone, 'default' | 'success' | 'warning' | 'error'> = { default: 'default', success: 'success', warning: 'warning', danger: 'error' };

function useFormat() {
  const t = useT();
  return (value: number | null, unit: TileUnit): string => {
    if (value === null) return '—';
    switch (unit) {
      case 'fen':
        return formatFen(value);
      case 'percent':
        return `${(Math.round(value * 10) / 10).toLocaleString()}%`;
      case 'score':
        return (Math.round(value * 10) / 10).toLocaleString();
      case 'hours':
        return t('home.hours', { n: (Math.round(value * 10) / 10).toLocaleString() });
      case 'bytes': {
        const units = ['B', 'KB', 'MB', 'GB', 'TB'];
        let v = value;
        let i = 0;
        while (v >= 1024 && i < units.length - 1) {
          v /= 1024;
          i++;
        }
        return `${(Math.round(v * 10) / 10).toLocaleString()} ${units[i]}`;
      }
      default:
        return Math.round(value).toLocaleString();
    }
  };
}

/** A figure: its label above, the value (a link to its records when it has one). */
function Stat({ label, text, tone, link }: { label: string; text: string; tone: TileTone; link: string | null }) {
  const value = (
    <span style={{ fontSize: 24, fontWeight: 600, color: TONE_COLOR[tone] }} data-testid="tile-stat-value">
      {text}
    </span>
  );
  return (
    <div data-testid="tile-stat" style={{ minWidth: 110 }}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {label}
      </Typography.Text>
      <div>{link ? <Link to={link}>{value}</Link> : value}</div>
    </div>
  );
}

function TileChartView({ tile }: { tile: DashboardTileView }) {
  const navigate = useNavigate();
  const format = useFormat();
  const chart = tile.chart!;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 8, top: chart.series.length > 1 ? 28 : 12, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? format(v, chart.unit) : '—') },
      legend: chart.series.length > 1 ? { top: 0 } : undefined,
      xAxis: { type: 'category', data: chart.x },
      yAxis: { type: 'value', minInterval: chart.unit === 'count' ? 1 : undefined, axisLabel: { formatter: (v: number) => format(v, chart.unit) } },
      series: chart.series.map((s) =>
        chart.kind === 'bar'
          ? { type: 'bar' as const, name: s.name, data: s.values, cursor: 'pointer' }
          : { type: 'line' as const, name: s.name, data: s.values, connectNulls: false, cursor: 'pointer', symbolSize: 8 },
      ),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- format depends only on the language, which re-renders the page
    [chart],
  );
  return (
    <Chart
      option={option}
      height={200}
      testId={`tile-chart-${tile.key}`}
      onClick={({ seriesIndex, dataIndex }) => {
        const link = chart.series[seriesIndex]?.links[dataIndex];
        if (link) void navigate(link);
      }}
    />
  );
}

function Tile({ tile }: { tile: DashboardTileView }) {
  const t = useT();
  const format = useFormat();
  return (
    <Card
      title={tile.title}
      size="small"
      data-testid={`tile-${tile.key}`}
      extra={tile.link ? <Link to={tile.link}>{t('home.more')}</Link> : null}
      style={{ height: '100%' }}
    >
      {tile.description ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
          {tile.description}
        </Typography.Paragraph>
      ) : null}
      {tile.stats.length ? (
        <Space size={[24, 8]} wrap style={{ marginBottom: tile.rows.length || tile.chart ? 12 : 0 }}>
          {tile.stats.map((s) => (
            <Stat key={s.label} label={s.label} text={format(s.value, s.unit)} tone={s.tone} link={s.link} />
          ))}
        </Space>
      ) : null}
      {tile.chart ? <TileChartView tile={tile} /> : null}
      {tile.rows.length ? (
        <List
          size="small"
          dataSource={tile.rows}
          renderItem={(r) => (
            <List.Item key={r.id} data-testid="tile-row" style={{ paddingInline: 0 }}>
              <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
                <Space size={6}>
                  <Badge status={BADGE[r.tone]} />
                  {r.link ? <Link to={r.link}>{r.label}</Link> : <span>{r.label}</span>}
                </Space>
                {r.detail || r.at ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[r.detail, r.at ? formatDateTime(r.at) : null].filter(Boolean).join(' · ')}
                  </Typography.Text>
                ) : null}
              </Space>
            </List.Item>
          )}
        />
      ) : !tile.stats.length && !tile.chart ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noData')} />
      ) : null}
    </Card>
  );
}

/**
 * 首页: the board of the user's role (an agent's day, an account manager's book, a manager's goals, the system),
 * or another board they may see (the switch is in the URL, ?board=). Every figure, row and chart point links to the
 * filtered list behind it.
 */
export function HomePage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const wanted = params.get('board');
  const board = (DASHBOARD_BOARDS as readonly string[]).includes(wanted ?? '') ? (wanted as DashboardBoard) : null;
  const home = useHome(board);
  const data = home.data;
  return (
    <>
      <PageHeader
        title={t('home.title')}
        subtitle={data ? t('home.asOf', { time: formatDateTime(data.asOf) }) : undefined}
        extra={
          <Space wrap>
            {data && data.boards.length > 1 ? (
              <Segmented
                data-testid="board-switch"
                value={data.board}
                options={data.boards.map((b) => ({ value: b, label: t(`home.board.${b}`) }))}
                onChange={(v) => setParams({ board: String(v) }, { replace: true })}
              />
            ) : null}
            <Button icon={<ReloadOutlined />} onClick={() => void home.refetch()} loading={home.isFetching} aria-label={t('home.refresh')} />
          </Space>
        }
      />
      {home.error ? <ErrorAlert error={home.error} onRetry={() => void home.refetch()} /> : null}
      {!data ? (
        home.error ? null : <Loading />
      ) : data.tiles.length === 0 ? (
        <Empty description={t('home.empty')} />
      ) : (
        <Row gutter={[16, 16]} data-testid={`board-${data.board}`}>
          {data.tiles.map((tile) => (
            <Col key={tile.key} xs={24} lg={12} xxl={8}>
              <Tile tile={tile} />
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
