import { Alert, Card, Col, Grid, Row, Skeleton, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorMessage } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useT, type Translate } from '../../platform/i18n';
import { formatFen } from '../transactions';
import { customerKeys } from './api';
import type { CustomerSummaryFigure, CustomerSummaryView } from '../../../../src/modules/customers/summary.contract';

/** Where the band's figures are cached: under the customer's keys, so a change that refreshes the customer refreshes them. */
export const summaryKey = (id: string) => [...customerKeys.one(id), 'summary'] as const;

const TONE = { default: undefined, success: 'success', warning: 'warning', danger: 'danger' } as const;

/** How a figure's value reads: the server's text for codes and lists, else formatted by its unit; '—' when empty. */
export function figureValue(t: Translate, f: CustomerSummaryFigure): string {
  if (f.value === null) return '—';
  if (f.text !== null) return f.text;
  switch (f.unit) {
    case 'fen':
      return formatFen(Number(f.value));
    case 'points':
      return t('customers.summary.points', { n: Number(f.value).toLocaleString('en-US') });
    case 'datetime':
      return formatDateTime(String(f.value));
    default:
      return String(f.value);
  }
}

/** 「价值分析 2026-12-01」 or 「交易 截至今天」. */
export function figureSource(t: Translate, f: CustomerSummaryFigure): string {
  return t('customers.summary.source', { source: f.source, date: f.live ? t('customers.summary.today') : f.asOf });
}

function Figure({ f }: { f: CustomerSummaryFigure }) {
  const t = useT();
  const label = f.link ? <Link to={f.link}>{f.label}</Link> : f.label;
  return (
    <div data-testid="summary-figure" data-key={f.key} style={{ padding: '8px 12px', border: '1px solid rgba(5,5,5,0.06)', borderRadius: 8, height: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="summary-label">
        {label}
      </Typography.Text>
      <div style={{ fontSize: 18, fontWeight: 500, lineHeight: '28px' }}>
        <Typography.Text type={TONE[f.tone]} data-testid="summary-value">
          {figureValue(t, f)}
        </Typography.Text>
      </div>
      {f.value === null ? (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }} data-testid="summary-empty">
          {f.empty}
        </Typography.Text>
      ) : f.detail ? (
        <Typography.Text style={{ fontSize: 12, display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={f.detail} data-testid="summary-detail">
          {f.detail}
        </Typography.Text>
      ) : null}
      <Typography.Text type="secondary" style={{ fontSize: 11, display: 'block' }} data-testid="summary-source">
        {figureSource(t, f)}
      </Typography.Text>
    </div>
  );
}

/**
 * The summary band above the 360 page's tabs: each module's figures on the customer (value tier, CLV, churn risk,
 * spend, arrears, last contact, open tasks and tickets, the next care occasion, consent, loyalty), each with its
 * source and date, linking to the tab or list behind it. Figures the user may not read are not sent by the server.
 */
export function SummaryBand({ customerId }: { customerId: string }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const summary = useQuery({
    queryKey: summaryKey(customerId),
    queryFn: ({ signal }) => api.get<CustomerSummaryView>(`/api/v1/customers/${customerId}/summary`, undefined, signal),
  });
  if (summary.error) return <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('customers.summary.error', { error: errorMessage(summary.error) })} />;
  return (
    <Card size="small" title={t('customers.summary.title')} style={{ marginBottom: 12 }} data-testid="summary-band" styles={{ body: { padding: screens.md ? 12 : 8 } }}>
      {summary.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Row gutter={[8, 8]}>
          {summary.data.figures.map((f) => (
            <Col key={f.key} xs={12} sm={8} lg={6} xxl={4}>
              <Figure f={f} />
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
