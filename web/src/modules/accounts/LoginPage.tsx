import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { errorMessage } from '../../platform/api';
import { useAuth, useSetupStatus } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { AuthLayout } from '../../platform/layout/AuthLayout';
import { Loading } from '../../platform/ui';

type LocationState = { from?: string; notice?: 'setup' | 'signedOut' } | null;

/** Sign-in by username or mobile; shows the server's message (wrong password, locked for N minutes). */
export function LoginPage() {
  const t = useT();
  const { me, loading, signIn } = useAuth();
  const setup = useSetupStatus();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as LocationState;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sessionLost] = useState(() => sessionStorage.getItem('hearth.sessionLost') === '1');
  useEffect(() => sessionStorage.removeItem('hearth.sessionLost'), []);

  if (loading || setup.isPending) return <Loading />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (me) return <Navigate to={state?.from ?? '/'} replace />;

  const submit = async (v: { login: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(v.login.trim(), v.password);
      void navigate(state?.from ?? '/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

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
