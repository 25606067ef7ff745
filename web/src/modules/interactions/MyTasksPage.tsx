import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Badge, Button, Card, Empty, Flex, Select, Space, Spin, Tabs } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { displayTimeZone } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { useAssignees, useRefreshAfterChange, useTaskCounts, useTaskList, type TaskTab, type TaskView } from './api';
import { CompleteTaskDialog } from './CompleteTaskDialog';
import { TaskForm } from './TaskForm';
import { TaskItem } from './TaskItem';
import { useCancelTask } from './useCancelTask';

const TABS: TaskTab[] = ['today', 'overdue', 'upcoming', 'done'];

function TaskList({ who, tab, writable, onComplete }: { who: string; tab: TaskTab; writable: boolean; onComplete: (task: TaskView) => void }) {
  const t = useT();
  const refresh = useRefreshAfterChange();
  const list = useTaskList(who, tab);
  const cancel = useCancelTask((task) => refresh(task.customerId));
  const rows = list.items;
  if (list.isPending) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }
  return (
    <>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      {rows.length ? (
        <Card size="small" styles={{ body: { padding: 0 } }} data-testid="task-list">
          {rows.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              showAssignee={who !== 'me'}
              writable={writable}
              onComplete={onComplete}
              onCancel={(tk) => cancel.mutate(tk)}
              cancelling={cancel.isPending && cancel.variables?.id === task.id}
            />
          ))}
        </Card>
      ) : (
        <Empty description={t(`tasks.empty.${tab}`)} />
      )}
      <LoadMoreFooter shown={rows.length ? t('tasks.shown', { n: rows.length }) : null} count={rows.length} query={list} />
    </>
  );
}

/**
 * 我的任务: today, overdue, upcoming (by the company's calendar day) and done, complete with a result (a return visit
 * logs its contact), create; managers (data scope team or all) can look at their people's tasks instead.
 */
export function MyTasksPage() {
  const t = useT();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const refresh = useRefreshAfterChange();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [completing, setCompleting] = useState<TaskView | null>(null);
  const [who, setWho] = useState('me');
  const manager = me?.scope === 'team' || me?.scope === 'all';
  const writable = can('customer:write');
  const counts = useTaskCounts();
  const people = useAssignees(manager && writable);
  const wanted = params.get('tab') as TaskTab | null;
  const tab: TaskTab = wanted && TABS.includes(wanted) ? wanted : 'today';

  const label = (k: TaskTab) => {
    const n = who === 'me' && k !== 'done' ? counts.data?.[k] : undefined;
    return (
      <Space size={6}>
        {t(`tasks.tab.${k}`)}
        {n ? <Badge count={n} color={k === 'overdue' ? 'red' : k === 'today' ? 'gold' : 'gray'} overflowCount={999} /> : null}
      </Space>
    );
  };

  return (
    <>
      <PageHeader
        title={t('tasks.title')}
        subtitle={t('tasks.intro', { zone: displayTimeZone() })}
        extra={
          <>
            {manager && writable ? (
              <Select
                aria-label={t('tasks.who')}
                value={who}
                onChange={setWho}
                style={{ minWidth: 180 }}
                showSearch={{ optionFilterProp: 'label' }}
                options={[
                  { value: 'me', label: t('tasks.who.me') },
                  { value: 'team', label: t('tasks.who.team') },
                  ...(people.data ?? []).filter((u) => u.id !== me?.user?.id).map((u) => ({ value: u.id, label: u.name })),
                ]}
              />
            ) : null}
            {writable ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('tasks.new')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'today' ? {} : { tab: k }, { replace: true })}
          items={TABS.map((k) => ({
            key: k,
            label: label(k),
            children: k === tab ? <TaskList who={who} tab={k} writable={writable} onComplete={setCompleting} /> : null,
          }))}
        />
      </Card>
      {writable ? (
        <TaskForm
          open={creating}
          onClose={() => setCreating(false)}
          onSaved={(task) => {
            message.success(t('tasks.created'));
            setCreating(false);
            refresh(task.customerId);
          }}
        />
      ) : null}
      <CompleteTaskDialog
        task={completing}
        onClose={() => setCompleting(null)}
        onDone={(task) => {
          message.success(t('tasks.completed'));
          setCompleting(null);
          refresh(task.customerId);
        }}
      />
    </>
  );
}
