import { useState } from 'react';
import { Alert, App, Button, Checkbox, Col, Descriptions, Flex, Form, Input, Modal, Popconfirm, Row, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import {
  MESSAGE_CATEGORIES,
  MESSAGE_CHANNELS,
  TEMPLATE_VARIABLES,
  messageKeys,
  useTemplates,
  type MessagePreview,
  type MessageTemplateView,
  type TemplateInput,
} from './api';
import { CustomerPicker } from './parts';

type Values = TemplateInput;
type BodyField = 'subjectZh' | 'subjectEn' | 'bodyZh' | 'bodyEn';

/** Clickable {{variable}} chips: each inserts itself at the end of the text field last focused. */
export function VariableHints({ onInsert }: { onInsert: (variable: string) => void }) {
  const t = useT();
  return (
    <div style={{ marginBottom: 12 }} data-testid="variable-hints">
      <Typography.Text type="secondary">{t('msg.vars.title')}</Typography.Text>
      <Flex wrap gap={4} style={{ marginTop: 4 }}>
        {TEMPLATE_VARIABLES.map((v) => (
          <Tooltip key={v} title={t(`msg.var.${v}`)}>
            <Tag style={{ cursor: 'pointer' }} onClick={() => onInsert(`{{${v}}}`)}>
              {`{{${v}}}`} <Typography.Text type="secondary">{t(`msg.var.${v}`)}</Typography.Text>
            </Tag>
          </Tooltip>
        ))}
      </Flex>
    </div>
  );
}

function TemplateDialog({ editing, onClose, onSaved }: { editing: MessageTemplateView | 'new' | null; onClose: () => void; onSaved: (t: MessageTemplateView, created: boolean) => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [focused, setFocused] = useState<BodyField>('bodyZh');
  const channel = Form.useWatch('channel', form);
  const isNew = editing === 'new';
  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { ...editing, subjectZh: editing.subjectZh ?? '', subjectEn: editing.subjectEn ?? '', bodyEn: editing.bodyEn ?? '' }
      : { channel: 'sms', category: 'care' };
  const insert = (variable: string) => {
    const target: BodyField = channel !== 'email' && focused.startsWith('subject') ? 'bodyZh' : focused;
    form.setFieldValue(target, `${form.getFieldValue(target) ?? ''}${variable}`);
  };
  const text = (name: BodyField, rows: number) => (
    <Input.TextArea autoSize={{ minRows: rows, maxRows: 12 }} maxLength={channel === 'email' ? 10000 : 500} showCount onFocus={() => setFocused(name)} />
  );

  return (
    <FormDialog
      open={!!editing}
      title={isNew ? t('msg.templates.new') : t('msg.templates.edit')}
      width={720}
      form={form}
      initialValues={initial}
      formProps={{ 'data-testid': 'template-form' }}
      submit={(v: Values) => {
        const body: TemplateInput = {
          name: v.name?.trim(),
          channel: v.channel,
          category: v.category,
          subjectZh: v.channel === 'email' ? v.subjectZh?.trim() || null : null,
          subjectEn: v.channel === 'email' ? v.subjectEn?.trim() || null : null,
          bodyZh: v.bodyZh?.trim(),
          bodyEn: v.bodyEn?.trim() || null,
        };
        return isNew || !editing
          ? api.post<MessageTemplateView>('/api/v1/message-templates', body)
          : api.patch<MessageTemplateView>(`/api/v1/message-templates/${editing.id}`, { ...body, version: editing.version });
      }}
      onSaved={(saved) => {
        onSaved(saved, isNew);
      }}
      onClose={onClose}
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="name" label={t('msg.field.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('msg.field.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="channel" label={t('msg.field.channel')}>
            <Select options={MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`msg.channel.${c}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="category" label={t('msg.field.category')} tooltip={t('msg.categoryHint')}>
            <Select options={MESSAGE_CATEGORIES.map((c) => ({ value: c, label: t(`msg.category.${c}`) }))} />
          </Form.Item>
        </Col>
      </Row>
      <VariableHints onInsert={insert} />
      {channel === 'email' ? (
        <Form.Item name="subjectZh" label={t('msg.field.subjectZh')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('msg.field.subjectZh') }) }]}>
          <Input maxLength={200} onFocus={() => setFocused('subjectZh')} />
        </Form.Item>
      ) : null}
      <Form.Item name="bodyZh" label={t('msg.field.bodyZh')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('msg.field.bodyZh') }) }]}>
        {text('bodyZh', 3)}
      </Form.Item>
      {channel === 'email' ? (
        <Form.Item name="subjectEn" label={t('msg.field.subjectEn')}>
          <Input maxLength={200} onFocus={() => setFocused('subjectEn')} />
        </Form.Item>
      ) : null}
      <Form.Item name="bodyEn" label={t('msg.field.bodyEn')} extra={t('msg.field.bodyEnHint')}>
        {text('bodyEn', 2)}
      </Form.Item>
    </FormDialog>
  );
}

/** The rendered message and what to know about it: language, fallback, variables without value, address, consent. */
export function PreviewResult({ preview }: { preview: MessagePreview }) {
  const t = useT();
  return (
    <div data-testid="message-preview">
      <Space wrap size={8} style={{ marginBottom: 8 }}>
        <Tag>{t('msg.preview.language', { lang: t(`msg.lang.${preview.locale}`) })}</Tag>
        {preview.recipient ? <Tag>{t('msg.preview.recipient', { to: preview.recipient })}</Tag> : null}
      </Space>
      {preview.fellBack ? <Alert type="info" showIcon title={t('msg.preview.fellBack')} style={{ marginBottom: 8 }} /> : null}
      {preview.missing.length ? (
        <Alert type="warning" showIcon title={t('msg.preview.missing', { vars: preview.missing.map((v) => `{{${v}}}`).join(t('sep.list')) })} style={{ marginBottom: 8 }} />
      ) : null}
      {/* A recipient the role does not see (field grants) is not a missing one. */}
      {!preview.recipient && !preview.recipientHidden ? <Alert type="warning" showIcon title={t('msg.preview.noRecipient')} style={{ marginBottom: 8 }} /> : null}
      {!preview.consent ? <Alert type="warning" showIcon title={t('msg.preview.noConsent')} style={{ marginBottom: 8 }} /> : null}
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          ...(preview.subject ? [{ key: 'subject', label: t('msg.field.subject'), children: <span data-testid="preview-subject">{preview.subject}</span> }] : []),
          { key: 'body', label: t('msg.field.body'), children: <span style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-body">{preview.body}</span> },
        ]}
      />
    </div>
  );
}

function PreviewDialog({ template, onClose }: { template: MessageTemplateView | null; onClose: () => void }) {
  const t = useT();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const preview = useMutation({
    mutationFn: (id: string) => api.post<MessagePreview>(`/api/v1/message-templates/${template!.id}/preview`, { customerId: id }),
  });
  return (
    <Modal
      open={!!template}
      title={template ? `${t('msg.preview.title')} · ${template.name}` : ''}
      footer={null}
      onCancel={onClose}
      afterOpenChange={(open) => {
        if (!open) {
          setCustomerId(null);
          preview.reset();
        }
      }}
      destroyOnHidden
      width={640}
    >
      <div style={{ marginBottom: 12 }}>
        <CustomerPicker
          value={customerId}
          placeholder={t('msg.preview.pickCustomer')}
          onChange={(id) => {
            setCustomerId(id);
            if (id) preview.mutate(id);
            else preview.reset();
          }}
        />
      </div>
      {preview.isPending ? <Spin /> : null}
      {preview.error ? <Alert type="error" showIcon title={errorMessage(preview.error)} /> : null}
      {preview.data ? <PreviewResult preview={preview.data} /> : null}
    </Modal>
  );
}

/** 消息模板: the templates, their zh/en texts with variables, preview with a real customer, archive and restore. */
export function TemplatesPage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<MessageTemplateView | 'new' | null>(null);
  const [previewing, setPreviewing] = useState<MessageTemplateView | null>(null);
  const templates = useTemplates(showArchived);
  const manage = can('message:manage');
  const refresh = () => void qc.invalidateQueries({ queryKey: messageKeys.all });
  const archive = useMutation({
    mutationFn: (tpl: MessageTemplateView) =>
      tpl.archivedAt ? api.post(`/api/v1/message-templates/${tpl.id}/restore`) : api.delete(`/api/v1/message-templates/${tpl.id}`),
    onSuccess: (_, tpl) => {
      message.success(tpl.archivedAt ? t('msg.templates.restored') : t('msg.templates.archivedDone'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title={t('msg.templates.title')}
        extra={
          <>
            <Checkbox checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)}>
              {t('msg.templates.showArchived')}
            </Checkbox>
            {manage ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('msg.templates.new')}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />
      <Table<MessageTemplateView>
        rowKey="id"
        loading={templates.isPending}
        dataSource={templates.data ?? []}
        pagination={false}
        locale={{ emptyText: t('msg.templates.empty') }}
        scroll={{ x: 720 }}
        columns={[
          {
            title: t('msg.field.name'),
            dataIndex: 'name',
            render: (name: string, tpl) => (
              <Space>
                <Typography.Text strong>{name}</Typography.Text>
                {tpl.archivedAt ? <Tag>{t('msg.templates.archived')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('msg.field.channel'), dataIndex: 'channel', width: 90, render: (c: MessageTemplateView['channel']) => t(`msg.channel.${c}`) },
          { title: t('msg.field.category'), dataIndex: 'category', width: 110, render: (c: MessageTemplateView['category']) => t(`msg.category.${c}`) },
          {
            title: t('msg.field.body'),
            render: (_, tpl) => (
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360 }}>
                {tpl.subjectZh ? `${tpl.subjectZh} — ` : ''}
                {tpl.bodyZh}
              </Typography.Text>
            ),
          },
          {
            title: t('common.actions'),
            width: 220,
            render: (_, tpl) => (
              <Space size={4} wrap>
                <Button size="small" icon={<EyeOutlined />} onClick={() => setPreviewing(tpl)}>
                  {t('msg.templates.preview')}
                </Button>
                {manage && !tpl.archivedAt ? (
                  <Button size="small" onClick={() => setEditing(tpl)}>
                    {t('common.edit')}
                  </Button>
                ) : null}
                {manage ? (
                  tpl.archivedAt ? (
                    <Button size="small" onClick={() => archive.mutate(tpl)}>
                      {t('common.restore')}
                    </Button>
                  ) : (
                    <Popconfirm title={t('msg.templates.archiveConfirm')} okText={t('msg.templates.archive')} cancelText={t('common.cancel')} onConfirm={() => archive.mutate(tpl)}>
                      <Button size="small" danger>
                        {t('msg.templates.archive')}
                      </Button>
                    </Popconfirm>
                  )
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <TemplateDialog
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          message.success(created ? t('msg.templates.created') : t('common.saved'));
          setEditing(null);
          refresh();
          if (created) setPreviewing(saved);
        }}
      />
      <PreviewDialog template={previewing} onClose={() => setPreviewing(null)} />
    </>
  );
}
