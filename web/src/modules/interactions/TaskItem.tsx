import { Link } from 'react-router';
import { Button, Flex, Popconfirm, Space, Tag, Typography, theme } from 'antd';
import { CheckOutlined, ClockCircleOutlined, StopOutlined, UserOutlined } from '@ant-design/icons';
import { ClampText } from '../../platform/ClampText';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import type { TaskType, TaskView } from './api';

export const TASK_TYPE_COLOR: Record<TaskType, string> = { return_visit: 'blue', care: 'magenta', win_back: 'orange', other: 'default' };
const BUCKET_COLOR = { overdue: 'red', today: 'gold', upcoming: 'default' } as const;

/** One task: type, title, customer, due time (red when overdue), assignee; 完成 and 取消 while it is open. */
export function TaskItem({
  task,
  showCustomer = true,
  showAssignee = false,
  writable,
  onComplete,
  onCancel,
  cancelling,
}: {
  task: TaskView;
  showCustomer?: boolean;
  showAssignee?: boolean;
  writable: boolean;
  onComplete: (task: TaskView) => void;
  onCancel: (task: TaskView) => void;
  cancelling?: boolean;
}) {
  const t = useT();
  const { token } = theme.useToken();
  const open = task.status === 'open';
  return (
    <Flex
      data-testid="task-row"
      data-task-id={task.id}
      justify="space-between"
      align="flex-start"
      wrap
      gap={8}
      style={{ padding: '10px 12px', borderBottom: `1px solid ${token.colorBorderSecondary}` }}
    >
      <div style={{ minWidth: 0, flex: '1 1 280px' }}>
        <Space wrap size={6}>
          <Tag color={TASK_TYPE_COLOR[task.type]}>{t(`tasks.type.${task.type}`)}</Tag>
          <Typography.Text strong data-testid="task-title">
            <ClampText text={task.title} minWidth={0} />
          </Typography.Text>
          {task.bucket ? <Tag color={BUCKET_COLOR[task.bucket]}>{t(`tasks.bucket.${task.bucket}`)}</Tag> : null}
          {task.status !== 'open' ? <Tag color={task.status === 'done' ? 'green' : 'default'} data-testid="task-status">{t(`tasks.status.${task.status}`)}</Tag> : null}
        </Space>
        <div>
          <Space wrap size={12} style={{ color: token.colorTextSecondary, fontSize: 13 }}>
            {showCustomer && task.customerId ? (
              task.customerName ? (
                <Link to={`/customers/${task.customerId}?tab=timeline`} data-testid="task-customer">
                  <ClampText text={task.customerName} lines={1} minWidth={0} maxWidth={300} />
                </Link>
              ) : (
                <span>{t('tasks.hiddenCustomer')}</span>
              )
            ) : null}
            <span style={{ color: task.bucket === 'overdue' ? token.colorError : undefined }}>
              <ClockCircleOutlined /> {t('tasks.due', { time: formatDateTime(task.dueAt) })}
            </span>
            {showAssignee ? (
              <span>
                <UserOutlined /> {task.assignee.name}
              </span>
            ) : null}
            {task.completedAt ? <span>{t('tasks.doneAt', { time: formatDateTime(task.completedAt) })}</span> : null}
          </Space>
        </div>
        {task.notes ? <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>{task.notes}</Typography.Paragraph> : null}
        {task.result ? (
          <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }} data-testid="task-result">
            {t('tasks.resultLine', { result: task.result })}
          </Typography.Paragraph>
        ) : null}
      </div>
      {open && writable ? (
        <Space size={4}>
          <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => onComplete(task)}>
            {t('tasks.complete')}
          </Button>
          <Popconfirm
            title={t('tasks.cancelConfirm', { title: task.title })}
            okText={t('tasks.cancel')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.back')}
            onConfirm={() => onCancel(task)}
          >
            <Button size="small" icon={<StopOutlined />} aria-label={t('tasks.cancel')} loading={cancelling} />
          </Popconfirm>
        </Space>
      ) : null}
    </Flex>
  );
}
