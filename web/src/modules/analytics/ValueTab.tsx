import { useMemo } from 'react';
import { Alert, Card, Col, Descriptions, Empty, List, Row, Statistic, Tag, Typography } from 'antd';
import { ApiError } from '../../platform/api';
import { localized, useI18n } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import { formatFen } from '../transactions';
import { RFM_GROUP_LABELS, VALUE_KINDS, useCustomerAnalytics } from './api';
import { Chart, type ChartOption } from '../../platform/Chart';
import { LEVEL_COLORS, TIER_COLORS } from './AnalyticsPage';

const MODEL_NAMES = { mbgnbd: 'MBG/NBD', bgnbd: 'BG/NBD' } as const;

/** A figure's window or model, under it (the figures measure different things; each says which). */
function Basis({ children, testId }: { children: React.ReactNode; testId?: string }) {
  return (
    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} data-testid={testId}>
      {children}
    </Typography.Text>
  );
}

/** The 价值 tab of the customer 360 page: scores, tier, CLV, P(alive), churn risk with reasons, and their history. */
export function ValueTab({ customerId }: { customerId: string }) {
  const { t, lang } = useI18n();
  const q = useCustomerAnalytics(customerId);
  const a = q.data;
  const option = useMemo<ChartOption | null>(
    () =>
      a && a.history.length
        ? {
            tooltip: { trigger: 'axis' },
            legend: {},
            grid: { left: 48, right: 48, top: 32, bottom: 32 },
            xAxis: { type: 'category', data: a.history.map((h) => h.asOf) },
            yAxis: [
              { type: 'value', min: 0, max: 100 },
              { type: 'value', min: 0, max: 100 },
            ],
            series: [
              { type: 'line', name: t('analytics.tab.score'), data: a.history.map((h) => h.valueScore) },
              { type: 'line', name: t('analytics.tab.risk'), yAxisIndex: 1, data: a.history.map((h) => h.churnRisk) },
            ],
          }
        : null,
    [a, t],
  );
  if (q.isPending) return <Loading />;
  if (q.error) return q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 403) ? <Empty description={t('analytics.tab.none')} /> : <ErrorAlert error={q.error} />;
  if (!a) return null;
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const b = a.basis;
  const model = b.purchaseModel ? MODEL_NAMES[b.purchaseModel] : null;
  const purchaseBasis = model ? t('analytics.basis.purchaseModel', { model }) : t('analytics.basis.noPurchaseModel');
  const renewalBasis = b.renewalModel ? t('analytics.basis.renewalModel') : t('analytics.basis.noRenewalModel');
  return (
    <div data-testid="value-tab">
      <Typography.Paragraph type="secondary">{t('analytics.tab.asOf', { asOf: a.asOf })}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('analytics.tab.score')} value={a.valueScore} precision={1} suffix={<Tag color={TIER_COLORS[a.valueTier]}>{t(`analytics.tier.${a.valueTier}`)}</Tag>} />
          <Basis testId="basis-score">{t('analytics.basis.score', { n: b.indicators })}</Basis>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('analytics.tab.clv')} value={formatFen(a.clvFen)} />
          <Basis testId="basis-clv">{t('analytics.basis.clv', { months: b.horizonMonths, rate: +(b.discountRate * 100).toFixed(1) })}</Basis>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('analytics.tab.pAlive')} value={pct(a.pAlive)} />
          <Basis testId="basis-palive">{purchaseBasis}</Basis>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('analytics.tab.risk')} value={a.churnRisk} suffix={<Tag color={LEVEL_COLORS[a.churnLevel]}>{t(`analytics.level.${a.churnLevel}`)}</Tag>} />
          <Basis>{t('analytics.basis.risk')}</Basis>
        </Col>
      </Row>
      <Card size="small" title={t('analytics.churn.reasons')} style={{ marginTop: 16 }}>
        {a.reasons.length ? (
          <List size="small" dataSource={a.reasons} renderItem={(r) => <List.Item data-testid="churn-reason">{r}</List.Item>} />
        ) : (
          <Alert type="success" title={t('analytics.tab.noReasons')} />
        )}
      </Card>
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('analytics.tab.rfm')}>
          R{a.r} F{a.f} M{a.m} · {localized(RFM_GROUP_LABELS[a.rfmGroup], lang)}
          <Basis testId="basis-rfm">{t('analytics.basis.rfmWindow', { days: b.rfmWindowDays, count: a.frequency, amount: formatFen(a.monetaryFen) })}</Basis>
          {a.lifetimePurchases !== null && a.lifetimeFen !== null ? (
            <Basis testId="basis-lifetime">{t('analytics.basis.lifetime', { count: a.lifetimePurchases, amount: formatFen(a.lifetimeFen) })}</Basis>
          ) : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.clvFormula')}>{formatFen(a.clvFormulaFen)}</Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.clv')}>
          {t('analytics.tab.clvParts', { service: formatFen(a.clvServiceFen), contract: formatFen(a.clvContractFen) })}
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.expected', { weeks: b.expectedPurchaseWeeks })}>
          {a.expectedPurchases === null ? '—' : a.expectedPurchases.toFixed(2)}
          <Basis>{purchaseBasis}</Basis>
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.renewal')}>
          {pct(a.renewalProb)}
          <Basis testId="basis-renewal">{renewalBasis}</Basis>
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.loyalty')}>{a.loyalty.toFixed(1)}</Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.quadrant')}>{t(`analytics.quadrant.${a.quadrant}`)}</Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.segment')}>{a.segment ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('analytics.tab.kinds')} span={2}>
          {VALUE_KINDS.map((k) => `${t(`analytics.kind.${k}`)} ${Number(a.scores.kinds[k] ?? 0).toFixed(0)}`).join(' · ')}
        </Descriptions.Item>
      </Descriptions>
      <Alert
        type="info"
        showIcon
        style={{ marginTop: 16 }}
        data-testid="basis-explain"
        title={t('analytics.basis.title')}
        description={t('analytics.basis.explain', { days: b.rfmWindowDays, model: model ? t('analytics.basis.purchaseModel', { model }) : t('analytics.basis.modelAny') })}
      />
      {option ? (
        <Card size="small" title={t('analytics.tab.history')} style={{ marginTop: 16 }}>
          <Chart option={option} height={220} testId="chart-history" />
        </Card>
      ) : null}
    </div>
  );
}
