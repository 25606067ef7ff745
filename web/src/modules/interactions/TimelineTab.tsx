import { useState, type ReactNode } from 'react';
import { App, Button, Card, Descriptions, Empty, Flex, Popconfirm, Segmented, Space, Spin, Tag, Timeline, Typography } from 'antd';
import {
  CheckSquareOutlined,
  CommentOutlined,
  DeleteOutlined,
  MailOutlined,
  MessageOutlined,
  PhoneOutlined,
  PlusOutlined,
  ShopOutlined,
  TeamOutlined,
  TransactionOutlined,
  WechatOutlined,
  CarOutlined,
  SoundOutlined,
} from '@ant-design/icons';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import type { CustomerView } from '../customers';
import { useCustomerTasks, useRefreshAfterChange, useTimeline, type InteractionChannel, type InteractionView, type TaskView, type TimelineEvent } from './api';
import { CompleteTaskDialog } from './CompleteTaskDialog';
import { TaskForm } from './TaskForm';
import { TaskItem } from './TaskItem';
import { useCancelTask } from './useCancelTask';

const CHANNEL_ICON: Record<InteractionChannel, ReactNode> = {
  call: <PhoneOutlined />,
  visit: <CarOutlined />,
  email: <MailOutlined />,
  sms: <MessageOutlined />,
  wechat: <WechatOutlined />,
  chat: <CommentOutlined />,
  meeting: <TeamOutlined />,
  seminar: <ShopOutlined />,
};

function eventStyle(e: TimelineEvent): { icon: ReactNode; color: string } {
  if (e.kind === 'interaction') return { icon: CHANNEL_ICON[(e.data as InteractionView).channel] ?? <PhoneOutlined />, color: 'blue' };
  if (e.kind === 'transaction') return { icon: <TransactionOutlined />, color: (e.data as { type?: string }).type === 'refund' ? 'orange' : 'green' };
  if (e.kind === 'task') return { icon: <CheckSquareOutlined />, color: 'purple' };
  if (e.kind === 'message') {
    const channel = (e.data as { channel?: string }).channel;
    return { icon: channel === 'email' ? <MailOutlined /> : channel === 'wechat' ? <WechatOutlined /> : <MessageOutlined />, color: 'cyan' };
  }
  if (e.kind === 'feedback') return { icon: <SoundOutlined />, color: ({ neg: 'red', pos: 'green' } as Record<string, string>)[(e.data as { sentiment?: string }).sentiment ?? ''] ?? 'gray' };
  if (e.kind === 'feedback_reply') return { icon: <MessageOutlined />, color: 'green' };
  return { icon: undefined, color: 'gray' };
}

const KINDS = ['', 'interaction', 'transaction', 'task', 'message'] as const;

/** The details an interaction carries beyond its summary: long content, outcome, next step. */
function InteractionDetails({ i }: { i: InteractionView }) {
  const t = useT();
  const items = [
    ...(i.outcome ? [{ key: 'outcome', label: t('interactions.outcome'), children: i.outcome }] : []),
    ...(i.nextStep ? [{ key: 'next', label: t('interactions.nextStep'), children: i.nextStep }] : []),
    ...(i.content ? [{ key: 'content', label: t('interactions.content'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{i.content}</span> }] : []),
  ];
  if (!items.length) return null;
  return <Descriptions size="small" column={1} items={items} style={{ marginTop: 4 }} />;
}

/**
 * 时间线 on the customer 360 page: the customer's open tasks, then every module's business events newest first
 * (contacts, transactions, completed tasks), filterable by kind and paged.
 */
export function TimelineTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const refresh = useRefreshAfterChange();
  const [kind, setKind] = useState<string>('');
  const [creating, setCreating] = useState(false);
  const [completing, setCompleting] = useState<TaskView | null>(null);
  const writable = can('customer:write') && !customer.deletedAt;
  const timeline = useTimeline(customer.id, kind);
  const tasks = useCustomerTasks(customer.id);
  const cancel = useCancelTask(() => refresh(customer.id));
  const events = timeline.items;
  const openTasks = tasks.data ?? [];

  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/interactions/${id}`),
    onSuccess: () => {
      message.success(t('interactions.deleted'));
      refresh(customer.id);
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <div data-testid="timeline-tab">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Segmented
          value={kind}
          onChange={(v) => setKind(String(v))}
          options={KINDS.map((k) => ({ value: k, label: t(k ? `timeline.kind.${k}` : 'timeline.kind.all') }))}
        />
        {writable ? (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('tasks.newForCustomer')}
          </Button>
        ) : null}
      </Flex>
      {openTasks.length ? (
        <Card size="small" title={t('timeline.openTasks', { n: openTasks.length })} style={{ marginBottom: 16 }} styles={{ body: { padding: 0 } }} data-testid="customer-tasks">
          {openTasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              showCustomer={false}
              showAssignee
              writable={writable}
              onComplete={setCompleting}
              onCancel={(tk) => cancel.mutate(tk)}
              cancelling={cancel.isPending && cancel.variables?.id === task.id}
            />
          ))}
        </Card>
      ) : null}
      <ErrorAlert error={timeline.error} onRetry={() => void timeline.refetch()} />
      {timeline.isPending ? (
        <Flex justify="center" style={{ padding: 24 }}>
          <Spin />
        </Flex>
      ) : events.length ? (
        <Timeline
          data-testid="timeline"
          items={events.map((e) => {
            const style = eventStyle(e);
            const interaction = e.kind === 'interaction' ? (e.data as InteractionView) : null;
            return {
              key: `${e.kind}:${e.id}`,
              color: style.color,
              icon: style.icon,
              content: (
                <div data-testid="timeline-item" data-kind={e.kind} data-id={e.id}>
                  <Flex justify="space-between" align="flex-start" gap={8}>
                    <Space wrap size={8}>
                      <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
                      <Typography.Text strong data-testid="timeline-title">
                        {e.title}
                      </Typography.Text>
                      {e.actor ? <Typography.Text type="secondary">{t('interactions.by', { name: e.actor.name })}</Typography.Text> : null}
                      {interaction?.taskId ? <Tag>{t('interactions.fromTask')}</Tag> : null}
                    </Space>
                    {interaction && writable ? (
                      <Popconfirm
                        title={t('interactions.deleteConfirm')}
                        okText={t('common.delete')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common.cancel')}
                        onConfirm={() => remove.mutate(e.id)}
                      >
                        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                      </Popconfirm>
                    ) : null}
                  </Flex>
                  {e.summary ? (
                    <Typography.Paragraph style={{ margin: '2px 0 0', whiteSpace: 'pre-wrap' }} data-testid="timeline-summary">
                      {e.summary}
                    </Typography.Paragraph>
                  ) : null}
                  {interaction ? <InteractionDetails i={interaction} /> : null}
                </div>
              ),
            };
          })}
        />
      ) : (
        <Empty description={t('timeline.empty')} />
      )}
      <LoadMoreFooter shown={events.length ? t('timeline.shown', { n: events.length }) : null} count={events.length} query={timeline} />
      {writable ? (
        <TaskForm
          open={creating}
          customer={{ id: customer.id, name: customer.name }}
          onClose={() => setCreating(false)}
          onSaved={() => {
            message.success(t('tasks.created'));
            setCreating(false);
            refresh(customer.id);
          }}
        />
      ) : null}
      <CompleteTaskDialog
        task={completing}
        onClose={() => setCompleting(null)}
        onDone={() => {
          message.success(t('tasks.completed'));
          setCompleting(null);
          refresh(customer.id);
        }}
      />
    </div>
  );
}
