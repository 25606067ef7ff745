import { Link } from 'react-router';
import { Card, Col, Flex, List, Row, Skeleton, Statistic, Tooltip, Typography } from 'antd';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { formatFen } from '../transactions';
import { points, useLoyaltyReport, type LoyaltyReport } from './api';
import { DayRangeFilter, useLoyaltyParams } from './filters';
import { CohortSection, PointsSection, rate, TierSection } from './ReportSections';

/** A figure on a card; `link`: the list behind it. */
function Figure({ title, value, hint, tip, link, testId }: { title: string; value: string; hint?: string; tip?: string; link?: string; testId: string }) {
  const body = <Statistic title={tip ? <Tooltip title={tip}>{title}</Tooltip> : title} value={value} data-testid={testId} />;
  return (
    <Col xs={12} md={8} xl={4}>
      <Card size="small" style={{ height: '100%' }}>
        {link ? <Link to={link}>{body}</Link> : body}
        {hint ? <Typography.Text type="secondary">{hint}</Typography.Text> : null}
      </Card>
    </Col>
  );
}

/** The headline figures: members, the liability and what expires soon, the redemption rates. */
function Headline({ report }: { report: LoyaltyReport }) {
  const t = useT();
  const l = report.liability;
  const r = report.redemption;
  const days = `from=${report.from}&to=${report.to}`;
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
      <Figure title={t('loy.rep.members')} value={points(report.members.total)} link="/loyalty" testId="loy-rep-members" />
      <Figure
        title={t('loy.rep.liability')}
        value={formatFen(l.valueFen)}
        hint={t('loy.rep.pointsN', { n: points(l.points) })}
        tip={t('loy.rep.liabilityHint', { fen: report.pointValueFen })}
        testId="loy-rep-liability"
      />
      <Figure
        title={t('loy.rep.expiring', { days: l.expiringDays })}
        value={formatFen(l.expiringValueFen)}
        hint={t('loy.rep.pointsN', { n: points(l.expiringPoints) })}
        testId="loy-rep-expiring"
      />
      <Figure title={t('loy.rep.debt')} value={points(l.debtPoints)} hint={t('loy.rep.debtHint')} testId="loy-rep-debt" />
      <Figure
        title={t('loy.rep.redemptionRate')}
        value={rate(r.pointsRate)}
        hint={t('loy.rep.redemptionRateHint')}
        link={`/loyalty?tab=redemptions&${days}`}
        testId="loy-rep-rate"
      />
      <Figure
        title={t('loy.rep.memberShare')}
        value={rate(r.memberShare)}
        hint={t('loy.rep.memberShareHint', { n: points(r.redeemers), m: points(r.members) })}
        testId="loy-rep-share"
      />
    </Row>
  );
}

/** 老带新漏斗: attributed → rewarded in the period, and the refusals by reason; each count opens its referrals. */
function ReferralFunnel({ report }: { report: LoyaltyReport }) {
  const t = useT();
  const f = report.referrals;
  const days = `from=${report.from}&to=${report.to}`;
  const step = (title: string, value: number, link: string, testId: string) => (
    <Link to={link}>
      <Statistic title={title} value={value} data-testid={testId} />
    </Link>
  );
  return (
    <Card size="small" title={t('loy.rep.referrals')} style={{ marginBottom: 12 }} data-testid="loy-rep-referrals">
      <Flex gap={32} wrap>
        {step(t('loy.rep.ref.attributed'), f.attributed, `/loyalty?tab=referrals&${days}`, 'loy-rep-ref-attributed')}
        {step(t('loy.rep.ref.rewarded'), f.rewarded, `/loyalty?tab=referrals&status=rewarded&${days}`, 'loy-rep-ref-rewarded')}
        {step(t('loy.rep.ref.refused'), f.refused.total, `/loyalty?tab=referrals&status=refused&${days}`, 'loy-rep-ref-refused')}
        <Statistic title={t('loy.rep.ref.pointsPaid')} value={points(f.pointsPaid)} />
        <Statistic title={t('loy.rep.ref.conversion')} value={rate(f.attributed ? Math.round((f.rewarded / f.attributed) * 10_000) / 100 : null)} />
      </Flex>
      {f.refused.byReason.length ? (
        <List
          size="small"
          header={<Typography.Text type="secondary">{t('loy.rep.ref.byReason')}</Typography.Text>}
          dataSource={f.refused.byReason}
          renderItem={(x) => (
            <List.Item extra={x.count}>
              <span>{x.label || x.reason}</span>
            </List.Item>
          )}
        />
      ) : null}
    </Card>
  );
}

/**
 * 报表: the loyalty report of the days in the address (`?tab=reports&from=&to=`; without them the server's default,
 * the last 12 months) — members by tier (a bar opens the tier's members) and movements, points by month, the liability
 * now, redemption rates, the referral funnel and the member versus non-member cohorts.
 */
export function ReportsTab() {
  const t = useT();
  const { days, set } = useLoyaltyParams();
  const report = useLoyaltyReport(days);
  const data = report.data;
  return (
    <div data-testid="loy-reports">
      <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('loy.rep.period')}</Typography.Text>
        <DayRangeFilter
          days={{ from: days.from ?? data?.from, to: days.to ?? data?.to }}
          allowClear={false}
          onChange={(d) => (d.from && d.to ? set(d) : undefined)}
          testId="loy-rep-days"
        />
        {data ? <Typography.Text type="secondary">{t('loy.rep.asOf', { at: formatDateTime(data.asOf) })}</Typography.Text> : null}
      </Flex>
      <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      {data ? (
        <div style={{ opacity: report.isPlaceholderData ? 0.6 : 1 }}>
          <Headline report={data} />
          <TierSection report={data} />
          <PointsSection report={data} />
          <ReferralFunnel report={data} />
          <CohortSection cohorts={data.cohorts} />
        </div>
      ) : report.isPending ? (
        <Skeleton active />
      ) : null}
    </div>
  );
}
