import { Card, Col, Descriptions, Flex, Row, Statistic, Typography } from 'antd';
import { useT } from '../../platform/i18n';
import type { SurveyResults } from './api';

/** A percent (raw) → "42.9%"; null → "—". */
export const pct = (v: number | null | undefined) => (v == null ? '—' : `${v.toFixed(1)}%`);
/** A mean → "4.25"; null → "—". */
export const mean = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(2));
/** NPS points → "+33.3" / "-12.0". */
export const npsText = (v: number | null | undefined) => (v == null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)}`);

/** NPS with its 95% interval on the −100…+100 axis (a small SVG: the numbers are in the text beside it). */
function NpsInterval({ nps, ci }: { nps: number; ci: [number, number] | null }) {
  const W = 300;
  const H = 40;
  const pad = 12;
  const x = (v: number) => pad + ((v + 100) / 200) * (W - 2 * pad);
  const color = nps > 0 ? '#389e0d' : nps < 0 ? '#cf1322' : '#1668dc';
  return (
    <svg width="100%" viewBox={`0 0 ${W} ${H}`} style={{ maxWidth: W, display: 'block' }} role="img" data-testid="results-nps-plot">
      <line x1={pad} x2={W - pad} y1={H / 2} y2={H / 2} stroke="#d9d9d9" />
      <line x1={x(0)} x2={x(0)} y1={4} y2={H - 4} stroke="#8c8c8c" strokeDasharray="3 3" />
      {ci ? (
        <>
          <line x1={x(ci[0])} x2={x(ci[1])} y1={H / 2} y2={H / 2} stroke={color} strokeWidth={3} />
          <line x1={x(ci[0])} x2={x(ci[0])} y1={H / 2 - 6} y2={H / 2 + 6} stroke={color} strokeWidth={2} />
          <line x1={x(ci[1])} x2={x(ci[1])} y1={H / 2 - 6} y2={H / 2 + 6} stroke={color} strokeWidth={2} />
        </>
      ) : null}
      <circle cx={x(nps)} cy={H / 2} r={5} fill={color} />
      <text x={pad} y={H - 1} fontSize={9} fill="#8c8c8c">
        -100
      </text>
      <text x={W - pad} y={H - 1} fontSize={9} fill="#8c8c8c" textAnchor="end">
        +100
      </text>
    </svg>
  );
}

/** Promoters / passives / detractors as one stacked bar. */
function NpsBar({ p, pa, d }: { p: number; pa: number; d: number }) {
  const n = p + pa + d || 1;
  const part = (v: number, color: string) => <div style={{ width: `${(v / n) * 100}%`, background: color, height: 10 }} />;
  return (
    <Flex style={{ borderRadius: 4, overflow: 'hidden', background: '#f0f0f0', margin: '6px 0' }}>
      {part(p, '#52c41a')}
      {part(pa, '#faad14')}
      {part(d, '#ff4d4f')}
    </Flex>
  );
}

/** The headline figures: responses and rate, NPS (its groups and interval), CSAT both ways, CES. */
export function Headline({ r }: { r: SurveyResults }) {
  const t = useT();
  const { nps, csat, ces } = r;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={6}>
        <Card size="small" data-testid="results-responses-card">
          <Statistic title={t('surveys.results.responses')} value={r.responses} valueRender={() => <span data-testid="results-responses">{r.responses}</span>} />
          <Typography.Text type="secondary" data-testid="results-rate">
            {t('surveys.results.rate', { rate: pct(r.responseRate), invited: r.invited })}
          </Typography.Text>
        </Card>
      </Col>
      <Col xs={24} md={10}>
        <Card size="small" title="NPS" data-testid="results-nps">
          {nps.n > 0 && nps.nps != null ? (
            <>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="results-nps-value">
                {npsText(nps.nps)}
              </Typography.Title>
              <NpsBar p={nps.promoters} pa={nps.passives} d={nps.detractors} />
              <Typography.Text data-testid="results-nps-groups">{t('surveys.results.npsGroups', { p: nps.promoters, pa: nps.passives, d: nps.detractors, n: nps.n })}</Typography.Text>
              <NpsInterval nps={nps.nps} ci={nps.ci95} />
              <Typography.Text type="secondary" data-testid="results-nps-ci">
                {nps.ci95 ? t('surveys.results.ci', { lo: npsText(nps.ci95[0]), hi: npsText(nps.ci95[1]) }) : t('surveys.results.noCi')}
              </Typography.Text>
            </>
          ) : (
            <Typography.Text type="secondary">{t('surveys.results.none')}</Typography.Text>
          )}
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card size="small" title={t('surveys.results.csatCes')} data-testid="results-csat">
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('surveys.results.csatShare')}>
              <span data-testid="results-csat-share">{pct(csat.satisfiedShare)}</span>
              {csat.ci95 ? <Typography.Text type="secondary">{` ${t('surveys.results.ci', { lo: pct(csat.ci95[0]), hi: pct(csat.ci95[1]) })}`}</Typography.Text> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('surveys.results.csatMean')}>
              <span data-testid="results-csat-mean">{mean(csat.mean)}</span>
              <Typography.Text type="secondary">{`（n=${csat.n}）`}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('surveys.results.cesMean')}>
              <span data-testid="results-ces-mean">{mean(ces.mean)}</span>
              <Typography.Text type="secondary">{`（n=${ces.n}）`}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('surveys.results.cesEasy')}>{pct(ces.easyShare)}</Descriptions.Item>
          </Descriptions>
        </Card>
      </Col>
    </Row>
  );
}
