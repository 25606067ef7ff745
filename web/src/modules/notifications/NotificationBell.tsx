import { useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Badge, Button, Empty, Flex, Popover, Spin, Tooltip, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { useLatest, useMarkAllRead, useUnreadCount } from './api';
import { NotificationItem } from './NotificationItem';
import { useOpenNotification } from './useOpenNotification';

/** The dropdown of the bell: the latest notifications, 全部已读, and the way to the notifications page. */
function Latest({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const latest = useLatest(true);
  const markAll = useMarkAllRead();
  const open = useOpenNotification(onClose);
  const items = latest.data ?? [];
  return (
    <div style={{ width: 360, maxWidth: 'calc(100vw - 32px)' }} data-testid="notification-dropdown">
      <Flex justify="space-between" align="center" style={{ padding: '8px 12px' }}>
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button
          size="small"
          type="link"
          data-testid="notifications-mark-all"
          loading={markAll.isPending}
          disabled={!items.some((n) => !n.readAt)}
          onClick={() => markAll.mutate(undefined, { onError: (err) => void message.error(errorMessage(err)) })}
        >
          {t('notifications.markAll')}
        </Button>
      </Flex>
      <div style={{ maxHeight: 420, overflowY: 'auto' }}>
        {latest.isPending ? (
          <Flex justify="center" style={{ padding: 24 }}>
            <Spin />
          </Flex>
        ) : items.length ? (
          items.map((n) => <NotificationItem key={n.id} n={n} onOpen={open} />)
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
        )}
      </div>
      <Button
        type="link"
        block
        data-testid="notifications-view-all"
        onClick={() => {
          onClose();
          void navigate('/notifications');
        }}
      >
        {t('notifications.viewAll')}
      </Button>
    </div>
  );
}

/** The bell in the header: my unread notifications (polled), a click opens the latest. */
export function NotificationBell() {
  const t = useT();
  const { me } = useAuth();
  const [open, setOpen] = useState(false);
  const count = useUnreadCount(!!me?.user);
  if (!me?.user) return null;
  const n = count.data?.unread ?? 0;
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      arrow={false}
      styles={{ container: { padding: 0 } }}
      destroyOnHidden
      content={<Latest onClose={() => setOpen(false)} />}
    >
      <Tooltip title={open ? null : t('notifications.bell', { n })}>
        <Button type="text" aria-label={t('notifications.bell', { n })} data-testid="notification-bell" style={{ paddingInline: 8 }}>
          <Badge count={n} size="small" overflowCount={99} data-testid="notification-count">
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        </Button>
      </Tooltip>
    </Popover>
  );
}
