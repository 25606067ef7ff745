import { Alert, Checkbox, Form, Input, Radio, Select } from 'antd';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, type CompleteTask, type InteractionChannel, type InteractionDirection, type TaskView } from './api';

type Values = { result: string; log: boolean; channel: InteractionChannel; direction: InteractionDirection; outcome?: string };

/** The server's `interaction.channel` is this form's `channel`. */
const formField = (field: string) => field.replace(/^interaction\./, '');

/**
 * 完成任务: the result, and for a task on a customer whether to log the contact on the customer's timeline (on by
 * default for a return visit: 电话, 呼出, now, the result as its summary).
 */
export function CompleteTaskDialog({ task, onClose, onDone }: { task: TaskView | null; onClose: () => void; onDone: (task: TaskView) => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const log = Form.useWatch('log', form);

  const submit = (v: Values) => {
    const body: CompleteTask = { result: v.result.trim() };
    if (task?.customerId) {
      if (v.log) body.interaction = { channel: v.channel, direction: v.direction, outcome: v.outcome?.trim() || null };
      // A return visit logs its contact unless told not to.
      else if (task.type === 'return_visit') body.interaction = null;
    }
    return api.post<TaskView>(`/api/v1/tasks/${task!.id}/complete`, body);
  };

  const customerName = task?.customerName;
  return (
    <FormDialog<Values, TaskView>
      open={!!task}
      title={task ? t('tasks.completeTitle', { title: task.title }) : ''}
      width={520}
      form={form}
      initialValues={task ? { result: '', log: task.type === 'return_visit' && !!task.customerId, channel: 'call', direction: 'outbound' } : undefined}
      formProps={{ 'data-testid': 'complete-form' }}
      submit={submit}
      onSaved={onDone}
      errorFields={formField}
      onClose={onClose}
    >
      <Form.Item name="result" label={t('tasks.result')} rules={[{ required: true, whitespace: true, message: t('tasks.resultRequired') }]}>
        <Input.TextArea autoFocus autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} placeholder={t('tasks.resultPlaceholder')} />
      </Form.Item>
      {task?.customerId ? (
        <>
          <Form.Item name="log" valuePropName="checked" style={{ marginBottom: log ? 8 : 0 }}>
            <Checkbox>{t('tasks.logInteraction')}</Checkbox>
          </Form.Item>
          {log ? (
            <>
              <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
                <Form.Item name="channel" label={t('interactions.channel')} style={{ minWidth: 160, flex: '1 1 160px' }}>
                  <Select options={INTERACTION_CHANNELS.map((c) => ({ value: c, label: t(`interactions.channel.${c}`) }))} />
                </Form.Item>
                <Form.Item name="direction" label={t('interactions.direction')}>
                  <Radio.Group optionType="button" options={[...INTERACTION_DIRECTIONS].reverse().map((d) => ({ value: d, label: t(`interactions.direction.${d}`) }))} />
                </Form.Item>
              </div>
              <Form.Item name="outcome" label={t('tasks.outcome')}>
                <Input maxLength={200} placeholder={t('tasks.outcomePlaceholder')} data-testid="complete-outcome" />
              </Form.Item>
              {customerName ? <Alert type="info" showIcon title={t('tasks.completeLogs', { customer: customerName })} /> : null}
            </>
          ) : null}
        </>
      ) : null}
    </FormDialog>
  );
}
