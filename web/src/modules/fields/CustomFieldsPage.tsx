import { useState } from 'react';
import { App, Button, Card, Checkbox, Col, Flex, Form, Input, Popconfirm, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { CUSTOM_FIELD_KEY_PATTERN, CUSTOM_FIELD_TYPES, fieldKeys, fieldLabel, optionLabel, useCustomFields, type CustomFieldOption, type CustomFieldType, type CustomFieldView } from './api';

type Values = { key: string; labelZh: string; labelEn: string; type: CustomFieldType; required: boolean; options?: CustomFieldOption[] };

const isChoice = (type: CustomFieldType | undefined) => type === 'select' || type === 'multiselect';

function FieldDialog({ editing, onClose, onSaved }: { editing: CustomFieldView | 'new' | null; onClose: () => void; onSaved: (created: boolean) => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  const isNew = editing === 'new';
  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { key: editing.key, labelZh: editing.labelZh, labelEn: editing.labelEn, type: editing.type, required: editing.required, options: editing.options }
      : { type: 'text', required: false, options: [] };
  const required = (field: string) => ({ required: true, whitespace: true, message: t('common.required', { field }) });

  return (
    <FormDialog
      open={!!editing}
      title={isNew ? t('customFields.new') : t('customFields.edit')}
      width={640}
      form={form}
      initialValues={initial}
      submit={(v: Values) => {
        const options = isChoice(v.type) ? (v.options ?? []).map((o) => ({ value: o.value?.trim() ?? '', labelZh: o.labelZh?.trim() ?? '', labelEn: o.labelEn?.trim() ?? '' })) : [];
        const body = { labelZh: v.labelZh?.trim(), labelEn: v.labelEn?.trim(), type: v.type, required: !!v.required, options };
        return isNew || !editing ? api.post<CustomFieldView>('/api/v1/custom-fields', { ...body, key: v.key?.trim() }) : api.patch<CustomFieldView>(`/api/v1/custom-fields/${editing.id}`, body);
      }}
      onSaved={() => {
        onSaved(isNew);
      }}
      onClose={onClose}
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="key"
            label={t('customFields.key')}
            extra={t('customFields.keyHint')}
            rules={[required(t('customFields.key')), { pattern: new RegExp(CUSTOM_FIELD_KEY_PATTERN), message: t('customFields.keyHint') }]}
          >
            <Input maxLength={40} disabled={!isNew} placeholder="heated_area" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="type" label={t('customFields.type')}>
            <Select options={CUSTOM_FIELD_TYPES.map((ty) => ({ value: ty, label: t(`customFields.type.${ty}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="labelZh" label={t('customFields.labelZh')} rules={[required(t('customFields.labelZh'))]}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="labelEn" label={t('customFields.labelEn')} rules={[required(t('customFields.labelEn'))]}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="required" label={t('customFields.required')} valuePropName="checked">
        <Switch />
      </Form.Item>
      {isChoice(type) ? (
        <Form.List name="options">
          {(fields, { add, remove }, { errors: listErrors }) => (
            <Form.Item label={t('customFields.options')} required style={{ marginBottom: 0 }}>
              {fields.map((f, i) => (
                <Flex key={f.key} gap={8} align="start">
                  <Form.Item name={[f.name, 'value']} style={{ flex: 1, marginBottom: 8 }} rules={[required(t('customFields.option.value'))]}>
                    <Input placeholder={t('customFields.option.value')} aria-label={`${t('customFields.option.value')} ${i + 1}`} maxLength={100} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'labelZh']} style={{ flex: 1, marginBottom: 8 }} rules={[required(t('customFields.option.labelZh'))]}>
                    <Input placeholder={t('customFields.option.labelZh')} aria-label={`${t('customFields.option.labelZh')} ${i + 1}`} maxLength={100} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'labelEn']} style={{ flex: 1, marginBottom: 8 }} rules={[required(t('customFields.option.labelEn'))]}>
                    <Input placeholder={t('customFields.option.labelEn')} aria-label={`${t('customFields.option.labelEn')} ${i + 1}`} maxLength={100} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                </Flex>
              ))}
              <Form.ErrorList errors={listErrors} />
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ value: '', labelZh: '', labelEn: '' })} style={{ marginBottom: 16 }}>
                {t('customFields.addOption')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
      ) : null}
    </FormDialog>
  );
}

/** 自定义字段 (系统管理): define, edit, reorder, archive and restore the custom fields of customers. */
export function CustomFieldsPage() {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<CustomFieldView | 'new' | null>(null);
  const fields = useCustomFields(true);
  const rows = (fields.data ?? []).filter((f) => showArchived || f.active);
  const refresh = () => void qc.invalidateQueries({ queryKey: fieldKeys.all });

  const archive = useMutation({
    mutationFn: (f: CustomFieldView) => (f.active ? api.delete(`/api/v1/custom-fields/${f.id}`) : api.post(`/api/v1/custom-fields/${f.id}/restore`)),
    onSuccess: (_, f) => {
      message.success(f.active ? t('customFields.archivedDone') : t('customFields.restored'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const move = useMutation({
    mutationFn: async ({ index, by }: { index: number; by: -1 | 1 }) => {
      // Renumber the visible order with the two rows swapped; only changed positions are sent.
      const order = [...rows];
      const [a] = order.splice(index, 1);
      order.splice(index + by, 0, a!);
      for (const [i, f] of order.entries()) if (f.position !== i) await api.patch(`/api/v1/custom-fields/${f.id}`, { position: i });
    },
    onSettled: refresh,
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title={t('customFields.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('customFields.new')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('customFields.intro')}</Typography.Paragraph>
      <Card size="small">
        <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
          <Checkbox checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)}>
            {t('customFields.showArchived')}
          </Checkbox>
        </Flex>
        <ErrorAlert error={fields.error} onRetry={() => void fields.refetch()} />
        <Table<CustomFieldView>
          rowKey="id"
          size="middle"
          loading={fields.isFetching || move.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('customFields.empty') }}
          columns={[
            { title: lang === 'en' ? t('customFields.labelEn') : t('customFields.labelZh'), key: 'label', render: (_, f) => <Typography.Text strong>{fieldLabel(f, lang)}</Typography.Text> },
            { title: lang === 'en' ? t('customFields.labelZh') : t('customFields.labelEn'), key: 'other', render: (_, f) => (lang === 'en' ? f.labelZh : f.labelEn) },
            { title: t('customFields.key'), dataIndex: 'key', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('customFields.type'), dataIndex: 'type', render: (v: CustomFieldType) => t(`customFields.type.${v}`) },
            { title: t('customFields.required'), dataIndex: 'required', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
            {
              title: t('customFields.options'),
              key: 'options',
              render: (_, f) => (f.options.length ? <Space size={[4, 4]} wrap>{f.options.map((o) => <Tag key={o.value}>{optionLabel(o, lang)}</Tag>)}</Space> : t('common.none')),
            },
            {
              title: t('customFields.status'),
              dataIndex: 'active',
              render: (v: boolean) => (v ? <Tag color="green">{t('customFields.active')}</Tag> : <Tag>{t('customFields.archived')}</Tag>),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, f, index) => (
                <Space size={4}>
                  <Button size="small" icon={<ArrowUpOutlined />} aria-label={t('customFields.moveUp')} disabled={index === 0 || showArchived} onClick={() => move.mutate({ index, by: -1 })} />
                  <Button size="small" icon={<ArrowDownOutlined />} aria-label={t('customFields.moveDown')} disabled={index === rows.length - 1 || showArchived} onClick={() => move.mutate({ index, by: 1 })} />
                  <Button size="small" onClick={() => setEditing(f)}>
                    {t('common.edit')}
                  </Button>
                  {f.active ? (
                    <Popconfirm
                      title={t('customFields.archiveConfirm', { name: fieldLabel(f, lang) })}
                      okText={t('customFields.archive')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('common.cancel')}
                      onConfirm={() => archive.mutate(f)}
                    >
                      <Button size="small" danger>
                        {t('customFields.archive')}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button size="small" onClick={() => archive.mutate(f)}>
                      {t('common.restore')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <FieldDialog
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(created) => {
          message.success(created ? t('customFields.created') : t('common.saved'));
          setEditing(null);
          refresh();
        }}
      />
    </>
  );
}
