import { useState, type HTMLAttributes } from 'react';
import { App, Button, DatePicker, Flex, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { RedoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { endOfDayIso, formatDateTime, startOfDayIso } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, messageKeys, useOutbox, type MessageChannel, type MessageStatus, type MessageView } from './api';
import { MessageStatusTag } from './parts';

/** 消息发送记录 (administrators): the outbox by status and channel, with the last error and 重试 for failed messages. */
export function OutboxPage() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const [channel, setChannel] = useState<MessageChannel | ''>('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const outbox = useOutbox(status, channel, range?.[0] ? startOfDayIso(range[0]) : '', range?.[1] ? endOfDayIso(range[1]) : '');
  const rows = outbox.items;
  const retry = useMutation({
    mutationFn: (id: string) => api.post<MessageView>(`/api/v1/messages/${id}/retry`),
    onSuccess: () => {
      message.success(t('msg.outbox.retried'));
      void qc.invalidateQueries({ queryKey: messageKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title={t('msg.outbox.title')}
        extra={
          <>
            <Select
              value={status}
              onChange={setStatus}
              style={{ width: 170 }}
              prefix={t('msg.outbox.status')}
              aria-label={t('msg.outbox.status')}
              options={[{ value: '', label: t('common.all') }, ...MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`msg.status.${s}`) }))]}
            />
            <Select
              value={channel}
              onChange={setChannel}
              style={{ width: 150 }}
              prefix={t('msg.outbox.channel')}
              aria-label={t('msg.outbox.channel')}
              options={[{ value: '', label: t('common.all') }, ...MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`msg.channel.${c}`) }))]}
            />
            <DatePicker.RangePicker value={range} onChange={(r) => setRange(r)} allowEmpty={[true, true]} placeholder={[t('common.dateFrom'), t('common.dateTo')]} />
          </>
        }
      />
      <ErrorAlert error={outbox.error} onRetry={() => void outbox.refetch()} />
      <Table<MessageView>
        rowKey="id"
        loading={outbox.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('msg.outbox.empty') }}
        scroll={{ x: 1000 }}
        onRow={() => ({ 'data-testid': 'outbox-row' }) as unknown as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('msg.outbox.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
          {
            title: t('msg.outbox.customer'),
            dataIndex: 'customerName',
            width: 120,
            render: (name: string | null, m) => (m.customerId ? <Link to={`/customers/${m.customerId}`}>{name ?? m.customerId.slice(0, 8)}</Link> : '—'),
          },
          { title: t('msg.outbox.channel'), dataIndex: 'channel', width: 80, render: (c: MessageChannel) => <Tag>{t(`msg.channel.${c}`)}</Tag> },
          { title: t('msg.outbox.recipient'), dataIndex: 'recipient', width: 180, ellipsis: true },
          {
            title: t('msg.outbox.content'),
            ellipsis: { showTitle: true },
            render: (_, m) => `${m.subject ? `${m.subject} — ` : ''}${m.body}`,
          },
          {
            title: t('msg.outbox.status'),
            width: 200,
            render: (_, m) => (
              <div>
                <MessageStatusTag m={m} />
                {m.attempts ? <Typography.Text type="secondary">{` ${t('msg.outbox.attempts')} ${m.attempts}`}</Typography.Text> : null}
                {m.openedAt ? (
                  <Tag color="blue" data-testid="outbox-engagement" title={formatDateTime(m.openedAt)}>
                    {m.clicks ? t('msg.outbox.clicked', { n: m.clicks }) : t('msg.outbox.opened')}
                  </Tag>
                ) : null}
                {m.status === 'queued' && m.nextAttemptAt && m.attempts ? (
                  <div>
                    <Typography.Text type="secondary">{t('msg.outbox.nextAttempt', { time: formatDateTime(m.nextAttemptAt) })}</Typography.Text>
                  </div>
                ) : null}
                {m.lastError && m.status !== 'sent' ? (
                  <div>
                    <Typography.Text type="danger" ellipsis style={{ maxWidth: 190 }} title={m.lastError}>
                      {m.lastError}
                    </Typography.Text>
                  </div>
                ) : null}
              </div>
            ),
          },
          { title: t('msg.outbox.sentAt'), dataIndex: 'sentAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : '') },
          {
            title: t('common.actions'),
            width: 90,
            render: (_, m) =>
              m.status === 'failed' ? (
                <Button size="small" icon={<RedoOutlined />} loading={retry.isPending && retry.variables === m.id} onClick={() => retry.mutate(m.id)}>
                  {t('msg.outbox.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Flex vertical>
        <LoadMoreFooter shown={rows.length ? t('msg.outbox.shown', { n: rows.length }) : null} count={rows.length} query={outbox} />
      </Flex>
    </>
  );
}
