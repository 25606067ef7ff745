/**
 * The imports module's home-page tile (issue #17): 最近导入 on the administrator's board — the imports of the last 7
 * days, how many of them failed, how many rows they refused, and the five latest imports.
 *
 * Which imports: those the recent-imports list shows the actor (listImports) — their own, or everyone's for the "all"
 * data scope, of the kinds whose permissions they hold — leaving out uploads that never became an import: still
 * awaiting the column mapping (`pending`), or given up before they started (cancelled, never started, no row read:
 * the list's 已放弃).
 */
import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { reachesAll } from '../../platform/auth/access.js';
import { can, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import type { DashboardTileDef, TileContext, TileRow, TileTone } from '../dashboards/index.js';
import { importerFor } from './importer.js';
import { IMPORT_KINDS, type ImportKind, type ImportStatus } from './imports.contract.js';
import { toJobView } from './imports.service.js';
import { importJobs } from './schema.js';

/** The window of the figures, in days. */
export const RECENT_IMPORT_DAYS = 7;
const LATEST = 5;
const LINK = '/imports';

/** The kinds the actor may import (and so see), as listImports filters them. */
function kindsFor(actor: Actor): ImportKind[] {
  return IMPORT_KINDS.filter((kind) => {
    try {
      return importerFor(kind).permissions.every((p) => can(actor, p));
    } catch {
      return false; // no importer registered for the kind
    }
  });
}

/** The actor's real imports (alias j): see the file's comment. */
function importsOf(actor: Actor): SQL {
  const kinds = kindsFor(actor);
  const parts: SQL[] = [
    kinds.length ? sql`j.kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql`false`,
    sql`j.status <> 'pending'`,
    sql`not (j.status = 'cancelled' and j.started_at is null and j.processed_rows = 0)`,
  ];
  if (!reachesAll(actor)) parts.push(actor.userId ? sql`j.created_by = ${actor.userId}::uuid` : sql`false`);
  return sql.join(parts, sql` and `);
}

const STATUS_TONE: Record<ImportStatus, TileTone> = { pending: 'default', queued: 'default', running: 'default', done: 'success', failed: 'danger', cancelled: 'warning', expired: 'default' };

async function loadRecentImports(ctx: TileContext) {
  const { db, actor, locale } = ctx;
  const since = new Date(ctx.now.getTime() - RECENT_IMPORT_DAYS * 24 * 3600_000);
  const where = importsOf(actor);
  const [counts] = rowsOf<{ imports: number; failed: number; rejected: number }>(
    await db.execute(sql`
      select count(*)::int as imports, count(*) filter (where j.status = 'failed')::int as failed, coalesce(sum(j.rejected), 0)::int as rejected
        from ${importJobs} j where ${where} and j.created_at >= ${since.toISOString()}::timestamptz`),
  );
  const j = alias(importJobs, 'j');
  const latest = await db
    .select()
    .from(j)
    .where(where)
    .orderBy(sql`j.created_at desc, j.id desc`)
    .limit(LATEST);
  const rows: TileRow[] = latest.map((job) => {
    const v = toJobView(job);
    return {
      id: v.id,
      label: v.fileName,
      detail: t(locale, 'imports.tile.detail', { status: t(locale, `imports.tile.status.${v.status}`), created: v.created, rejected: v.rejected }),
      at: v.startedAt ?? v.createdAt,
      tone: STATUS_TONE[v.status],
      link: `${LINK}/${v.id}`,
    };
  });
  const failed = Number(counts?.failed ?? 0);
  const rejected = Number(counts?.rejected ?? 0);
  return {
    title: t(locale, 'imports.tile.title'),
    description: t(locale, 'imports.tile.description', { days: RECENT_IMPORT_DAYS }),
    stats: [
      { label: t(locale, 'imports.tile.imports', { days: RECENT_IMPORT_DAYS }), value: Number(counts?.imports ?? 0), unit: 'count' as const, tone: 'default' as const, link: LINK },
      { label: t(locale, 'imports.tile.failed'), value: failed, unit: 'count' as const, tone: failed > 0 ? ('danger' as const) : ('default' as const), link: LINK },
      { label: t(locale, 'imports.tile.rejected'), value: rejected, unit: 'count' as const, tone: rejected > 0 ? ('warning' as const) : ('default' as const), link: LINK },
    ],
    rows,
    chart: null,
    link: LINK,
  };
}

export const importDashboardTiles: DashboardTileDef[] = [
  { key: 'imports.recent', boards: ['admin'], order: 20, permissions: ['customer:write'], load: loadRecentImports },
];
