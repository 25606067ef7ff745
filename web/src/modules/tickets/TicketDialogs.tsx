import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { App, Form, Input, Typography, type FormInstance } from 'antd';
import { api } from '../../platform/api';
import { FormDialog, SubmitCancelled } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { TICKET_LIMITS, useTicketAction, type TicketDetail, type TicketSummary } from './api';

type TextValues = Record<string, string | undefined>;

/**
 * A dialog asking for one line of text (确定 stays disabled while it is blank), on the shared FormDialog: the write
 * runs once however often 确定 is pressed, and the server's error on `name` (or on a field `errorFields` maps to it)
 * shows under the input, any other in the banner.
 */
function TextDialog<R>({
  open,
  title,
  label,
  name,
  extra,
  maxLength,
  submit,
  onSaved,
  onClose,
  errorFields,
}: {
  open: boolean;
  title: ReactNode;
  label: ReactNode;
  /** The field's name, as the server names it where it can (its errors land there). */
  name: string;
  extra?: ReactNode;
  maxLength?: number;
  /** The write, from the trimmed text. */
  submit: (text: string, form: FormInstance<TextValues>) => Promise<R>;
  onSaved?: (result: R) => void;
  onClose: () => void;
  errorFields?: Record<string, string>;
}) {
  const t = useT();
  const [form] = Form.useForm<TextValues>();
  const value = Form.useWatch(name, form);
  return (
    <FormDialog<TextValues, R>
      open={open}
      title={title}
      okText={t('tk.ok')}
      cancelText={t('tk.cancel')}
      okButtonProps={{ disabled: !value?.trim() }}
      form={form}
      intro={extra ? <Typography.Paragraph type="secondary">{extra}</Typography.Paragraph> : null}
      submit={(v) => submit((v[name] ?? '').trim(), form)}
      onSaved={onSaved}
      errorFields={errorFields}
      onClose={onClose}
    >
      <Form.Item name={name} label={label} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={maxLength} data-testid="text-dialog-input" />
      </Form.Item>
    </FormDialog>
  );
}

/** 重新打开: the reason is required; the ticket is back in progress. */
export function ReopenDialog({ ticketId, open, onClose }: { ticketId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const reopen = useTicketAction(ticketId, (reason: string) => api.post<TicketDetail>(`/api/v1/tickets/${ticketId}/reopen`, { reason }));
  return (
    <TextDialog
      open={open}
      title={t('tk.action.reopen')}
      label={t('tk.reopen.reason')}
      name="reason"
      maxLength={TICKET_LIMITS.comment}
      submit={(reason) => reopen.mutateAsync(reason)}
      onClose={onClose}
    />
  );
}

/**
 * 合并: the target by its number (looked up in the queue; an unknown number is told under the field), then a
 * confirmation that runs the merge (cancelling it leaves the dialog open); then the surviving ticket is shown.
 */
export function MergeDialog({ ticketId, open, onClose }: { ticketId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const merge = useTicketAction(ticketId, (intoId: string) => api.post<TicketDetail>(`/api/v1/tickets/${ticketId}/merge`, { intoId }));
  const submit = async (text: string, form: FormInstance<TextValues>) => {
    const num = text.replace(/^#/, '');
    const found = (await api.get<{ items: TicketSummary[] }>('/api/v1/tickets', { q: num, limit: 50 })).items.find((x) => String(x.number) === num);
    if (!found) {
      form.setFields([{ name: 'number', errors: [t('tk.merge.notFound', { number: num })] }]);
      throw new SubmitCancelled();
    }
    return new Promise<TicketDetail>((resolve, reject) => {
      modal.confirm({
        title: t('tk.merge.hint'),
        okText: t('tk.ok'),
        cancelText: t('tk.cancel'),
        onOk: async () => {
          try {
            resolve(await merge.mutateAsync(found.id));
          } catch (err) {
            reject(err);
          }
        },
        onCancel: () => reject(new SubmitCancelled()),
      });
    });
  };
  return (
    <TextDialog
      open={open}
      title={t('tk.action.merge')}
      label={t('tk.merge.target')}
      extra={t('tk.merge.hint')}
      name="number"
      maxLength={20}
      submit={submit}
      onSaved={(survivor) => void navigate(`/tickets/${survivor.id}`)}
      errorFields={{ intoId: 'number' }}
      onClose={onClose}
    />
  );
}
