import { and, asc, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { customerAccess } from '../customers/index.js';
import { analyticsFacts } from '../analytics/index.js';
import { segmentMembership, segmentSummaries } from '../segments/index.js';
import type { CareAudience, CareTier } from './care.contract.js';
import { careOccurrences, carePlans, careRules } from './schema.js';

export type PlanRow = typeof carePlans.$inferSelect & { createdByName: string | null };
export type RuleRow = typeof careRules.$inferSelect & { createdByName: string | null };

// ---- plans and rules ------------------------------------------------------------------------------------------

export async function listPlans(db: DbOrTx): Promise<PlanRow[]> {
  return db
    .select({ ...getTableColumns(carePlans), createdByName: userDirectory.displayName })
    .from(carePlans)
    .leftJoin(userDirectory, eq(userDirectory.id, carePlans.createdBy))
    .where(isNull(carePlans.deletedAt))
    .orderBy(asc(carePlans.createdAt), asc(carePlans.id));
}

export async function findPlan(db: DbOrTx, id: string): Promise<PlanRow | undefined> {
  const [row] = await db
    .select({ ...getTableColumns(carePlans), createdByName: userDirectory.displayName })
    .from(carePlans)
    .leftJoin(userDirectory, eq(userDirectory.id, carePlans.createdBy))
    .where(and(eq(carePlans.id, id), isNull(carePlans.deletedAt)));
  return row;
}

export async function insertPlan(db: DbOrTx, values: typeof carePlans.$inferInsert): Promise<string> {
  const [row] = await db.insert(carePlans).values(values).returning({ id: carePlans.id });
  return row!.id;
}

export async function updatePlan(db: DbOrTx, id: string, version: number, values: Partial<typeof carePlans.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(carePlans)
    .set({ ...values, version: sql`${carePlans.version} + 1`, updatedAt: new Date() })
    .where(and(eq(carePlans.id, id), eq(carePlans.version, version), isNull(carePlans.deletedAt)))
    .returning({ id: carePlans.id });
  return rows.length > 0;
}

export async function listRules(db: DbOrTx): Promise<RuleRow[]> {
  return db
    .select({ ...getTableColumns(careRules), createdByName: userDirectory.displayName })
    .from(careRules)
    .leftJoin(userDirectory, eq(userDirectory.id, careRules.createdBy))
    .where(isNull(careRules.deletedAt))
    .orderBy(asc(careRules.createdAt), asc(careRules.id));
}

export async function findRule(db: DbOrTx, id: string): Promise<RuleRow | undefined> {
  const [row] = await db
    .select({ ...getTableColumns(careRules), createdByName: userDirectory.displayName })
    .from(careRules)
    .leftJoin(userDirectory, eq(userDirectory.id, careRules.createdBy))
    .where(and(eq(careRules.id, id), isNull(careRules.deletedAt)));
  return row;
}

export async function insertRule(db: DbOrTx, values: typeof careRules.$inferInsert): Promise<string> {
  const [row] = await db.insert(careRules).values(values).returning({ id: careRules.id });
  return row!.id;
}

export async function updateRule(db: DbOrTx, id: string, version: number, values: Partial<typeof careRules.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(careRules)
    .set({ ...values, version: sql`${careRules.version} + 1`, updatedAt: new Date() })
    .where(and(eq(careRules.id, id), eq(careRules.version, version), isNull(careRules.deletedAt)))
    .returning({ id: careRules.id });
  return rows.length > 0;
}

// ---- audiences ---------------------------------------------------------------------------------------------------

/** Whether analytics results exist yet (tiers and segments come from them). */
export const hasAnalytics = (db: DbOrTx): Promise<boolean> => analyticsFacts.exist(db);

const textArray = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/** The customer's tier as text ('none' without an analytics row), over the alias `c`. */
export const tierSql = (analytics: boolean): SQL =>
  analytics ? sql`coalesce(${analyticsFacts.tierOf(sql`c.id`)}, 'none')` : sql`'none'`;

/** The audience as a condition over the alias `c` (customers). */
export function audienceSql(a: CareAudience, analytics: boolean): SQL {
  const parts: SQL[] = [sql`c.deleted_at is null`];
  if (a.tiers?.length) {
    const named = a.tiers.filter((t) => t !== 'none');
    const none = a.tiers.includes('none');
    if (!analytics) parts.push(none ? sql`true` : sql`false`);
    else {
      const alt: SQL[] = [];
      if (named.length) alt.push(analyticsFacts.tierIn(sql`c.id`, named));
      if (none) alt.push(analyticsFacts.untiered(sql`c.id`));
      parts.push(sql`(${sql.join(alt, sql` or `)})`);
    }
  }
  if (a.segments?.length) {
    parts.push(
      analytics
        ? analyticsFacts.segmentIn(sql`c.id`, a.segments)
        : sql`false`,
    );
  }
  if (a.segmentIds?.length) parts.push(sql`(${sql.join(a.segmentIds.map((id) => segmentMembership(id, sql`c.id`)), sql` or `)})`);
  if (a.tags?.length) parts.push(sql`c.tags && ${textArray(a.tags)}`);
  if (a.stages?.length) parts.push(sql`c.stage = any(${textArray(a.stages)})`);
  if (a.cities?.length) parts.push(sql`c.city = any(${textArray(a.cities)})`);
  if (a.compounds?.length) parts.push(sql`c.compound = any(${textArray(a.compounds)})`);
  return sql.join(parts, sql` and `);
}

/** Which of the customer segments exist and are not deleted (asked of the segments module). */
export async function liveSegmentIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  return new Set((await segmentSummaries(db, ids)).filter((s) => !s.deletedAt).map((s) => s.id));
}

