import { useState } from 'react';
import { App, Button, Card, Empty, Flex, Form, Input, Radio, Select, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { usePagedList } from '../../platform/usePagedList';
import type { CustomerView } from '../customers';
import {
  CONSENT_ACTIONS,
  CONSENT_CHANNELS,
  CONSENT_ENTRY_PURPOSES,
  CONSENT_PURPOSES,
  type ConsentAction,
  type ConsentEntryPurpose,
  type ConsentEntryView,
  type ConsentLedgerView,
} from '../../../../src/modules/privacy/consent.contract';

const consentKey = (customerId: string) => ['privacy', 'consent', customerId] as const;

type RecordValues = { channel: string; purpose: ConsentEntryPurpose; action: ConsentAction; note?: string };

/** 登记同意或撤回: what the customer said at the counter or on the phone, one entry per channel. */
function RecordDialog({ customer, onClose }: { customer: CustomerView; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  return (
    <FormDialog<RecordValues, ConsentLedgerView>
      title={t('consentLedger.record.title')}
      width={520}
      initialValues={{ channel: 'sms', purpose: 'marketing', action: 'withdraw' }}
      submit={(v) => api.post<ConsentLedgerView>(`/api/v1/customers/${customer.id}/consent`, { channel: v.channel, purpose: v.purpose, action: v.action, note: v.note || undefined })}
      onSaved={() => {
        void qc.invalidateQueries({ queryKey: consentKey(customer.id) });
        void qc.invalidateQueries({ queryKey: ['customers'] });
        void message.success(t('consentLedger.recorded'));
        onClose();
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'consent-form' }}
    >
      <Form.Item name="channel" label={t('consentLedger.field.channel')} rules={[{ required: true }]}>
        <Select data-testid="consent-channel" options={[...CONSENT_CHANNELS, 'all' as const].map((c) => ({ value: c, label: t(`consentLedger.channel.${c}`) }))} />
      </Form.Item>
      <Form.Item name="purpose" label={t('consentLedger.field.purpose')} rules={[{ required: true }]}>
        <Select data-testid="consent-purpose" options={CONSENT_ENTRY_PURPOSES.map((p) => ({ value: p, label: t(`consentLedger.purpose.${p}`) }))} />
      </Form.Item>
      <Form.Item name="action" label={t('consentLedger.field.action')} rules={[{ required: true }]}>
        <Radio.Group data-testid="consent-action" options={CONSENT_ACTIONS.map((a) => ({ value: a, label: t(`consentLedger.action.${a}`) }))} />
      </Form.Item>
      <Form.Item name="note" label={t('consentLedger.field.note')}>
        <Input.TextArea maxLength={500} rows={2} placeholder={t('consentLedger.field.notePlaceholder')} data-testid="consent-note" />
      </Form.Item>
    </FormDialog>
  );
}

/** The current state: a row per channel, a column per purpose. */
function StateTable({ ledger }: { ledger: ConsentLedgerView }) {
  const t = useT();
  const rows = CONSENT_CHANNELS.map((channel) => ({ channel, ...Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, ledger.state.find((s) => s.channel === channel && s.purpose === p)?.granted ?? false])) }));
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="channel"
      dataSource={rows}
      data-testid="consent-state"
      columns={[
        { key: 'channel', title: t('consentLedger.field.channel'), render: (_, r) => t(`consentLedger.channel.${r.channel}`) },
        ...CONSENT_PURPOSES.map((p) => ({
          key: p,
          title: t(`consentLedger.purpose.${p}`),
          render: (_: unknown, r: Record<string, unknown>) =>
            r[p] ? (
              <Tag color="success" icon={<CheckOutlined />} data-testid={`consent-state-${String(r.channel)}-${p}`} data-granted="true">
                {t('consentLedger.granted')}
              </Tag>
            ) : (
              <Tag icon={<CloseOutlined />} data-testid={`consent-state-${String(r.channel)}-${p}`} data-granted="false">
                {t('consentLedger.refused')}
              </Tag>
            ),
        })),
      ]}
    />
  );
}

function EntryItem({ e }: { e: ConsentEntryView }) {
  const t = useT();
  return (
    <div data-testid="consent-entry">
      <Flex wrap gap={6} align="center">
        <Typography.Text type="secondary">{formatDateTime(e.recordedAt)}</Typography.Text>
        <Tag color={e.action === 'grant' ? 'success' : 'error'}>{t(`consentLedger.action.${e.action}`)}</Tag>
        <Tag>{t(`consentLedger.channel.${e.channel}`)}</Tag>
        <Tag>{t(`consentLedger.purpose.${e.purpose}`)}</Tag>
        <Typography.Text>{t(`consentLedger.source.${e.source}`)}</Typography.Text>
        {e.textVersion !== null ? <Typography.Text type="secondary">{t('consentLedger.entry.text', { version: e.textVersion })}</Typography.Text> : null}
        {e.recordedByName ? <Typography.Text type="secondary">{t('consentLedger.entry.by', { name: e.recordedByName })}</Typography.Text> : null}
      </Flex>
      {e.note ? <Typography.Paragraph style={{ margin: '2px 0 0' }}>{e.note}</Typography.Paragraph> : null}
    </div>
  );
}

/** 同意记录 on the customer 360 page: the consent now (channel × purpose) and every grant and withdrawal. */
export function ConsentTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const [recording, setRecording] = useState(false);
  const list = usePagedList<ConsentEntryView, ConsentLedgerView>({ queryKey: consentKey(customer.id), path: `/api/v1/customers/${customer.id}/consent`, limit: 50 });
  const first = list.data?.pages[0];
  if (list.isPending) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }
  return (
    <Flex vertical gap={16} data-testid="customer-consent">
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Card
        size="small"
        title={t('consentLedger.state.title')}
        extra={
          can('customer:write') && !customer.deletedAt ? (
            <Button icon={<PlusOutlined />} onClick={() => setRecording(true)} data-testid="consent-record">
              {t('consentLedger.record')}
            </Button>
          ) : null
        }
      >
        {first ? <StateTable ledger={first} /> : null}
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
          {t('consentLedger.state.hint')}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={t('consentLedger.history')}>
        {list.items.length ? (
          <Timeline items={list.items.map((e) => ({ key: e.id, color: e.action === 'grant' ? 'green' : 'red', content: <EntryItem e={e} /> }))} />
        ) : (
          <Empty description={t('consentLedger.empty')} />
        )}
        <LoadMoreFooter shown={list.items.length ? t('consentLedger.shown', { n: list.items.length }) : null} count={list.items.length} query={list} />
      </Card>
      {recording ? <RecordDialog customer={customer} onClose={() => setRecording(false)} /> : null}
    </Flex>
  );
}

