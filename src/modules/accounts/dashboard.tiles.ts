/**
 * The accounts module's home-page tile (issue #17): 用户 on the administrator's board — how many users may sign in,
 * how many of them signed in within the last 7 days, how many are disabled, and the five newest users. Users are not
 * owned by anyone: a user administrator (user:manage) sees them all, as on the users page.
 */
import { sql } from 'drizzle-orm';
import { ROLE_KEYS, type RoleKey } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import type { DashboardTileDef, TileContext, TileRow } from '../dashboards/index.js';
import { users } from './schema.js';

/** "Signed in recently": within this many days. */
export const RECENT_SIGN_IN_DAYS = 7;
const NEWEST = 5;
const LINK = '/admin/users';

/** A role's name: the built-in ones by the catalogue, a custom one by its key. */
function roleName(locale: Locale, key: string): string {
  return (ROLE_KEYS as readonly string[]).includes(key) ? t(locale, `accounts.tile.role.${key as RoleKey}`) : key;
}

async function loadUsers(ctx: TileContext) {
  const { db, locale } = ctx;
  const since = new Date(ctx.now.getTime() - RECENT_SIGN_IN_DAYS * 24 * 3600_000);
  const [counts] = rowsOf<{ active: number; recent: number; disabled: number }>(
    await db.execute(sql`
      select count(*) filter (where u.active)::int as active,
             count(*) filter (where u.active and u.last_login_at >= ${since.toISOString()}::timestamptz)::int as recent,
             count(*) filter (where not u.active)::int as disabled
        from ${users} u`),
  );
  const newest = await db
    .select({ id: users.id, displayName: users.displayName, roleKey: users.roleKey, active: users.active, createdAt: users.createdAt })
    .from(users)
    .orderBy(sql`${users.createdAt} desc, ${users.id} desc`)
    .limit(NEWEST);
  const rows: TileRow[] = newest.map((u) => ({
    id: u.id,
    label: u.displayName,
    detail: u.active ? roleName(locale, u.roleKey) : t(locale, 'accounts.tile.disabled_role', { role: roleName(locale, u.roleKey) }),
    at: u.createdAt.toISOString(),
    tone: u.active ? 'default' : 'warning',
    link: LINK,
  }));
  return {
    title: t(locale, 'accounts.tile.title'),
    description: t(locale, 'accounts.tile.description', { days: RECENT_SIGN_IN_DAYS }),
    stats: [
      { label: t(locale, 'accounts.tile.active'), value: Number(counts?.active ?? 0), unit: 'count' as const, tone: 'default' as const, link: LINK },
      { label: t(locale, 'accounts.tile.recent', { days: RECENT_SIGN_IN_DAYS }), value: Number(counts?.recent ?? 0), unit: 'count' as const, tone: 'default' as const, link: LINK },
      { label: t(locale, 'accounts.tile.disabled'), value: Number(counts?.disabled ?? 0), unit: 'count' as const, tone: 'default' as const, link: LINK },
    ],
    rows,
    chart: null,
    link: LINK,
  };
}

export const userDashboardTiles: DashboardTileDef[] = [{ key: 'accounts.users', boards: ['admin'], order: 10, permissions: ['user:manage'], load: loadUsers }];
