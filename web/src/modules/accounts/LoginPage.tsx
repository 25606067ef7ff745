import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage, setCsrfToken } from '../../platform/api';
import { useAuth, useSetupStatus } from '../../platform/auth';
import { applyServerErrors } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { AuthLayout } from '../../platform/layout/AuthLayout';
import { Loading } from '../../platform/ui';
import { RecoveryCodes, TwoFactorEnrol } from './TwoFactorEnrol';
import type { PendingSignInView } from '../../../../src/modules/accounts/security.contract';

type LocationState = { from?: string; notice?: 'setup' | 'signedOut' } | null;
/** Where the sign-in is: the password, the authenticator's code, enrolling one (required), the new recovery codes. */
type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'enrol' } | { kind: 'codes'; codes: string[] };

/**
 * A reload on the code (or enrolment) step keeps it: the half-finished sign-in is the server's pending session (its
 * cookie survives the reload), so the page asks the server where it stands instead of keeping a copy in the browser —
 * the server's answer cannot outlive the session (expired after its minutes, ended by a lock or a sign-out elsewhere),
 * and it brings back the session's CSRF token, which the code's POST needs and which lived only in memory.
 */
async function fetchPending(): Promise<PendingSignInView> {
  const r = await api.get<PendingSignInView>('/api/v1/auth/two-factor/pending');
  if (r.csrfToken) setCsrfToken(r.csrfToken);
  return r;
}

/** The second step with the authenticator's code (or a recovery code). */
function CodeStep({ onDone, onBack }: { onDone: () => Promise<void>; onBack: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ code: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/two-factor/verify', { code: v.code.trim() });
      await onDone();
    } catch (err) {
      // A wrong code goes on the field; a lock or an ended sign-in is a banner.
      const left = applyServerErrors(form, err);
      setError(left.length ? left.join('；') : null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Alert type="info" showIcon title={t('login.twoFactor.intro')} style={{ marginBottom: 16 }} />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" data-testid="login-error" /> : null}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="code" label={t('security.code')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('security.code') }) }]}>
          <Input prefix={<SafetyOutlined />} inputMode="numeric" autoComplete="one-time-code" autoFocus maxLength={40} data-testid="login-code" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('login.twoFactor.submit')}
        </Button>
        <Button type="link" block onClick={onBack} style={{ marginTop: 8 }}>
          {t('login.twoFactor.back')}
        </Button>
      </Form>
    </>
  );
}

/** Sign-in by username or mobile; shows the server's message (wrong password, locked for N minutes); then, when enrolled, the code. */
export function LoginPage() {
  const t = useT();
  const { me, loading, signIn, completeSignIn } = useAuth();
  const setup = useSetupStatus();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as LocationState;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Null until the user moves on: the step the server's pending session says (after a reload), else the password.
  const [chosen, setStep] = useState<Step | null>(null);
  const pending = useQuery({ queryKey: ['auth', 'pending'], queryFn: fetchPending, enabled: !loading && !me, retry: false, staleTime: 0, gcTime: 0 });
  const [sessionLost] = useState(() => sessionStorage.getItem('hearth.sessionLost') === '1');
  useEffect(() => sessionStorage.removeItem('hearth.sessionLost'), []);

  if (loading || setup.isPending || (!me && !chosen && pending.isPending)) return <Loading />;
  const server = pending.data?.step;
  const step: Step = chosen ?? (server === 'code' ? { kind: 'code' } : server === 'enrol' ? { kind: 'enrol' } : { kind: 'password' });
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (me) return <Navigate to={state?.from ?? '/'} replace />;

  const finish = async () => {
    await completeSignIn();
    void navigate(state?.from ?? '/', { replace: true });
  };

  const submit = async (v: { login: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const next = await signIn(v.login.trim(), v.password);
      if (next === 'code') setStep({ kind: 'code' });
      else if (next === 'enrol') setStep({ kind: 'enrol' });
      else void navigate(state?.from ?? '/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (step.kind === 'code') {
    return (
      <AuthLayout title={t('login.twoFactor.title')} subtitle={setup.data?.companyName ?? t('login.subtitle')}>
        <CodeStep onDone={finish} onBack={() => setStep({ kind: 'password' })} />
      </AuthLayout>
    );
  }
  if (step.kind === 'enrol' || step.kind === 'codes') {
    return (
      <AuthLayout title={t('login.enrol.title')} subtitle={setup.data?.companyName ?? t('login.subtitle')} width={520}>
        {step.kind === 'enrol' ? (
          <>
            <Alert type="warning" showIcon title={t('security.enrol.required')} style={{ marginBottom: 16 }} />
            <TwoFactorEnrol onEnabled={(codes) => setStep({ kind: 'codes', codes })} />
          </>
        ) : (
          <RecoveryCodes codes={step.codes} onDone={() => void finish()} />
        )}
      </AuthLayout>
    );
  }

  const notice =
    state?.notice === 'setup' ? t('setup.done') : state?.notice === 'signedOut' ? t('login.signedOut') : sessionLost ? t('app.sessionLost') : null;

  return (
    <AuthLayout title={t('login.title')} subtitle={setup.data?.companyName ?? t('login.subtitle')}>
      {notice && !error ? <Alert type={state?.notice === 'setup' ? 'success' : 'info'} showIcon title={notice} style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" data-testid="login-error" /> : null}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="login" label={t('login.login')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('login.login') }) }]}>
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={64} />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('common.required', { field: t('login.password') }) }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('login.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
