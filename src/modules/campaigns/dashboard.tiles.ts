/**
 * The campaigns module's home-page tile (issue #17): 营销活动 on the manager's board — campaigns running, scheduled
 * and awaiting a manager's approval (a draft or scheduled campaign over the approval limit, not yet approved: the
 * campaign page's `needsApproval`), and the latest running or recently ended campaigns with their response uplift.
 *
 * The uplift is the results page's own figure (treated − holdout response rate with Newcombe's 95% interval, from
 * campaignResponseUplift: no revenue bootstrap, tiers or daily series), shown in percentage points. Campaigns are not scoped by customer (campaign:read reads every campaign, and the results
 * are over the whole audience), so every actor with the permission sees the same figures.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import type { DashboardTileDef, TileContext, TileRow, TileStat, TileTone } from '../dashboards/index.js';
import type { Interval } from './campaigns.contract.js';
import { approvalLimitFen } from './campaigns.service.js';
import { campaignResponseUplift } from './results.js';
import { campaigns } from './schema.js';

/** Ended campaigns stay on the tile this many days after their end. */
export const RECENT_ENDED_DAYS = 30;
export const CAMPAIGN_ROWS = 5;
const LINK = '/campaigns';

/** Points with one decimal and a sign: 0.0312 → "+3.1". */
const points = (rate: number): string => {
  const v = Math.round(rate * 1000) / 10;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}`;
};

export function upliftDetail(locale: Locale, uplift: Interval | null): string {
  if (!uplift) return t(locale, 'campaigns.tile.no_result');
  return t(locale, 'campaigns.tile.uplift', { diff: points(uplift.diff), lower: points(uplift.lower), upper: points(uplift.upper) });
}

export const upliftTone = (uplift: Interval | null): TileTone => (!uplift ? 'default' : uplift.lower > 0 ? 'success' : uplift.upper < 0 ? 'danger' : 'default');

async function loadCampaigns(ctx: TileContext) {
  const { db, actor, locale, now } = ctx;
  const limit = await approvalLimitFen(db);
  const [counts] = rowsOf<{ running: number; scheduled: number; approval: number }>(
    await db.execute(sql`
      select count(*) filter (where status = 'running')::int as running,
             count(*) filter (where status = 'scheduled')::int as scheduled,
             count(*) filter (where status in ('draft', 'scheduled') and budget_fen > ${limit} and approved_at is null)::int as approval
        from ${campaigns} where deleted_at is null`),
  );
  const since = new Date(now.getTime() - RECENT_ENDED_DAYS * 86_400_000);
  const latest = rowsOf<{ id: string; name: string; launched_at: string | Date | null }>(
    await db.execute(sql`
      select id, name, launched_at from ${campaigns}
       where deleted_at is null
         and (status = 'running' or (status = 'ended' and ended_at >= ${since.toISOString()}::timestamptz))
       order by launched_at desc nulls last, id desc
       limit ${CAMPAIGN_ROWS}`),
  );
  const rows: TileRow[] = [];
  for (const c of latest) {
    const uplift = await campaignResponseUplift(db, actor, c.id, now);
    rows.push({
      id: c.id,
      label: c.name,
      detail: upliftDetail(locale, uplift),
      at: c.launched_at === null ? null : new Date(c.launched_at).toISOString(),
      tone: upliftTone(uplift),
      link: `${LINK}/${c.id}`,
    });
  }
  const approval = Number(counts?.approval ?? 0);
  const stats: TileStat[] = [
    { label: t(locale, 'campaigns.tile.running'), value: Number(counts?.running ?? 0), unit: 'count', tone: 'default', link: LINK },
    { label: t(locale, 'campaigns.tile.scheduled'), value: Number(counts?.scheduled ?? 0), unit: 'count', tone: 'default', link: LINK },
    { label: t(locale, 'campaigns.tile.awaiting_approval'), value: approval, unit: 'count', tone: approval > 0 ? 'warning' : 'default', link: LINK },
  ];
  return {
    title: t(locale, 'campaigns.tile.title'),
    description: t(locale, 'campaigns.tile.description', { days: RECENT_ENDED_DAYS, rows: CAMPAIGN_ROWS }),
    stats,
    rows,
    chart: null,
    link: LINK,
  };
}

export const campaignDashboardTiles: DashboardTileDef[] = [
  { key: 'campaigns.running', boards: ['manager'], order: 35, permissions: ['campaign:read'], load: loadCampaigns },
];
