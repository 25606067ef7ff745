import { useState } from 'react';
import { App, Button, Card, Drawer, Empty, Flex, Form, Grid, Popconfirm, Radio, Select, Switch, Tag, Typography } from 'antd';
import { DeleteOutlined, HistoryOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import {
  REPORT_FORMATS,
  reportKeys,
  useReportDeliveries,
  useReportSubscriptions,
  type ReportCadence,
  type ReportDeliveryMessage,
  type ReportFormat,
  type ReportKind,
  type ReportSubscriptionView,
} from './api';

/** As many addresses as the API takes. */
const MAX_RECIPIENTS = 20;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Where the page scrolls to after a subscription is made. */
export const SUBSCRIPTIONS_ID = 'report-subscriptions';

type Values = { format: ReportFormat; recipients: string[] };

const reportName = (t: Translate, s: { kind: ReportKind; cadence: ReportCadence }) => ({ kind: t(`reports.kind.${s.kind}`), cadence: t(`reports.cadence.${s.cadence}`) });

/** A list of subscriptions with one changed (or dropped: `next` null). */
const replaced = (list: { items: ReportSubscriptionView[] } | undefined, id: string, next: ReportSubscriptionView | null) =>
  list && { items: list.items.flatMap((s) => (s.id !== id ? [s] : next ? [next] : [])) };

/**
 * 订阅 the report on screen (its kind and cadence): the attachments and the addresses, in the shared FormDialog (one
 * write per action; the server's messages on their fields — an address's error `recipients.N` on 收件人).
 */
export function SubscribeDialog({ kind, cadence, onClose }: { kind: ReportKind; cadence: ReportCadence; onClose: () => void }) {
  const t = useT();
  const { me } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const email = me?.user?.email;
  return (
    <FormDialog<Values, ReportSubscriptionView>
      title={t('reports.subscribe.title', reportName(t, { kind, cadence }))}
      okText={t('reports.subscribe')}
      width={520}
      initialValues={{ format: 'pdf', recipients: email ? [email] : [] }}
      submit={(v) => api.post<ReportSubscriptionView>('/api/v1/reports/subscriptions', { kind, cadence, format: v.format, recipients: v.recipients.map((r) => r.trim()) })}
      errorFields={(f) => (/^recipients\.\d+$/.test(f) ? 'recipients' : f)}
      onSaved={(s) => {
        message.success(t('reports.subscribe.done', { n: s.recipients.length }));
        qc.setQueryData<{ items: ReportSubscriptionView[] }>(reportKeys.subscriptions, (old) => old && { items: [s, ...old.items.filter((o) => o.id !== s.id)] });
        void qc.invalidateQueries({ queryKey: reportKeys.subscriptions });
        requestAnimationFrame(() => document.getElementById(SUBSCRIPTIONS_ID)?.scrollIntoView({ block: 'start' }));
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'report-subscribe-form' }}
      intro={<Typography.Paragraph type="secondary">{t(`reports.subscribe.intro.${cadence}`)}</Typography.Paragraph>}
    >
      <Form.Item name="format" label={t('reports.sub.field.format')}>
        <Radio.Group
          optionType="button"
          options={REPORT_FORMATS.map((f) => ({ value: f, label: t(`reports.format.${f}`) }))}
          data-testid="report-subscribe-format"
        />
      </Form.Item>
      <Form.Item
        name="recipients"
        label={t('reports.sub.field.recipients')}
        extra={t('reports.sub.recipients.help', { max: MAX_RECIPIENTS })}
        rules={[
          { required: true, type: 'array', min: 1, message: t('common.required', { field: t('reports.sub.field.recipients') }) },
          {
            validator: (_, value: string[] | undefined) => {
              const bad = (value ?? []).filter((r) => !EMAIL.test(r.trim()));
              if (bad.length) return Promise.reject(new Error(t('reports.sub.recipients.invalid', { list: bad.join(t('sep.list')) })));
              if ((value ?? []).length > MAX_RECIPIENTS) return Promise.reject(new Error(t('reports.sub.recipients.tooMany', { max: MAX_RECIPIENTS })));
              return Promise.resolve();
            },
          },
        ]}
      >
        <Select
          mode="tags"
          tokenSeparators={[',', ' ', '，']}
          open={false}
          suffixIcon={null}
          maxCount={MAX_RECIPIENTS}
          placeholder={t('reports.sub.recipients.placeholder')}
          aria-label={t('reports.sub.field.recipients')}
          data-testid="report-subscribe-recipients"
        />
      </Form.Item>
    </FormDialog>
  );
}

const STATUS_COLOR: Record<ReportDeliveryMessage['status'], string> = { queued: 'blue', sending: 'blue', sent: 'green', failed: 'red', suppressed: 'default' };

/** What there is to say about an email beside its status: when it went, which attempt, when the next one is, the error. */
function statusDetail(t: Translate, m: ReportDeliveryMessage): string[] {
  switch (m.status) {
    case 'sent':
      return [t('reports.history.sentAt', { at: formatDateTime(m.sentAt) })];
    case 'sending':
      return [t('reports.history.attempt', { n: Math.max(1, m.attempts) })];
    case 'queued':
      // Retrying: the attempts so far failed; the next one is due at nextAttemptAt.
      return m.attempts > 0
        ? [t('reports.history.retry', { n: m.attempts + 1, at: formatDateTime(m.nextAttemptAt) }), ...(m.lastError ? [t('reports.history.error', { error: m.lastError })] : [])]
        : [];
    default:
      return m.lastError ? [t('reports.history.error', { error: m.lastError })] : [];
  }
}

/** One email of a delivery: the address, its status tag, the attempts and the detail (wrapping on a phone). */
function MessageRow({ m }: { m: ReportDeliveryMessage }) {
  const t = useT();
  const detail = statusDetail(t, m);
  return (
    <div data-testid="report-delivery-message" style={{ borderTop: '1px solid #f0f0f0', padding: '8px 0' }}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Text style={{ overflowWrap: 'anywhere', minWidth: 0 }} data-testid="report-delivery-recipient">
          {m.recipient}
        </Typography.Text>
        <Flex align="center" gap={8}>
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }} data-testid="report-delivery-attempts">
            {t('reports.history.attempts', { n: m.attempts })}
          </Typography.Text>
          <Tag color={STATUS_COLOR[m.status]} style={{ marginInlineEnd: 0 }} data-testid="report-delivery-status">
            {t(`reports.history.status.${m.status}`)}
          </Tag>
        </Flex>
      </Flex>
      {detail.map((line, i) => (
        <Typography.Text
          key={i}
          type={m.status === 'failed' && line === detail[detail.length - 1] ? 'danger' : 'secondary'}
          style={{ display: 'block', fontSize: 12, overflowWrap: 'anywhere' }}
        >
          {line}
        </Typography.Text>
      ))}
    </div>
  );
}

