import { useState } from 'react';
import { App, Button, Card, Flex, Form, Input, Select, Typography, Upload } from 'antd';
import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth, type Company } from '../../platform/auth';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader, FormErrors } from '../../platform/ui';
import { DemoCard } from '../demo';

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Urumqi', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'UTC'];

const CURRENCY_CODES = ['CNY', 'USD', 'EUR', 'HKD', 'GBP'] as const;

type Editable = Pick<Company, 'companyName' | 'timezone' | 'currency' | 'hotline'>;

/** The file as a data URL (what PUT /settings/logo takes). */
const dataUrlOf = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });

/** The logo the public pages show: upload (PNG, JPEG or WebP up to 128 KB; the server checks), preview, remove. */
function LogoField({ logoUrl, onChanged }: { logoUrl: string | null; onChanged: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const upload = useMutation({
    mutationFn: async (file: File) => api.put<{ logoUrl: string }>('/api/v1/settings/logo', { dataUrl: await dataUrlOf(file) }),
    onSuccess: () => {
      message.success(t('common.saved'));
      onChanged();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: () => api.delete('/api/v1/settings/logo'),
    onSuccess: () => onChanged(),
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Form.Item label={t('settings.logo')} extra={t('settings.logoHint')}>
      <Flex align="center" gap={12} wrap>
        {logoUrl ? <img src={logoUrl} alt={t('settings.logo')} width={48} height={48} style={{ objectFit: 'contain', border: '1px solid #f0f0f0', borderRadius: 6 }} data-testid="logo-preview" /> : <Typography.Text type="secondary">{t('settings.noLogo')}</Typography.Text>}
        <Upload
          accept="image/png,image/jpeg,image/webp"
          showUploadList={false}
          beforeUpload={(file) => {
            upload.mutate(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={upload.isPending} data-testid="logo-upload">
            {t('settings.uploadLogo')}
          </Button>
        </Upload>
        {logoUrl ? (
          <Button icon={<DeleteOutlined />} loading={remove.isPending} onClick={() => remove.mutate()}>
            {t('settings.removeLogo')}
          </Button>
        ) : null}
      </Flex>
    </Form.Item>
  );
}

/** Company name, display time zone and currency (settings:manage). */
export function SettingsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { refresh } = useAuth();
  const [form] = Form.useForm<Editable>();
  const [errors, setErrors] = useState<string[]>([]);
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.get<Company>('/api/v1/settings') });
  const save = useMutation({
    mutationFn: (v: Editable) => api.patch<Company>('/api/v1/settings', { ...v, hotline: v.hotline?.trim() || null }),
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
          <Form.Item name="hotline" label={t('settings.hotline')} extra={t('settings.hotlineHint')}>
            <Input maxLength={32} inputMode="tel" placeholder="0451-12345678" />
          </Form.Item>
          <LogoField logoUrl={settings.data.logoUrl ?? null} onChanged={() => void settings.refetch()} />
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
