import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Descriptions, Divider, Drawer, Flex, Input, Popconfirm, Select, Space, Spin, Tag, TreeSelect, Typography } from 'antd';
import { DeleteOutlined, SendOutlined, UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import {
  FEEDBACK_LIMITS as L,
  FEEDBACK_SENTIMENTS,
  feedbackKeys,
  useFeedbackCategories,
  useFeedbackItem,
  useFeedbackUsers,
  useReplyMessage,
  type FeedbackItemView,
  type FeedbackSentiment,
} from './api';
import { categoryName, categoryTree, DueTime, pct, SentimentTag, StatusTag } from './parts';

type Patch = { categoryId?: string | null; sentiment?: FeedbackSentiment | null; ownerId?: string | null; status?: 'new' | 'in_progress' | 'closed' };

/** After a write: the drawer shows the answer at once, and the inbox reloads. */
function useItemWrites(id: string) {
  const qc = useQueryClient();
  return {
    settle: (item: FeedbackItemView | undefined) => {
      if (item) qc.setQueryData(feedbackKeys.one(id), item);
      void qc.invalidateQueries({ queryKey: ['feedback', 'list'] });
    },
    reload: () => qc.invalidateQueries({ queryKey: feedbackKeys.one(id) }),
  };
}

/** What the analysis said: the sentiment with the words that drove it, keywords, the suggested category. */
function Analysis({ item }: { item: FeedbackItemView }) {
  const t = useT();
  const { lang } = useI18n();
  const drivers = [...item.sentimentDrivers].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const how = item.category && item.categorySetBy === 'agent' ? t('fb.drawer.setByAgent') : item.category ? t('fb.drawer.suggestionAuto') : t('fb.drawer.suggestionOnly');
  return (
    <Descriptions
      size="small"
      column={1}
      items={[
        {
          key: 'drivers',
          label: t('fb.drawer.drivers'),
          children: (
            <div>
              <Typography.Text type="secondary" data-testid="fb-analysis">
                {t('fb.drawer.analysis', { label: t(`fb.sentiment.${item.sentiment}`), p: pct(item.sentimentScore) })}
              </Typography.Text>
              <Flex wrap gap={4} style={{ marginTop: 4 }} data-testid="fb-drivers">
                {drivers.length ? (
                  drivers.map((d) => (
                    <Tag key={d.word} color={d.weight < 0 ? 'red' : 'green'} style={{ marginInlineEnd: 0 }}>
                      {d.word} {d.weight < 0 ? '−' : '+'}
                      {Math.abs(d.weight).toFixed(2)}
                    </Tag>
                  ))
                ) : (
                  <Typography.Text type="secondary">{t('fb.drawer.driversNone')}</Typography.Text>
                )}
              </Flex>
            </div>
          ),
        },
        {
          key: 'keywords',
          label: t('fb.drawer.keywords'),
          children: (
            <Flex wrap gap={4} data-testid="fb-keywords">
              {item.keywords.length ? item.keywords.map((k) => <Tag key={k} style={{ marginInlineEnd: 0 }}>{k}</Tag>) : '—'}
            </Flex>
          ),
        },
        {
          key: 'suggestion',
          label: t('fb.drawer.suggestion'),
          children: item.suggestedCategory ? (
            <Space size={6} wrap data-testid="fb-suggestion">
              <span>{categoryName(item.suggestedCategory, lang)}</span>
              <Typography.Text type="secondary">{t('fb.confidence', { p: pct(item.categoryConfidence) })}</Typography.Text>
              <Typography.Text type="secondary">· {how}</Typography.Text>
            </Space>
          ) : (
            '—'
          ),
        },
      ]}
    />
  );
}

/** Category, sentiment correction, owner and status: each change is saved at once (with the version; 409 reloads). */
function Handling({ item, writable }: { item: FeedbackItemView; writable: boolean }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const categories = useFeedbackCategories();
  const users = useFeedbackUsers();
  const { settle, reload } = useItemWrites(item.id);
  const save = useMutation({
    mutationFn: (patch: Patch) => api.patch<FeedbackItemView>(`/api/v1/feedback/${item.id}`, { ...patch, version: item.version }),
    onSuccess: (next) => {
      settle(next);
      message.success(t('fb.drawer.saved'));
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) {
        message.error(t('fb.drawer.conflict'));
        void reload();
        void settle(undefined);
      } else message.error(errorMessage(err));
    },
  });
  const disabled = !writable || save.isPending;
  const userOptions = (users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  if (item.owner && !userOptions.some((o) => o.value === item.owner!.id)) userOptions.push({ value: item.owner.id, label: item.owner.name });
  const field = { style: { width: '100%' }, disabled };
  return (
    <Descriptions
      size="small"
      column={1}
      styles={{ label: { width: 96 } }}
      items={[
        {
          key: 'category',
          label: t('fb.drawer.category'),
          children: (
            <Flex vertical gap={4} style={{ width: '100%' }}>
              <TreeSelect
                {...field}
                allowClear
                treeDefaultExpandAll
                placeholder={t('fb.uncategorised')}
                value={item.category?.id}
                treeData={categoryTree(categories.data ?? [], lang, item.category?.id)}
                onChange={(v?: string) => save.mutate({ categoryId: v ?? null })}
                aria-label={t('fb.drawer.category')}
                data-testid="fb-edit-category"
              />
              {!item.category && item.suggestedCategory && writable ? (
                <Button type="link" size="small" style={{ paddingInline: 0, alignSelf: 'flex-start' }} disabled={disabled} onClick={() => save.mutate({ categoryId: item.suggestedCategory!.id })} data-testid="fb-accept-suggestion">
                  {t('fb.drawer.accept', { name: categoryName(item.suggestedCategory, lang) })}
                </Button>
              ) : null}
            </Flex>
          ),
        },
        {
          key: 'sentiment',
          label: t('fb.drawer.sentiment'),
          children: (
            <Select
              {...field}
              value={item.sentimentCorrected ?? ''}
              onChange={(v: string) => save.mutate({ sentiment: (v || null) as FeedbackSentiment | null })}
              options={[{ value: '', label: t('fb.drawer.sentimentNone') }, ...FEEDBACK_SENTIMENTS.map((s) => ({ value: s, label: t(`fb.sentiment.${s}`) }))]}
              aria-label={t('fb.drawer.sentiment')}
              data-testid="fb-edit-sentiment"
            />
          ),
        },
        {
          key: 'owner',
          label: t('fb.drawer.owner'),
          children: (
            <Select
              {...field}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('fb.unassigned')}
              value={item.owner?.id}
              onChange={(v?: string) => save.mutate({ ownerId: v ?? null })}
              options={userOptions}
              aria-label={t('fb.drawer.owner')}
              data-testid="fb-edit-owner"
            />
          ),
        },
        {
          key: 'status',
          label: t('fb.drawer.status'),
          children: (
            <Select
              {...field}
              value={item.status}
              onChange={(v: string) => save.mutate({ status: v as Patch['status'] })}
              options={(['new', 'in_progress', 'replied', 'closed'] as const).map((s) => ({ value: s, label: t(`fb.status.${s}`), disabled: s === 'replied' }))}
              aria-label={t('fb.drawer.status')}
              data-testid="fb-edit-status"
            />
          ),
        },
        { key: 'due', label: t('fb.drawer.due'), children: <DueTime item={item} /> },
      ]}
    />
  );
}

