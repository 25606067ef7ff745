import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Button, Card, Col, Empty, Flex, Popconfirm, Row, Space, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { Chart, type ChartOption } from '../../platform/Chart';
import { formatDateTime, inZone } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useReducedMotion } from '../../platform/motion';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { goalKeys, useGoal, type GoalDetail } from './api';
import { GoalDialog } from './GoalDialog';
import { AttainmentBar, formatFigure, metricText, ownerText, periodText, StatusTag, targetText } from './view';

const VALUE_COLOR = '#1668dc';
const FORECAST_COLOR = '#faad14';
const TARGET_COLOR = '#cf1322';

/** One figure: its label above, the value below (found by its test id in the browser tests). */
function Figure({ label, text, testId }: { label: string; text: string; testId: string }) {
  return (
    <div data-testid={testId}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {label}
      </Typography.Text>
      <div style={{ fontSize: 22, fontWeight: 600 }} data-testid={`${testId}-value`}>
        {text}
      </div>
    </div>
  );
}

function Figures({ goal }: { goal: GoalDetail }) {
  const t = useT();
  const p = goal.progress;
  const unit = goal.metric.unit;
  const figures: [string, string, string][] = [
    ['goal-stat-value', t('goals.stat.value'), formatFigure(t, p.value, unit)],
    ['goal-stat-target', t('goals.stat.target'), formatFigure(t, p.target, unit)],
    ['goal-stat-forecast', t('goals.stat.forecast'), formatFigure(t, p.forecast, unit)],
    ...(goal.targetKind === 'change' ? [['goal-stat-baseline', t('goals.stat.baseline'), formatFigure(t, p.baseline, unit)] as [string, string, string]] : []),
    ['goal-stat-elapsed', t('goals.stat.elapsed'), `${Math.round(p.elapsed * 100)}%`],
  ];
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Row gutter={[16, 12]}>
        {figures.map(([id, label, text]) => (
          <Col key={id} xs={12} sm={8} lg={4}>
            <Figure testId={id} label={label} text={text} />
          </Col>
        ))}
      </Row>
      <div style={{ marginTop: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {t('goals.stat.attainment')}
        </Typography.Text>
        <AttainmentBar goal={goal} />
      </div>
    </Card>
  );
}

/** The daily snapshots (value, forecast, target), and today's live figures as the last point. */
function HistoryChart({ goal }: { goal: GoalDetail }) {
  const t = useT();
  const reducedMotion = useReducedMotion();
  const option = useMemo<ChartOption | null>(() => {
    const today = inZone(goal.progress.asOf).format('YYYY-MM-DD');
    const points = goal.history.filter((h) => h.day < today).map((h) => ({ ...h }));
    if (goal.progress.elapsed > 0 && today <= goal.periodEnd) {
      points.push({ day: today, value: goal.progress.value, forecast: goal.progress.forecast, target: goal.progress.target, status: goal.progress.status });
    }
    if (!points.length) return null;
    const unit = goal.metric.unit;
    const fmt = (v: unknown) => (typeof v === 'number' ? formatFigure(t, v, unit) : '—');
    const line = (name: string, color: string, data: (number | null)[], dashed = false) => ({
      type: 'line' as const,
      name,
      data,
      color,
      connectNulls: true,
      showSymbol: points.length < 40,
      symbolSize: 6,
      lineStyle: dashed ? { type: 'dashed' as const } : undefined,
    });
    return {
      animation: !reducedMotion,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: fmt },
      legend: { top: 0 },
      xAxis: { type: 'category', data: points.map((p) => (p.day === today ? t('goals.today') : p.day.slice(5))) },
      yAxis: { type: 'value', minInterval: unit === 'count' ? 1 : undefined, axisLabel: { formatter: (v: number) => fmt(v) } },
      series: [
        line(t('goals.history.value'), VALUE_COLOR, points.map((p) => p.value)),
        line(t('goals.history.forecast'), FORECAST_COLOR, points.map((p) => p.forecast)),
        line(t('goals.history.target'), TARGET_COLOR, points.map((p) => p.target), true),
      ],
    };
  }, [goal, t, reducedMotion]);
  return (
    <Card size="small" title={t('goals.history')}>
      {option ? <Chart option={option} height={260} testId="goal-history" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('goals.history.empty')} />}
    </Card>
  );
}

/** A goal: its status and figures (value, target, forecast, a year earlier for change goals), its days, edit and delete. */
export function GoalPage() {
  const { id = '' } = useParams();
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const query = useGoal(id);
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/goals/${id}`),
    onSuccess: () => {
      message.success(t('goals.deleted'));
      qc.removeQueries({ queryKey: goalKeys.one(id) });
      void qc.invalidateQueries({ queryKey: goalKeys.all });
      void navigate('/goals');
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const g = query.data;
  if (!g) return <Loading />;
  const manager = can('goal:manage');
  return (
    <>
      <PageHeader
        back="/goals"
        title={<span data-testid="goal-title">{g.name}</span>}
        subtitle={
          <Space size={6} wrap>
            <StatusTag status={g.progress.status} />
            <span data-testid="goal-metric">{metricText(t, g)}</span>
          </Space>
        }
        extra={
          <>
            {g.progress.link ? (
              <Button icon={<UnorderedListOutlined />} onClick={() => void navigate(g.progress.link!)} data-testid="goal-records">
                {t('goals.records')}
              </Button>
            ) : null}
            {manager ? (
              <>
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="goal-edit">
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('goals.deleteConfirm')} onConfirm={() => remove.mutate()}>
                  <Button danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="goal-delete">
                    {t('goals.delete')}
                  </Button>
                </Popconfirm>
              </>
            ) : null}
          </>
        }
      />
      <Flex vertical gap={4} style={{ marginBottom: 12 }}>
        <Typography.Text>
          {ownerText(t, g)} · {periodText(t, g)} · {t('goals.stat.target')} {targetText(t, g)}
        </Typography.Text>
        {g.description ? <Typography.Text type="secondary">{g.description}</Typography.Text> : null}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {g.metric.description}
          {g.createdBy ? ` · ${t('goals.createdBy', { name: g.createdBy.name, time: formatDateTime(g.createdAt) })}` : ''}
        </Typography.Text>
      </Flex>
      <Figures goal={g} />
      <HistoryChart goal={g} />
      {editing ? (
        <GoalDialog
          goal={g}
          onClose={() => setEditing(false)}
          onSaved={() => {
            message.success(t('goals.saved'));
          }}
        />
      ) : null}
    </>
  );
}