/** The actor's data scope over the alias `c` (customers' rule, asked of the customers module). */
export const scopeSql = (actor: Actor): SQL => customerAccess.where(actor, 'c');

export type Candidate = { id: string; name: string; ownerId: string | null; teamId: string | null; tier: CareTier; monthDay: string | null; startYear: number | null };

/**
 * Customers of an audience whose birthday (MM-DD) is one of the given days: the statement (the benchmark explains it).
 * The month-day is compared as month × 100 + day, the expression of the partial index `customers_birthday_md_idx`
 * (migration 0017); the lunar query's expression is indexed as it is (`customers_lunar_birthday_md_idx`).
 */
export const birthdayCandidatesSql = (audience: CareAudience, analytics: boolean, monthDays: string[], limit: number): SQL => sql`
  select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", ${tierSql(analytics)} as tier, to_char(c.birthday, 'MM-DD') as "monthDay", null::int as "startYear"
  from customer_directory c
  where c.birthday is not null and c.lunar_birthday is null and c.deleted_at is null
    and (extract(month from c.birthday) * 100 + extract(day from c.birthday))::int = any(${`{${monthDays.map((md) => Number(md.replace('-', ''))).join(',')}}`}::int[])
    and ${audienceSql(audience, analytics)}
  order by c.id limit ${limit}`;

export async function birthdayCandidates(db: DbOrTx, audience: CareAudience, analytics: boolean, monthDays: string[], limit = 100_000): Promise<Candidate[]> {
  if (!monthDays.length) return [];
  return rowsOf<Candidate>(await db.execute(birthdayCandidatesSql(audience, analytics, monthDays, limit)));
}

/** Customers of an audience whose lunar birthday (month-day, e.g. "8-15") is one of the given lunar days. */
export const lunarBirthdayCandidatesSql = (audience: CareAudience, analytics: boolean, lunarDays: string[], limit: number): SQL => sql`
  select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", ${tierSql(analytics)} as tier,
    (c.lunar_birthday->>'month') || '-' || (c.lunar_birthday->>'day') as "monthDay", null::int as "startYear"
  from customer_directory c
  where c.lunar_birthday is not null and c.deleted_at is null and (c.lunar_birthday->>'month') || '-' || (c.lunar_birthday->>'day') = any(${textArray(lunarDays)})
    and ${audienceSql(audience, analytics)}
  order by c.id limit ${limit}`;