/** Where the reply went (the outbox message: channel, recipient, status). */
function ReplySent({ item }: { item: FeedbackItemView }) {
  const t = useT();
  const msg = useReplyMessage(item.replyMessageId);
  return (
    <Alert
      type="success"
      showIcon
      data-testid="fb-reply-sent"
      title={`${t('fb.drawer.replied')} · ${formatDateTime(item.repliedAt)}`}
      description={
        <div>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="fb-reply-text">
            {item.replyText}
          </Typography.Paragraph>
          {msg.data ? (
            <Typography.Text type="secondary" data-testid="fb-reply-via">
              {t('fb.drawer.replyVia', { channel: t(`fb.channel.${msg.data.channel}`), recipient: msg.data.recipient, status: t(`fb.msgStatus.${msg.data.status}`) })}
            </Typography.Text>
          ) : null}
        </div>
      }
    />
  );
}

/** The reply to the customer (through the outbox) and what was sent. */
function Reply({ item, writable }: { item: FeedbackItemView; writable: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const [body, setBody] = useState('');
  const [again, setAgain] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { settle } = useItemWrites(item.id);
  const send = useMutation({
    mutationFn: (text: string) => api.post<FeedbackItemView>(`/api/v1/feedback/${item.id}/reply`, { body: text }),
    onSuccess: (next) => {
      settle(next);
      setBody('');
      setAgain(false);
      setError(null);
      message.success(t('fb.drawer.replySent'));
    },
    onError: setError,
  });
  const showBox = writable && !!item.customer && (!item.replyText || again);
  return (
    <div data-testid="fb-reply">
      {item.replyText ? <ReplySent item={item} /> : null}
      {!item.customer ? <Typography.Text type="secondary">{t('fb.drawer.replyNoCustomer')}</Typography.Text> : null}
      {item.replyText && writable && item.customer && !again ? (
        <Button size="small" style={{ marginTop: 8 }} onClick={() => setAgain(true)}>
          {t('fb.drawer.replyAgain')}
        </Button>
      ) : null}
      {showBox ? (
        <div style={{ marginTop: item.replyText ? 8 : 0 }}>
          <ErrorAlert error={error} />
          <Input.TextArea
            rows={3}
            value={body}
            maxLength={L.reply}
            showCount
            onChange={(e) => setBody(e.target.value)}
            placeholder={t('fb.drawer.replyPlaceholder')}
            aria-label={t('fb.drawer.reply')}
            data-testid="fb-reply-box"
          />
          <Flex justify="flex-end" style={{ marginTop: 8 }}>
            <Button type="primary" icon={<SendOutlined />} loading={send.isPending} disabled={!body.trim()} onClick={() => send.mutate(body.trim())} data-testid="fb-reply-send">
              {t('fb.drawer.replySend')}
            </Button>
          </Flex>
        </div>
      ) : null}
    </div>
  );
}

/** 转为工单 (once), then the link to the ticket; delete or restore. */
function Actions({ item, writable, onDeleted }: { item: FeedbackItemView; writable: boolean; onDeleted: () => void }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { settle } = useItemWrites(item.id);
  const fail = (err: unknown) => message.error(errorMessage(err));
  const ticket = useMutation({
    mutationFn: () => api.post<FeedbackItemView>(`/api/v1/feedback/${item.id}/ticket`),
    onSuccess: (next) => {
      settle(next);
      message.success(t('fb.drawer.toTicketDone'));
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/feedback/${item.id}`),
    onSuccess: () => {
      settle(undefined);
      message.success(t('fb.drawer.deleted'));
      onDeleted();
    },
    onError: fail,
  });
  const restore = useMutation({
    mutationFn: () => api.post<FeedbackItemView>(`/api/v1/feedback/${item.id}/restore`),
    onSuccess: (next) => {
      settle(next);
      message.success(t('fb.drawer.restored'));
    },
    onError: fail,
  });
  if (!writable) return null;
  if (item.deletedAt)
    return (
      <Button icon={<UndoOutlined />} loading={restore.isPending} onClick={() => restore.mutate()} data-testid="fb-restore">
        {t('fb.drawer.restore')}
      </Button>
    );
  return (
    <Flex wrap gap={8}>
      {item.ticketId ? (
        <Link to={`/tickets/${item.ticketId}`} data-testid="fb-ticket-link">
          <Button>{t('fb.drawer.openTicket')}</Button>
        </Link>
      ) : can('ticket:write') ? (
        <Button loading={ticket.isPending} onClick={() => ticket.mutate()} data-testid="fb-to-ticket">
          {t('fb.drawer.toTicket')}
        </Button>
      ) : null}
      <Popconfirm title={t('fb.drawer.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => remove.mutate()}>
        <Button danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="fb-delete">
          {t('fb.drawer.delete')}
        </Button>
      </Popconfirm>
    </Flex>
  );
}

function Body({ item, onDeleted }: { item: FeedbackItemView; onDeleted: () => void }) {
  const t = useT();
  const { can } = useAuth();
  const writable = can('feedback:manage') && !item.deletedAt;
  const contact = [item.contactName, item.contactPhone].filter(Boolean).join(' · ');
  return (
    <div data-testid="fb-drawer-body" data-id={item.id} data-version={item.version}>
      {item.deletedAt ? <Alert type="warning" showIcon title={t('fb.drawer.isDeleted')} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', fontSize: 15, background: '#fafafa', padding: 12, borderRadius: 6 }} data-testid="fb-text">
        {item.text}
      </Typography.Paragraph>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'customer', label: t('fb.col.customer'), children: item.customer ? <Link to={`/customers/${item.customer.id}`} data-testid="fb-customer-link">{item.customer.name}</Link> : t('fb.anonymous') },
          ...(contact ? [{ key: 'contact', label: t('fb.drawer.contact'), children: contact }] : []),
          { key: 'source', label: t('fb.drawer.source'), children: t(`fb.source.${item.source}`) },
          ...(item.sourceRef?.startsWith('ticket:')
            ? [{ key: 'sourceTicket', label: t('fb.drawer.sourceTicket'), children: <Link to={`/tickets/${item.sourceRef.slice('ticket:'.length)}`} data-testid="fb-source-ticket">{t('fb.drawer.openTicket')}</Link> }]
            : []),
          { key: 'received', label: t('fb.drawer.received'), children: formatDateTime(item.createdAt) },
          ...(item.ticketId ? [{ key: 'ticket', label: t('fb.drawer.ticket'), children: <Link to={`/tickets/${item.ticketId}`}>{t('fb.drawer.openTicket')}</Link> }] : []),
        ]}
      />
      <Divider titlePlacement="start" style={{ margin: '12px 0' }} />
      <Analysis item={item} />
      <Divider titlePlacement="start" style={{ margin: '12px 0' }}>
        {t('fb.drawer.handling')}
      </Divider>
      <Handling item={item} writable={writable} />
      <Divider titlePlacement="start" style={{ margin: '12px 0' }}>
        {t('fb.drawer.reply')}
      </Divider>
      <Reply item={item} writable={writable} />
      <Divider style={{ margin: '16px 0 12px' }} />
      <Actions item={item} writable={can('feedback:manage')} onDeleted={onDeleted} />
    </div>
  );
}

/** An item of the inbox in a drawer (full width on a phone): what was said, the analysis, its handling and reply. */
export function FeedbackDrawer({ id, onClose, fullWidth }: { id: string | null; onClose: () => void; fullWidth: boolean }) {
  const t = useT();
  const item = useFeedbackItem(id);
  const data = item.data && item.data.id === id ? item.data : undefined;
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={fullWidth ? '100%' : 640}
      destroyOnHidden
      title={
        data ? (
          <Space size={8} wrap>
            <span data-testid="fb-drawer-title">{t('fb.drawer.title', { number: data.number })}</span>
            <StatusTag status={data.status} />
            <SentimentTag item={data} />
          </Space>
        ) : null
      }
      data-testid="fb-drawer"
    >
      <ErrorAlert error={item.error} onRetry={() => void item.refetch()} />
      {data ? <Body item={data} onDeleted={onClose} /> : item.isPending && id ? <Spin /> : null}
    </Drawer>
  );
}
