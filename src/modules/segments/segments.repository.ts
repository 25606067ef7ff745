/**
 * Queries of the segments module. Customers are read through the customers module's `customer_directory` view
 * (alias `c`, the alias compiled rules use) and users through `user_directory`; scope conditions come from the
 * service (customerAccess), never written here.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { customerDirectory } from '../customers/index.js';
import type { Rule } from './rule.js';
import type { SegmentKind } from './segments.contract.js';
import { customerFacts, segmentCounts, segmentMembers, segments } from './schema.js';

export type SegmentRow = typeof segments.$inferSelect;
export type SegmentWithNames = SegmentRow & { ownerName: string | null; createdByName: string | null };
export type CustomerBrief = { id: string; name: string; city: string | null; compound: string | null };

const withNames = sql`s.*, (select u.display_name from ${userDirectory} u where u.id = s.owner_id) as "ownerName",
  (select u.display_name from ${userDirectory} u where u.id = s.created_by) as "createdByName"`;

type RawSegment = Record<string, unknown>;

/** A raw row (snake_case columns) as the table's row type. */
function segmentOf(r: RawSegment): SegmentWithNames {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: r.id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    kind: r.kind as SegmentKind,
    rule: (typeof r.rule === 'string' ? JSON.parse(r.rule) : (r.rule ?? null)) as Rule | null,
    ownerId: (r.owner_id as string | null) ?? null,
    createdBy: (r.created_by as string | null) ?? null,
    memberCount: Number(r.member_count),
    refreshedAt: date(r.refreshed_at),
    version: Number(r.version),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
    deletedAt: date(r.deleted_at),
    ownerName: (r.ownerName as string | null) ?? null,
    createdByName: (r.createdByName as string | null) ?? null,
  };
}

export async function findSegment(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<SegmentWithNames | undefined> {
  if (opts.lock) await db.execute(sql`select id from ${segments} where id = ${id} for update`);
  const rows = rowsOf<RawSegment>(await db.execute(sql`select ${withNames} from ${segments} s where s.id = ${id}`));
  return rows[0] ? segmentOf(rows[0]) : undefined;
}

export async function nameTaken(db: DbOrTx, name: string, exceptId?: string): Promise<boolean> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from ${segments} where lower(name) = lower(${name}) and deleted_at is null ${exceptId ? sql`and id <> ${exceptId}` : sql``} limit 1`,
    ),
  );
  return rows.length > 0;
}

export async function insertSegment(db: DbOrTx, values: typeof segments.$inferInsert): Promise<string> {
  const [row] = await db.insert(segments).values(values).returning({ id: segments.id });
  return row!.id;
}

export async function updateSegment(db: DbOrTx, id: string, values: Partial<typeof segments.$inferInsert>): Promise<void> {
  await db
    .update(segments)
    .set({ ...values, updatedAt: new Date(), version: sql`${segments.version} + 1` })
    .where(sql`${segments.id} = ${id}`);
}

export type SegmentListFilter = {
  kind?: SegmentKind;
  deleted: 'exclude' | 'only';
  after?: { value: string; id: string };
  limit: number;
  /** The count shown per segment: null = the stored member_count; else current members under this condition over `c`. */
  scopedCount: SQL | null;
};

/** Segments newest first (keyset over created_at, id), each with its member count. */
export async function listSegments(db: DbOrTx, f: SegmentListFilter): Promise<(SegmentWithNames & { sortValue: string })[]> {
  const count = f.scopedCount
    ? sql`(select count(*)::int from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
        where m.segment_id = s.id and m.exited_at is null and c.deleted_at is null and ${f.scopedCount})`
    : sql`s.member_count`;
  const rows = rowsOf<RawSegment & { sortValue: string; shown: number }>(
    await db.execute(sql`
      select ${withNames}, s.created_at::text as "sortValue", ${count} as shown
      from ${segments} s
      where ${f.deleted === 'only' ? sql`s.deleted_at is not null` : sql`s.deleted_at is null`}
        ${f.kind ? sql`and s.kind = ${f.kind}` : sql``}
        ${f.after ? sql`and (s.created_at, s.id) < (${f.after.value}::timestamptz, ${f.after.id}::uuid)` : sql``}
      order by s.created_at desc, s.id desc
      limit ${f.limit}`),
  );
  return rows.map((r) => ({ ...segmentOf(r), memberCount: Number(r.shown), sortValue: r.sortValue }));
}

/** Live segments (id, kind, rule), for reference checks and the nightly run. */
export async function liveSegments(db: DbOrTx): Promise<{ id: string; name: string; kind: SegmentKind; rule: Rule | null }[]> {
  return db
    .select({ id: segments.id, name: segments.name, kind: segments.kind, rule: segments.rule })
    .from(segments)
    .where(sql`${segments.deletedAt} is null`)
    .orderBy(segments.createdAt, segments.id);
}

/** Current members in scope (`scope` over `c`). */
export async function scopedMemberCount(db: DbOrTx, segmentId: string, scope: SQL): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
      where m.segment_id = ${segmentId} and m.exited_at is null and c.deleted_at is null and ${scope}`),
  );
  return Number(rows[0]?.n ?? 0);
}

