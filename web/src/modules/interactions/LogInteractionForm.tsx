import { useState } from 'react';
import { Button, DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import { DownOutlined, UpOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { inZone, zonedIso } from '../../platform/format';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { FormErrors } from '../../platform/ui';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, type InteractionChannel, type InteractionDirection, type InteractionView, type LogInteraction } from './api';

type Values = {
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt?: Dayjs | null;
  summary: string;
  content?: string;
  outcome?: string;
  nextStep?: string;
};

const DEFAULTS: Partial<Values> = { channel: 'call', direction: 'outbound', occurredAt: null };

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
  const [errors, setErrors] = useState<string[]>([]);
  const [more, setMore] = useState(false);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body: LogInteraction = {
        channel: v.channel,
        direction: v.direction,
        summary: v.summary.trim(),
        content: v.content?.trim() || null,
        outcome: v.outcome?.trim() || null,
        nextStep: v.nextStep?.trim() || null,
      };
      // Left empty, the time is "now" on the server.
      if (v.occurredAt) body.occurredAt = zonedIso(v.occurredAt);
      return api.post<InteractionView>(`/api/v1/customers/${customerId}/interactions`, body);
    },
    onSuccess: (saved) => {
      setErrors([]);
      form.resetFields();
      setMore(false);
      onSaved(saved);
    },
    onError: (err) => {
      const left = applyServerErrors(form, err);
      if (form.getFieldError('content').length || form.getFieldError('outcome').length || form.getFieldError('nextStep').length) setMore(true);
      setErrors(left);
    },
  });

  const now = inZone(new Date().toISOString());
  return (
    <Modal
      open={open}
      title={t('interactions.logTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) form.getFieldInstance('summary')?.focus?.();
      }}
      width={560}
    >
      <FormErrors errors={errors} />
      <Form<Values> form={form} layout="vertical" initialValues={DEFAULTS} onFinish={(v) => save.mutate(v)} data-testid="interaction-form">
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
      </Form>
    </Modal>
  );
}
