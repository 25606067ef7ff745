import { useState, type HTMLAttributes } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Form, Input, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, download } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { usePagedList } from '../../platform/usePagedList';
import { CustomerPicker } from '../customers';
import {
  BASE,
  PRIVACY_CHANNELS,
  PRIVACY_REQUEST_KINDS,
  PRIVACY_REQUEST_STATUSES,
  PRIVACY_TRANSITIONS,
  privacyKeys,
  useRequest,
  VERIFICATION_METHODS,
  type PrivacyChannel,
  type PrivacyFilters,
  type PrivacyRequestKind,
  type PrivacyRequestPage,
  type PrivacyRequestStatus,
  type PrivacyRequestView,
  type VerificationMethod,
} from './api';
import { ErasurePanel } from './ErasurePanel';

const STATUS_COLOR: Record<PrivacyRequestStatus, string> = { received: 'default', verifying: 'processing', in_progress: 'blue', answered: 'success', refused: 'error' };

type NewValues = { kind: PrivacyRequestKind; channel: PrivacyChannel; requesterName: string; requesterContact?: string; customerId?: string | null; details?: string; method?: VerificationMethod; note?: string };

/** 登记请求: who asked for what, the customer it concerns, and — when checked at intake — how their identity was verified. */
function NewRequestDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (r: PrivacyRequestView) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  return (
    <FormDialog<NewValues, PrivacyRequestView>
      title={t('privacy.new')}
      width={560}
      initialValues={{ kind: 'copy', channel: 'counter' }}
      submit={(v) =>
        api.post<PrivacyRequestView>(BASE, {
          kind: v.kind,
          channel: v.channel,
          requesterName: v.requesterName ?? '',
          requesterContact: v.requesterContact || undefined,
          customerId: v.customerId || undefined,
          details: v.details || undefined,
          ...(v.method ? { verification: { method: v.method, note: v.note || undefined } } : {}),
        })
      }
      errorFields={(f) => (f === 'verification.method' ? 'method' : f === 'verification.note' ? 'note' : f)}
      onSaved={(r) => {
        void qc.invalidateQueries({ queryKey: privacyKeys.all });
        void message.success(t('privacy.created', { number: r.number, due: r.dueDay }));
        onCreated(r);
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'privacy-form' }}
    >
      <Form.Item name="kind" label={t('privacy.field.kind')} rules={[{ required: true }]}>
        <Select data-testid="privacy-kind" options={PRIVACY_REQUEST_KINDS.map((k) => ({ value: k, label: t(`privacy.kind.${k}`) }))} />
      </Form.Item>
      <Form.Item name="channel" label={t('privacy.field.channel')}>
        <Select options={PRIVACY_CHANNELS.map((c) => ({ value: c, label: t(`privacy.channel.${c}`) }))} />
      </Form.Item>
      <Form.Item name="requesterName" label={t('privacy.field.requesterName')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={100} data-testid="privacy-requester" />
      </Form.Item>
      <Form.Item name="requesterContact" label={t('privacy.field.requesterContact')}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="customerId" label={t('privacy.field.customer')}>
        <CustomerPicker placeholder={t('privacy.field.customerSearch')} testId="privacy-customer" />
      </Form.Item>
      <Form.Item name="details" label={t('privacy.field.details')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <Form.Item name="method" label={t('privacy.field.verificationMethod')}>
        <Select allowClear data-testid="privacy-method" options={VERIFICATION_METHODS.map((m) => ({ value: m, label: t(`privacy.method.${m}`) }))} />
      </Form.Item>
      <Form.Item name="note" label={t('privacy.field.verificationNote')}>
        <Input maxLength={500} />
      </Form.Item>
    </FormDialog>
  );
}

type ChangeValues = { status?: PrivacyRequestStatus; method?: VerificationMethod; note?: string; answer?: string };

/** 办理: move the status (verification before handling, an answer to close), record the verification, write the answer. */
function ChangeDialog({ request, onClose }: { request: PrivacyRequestView; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const next = PRIVACY_TRANSITIONS[request.status];
  return (
    <FormDialog<ChangeValues, PrivacyRequestView>
      title={t('privacy.change.title', { number: request.number })}
      width={560}
      initialValues={{ status: next[0], answer: request.answer ?? undefined }}
      submit={(v) =>
        api.patch<PrivacyRequestView>(`${BASE}/${request.id}`, {
          status: v.status,
          ...(v.method ? { verification: { method: v.method, note: v.note || undefined } } : {}),
          ...(v.answer ? { answer: v.answer } : {}),
        })
      }
      errorFields={(f) => (f === 'verification' || f === 'verification.method' ? 'method' : f === 'verification.note' ? 'note' : f)}
      onSaved={() => {
        void qc.invalidateQueries({ queryKey: privacyKeys.all });
        void message.success(t('privacy.saved'));
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'privacy-change-form' }}
    >
      <Form.Item name="status" label={t('privacy.field.status')}>
        <Select data-testid="privacy-status" options={next.map((s) => ({ value: s, label: t(`privacy.status.${s}`) }))} />
      </Form.Item>
      {request.verification ? null : (
        <>
          <Form.Item name="method" label={t('privacy.field.verificationMethod')}>
            <Select allowClear data-testid="privacy-change-method" options={VERIFICATION_METHODS.map((m) => ({ value: m, label: t(`privacy.method.${m}`) }))} />
          </Form.Item>
          <Form.Item name="note" label={t('privacy.field.verificationNote')}>
            <Input maxLength={500} />
          </Form.Item>
        </>
      )}
      <Form.Item name="answer" label={t('privacy.field.answer')}>
        <Input.TextArea rows={3} maxLength={5000} data-testid="privacy-answer" />
      </Form.Item>
    </FormDialog>
  );
}

/** One request: its facts, verification, answer and history; 办理 and 下载个人信息副本. */
function RequestDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useT();
  const q = useRequest(id);
  const [changing, setChanging] = useState(false);
  const r = q.data;
  const exporting = useMutation({ mutationFn: (x: PrivacyRequestView) => download(`${BASE}/${x.id}/export`, {}, `personal-data-${x.number}.zip`) });
  const open = r ? PRIVACY_TRANSITIONS[r.status].length > 0 : false;
  return (
    <Drawer open={!!id} onClose={onClose} size={640} title={r ? t('privacy.detail.title', { number: r.number }) : ''} destroyOnHidden>
      {q.error ? <ErrorAlert error={q.error} /> : null}
      {exporting.error ? <ErrorAlert error={exporting.error} /> : null}
      {r ? (
        <div data-testid="privacy-detail">
          <Flex gap={8} wrap style={{ marginBottom: 12 }}>
            {open ? (
              <Button type="primary" onClick={() => setChanging(true)} data-testid="privacy-change">
                {t('privacy.action.change')}
              </Button>
            ) : null}
            {r.customerId ? (
              <Button icon={<DownloadOutlined />} loading={exporting.isPending} onClick={() => void exporting.mutateAsync(r)} data-testid="privacy-export" title={t('privacy.action.exportHint')}>
                {t('privacy.action.export')}
              </Button>
            ) : null}
          </Flex>
          {r.kind === 'deletion' ? <ErasurePanel request={r} /> : null}
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('privacy.col.kind')}>{t(`privacy.kind.${r.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('privacy.col.status')}>
              <Tag color={STATUS_COLOR[r.status]} data-testid="privacy-detail-status">
                {t(`privacy.status.${r.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('privacy.col.requester')}>
              {r.requesterName}
              {r.requesterContact ? ` · ${r.requesterContact}` : ''} · {t(`privacy.channel.${r.channel}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('privacy.col.customer')}>{r.customerName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('privacy.field.details')}>{r.details ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('privacy.detail.received')}>{formatDateTime(r.receivedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('privacy.detail.due')}>
              <span data-testid="privacy-detail-due">{formatDateTime(r.dueAt)}</span> {r.overdue ? <Tag color="red">{t('privacy.overdue')}</Tag> : r.dueSoon ? <Tag color="orange">{t('privacy.dueSoon')}</Tag> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('privacy.detail.verification')}>
              {r.verification
                ? t('privacy.detail.verifiedBy', { method: t(`privacy.method.${r.verification.method}`), name: r.verification.verifiedByName ?? '', time: formatDateTime(r.verification.verifiedAt) }) +
                  (r.verification.note ? ` · ${r.verification.note}` : '')
                : t('privacy.detail.notVerified')}
            </Descriptions.Item>
            <Descriptions.Item label={t('privacy.col.handler')}>{r.handlerName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('privacy.detail.answer')}>{r.answer ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('privacy.detail.history')}
          </Typography.Title>
          <Timeline items={r.history.map((h) => ({ key: h.id, content: `${formatDateTime(h.at)} · ${h.actorName ?? ''} · ${h.actionLabel}` }))} />
          {changing ? <ChangeDialog request={r} onClose={() => setChanging(false)} /> : null}
        </div>
      ) : null}
    </Drawer>
  );
}

/** 个人信息请求: the register (filters, overdue flag), a new request, and one request's handling and export. */
export function PrivacyPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const filters: PrivacyFilters = { status: params.get('status') ?? undefined, kind: params.get('kind') ?? undefined, overdue: params.get('overdue') ?? undefined };
  const selected = params.get('request');
  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const list = usePagedList<PrivacyRequestView, PrivacyRequestPage>({ queryKey: privacyKeys.list(filters), path: BASE, query: filters, limit: 50 });
  const total = list.data?.pages[0]?.total ?? 0;
  return (
    <>
      <PageHeader
        title={t('privacy.title')}
        subtitle={t('privacy.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="privacy-new">
            {t('privacy.new')}
          </Button>
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('privacy.filter.status')}
          value={filters.status}
          onChange={(v?: string) => setParam('status', v)}
          options={[{ value: 'open', label: t('privacy.filter.open') }, ...PRIVACY_REQUEST_STATUSES.map((s) => ({ value: s, label: t(`privacy.status.${s}`) }))]}
          data-testid="privacy-filter-status"
        />
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('privacy.filter.kind')}
          value={filters.kind}
          onChange={(v?: string) => setParam('kind', v)}
          options={PRIVACY_REQUEST_KINDS.map((k) => ({ value: k, label: t(`privacy.kind.${k}`) }))}
        />
        <Space>
          <Switch checked={filters.overdue === 'true'} onChange={(on) => setParam('overdue', on ? 'true' : undefined)} data-testid="privacy-filter-overdue" />
          {t('privacy.filter.overdue')}
        </Space>
      </Space>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Card size="small">
        <Table<PrivacyRequestView>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 760 }}
          locale={{ emptyText: <Empty description={t('privacy.empty')} /> }}
          onRow={(r) => ({ onClick: () => setParam('request', r.id), style: { cursor: 'pointer' }, 'data-testid': 'privacy-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'number', title: t('privacy.col.number'), render: (_, r) => `#${r.number}`, width: 70 },
            { key: 'kind', title: t('privacy.col.kind'), render: (_, r) => t(`privacy.kind.${r.kind}`) },
            { key: 'requester', title: t('privacy.col.requester'), dataIndex: 'requesterName' },
            { key: 'customer', title: t('privacy.col.customer'), render: (_, r) => r.customerName ?? '—' },
            { key: 'status', title: t('privacy.col.status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`privacy.status.${r.status}`)}</Tag> },
            {
              key: 'due',
              title: t('privacy.col.due'),
              render: (_, r) => (
                <Space size={4}>
                  {r.dueDay}
                  {r.overdue ? <Tag color="red">{t('privacy.overdue')}</Tag> : r.dueSoon ? <Tag color="orange">{t('privacy.dueSoon')}</Tag> : null}
                </Space>
              ),
            },
            { key: 'handler', title: t('privacy.col.handler'), render: (_, r) => r.handlerName ?? '—' },
          ]}
        />
        <LoadMoreFooter shown={t('privacy.total', { n: total })} count={list.items.length} query={list} />
      </Card>
      {creating ? <NewRequestDialog onClose={() => setCreating(false)} onCreated={(r) => setParam('request', r.id)} /> : null}
      <RequestDrawer id={selected} onClose={() => setParam('request', undefined)} />
    </>
  );
}
