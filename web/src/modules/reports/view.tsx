import type { HTMLAttributes } from 'react';
import { Card, Flex, Table, Typography, type TableColumnsType } from 'antd';
import { useI18n, type Translate } from '../../platform/i18n';
import { formatFen } from '../transactions';
import type { ReportFigure, ReportSection, ReportTable, ReportUnit } from './api';

type Cell = string | number | null | undefined;

const GREEN = '#389e0d';
const RED = '#cf1322';

/**
 * A figure as it reads in its unit: fen as ¥ yuan, percentages with %, hours with 小时, counts and scores plain (at most
 * two decimals); — when there is none. Text (and a cell the server already wrote as text) as it is.
 */
export function formatValue(t: Translate, lang: string, value: Cell, unit: ReportUnit | 'text'): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' || unit === 'text') return String(value);
  const num = (x: number, digits: number) => x.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits });
  switch (unit) {
    case 'fen':
      return formatFen(value);
    case 'percent':
      return `${num(value, 1)}%`;
    case 'hours':
      return t('reports.hours', { n: num(value, 1) });
    default:
      return num(value, 2);
  }
}

/** The change from the previous period in percent, (value − previous) / |previous|; null when either is missing or the base is 0. */
export function changePercent(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return ((value - previous) / Math.abs(previous)) * 100;
}

/** +12.5%, -3%, 0%, or — ; green when it moved the better way, red when the worse way. */
function Change({ figure }: { figure: ReportFigure }) {
  const { t, lang } = useI18n();
  const c = changePercent(figure.value, figure.previous);
  if (c === null) return <span data-testid="report-change">—</span>;
  const rounded = Math.round(c * 10) / 10;
  const good = figure.better === 'higher' ? rounded > 0 : rounded < 0;
  const color = rounded === 0 ? undefined : good ? GREEN : RED;
  const text = `${rounded > 0 ? '+' : ''}${formatValue(t, lang, rounded, 'percent')}`;
  return (
    <span data-testid="report-change" title={t(`reports.better.${figure.better}`)} style={{ color, whiteSpace: 'nowrap' }}>
      {text}
    </span>
  );
}

const nowrap = (testId: string, text: string) => (
  <span data-testid={testId} style={{ whiteSpace: 'nowrap' }}>
    {text}
  </span>
);

/** 指标 | 本期 | 上期 | 变化, a row per figure (scrolling inside its card when narrow). */
function FigureTable({ figures }: { figures: ReportFigure[] }) {
  const { t, lang } = useI18n();
  const columns: TableColumnsType<ReportFigure> = [
    { title: t('reports.col.figure'), key: 'label', render: (_, f) => <span data-testid="report-label">{f.label}</span> },
    { title: t('reports.col.value'), key: 'value', align: 'right', render: (_, f) => nowrap('report-value', formatValue(t, lang, f.value, f.unit)) },
    { title: t('reports.col.previous'), key: 'previous', align: 'right', render: (_, f) => nowrap('report-previous', formatValue(t, lang, f.previous, f.unit)) },
    { title: t('reports.col.change'), key: 'change', align: 'right', render: (_, f) => <Change figure={f} /> },
  ];
  return (
    <Table<ReportFigure>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={figures}
      columns={columns}
      scroll={{ x: 'max-content' }}
      onRow={(f) => ({ 'data-testid': `report-figure-${f.key}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}

/** One of the section's tables under its title; each column formatted by its unit. */
function DataTable({ table }: { table: ReportTable }) {
  const { t, lang } = useI18n();
  type Row = ReportTable['rows'][number] & { __row: number };
  const columns: TableColumnsType<Row> = table.columns.map((c) => ({
    title: c.label,
    key: c.key,
    align: c.unit === 'text' ? 'left' : 'right',
    render: (_: unknown, r: Row) => (c.unit === 'text' ? (r[c.key] ?? '—') : <span style={{ whiteSpace: 'nowrap' }}>{formatValue(t, lang, r[c.key], c.unit)}</span>),
  }));
  return (
    <div data-testid="report-table">
      <Typography.Text strong style={{ display: 'block', margin: '12px 0 6px' }}>
        {table.title}
      </Typography.Text>
      <Table<Row>
        rowKey="__row"
        size="small"
        pagination={false}
        dataSource={table.rows.map((r, i) => ({ ...r, __row: i }))}
        columns={columns}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('reports.table.empty') }}
      />
    </div>
  );
}

/** A section of the report as a card: its figures against the previous period, then its tables. */
export function SectionCard({ section }: { section: ReportSection }) {
  return (
    <Card size="small" title={section.title} data-testid={`report-section-${section.key}`} className="reports-section" styles={{ body: { minWidth: 0 } }}>
      <Flex vertical>
        {section.figures.length ? <FigureTable figures={section.figures} /> : null}
        {section.tables.map((tb, i) => (
          <DataTable key={i} table={tb} />
        ))}
      </Flex>
    </Card>
  );
}
