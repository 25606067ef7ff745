import { Badge, Flex, Typography, theme } from 'antd';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import type { NotificationView } from './api';

/** One notification: its title (bold while unread), its body, when; a click opens it (the caller marks it read). */
export function NotificationItem({ n, onOpen }: { n: NotificationView; onOpen: (n: NotificationView) => void }) {
  const t = useT();
  const { token } = theme.useToken();
  const unread = !n.readAt;
  return (
    <div
      role="button"
      tabIndex={0}
      data-testid="notification-item"
      data-unread={unread ? 'true' : 'false'}
      onClick={() => onOpen(n)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(n);
        }
      }}
      style={{
        padding: '10px 12px',
        cursor: 'pointer',
        borderBottom: `1px solid ${token.colorSplit}`,
        background: unread ? token.colorPrimaryBg : undefined,
      }}
    >
      <Flex gap={8} align="baseline">
        {unread ? <Badge status="processing" aria-label={t('notifications.unread')} /> : null}
        <Flex vertical style={{ minWidth: 0, flex: 1 }}>
          <Typography.Text strong={unread} data-testid="notification-title">
            {n.title}
          </Typography.Text>
          {n.body ? (
            <Typography.Text type="secondary" ellipsis={{ tooltip: n.body }} data-testid="notification-body">
              {n.body}
            </Typography.Text>
          ) : null}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(n.createdAt)}
          </Typography.Text>
        </Flex>
      </Flex>
    </div>
  );
}