// ---- preview ------------------------------------------------------------------------------------------------------

/**
 * How many live customers match `condition` (over `c`) under `scope`, and `sample` of them — the first in id order,
 * which the primary key gives without sorting every match (uuids: an arbitrary but stable choice).
 */
/**
 * Memory for evaluating a rule, for one transaction: a rule's sets of customer ids (`c.id in (…)`) under OR or NOT
 * are hashed subplans, which PostgreSQL builds only when the set fits in `work_mem`; otherwise it rescans the set for
 * every customer. A million ids take about 60 MB.
 */
export async function withRuleMemory<T>(db: DbOrTx, work: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${RULE_WORK_MEM}'`));
    return work(tx);
  });
}
const RULE_WORK_MEM = '256MB';

/**
 * The SQL of a preview's count: `condition` and `scope` are over `c`, the customer directory or (`facts`) the facts read
 * model, which has the scope's owner and team columns too.
 */
export function previewCountSql(condition: SQL, scope: SQL, source: 'live' | 'facts'): SQL {
  return sql`select count(*)::int as n from ${source === 'facts' ? customerFacts : customerDirectory} c where c.deleted_at is null and ${scope} and (${condition})`;
}

export async function preview(db: DbOrTx, condition: SQL, scope: SQL, sample: number, source: 'live' | 'facts' = 'live'): Promise<{ count: number; sample: CustomerBrief[] }> {
  const where = sql`c.deleted_at is null and ${scope} and (${condition})`;
  // The first members found, in no stated order: ordering by id made the sample walk the customers in id order with a
  // random read each (1.4 s for a rule over a million households, where the first found take 0.7 s). Over the facts,
  // the first ids found there, then their names from the directory.
  const sampleSql =
    source === 'facts'
      ? sql`select d.id, d.name, d.city, d.compound from ${customerDirectory} d where d.id in (select c.id from ${customerFacts} c where ${where} limit ${sample})`
      : sql`select c.id, c.name, c.city, c.compound from ${customerDirectory} c where ${where} limit ${sample}`;
  // Side by side on a pool (PostgreSQL: the builder waits for the slower of the two, not their sum); PGlite queues them.
  const [counted, rows] = await Promise.all([
    withRuleMemory(db, async (tx) => rowsOf<{ n: number }>(await tx.execute(previewCountSql(condition, scope, source)))),
    withRuleMemory(db, async (tx) => rowsOf<CustomerBrief>(await tx.execute(sampleSql))),
  ]);
  return { count: Number(counted[0]?.n ?? 0), sample: rows };
}

// ---- members ------------------------------------------------------------------------------------------------------

