/**
 * The dashboards module's own tile: the system at a glance for administrators — the database's size and the
 * background queue (waiting, running, failed in 24 hours). Other modules' tiles are theirs (registered in app.ts).
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { jobStats } from '../../platform/jobs.js';
import type { DashboardTileDef } from './tiles.js';

export const systemDashboardTiles: DashboardTileDef[] = [
  {
    key: 'dashboards.system',
    boards: ['admin'],
    order: 50,
    permissions: ['settings:manage'],
    async load({ db, now, locale }) {
      const [size] = rowsOf<{ bytes: string | number }>(await db.execute(sql`select pg_database_size(current_database()) as bytes`));
      const jobs = await jobStats(db, now);
      return {
        title: t(locale, 'dashboards.tile.system.title'),
        description: t(locale, 'dashboards.tile.system.description'),
        stats: [
          { label: t(locale, 'dashboards.tile.system.size'), value: Number(size?.bytes ?? 0), unit: 'bytes', tone: 'default', link: null },
          { label: t(locale, 'dashboards.tile.system.queued'), value: jobs.queued, unit: 'count', tone: 'default', link: null },
          { label: t(locale, 'dashboards.tile.system.active'), value: jobs.active, unit: 'count', tone: 'default', link: null },
          { label: t(locale, 'dashboards.tile.system.failed'), value: jobs.failed24h, unit: 'count', tone: jobs.failed24h ? 'danger' : 'success', link: null },
        ],
        rows: [],
        chart: null,
        link: null,
      };
    },
  },
];
