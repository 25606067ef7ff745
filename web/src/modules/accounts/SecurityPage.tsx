import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, PageHeader } from '../../platform/ui';
import type { RecoveryCodesView, SecuritySettingsView, SessionView, TwoFactorStatusView } from '../../../../src/modules/accounts/security.contract';
import { RecoveryCodes, TwoFactorEnrol } from './TwoFactorEnrol';

const keys = {
  twoFactor: ['accounts', 'two-factor'] as const,
  sessions: ['accounts', 'sessions'] as const,
  policy: ['accounts', 'security-policy'] as const,
};

type Mode = 'idle' | 'enrol' | 'disable' | 'codes';

/** A form asking for a code (and, to turn it off, the password): turning off, or new recovery codes. */
function CodeForm({ withPassword, submitLabel, onSubmit, onCancel, busy }: { withPassword: boolean; submitLabel: string; onSubmit: (v: { code: string; password?: string }) => Promise<unknown>; onCancel: () => void; busy: boolean }) {
  const t = useT();
  const [form] = Form.useForm<{ code: string; password?: string }>();
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (v: { code: string; password?: string }) => {
    setErrors([]);
    try {
      await onSubmit(v);
    } catch (err) {
      setErrors(applyServerErrors(form, err));
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} style={{ maxWidth: 360 }}>
      <FormErrors errors={errors} />
      {withPassword ? (
        <Form.Item name="password" label={t('security.password')} rules={[{ required: true, message: t('common.required', { field: t('security.password') }) }]}>
          <Input.Password autoComplete="current-password" maxLength={128} />
        </Form.Item>
      ) : null}
      <Form.Item name="code" label={t('security.code')} extra={t('security.code.hint')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('security.code') }) }]}>
        <Input autoComplete="one-time-code" maxLength={40} data-testid="security-code" />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {submitLabel}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** 两步验证: status, enrolment, recovery codes, turning it off. */
function TwoFactorCard() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: keys.twoFactor, queryFn: () => api.get<TwoFactorStatusView>('/api/v1/auth/two-factor') });
  const [mode, setMode] = useState<Mode>('idle');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [regenerating, setRegenerating] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.twoFactor });
  const disable = useMutation({
    mutationFn: (v: { code: string; password?: string }) => api.post('/api/v1/auth/two-factor/disable', { code: v.code.trim(), password: v.password ?? '' }),
    onSuccess: () => {
      message.success(t('security.twoFactor.disabled'));
      setMode('idle');
      refresh();
    },
  });
  const regenerate = useMutation({
    mutationFn: (v: { code: string }) => api.post<RecoveryCodesView>('/api/v1/auth/two-factor/recovery-codes', { code: v.code.trim() }),
    onSuccess: (r) => {
      setRegenerating(false);
      setCodes(r.recoveryCodes);
      setMode('codes');
      refresh();
    },
  });

  const s = status.data;
  let body;
  if (mode === 'codes' && codes) body = <RecoveryCodes codes={codes} onDone={() => setMode('idle')} />;
  else if (mode === 'enrol')
    body = (
      <TwoFactorEnrol
        onEnabled={(c) => {
          message.success(t('security.enrol.done'));
          setCodes(c);
          setMode('codes');
          refresh();
        }}
      />
    );
  else if (mode === 'disable') body = <CodeForm withPassword submitLabel={t('security.twoFactor.disable')} onSubmit={(v) => disable.mutateAsync(v)} onCancel={() => setMode('idle')} busy={disable.isPending} />;
  else if (regenerating) body = <CodeForm withPassword={false} submitLabel={t('security.twoFactor.newCodes')} onSubmit={(v) => regenerate.mutateAsync(v)} onCancel={() => setRegenerating(false)} busy={regenerate.isPending} />;
  else
    body = (
      <>
        <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('security.twoFactor')}>
            <span data-testid="two-factor-status">
              {s?.enabled ? <Tag color="green">{t('security.twoFactor.on')}</Tag> : <Tag>{t('security.twoFactor.off')}</Tag>}
              {s?.enabledAt ? t('security.twoFactor.since', { at: formatDateTime(s.enabledAt) }) : null}
            </span>
          </Descriptions.Item>
          {s?.enabled ? <Descriptions.Item label={t('security.twoFactor.newCodes')}>{t('security.twoFactor.codesLeft', { n: s.recoveryCodesLeft })}</Descriptions.Item> : null}
          {s?.required ? <Descriptions.Item label={t('security.policy')}>{t('security.twoFactor.required')}</Descriptions.Item> : null}
        </Descriptions>
        {s?.enabled ? (
          <Space wrap>
            <Button onClick={() => setRegenerating(true)}>{t('security.twoFactor.newCodes')}</Button>
            {s.required ? null : (
              <Button danger onClick={() => setMode('disable')}>
                {t('security.twoFactor.disable')}
              </Button>
            )}
          </Space>
        ) : (
          <Button type="primary" onClick={() => setMode('enrol')} disabled={!s}>
            {t('security.twoFactor.enable')}
          </Button>
        )}
      </>
    );
  return (
    <Card title={t('security.twoFactor')}>
      <Typography.Paragraph type="secondary">{t('security.twoFactor.intro')}</Typography.Paragraph>
      <ErrorAlert error={status.error} onRetry={() => void status.refetch()} />
      {body}
    </Card>
  );
}

