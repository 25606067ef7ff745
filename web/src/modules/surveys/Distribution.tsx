import { useState } from 'react';
import { Alert, App, Button, Card, Flex, Popconfirm, Progress, Space, Table, Tag, Typography } from 'antd';
import { BellOutlined, SendOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { sendRunning, surveyKeys, useSends, type ReminderResult, type SurveySendView, type SurveyView } from './api';
import { QrCodes } from './QrCodes';
import { SendDialog } from './SendDialog';
import { Triggers } from './Triggers';

const BLOCK_REASONS = ['no_consent', 'frequency_cap', 'no_recipient', 'customer_deleted', 'withdrawn', 'quiet_hours'] as const;
type BlockReason = (typeof BLOCK_REASONS)[number];
export const reasonText = (t: Translate, r: string) => ((BLOCK_REASONS as readonly string[]).includes(r) ? t(`surveys.reason.${r as BlockReason}`) : r);

/** A send's counts: drawn → sampled out / fatigue / already invited → invited → queued, delivered, failed, blocked by reason. */
function Counts({ s }: { s: SurveySendView }) {
  const t = useT();
  const c = s.counts;
  const blocked = Object.entries(c.blocked).filter(([, n]) => n > 0);
  const item = (key: 'drawn' | 'sampledOut' | 'fatigue' | 'alreadyInvited' | 'invited' | 'queued' | 'delivered' | 'failed') => (
    <span key={key} data-testid={`send-count-${key}`} data-value={c[key]}>
      {t(`surveys.count.${key}`)} <b>{c[key]}</b>
    </span>
  );
  return (
    <Flex gap={12} wrap>
      {(['drawn', 'invited', 'fatigue', 'alreadyInvited', 'sampledOut', 'queued', 'delivered', 'failed'] as const).map(item)}
      {blocked.map(([r, n]) => (
        <Tag key={r} color="orange" data-testid={`send-blocked-${r}`}>
          {`${reasonText(t, r)} ${n}`}
        </Tag>
      ))}
    </Flex>
  );
}

function SendStatus({ s }: { s: SurveySendView }) {
  const t = useT();
  if (sendRunning(s.status)) {
    const pct = s.progress.total > 0 ? Math.round((s.progress.done / s.progress.total) * 100) : 0;
    return (
      <div style={{ minWidth: 120 }}>
        <Tag color="processing">{t(`surveys.sendStatus.${s.status as 'queued' | 'running'}`)}</Tag>
        <Progress percent={pct} size="small" status="active" />
      </div>
    );
  }
  const color = s.status === 'done' ? 'green' : s.status === 'failed' ? 'red' : 'default';
  return (
    <Space direction="vertical" size={0}>
      <Tag color={color} data-testid="send-status">
        {t(`surveys.sendStatus.${s.status as 'done' | 'failed' | 'cancelled'}`)}
      </Tag>
      {s.error ? <Typography.Text type="danger">{s.error}</Typography.Text> : null}
    </Space>
  );
}

function Sends({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const sends = useSends(survey.id);
  const cancel = useMutation({
    mutationFn: (sendId: string) => api.post<SurveySendView>(`/api/v1/surveys/${survey.id}/sends/${sendId}/cancel`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: surveyKeys.sends(survey.id) }),
    onError: (err) => message.error(errorMessage(err)),
  });
  if (sends.error) return <ErrorAlert error={sends.error} onRetry={() => void sends.refetch()} />;
  return (
    <Table<SurveySendView>
      rowKey="id"
      size="small"
      loading={sends.isPending}
      dataSource={sends.data ?? []}
      pagination={false}
      scroll={{ x: 900 }}
      locale={{ emptyText: t('surveys.sends.empty') }}
      data-testid="sends"
      onRow={() => ({ 'data-testid': 'send-row' }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('surveys.sends.at'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
        {
          title: t('surveys.sends.audience'),
          key: 'audience',
          width: 150,
          render: (_: unknown, s) => (
            <Space size={4} wrap>
              {t(`surveys.sends.audience.${s.audience}`)}
              {s.customerCount != null ? `(${s.customerCount})` : null}
              {s.dryRun ? <Tag color="purple">{t('surveys.send.dryRun')}</Tag> : null}
            </Space>
          ),
        },
        { title: t('surveys.send.channel'), dataIndex: 'channel', width: 80, render: (c: SurveySendView['channel']) => t(`surveys.channel.${c}`) },
        { title: t('surveys.sends.status'), key: 'status', width: 140, render: (_: unknown, s) => <SendStatus s={s} /> },
        { title: t('surveys.sends.counts'), key: 'counts', render: (_: unknown, s) => <Counts s={s} /> },
        {
          title: '',
          key: 'actions',
          width: 80,
          render: (_: unknown, s) =>
            sendRunning(s.status) && can('survey:manage') ? (
              <Popconfirm title={t('surveys.sends.cancelConfirm')} onConfirm={() => cancel.mutate(s.id)}>
                <Button size="small" danger loading={cancel.isPending && cancel.variables === s.id}>
                  {t('common.cancel')}
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}

/** 立即提醒: the due reminders to those who have not answered, now. */
function RemindButton({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { message } = App.useApp();
  const remind = useMutation({
    mutationFn: () => api.post<ReminderResult>(`/api/v1/surveys/${survey.id}/reminders`),
    onSuccess: (r) => {
      const blocked = Object.entries(r.blocked).filter(([, n]) => n > 0).map(([k, n]) => `${reasonText(t, k)} ${n}`).join('，');
      message.success(t('surveys.remind.done', { eligible: r.eligible, queued: r.queued, blocked: blocked || '0' }));
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Button icon={<BellOutlined />} loading={remind.isPending} disabled={survey.status !== 'active'} onClick={() => remind.mutate()} data-testid="survey-remind">
      {t('surveys.remind')}
    </Button>
  );
}

/** 发放: sends (with their progress and counts), reminders now, triggers and QR codes. */
export function Distribution({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const [sending, setSending] = useState(false);
  const manage = can('survey:manage') && !survey.deletedAt;
  const active = survey.status === 'active';
  return (
    <Flex vertical gap={16} data-testid="distribution">
      {!active ? <Alert type="info" showIcon title={t('surveys.send.needsActive')} /> : null}
      <Card
        size="small"
        title={t('surveys.sends.title')}
        extra={
          manage ? (
            <Space>
              <RemindButton survey={survey} />
              <Button type="primary" icon={<SendOutlined />} disabled={!active} onClick={() => setSending(true)} data-testid="survey-send">
                {t('surveys.send.title')}
              </Button>
            </Space>
          ) : null
        }
      >
        <Typography.Paragraph type="secondary">
          {t('surveys.sends.rules', { expiry: survey.settings.expiryDays, reminders: survey.settings.maxReminders, after: survey.settings.reminderAfterDays, fatigue: survey.settings.fatigueDays })}
        </Typography.Paragraph>
        <Sends survey={survey} />
      </Card>
      <Triggers survey={survey} />
      <QrCodes survey={survey} />
      {sending ? <SendDialog survey={survey} onClose={() => setSending(false)} /> : null}
    </Flex>
  );
}
