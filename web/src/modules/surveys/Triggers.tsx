import { useState } from 'react';
import { App, Button, Card, Flex, Form, InputNumber, Select, Table, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { useTemplates } from '../messages';
import { SEND_CHANNELS, surveyKeys, TRIGGER_EVENTS, useTriggers, type SendChannel, type SurveyTriggerView, type SurveyView, type TriggerEvent } from './api';

type Row = { on: TriggerEvent; delayDays?: number | null; channel: SendChannel; templateId?: string | null; productIds?: string[] };
type Values = { items: Row[] };

function TriggerForm({ survey, items, onClose }: { survey: SurveyView; items: SurveyTriggerView[]; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const templates = useTemplates();
  return (
    <FormDialog<Values, { items: SurveyTriggerView[] }>
      title={t('surveys.triggers.title')}
      width={720}
      initialValues={{ items: items.map((x) => ({ on: x.on, delayDays: x.delayDays, channel: x.channel, templateId: x.templateId, productIds: x.productIds })) }}
      submit={(v) =>
        api.put(`/api/v1/surveys/${survey.id}/triggers`, {
          items: (v.items ?? []).map((r) => ({
            on: r.on,
            delayDays: r.delayDays ?? 0,
            channel: r.channel,
            ...(r.templateId ? { templateId: r.templateId } : {}),
            ...(r.productIds?.length ? { productIds: r.productIds } : {}),
          })),
        })
      }
      onSaved={(saved) => {
        qc.setQueryData(surveyKeys.triggers(survey.id), saved.items);
        message.success(t('surveys.triggers.saved'));
      }}
      bannerFields={/^items/}
      onClose={onClose}
      formProps={{ 'data-testid': 'trigger-form' }}
    >
      <Form.List name="items">
        {(fields, { add, remove }) => (
          <Flex vertical gap={4}>
            {fields.map((f) => (
              <Flex key={f.key} gap={8} wrap align="start" data-testid="trigger-row">
                <Form.Item name={[f.name, 'on']} style={{ marginBottom: 8 }}>
                  <Select<TriggerEvent> style={{ width: 150 }} aria-label={t('surveys.triggers.on')} options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`surveys.trigger.${e}`) }))} data-testid="trigger-on" />
                </Form.Item>
                <Form.Item name={[f.name, 'delayDays']} style={{ marginBottom: 8 }}>
                  <InputNumber min={0} max={365} precision={0} prefix={t('surveys.triggers.after')} suffix={t('surveys.triggers.days')} style={{ width: 150 }} data-testid="trigger-delay" />
                </Form.Item>
                <Form.Item name={[f.name, 'channel']} style={{ marginBottom: 8 }}>
                  <Select<SendChannel> style={{ width: 100 }} aria-label={t('surveys.send.channel')} options={SEND_CHANNELS.map((c) => ({ value: c, label: t(`surveys.channel.${c}`) }))} data-testid="trigger-channel" />
                </Form.Item>
                <Form.Item name={[f.name, 'templateId']} style={{ marginBottom: 8, flex: 1, minWidth: 160 }}>
                  <Select allowClear placeholder={t('surveys.send.templateDefault')} aria-label={t('surveys.send.template')} options={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name}（${t(`surveys.channel.${x.channel === 'email' ? 'email' : x.channel === 'wechat' ? 'wechat' : 'sms'}`)}）` }))} />
                </Form.Item>
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(f.name)} />
              </Flex>
            ))}
            <div>
              <Button icon={<PlusOutlined />} disabled={fields.length >= 10} onClick={() => add({ on: 'repair_done', delayDays: 1, channel: 'sms' })} data-testid="trigger-add">
                {t('surveys.triggers.add')}
              </Button>
            </div>
          </Flex>
        )}
      </Form.List>
    </FormDialog>
  );
}

/** 自动发放: a purchase, a repair done or a ticket resolved invites the customer after N days. */
export function Triggers({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const triggers = useTriggers(survey.id);
  const [editing, setEditing] = useState(false);
  return (
    <Card
      size="small"
      title={t('surveys.triggers.title')}
      extra={
        can('survey:manage') && !survey.deletedAt ? (
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="triggers-edit">
            {t('common.edit')}
          </Button>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('surveys.triggers.hint')}</Typography.Paragraph>
      <Table<SurveyTriggerView>
        rowKey="id"
        size="small"
        pagination={false}
        loading={triggers.isPending}
        dataSource={triggers.data ?? []}
        locale={{ emptyText: t('surveys.triggers.empty') }}
        data-testid="triggers"
        columns={[
          { title: t('surveys.triggers.on'), dataIndex: 'on', render: (e: TriggerEvent) => t(`surveys.trigger.${e}`) },
          { title: t('surveys.triggers.delay'), dataIndex: 'delayDays', render: (n: number) => t('surveys.triggers.delayDays', { n }) },
          { title: t('surveys.send.channel'), dataIndex: 'channel', render: (c: SendChannel) => t(`surveys.channel.${c}`) },
        ]}
      />
      {editing ? <TriggerForm survey={survey} items={triggers.data ?? []} onClose={() => setEditing(false)} /> : null}
    </Card>
  );
}