export async function memberPage(
  db: DbOrTx,
  segmentId: string,
  scope: SQL,
  page: { after?: string; limit: number },
): Promise<{ rows: (CustomerBrief & { enteredAt: Date | string })[]; total: number }> {
  const base = sql`from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
    where m.segment_id = ${segmentId} and m.exited_at is null and c.deleted_at is null and ${scope}`;
  const rows = rowsOf<CustomerBrief & { enteredAt: Date | string }>(
    await db.execute(sql`select c.id, c.name, c.city, c.compound, m.entered_at as "enteredAt" ${base}
      ${page.after ? sql`and m.customer_id > ${page.after}::uuid` : sql``}
      order by m.customer_id limit ${page.limit}`),
  );
  const total = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n ${base}`));
  return { rows, total: Number(total[0]?.n ?? 0) };
}

/** Of `ids`, the live customers under `scope` (over `c`). */
export async function reachableCustomers(db: DbOrTx, ids: string[], scope: SQL): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from ${customerDirectory} c where c.id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)}) and c.deleted_at is null and ${scope}`),
  );
  return new Set(rows.map((r) => r.id));
}

/** Makes the customers current members (those who already are stay as they are); returns the ids added. */
export async function addMembers(db: DbOrTx, segmentId: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into ${segmentMembers} (segment_id, customer_id, entered_at)
      select ${segmentId}::uuid, x.id, now() from unnest(array[${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)}]) as x(id)
      on conflict (segment_id, customer_id) where exited_at is null do nothing
      returning customer_id as id`),
  );
  return rows.map((r) => r.id);
}

/** Ends the current membership of the customers; returns the ids removed. */
export async function removeMembers(db: DbOrTx, segmentId: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${segmentMembers} set exited_at = now()
      where segment_id = ${segmentId} and exited_at is null and customer_id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})
      returning customer_id as id`),
  );
  return rows.map((r) => r.id);
}

/** Counts the current members (every live customer), stores the count on the segment and as the day's point. */
export async function recount(db: DbOrTx, segmentId: string, day: string, opts: { refreshed?: boolean } = {}): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id and c.deleted_at is null
      where m.segment_id = ${segmentId} and m.exited_at is null`),
  );
  const n = Number(rows[0]?.n ?? 0);
  await db.execute(sql`update ${segments} set member_count = ${n} ${opts.refreshed ? sql`, refreshed_at = now()` : sql``} where id = ${segmentId}`);
  await db.execute(sql`
    insert into ${segmentCounts} (segment_id, day, count, at) values (${segmentId}, ${day}::date, ${n}, now())
    on conflict (segment_id, day) do update set count = excluded.count, at = excluded.at`);
  return n;
}

/** Daily counts since `since` (oldest first); with `scope`, the members in scope at the moment each count was taken. */
export async function history(db: DbOrTx, segmentId: string, since: string, scope: SQL | null): Promise<{ day: string; count: number }[]> {
  const count = scope
    ? sql`(select count(*)::int from ${segmentMembers} m join ${customerDirectory} c on c.id = m.customer_id
        where m.segment_id = k.segment_id and m.entered_at <= k.at and (m.exited_at is null or m.exited_at > k.at) and ${scope})`
    : sql`k.count`;
  const rows = rowsOf<{ day: string; count: number }>(
    await db.execute(sql`select k.day::text as day, ${count} as count from ${segmentCounts} k where k.segment_id = ${segmentId} and k.day >= ${since}::date order by k.day`),
  );
  return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
}

// ---- refresh ------------------------------------------------------------------------------------------------------

/** The id ending the next slice of `size` customers after `after` (null: the rest fits in one slice). */
export async function sliceEnd(db: DbOrTx, after: string | null, size: number): Promise<string | null> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from ${customerDirectory} c ${after ? sql`where c.id > ${after}::uuid` : sql``} order by c.id offset ${size - 1} limit 1`),
  );
  return rows[0]?.id ?? null;
}

/**
 * One slice of a refresh: customers with ids in (after, upTo] (upTo null: to the end) who match `condition` and are
 * not members enter; current members in the range who no longer match (or are deleted) exit. Who is already a member
 * is left to the partial unique index (`on conflict do nothing`: one index probe per match) rather than a `not exists`
 * over segment_members, whose plan depends on statistics that a refresh itself makes stale (an estimate of one row
 * turned it into a nested loop comparing every match with every member).
 */
