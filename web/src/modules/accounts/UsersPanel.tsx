import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, Flex, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { keys, roleLabel, useTeams, useUsers, type UserView } from './api';
import { ResetPasswordDialog, UserDialog } from './UserDialogs';

/** The user list with create, edit (role, team, active), reset password and unlock. */
export function UsersPanel() {
  const t = useT();
  const { can } = useAuth();
  const manage = can('user:manage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useUsers();
  const teams = useTeams();
  // ?user=<id> (a global-search hit): the list starts narrowed to that user, until something is typed.
  const [params] = useSearchParams();
  const focus = params.get('user');
  const [typed, setSearch] = useState<string | null>(null);
  const search = typed ?? (focus ? users.data?.find((x) => x.id === focus)?.username : undefined) ?? '';
  const [dialog, setDialog] = useState<{ editing: UserView | null } | null>(null);
  const [resetting, setResetting] = useState<UserView | null>(null);

  const unlock = useMutation({
    mutationFn: (id: string) => api.patch<UserView>(`/api/v1/users/${id}`, { unlock: true }),
    onSuccess: () => {
      message.success(t('users.unlocked'));
      void qc.invalidateQueries({ queryKey: keys.users });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  // Signs a user out everywhere (a lost phone, someone who left): their sessions end at once.
  const signOut = useMutation({
    mutationFn: (id: string) => api.delete<{ revoked: number }>(`/api/v1/users/${id}/sessions`),
    onSuccess: (r) => message.success(t('security.users.signedOut', { n: r.revoked })),
    onError: (err) => message.error(errorMessage(err)),
  });

  // Removes a user's two-factor sign-in (a lost phone): audited, their sessions end; they enrol again when required.
  const resetTwoFactor = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/users/${id}/two-factor`),
    onSuccess: () => {
      message.success(t('security.users.twoFactorReset'));
      void qc.invalidateQueries({ queryKey: keys.users });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const teamName = (id: string | null) => (id ? (teams.data?.find((tm) => tm.id === id)?.name ?? '') : '');
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    const list = users.data ?? [];
    return q ? list.filter((u) => u.username.includes(q) || u.displayName.toLowerCase().includes(q)) : list;
  }, [users.data, search]);

  return (
    <>
      <Flex justify="space-between" gap={8} wrap style={{ marginBottom: 12 }}>
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('users.search')} value={search} onChange={(e) => setSearch(e.target.value)} style={{ maxWidth: 280 }} />
        {manage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ editing: null })}>
            {t('users.create')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
      <Table<UserView>
        rowKey="id"
        size="middle"
        loading={users.isPending}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('users.displayName'),
            dataIndex: 'displayName',
            render: (v: string, u) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{v}</Typography.Text>
                <Typography.Text type="secondary">{u.username}</Typography.Text>
              </Space>
            ),
          },
          { title: t('users.role'), dataIndex: 'roleKey', render: (v: string) => <Tag color="blue">{roleLabel(t, v)}</Tag> },
          { title: t('users.team'), dataIndex: 'teamId', render: teamName },
          ...(manage ? [{ title: t('users.mobile'), dataIndex: 'mobile', render: (v: string | null) => (v ? v.replace(/^\+86/, '') : t('common.none')) }] : []),
          {
            title: t('users.status'),
            key: 'status',
            render: (_, u) => (
              <Space size={4}>
                {u.active ? <Tag color="green">{t('users.active')}</Tag> : <Tag>{t('users.inactive')}</Tag>}
                {u.locked ? <Tag color="red">{t('users.locked')}</Tag> : null}
                {u.twoFactor ? (
                  <Tag color="purple" data-testid="user-two-factor">
                    {t('security.users.twoFactorOn')}
                  </Tag>
                ) : null}
              </Space>
            ),
          },
          { title: t('users.lastLogin'), dataIndex: 'lastLoginAt', render: formatDateTime },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, u: UserView) => (
                    <Space size={4} wrap>
                      <Button size="small" onClick={() => setDialog({ editing: u })}>
                        {t('common.edit')}
                      </Button>
                      <Button size="small" onClick={() => setResetting(u)}>
                        {t('users.resetPassword')}
                      </Button>
                      {u.locked ? (
                        <Button size="small" onClick={() => unlock.mutate(u.id)}>
                          {t('users.unlock')}
                        </Button>
                      ) : null}
                      <Popconfirm title={t('security.users.signOutConfirm')} onConfirm={() => signOut.mutate(u.id)}>
                        <Button size="small">{t('security.users.signOut')}</Button>
                      </Popconfirm>
                      {u.twoFactor ? (
                        <Popconfirm title={t('security.users.resetTwoFactorConfirm')} onConfirm={() => resetTwoFactor.mutate(u.id)}>
                          <Button size="small" danger data-testid="reset-two-factor">
                            {t('security.users.resetTwoFactor')}
                          </Button>
                        </Popconfirm>
                      ) : null}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <UserDialog
        open={!!dialog}
        editing={dialog?.editing ?? null}
        onClose={() => setDialog(null)}
        onSaved={() => {
          message.success(dialog?.editing ? t('common.saved') : t('users.created'));
          setDialog(null);
        }}
      />
      <ResetPasswordDialog
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={() => {
          message.success(t('users.passwordReset'));
          setResetting(null);
        }}
      />
    </>
  );
}
