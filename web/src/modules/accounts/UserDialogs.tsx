import { Form, Input, Select, Switch, TreeSelect } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { keys, roleLabel, ROLE_KEYS, teamTree, useTeams, type UserView } from './api';

type UserValues = {
  username: string;
  displayName: string;
  password?: string;
  mobile?: string | null;
  email?: string | null;
  roleKey: string;
  teamId?: string | null;
  active?: boolean;
};

/** Create a user (editing === null) or change one: name, contact, role, team, active. */
export function UserDialog({ open, editing, onClose, onSaved }: { open: boolean; editing: UserView | null; onClose: () => void; onSaved: (u: UserView) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const teams = useTeams();
  const [form] = Form.useForm<UserValues>();

  const required = (field: string) => ({ required: true, whitespace: true, message: t('common.required', { field }) });

  return (
    <FormDialog
      open={open}
      title={editing ? t('users.edit') : t('users.create')}
      form={form}
      initialValues={editing ? { ...editing } : { roleKey: 'agent', teamId: null, active: true }}
      submit={(v: UserValues) => {
        const mobile = v.mobile?.trim() || null;
        const email = v.email?.trim() || null;
        if (editing) {
          return api.patch<UserView>(`/api/v1/users/${editing.id}`, {
            displayName: v.displayName,
            mobile,
            email,
            roleKey: v.roleKey,
            teamId: v.teamId ?? null,
            active: v.active,
          });
        }
        return api.post<UserView>('/api/v1/users', {
          username: v.username,
          displayName: v.displayName,
          password: v.password,
          mobile: mobile ?? undefined,
          email: email ?? undefined,
          roleKey: v.roleKey,
          teamId: v.teamId ?? null,
        });
      }}
      onSaved={(u) => {
        void qc.invalidateQueries({ queryKey: keys.users });
        onSaved(u);
      }}
      onClose={onClose}
    >
      <Form.Item name="username" label={t('users.username')} extra={editing ? undefined : t('setup.usernameHint')} rules={editing ? [] : [required(t('users.username'))]}>
        <Input maxLength={32} disabled={!!editing} autoComplete="off" />
      </Form.Item>
      <Form.Item name="displayName" label={t('users.displayName')} rules={[required(t('users.displayName'))]}>
        <Input maxLength={64} />
      </Form.Item>
      {editing ? null : (
        <Form.Item name="password" label={t('users.password')} extra={t('setup.passwordHint')} rules={[required(t('users.password'))]}>
          <Input.Password maxLength={128} autoComplete="new-password" />
        </Form.Item>
      )}
      <Form.Item name="mobile" label={t('users.mobile')}>
        <Input maxLength={32} inputMode="tel" />
      </Form.Item>
      <Form.Item name="email" label={t('users.email')}>
        <Input maxLength={254} inputMode="email" />
      </Form.Item>
      <Form.Item name="roleKey" label={t('users.role')} rules={[{ required: true }]}>
        <Select options={ROLE_KEYS.map((k) => ({ value: k, label: roleLabel(t, k) }))} />
      </Form.Item>
      <Form.Item name="teamId" label={t('users.team')}>
        <TreeSelect treeData={teamTree(teams.data ?? [])} allowClear placeholder={t('users.noTeam')} treeDefaultExpandAll />
      </Form.Item>
      {editing ? (
        <Form.Item name="active" label={t('users.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

export function ResetPasswordDialog({ user, onClose, onDone }: { user: UserView | null; onClose: () => void; onDone: () => void }) {
  const t = useT();
  return (
    <FormDialog<{ password: string }>
      open={!!user}
      title={t('users.resetPasswordFor', { name: user?.displayName ?? '' })}
      okText={t('users.resetPassword')}
      submit={(v) => api.post(`/api/v1/users/${user!.id}/password`, { password: v.password })}
      onSaved={onDone}
      onClose={onClose}
    >
      <Form.Item name="password" label={t('users.newPassword')} extra={t('setup.passwordHint')} rules={[{ required: true, message: t('common.required', { field: t('users.newPassword') }) }]}>
        <Input.Password maxLength={128} autoComplete="new-password" />
      </Form.Item>
    </FormDialog>
  );
}
