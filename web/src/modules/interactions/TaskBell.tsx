import { useNavigate } from 'react-router';
import { Badge, Button, Tooltip } from 'antd';
import { ScheduleOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { useTaskCounts } from './api';

/** The reminder in the header: my tasks overdue or due today (polled every minute); a click opens 我的任务. */
export function TaskBell() {
  const t = useT();
  const navigate = useNavigate();
  const { me } = useAuth();
  const counts = useTaskCounts(!!me?.user);
  if (!me?.user) return null;
  const overdue = counts.data?.overdue ?? 0;
  const n = overdue + (counts.data?.today ?? 0);
  return (
    <Tooltip title={t('tasks.bell', { n })}>
      <Button
        type="text"
        aria-label={t('tasks.bell', { n })}
        data-testid="task-bell"
        onClick={() => navigate(overdue ? '/tasks?tab=overdue' : '/tasks')}
        style={{ paddingInline: 8 }}
      >
        <Badge count={n} size="small" overflowCount={99} color={overdue ? undefined : 'gold'}>
          <ScheduleOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Tooltip>
  );
}
