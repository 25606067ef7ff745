/**
 * The interactions module's goal metric and the return-visit figures of team performance (issue #17):
 * - `interactions.return_visits_on_time`: of the return-visit tasks (回访) due in the goal's range — not cancelled —
 *   the share completed by their due time; a task still open counts against it once it is due (the range is cut at
 *   now, so a task due later in the period does not count yet). For a team or a person: the tasks assigned to them
 *   (a team's: assigned to its members, sub-teams included).
 * - `returnVisitsByAssignee`: the same counts per assignee, for the performance page.
 */
import { sql, type SQL } from 'drizzle-orm';
import { scopeWhere, type DataScope } from '../../platform/auth/access.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { tasks } from './schema.js';

function dueIn(from: Date, to: Date, scope: DataScope): SQL {
  return sql`k.type = 'return_visit' and k.status <> 'cancelled' and k.due_at >= ${from.toISOString()}::timestamptz and k.due_at < ${to.toISOString()}::timestamptz
    and ${scopeWhere(scope, sql`k.assignee_id`, sql`(select u.team_id from ${userDirectory} u where u.id = k.assignee_id)`)}`;
}

const ON_TIME = sql`k.status = 'done' and k.completed_at <= k.due_at`;

async function onTimeShare({ db, from, to, scope }: GoalMetricContext): Promise<number | null> {
  const [row] = rowsOf<{ due: number; on_time: number }>(
    await db.execute(sql`select count(*)::int as due, count(*) filter (where ${ON_TIME})::int as on_time from ${tasks} k where ${dueIn(from, to, scope)}`),
  );
  const due = Number(row?.due ?? 0);
  return due ? Math.round((Number(row!.on_time) * 10000) / due) / 100 : null;
}

/** Return visits due in [from, to) per assignee: how many, and how many were done by their due time. */
export async function returnVisitsByAssignee(db: DbOrTx, from: Date, to: Date): Promise<Map<string, { due: number; onTime: number }>> {
  const rows = rowsOf<{ assignee_id: string; due: number; on_time: number }>(
    await db.execute(sql`select k.assignee_id, count(*)::int as due, count(*) filter (where ${ON_TIME})::int as on_time
      from ${tasks} k where ${dueIn(from, to, { kind: 'all' })} group by k.assignee_id`),
  );
  return new Map(rows.map((r) => [r.assignee_id, { due: Number(r.due), onTime: Number(r.on_time) }]));
}

export const interactionGoalMetrics: GoalMetricDef[] = [
  {
    key: 'interactions.return_visits_on_time',
    label: (l) => t(l, 'interactions.goal.return_visits'),
    description: (l) => t(l, 'interactions.goal.return_visits.description'),
    unit: 'percent',
    better: 'higher',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'customer:read',
    compute: onTimeShare,
    link: '/tasks',
  },
];
