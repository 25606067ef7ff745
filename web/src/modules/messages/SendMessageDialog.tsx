import { useEffect } from 'react';
import { Alert, Form, Input, Radio, Select, Spin } from 'antd';
import { api, errorMessage } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { MESSAGE_CATEGORIES, MESSAGE_CHANNELS, useTemplates, type MessageCategory, type MessageChannel, type MessagePreview, type MessageView, type SendInput } from './api';
import { PreviewResult } from './TemplatesPage';

type Values = { mode: 'template' | 'text'; templateId?: string; channel?: MessageChannel; category?: MessageCategory; subject?: string; body?: string };

/**
 * 发送消息 on the customer page: a template (previewed for this customer as it will go out) or free text. The
 * message is stored in the outbox at once and sent in the background; the answer says whether it waits or was
 * not sent (no consent, weekly limit).
 */
export function SendMessageDialog({
  customer,
  open,
  onClose,
  onSent,
}: {
  customer: { id: string; name: string };
  open: boolean;
  onClose: () => void;
  onSent: (m: MessageView, note: string) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch('mode', form) ?? 'template';
  const channel = Form.useWatch('channel', form);
  const templateId = Form.useWatch('templateId', form);
  const templates = useTemplates();
  const preview = useMutation({
    mutationFn: (id: string) => api.post<MessagePreview>(`/api/v1/message-templates/${id}/preview`, { customerId: customer.id }),
  });
  const { mutate: runPreview, reset: resetPreview } = preview;
  useEffect(() => {
    if (open && mode === 'template' && templateId) runPreview(templateId);
    else resetPreview();
  }, [open, mode, templateId, runPreview, resetPreview]);

  return (
    <FormDialog
      open={open}
      title={t('msg.send.title', { name: customer.name })}
      okText={t('msg.send.submit')}
      width={640}
      form={form}
      initialValues={{ mode: 'template', channel: 'sms', category: 'care' }}
      formProps={{ 'data-testid': 'send-message-form' }}
      submit={(v: Values) => {
        const body: SendInput =
          v.mode === 'template'
            ? { templateId: v.templateId }
            : { channel: v.channel, category: v.category, subject: v.channel === 'email' ? v.subject?.trim() || null : null, body: v.body?.trim() ?? '' };
        return api.post<MessageView>(`/api/v1/customers/${customer.id}/messages`, body);
      }}
      onSaved={(m) => {
        const note =
          m.status === 'suppressed'
            ? t('msg.send.suppressed', { reason: m.reason ? t(`msg.reason.${m.reason}`) : '' })
            : m.reason === 'quiet_hours' && m.nextAttemptAt
              ? `${t('msg.send.waiting')}（${formatDateTime(m.nextAttemptAt)}）`
              : t('msg.send.queued');
        onSent(m, note);
      }}
      onClose={onClose}
    >
      <Form.Item name="mode">
        <Radio.Group
          optionType="button"
          options={[
            { value: 'template', label: t('msg.send.mode.template') },
            { value: 'text', label: t('msg.send.mode.text') },
          ]}
        />
      </Form.Item>
      {mode === 'template' ? (
        <>
          <Form.Item name="templateId" label={t('msg.field.template')} rules={[{ required: true, message: t('msg.send.pickTemplate') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('msg.send.pickTemplate')}
              loading={templates.isPending}
              options={(templates.data ?? []).map((tpl) => ({ value: tpl.id, label: `${tpl.name}（${t(`msg.channel.${tpl.channel}`)}）` }))}
            />
          </Form.Item>
          {preview.isPending ? <Spin /> : null}
          {preview.error ? <Alert type="error" showIcon title={errorMessage(preview.error)} /> : null}
          {preview.data ? <PreviewResult preview={preview.data} /> : null}
        </>
      ) : (
        <>
          <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
            <Form.Item name="channel" label={t('msg.field.channel')} style={{ flex: '1 1 140px' }}>
              <Select options={MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`msg.channel.${c}`) }))} />
            </Form.Item>
            <Form.Item name="category" label={t('msg.field.category')} tooltip={t('msg.categoryHint')} style={{ flex: '1 1 140px' }}>
              <Select options={MESSAGE_CATEGORIES.map((c) => ({ value: c, label: t(`msg.category.${c}`) }))} />
            </Form.Item>
          </div>
          {channel === 'email' ? (
            <Form.Item name="subject" label={t('msg.field.subject')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('msg.field.subject') }) }]}>
              <Input maxLength={200} />
            </Form.Item>
          ) : null}
          <Form.Item
            name="body"
            label={t('msg.field.body')}
            extra={t('msg.send.textHint')}
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('msg.field.body') }) }]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={channel === 'email' ? 10000 : 500} showCount />
          </Form.Item>
        </>
      )}
    </FormDialog>
  );
}