/** 登录设备: my sessions, each revocable; all others at once. */
function SessionsCard() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const sessions = useQuery({ queryKey: keys.sessions, queryFn: async () => (await api.get<{ items: SessionView[] }>('/api/v1/auth/sessions')).items });
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.sessions });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/auth/sessions/${id}`),
    onSuccess: () => {
      message.success(t('security.sessions.revoked'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const revokeOthers = useMutation({
    mutationFn: () => api.post<{ revoked: number }>('/api/v1/auth/sessions/revoke-others'),
    onSuccess: (r) => {
      message.success(t('security.sessions.revokedOthers', { n: r.revoked }));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const others = (sessions.data ?? []).filter((s) => !s.current).length;
  return (
    <Card
      title={t('security.sessions')}
      extra={
        <Button onClick={() => revokeOthers.mutate()} loading={revokeOthers.isPending} disabled={!others} data-testid="revoke-others">
          {t('security.sessions.revokeOthers')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('security.sessions.intro')}</Typography.Paragraph>
      <ErrorAlert error={sessions.error} onRetry={() => void sessions.refetch()} />
      <Table<SessionView>
        rowKey="id"
        size="middle"
        loading={sessions.isPending}
        dataSource={sessions.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('security.sessions.device'),
            key: 'device',
            render: (_, s) => (
              <span title={s.userAgent ?? undefined}>
                {s.device} {s.current ? <Tag color="blue">{t('security.sessions.current')}</Tag> : null}
              </span>
            ),
          },
          { title: t('security.sessions.ip'), dataIndex: 'ip', render: (ip: string | null) => ip ?? t('common.none') },
          { title: t('security.sessions.created'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          { title: t('security.sessions.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, s) =>
              s.current ? null : (
                <Popconfirm title={t('security.sessions.revokeConfirm')} onConfirm={() => revoke.mutate(s.id)}>
                  <Button size="small" danger data-testid="revoke-session">
                    {t('security.sessions.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** 公司安全策略 (settings:manage): require two-step verification of administrators. */
function PolicyCard() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const policy = useQuery({ queryKey: keys.policy, queryFn: () => api.get<SecuritySettingsView>('/api/v1/security/settings') });
  const save = useMutation({
    mutationFn: (requireAdminTwoFactor: boolean) => api.put<SecuritySettingsView>('/api/v1/security/settings', { requireAdminTwoFactor }),
    onSuccess: (v) => {
      qc.setQueryData(keys.policy, v);
      void qc.invalidateQueries({ queryKey: keys.twoFactor });
      message.success(t('security.policy.saved'));
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Card title={t('security.policy')}>
      <ErrorAlert error={policy.error} onRetry={() => void policy.refetch()} />
      <Form layout="vertical">
        <Form.Item label={t('security.policy.requireAdmin')} extra={t('security.policy.requireAdmin.hint')}>
          <Switch checked={!!policy.data?.requireAdminTwoFactor} loading={policy.isPending || save.isPending} onChange={(v) => save.mutate(v)} data-testid="require-admin-two-factor" />
        </Form.Item>
      </Form>
    </Card>
  );
}

/** 个人设置 → 账户安全: two-step verification, my signed-in devices, and (administrators) the company's policy. */
export function SecurityPage() {
  const t = useT();
  const { can } = useAuth();
  return (
    <>
      <PageHeader title={t('security.title')} />
      <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 960 }}>
        <TwoFactorCard />
        <SessionsCard />
        {can('settings:manage') ? <PolicyCard /> : null}
      </Space>
    </>
  );
}
