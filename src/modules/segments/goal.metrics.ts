/**
 * The segments module's goal metric (目标管理, issue #14: "segment sizes join the goal catalogue"), registered by
 * src/app.ts: `segments.size` — the member count of one segment, the goal's parameter (kind `segment`: a live segment
 * when the goal is set; a goal whose segment is removed later shows no figure).
 *
 * The figure is the count as it stood at the end of the goal's period, or now while the period runs: from the
 * membership ledger (`segment_members`: one row per stay, entered_at / exited_at), the stays open just before that
 * instant — so a past period's figure is the count at that time, not today's — of customers not deleted by then, in
 * the owner's data scope (the company: every member; a team or a person: the members who are their customers, by the
 * customer's current owner and team, as every goal metric scopes customers).
 *
 * Lower is better and the forecast is the level: most segment goals are "shrink the at-risk segment" (高价值流失预警,
 * 欠费未缴…), and a head count at a moment does not accumulate through the period, so the count now is the best guess
 * of the count at its end. (A goal to grow a segment is the rarer case; its attainment then reads inverted.)
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import type { GoalMetricContext, GoalMetricDef, GoalMetricParamDef } from '../goals/index.js';
import { segmentMembers, segments } from './schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The segment's members just before `at`, who are live customers then and in the scope; null when the segment is gone. */
export async function segmentSizeAt({ db, to, scope, param }: GoalMetricContext): Promise<number | null> {
  if (!param || !UUID.test(param)) return null;
  const [row] = rowsOf<{ live: boolean; n: number }>(
    await db.execute(sql`
      select s.deleted_at is null as live,
        (select count(*)::int from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
          where m.segment_id = s.id and m.entered_at < ${iso(to)} and (m.exited_at is null or m.exited_at >= ${iso(to)})
            and (c.deleted_at is null or c.deleted_at >= ${iso(to)}) and ${customerAccess.scoped.where(scope, 'c')}) as n
      from ${segments} s where s.id = ${param}::uuid`),
  );
  if (!row?.live) return null;
  return Number(row.n);
}

const segmentParam: GoalMetricParamDef = {
  kind: 'segment',
  label: (l) => t(l, 'segments.goal.size.param'),
  // Every segment:read holder sees every segment (the member lists are scoped, not the segments).
  async options(db) {
    const rows = await db
      .select({ value: segments.id, label: segments.name })
      .from(segments)
      .where(sql`${segments.deletedAt} is null`)
      .orderBy(sql`lower(${segments.name})`, segments.id);
    return rows;
  },
  async check(db, value) {
    if (!UUID.test(value)) return false;
    const rows = await db
      .select({ id: segments.id })
      .from(segments)
      .where(sql`${segments.id} = ${value}::uuid and ${segments.deletedAt} is null`);
    return rows.length > 0;
  },
  async labelOf(db, value) {
    if (!UUID.test(value)) return null;
    const [row] = await db.select({ name: segments.name }).from(segments).where(sql`${segments.id} = ${value}::uuid`);
    return row?.name ?? null;
  },
};

export const segmentGoalMetrics: GoalMetricDef[] = [
  {
    key: 'segments.size',
    label: (l) => t(l, 'segments.goal.size'),
    description: (l) => t(l, 'segments.goal.size.description'),
    unit: 'count',
    better: 'lower',
    forecast: 'level',
    owners: ['company', 'team', 'user'],
    permission: 'segment:read',
    param: segmentParam,
    compute: segmentSizeAt,
    link: (segmentId) => `/segments/${segmentId}`,
  },
];
