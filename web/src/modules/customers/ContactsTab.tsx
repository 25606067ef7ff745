import { useState } from 'react';
import { App, Button, Checkbox, Empty, Flex, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, StarFilled } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { customerKeys, useContacts, type ContactView } from './api';
import type { CustomerTabContext } from './tabs';

type Values = { name: string; title?: string; phones?: string; email?: string; isPrimary?: boolean; notes?: string };

const splitPhones = (s: string | undefined) =>
  (s ?? '')
    .split(/[,，;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** 联系人 of an organisation: list, add, edit, remove. Phone numbers stay masked unless revealed on this page. */
export function ContactsTab({ customer, revealed }: CustomerTabContext) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const contacts = useContacts(customer.id, true);
  const writable = can('customer:write') && !customer.deletedAt;
  const [editing, setEditing] = useState<ContactView | 'new' | null>(null);

  const phonesOf = (c: ContactView) => revealed?.contacts.find((x) => x.id === c.id)?.phones ?? c.phones;
  // Phones can be changed when they are not masked on screen (new contact, none yet, or revealed) and by pii holders.
  const phonesEditable = editing === 'new' || (!!editing && (editing.phones.length === 0 || !!revealed) && can('customer:pii'));

  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: customerKeys.contacts(customer.id) });
    void qc.invalidateQueries({ queryKey: customerKeys.history(customer.id) });
  };
  const submit = (v: Values) => {
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      title: v.title?.trim() || null,
      email: v.email?.trim() || null,
      isPrimary: !!v.isPrimary,
      notes: v.notes?.trim() || null,
    };
    if (phonesEditable) body.phones = splitPhones(v.phones);
    return editing === 'new'
      ? api.post<ContactView>(`/api/v1/customers/${customer.id}/contacts`, body)
      : api.patch<ContactView>(`/api/v1/customers/${customer.id}/contacts/${(editing as ContactView).id}`, body);
  };
  const remove = useMutation({
    mutationFn: (c: ContactView) => api.delete(`/api/v1/customers/${customer.id}/contacts/${c.id}`),
    onSuccess: () => {
      message.success(t('contacts.removed'));
      invalidate();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const open = (c: ContactView | 'new') => setEditing(c);
  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { name: editing.name, title: editing.title ?? '', phones: phonesOf(editing).join(', '), email: editing.email ?? '', isPrimary: editing.isPrimary, notes: editing.notes ?? '' }
      : { isPrimary: !(contacts.data ?? []).length };

  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('contacts.add')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={contacts.error} onRetry={() => void contacts.refetch()} />
      <Table<ContactView>
        rowKey="id"
        size="small"
        loading={contacts.isPending}
        dataSource={contacts.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('contacts.empty')} /> }}
        columns={[
          {
            title: t('contacts.name'),
            dataIndex: 'name',
            render: (v: string, c) => (
              <Space size={4}>
                <Typography.Text strong>{v}</Typography.Text>
                {c.isPrimary ? (
                  <Tag color="gold" icon={<StarFilled />}>
                    {t('contacts.primary')}
                  </Tag>
                ) : null}
              </Space>
            ),
          },
          { title: t('contacts.title'), dataIndex: 'title', render: (v: string | null) => v ?? t('common.none') },
          { title: t('field.phones'), key: 'phones', render: (_, c) => phonesOf(c).join(t('sep.comma')) || t('common.none') },
          { title: t('field.email'), dataIndex: 'email', render: (v: string | null) => v ?? t('common.none') },
          { title: t('field.notes'), dataIndex: 'notes', ellipsis: true, render: (v: string | null) => v ?? '' },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, c: ContactView) => (
                    <Space size={4}>
                      <Button size="small" onClick={() => open(c)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm title={t('contacts.removeConfirm', { name: c.name })} onConfirm={() => remove.mutate(c)} okText={t('common.remove')} cancelText={t('common.cancel')}>
                        <Button size="small" danger>
                          {t('common.remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormDialog<Values, ContactView>
        open={!!editing}
        title={editing === 'new' ? t('contacts.add') : t('contacts.edit')}
        initialValues={initial}
        submit={submit}
        onSaved={() => {
          message.success(t('contacts.saved'));
          invalidate();
        }}
        errorFields={(f) => (f.startsWith('phones.') ? 'phones' : f)}
        onClose={() => setEditing(null)}
      >
        <Form.Item name="name" label={t('contacts.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('contacts.name') }) }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="title" label={t('contacts.title')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="phones" label={t('field.phones')} extra={phonesEditable ? undefined : t('customers.form.piiLocked')}>
          <Input maxLength={200} inputMode="tel" disabled={!phonesEditable} />
        </Form.Item>
        <Form.Item name="email" label={t('field.email')}>
          <Input maxLength={254} inputMode="email" />
        </Form.Item>
        <Form.Item name="isPrimary" valuePropName="checked">
          <Checkbox>{t('contacts.primary')}</Checkbox>
        </Form.Item>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </FormDialog>
    </>
  );
}
