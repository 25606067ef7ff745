import { useNavigate } from 'react-router';
import type { NotificationView } from './api';
import { useMarkRead } from './api';

/** Opening a notification: marked read (in the background), then its record is shown. */
export function useOpenNotification(after?: () => void) {
  const navigate = useNavigate();
  const markRead = useMarkRead();
  return (n: NotificationView) => {
    if (!n.readAt) markRead.mutate(n.id);
    after?.();
    if (n.link) void navigate(n.link);
  };
}
