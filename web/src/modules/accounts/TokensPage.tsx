import { useState } from 'react';
import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { keys, permissionLabel, useTokens, useUsers, type TokenView } from './api';

type CreateValues = { name: string; permissions?: string[]; expiresInDays?: number | null };

function status(tk: TokenView): 'revoked' | 'expired' | 'active' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && new Date(tk.expiresAt) < new Date()) return 'expired';
  return 'active';
}

/** My API tokens: create (the secret is shown once), list, revoke. */
export function TokensPage() {
  const t = useT();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const tokens = useTokens();
  const users = useUsers(can('user:manage'));
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/tokens/${id}`),
    onSuccess: () => {
      message.success(t('tokens.revokedDone'));
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const userName = (id: string) => users.data?.find((u) => u.id === id)?.displayName ?? '';
  const mine = me?.permissions ?? [];

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            {t('tokens.create')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      <ErrorAlert error={tokens.error} onRetry={() => void tokens.refetch()} />
      <Table<TokenView>
        rowKey="id"
        size="middle"
        loading={tokens.isPending}
        dataSource={tokens.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('tokens.empty') }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: t('tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>hth_{v}_…</Typography.Text> },
          ...(can('user:manage') ? [{ title: t('tokens.owner'), dataIndex: 'userId', render: (v: string) => userName(v) }] : []),
          {
            title: t('tokens.permissions'),
            dataIndex: 'permissions',
            render: (ps: TokenView['permissions']) => (
              <Space size={[4, 4]} wrap style={{ maxWidth: 360 }}>
                {ps.map((p) => (
                  <Tag key={p}>{permissionLabel(t, p)}</Tag>
                ))}
              </Space>
            ),
          },
          { title: t('tokens.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
          { title: t('tokens.lastUsedAt'), dataIndex: 'lastUsedAt', render: formatDateTime },
          { title: t('tokens.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => (v ? formatDateTime(v) : t('tokens.never')) },
          {
            title: t('tokens.status'),
            key: 'status',
            render: (_, tk) => {
              const s = status(tk);
              return <Tag color={s === 'active' ? 'green' : 'default'}>{t(`tokens.${s}`)}</Tag>;
            },
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, tk) =>
              status(tk) === 'revoked' ? null : (
                <Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => revoke.mutate(tk.id)} okText={t('tokens.revoke')} cancelText={t('common.cancel')}>
                  <Button danger size="small">
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />

      <FormDialog
        open={open}
        title={t('tokens.create')}
        okText={t('common.create')}
        submit={(v: CreateValues) =>
          api.post<TokenView & { token: string }>('/api/v1/tokens', {
            name: v.name,
            permissions: v.permissions?.length ? v.permissions : undefined,
            expiresInDays: v.expiresInDays || undefined,
          })
        }
        onSaved={(res) => {
          setSecret(res.token);
          void qc.invalidateQueries({ queryKey: keys.tokens });
        }}
        onClose={() => setOpen(false)}
      >
        <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('tokens.name') }) }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="permissions" label={t('tokens.permissions')} extra={t('tokens.permissionsHint')}>
          <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: 6 }}>
            {mine.map((p) => (
              <Checkbox key={p} value={p}>
                {permissionLabel(t, p)}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="expiresInDays" label={t('tokens.expiresInDays')} extra={t('tokens.expiresHint')}>
          <InputNumber min={1} max={3650} style={{ width: 160 }} />
        </Form.Item>
      </FormDialog>

      <Modal
        open={!!secret}
        title={t('tokens.secretTitle')}
        onCancel={() => setSecret(null)}
        destroyOnHidden
        footer={
          <Button type="primary" onClick={() => setSecret(null)}>
            {t('common.close')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('tokens.secretOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: secret ?? '' }} code data-testid="token-secret" style={{ wordBreak: 'break-all' }}>
          {secret}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
