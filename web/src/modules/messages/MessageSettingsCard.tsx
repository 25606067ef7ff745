import { useState } from 'react';
import { App, Button, Card, Col, Divider, Form, Input, InputNumber, Row, Select, Switch, TimePicker, Typography, type FormInstance } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT, type MessageKey, type Translate } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading, PageHeader } from '../../platform/ui';
import { EMAIL_ADAPTERS, MESSAGE_CHANNELS, SMS_ADAPTERS, WECHAT_ADAPTERS, messageKeys, useMessageSettings, type MessageSettingsView } from './api';

type Values = {
  publicUrl?: string | null;
  weeklyCap: number;
  quiet: { start: Dayjs; end: Dayjs; channels: MessageSettingsView['quietHours']['channels'] };
  retry: MessageSettingsView['retry'];
  email: Omit<MessageSettingsView['email'], 'passwordSet'> & { password?: string };
  sms: Omit<MessageSettingsView['sms'], 'accessKeySecretSet' | 'inboundKeySet'> & { accessKeySecret?: string; inboundKey?: string };
  wechat: Omit<MessageSettingsView['wechat'], 'appSecretSet'> & { appSecret?: string };
};

/** The view's `…Set` flags are not settings: they are left out of what the form sends back. */
function withoutFlags<T extends object>(section: T): T {
  return Object.fromEntries(Object.entries(section).filter(([k]) => !k.endsWith('Set'))) as T;
}

const empty = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);
/** Secrets are only sent when typed: an empty box keeps the stored one. */
const secret = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

const secretHintOf = (t: Translate, set: boolean) => (set ? t('msg.settings.secretSet') : t('msg.settings.secretUnset'));
const adapterOptionsOf = (t: Translate, list: readonly string[]) => list.map((a) => ({ value: a, label: t(`msg.settings.adapter.${a}` as MessageKey) }));

/** 常规: the public address, the weekly limit, quiet hours and retries. */
function GeneralSection() {
  const t = useT();
  return (
    <>
    <Divider titlePlacement="start">{t('msg.settings.general')}</Divider>
    <Form.Item name="publicUrl" label={t('msg.settings.publicUrl')} extra={t('msg.settings.publicUrlHint')}>
      <Input placeholder="https://crm.example.com" maxLength={300} />
    </Form.Item>
    <Row gutter={12}>
      <Col xs={24} sm={8}>
        <Form.Item name="weeklyCap" label={t('msg.settings.weeklyCap')}>
          <InputNumber min={1} max={100} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={12} sm={8}>
        <Form.Item name={['quiet', 'start']} label={t('msg.settings.quietStart')}>
          <TimePicker format="HH:mm" allowClear={false} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={12} sm={8}>
        <Form.Item name={['quiet', 'end']} label={t('msg.settings.quietEnd')}>
          <TimePicker format="HH:mm" allowClear={false} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
    </Row>
    <Form.Item name={['quiet', 'channels']} label={t('msg.settings.quietChannels')} extra={t('msg.settings.quietHint')}>
      <Select mode="multiple" options={MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`msg.channel.${c}`) }))} />
    </Form.Item>
    <Row gutter={12}>
      <Col xs={24} sm={8}>
        <Form.Item name={['retry', 'maxAttempts']} label={t('msg.settings.maxAttempts')}>
          <InputNumber min={1} max={20} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={12} sm={8}>
        <Form.Item name={['retry', 'baseMinutes']} label={t('msg.settings.baseMinutes')}>
          <InputNumber min={0.1} max={1440} step={1} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col xs={12} sm={8}>
        <Form.Item name={['retry', 'factor']} label={t('msg.settings.factor')}>
          <InputNumber min={1} max={10} step={1} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
    </Row>
    </>
  );
}

/** 邮件: the adapter and, for SMTP, server and sender (the password write-only). */
function EmailSection({ form, passwordSet }: { form: FormInstance<Values>; passwordSet: boolean }) {
  const t = useT();
  const emailAdapter = Form.useWatch(['email', 'adapter'], form);
  const secretHint = (set: boolean) => secretHintOf(t, set);
  return (
    <>
    <Divider titlePlacement="start">{t('msg.channel.email')}</Divider>
    <Form.Item name={['email', 'adapter']} label={t('msg.settings.adapter')}>
      <Select options={adapterOptionsOf(t, EMAIL_ADAPTERS)} />
    </Form.Item>
    {emailAdapter === 'smtp' ? (
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name={['email', 'host']} label={t('msg.settings.host')}>
            <Input placeholder="smtp.example.com" />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name={['email', 'port']} label={t('msg.settings.port')}>
            <InputNumber min={1} max={65535} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name={['email', 'secure']} label={t('msg.settings.secure')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name={['email', 'user']} label={t('msg.settings.user')}>
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name={['email', 'password']} label={t('msg.settings.password')} extra={secretHint(passwordSet)}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name={['email', 'fromAddress']} label={t('msg.settings.fromAddress')}>
            <Input placeholder="service@example.com" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name={['email', 'fromName']} label={t('msg.settings.fromName')}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
    ) : null}
    </>
  );
}

/** Saving the settings: blank texts as null, secrets only when typed; the secret boxes emptied after. */
function useSaveSettings(form: FormInstance<Values>, setErrors: (errors: string[]) => void) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: Values) =>
      api.patch<MessageSettingsView>('/api/v1/message-settings', {
        publicUrl: empty(v.publicUrl),
        weeklyCap: v.weeklyCap,
        quietHours: { start: v.quiet.start.format('HH:mm'), end: v.quiet.end.format('HH:mm'), channels: v.quiet.channels },
        retry: v.retry,
        email: { ...v.email, host: empty(v.email.host), user: empty(v.email.user), fromAddress: empty(v.email.fromAddress), fromName: empty(v.email.fromName), password: secret(v.email.password) },
        sms: {
          ...v.sms,
          baseUrl: empty(v.sms.baseUrl),
          accessKeyId: empty(v.sms.accessKeyId),
          signName: empty(v.sms.signName),
          templateCode: empty(v.sms.templateCode),
          accessKeySecret: secret(v.sms.accessKeySecret),
          inboundKey: secret(v.sms.inboundKey),
        },
        wechat: { ...v.wechat, baseUrl: empty(v.wechat.baseUrl), appId: empty(v.wechat.appId), templateId: empty(v.wechat.templateId), appSecret: secret(v.wechat.appSecret) },
      }),
    onSuccess: (saved) => {
      message.success(t('common.saved'));
      setErrors([]);
      qc.setQueryData(messageKeys.settings, saved);
      form.setFieldsValue({ email: { password: '' }, sms: { accessKeySecret: '', inboundKey: '' }, wechat: { appSecret: '' } } as Partial<Values>);
    },
    onError: (err) =>
      setErrors(
        applyServerErrors(form, err, (f) =>
          f.startsWith('quietHours.') ? `quiet.${f.slice('quietHours.'.length)}` : f,
        ),
      ),
  });
}

