import { useState } from 'react';
import { App, Button, Card, Form, Input, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth, type Company } from '../../platform/auth';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader, FormErrors } from '../../platform/ui';
import { DemoCard } from '../demo';

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Urumqi', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'UTC'];

const CURRENCY_CODES = ['CNY', 'USD', 'EUR', 'HKD', 'GBP'] as const;

/** Company name, display time zone and currency (settings:manage). */
export function SettingsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { refresh } = useAuth();
  const [form] = Form.useForm<Pick<Company, 'companyName' | 'timezone' | 'currency'>>();
  const [errors, setErrors] = useState<string[]>([]);
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.get<Company>('/api/v1/settings') });
  const save = useMutation({
    mutationFn: (v: Pick<Company, 'companyName' | 'timezone' | 'currency'>) => api.patch<Company>('/api/v1/settings', v),
    onSuccess: () => {
      message.success(t('common.saved'));
      setErrors([]);
      void refresh();
    },
    onError: (err) => setErrors(applyServerErrors(form, err)),
  });

  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  const template = settings.data.template === 'heating' ? t('setup.template.heating') : t('setup.template.blank');

  return (
    <>
      <PageHeader title={t('settings.title')} />
      <Card style={{ maxWidth: 560 }}>
        <FormErrors errors={errors} />
        <Form form={form} layout="vertical" initialValues={settings.data} onFinish={(v) => save.mutate(v)}>
          <Form.Item name="companyName" label={t('settings.companyName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('settings.companyName') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="timezone" label={t('settings.timezone')} extra={t('settings.timezoneHint')}>
            <Select showSearch options={ZONES.map((z) => ({ value: z, label: z }))} />
          </Form.Item>
          <Form.Item name="currency" label={t('settings.currency')} extra={t('settings.currencyHint')}>
            <Select options={CURRENCY_CODES.map((c) => ({ value: c, label: t(`settings.currency.${c}`) }))} data-testid="settings-currency" />
          </Form.Item>
          <Form.Item label={t('settings.template')} htmlFor="settings-template">
            <Input id="settings-template" value={template} disabled />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
      <DemoCard />
    </>
  );
}
