import { useState } from 'react';
import { App, Checkbox, Form, InputNumber, Radio, Select, Space } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { useDebounced } from '../../platform/useDebounced';
import { useTemplates } from '../messages';
import { useSegments } from '../segments';
import { SEND_CHANNELS, surveyKeys, useCustomerSearch, type SendChannel, type SurveySendView, type SurveyView } from './api';

type Audience = 'segment' | 'list' | 'customer';
type Values = {
  audience: Audience;
  segmentId?: string;
  listId?: string;
  customerId?: string;
  channel: SendChannel;
  templateId?: string | null;
  sampleMode: 'all' | 'share' | 'size';
  sharePct?: number | null;
  size?: number | null;
  dryRun?: boolean;
};

function CustomerPicker({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const t = useT();
  const [q, setQ] = useState('');
  const found = useCustomerSearch(useDebounced(q, 300));
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      loading={found.isFetching}
      placeholder={t('surveys.send.customerSearch')}
      aria-label={t('surveys.send.customer')}
      options={(found.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
      data-testid="send-customer"
    />
  );
}

/** The request body from the form (a sample's share in percent → 0–1). */
function toBody(v: Values) {
  const audience = v.audience === 'segment' ? { segmentId: v.segmentId } : v.audience === 'list' ? { segmentId: v.listId } : { customerId: v.customerId };
  const sample = v.sampleMode === 'share' && v.sharePct ? { share: Math.round(v.sharePct * 100) / 10000 } : v.sampleMode === 'size' && v.size ? { size: v.size } : undefined;
  return { ...audience, channel: v.channel, ...(v.templateId ? { templateId: v.templateId } : {}), ...(sample ? { sample } : {}), ...(v.dryRun ? { dryRun: true } : {}) };
}

/** 发放问卷: to a segment, a static list or one customer, on a channel; a sample; a dry run counts only. */
export function SendDialog({ survey, onClose }: { survey: SurveyView; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const audience = Form.useWatch('audience', form) ?? 'segment';
  const channel = Form.useWatch('channel', form) ?? 'sms';
  const sampleMode = Form.useWatch('sampleMode', form) ?? 'all';
  const segments = useSegments({ kind: 'dynamic' }, 100);
  const lists = useSegments({ kind: 'static' }, 100);
  const templates = useTemplates();
  const segOptions = (page: typeof segments) => (page.data?.items ?? []).map((s) => ({ value: s.id, label: t('surveys.send.segmentOption', { name: s.name, n: s.memberCount }) }));
  const required = (field: string) => [{ required: true, message: t('common.required', { field }) }];
  return (
    <FormDialog<Values, SurveySendView>
      title={t('surveys.send.title')}
      okText={t('surveys.send.ok')}
      form={form}
      width={560}
      initialValues={{ audience: 'segment', channel: 'sms', sampleMode: 'all', dryRun: false }}
      submit={(v) => api.post<SurveySendView>(`/api/v1/surveys/${survey.id}/sends`, toBody(v))}
      onSaved={(s) => {
        message.success(s.dryRun ? t('surveys.send.dryStarted') : t('surveys.send.started'));
        void qc.invalidateQueries({ queryKey: surveyKeys.sends(survey.id) });
      }}
      errorFields={(f) => (f === 'segmentId' ? (audience === 'list' ? 'listId' : 'segmentId') : f.startsWith('sample') ? 'sampleMode' : f)}
      onClose={onClose}
      formProps={{ 'data-testid': 'send-form' }}
    >
      <Form.Item name="audience" label={t('surveys.send.audience')}>
        <Radio.Group data-testid="send-audience">
          {(['segment', 'list', 'customer'] as const).map((a) => (
            <Radio.Button key={a} value={a}>
              {t(`surveys.send.audience.${a}`)}
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {audience === 'segment' ? (
        <Form.Item name="segmentId" label={t('surveys.send.segment')} rules={required(t('surveys.send.segment'))}>
          <Select showSearch={{ optionFilterProp: 'label' }} loading={segments.isPending} options={segOptions(segments)} aria-label={t('surveys.send.segment')} data-testid="send-segment" />
        </Form.Item>
      ) : audience === 'list' ? (
        <Form.Item name="listId" label={t('surveys.send.list')} rules={required(t('surveys.send.list'))}>
          <Select showSearch={{ optionFilterProp: 'label' }} loading={lists.isPending} options={segOptions(lists)} aria-label={t('surveys.send.list')} data-testid="send-list" />
        </Form.Item>
      ) : (
        <Form.Item name="customerId" label={t('surveys.send.customer')} rules={required(t('surveys.send.customer'))}>
          <CustomerPicker />
        </Form.Item>
      )}
      <Form.Item name="channel" label={t('surveys.send.channel')}>
        <Radio.Group data-testid="send-channel" onChange={() => form.setFieldValue('templateId', null)}>
          {SEND_CHANNELS.map((c) => (
            <Radio.Button key={c} value={c}>
              {t(`surveys.channel.${c}`)}
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      <Form.Item name="templateId" label={t('surveys.send.template')} extra={t('surveys.send.templateHint')}>
        <Select
          allowClear
          loading={templates.isPending}
          placeholder={t('surveys.send.templateDefault')}
          aria-label={t('surveys.send.template')}
          options={(templates.data ?? []).filter((x) => x.channel === channel).map((x) => ({ value: x.id, label: x.name }))}
          data-testid="send-template"
        />
      </Form.Item>
      <Form.Item label={t('surveys.send.sample')}>
        <Space wrap>
          <Form.Item name="sampleMode" noStyle>
            <Radio.Group data-testid="send-sample">
              {(['all', 'share', 'size'] as const).map((m) => (
                <Radio key={m} value={m}>
                  {t(`surveys.send.sample.${m}`)}
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          {sampleMode === 'share' ? (
            <Form.Item name="sharePct" noStyle rules={required(t('surveys.send.sample'))}>
              <InputNumber min={0.01} max={100} suffix="%" style={{ width: 120 }} data-testid="send-share" />
            </Form.Item>
          ) : sampleMode === 'size' ? (
            <Form.Item name="size" noStyle rules={required(t('surveys.send.sample'))}>
              <InputNumber min={1} precision={0} style={{ width: 140 }} data-testid="send-size" />
            </Form.Item>
          ) : null}
        </Space>
      </Form.Item>
      <Form.Item name="dryRun" valuePropName="checked" extra={t('surveys.send.dryRunHint')}>
        <Checkbox data-testid="send-dry-run">{t('surveys.send.dryRun')}</Checkbox>
      </Form.Item>
    </FormDialog>
  );
}
