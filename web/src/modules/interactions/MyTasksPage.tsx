import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Badge, Button, Card, Checkbox, Empty, Flex, Select, Space, Spin, Tabs } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { displayTimeZone } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { SavedViews } from '../../platform/SavedViews';
import { useAssignees, useRefreshAfterChange, useTaskCounts, useTaskList, type TaskTab, type TaskView } from './api';
import { CompleteTaskDialog } from './CompleteTaskDialog';
import { TaskForm } from './TaskForm';
import { TaskBulkBar } from './TaskBulkBar';
import { TaskItem } from './TaskItem';
import { useCancelTask } from './useCancelTask';

const TABS: TaskTab[] = ['today', 'overdue', 'upcoming', 'done_today', 'done'];
/** The tabs of done tasks: nothing to select for a bulk change, and no count badge. */
const DONE_TABS: TaskTab[] = ['done_today', 'done'];

/** The tasks chosen for a bulk change, for the list (who, tab) they were chosen in. */
type Selection = { key: string; rows: TaskView[] };

function TaskList({
  who,
  tab,
  writable,
  onComplete,
  selection,
}: {
  who: string;
  tab: TaskTab;
  writable: boolean;
  onComplete: (task: TaskView) => void;
  /** Open lists with write access: a checkbox on each task and one for all shown. */
  selection: { selected: TaskView[]; onChange: (rows: TaskView[]) => void } | null;
}) {
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
  const isSelected = (task: TaskView) => !!selection?.selected.some((x) => x.id === task.id);
  const allSelected = !!selection && rows.length > 0 && rows.every(isSelected);
  const toggle = (task: TaskView, on: boolean) =>
    selection?.onChange(on ? [...selection.selected.filter((x) => x.id !== task.id), task] : selection.selected.filter((x) => x.id !== task.id));
  return (
    <>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      {rows.length ? (
        <Card size="small" styles={{ body: { padding: 0 } }} data-testid="task-list">
          {selection ? (
            <Flex style={{ padding: '6px 12px' }}>
              <Checkbox
                checked={allSelected}
                indeterminate={!allSelected && rows.some(isSelected)}
                onChange={(e) => selection.onChange(e.target.checked ? [...selection.selected.filter((x) => !rows.some((r) => r.id === x.id)), ...rows] : selection.selected.filter((x) => !rows.some((r) => r.id === x.id)))}
                data-testid="task-select-all"
              >
                {t('tasks.bulk.selectAll', { n: rows.length })}
              </Checkbox>
            </Flex>
          ) : null}
          {rows.map((task) => {
            const item = (
              <TaskItem
                key={task.id}
                task={task}
                showAssignee={who !== 'me'}
                writable={writable}
                onComplete={onComplete}
                onCancel={(tk) => cancel.mutate(tk)}
                cancelling={cancel.isPending && cancel.variables?.id === task.id}
              />
            );
            if (!selection) return item;
            return (
              <Flex key={task.id} align="flex-start">
                <Checkbox
                  checked={isSelected(task)}
                  onChange={(e) => toggle(task, e.target.checked)}
                  aria-label={t('tasks.bulk.select', { title: task.title })}
                  data-testid="task-select"
                  style={{ padding: '12px 0 0 12px' }}
                />
                <div style={{ flex: 1, minWidth: 0 }}>{item}</div>
              </Flex>
            );
          })}
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
 * logs its contact), create; managers (data scope team or all) can look at their people's tasks instead. Open tasks
 * can be selected for a bulk change (TaskBulkBar.tsx): reassign (managers), move the due time, complete, cancel.
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
  // Open tasks chosen for a bulk change: kept while the same list (person, tab) is shown.
  const listKey = `${who}:${tab}`;
  const [selection, setSelection] = useState<Selection>({ key: listKey, rows: [] });
  const selected = selection.key === listKey ? selection.rows : [];
  const bulk = writable && !DONE_TABS.includes(tab);

  const label = (k: TaskTab) => {
    const n = who === 'me' && k !== 'done' && k !== 'done_today' ? counts.data?.[k] : undefined;
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
            <SavedViews page="tasks" search={params.toString()} onApply={(state) => setParams(new URLSearchParams(state.query))} />
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
      {bulk ? (
        <TaskBulkBar
          selected={selected}
          canAssign={manager && (people.data ?? []).length > 1}
          onClear={() => setSelection({ key: listKey, rows: [] })}
          onDone={() => refresh(null)}
        />
      ) : null}
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'today' ? {} : { tab: k }, { replace: true })}
          items={TABS.map((k) => ({
            key: k,
            label: label(k),
            children:
              k === tab ? (
                <TaskList
                  who={who}
                  tab={k}
                  writable={writable}
                  onComplete={setCompleting}
                  selection={bulk ? { selected, onChange: (rows) => setSelection({ key: listKey, rows }) } : null}
                />
              ) : null,
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
