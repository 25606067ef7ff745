/**
 * The segments module's home-page tile (issue #17): 客户细分 on the manager's and the account manager's boards — the
 * segments not in the trash, the dynamic ones among them, and the largest by current members.
 *
 * Member counts are counted as the member list counts them (repository memberPage): current members who are live
 * customers in the actor's data scope (customerAccess over customer_directory `c`) — for every actor, so a customer
 * deleted since the segment's last recount is not counted (the stored member_count would still count them).
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import type { DashboardTileDef, TileContext, TileRow, TileStat } from '../dashboards/index.js';
import { segmentMembers, segments } from './schema.js';

export const SEGMENT_ROWS = 5;
const LINK = '/segments';

/** "12 位成员" / "12 members" (one member). */
export function membersText(locale: Locale, count: number): string {
  const n = new Intl.NumberFormat(locale).format(count);
  return count === 1 ? t(locale, 'segments.tile.members_one', { count: n }) : t(locale, 'segments.tile.members', { count: n });
}

async function loadSizes(ctx: TileContext) {
  const { db, actor, locale } = ctx;
  const [counts] = rowsOf<{ segments: number; dynamic: number }>(
    await db.execute(sql`
      select count(*)::int as segments, count(*) filter (where kind = 'dynamic')::int as dynamic
        from ${segments} where deleted_at is null`),
  );
  const shown = sql`(select count(*)::int from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
          where m.segment_id = s.id and m.exited_at is null and c.deleted_at is null and ${customerAccess.where(actor, 'c')})`;
  const largest = rowsOf<{ id: string; name: string; n: number }>(
    await db.execute(sql`
      select id, name, n from (select s.id, s.name, ${shown} as n from ${segments} s where s.deleted_at is null) x
       order by n desc, name, id
       limit ${SEGMENT_ROWS}`),
  );
  const rows: TileRow[] = largest.map((s) => ({
    id: s.id,
    label: s.name,
    detail: membersText(locale, Number(s.n)),
    at: null,
    tone: 'default',
    link: `${LINK}/${s.id}`,
  }));
  const stats: TileStat[] = [
    { label: t(locale, 'segments.tile.segments'), value: Number(counts?.segments ?? 0), unit: 'count', tone: 'default', link: LINK },
    { label: t(locale, 'segments.tile.dynamic'), value: Number(counts?.dynamic ?? 0), unit: 'count', tone: 'default', link: LINK },
  ];
  return {
    title: t(locale, 'segments.tile.title'),
    description: t(locale, 'segments.tile.description', { rows: SEGMENT_ROWS }),
    stats,
    rows,
    chart: null,
    link: LINK,
  };
}

export const segmentDashboardTiles: DashboardTileDef[] = [
  { key: 'segments.sizes', boards: ['manager', 'account'], order: 45, permissions: ['segment:read'], load: loadSizes },
];
