import { useState } from 'react';
import { Button, Checkbox, DatePicker, Form, Input, Radio, Select } from 'antd';
import { DownOutlined, UpOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { inZone, zonedIso } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, type InteractionChannel, type InteractionDirection, type InteractionView, type LogInteraction } from './api';

type Values = {
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt?: Dayjs | null;
  summary: string;
  content?: string;
  outcome?: string;
  nextStep?: string;
  asFeedback?: boolean;
};

const DEFAULTS: Partial<Values> = { channel: 'call', direction: 'outbound', occurredAt: null, asFeedback: false };

/**
 * 记录沟通: a call, outbound, now — so typing the one-sentence summary and pressing 保存 (or Enter) is enough. The
 * time, details, outcome and next step are there for when they matter.
 */
export function LogInteractionForm({
  customerId,
  open,
  onClose,
  onSaved,
}: {
  customerId: string;
  open: boolean;
  onClose: () => void;
  onSaved: (i: InteractionView) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [more, setMore] = useState(false);

  const now = inZone(new Date().toISOString());
  return (
    <FormDialog
      open={open}
      title={t('interactions.logTitle')}
      width={560}
      form={form}
      initialValues={DEFAULTS}
      formProps={{ 'data-testid': 'interaction-form' }}
      modalProps={{
        afterOpenChange: (visible) => {
          if (visible) form.getFieldInstance('summary')?.focus?.();
        },
      }}
      submit={(v: Values) => {
        const body: LogInteraction = {
          channel: v.channel,
          direction: v.direction,
          summary: v.summary.trim(),
          content: v.content?.trim() || null,
          outcome: v.outcome?.trim() || null,
          nextStep: v.nextStep?.trim() || null,
          ...(v.asFeedback ? { asFeedback: true } : {}),
        };
        // Left empty, the time is "now" on the server.
        if (v.occurredAt) body.occurredAt = zonedIso(v.occurredAt);
        return api.post<InteractionView>(`/api/v1/customers/${customerId}/interactions`, body);
      }}
      onSaved={(saved) => {
        setMore(false);
        onSaved(saved);
      }}
      onFailed={() => {
        if (form.getFieldError('content').length || form.getFieldError('outcome').length || form.getFieldError('nextStep').length) setMore(true);
      }}
      onClose={onClose}
    >
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        <Form.Item name="channel" label={t('interactions.channel')} style={{ minWidth: 140, flex: '1 1 140px' }}>
          <Select options={INTERACTION_CHANNELS.map((c) => ({ value: c, label: t(`interactions.channel.${c}`) }))} />
        </Form.Item>
        <Form.Item name="direction" label={t('interactions.direction')} style={{ flex: '0 0 auto' }}>
          <Radio.Group optionType="button" options={[...INTERACTION_DIRECTIONS].reverse().map((d) => ({ value: d, label: t(`interactions.direction.${d}`) }))} />
        </Form.Item>
        <Form.Item name="occurredAt" label={t('interactions.occurredAt')} style={{ minWidth: 180, flex: '1 1 180px' }}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            placeholder={t('interactions.now')}
            style={{ width: '100%' }}
            disabledDate={(d) => d.format('YYYY-MM-DD') > now.format('YYYY-MM-DD')}
          />
        </Form.Item>
      </div>
      <Form.Item name="summary" label={t('interactions.summary')} rules={[{ required: true, whitespace: true, message: t('interactions.summaryRequired') }]}>
        <Input placeholder={t('interactions.summaryPlaceholder')} maxLength={200} showCount onPressEnter={(e) => {
            e.preventDefault();
            form.submit();
          }} autoComplete="off" />
      </Form.Item>
      <Form.Item name="asFeedback" valuePropName="checked" style={{ marginBottom: 4 }} extra={t('interactions.asFeedbackHint')}>
        <Checkbox data-testid="interaction-as-feedback">{t('interactions.asFeedback')}</Checkbox>
      </Form.Item>
      <Button type="link" size="small" style={{ paddingInline: 0, marginBottom: more ? 12 : 0 }} onClick={() => setMore((m) => !m)} icon={more ? <UpOutlined /> : <DownOutlined />}>
        {t('interactions.more')}
      </Button>
      <div style={{ display: more ? 'block' : 'none' }}>
        <Form.Item name="content" label={t('interactions.content')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={5000} />
        </Form.Item>
        <Form.Item name="outcome" label={t('interactions.outcome')}>
          <Input placeholder={t('interactions.outcomePlaceholder')} maxLength={200} />
        </Form.Item>
        <Form.Item name="nextStep" label={t('interactions.nextStep')}>
          <Input maxLength={500} />
        </Form.Item>
      </div>
    </FormDialog>
  );
}
