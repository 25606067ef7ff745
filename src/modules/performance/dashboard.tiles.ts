/**
 * 我的绩效 on the agent's home board (issue #17): the agent's own month so far — incentive score, rank among the
 * agents of their team (the whole company when they have none), tickets handled and SLA compliance — and the team's
 * leaderboard (rank, name, score). The figures are the performance page's own (`performanceReport`, computed here
 * for the agent's team over every ticket, since an agent's own data scope would leave them no peers to be ranked
 * against). Only the agent's own KPIs are shown; of the others, only name, rank and score.
 */
import { sql } from 'drizzle-orm';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import type { DashboardTileDef, TileContext, TileRow } from '../dashboards/index.js';
import { performanceReport } from './performance.service.js';

export const LEADERBOARD_ROWS = 5;

async function load({ db, actor, now, locale }: TileContext) {
  const [me] = actor.userId ? rowsOf<{ team_id: string | null }>(await db.execute(sql`select team_id from ${userDirectory} where id = ${actor.userId}::uuid`)) : [];
  const report = await performanceReport(db, systemActor('system', locale), { teamId: me?.team_id ?? undefined }, now);
  const ranked = report.rows.filter((r) => r.rank !== null);
  const mine = report.rows.find((r) => r.user.id === actor.userId) ?? null;
  const top = ranked.slice(0, LEADERBOARD_ROWS);
  // The agent's own line stays on the board when they are below the top rows.
  if (mine?.rank && !top.includes(mine)) top.push(mine);
  const rows: TileRow[] = top.map((r) => ({
    id: r.user.id,
    label: `${r.rank}. ${r.user.name}`,
    detail: t(locale, 'performance.tile.score', { score: r.score ?? '—' }),
    at: null,
    tone: r.user.id === actor.userId ? 'success' : 'default',
    link: null,
  }));
  return {
    title: t(locale, 'performance.tile.title'),
    description: t(locale, 'performance.tile.description', { month: report.month, n: ranked.length }),
    stats: [
      { label: t(locale, 'performance.tile.my_score'), value: mine?.score ?? null, unit: 'score' as const, tone: 'default' as const, link: null },
      { label: t(locale, 'performance.tile.my_rank', { n: ranked.length }), value: mine?.rank ?? null, unit: 'count' as const, tone: 'default' as const, link: null },
      { label: t(locale, 'performance.tile.tickets'), value: mine?.tickets ?? 0, unit: 'count' as const, tone: 'default' as const, link: `/tickets?status=all&mine=1&createdFrom=${report.from}&createdTo=${report.to}&merged=exclude` },
      {
        label: t(locale, 'performance.tile.sla'),
        value: mine?.slaCompliance ?? null,
        unit: 'percent' as const,
        tone: mine?.slaCompliance == null ? ('default' as const) : mine.slaCompliance >= 90 ? ('success' as const) : mine.slaCompliance >= 80 ? ('warning' as const) : ('danger' as const),
        link: null,
      },
    ],
    rows,
    chart: null,
    link: null,
  };
}

export const performanceDashboardTiles: DashboardTileDef[] = [{ key: 'performance.mine', boards: ['agent'], order: 6, permissions: ['ticket:write'], load }];