export async function lunarBirthdayCandidates(db: DbOrTx, audience: CareAudience, analytics: boolean, lunarDays: string[], limit = 100_000): Promise<Candidate[]> {
  if (!lunarDays.length) return [];
  return rowsOf<Candidate>(await db.execute(lunarBirthdayCandidatesSql(audience, analytics, lunarDays, limit)));
}

/** Customers of an audience whose anniversary (first transaction, else created, company time) is one of the days. */
export async function anniversaryCandidates(
  db: DbOrTx,
  audience: CareAudience,
  analytics: boolean,
  monthDays: string[],
  zone: string,
  limit = 100_000,
): Promise<Candidate[]> {
  if (!monthDays.length) return [];
  return rowsOf<Candidate>(
    await db.execute(sql`
      select x.id, x.name, x."ownerId", x."teamId", x.tier, to_char(x.start, 'MM-DD') as "monthDay", extract(year from x.start)::int as "startYear"
      from (
        select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", ${tierSql(analytics)} as tier,
          (coalesce((select min(t.occurred_at) from transaction_ledger t where t.customer_id = c.id and t.deleted_at is null), c.created_at) at time zone ${zone}) as start
        from customer_directory c
        where ${audienceSql(audience, analytics)}
      ) x
      where to_char(x.start, 'MM-DD') = any(${textArray(monthDays)})
      order by x.id limit ${limit}`),
  );
}

/** A page of an audience (keyset on id), for festivals. */
export async function audiencePage(db: DbOrTx, audience: CareAudience, analytics: boolean, afterId: string | null, limit: number): Promise<Candidate[]> {
  return rowsOf<Candidate>(
    await db.execute(sql`
      select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", ${tierSql(analytics)} as tier, null::text as "monthDay", null::int as "startYear"
      from customer_directory c
      where ${audienceSql(audience, analytics)} ${afterId ? sql`and c.id > ${afterId}` : sql``}
      order by c.id limit ${limit}`),
  );
}

export type VisitCandidate = { id: string; name: string; ownerId: string | null; teamId: string | null; last: Date | null };

/**
 * Interval plans: customers of the audience without an open task of the plan whose next visit (last contact or
 * completed visit + interval) is due before the horizon, or who were never contacted.
 */
export async function visitCandidates(db: DbOrTx, planId: string, audience: CareAudience, analytics: boolean, intervalDays: number, horizon: Date): Promise<VisitCandidate[]> {
  const rows = rowsOf<{ id: string; name: string; ownerId: string | null; teamId: string | null; last: string | Date | null }>(
    await db.execute(sql`
      select x.id, x.name, x."ownerId", x."teamId", x.last from (
        select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", greatest(
          (select max(i.occurred_at) from interaction_log i where i.customer_id = c.id and i.deleted_at is null),
          (select max(t.completed_at) from care_occurrences o join task_ledger t on t.id = o.task_id
             where o.source_id = ${planId} and o.customer_id = c.id and t.status = 'done')) as last
        from customer_directory c
        where ${audienceSql(audience, analytics)}
          and not exists (select 1 from care_occurrences o join task_ledger t on t.id = o.task_id
                          where o.source_id = ${planId} and o.customer_id = c.id and t.status = 'open')
      ) x
      where x.last is null or x.last + make_interval(days => ${intervalDays}) <= ${horizon.toISOString()}::timestamptz
      order by x.id limit 100000`),
  );
  return rows.map((r) => ({ ...r, last: r.last === null ? null : new Date(r.last) }));
}

export type EventCandidate = { id: string; name: string; ownerId: string | null; teamId: string | null; transactionId: string; occurredAt: Date };

/**
 * Event plans: transactions since `since` with a line whose product name/category or description contains the
 * keyword, of customers without an open task of the plan.
 */
