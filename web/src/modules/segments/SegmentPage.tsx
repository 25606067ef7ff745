import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Card, Col, Descriptions, Empty, Progress, Row, Typography } from 'antd';
import { EditOutlined, SyncOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { Chart, type ChartOption } from '../../platform/Chart';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { refreshFinished, segmentKeys, useChoices, useHistory, useRefreshRun, useSegment, useSegmentFields, type RefreshView, type SegmentView } from './api';
import { Members } from './Members';
import { fromRule } from './model';
import { ruleText } from './RuleBuilder';
import { KindTag } from './KindTag';

/** The rule, read aloud (records named: a segment or a user by name, not by id). */
function RuleSummary({ rule }: { rule: unknown }) {
  const t = useT();
  const fields = useSegmentFields();
  const root = useMemo(() => fromRule(rule), [rule]);
  const fieldMap = useMemo(() => new Map((fields.data ?? []).map((f) => [f.key, f])), [fields.data]);
  const sources = new Set([...fieldMap.values()].map((f) => f.optionsSource).filter(Boolean));
  const ruleStr = JSON.stringify(rule);
  const users = useChoices(sources.has('users') && ruleStr.includes('customer.owner') ? 'users' : undefined);
  const segments = useChoices(ruleStr.includes('segment.member') ? 'segments' : undefined);
  const names = new Map([...(users.data ?? []), ...(segments.data ?? [])].map((c) => [c.value, c.label]));
  return (
    <Typography.Paragraph style={{ margin: 0 }} data-testid="rule-summary">
      {fields.data ? ruleText(root, fieldMap, t, (v) => names.get(String(v)) ?? String(v)) : '…'}
    </Typography.Paragraph>
  );
}

/** 刷新: queues a refresh, then follows the run (phase, done / total) until it has finished. */
function RefreshControl({ segment }: { segment: SegmentView }) {
  const t = useT();
  const qc = useQueryClient();
  // A run already queued or running (started elsewhere, or before a reload) is followed too.
  const [runId, setRunId] = useState<string | null>(segment.lastRefresh && !refreshFinished(segment.lastRefresh) ? segment.lastRefresh.id : null);
  const [error, setError] = useState<string | null>(null);
  const run = useRefreshRun(runId);
  const settled = useRef<string | null>(null);
  const start = useMutation({
    mutationFn: () => api.post<RefreshView>(`/api/v1/segments/${segment.id}/refresh`),
    onSuccess: (r) => {
      setError(null);
      setRunId(r.id);
    },
    onError: (err) => setError(errorMessage(err)),
  });
  const r = run.data;
  const finished = refreshFinished(r);
  useEffect(() => {
    // Once per finished run: the counts, members and history changed.
    if (!r || !finished || settled.current === r.id) return;
    settled.current = r.id;
    void qc.invalidateQueries({ queryKey: segmentKeys.all });
  }, [r, finished, qc]);
  const busy = start.isPending || (!!runId && !finished);
  const percent = r && r.progress.total > 0 ? Math.round((r.progress.done / r.progress.total) * 100) : undefined;
  return (
    <div data-testid="refresh">
      <Button icon={<SyncOutlined spin={busy} />} loading={start.isPending} disabled={busy} onClick={() => start.mutate()} data-testid="segment-refresh">
        {t('segments.refresh')}
      </Button>
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} /> : null}
      {r && !finished ? (
        <div style={{ marginTop: 8, minWidth: 200 }} data-testid="refresh-progress">
          <Typography.Text type="secondary">{r.status === 'queued' ? t('segments.refresh.queued') : t('segments.refresh.running')}</Typography.Text>
          <Progress percent={percent ?? 0} status="active" size="small" />
        </div>
      ) : null}
      {r && finished ? (
        <Alert
          style={{ marginTop: 8 }}
          type={r.status === 'done' ? 'success' : r.status === 'failed' ? 'error' : 'warning'}
          showIcon
          data-testid="refresh-result"
          title={
            r.status === 'done'
              ? t('segments.refresh.done', { entered: r.entered, exited: r.exited })
              : r.status === 'failed'
                ? t('segments.refresh.failed', { error: r.error ?? '' })
                : t('segments.refresh.cancelled')
          }
        />
      ) : null}
    </div>
  );
}

const SERIES_COLOR = '#1668dc';

/** 每日人数: the daily member counts as a line. */
function HistoryChart({ id }: { id: string }) {
  const t = useT();
  const history = useHistory(id);
  const option = useMemo<ChartOption | null>(() => {
    const items = history.data ?? [];
    if (!items.length) return null;
    return {
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: items.map((p) => p.day) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'line', name: t('segments.history.series'), data: items.map((p) => p.count), showSymbol: items.length < 40, symbolSize: 6, color: SERIES_COLOR, areaStyle: { opacity: 0.1 } },
      ],
    };
  }, [history.data, t]);
  return (
    <Card size="small" title={t('segments.history')}>
      {history.error ? <ErrorAlert error={history.error} /> : null}
      {option ? <Chart option={option} height={220} testId="segment-history" /> : history.data ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('segments.history.empty')} /> : <Loading />}
    </Card>
  );
}

/** A segment: what it is (rule or static list), 刷新 with its progress, the members, the daily counts. */
export function SegmentPage() {
  const { id = '' } = useParams();
  const t = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  const segment = useSegment(id);
  if (segment.error) return <ErrorAlert error={segment.error} onRetry={() => void segment.refetch()} />;
  const s = segment.data;
  if (!s) return <Loading />;
  const manager = can('segment:manage') && !s.deletedAt;
  return (
    <>
      <PageHeader
        back="/segments"
        title={<span data-testid="segment-title">{s.name}</span>}
        subtitle={<KindTag kind={s.kind} />}
        extra={
          manager && s.kind === 'dynamic' ? (
            <>
              <Button icon={<EditOutlined />} onClick={() => navigate(`/segments/${s.id}/edit`)} data-testid="segment-edit">
                {t('segments.edit')}
              </Button>
              <RefreshControl segment={s} />
            </>
          ) : null
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('segments.col.members')}>
                <span data-testid="segment-count">{t('segments.members.total', { n: s.memberCount })}</span>
                {s.deletedAt ? null : (
                  <Link to={`/customers?segment=${s.id}`} style={{ marginLeft: 12 }} data-testid="segment-customers">
                    {t('segments.inCustomerList')}
                  </Link>
                )}
                {s.deletedAt || !can('campaign:manage') ? null : (
                  <Link to={`/campaigns/new?segment=${s.id}`} style={{ marginLeft: 12 }} data-testid="segment-campaign">
                    {t('segments.newCampaign')}
                  </Link>
                )}
              </Descriptions.Item>
              {s.kind === 'dynamic' ? <Descriptions.Item label={t('segments.refreshedAt')}>{s.refreshedAt ? formatDateTime(s.refreshedAt) : t('segments.never')}</Descriptions.Item> : null}
              <Descriptions.Item label={t('segments.owner')}>{s.owner?.name ?? '—'}</Descriptions.Item>
              {s.description ? <Descriptions.Item label={t('segments.description')}>{s.description}</Descriptions.Item> : null}
              <Descriptions.Item label={t('segments.rule')}>{s.kind === 'dynamic' ? <RuleSummary rule={s.rule} /> : t('segments.noRule')}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <HistoryChart id={s.id} />
        </Col>
        <Col span={24}>
          <Members segment={s} />
        </Col>
      </Row>
    </>
  );
}
