/**
 * The interactions module's tile on the home dashboards (issue #17): 今日任务, the signed-in user's own tasks by the
 * company's calendar day — the same buckets, with the same boundaries, as 我的任务 (GET /tasks/mine), so each figure
 * is the length of the list its link opens.
 */
import { and, eq, sql } from 'drizzle-orm';
import { t } from '../../platform/i18n/index.js';
import { startOfToday, startOfTomorrow } from '../../platform/time.js';
import { customerAccess } from '../customers/index.js';
import type { DashboardTileDef, TileContext, TileRow } from '../dashboards/index.js';
import * as repo from './tasks.repository.js';
import type { Clock, TaskWithRefs } from './tasks.repository.js';
import { tasks } from './schema.js';

/** The tabs of the web page 我的任务 (web/src/modules/interactions/MyTasksPage.tsx), which take `?tab=`. */
const tabLink = (tab: 'today' | 'overdue' | 'upcoming' | 'done_today') => `/tasks?tab=${tab}`;

const ROWS = 5;

function rowOf(ctx: TileContext, r: TaskWithRefs, bucket: 'overdue' | 'today'): TileRow {
  // A customer outside the actor's data scope is neither named nor linked (as in the task list).
  const reachable = r.customerId !== null && customerAccess.reaches(ctx.actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
  return {
    id: r.id,
    label: r.title,
    detail: reachable ? r.customerName : null,
    at: r.dueAt.toISOString(),
    tone: bucket === 'overdue' ? 'danger' : 'default',
    link: reachable ? `/customers/${r.customerId}` : tabLink(bucket),
  };
}

export const tasksTile: DashboardTileDef = {
  key: 'interactions.tasks',
  boards: ['agent', 'account'],
  order: 5,
  permissions: ['customer:read'],
  async load(ctx) {
    const { db, actor, locale } = ctx;
    const userId = actor.userId;
    const clock: Clock = { now: ctx.now, startOfToday: startOfToday(ctx.zone, ctx.now), endOfToday: startOfTomorrow(ctx.zone, ctx.now) };
    let counts = { overdue: 0, today: 0, done: 0 };
    let rows: TileRow[] = [];
    if (userId) {
      const buckets = await repo.countBuckets(db, userId, clock);
      const [done] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(tasks)
        .where(and(eq(tasks.assigneeId, userId), repo.bucketCondition('done_today', clock)));
      counts = { overdue: buckets.overdue, today: buckets.today, done: done?.n ?? 0 };
      // Overdue first (the longest overdue on top), then the rest of today's, by due time.
      const overdue = counts.overdue ? await repo.listTasks(db, { bucket: 'overdue', clock, assigneeId: userId, limit: ROWS }) : [];
      const today =
        overdue.length < ROWS && counts.today ? await repo.listTasks(db, { bucket: 'today', clock, assigneeId: userId, limit: ROWS - overdue.length }) : [];
      rows = [...overdue.map((r) => rowOf(ctx, r, 'overdue')), ...today.map((r) => rowOf(ctx, r, 'today'))];
    }
    return {
      title: t(locale, 'tasks.tile.title'),
      description: t(locale, 'tasks.tile.description'),
      stats: [
        { label: t(locale, 'tasks.tile.today'), value: counts.today, unit: 'count', tone: 'default', link: tabLink('today') },
        { label: t(locale, 'tasks.tile.overdue'), value: counts.overdue, unit: 'count', tone: 'danger', link: tabLink('overdue') },
        { label: t(locale, 'tasks.tile.done'), value: counts.done, unit: 'count', tone: 'success', link: tabLink('done_today') },
      ],
      rows,
      chart: null,
      link: '/tasks',
    };
  },
};

/** Registered by src/app.ts with the dashboards registry. */
export const taskDashboardTiles: readonly DashboardTileDef[] = [tasksTile];
