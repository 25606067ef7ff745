import { useMemo } from 'react';
import { DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { inZone, zonedIso } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { CustomerPicker } from '../customers';
import { TASK_TYPES, useAssignees, type CreateTask, type TaskType, type TaskView } from './api';

type Values = { type: TaskType; title: string; customerId?: string | null; assigneeId?: string; dueAt: Dayjs; notes?: string };

/** Tomorrow at 09:00 on the company's clock: a sensible default for a follow-up. */
function defaultDue(): Dayjs {
  const tomorrow = inZone(new Date().toISOString()).add(1, 'day');
  return dayjs(`${tomorrow.format('YYYY-MM-DD')}T09:00:00`);
}

/**
 * 新建任务: type (回访 by default), title, due time (tomorrow 09:00), optionally a customer (fixed when opened from
 * the customer page) and, for managers, someone else in their scope to do it.
 */
export function TaskForm({
  open,
  onClose,
  onSaved,
  customer,
}: {
  open: boolean;
  onClose: () => void;
  onSaved: (task: TaskView) => void;
  customer?: { id: string; name: string };
}) {
  const t = useT();
  const { me } = useAuth();
  const [form] = Form.useForm<Values>();
  const assignees = useAssignees(open);
  const initial = useMemo(() => ({ type: 'return_visit' as TaskType, dueAt: defaultDue(), assigneeId: me?.user?.id }), [me?.user?.id]);

  const people = assignees.data ?? [];
  return (
    <FormDialog
      open={open}
      title={customer ? `${t('tasks.new')} · ${customer.name}` : t('tasks.new')}
      width={560}
      form={form}
      initialValues={initial}
      formProps={{ 'data-testid': 'task-form' }}
      submit={(v: Values) => {
        const body: CreateTask = {
          type: v.type,
          title: v.title.trim(),
          notes: v.notes?.trim() || null,
          customerId: customer?.id ?? v.customerId ?? null,
          dueAt: zonedIso(v.dueAt),
        };
        if (v.assigneeId) body.assigneeId = v.assigneeId;
        return api.post<TaskView>('/api/v1/tasks', body);
      }}
      onSaved={(task) => {
        onSaved(task);
      }}
      onClose={onClose}
    >
      <Form.Item name="type" label={t('tasks.type')}>
        <Select options={TASK_TYPES.map((v) => ({ value: v, label: t(`tasks.type.${v}`) }))} />
      </Form.Item>
      <Form.Item name="title" label={t('tasks.taskTitle')} rules={[{ required: true, whitespace: true, message: t('tasks.titleRequired') }]}>
        <Input placeholder={t('tasks.titlePlaceholder')} maxLength={200} showCount autoComplete="off" />
      </Form.Item>
      {customer ? null : (
        <Form.Item name="customerId" label={t('tasks.customer')}>
          <CustomerPicker placeholder={t('tasks.customerPlaceholder')} />
        </Form.Item>
      )}
      <Form.Item name="dueAt" label={t('tasks.dueAt')} rules={[{ required: true, message: t('tasks.dueRequired') }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} allowClear={false} />
      </Form.Item>
      {people.length > 1 ? (
        <Form.Item name="assigneeId" label={t('tasks.assignee')}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={people.map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
      ) : null}
      <Form.Item name="notes" label={t('tasks.notes')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
      </Form.Item>
    </FormDialog>
  );
}