/** 发送记录: each period's delivery, newest first, with each email's state in the outbox. */
export function DeliveriesDrawer({ sub, onClose }: { sub: ReportSubscriptionView | null; onClose: () => void }) {
  const t = useT();
  const isPhone = !Grid.useBreakpoint().md;
  const deliveries = useReportDeliveries(sub?.id ?? null);
  const items = deliveries.data?.items ?? [];
  return (
    <Drawer open={!!sub} size={isPhone ? '100%' : 520} onClose={onClose} destroyOnHidden title={sub ? t('reports.history.title', reportName(t, sub)) : null}>
      {sub ? (
        <div data-testid="report-deliveries">
          {deliveries.error ? <ErrorAlert error={deliveries.error} onRetry={() => void deliveries.refetch()} /> : null}
          {deliveries.isPending ? <Loading /> : null}
          {deliveries.isSuccess && !items.length ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                <>
                  <div>{t('reports.history.empty')}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('reports.history.emptyHelp')}
                  </Typography.Text>
                </>
              }
              data-testid="report-deliveries-empty"
            />
          ) : null}
          <Flex vertical gap={12}>
            {items.map((d) => (
              <Card
                key={d.id}
                size="small"
                data-testid="report-delivery"
                title={<span style={{ whiteSpace: 'normal' }}>{t('reports.history.period', { start: d.periodStart, end: d.periodEnd })}</span>}
              >
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 4 }}>
                  {t('reports.history.queuedAt', { at: formatDateTime(d.createdAt) })}
                </Typography.Text>
                {d.messages.map((m) => (
                  <MessageRow key={m.messageId} m={m} />
                ))}
                {!d.messages.length ? <Typography.Text type="secondary">{t('reports.history.noMessages')}</Typography.Text> : null}
              </Card>
            ))}
          </Flex>
        </div>
      ) : null}
    </Drawer>
  );
}

