import { useState } from 'react';
import { Alert, App, Button, Form, Input, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import type { RecoveryCodesView, TwoFactorEnrolmentView } from '../../../../src/modules/accounts/security.contract';

/**
 * Adding an authenticator app: the secret as a QR code and as text (fetched when shown: each visit starts the
 * enrolment again, replacing one not confirmed), then the first code turns two-step verification on. Used by the
 * security page and by the sign-in of an administrator the company requires it of.
 */
export function TwoFactorEnrol({ onEnabled }: { onEnabled: (recoveryCodes: string[]) => void }) {
  const t = useT();
  const [form] = Form.useForm<{ code: string }>();
  const [errors, setErrors] = useState<string[]>([]);
  const enrolment = useQuery({
    queryKey: ['accounts', 'two-factor', 'enrolment'],
    queryFn: () => api.post<TwoFactorEnrolmentView>('/api/v1/auth/two-factor/enrol'),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const confirm = useMutation({
    mutationFn: (code: string) => api.post<RecoveryCodesView>('/api/v1/auth/two-factor/confirm', { code }),
    onSuccess: (r) => onEnabled(r.recoveryCodes),
    onError: (err) => setErrors(applyServerErrors(form, err)),
  });

  if (enrolment.isPending) return <Loading />;
  if (enrolment.error) return <ErrorAlert error={enrolment.error} onRetry={() => void enrolment.refetch()} />;
  const { qr, secret } = enrolment.data;
  return (
    <div data-testid="two-factor-enrol">
      <Typography.Paragraph strong>{t('security.enrol.scan')}</Typography.Paragraph>
      <img src={qr} alt="QR" width={180} height={180} data-testid="two-factor-qr" style={{ display: 'block', marginBottom: 8 }} />
      <Typography.Paragraph type="secondary">
        {t('security.enrol.manual')}{' '}
        <Typography.Text code copyable={{ text: secret }}>
          <span data-testid="two-factor-secret">{secret}</span>
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph strong>{t('security.enrol.enterCode')}</Typography.Paragraph>
      {errors.length ? <Alert type="error" showIcon title={errors.join('；')} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="inline" onFinish={(v) => confirm.mutate(v.code.trim())} requiredMark={false}>
        <Form.Item name="code" label={t('security.code')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('security.code') }) }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ width: 140 }} data-testid="two-factor-code" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={confirm.isPending}>
          {t('security.enrol.confirm')}
        </Button>
      </Form>
    </div>
  );
}

/** The recovery codes, shown once: copy them, then confirm they are kept. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const copy = () => {
    void navigator.clipboard?.writeText(codes.join('\n')).then(() => message.success(t('security.recovery.copied')));
  };
  return (
    <div data-testid="recovery-codes">
      <Alert type="warning" showIcon title={t('security.recovery.title')} description={t('security.recovery.intro')} style={{ marginBottom: 12 }} />
      <ul style={{ columns: 2, fontFamily: 'monospace', fontSize: 15, listStyle: 'none', padding: 0, maxWidth: 420 }}>
        {codes.map((c) => (
          <li key={c} data-testid="recovery-code">
            {c}
          </li>
        ))}
      </ul>
      <Space>
        <Button onClick={copy}>{t('security.recovery.copy')}</Button>
        <Button type="primary" onClick={onDone}>
          {t('security.recovery.saved')}
        </Button>
      </Space>
    </div>
  );
}
