import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Button, Card, Col, Descriptions, Flex, Form, Image, Input, InputNumber, Radio, Row, Select, Space, Tabs, Tag, Timeline, Typography } from 'antd';
import { CheckOutlined, PauseCircleOutlined, PlayCircleOutlined, RedoOutlined, UploadOutlined, MergeCellsOutlined, LockOutlined } from '@ant-design/icons';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { localized, useI18n, useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { KbSuggestions } from '../kb';
import { SlaClock } from './sla/SlaClock';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENTS_PER_TICKET,
  TICKET_LIMITS,
  useRootCauses,
  useTicket,
  useTicketAction,
  useTicketCategories,
  useTicketUsers,
  type TicketDetail,
  type TicketEventView,
} from './api';
import { ContactPhone, CustomerLink, TransactionLink } from './LinkControls';
import { CustomerCandidates } from './CustomerCandidates';
import { MergeDialog, ReopenDialog } from './TicketDialogs';
import { StatusTag, Stars, TypeTag, useCategoryName } from './parts';
import { TicketTags } from './TicketTags';

function eventText(t: Translate, e: TicketEventView, users: Map<string, string>): string {
  const d = e.data as Record<string, unknown>;
  switch (e.kind) {
    case 'assigned':
      return d.assigneeId ? t('tk.event.assigned', { name: users.get(String(d.assigneeId)) ?? '' }) : t('tk.event.unassigned');
    case 'status':
      return t('tk.event.status', { from: t(`tk.status.${String(d.from)}` as never), to: t(`tk.status.${String(d.to)}` as never) });
    case 'attachment':
      return t('tk.event.attachment', { name: String(d.fileName ?? '') });
    case 'reopened':
      return t('tk.event.reopened', { reason: e.body ?? '' });
    case 'rated':
      return t('tk.event.rated', { rating: Number(d.rating) });
    case 'merged':
      return d.intoNumber ? t('tk.merged', { number: Number(d.intoNumber) }) : `${t('tk.event.merged')} #${String(d.fromNumber ?? '')}`;
    default:
      return t(`tk.event.${e.kind}` as never);
  }
}

function Delivery({ data }: { data: Record<string, unknown> }) {
  const t = useT();
  const d = data.delivery as { status?: string; channel?: string } | undefined;
  if (!d?.status) return null;
  const channel = d.channel ? t(`msg.channel.${d.channel}` as never) : '';
  const key = ['queued', 'sent', 'suppressed', 'public_only'].includes(d.status) ? `tk.delivery.${d.status}` : 'tk.delivery.not_sent';
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {t(key as never, { channel })}
    </Typography.Text>
  );
}

/** The conversation: replies to the customer (blue), internal notes (yellow), and the workflow's events in between. */
function Conversation({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const users = useTicketUsers();
  const names = new Map((users.data ?? []).map((u) => [u.id, u.displayName]));
  const fromCustomer = (e: TicketEventView) =>
    e.kind === 'rated' || e.kind === 'attachment' || e.kind === 'customer_reply' || (e.kind === 'reopened' && (e.data as { by?: string }).by === 'customer') || (e.kind === 'created' && ticket.source === 'public');
  const who = (e: TicketEventView) => e.actor?.name ?? (fromCustomer(e) ? t('tk.event.customer') : t('tk.event.system'));
  const look = { reply: { color: 'blue', bg: '#e6f4ff', testId: 'ticket-reply' }, note: { color: 'gold', bg: '#fffbe6', testId: 'ticket-note' }, customer_reply: { color: 'green', bg: '#f6ffed', testId: 'ticket-customer-reply' } } as const;
  return (
    <Timeline
      data-testid="ticket-conversation"
      items={ticket.events.map((e) => {
        const m = e.kind === 'note' || e.kind === 'reply' || e.kind === 'customer_reply' ? look[e.kind] : null;
        return {
          key: e.id,
          color: m?.color ?? 'gray',
          children: m ? (
            <div data-testid={m.testId} style={{ background: m.bg, padding: '8px 12px', borderRadius: 6 }}>
              <Flex justify="space-between" wrap gap={8}>
                <Space size={4}>
                  <Tag color={m.color}>{t(`tk.event.${e.kind as 'reply' | 'note' | 'customer_reply'}`)}</Tag>
                  <Typography.Text strong>{who(e)}</Typography.Text>
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(e.at)}
                </Typography.Text>
              </Flex>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '6px 0 0' }}>{e.body}</Typography.Paragraph>
              {e.kind === 'reply' ? <Delivery data={e.data} /> : null}
            </div>
          ) : (
            <Typography.Text type="secondary" data-testid="ticket-event" data-kind={e.kind}>
              {formatDateTime(e.at)} · {who(e)} {eventText(t, e, names)}
              {e.kind === 'rated' && e.body ? `：${e.body}` : ''}
            </Typography.Text>
          ),
        };
      })}
    />
  );
}

