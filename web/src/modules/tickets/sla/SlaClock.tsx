import { Descriptions, Space, Tag, Tooltip, Typography } from 'antd';
import { ClockCircleOutlined, PauseCircleOutlined, RiseOutlined } from '@ant-design/icons';
import type { SlaClockView } from '../../../../../src/modules/tickets/sla/sla.contract';
import { formatDateTime } from '../../../platform/format';
import { useT, type Translate } from '../../../platform/i18n';
import { useSlaName } from './shippedNames';

const COLOR: Record<SlaClockView['state'], string> = { on_track: 'green', warning: 'orange', breached: 'red', paused: 'default', met: 'blue' };

/** Business time as people say it: 「23 小时 10 分」, 「45 分钟」, 「2 小时」. */
export function formatBusinessTime(t: Translate, ms: number): string {
  const total = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return t('sla.minutes', { m });
  return m ? t('sla.hoursMinutes', { h, m }) : t('sla.hours', { h });
}

/** The clock's main text: 「剩余 23 小时 10 分」, 「已超时 2 小时」, 「已暂停」, 「已达成」. */
export function slaText(t: Translate, sla: SlaClockView): string {
  if (sla.state === 'met' || sla.remainingMs === null) return t('sla.met');
  if (sla.state === 'paused') return t('sla.paused');
  return sla.remainingMs <= 0 ? t('sla.overdue', { time: formatBusinessTime(t, sla.remainingMs) }) : t('sla.left', { time: formatBusinessTime(t, sla.remainingMs) });
}

function LevelBadge({ level }: { level: SlaClockView['escalationLevel'] }) {
  const t = useT();
  if (!level) return null;
  return (
    <Tooltip title={t(`sla.level.${level}`)}>
      <Tag color="volcano" icon={<RiseOutlined />} data-testid="sla-level">
        {t('sla.level', { level })}
      </Tag>
    </Tooltip>
  );
}

/** The SLA clock of a ticket: time left (or overdue) to the next target, its state and escalation level. */
export function SlaClock({ sla, compact }: { sla: SlaClockView | null | undefined; compact?: boolean }) {
  const t = useT();
  const slaName = useSlaName();
  if (!sla) return null;
  const icon = sla.state === 'paused' ? <PauseCircleOutlined /> : <ClockCircleOutlined />;
  const main = (
    <Tag color={COLOR[sla.state]} icon={icon} data-testid="sla-clock" data-state={sla.state} style={{ marginInlineEnd: 0 }}>
      {slaText(t, sla)}
    </Tag>
  );
  if (compact) {
    return (
      <Tooltip title={`${t(`sla.state.${sla.state}`)} · ${slaName(sla.policyName)}`}>
        <Space size={4} wrap>
          {main}
          <LevelBadge level={sla.escalationLevel} />
        </Space>
      </Tooltip>
    );
  }
  const target = (due: string | null, doneAt: string | null, doneKey: 'sla.respondedAt' | 'sla.resolvedAt') => (
    <Space size={4} wrap>
      <span>{formatDateTime(due)}</span>
      {doneAt ? <Typography.Text type="secondary">{t(doneKey, { at: formatDateTime(doneAt) })}</Typography.Text> : null}
    </Space>
  );
  return (
    <div data-testid="sla-panel">
      <Space size={8} wrap style={{ marginBottom: 8 }}>
        {main}
        {/* 已达成 and 已暂停 are the clock's own text: the state beside it would say it twice. */}
        {slaText(t, sla) === t(`sla.state.${sla.state}`) ? null : <Typography.Text type="secondary">{t(`sla.state.${sla.state}`)}</Typography.Text>}
        <LevelBadge level={sla.escalationLevel} />
      </Space>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('sla.firstResponseDue')}>{target(sla.firstResponseDueAt, sla.firstRespondedAt, 'sla.respondedAt')}</Descriptions.Item>
        <Descriptions.Item label={t('sla.resolutionDue')}>{target(sla.resolutionDueAt, sla.resolvedAt, 'sla.resolvedAt')}</Descriptions.Item>
        <Descriptions.Item label={t('sla.policy')}>{slaName(sla.policyName)}</Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('sla.businessTime', { calendar: slaName(sla.calendarName) })}
      </Typography.Text>
    </div>
  );
}