/** One subscription: the report, the attachments, the addresses, who made it; 启用, 发送记录 and 删除. */
function SubscriptionItem({ s, onHistory }: { s: ReportSubscriptionView; onHistory: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const name = reportName(t, s);
  const toggle = useMutation({
    mutationFn: (active: boolean) => api.patch<ReportSubscriptionView>(`/api/v1/reports/subscriptions/${s.id}`, { active }),
    onSuccess: (next) => {
      message.success(t(next.active ? 'reports.subs.activated' : 'reports.subs.paused'));
      qc.setQueryData<{ items: ReportSubscriptionView[] }>(reportKeys.subscriptions, (old) => replaced(old, s.id, next));
      void qc.invalidateQueries({ queryKey: reportKeys.subscriptions, exact: true });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/reports/subscriptions/${s.id}`),
    onSuccess: () => {
      message.success(t('reports.subs.deleted'));
      qc.setQueryData<{ items: ReportSubscriptionView[] }>(reportKeys.subscriptions, (old) => replaced(old, s.id, null));
      void qc.invalidateQueries({ queryKey: reportKeys.subscriptions, exact: true });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <div data-testid="report-subscription" data-id={s.id} style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '10px 12px', opacity: s.active ? 1 : 0.75 }}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Flex align="center" gap={8} wrap style={{ minWidth: 0 }}>
          <Typography.Text strong data-testid="report-subscription-name">
            {name.kind} · {name.cadence}
          </Typography.Text>
          <Tag style={{ marginInlineEnd: 0 }} data-testid="report-subscription-format">
            {t(`reports.subs.format.${s.format}`)}
          </Tag>
        </Flex>
        <Flex align="center" gap={4} wrap>
          <label style={{ display: 'inline-flex', alignItems: 'center', gap: 6, marginInlineEnd: 8, cursor: 'pointer' }}>
            <Switch size="small" checked={s.active} loading={toggle.isPending} onChange={(active) => toggle.mutate(active)} data-testid="report-subscription-active" />
            <span>{t('reports.subs.active')}</span>
          </label>
          <Button size="small" icon={<HistoryOutlined />} onClick={onHistory} data-testid="report-subscription-history">
            {t('reports.subs.history')}
          </Button>
          <Popconfirm title={t('reports.subs.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutate()}>
            <Button size="small" danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="report-subscription-delete">
              {t('reports.subs.delete')}
            </Button>
          </Popconfirm>
        </Flex>
      </Flex>
      <Flex gap={4} wrap align="center" style={{ marginTop: 6 }} data-testid="report-subscription-recipients">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('reports.subs.recipients')}：
        </Typography.Text>
        {s.recipients.map((r) => (
          <Tag key={r} style={{ marginInlineEnd: 0, maxWidth: '100%', whiteSpace: 'normal', overflowWrap: 'anywhere' }} data-testid="report-subscription-recipient">
            {r}
          </Tag>
        ))}
      </Flex>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 4 }} data-testid="report-subscription-owner">
        {t('reports.subs.owner', { name: s.owner.name || '—', at: formatDateTime(s.createdAt) })}
      </Typography.Text>
    </div>
  );
}

/** 订阅管理: the subscriptions the user sees, newest first, and the send history of each in a drawer. */
export function SubscriptionsCard() {
  const t = useT();
  const subs = useReportSubscriptions();
  const [history, setHistory] = useState<ReportSubscriptionView | null>(null);
  const items = subs.data?.items ?? [];
  return (
    <Card
      id={SUBSCRIPTIONS_ID}
      size="small"
      title={subs.data ? `${t('reports.subs.title')}（${items.length}）` : t('reports.subs.title')}
      className="reports-noprint"
      style={{ marginTop: 16 }}
      data-testid="report-subscriptions"
    >
      {subs.error ? <ErrorAlert error={subs.error} onRetry={() => void subs.refetch()} /> : null}
      {subs.isPending ? <Loading /> : null}
      {subs.isSuccess && !items.length ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={
            <>
              <div>{t('reports.subs.empty')}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('reports.subs.emptyHelp')}
              </Typography.Text>
            </>
          }
          data-testid="report-subscriptions-empty"
        />
      ) : null}
      <Flex vertical gap={8}>
        {items.map((s) => (
          <SubscriptionItem key={s.id} s={s} onHistory={() => setHistory(s)} />
        ))}
      </Flex>
      <DeliveriesDrawer sub={history} onClose={() => setHistory(null)} />
    </Card>
  );
}
