import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Button, Checkbox, Divider, Form, Input, Radio, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { SETUP_KEY, useAuth, useSetupStatus } from '../../platform/auth';
import { startDemo } from '../demo';
import { applyServerErrors } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { AuthLayout } from '../../platform/layout/AuthLayout';
import { Loading, FormErrors } from '../../platform/ui';

type Values = {
  companyName: string;
  template: 'blank' | 'heating';
  username: string;
  displayName: string;
  password: string;
  confirm: string;
  mobile?: string;
  demo?: boolean;
};

/** First run: the company, an industry template and the first administrator. */
export function SetupPage() {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const status = useSetupStatus();
  const { signIn } = useAuth();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  if (status.isPending) return <Loading />;
  if (status.data && !status.data.needed && !done) return <Navigate to="/login" replace />;

  const submit = async (v: Values) => {
    setBusy(true);
    setErrors([]);
    try {
      await api.post('/api/v1/setup', {
        companyName: v.companyName,
        template: v.template,
        admin: { username: v.username, displayName: v.displayName, password: v.password, mobile: v.mobile?.trim() || undefined },
      });
      setDone(true);
      qc.setQueryData(SETUP_KEY, { needed: false, companyName: v.companyName });
      if (v.demo) {
        // Sign the new administrator in and start the demo load; the customer list shows its progress.
        await signIn(v.username, v.password);
        await startDemo(50_000);
        void navigate('/customers', { replace: true });
        return;
      }
      void navigate('/login', { replace: true, state: { notice: 'setup' } });
    } catch (err) {
      setErrors(applyServerErrors(form, err, { 'admin.username': 'username', 'admin.displayName': 'displayName', 'admin.password': 'password', 'admin.mobile': 'mobile' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('setup.title')} subtitle={t('setup.intro')} width={520}>
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ template: 'heating' }} requiredMark="optional">
        <Typography.Title level={5}>{t('setup.company')}</Typography.Title>
        <Form.Item name="companyName" label={t('setup.companyName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('setup.companyName') }) }]}>
          <Input maxLength={100} autoFocus />
        </Form.Item>
        <Form.Item name="template" label={t('setup.template')}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="blank">
                {t('setup.template.blank')} <Typography.Text type="secondary">— {t('setup.template.blank.hint')}</Typography.Text>
              </Radio>
              <Radio value="heating">
                {t('setup.template.heating')} <Typography.Text type="secondary">— {t('setup.template.heating.hint')}</Typography.Text>
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="demo" valuePropName="checked" extra={t('demo.setupHint')}>
          <Checkbox>{t('demo.setupOption')}</Checkbox>
        </Form.Item>
        <Divider />
        <Typography.Title level={5}>{t('setup.admin')}</Typography.Title>
        <Form.Item name="username" label={t('setup.username')} extra={t('setup.usernameHint')} rules={[{ required: true, message: t('common.required', { field: t('setup.username') }) }]}>
          <Input maxLength={32} autoComplete="username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('setup.displayName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('setup.displayName') }) }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="password" label={t('setup.password')} extra={t('setup.passwordHint')} rules={[{ required: true, message: t('common.required', { field: t('setup.password') }) }]}>
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('setup.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('common.required', { field: t('setup.confirm') }) },
            ({ getFieldValue }) => ({
              validator: (_, value) => (!value || getFieldValue('password') === value ? Promise.resolve() : Promise.reject(new Error(t('setup.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Form.Item name="mobile" label={t('setup.mobile')}>
          <Input maxLength={32} inputMode="tel" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
