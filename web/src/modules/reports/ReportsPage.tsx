import { useState, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, DatePicker, Empty, Flex, Grid, Segmented, Tabs, Typography } from 'antd';
import { FileExcelOutlined, FilePdfOutlined, MailOutlined, PrinterOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { download, errorMessage } from '../../platform/api';
import { formatDateTime, inZone } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { exportPath, exportUrl, REPORT_CADENCES, REPORT_KINDS, reportParams, useReport, type ExportFormat, type ReportCadence, type ReportQuery } from './api';
import { SubscribeDialog, SubscriptionsCard } from './Subscriptions';
import { SectionCard } from './view';

const DAY = 'YYYY-MM-DD';

/**
 * While the page is shown, printing leaves out the menu, the header and the controls: the printout is the document.
 * (A style element of the page, so it goes when the page does.)
 */
const PRINT_CSS = `@media print {
  .ant-layout-sider, .ant-layout-header, .ant-drawer, .reports-noprint { display: none !important; }
  .ant-layout, .ant-layout-content { background: #fff !important; padding: 0 !important; }
  .reports-section { break-inside: avoid; }
  .reports-doc .ant-table-content { overflow: visible !important; }
}`;

const oneOf = <T extends string>(all: readonly T[], v: string | null, fallback: T): T => (all.includes(v as T) ? (v as T) : fallback);

/** The day that names a period for the API: a week's Monday (the server's weeks run Monday to Sunday), a month's 1st. */
function periodDate(cadence: ReportCadence, d: Dayjs): string {
  if (cadence === 'month') return d.format('YYYY-MM-01');
  // The picker's week (Monday or Sunday first, by the UI language) → the Monday inside it.
  const x = d.startOf('week').add(1, 'day');
  return x.subtract((x.day() + 6) % 7, 'day').format(DAY);
}

/** 2025-06-02 ~ 06-08 for a week (the server's Monday-to-Sunday). */
const weekText = (d: Dayjs) => {
  const monday = dayjs(periodDate('week', d));
  return `${monday.format(DAY)} ~ ${monday.add(6, 'day').format('MM-DD')}`;
};

/**
 * 报表中心: a report (服务 / 价值 / 客户维系) for a week or a month, shown as a printable document, with its downloads;
 * 订阅 emails the chosen report every period, and 订阅管理 (under the document) lists the subscriptions and their sends.
 */
export function ReportsPage() {
  const t = useT();
  const { message } = App.useApp();
  const isPhone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const date = params.get('date');
  const q: ReportQuery = {
    kind: oneOf(REPORT_KINDS, params.get('kind'), 'service'),
    cadence: oneOf(REPORT_CADENCES, params.get('cadence'), 'week'),
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined,
  };
  const report = useReport(q);
  const [subscribing, setSubscribing] = useState(false);
  const doc = report.data;
  const set = (next: Partial<ReportQuery>) => {
    const m = { ...q, ...next };
    setParams({ kind: m.kind, cadence: m.cadence, ...(m.date ? { date: m.date } : {}) }, { replace: true });
  };
  const exporting = useMutation({
    mutationFn: ({ format, query }: { format: ExportFormat; query: ReportQuery }) => download(exportPath(query, format), reportParams(query), `report-${query.kind}.${format}`),
    onError: (err) => message.error(errorMessage(err)),
  });
  // The link works as a link (open, copy); a click downloads through the API client, so the file is in the UI language.
  const exportButton = (format: ExportFormat) => (
    <Button
      href={exportUrl(q, format)}
      icon={format === 'pdf' ? <FilePdfOutlined /> : <FileExcelOutlined />}
      loading={exporting.isPending && exporting.variables?.format === format}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        exporting.mutate({ format, query: q });
      }}
      data-testid={`report-export-${format}`}
    >
      {t(`reports.export.${format}`)}
    </Button>
  );
  const today = inZone(new Date().toISOString()).format(DAY);
  const shown = q.date ?? doc?.period.start;
  return (
    <>
      <style>{PRINT_CSS}</style>
      <div className="reports-noprint">
        <PageHeader
          title={t('reports.title')}
          extra={
            <>
              {exportButton('xlsx')}
              {exportButton('pdf')}
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!doc} data-testid="report-print">
                {t('reports.print')}
              </Button>
              <Button type="primary" icon={<MailOutlined />} onClick={() => setSubscribing(true)} data-testid="report-subscribe">
                {t('reports.subscribe')}
              </Button>
            </>
          }
        />
        <Tabs
          activeKey={q.kind}
          onChange={(k) => set({ kind: k as ReportQuery['kind'] })}
          items={REPORT_KINDS.map((k) => ({ key: k, label: t(`reports.kind.${k}`) }))}
          aria-label={t('reports.kind')}
          data-testid="report-kinds"
          style={{ marginBottom: 4 }}
        />
        <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }}>
          <Segmented<ReportCadence>
            value={q.cadence}
            onChange={(c) => set({ cadence: c, date: q.date ? periodDate(c, dayjs(q.date)) : undefined })}
            options={REPORT_CADENCES.map((c) => ({ value: c, label: t(`reports.cadence.${c}`) }))}
            aria-label={t('reports.cadence')}
            data-testid="report-cadence"
          />
          <DatePicker
            key={q.cadence}
            picker={q.cadence}
            value={shown ? dayjs(shown) : null}
            onChange={(d: Dayjs | null) => set({ date: d ? periodDate(q.cadence, d) : undefined })}
            format={q.cadence === 'week' ? weekText : 'YYYY-MM'}
            disabledDate={(d) => (q.cadence === 'month' ? d.format('YYYY-MM') > today.slice(0, 7) : d.format(DAY) > today)}
            allowClear={false}
            inputReadOnly
            aria-label={t(`reports.period.${q.cadence}`)}
            data-testid="report-period"
            style={{ width: isPhone ? '100%' : 220 }}
          />
        </Flex>
      </div>
      {report.error ? <ErrorAlert error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.isPending ? <Loading /> : null}
      {doc ? (
        <div className="reports-doc" data-testid="report-doc">
          <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 4, overflowWrap: 'anywhere' }} data-testid="report-title">
            {doc.title}
          </Typography.Title>
          <Typography.Text type="secondary" style={{ display: 'block' }} data-testid="report-periods">
            {t('reports.periods', { period: doc.period.label, previous: doc.previous.label })}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 12 }}>
            {t('reports.generated', { at: formatDateTime(doc.generatedAt) })}
          </Typography.Text>
          <Flex vertical gap={12}>
            {doc.sections.map((s) => (
              <SectionCard key={s.key} section={s} />
            ))}
            {!doc.sections.length ? <Empty description={t('reports.empty')} /> : null}
          </Flex>
        </div>
      ) : null}
      <SubscriptionsCard />
      {subscribing ? <SubscribeDialog kind={q.kind} cadence={q.cadence} onClose={() => setSubscribing(false)} /> : null}
    </>
  );
}
