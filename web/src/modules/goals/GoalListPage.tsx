import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { App, Button, Card, Empty, Flex, Grid, Segmented, Table, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined, UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { GOAL_TABS, goalKeys, useGoals, type GoalTab, type GoalView } from './api';
import { GoalDialog } from './GoalDialog';
import { AttainmentBar, formatFigure, metricText, ownerText, periodText, StatusTag } from './view';

/** 当前 2 / 3: the value so far against the target, in the metric's unit. */
function ValueVsTarget({ goal }: { goal: GoalView }) {
  const t = useT();
  const { value, target } = goal.progress;
  return (
    <span data-testid="goal-value" style={{ whiteSpace: 'nowrap' }}>
      {formatFigure(t, value, goal.metric.unit)} / {formatFigure(t, target, goal.metric.unit)}
    </span>
  );
}

function Name({ goal, linked }: { goal: GoalView; linked: boolean }) {
  return linked ? (
    <Link to={`/goals/${goal.id}`} data-testid="goal-link">
      {goal.name}
    </Link>
  ) : (
    <span data-testid="goal-link">{goal.name}</span>
  );
}

function columns(t: Translate, trash: boolean, restore: ((g: GoalView) => void) | null): TableColumnsType<GoalView> {
  return [
    { title: t('goals.col.name'), key: 'name', render: (_, g) => <Name goal={g} linked={!trash} /> },
    { title: t('goals.col.metric'), key: 'metric', render: (_, g) => <span data-testid="goal-metric">{metricText(t, g)}</span> },
    { title: t('goals.col.owner'), key: 'owner', width: 110, render: (_, g) => <span data-testid="goal-owner">{ownerText(t, g)}</span> },
    { title: t('goals.col.period'), key: 'period', width: 150, render: (_, g) => periodText(t, g) },
    { title: t('goals.col.progress'), key: 'progress', width: 170, render: (_, g) => <AttainmentBar goal={g} size="small" /> },
    { title: t('goals.col.value'), key: 'value', width: 130, align: 'right', render: (_, g) => <ValueVsTarget goal={g} /> },
    {
      title: t('goals.col.forecast'),
      key: 'forecast',
      width: 100,
      align: 'right',
      render: (_, g) => <span data-testid="goal-forecast">{formatFigure(t, g.progress.forecast, g.metric.unit)}</span>,
    },
    { title: t('goals.col.status'), key: 'status', width: 100, render: (_, g) => <StatusTag status={g.progress.status} /> },
    ...(restore
      ? [
          {
            title: '',
            key: 'actions',
            width: 90,
            render: (_: unknown, g: GoalView) => (
              <Button size="small" icon={<UndoOutlined />} onClick={() => restore(g)} data-testid="goal-restore">
                {t('goals.restore')}
              </Button>
            ),
          },
        ]
      : []),
  ];
}

/** A goal as a card at phone width: name and status, metric, owner and period, the bar and the figures. */
function GoalCard({ goal, trash, onRestore }: { goal: GoalView; trash: boolean; onRestore: ((g: GoalView) => void) | null }) {
  const t = useT();
  return (
    <Card size="small" data-testid="goal-card">
      <Flex justify="space-between" align="start" gap={8}>
        <Typography.Text strong style={{ minWidth: 0 }}>
          <Name goal={goal} linked={!trash} />
        </Typography.Text>
        <StatusTag status={goal.progress.status} />
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        <span data-testid="goal-metric">{metricText(t, goal)}</span> · <span data-testid="goal-owner">{ownerText(t, goal)}</span> · {periodText(t, goal)}
      </Typography.Text>
      <AttainmentBar goal={goal} size="small" />
      <Flex justify="space-between" wrap gap={8} style={{ fontSize: 13 }}>
        <span>
          {t('goals.col.value')}: <ValueVsTarget goal={goal} />
        </span>
        <span>
          {t('goals.col.forecast')}: <span data-testid="goal-forecast">{formatFigure(t, goal.progress.forecast, goal.metric.unit)}</span>
        </span>
      </Flex>
      {onRestore ? (
        <Button size="small" icon={<UndoOutlined />} onClick={() => onRestore(goal)} style={{ marginTop: 8 }} data-testid="goal-restore">
          {t('goals.restore')}
        </Button>
      ) : null}
    </Card>
  );
}

/** 目标管理: the goals of the current period (or upcoming, past, removed) with their progress, forecast and status. */
export function GoalListPage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const isPhone = !Grid.useBreakpoint().md;
  const manager = can('goal:manage');
  const [params, setParams] = useSearchParams();
  const wanted = params.get('tab');
  const tab: GoalTab = (GOAL_TABS as readonly string[]).includes(wanted ?? '') ? (wanted as GoalTab) : 'current';
  const trash = tab === 'deleted';
  const [creating, setCreating] = useState(false);
  const list = useGoals(tab);
  const restore = useMutation({
    mutationFn: (id: string) => api.post(`/api/v1/goals/${id}/restore`),
    onSuccess: () => {
      message.success(t('goals.restored'));
      void qc.invalidateQueries({ queryKey: goalKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const onRestore = manager && trash ? (g: GoalView) => restore.mutate(g.id) : null;
  const items = list.data ?? [];
  const empty = t(`goals.empty.${tab}`);
  return (
    <>
      <PageHeader
        title={t('goals.title')}
        extra={
          manager ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="goal-new">
              {t('goals.new')}
            </Button>
          ) : null
        }
      />
      <Segmented<GoalTab>
        data-testid="goal-tabs"
        value={tab}
        onChange={(v) => setParams(v === 'current' ? {} : { tab: v }, { replace: true })}
        options={GOAL_TABS.map((k) => ({ value: k, label: t(`goals.tab.${k}`) }))}
        style={{ marginBottom: 12 }}
      />
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      {isPhone ? (
        <Flex vertical gap={8} data-testid="goal-cards">
          {items.map((g) => (
            <GoalCard key={g.id} goal={g} trash={trash} onRestore={onRestore} />
          ))}
          {!items.length && !list.isPending ? <Empty description={empty} /> : null}
        </Flex>
      ) : (
        <Table<GoalView>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          dataSource={items}
          locale={{ emptyText: <Empty description={empty} /> }}
          scroll={{ x: 960 }}
          pagination={false}
          columns={columns(t, trash, onRestore)}
        />
      )}
      {creating ? (
        <GoalDialog
          onClose={() => setCreating(false)}
          onSaved={(g) => {
            message.success(t('goals.created'));
            void navigate(`/goals/${g.id}`);
          }}
        />
      ) : null}
    </>
  );
}
