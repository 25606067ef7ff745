import { Progress, Tag } from 'antd';
import { useT, type Translate } from '../../platform/i18n';
import { formatFen } from '../transactions';
import type { GoalStatus, GoalUnit, GoalView } from './api';

const STATUS_COLOR: Record<GoalStatus, string> = { not_started: 'default', on_track: 'green', achieved: 'green', at_risk: 'red', missed: 'red', no_data: 'default' };
const BAR_COLOR: Partial<Record<GoalStatus, string>> = { on_track: '#52c41a', achieved: '#52c41a', at_risk: '#ff4d4f', missed: '#ff4d4f' };

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A figure as it reads in its unit: ¥ for fen, % for percentages, 小时 for hours; — when there is none. */
export function formatFigure(t: Translate, value: number | null | undefined, unit: GoalUnit): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'fen':
      return formatFen(value);
    case 'percent':
      return `${round(value, 1).toLocaleString()}%`;
    case 'hours':
      return t('goals.hours', { n: round(value, 1).toLocaleString() });
    case 'score':
      return round(value, 2).toLocaleString();
    default:
      return round(value, 1).toLocaleString();
  }
}

export function useFigure() {
  const t = useT();
  return (value: number | null | undefined, unit: GoalUnit) => formatFigure(t, value, unit);
}

/** 进展正常 / 已达成 green, 有风险 / 未达成 red, the others plain. */
export function StatusTag({ status }: { status: GoalStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="goal-status" style={{ marginInlineEnd: 0 }}>
      {t(`goals.status.${status}`)}
    </Tag>
  );
}

/**
 * The metric as a goal reads it: its name, and for a metric with a parameter what it is measured for — 细分人数 ·
 * 高价值流失预警 (a segment removed since: marked so).
 */
export function metricText(t: Translate, g: Pick<GoalView, 'metric' | 'metricParam' | 'metricParamLabel'>): string {
  if (!g.metric.param || g.metricParam === null) return g.metric.label;
  return t('goals.metricWithParam', { metric: g.metric.label, param: g.metricParamLabel ?? t('goals.param.removed') });
}

/** 公司, or the team's or the person's name. */
export function ownerText(t: Translate, g: Pick<GoalView, 'ownerKind' | 'owner'>): string {
  return g.ownerKind === 'company' ? t('goals.owner.company') : (g.owner?.name ?? t(`goals.owner.${g.ownerKind}`));
}

/** 2025 年 6 月, 2025 年第 2 季度, 2025 年, or the range of days. */
export function periodText(t: Translate, g: Pick<GoalView, 'periodKind' | 'periodStart' | 'periodEnd'>): string {
  const [y, m] = g.periodStart.split('-').map(Number) as [number, number];
  switch (g.periodKind) {
    case 'month':
      return t('goals.period.month', { y, m });
    case 'quarter':
      return t('goals.period.quarter', { y, q: Math.floor((m - 1) / 3) + 1 });
    case 'year':
      return t('goals.period.year', { y });
    default:
      return t('goals.period.custom', { start: g.periodStart, end: g.periodEnd });
  }
}

/** What the goal asks: the target figure, or the change on a year earlier (e.g. −30%). */
export function targetText(t: Translate, g: GoalView): string {
  if (g.targetKind === 'change') return t('goals.target.change', { change: `${g.targetValue > 0 ? '+' : ''}${g.targetValue}%` });
  return formatFigure(t, g.targetValue, g.metric.unit);
}

/** The attainment as a bar (capped at 100%), with the figure itself beside it. */
export function AttainmentBar({ goal, size }: { goal: GoalView; size?: 'small' | 'default' }) {
  const a = goal.progress.attainment;
  return (
    <Progress
      data-testid="goal-attainment"
      percent={a === null ? 0 : Math.min(100, Math.max(0, a))}
      strokeColor={BAR_COLOR[goal.progress.status]}
      format={() => (a === null ? '—' : `${round(a, 0)}%`)}
      size={size === 'small' ? 'small' : undefined}
      style={{ marginBottom: 0, minWidth: 100 }}
    />
  );
}
