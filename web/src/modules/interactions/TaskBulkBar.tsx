import type { ReactNode } from 'react';
import { App, DatePicker, Form, Input, Select, Typography } from 'antd';
import { CheckOutlined, ClockCircleOutlined, StopOutlined, UserSwitchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { BulkBar, type BulkBarAction } from '../../platform/BulkBar';
import { bulkReportSummary } from '../../platform/BulkReportSummary';
import { zonedIso } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { useAssignees, type TaskView } from './api';
import type { TaskBulkAction, TaskBulkResult } from '../../../../src/modules/interactions/interactions.contract';

type Values = { assigneeId?: string; dueAt?: Dayjs; result?: string };

/** What a bulk change did, as one message (the shared shape; the tasks' words). */
function summary(t: Translate, r: TaskBulkResult, tasks: TaskView[]): ReactNode {
  const title = (id: string) => tasks.find((x) => x.id === id)?.title ?? '';
  return bulkReportSummary(t, {
    report: r,
    done: t(`tasks.bulk.done.${r.action}`, { n: r.done }),
    noneDone: t('tasks.bulk.noneDone'),
    unchanged: (n) => t('tasks.bulk.unchanged', { n }),
    refusedHead: (n) => t('tasks.bulk.refused', { n }),
    refusedItem: (x) => t('tasks.bulk.refusedItem', { title: title(x.id), reason: x.reason ?? '' }),
    more: (n) => t('tasks.bulk.more', { n }),
    testId: 'task-bulk-result',
  });
}

/** One bulk action's dialog; OK sends it for every selected task (once: FormDialog's mutation). */
function BulkDialog({ action, tasks, onClose, onDone }: { action: TaskBulkAction; tasks: TaskView[]; onClose: () => void; onDone: (r: TaskBulkResult) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const people = useAssignees(action === 'assign');
  const ids = tasks.map((x) => x.id);
  const submit = (v: Values) =>
    api.post<TaskBulkResult>('/api/v1/tasks/bulk', {
      action,
      ids,
      ...(action === 'assign' ? { assigneeId: v.assigneeId } : {}),
      ...(action === 'due' ? { dueAt: v.dueAt ? zonedIso(v.dueAt) : undefined } : {}),
      ...(action === 'complete' ? { result: v.result?.trim() } : {}),
    });
  const saved = (r: TaskBulkResult) => {
    const content = summary(t, r, tasks);
    if (r.refused) message.warning(content, 10);
    else message.success(content, 5);
    onDone(r);
  };
  const firstDue = tasks.map((x) => x.dueAt).sort()[0];
  return (
    <FormDialog<Values, TaskBulkResult>
      title={t(`tasks.bulk.${action}Title`, { n: tasks.length })}
      okText={t(action === 'cancel' ? 'tasks.bulk.cancelOk' : 'tasks.bulk.ok')}
      okButtonProps={action === 'cancel' ? { danger: true } : undefined}
      cancelText={t('common.back')}
      initialValues={action === 'due' ? { dueAt: firstDue ? dayjs(firstDue) : undefined } : undefined}
      submit={submit}
      onSaved={saved}
      onClose={onClose}
      formProps={{ 'data-testid': `task-bulk-${action}-form` }}
    >
      {action === 'assign' ? (
        <Form.Item name="assigneeId" label={t('tasks.assignee')} rules={[{ required: true, message: t('tasks.bulk.assigneeRequired') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} aria-label={t('tasks.assignee')} autoFocus options={(people.data ?? []).map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
      ) : action === 'due' ? (
        <Form.Item name="dueAt" label={t('tasks.dueAt')} rules={[{ required: true, message: t('tasks.dueRequired') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} allowClear={false} aria-label={t('tasks.dueAt')} />
        </Form.Item>
      ) : action === 'complete' ? (
        <Form.Item name="result" label={t('tasks.result')} extra={t('tasks.bulk.completeHint')} rules={[{ required: true, whitespace: true, message: t('tasks.resultRequired') }]}>
          <Input.TextArea autoFocus autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} placeholder={t('tasks.resultPlaceholder')} />
        </Form.Item>
      ) : (
        <Typography.Paragraph>{t('tasks.bulk.cancelConfirm', { n: tasks.length })}</Typography.Paragraph>
      )}
    </FormDialog>
  );
}

/**
 * The bar above 我的任务's list while open tasks are selected: 分配给… (managers: to someone in their scope), 更改截止时间,
 * 完成 (one result for all), 取消任务, clear. Each task by the rules of a single change; refused ones listed.
 */
export function TaskBulkBar({ selected, canAssign, onClear, onDone }: { selected: TaskView[]; canAssign: boolean; onClear: () => void; onDone: () => void }) {
  const t = useT();
  const actions: BulkBarAction<TaskBulkAction>[] = [
    ...(canAssign ? [{ key: 'assign' as const, label: t('tasks.bulk.assign'), icon: <UserSwitchOutlined /> }] : []),
    { key: 'due', label: t('tasks.bulk.due'), icon: <ClockCircleOutlined /> },
    { key: 'complete', label: t('tasks.bulk.complete'), icon: <CheckOutlined />, primary: true },
    { key: 'cancel', label: t('tasks.bulk.cancel'), icon: <StopOutlined />, danger: true },
  ];
  return (
    <BulkBar
      count={selected.length}
      selectedLabel={t('tasks.bulk.selected', { n: selected.length })}
      clearLabel={t('tasks.bulk.clear')}
      testId="task-bulk-bar"
      onClear={onClear}
      actions={actions}
      dialog={(action, close, done) => (
        <BulkDialog
          action={action}
          tasks={selected}
          onClose={close}
          onDone={() => {
            done();
            onDone();
          }}
        />
      )}
    />
  );
}
