import { useSearchParams } from 'react-router';
import { App, Button, Card, Empty, Flex, Space, Spin, Switch, Tabs, Typography } from 'antd';
import { errorMessage } from '../../platform/api';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { useMarkAllRead, useNotificationList, useNotificationSettings, useUnreadCount, useUpdateNotificationSettings } from './api';
import { NotificationItem } from './NotificationItem';
import { useOpenNotification } from './useOpenNotification';

type Tab = 'all' | 'unread';
const TABS: Tab[] = ['all', 'unread'];

function NotificationList({ tab }: { tab: Tab }) {
  const t = useT();
  const list = useNotificationList(tab);
  const open = useOpenNotification();
  if (list.isPending) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }
  return (
    <>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      {list.items.length ? (
        <Card size="small" styles={{ body: { padding: 0 } }} data-testid="notification-list">
          {list.items.map((n) => (
            <NotificationItem key={n.id} n={n} onOpen={open} />
          ))}
        </Card>
      ) : (
        <Empty description={t(tab === 'unread' ? 'notifications.emptyUnread' : 'notifications.empty')} />
      )}
      <LoadMoreFooter shown={list.items.length ? t('notifications.shown', { n: list.items.length }) : null} count={list.items.length} query={list} />
    </>
  );
}

/** 每日邮件摘要: the reader's own switch (off by default), to their account e-mail. */
function DigestSwitch() {
  const t = useT();
  const { message } = App.useApp();
  const settings = useNotificationSettings();
  const update = useUpdateNotificationSettings();
  const email = settings.data?.email ?? null;
  return (
    <Space>
      <Switch
        data-testid="notifications-digest"
        checked={settings.data?.digestEmail ?? false}
        loading={settings.isPending || update.isPending}
        disabled={!email && !settings.data?.digestEmail}
        onChange={(on) =>
          update.mutate(
            { digestEmail: on },
            {
              onSuccess: () => void message.success(t(on ? 'notifications.digestOn' : 'notifications.digestOff')),
              onError: (err) => void message.error(errorMessage(err)),
            },
          )
        }
      />
      <Typography.Text>{t('notifications.digest')}</Typography.Text>
      <Typography.Text type="secondary">{email ? t('notifications.digestHint', { email }) : settings.data ? t('notifications.digestNoEmail') : null}</Typography.Text>
    </Space>
  );
}

/** 通知: my notifications, all or unread, 全部已读, and the daily e-mail digest switch. */
export function NotificationsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'unread' ? 'unread' : 'all';
  const count = useUnreadCount(true);
  const markAll = useMarkAllRead();
  const unread = count.data?.unread ?? 0;
  return (
    <>
      <PageHeader
        title={t('notifications.title')}
        subtitle={t('notifications.intro')}
        extra={
          <Button
            data-testid="notifications-page-mark-all"
            disabled={!unread}
            loading={markAll.isPending}
            onClick={() =>
              markAll.mutate(undefined, {
                onSuccess: () => void message.success(t('notifications.markedAll')),
                onError: (err) => void message.error(errorMessage(err)),
              })
            }
          >
            {t('notifications.markAll')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <DigestSwitch />
      </Card>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'all' ? {} : { tab: k }, { replace: true })}
          items={TABS.map((k) => ({
            key: k,
            label: k === 'unread' && unread ? `${t('notifications.tab.unread')} (${unread > 99 ? '99+' : unread})` : t(`notifications.tab.${k}`),
            children: <NotificationList tab={k} />,
          }))}
        />
      </Card>
    </>
  );
}