/**
 * 消息渠道 in 公司设置 (administrators): which adapter each channel uses and its credentials (secrets are write-only:
 * the server says only whether one is set), quiet hours, the weekly limit and retries.
 */
export function MessageSettingsCard() {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const settings = useMessageSettings();
  const smsAdapter = Form.useWatch(['sms', 'adapter'], form);
  const wechatAdapter = Form.useWatch(['wechat', 'adapter'], form);
  const save = useSaveSettings(form, setErrors);

  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  const initial: Values = {
    publicUrl: s.publicUrl,
    weeklyCap: s.weeklyCap,
    quiet: { start: dayjs(`2000-01-01T${s.quietHours.start}`), end: dayjs(`2000-01-01T${s.quietHours.end}`), channels: s.quietHours.channels },
    retry: s.retry,
    email: { ...withoutFlags(s.email), password: '' },
    sms: { ...withoutFlags(s.sms), accessKeySecret: '', inboundKey: '' },
    wechat: { ...withoutFlags(s.wechat), appSecret: '' },
  };
  const secretHint = (set: boolean) => secretHintOf(t, set);
  const adapterOptions = (list: readonly string[]) => adapterOptionsOf(t, list);
  const origin = s.publicUrl ?? window.location.origin;

  return (
    <Card style={{ maxWidth: 760 }} data-testid="message-settings">
      <Typography.Paragraph type="secondary">{t('msg.settings.hint')}</Typography.Paragraph>
      <FormErrors errors={errors} />
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={() => save.mutate(form.getFieldsValue(true) as Values)}>
        <GeneralSection />

        <EmailSection form={form} passwordSet={s.email.passwordSet} />

        <Divider titlePlacement="start">{t('msg.channel.sms')}</Divider>
        <Form.Item name={['sms', 'adapter']} label={t('msg.settings.adapter')}>
          <Select options={adapterOptions(SMS_ADAPTERS)} />
        </Form.Item>
        {smsAdapter === 'aliyun' ? (
          <Row gutter={12}>
            <Col xs={24}>
              <Form.Item name={['sms', 'baseUrl']} label={t('msg.settings.baseUrl')} extra={t('msg.settings.baseUrlHint')}>
                <Input placeholder="https://dysmsapi.aliyuncs.com" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['sms', 'accessKeyId']} label={t('msg.settings.accessKeyId')}>
                <Input autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['sms', 'accessKeySecret']} label={t('msg.settings.accessKeySecret')} extra={secretHint(s.sms.accessKeySecretSet)}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['sms', 'signName']} label={t('msg.settings.signName')}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['sms', 'templateCode']} label={t('msg.settings.templateCode')}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
        ) : null}
        <Form.Item
          name={['sms', 'inboundKey']}
          label={t('msg.settings.inboundKey')}
          extra={`${secretHint(s.sms.inboundKeySet)} · ${t('msg.settings.inboundHint', { url: `${origin}/api/v1/messages/inbound/sms?key=…` })}`}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>

        <Divider titlePlacement="start">{t('msg.channel.wechat')}</Divider>
        <Form.Item name={['wechat', 'adapter']} label={t('msg.settings.adapter')}>
          <Select options={adapterOptions(WECHAT_ADAPTERS)} />
        </Form.Item>
        {wechatAdapter === 'wechat_mp' ? (
          <Row gutter={12}>
            <Col xs={24}>
              <Form.Item name={['wechat', 'baseUrl']} label={t('msg.settings.baseUrl')} extra={t('msg.settings.baseUrlHint')}>
                <Input placeholder="https://api.weixin.qq.com" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['wechat', 'appId']} label={t('msg.settings.appId')}>
                <Input autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['wechat', 'appSecret']} label={t('msg.settings.appSecret')} extra={secretHint(s.wechat.appSecretSet)}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={['wechat', 'templateId']} label={t('msg.settings.templateId')}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6}>
              <Form.Item name={['wechat', 'openIdField']} label={t('msg.settings.openIdField')}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6}>
              <Form.Item name={['wechat', 'contentKey']} label={t('msg.settings.contentKey')}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
        ) : null}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** 消息渠道 (administrators), next to 公司设置 in 系统管理. */
export function MessageSettingsPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('msg.settings.title')} />
      <MessageSettingsCard />
    </>
  );
}
