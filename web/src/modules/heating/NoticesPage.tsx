import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Descriptions, Empty, Flex, List, Progress, Space, Statistic, Tag, Typography } from 'antd';
import { SoundOutlined } from '@ant-design/icons';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { usePagedList } from '../../platform/usePagedList';
import { heatingKeys, NOTICE_BLOCKED_REASONS, useNotice, type NoticePage, type NoticeView } from './api';
import { NoticeDialog } from './NoticeDialog';

const STATUS_COLOR: Record<NoticeView['status'], string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error', cancelled: 'warning' };

const targetOf = (n: NoticeView) => [n.compound, n.building, n.unit].filter(Boolean).join(' ');

/** One notice's outcome: reached (in the outbox) and not sent, by reason; progress while a large one runs. */
export function NoticeResult({ notice }: { notice: NoticeView }) {
  const t = useT();
  const running = notice.status === 'queued' || notice.status === 'running';
  return (
    <Card
      size="small"
      data-testid="notice-result"
      title={
        <Space wrap>
          <Tag color={notice.kind === 'outage' ? 'orange' : 'red'}>{t(`heating.kind.${notice.kind}`)}</Tag>
          <span>{targetOf(notice)}</span>
          <Typography.Text type="secondary">{t('heating.notice.households', { n: notice.households })}</Typography.Text>
        </Space>
      }
      extra={<Tag color={STATUS_COLOR[notice.status]}>{t(`heating.status.${notice.status}`)}</Tag>}
      style={{ marginBottom: 12 }}
    >
      {running ? <Progress percent={Math.round((100 * notice.progress.done) / Math.max(1, notice.progress.total))} format={() => t('heating.notice.progress', notice.progress)} /> : null}
      <Flex gap={32} wrap style={{ marginBottom: 8 }}>
        <Statistic title={t('heating.notice.reached')} value={notice.reached} valueStyle={{ color: '#389e0d' }} data-testid="notice-reached" />
        <Statistic title={t('heating.notice.blocked')} value={notice.blocked} valueStyle={{ color: notice.blocked ? '#cf1322' : undefined }} data-testid="notice-blocked" />
      </Flex>
      <Descriptions size="small" column={1} data-testid="notice-blocked-reasons">
        {NOTICE_BLOCKED_REASONS.filter((r) => notice.counts.blocked[r] > 0).map((r) => (
          <Descriptions.Item key={r} label={t(`heating.blocked.${r}`)}>
            <span data-testid={`notice-blocked-${r}`}>{notice.counts.blocked[r]}</span>
          </Descriptions.Item>
        ))}
      </Descriptions>
      {notice.counts.quietHours ? <Typography.Paragraph type="secondary">{t('heating.notice.waiting', { n: notice.counts.quietHours })}</Typography.Paragraph> : null}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('heating.notice.delivery', notice.delivery)} · {notice.templateName} · {t(`heating.channel.${notice.channel}`)}
        {notice.requestedBy ? ` · ${t('heating.notice.by', { name: notice.requestedBy.name, time: formatDateTime(notice.createdAt) })}` : ''}
      </Typography.Text>
      {notice.error ? <Typography.Paragraph type="danger">{notice.error}</Typography.Paragraph> : null}
    </Card>
  );
}

/** The notice just sent (?id=), polled until its run is done. */
function CurrentNotice({ id }: { id: string }) {
  const notice = useNotice(id);
  if (notice.error) return <ErrorAlert error={notice.error} />;
  return notice.data ? <NoticeResult notice={notice.data} /> : null;
}

/** 停暖/抢修通知: send one, see what it reached; the notices sent before. */
export function NoticesPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const current = params.get('id');
  const [sending, setSending] = useState(false);
  const list = usePagedList<NoticeView, NoticePage>({
    queryKey: heatingKeys.notices,
    path: '/api/v1/heating/notices',
    limit: 20,
    refetchInterval: (pages) => (pages.some((p) => p.items.some((n) => n.status === 'queued' || n.status === 'running')) ? 2000 : false),
  });
  return (
    <>
      <PageHeader
        title={t('heating.notices.title')}
        subtitle={t('heating.notices.subtitle')}
        extra={
          <Button type="primary" icon={<SoundOutlined />} onClick={() => setSending(true)} data-testid="notice-new">
            {t('heating.notices.new')}
          </Button>
        }
      />
      {current ? <CurrentNotice id={current} /> : null}
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Card size="small">
        <List<NoticeView>
          loading={list.isPending}
          dataSource={list.items}
          locale={{ emptyText: <Empty description={t('heating.notices.empty')} /> }}
          renderItem={(n) => (
            <List.Item key={n.id} data-testid="notice-item" actions={[<Tag key="s" color={STATUS_COLOR[n.status]}>{t(`heating.status.${n.status}`)}</Tag>]}>
              <List.Item.Meta
                title={
                  <Button type="link" style={{ padding: 0 }} onClick={() => setParams({ id: n.id })}>
                    {t(`heating.kind.${n.kind}`)} · {targetOf(n)}
                  </Button>
                }
                description={`${formatDateTime(n.createdAt)} · ${t('heating.notice.reached')} ${n.reached} · ${t('heating.notice.blocked')} ${n.blocked} · ${n.templateName ?? ''}`}
              />
            </List.Item>
          )}
        />
        <LoadMoreFooter shown="" count={list.items.length} query={list} />
      </Card>
      {sending ? <NoticeDialog onClose={() => setSending(false)} onSent={(n) => setParams({ id: n.id })} /> : null}
    </>
  );
}
