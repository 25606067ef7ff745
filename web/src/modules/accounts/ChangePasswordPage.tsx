import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { api } from '../../platform/api';
import { applyServerErrors } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { PageHeader, FormErrors } from '../../platform/ui';

type Values = { currentPassword: string; newPassword: string; confirm: string };

/** Change my own password; the server ends my other sessions. */
export function ChangePasswordPage() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [done, setDone] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setErrors([]);
    setDone(false);
    try {
      await api.post('/api/v1/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      setDone(true);
      message.success(t('password.changed'));
    } catch (err) {
      setErrors(applyServerErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('password.title')} />
      <Card style={{ maxWidth: 480 }}>
        {done ? <Alert type="success" showIcon title={t('password.changed')} style={{ marginBottom: 16 }} /> : null}
        <FormErrors errors={errors} />
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}>
            <Input.Password autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Form.Item name="newPassword" label={t('password.new')} extra={t('setup.passwordHint')} rules={[{ required: true, message: t('common.required', { field: t('password.new') }) }]}>
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('common.required', { field: t('password.confirm') }) },
              ({ getFieldValue }) => ({
                validator: (_, value) => (!value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error(t('setup.mismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