/** Reply to the customer or add an internal note; knowledge-base suggestions insert into the reply. */
function Composer({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const [tab, setTab] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const send = useTicketAction(ticket.id, (body: string) =>
    api.post<TicketDetail>(`/api/v1/tickets/${ticket.id}/${tab === 'reply' ? 'replies' : 'notes'}`, { body }),
  );
  const closed = ticket.status === 'closed' || !!ticket.mergedIntoId;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Card size="small">
          <Tabs
            activeKey={tab}
            onChange={(k) => setTab(k as 'reply' | 'note')}
            items={[
              { key: 'reply', label: t('tk.compose.reply') },
              { key: 'note', label: t('tk.compose.note') },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t(tab === 'reply' ? 'tk.compose.replyHint' : 'tk.compose.noteHint')}
          </Typography.Paragraph>
          <Input.TextArea
            rows={5}
            value={text}
            maxLength={TICKET_LIMITS.body}
            onChange={(e) => setText(e.target.value)}
            disabled={closed}
            data-testid="ticket-compose"
            style={tab === 'note' ? { background: '#fffbe6' } : undefined}
          />
          <Flex justify="end" style={{ marginTop: 8 }}>
            <Button
              type="primary"
              disabled={closed || !text.trim()}
              loading={send.isPending}
              data-testid="ticket-send"
              onClick={() =>
                send.mutate(text.trim(), {
                  onSuccess: () => {
                    setText('');
                    message.success(t('tk.compose.sent'));
                  },
                  onError: (err) => {
                    message.error(errorMessage(err));
                  },
                })
              }
            >
              {t('tk.compose.send')}
            </Button>
          </Flex>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <KbSuggestions
          text={`${ticket.title}\n${ticket.description}`}
          onInsert={(body) => {
            setTab('reply');
            setText((cur) => (cur.trim() ? `${cur}\n${body}` : body));
          }}
        />
      </Col>
    </Row>
  );
}

function ResolveDialog({ ticket, open, onClose }: { ticket: TicketDetail; open: boolean; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const causes = useRootCauses();
  const resolve = useTicketAction(ticket.id, (v: Record<string, unknown>) => api.post<TicketDetail>(`/api/v1/tickets/${ticket.id}/resolve`, v));
  return (
    <FormDialog<Record<string, unknown>>
      open={open}
      title={t('tk.resolve.title')}
      okText={t('tk.action.resolve')}
      cancelText={t('tk.cancel')}
      initialValues={{ outcomeTold: 'reply', returnVisitDays: 3 }}
      formProps={{ 'data-testid': 'resolve-form' }}
      submit={(v) => resolve.mutateAsync(v)}
      onClose={onClose}
    >
      <Form.Item name="rootCauseId" label={t('tk.field.rootCause')} rules={[{ required: true }]}>
        <Select
          data-testid="resolve-root-cause"
          options={(causes.data ?? []).filter((c) => c.active).map((c) => ({ value: c.id, label: localized(c, lang, 'name') }))}
        />
      </Form.Item>
      <Form.Item name="solution" label={t('tk.field.solution')} rules={[{ required: true, whitespace: true }]}>
        <Input.TextArea rows={4} maxLength={TICKET_LIMITS.body} data-testid="resolve-solution" />
      </Form.Item>
      <Form.Item name="outcomeTold" label={t('tk.resolve.outcome')}>
        <Radio.Group>
          <Space direction="vertical">
            {(['reply', 'call', 'not_yet'] as const).map((x) => (
              <Radio key={x} value={x}>
                {t(`tk.resolve.outcome.${x}`)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="returnVisitDays" label={t('tk.resolve.returnVisit')} extra={t('tk.resolve.returnVisitHint')}>
        <InputNumber min={0} max={60} />
      </Form.Item>
    </FormDialog>
  );
}

function Attachments({ ticket }: { ticket: TicketDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const { can } = useAuth();
  const input = useRef<HTMLInputElement>(null);
  const upload = useTicketAction(ticket.id, async (file: File) => {
    if (file.size > ATTACHMENT_MAX_BYTES) throw new Error(t('tk.pub.imageSize'));
    await api.upload(`/api/v1/tickets/${ticket.id}/attachments`, { name: file.name }, file);
    return api.get<TicketDetail>(`/api/v1/tickets/${ticket.id}`);
  });
  return (
    <Flex wrap gap={8} align="center" data-testid="ticket-attachments">
      <Image.PreviewGroup>
        {ticket.attachments.map((a) => (
          <Image key={a.id} width={96} height={96} style={{ objectFit: 'cover' }} src={`/api/v1/tickets/${ticket.id}/attachments/${a.id}`} alt={a.fileName} />
        ))}
      </Image.PreviewGroup>
      {can('ticket:write') && ticket.attachments.length < ATTACHMENTS_PER_TICKET && ticket.status !== 'closed' ? (
        <>
          <input
            ref={input}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            style={{ display: 'none' }}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) upload.mutate(f, { onError: (err) => { message.error(errorMessage(err)); } });
            }}
          />
          <Button icon={<UploadOutlined />} loading={upload.isPending} onClick={() => input.current?.click()}>
            {t('tk.action.upload')}
          </Button>
        </>
      ) : null}
    </Flex>
  );
}

/** The ticket's facts: type, category, priority, SLA, customer and transaction, contact, assignee, outcome, public link. */
function TicketDetails({ tk, write, open }: { tk: TicketDetail; write: boolean; open: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const { can } = useAuth();
  const users = useTicketUsers();
  const categories = useTicketCategories();
  const categoryName = useCategoryName(categories.data);
  const id = tk.id;
  const assign = useTicketAction(id, (assigneeId: string | null) => api.post<TicketDetail>(`/api/v1/tickets/${id}/assign`, { assigneeId }));
  const onErr = (err: unknown) => {
    message.error(errorMessage(err));
  };
  const publicUrl = `${window.location.origin}${tk.publicUrl}`;
  return (
    <Card size="small">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('tk.field.type')}>
          <TypeTag type={tk.type} />
        </Descriptions.Item>
        <Descriptions.Item label={t('tk.field.category')}>{categoryName(tk.categoryId, tk.category)}</Descriptions.Item>
        <Descriptions.Item label={t('tk.field.tags')}>
          <TicketTags ticket={tk} write={write} />
        </Descriptions.Item>
        <Descriptions.Item label={t('tk.field.priority')}>{t(`tk.priority.${tk.priority}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tk.field.severity')}>{t(`tk.severity.${tk.severity}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tk.field.sla')}>
          <span data-testid="ticket-sla">
            <SlaClock sla={tk.sla as never} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('tk.field.customer')}>
          <Space wrap size={4}>
            {tk.customer ? (
              <Link to={`/customers/${tk.customer.id}`} data-testid="ticket-customer">
                {tk.customer.name}
              </Link>
            ) : (
              <Typography.Text type="secondary">{t('tk.unlinked')}</Typography.Text>
            )}
            {write && open && can('customer:read') ? <CustomerLink ticket={tk} /> : null}
            {write && open && can('customer:read') ? <CustomerCandidates ticket={tk} /> : null}
          </Space>
        </Descriptions.Item>
        {tk.customer && (tk.transactionId || (write && open)) ? (
          <Descriptions.Item label={t('tk.field.transaction')}>{write && open ? <TransactionLink ticket={tk} /> : tk.transactionId}</Descriptions.Item>
        ) : null}
        {tk.contactName || tk.contactPhone || tk.contactAddress ? (
          <Descriptions.Item label={t('tk.field.contact')}>
            <Space wrap size={4}>
              <span data-testid="ticket-contact">{[tk.contactName, tk.contactAddress].filter(Boolean).join(' · ')}</span>
              <ContactPhone ticket={tk} />
            </Space>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('tk.field.assignee')}>
          {write && open ? (
            <Select
              size="small"
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ minWidth: 160 }}
              placeholder={t('tk.unassigned')}
              value={tk.assignee?.id}
              loading={assign.isPending}
              onChange={(v?: string) => assign.mutate(v ?? null, { onError: onErr })}
              options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
              data-testid="ticket-assignee"
            />
          ) : (
            (tk.assignee?.name ?? t('tk.unassigned'))
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('tk.field.source')}>{t(`tk.source.${tk.source}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tk.field.created')}>{formatDateTime(tk.createdAt)}</Descriptions.Item>
        {tk.reopenCount ? <Descriptions.Item label={t('tk.field.reopened')}>{tk.reopenCount}</Descriptions.Item> : null}
        {tk.rootCause ? <Descriptions.Item label={t('tk.field.rootCause')}>{tk.rootCause}</Descriptions.Item> : null}
        {tk.solution ? (
          <Descriptions.Item label={t('tk.field.solution')}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{tk.solution}</span>
          </Descriptions.Item>
        ) : null}
        {tk.resolvedAt || tk.rating !== null ? (
          <Descriptions.Item label={t('tk.field.rating')}>
            {tk.rating !== null ? (
              <Space direction="vertical" size={0}>
                <Stars value={tk.rating} />
                {tk.ratingComment ? <Typography.Text data-testid="ticket-rating-comment">{tk.ratingComment}</Typography.Text> : null}
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('tk.rating.none')}</Typography.Text>
            )}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('tk.publicLink')}>
          <Typography.Text copyable={{ text: publicUrl }} style={{ fontSize: 12 }} ellipsis>
            {tk.publicUrl.slice(0, 16)}…
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** One ticket: details, status actions, assignment, attachments, the conversation and the reply box. */
export function TicketPage() {
  const t = useT();
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const { can } = useAuth();
  const ticket = useTicket(id);
  const [dialog, setDialog] = useState<'resolve' | 'reopen' | 'merge' | null>(null);
  const status = useTicketAction(id, (s: string) => api.post<TicketDetail>(`/api/v1/tickets/${id}/status`, { status: s }));
  if (ticket.isPending) return <Loading />;
  if (ticket.isError) return <ErrorAlert error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const tk = ticket.data;
  const write = can('ticket:write') && !tk.mergedIntoId;
  const open = !['resolved', 'closed'].includes(tk.status);
  const onErr = (err: unknown) => {
    message.error(errorMessage(err));
  };
  return (
    <div data-testid="ticket-page">
      <PageHeader
        back="/tickets"
        title={
          <Space wrap>
            <span>#{tk.number}</span>
            <span data-testid="ticket-page-title">{tk.title}</span>
            <StatusTag status={tk.status} />
          </Space>
        }
        extra={
          write ? (
            <>
              {['new', 'assigned', 'waiting_on_customer'].includes(tk.status) ? (
                <Button icon={<PlayCircleOutlined />} loading={status.isPending} onClick={() => status.mutate('in_progress', { onError: onErr })}>
                  {t('tk.action.start')}
                </Button>
              ) : null}
              {['new', 'assigned', 'in_progress'].includes(tk.status) ? (
                <Button icon={<PauseCircleOutlined />} onClick={() => status.mutate('waiting_on_customer', { onError: onErr })}>
                  {t('tk.action.wait')}
                </Button>
              ) : null}
              {open ? (
                <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog('resolve')} data-testid="ticket-resolve">
                  {t('tk.action.resolve')}
                </Button>
              ) : null}
              {tk.status === 'resolved' ? (
                <Button icon={<LockOutlined />} onClick={() => status.mutate('closed', { onError: onErr })}>
                  {t('tk.action.close')}
                </Button>
              ) : null}
              {!open ? (
                <Button icon={<RedoOutlined />} onClick={() => setDialog('reopen')}>
                  {t('tk.action.reopen')}
                </Button>
              ) : null}
              {tk.status !== 'closed' ? (
                <Button icon={<MergeCellsOutlined />} onClick={() => setDialog('merge')}>
                  {t('tk.action.merge')}
                </Button>
              ) : null}
            </>
          ) : null
        }
      />
      {tk.mergedIntoId ? (
        <Typography.Paragraph>
          {t('tk.mergedInto')} <Link to={`/tickets/${tk.mergedIntoId}`}>→</Link>
        </Typography.Paragraph>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <TicketDetails tk={tk} write={write} open={open} />
        </Col>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('tk.field.description')}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="ticket-description">
              {tk.description}
            </Typography.Paragraph>
            <Attachments ticket={tk} />
          </Card>
        </Col>
      </Row>
      {write ? (
        <div style={{ marginTop: 16 }}>
          <Composer ticket={tk} />
        </div>
      ) : null}
      <Card size="small" title={t('tk.conversation')} style={{ marginTop: 16 }}>
        <Conversation ticket={tk} />
      </Card>
      <ResolveDialog ticket={tk} open={dialog === 'resolve'} onClose={() => setDialog(null)} />
      <ReopenDialog ticketId={tk.id} open={dialog === 'reopen'} onClose={() => setDialog(null)} />
      <MergeDialog ticketId={tk.id} open={dialog === 'merge'} onClose={() => setDialog(null)} />
    </div>
  );
}