export async function refreshSlice(
  db: DbOrTx,
  segmentId: string,
  condition: SQL,
  range: { after: string | null; upTo: string | null },
): Promise<{ entered: number; exited: number }> {
  const inRange = (col: SQL) =>
    sql`${range.after ? sql`${col} > ${range.after}::uuid` : sql`true`} and ${range.upTo ? sql`${col} <= ${range.upTo}::uuid` : sql`true`}`;
  const matches = sql`c.deleted_at is null and (${condition})`;
  const exited = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${segmentMembers} m set exited_at = now()
      where m.segment_id = ${segmentId} and m.exited_at is null and ${inRange(sql`m.customer_id`)}
        and not exists (select 1 from ${customerDirectory} c where c.id = m.customer_id and ${matches})
      returning m.id`),
  ).length;
  const entered = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into ${segmentMembers} (segment_id, customer_id, entered_at)
      select ${segmentId}::uuid, c.id, now() from ${customerDirectory} c
      where ${inRange(sql`c.id`)} and ${matches}
      on conflict (segment_id, customer_id) where exited_at is null do nothing
      returning id`),
  ).length;
  return { entered, exited };
}

/**
 * A whole segment in one statement (PostgreSQL): the rule is evaluated once over every customer, so the planner can
 * hash-join each source it reads (analytics results, transactions) instead of probing an index per customer of each
 * id slice; the matches and the current members are compared as two hashed sets (`except`), whatever the statistics
 * of segment_members say. Members who no longer match exit, matches who are not members enter; one transaction with
 * the run's checkpoint, so a resume redoes at most this segment and a second refresh changes nothing.
 */
export async function refreshWhole(db: DbOrTx, segmentId: string, condition: SQL): Promise<{ entered: number; exited: number }> {
  // Room for the hashed sets and joins of a million customers in memory, for this transaction only.
  await db.execute(sql.raw(`set local work_mem = '${RULE_WORK_MEM}'`));
  const [row] = rowsOf<{ entered: number; exited: number }>(
    await db.execute(sql`
      with hits as materialized (
        select c.id from ${customerDirectory} c where c.deleted_at is null and (${condition})
      ), current_members as materialized (
        select m.customer_id from ${segmentMembers} m where m.segment_id = ${segmentId} and m.exited_at is null
      ), gone as (
        update ${segmentMembers} m set exited_at = now()
        from (select customer_id from current_members except select id from hits) x
        where m.segment_id = ${segmentId} and m.exited_at is null and m.customer_id = x.customer_id
        returning m.id
      ), came as (
        insert into ${segmentMembers} (segment_id, customer_id, entered_at)
        select ${segmentId}::uuid, y.id, now() from (select id from hits except select customer_id from current_members) y
        on conflict (segment_id, customer_id) where exited_at is null do nothing
        returning id
      )
      select (select count(*) from came)::int as entered, (select count(*) from gone)::int as exited`),
  );
  return { entered: Number(row?.entered ?? 0), exited: Number(row?.exited ?? 0) };
}

/** Fresh statistics for segment_members after a refresh moved many rows (the embedded database has no autovacuum). */
export async function analyzeMembers(db: DbOrTx): Promise<void> {
  await db.execute(sql`analyze ${segmentMembers}`);
}

/** What other modules show of segments they point at (campaigns: the audience's name, kind, size, freshness). */
export async function segmentSummaries(
  db: DbOrTx,
  ids: readonly string[],
): Promise<{ id: string; name: string; kind: SegmentKind; memberCount: number; refreshedAt: Date | null; deletedAt: Date | null }[]> {
  if (!ids.length) return [];
  return db
    .select({ id: segments.id, name: segments.name, kind: segments.kind, memberCount: segments.memberCount, refreshedAt: segments.refreshedAt, deletedAt: segments.deletedAt })
    .from(segments)
    .where(inArray(segments.id, [...new Set(ids)]));
}