export async function eventCandidates(db: DbOrTx, planId: string, audience: CareAudience, analytics: boolean, keyword: string, since: Date, until: Date): Promise<EventCandidate[]> {
  const like = `%${keyword.replace(/[\\%_]/g, '\\$&')}%`;
  const rows = rowsOf<EventCandidate & { occurredAt: string | Date }>(
    await db.execute(sql`
      select c.id, c.name, c.owner_id as "ownerId", c.team_id as "teamId", t.id as "transactionId", t.occurred_at as "occurredAt"
      from transaction_ledger t join customer_directory c on c.id = t.customer_id
      where t.deleted_at is null and t.type <> 'refund'
        and t.occurred_at >= ${since.toISOString()}::timestamptz and t.occurred_at <= ${until.toISOString()}::timestamptz
        and exists (select 1 from transaction_line_ledger l left join product_catalogue p on p.id = l.product_id
                    where l.transaction_id = t.id and (l.description ilike ${like} or p.name ilike ${like} or p.category ilike ${like}))
        and not exists (select 1 from care_occurrences o join task_ledger k on k.id = o.task_id
                        where o.source_id = ${planId} and o.customer_id = c.id and k.status = 'open')
        and ${audienceSql(audience, analytics)}
      order by t.occurred_at, t.id limit 100000`),
  );
  return rows.map((r) => ({ ...r, occurredAt: new Date(r.occurredAt) }));
}

// ---- occurrences ---------------------------------------------------------------------------------------------------

/** Claims an occasion for a customer: true when this call inserted it (the caller's transaction), false when done before. */
export async function claimOccurrence(db: DbOrTx, v: { sourceId: string; sourceKind: 'plan' | 'rule'; customerId: string; occasionKey: string }): Promise<string | null> {
  const rows = await db.insert(careOccurrences).values(v).onConflictDoNothing().returning({ id: careOccurrences.id });
  return rows[0]?.id ?? null;
}

/**
 * Claims many occasions at once (same order in every process, so two racing runs wait rather than deadlock):
 * returns the claimed ones as "customerId|occasionKey" → occurrence id.
 */
export async function claimOccurrences(
  db: DbOrTx,
  source: { id: string; kind: 'plan' | 'rule' },
  items: { customerId: string; occasionKey: string }[],
): Promise<Map<string, string>> {
  if (!items.length) return new Map();
  const rows = await db
    .insert(careOccurrences)
    .values(items.map((i) => ({ sourceId: source.id, sourceKind: source.kind, customerId: i.customerId, occasionKey: i.occasionKey })))
    .onConflictDoNothing()
    .returning({ id: careOccurrences.id, customerId: careOccurrences.customerId, occasionKey: careOccurrences.occasionKey });
  return new Map(rows.map((r) => [`${r.customerId}|${r.occasionKey}`, r.id]));
}

/** Links occurrences to the tasks created for them. */
export async function linkTasks(db: DbOrTx, pairs: { id: string; taskId: string }[]): Promise<void> {
  if (!pairs.length) return;
  await db.execute(sql`
    update care_occurrences o set task_id = v.task_id
    from (select unnest(${`{${pairs.map((p) => p.id).join(',')}}`}::uuid[]) as id, unnest(${`{${pairs.map((p) => p.taskId).join(',')}}`}::uuid[]) as task_id) v
    where o.id = v.id`);
}

export async function linkOccurrence(db: DbOrTx, id: string, v: { taskId?: string | null; messageId?: string | null }): Promise<void> {
  await db.update(careOccurrences).set(v).where(eq(careOccurrences.id, id));
}

// ---- coverage --------------------------------------------------------------------------------------------------------

/** The report's filters: an owner, and teams (a team and every team below it: accounts' `teamAndDescendants`). */
export type CoverageFilter = { ownerId?: string; teamIds?: string[] };

