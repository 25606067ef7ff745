/**
 * The goals module's tile on the home page (issue #17): 目标进度 — the current goals the user may see (as the goals list
 * shows them, `when=current`), how many are on track and at risk, and the goals themselves, those at risk first. On the
 * manager's board, and on the account manager's and the agent's for the goals of their team and their own.
 */
import { t } from '../../platform/i18n/index.js';
import type { DashboardTileDef, TileContext, TileRow, TileTone } from '../dashboards/index.js';
import type { GoalStatus, GoalUnit } from './goals.contract.js';
import { listGoalViews } from './goals.service.js';

export const GOAL_ROWS = 6;
const TONE: Record<GoalStatus, TileTone> = { not_started: 'default', on_track: 'success', at_risk: 'danger', achieved: 'success', missed: 'danger', no_data: 'default' };
const ORDER: Record<GoalStatus, number> = { at_risk: 0, missed: 1, no_data: 2, on_track: 3, achieved: 4, not_started: 5 };

/** A figure as the tile's detail line shows it (money in yuan). */
function figure(x: number | null, unit: GoalUnit): string {
  if (x === null) return '—';
  if (unit === 'fen') return `¥${(x / 100).toLocaleString('zh-CN', { maximumFractionDigits: 0 })}`;
  if (unit === 'percent') return `${Math.round(x * 10) / 10}%`;
  return String(Math.round(x * 100) / 100);
}

async function load({ db, actor, now, locale }: TileContext) {
  const { items } = await listGoalViews(db, actor, { when: 'current', deleted: 'exclude' }, now);
  const count = (s: GoalStatus) => items.filter((g) => g.progress.status === s).length;
  const sorted = [...items].sort((a, b) => ORDER[a.progress.status] - ORDER[b.progress.status] || a.name.localeCompare(b.name));
  const rows: TileRow[] = sorted.slice(0, GOAL_ROWS).map((g) => ({
    id: g.id,
    label: g.name,
    detail: [
      t(locale, `goals.status.${g.progress.status}`),
      `${figure(g.progress.value, g.metric.unit)} / ${figure(g.progress.target, g.metric.unit)}`,
      g.owner?.name,
    ]
      .filter(Boolean)
      .join(' · '),
    at: null,
    tone: TONE[g.progress.status],
    link: `/goals/${g.id}`,
  }));
  return {
    title: t(locale, 'goals.tile.title'),
    description: t(locale, 'goals.tile.description'),
    stats: [
      { label: t(locale, 'goals.tile.on_track'), value: count('on_track'), unit: 'count' as const, tone: 'success' as const, link: '/goals' },
      { label: t(locale, 'goals.tile.at_risk'), value: count('at_risk'), unit: 'count' as const, tone: count('at_risk') ? ('danger' as const) : ('default' as const), link: '/goals' },
    ],
    rows,
    chart: null,
    link: '/goals',
  };
}

export const goalDashboardTiles: DashboardTileDef[] = [{ key: 'goals.progress', boards: ['manager', 'account', 'agent'], order: 5, permissions: ['goal:read'], load }];
