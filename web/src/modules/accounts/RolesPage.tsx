import { useState } from 'react';
import { App, Button, Card, Checkbox, Col, Form, Radio, Row, Space, Tag, Typography } from 'antd';
import { EditOutlined, LockOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { PERMISSIONS, useAuth, type Permission, type Scope } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { FieldGrantsPanel } from './FieldGrantsPanel';
import { keys, permissionLabel, ROLE_KEYS, roleLabel, SCOPES, scopeLabel, useRoles, useUsers, type RoleView } from './api';

const SCOPE_COLOR: Record<Scope, string> = { own: 'orange', team: 'gold', all: 'green' };

/** Each role's data scope (本人 / 本团队 / 全部) and permissions; editable with role:manage (not the admin role). */
export function RolesPage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const roles = useRoles();
  const users = useUsers();
  const [editing, setEditing] = useState<RoleView | null>(null);
  const [form] = Form.useForm<{ scope: Scope; permissions: Permission[] }>();

  if (roles.isPending) return <Loading />;
  // Built-in roles from most to least powerful, then any others by key.
  const rank = (key: string) => {
    const i = (ROLE_KEYS as readonly string[]).indexOf(key);
    return i < 0 ? ROLE_KEYS.length : i;
  };
  const sorted = [...(roles.data ?? [])].sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
  const count = (key: string) => (users.data ?? []).filter((u) => u.roleKey === key).length;

  return (
    <>
      <PageHeader title={t('roles.title')} />
      <Typography.Paragraph type="secondary">{t('roles.intro')}</Typography.Paragraph>
      <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} />
      <Row gutter={[16, 16]}>
        {sorted.map((role) => (
          <Col key={role.key} xs={24} lg={12} xxl={8}>
            <Card
              data-testid={`role-${role.key}`}
              title={
                <Space wrap>
                  <span>{roleLabel(t, role.key)}</span>
                  <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                    {role.key}
                  </Typography.Text>
                </Space>
              }
              extra={
                role.key === 'admin' ? (
                  <LockOutlined title={t('roles.fixed')} />
                ) : can('role:manage') ? (
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(role)}
                  >
                    {t('common.edit')}
                  </Button>
                ) : null
              }
              style={{ height: '100%' }}
            >
              <Space orientation="vertical" size={12} style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text type="secondary">{t('roles.scope')}:</Typography.Text>
                  <Tag color={SCOPE_COLOR[role.scope]} data-testid="role-scope">
                    {scopeLabel(t, role.scope)}
                  </Tag>
                  <Typography.Text type="secondary">{t(`scope.${role.scope}.hint`)}</Typography.Text>
                </Space>
                <Space wrap size={[4, 4]}>
                  {role.builtin ? <Tag>{t('roles.builtin')}</Tag> : null}
                  {role.customized ? <Tag color="purple">{t('roles.customized')}</Tag> : null}
                  <Tag>{t('roles.users', { n: count(role.key) })}</Tag>
                </Space>
                <div>
                  <Typography.Text type="secondary">{t('roles.permissions')}:</Typography.Text>
                  <div style={{ marginTop: 6, display: 'flex', flexWrap: 'wrap', gap: 4 }}>
                    {PERMISSIONS.filter((p) => role.permissions.includes(p)).map((p) => (
                      <Tag key={p} color="blue">
                        {permissionLabel(t, p)}
                      </Tag>
                    ))}
                  </div>
                </div>
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      {can('role:manage') ? <FieldGrantsPanel /> : null}
      <FormDialog
        open={!!editing}
        title={t('roles.editTitle', { name: editing ? roleLabel(t, editing.key) : '' })}
        width={640}
        form={form}
        initialValues={editing ?? undefined}
        submit={(v: { scope: Scope; permissions: Permission[] }) => api.patch<RoleView>(`/api/v1/roles/${editing!.key}`, v)}
        onSaved={() => {
          message.success(t('common.saved'));
          setEditing(null);
          void qc.invalidateQueries({ queryKey: keys.roles });
        }}
        onClose={() => setEditing(null)}
      >
        <Form.Item name="scope" label={t('roles.scope')}>
          <Radio.Group>
            <Space orientation="vertical">
              {SCOPES.map((s) => (
                <Radio key={s} value={s}>
                  {scopeLabel(t, s)} <Typography.Text type="secondary">— {t(`scope.${s}.hint`)}</Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')}>
          <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 6 }}>
            {PERMISSIONS.map((p) => (
              <Checkbox key={p} value={p}>
                {permissionLabel(t, p)}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
      </FormDialog>
    </>
  );
}