const filterSql = (f: CoverageFilter): SQL =>
  sql.join(
    [
      sql`true`,
      ...(f.ownerId ? [sql`c.owner_id = ${f.ownerId}`] : []),
      ...(f.teamIds ? [sql`c.team_id = any(${`{${f.teamIds.join(',')}}`}::uuid[])`] : []),
    ],
    sql` and `,
  );

export type CoverageCount = { ownerId: string | null; ownerName: string | null; covered: number; onTime: number; overdue: number };

/** Per owner: customers in the plan's audience (and the caller's scope), visited within the interval, overdue. */
export async function intervalCoverage(
  db: DbOrTx,
  plan: { id: string; audience: CareAudience; intervalDays: number },
  analytics: boolean,
  actor: Actor,
  f: CoverageFilter,
  now: Date,
): Promise<CoverageCount[]> {
  return rowsOf<CoverageCount>(
    await db.execute(sql`
      select x.owner_id as "ownerId", u.display_name as "ownerName", count(*)::int as covered,
        count(*) filter (where x.last >= ${now.toISOString()}::timestamptz - make_interval(days => ${plan.intervalDays}))::int as "onTime",
        count(*) filter (where x.overdue)::int as overdue
      from (
        select c.id, c.owner_id,
          (select max(i.occurred_at) from interaction_log i where i.customer_id = c.id and i.deleted_at is null) as last,
          exists (select 1 from care_occurrences o join task_ledger t on t.id = o.task_id
                  where o.source_id = ${plan.id} and o.customer_id = c.id and t.status = 'open' and t.due_at < ${now.toISOString()}::timestamptz) as overdue
        from customer_directory c
        where ${audienceSql(plan.audience, analytics)} and ${scopeSql(actor)} and ${filterSql(f)}
      ) x left join user_directory u on u.id = x.owner_id
      group by x.owner_id, u.display_name
      order by u.display_name nulls last`),
  );
}

/** Per owner, for event plans: customers with a task of the plan, done ones, overdue open ones. */
export async function eventCoverage(db: DbOrTx, planId: string, actor: Actor, f: CoverageFilter, now: Date): Promise<CoverageCount[]> {
  return rowsOf<CoverageCount>(
    await db.execute(sql`
      select c.owner_id as "ownerId", u.display_name as "ownerName", count(distinct c.id)::int as covered,
        count(distinct c.id) filter (where t.status = 'done' and t.completed_at <= t.due_at + interval '1 day')::int as "onTime",
        count(distinct c.id) filter (where t.status = 'open' and t.due_at < ${now.toISOString()}::timestamptz)::int as overdue
      from care_occurrences o join task_ledger t on t.id = o.task_id join customer_directory c on c.id = o.customer_id
      left join user_directory u on u.id = c.owner_id
      where o.source_id = ${planId} and c.deleted_at is null and ${scopeSql(actor)} and ${filterSql(f)}
      group by c.owner_id, u.display_name
      order by u.display_name nulls last`),
  );
}

export type OverdueRow = { planId: string; customerId: string; customerName: string; ownerId: string | null; ownerName: string | null; taskId: string; dueAt: string | Date };

export async function overdueVisits(db: DbOrTx, planIds: string[], actor: Actor, f: CoverageFilter, now: Date, limit = 500): Promise<OverdueRow[]> {
  if (!planIds.length) return [];
  return rowsOf<OverdueRow>(
    await db.execute(sql`
      select o.source_id as "planId", c.id as "customerId", c.name as "customerName", c.owner_id as "ownerId", u.display_name as "ownerName",
        t.id as "taskId", t.due_at as "dueAt"
      from care_occurrences o join task_ledger t on t.id = o.task_id join customer_directory c on c.id = o.customer_id
      left join user_directory u on u.id = c.owner_id
      where o.source_id = any(${`{${planIds.join(',')}}`}::uuid[]) and t.status = 'open' and t.due_at < ${now.toISOString()}::timestamptz
        and c.deleted_at is null and ${scopeSql(actor)} and ${filterSql(f)}
      order by t.due_at, t.id limit ${limit}`),
  );
}
