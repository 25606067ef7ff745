/**
 * The loyalty module's home-page tile (issue #17; issue #16: "members, points liability and referral figures join the
 * home dashboards' registry"): 会员与积分 on the manager's and the account manager's boards, for the members who are
 * customers the user sees (customerAccess) — the report's own figures (reports.ts):
 * - members: active members now, drilling to the member list;
 * - points liability: the balances now × the programme's point value, in fen;
 * - redeemed this month: points spent on redemptions this company month (the `loyalty.points_redeemed` goal metric),
 *   drilling to the redemptions of the month;
 * - referrals this month: referrals rewarded this company month whose referrer or referee the user sees;
 * a bar chart of members by tier (each bar drills to the member list of the tier), and the members with the most
 * points expiring within 90 days (each to its 360 page's loyalty tab) — the people worth a reminder.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { startOfDay } from '../../platform/time.js';
import type { DashboardTileDef, TileContext, TileRow, TileStat } from '../dashboards/index.js';
import { LOYALTY_REPORT } from './loyalty.contract.js';
import { readProgramme } from './programme.js';
import { actorScope, balancesNow, memberCount, membersByTier, pointsRedeemed, referralsRewarded } from './reports.js';

/** Rows of members with points expiring soon. */
export const LOYALTY_TILE_ROWS = 5;
const DAY_MS = 86_400_000;

async function load({ db, actor, now, locale, zone, today }: TileContext) {
  const f = actorScope(actor);
  const p = await readProgramme(db);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const monthFrom = startOfDay(zone, y, m, 1);
  const monthTo = startOfDay(zone, y, m + 1, 1);
  const days = `from=${today.slice(0, 7)}-01&to=${today}`;
  const balances = await balancesNow(db, f);
  const redeemed = await pointsRedeemed(db, f, monthFrom, monthTo);
  const referrals = await referralsRewarded(db, f, monthFrom, monthTo);
  const stats: TileStat[] = [
    { label: t(locale, 'loyalty.tile.members'), value: await memberCount(db, f), unit: 'count', tone: 'default', link: '/loyalty' },
    { label: t(locale, 'loyalty.tile.liability'), value: balances.points * p.pointValueFen, unit: 'fen', tone: 'default', link: '/loyalty?tab=reports' },
    { label: t(locale, 'loyalty.tile.redeemed'), value: redeemed, unit: 'count', tone: 'default', link: `/loyalty?tab=redemptions&${days}` },
    { label: t(locale, 'loyalty.tile.referrals'), value: referrals, unit: 'count', tone: referrals ? 'success' : 'default', link: `/loyalty?tab=referrals&status=rewarded&${days}` },
  ];
  const tiers = await membersByTier(db, f, p, locale);
  const until = new Date(now.getTime() + LOYALTY_REPORT.expiringDays * DAY_MS);
  const soon = rowsOf<{ customer_id: string; name: string; tier: string; points: string; first_at: Date | string }>(
    await db.execute(sql`
      select l.customer_id, c.name, m.tier, sum(l.remaining) as points, min(l.expires_at) as first_at
      from points_lots l join loyalty_members m on m.customer_id = l.customer_id join customer_directory c on c.id = l.customer_id
      where l.remaining > 0 and l.expires_at <= ${until.toISOString()}::timestamptz and ${f(sql`l.customer_id`)}
      group by l.customer_id, c.name, m.tier
      order by sum(l.remaining) desc, min(l.expires_at), l.customer_id limit ${LOYALTY_TILE_ROWS}`),
  );
  const tierName = new Map(tiers.map((x) => [x.tier, x.name]));
  const rows: TileRow[] = soon.map((r) => ({
    id: r.customer_id,
    label: r.name,
    detail: t(locale, 'loyalty.tile.expiring', { points: Number(r.points), tier: tierName.get(r.tier) ?? r.tier }),
    at: new Date(r.first_at).toISOString(),
    tone: 'warning',
    link: `/customers/${r.customer_id}?tab=loyalty`,
  }));
  return {
    title: t(locale, 'loyalty.tile.title'),
    description: t(locale, 'loyalty.tile.description', { days: LOYALTY_REPORT.expiringDays }),
    stats,
    rows,
    chart: {
      kind: 'bar' as const,
      unit: 'count' as const,
      x: tiers.map((x) => x.name),
      series: [{ name: t(locale, 'loyalty.tile.by_tier'), values: tiers.map((x) => x.count), links: tiers.map((x) => `/loyalty?tier=${encodeURIComponent(x.tier)}`) }],
    },
    link: '/loyalty',
  };
}

export const loyaltyDashboardTiles: DashboardTileDef[] = [{ key: 'loyalty.overview', boards: ['manager', 'account'], order: 42, permissions: ['loyalty:read'], load }];
