/** Queries of the tickets module (no rules here). */
import { and, arrayContains, asc, desc, eq, gte, ilike, inArray, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db/client.js';
import { rowsOf } from '../../platform/db/client.js';
import { scopeWhere, type DataScope } from '../../platform/auth/access.js';
import { userDirectory } from '../accounts/index.js';
import { customerDirectory } from '../customers/index.js';
import { ticketAssignmentRules, ticketAttachments, ticketCategories, ticketEvents, ticketRootCauses, tickets } from './schema.js';
import { ticketSlaClocks } from './sla/schema.js';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketInsert = typeof tickets.$inferInsert;
export type EventInsert = typeof ticketEvents.$inferInsert;
export type CategoryRow = typeof ticketCategories.$inferSelect;
export type RootCauseRow = typeof ticketRootCauses.$inferSelect;
export type RuleRow = typeof ticketAssignmentRules.$inferSelect;
export type AttachmentRow = typeof ticketAttachments.$inferSelect;

/** The alias of the customer (the customers module's `customer_directory` view) in the ticket queries below. */
export const CUSTOMER_ALIAS = 'c';
const customers = alias(customerDirectory, CUSTOMER_ALIAS);
const assignee = alias(userDirectory, 'assignee');
const rootCause = alias(ticketRootCauses, 'root_cause');

/**
 * Who may see which tickets (decided by the service): the actor's data scope over the ticket's assignee and team,
 * `customers` — the customers module's rule over the customer alias (CUSTOMER_ALIAS) — and unlinked intake. Null: all.
 */
export type Visibility = { scope: DataScope; customers: SQL } | null;

export function visibilityCondition(v: Visibility): SQL | undefined {
  if (!v || v.scope.kind === 'all') return undefined;
  return or(isNull(tickets.customerId), scopeWhere(v.scope, tickets.assigneeId, tickets.teamId), v.customers);
}

const withRefs = {
  ticket: tickets,
  customerName: customers.name,
  customerOwnerId: customers.ownerId,
  customerTeamId: customers.teamId,
  assigneeName: assignee.displayName,
  rootCauseZh: rootCause.nameZh,
  rootCauseEn: rootCause.nameEn,
};
export type TicketWithRefs = {
  ticket: TicketRow;
  customerName: string | null;
  customerOwnerId: string | null;
  customerTeamId: string | null;
  assigneeName: string | null;
  rootCauseZh: string | null;
  rootCauseEn: string | null;
};

function baseSelect(db: DbOrTx) {
  return db
    .select(withRefs)
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .leftJoin(rootCause, eq(rootCause.id, tickets.rootCauseId));
}

export async function findTicket(db: DbOrTx, id: string, lock = false): Promise<TicketWithRefs | undefined> {
  if (lock) await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, id)).for('update');
  const [row] = await baseSelect(db).where(and(eq(tickets.id, id), isNull(tickets.deletedAt)));
  return row;
}

export async function findByToken(db: DbOrTx, token: string): Promise<TicketWithRefs | undefined> {
  const [row] = await baseSelect(db).where(and(eq(tickets.publicToken, token), isNull(tickets.deletedAt)));
  return row;
}

export type ListFilter = {
  visibility: Visibility;
  status?: string;
  type?: string;
  categoryId?: string;
  assigneeId?: string;
  customerId?: string;
  q?: string;
  /** Carrying this tag (the GIN index on tags). */
  tag?: string;
  ids?: string[];
  /** Created in [from, to) (instants: the service turns the company's days into them). */
  created?: { from?: Date; to?: Date };
  /** Leave out duplicates merged into another ticket. */
  excludeMerged?: boolean;
  /** By the SLA clock (ticket_sla_clocks): met, breached, paused, or running (open, not paused, not breached yet). */
  sla?: { state: SlaSqlState; now: Date };
};

export type SlaSqlState = 'met' | 'breached' | 'paused' | 'running';

/**
 * The clock states decidable from the stored due times: the nearer open target (first response until answered, then
 * resolution) against the pause or now. Due times always fall inside working hours, so "no business time left" is
 * exactly "the due time has passed". Warning versus on track needs business time: the caller splits `running`.
 */
function slaCondition(state: SlaSqlState, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const c = ticketSlaClocks;
  const due = sql`least(case when ${c.firstRespondedAt} is null then ${c.firstResponseDueAt} end, ${c.resolutionDueAt})`;
  const cond =
    state === 'met'
      ? sql`${c.resolvedAt} is not null`
      : state === 'breached'
        ? sql`${c.resolvedAt} is null and ${due} <= coalesce(${c.pausedAt}, ${at})`
        : state === 'paused'
          ? sql`${c.resolvedAt} is null and ${c.pausedAt} is not null and ${due} > ${c.pausedAt}`
          : sql`${c.resolvedAt} is null and ${c.pausedAt} is null and ${due} > ${at}`;
  return sql`exists (select 1 from ${c} where ${c.ticketId} = ${tickets.id} and ${cond})`;
}

/** Where a page of the queue starts: after this row (its `created_at` as PostgreSQL text, and its id). */
export type QueueCursor = { value: string; id: string };

/**
 * The queue's order, newest first with the id breaking ties: `created_at` is never null, so the keyset is the row
 * value (created_at, id), and a page after the cursor is the rows below it.
 */
const QUEUE_ORDER = [desc(tickets.createdAt), desc(tickets.id)] as const;
const afterCursor = (c: QueueCursor) => sql`(${tickets.createdAt}, ${tickets.id}) < (${c.value}::timestamptz, ${c.id}::uuid)`;

/**
 * The ids of the matching tickets in the queue's order, each saying whether it comes after `cursor` (all do without
 * one): the SLA filter pages over them after computing states, and counts them all.
 */
export async function listTicketIds(db: DbOrTx, f: ListFilter, cursor?: QueueCursor): Promise<{ id: string; afterCursor: boolean }[]> {
  return db
    .select({ id: tickets.id, afterCursor: cursor ? sql<boolean>`${afterCursor(cursor)}` : sql<boolean>`true` })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(...listConditions(f)))
    .orderBy(...QUEUE_ORDER);
}

function listConditions(f: ListFilter): (SQL | undefined)[] {
  const conds: (SQL | undefined)[] = [isNull(tickets.deletedAt), visibilityCondition(f.visibility)];
  if (f.sla) conds.push(slaCondition(f.sla.state, f.sla.now));
  if (f.status === 'open') conds.push(notInArray(tickets.status, ['resolved', 'closed']));
  else if (f.status) conds.push(eq(tickets.status, f.status as TicketRow['status']));
  if (f.type) conds.push(eq(tickets.type, f.type as TicketRow['type']));
  if (f.categoryId) conds.push(eq(tickets.categoryId, f.categoryId));
  if (f.assigneeId) conds.push(eq(tickets.assigneeId, f.assigneeId));
  if (f.customerId) conds.push(eq(tickets.customerId, f.customerId));
  if (f.tag) conds.push(arrayContains(tickets.tags, [f.tag]));
  if (f.excludeMerged) conds.push(isNull(tickets.mergedIntoId));
  if (f.created?.from) conds.push(gte(tickets.createdAt, f.created.from));
  if (f.created?.to) conds.push(lt(tickets.createdAt, f.created.to));
  if (f.ids) conds.push(f.ids.length ? inArray(tickets.id, f.ids) : sql`false`);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const n = /^\d{1,12}$/.test(f.q) ? eq(tickets.number, Number(f.q)) : undefined;
    conds.push(or(ilike(tickets.title, like), ilike(tickets.contactName, like), ilike(customers.name, like), n));
  }
  return conds;
}

/**
 * One page of the queue: up to `limit` rows after `cursor`, in the queue's order, each with its sort value (for the
 * next cursor). The caller asks for one row more than it shows, to know whether there is a next page.
 */
export async function listTickets(db: DbOrTx, f: ListFilter, page: { after?: QueueCursor; limit: number }): Promise<(TicketWithRefs & { sortValue: string })[]> {
  return db
    .select({ ...withRefs, sortValue: sql<string>`${tickets.createdAt}::text` })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .leftJoin(rootCause, eq(rootCause.id, tickets.rootCauseId))
    .where(and(...listConditions(f), page.after ? afterCursor(page.after) : undefined))
    .orderBy(...QUEUE_ORDER)
    .limit(page.limit);
}

/** How many tickets match the filters (the queue's total, the same on every page). */
export async function countTickets(db: DbOrTx, f: ListFilter): Promise<number> {
  const [c] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(...listConditions(f)));
  return c?.n ?? 0;
}

/** The tags on the tickets the visibility lets see (deleted ones left out), most used first, then by name. */
export async function tagCounts(db: DbOrTx, v: Visibility, limit: number): Promise<{ tag: string; count: number }[]> {
  const each = db
    .select({ tag: sql<string>`unnest(${tickets.tags})`.as('tag') })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(isNull(tickets.deletedAt), visibilityCondition(v), sql`${tickets.tags} <> '{}'::text[]`))
    .as('each_tag');
  return db
    .select({ tag: each.tag, count: sql<number>`count(*)::int` })
    .from(each)
    .groupBy(each.tag)
    .orderBy(sql`count(*) desc`, each.tag)
    .limit(limit);
}

export async function insertTicket(db: DbOrTx, values: TicketInsert): Promise<TicketRow> {
  const [row] = await db.insert(tickets).values(values).returning();
  return row!;
}

/** Optimistic update: only while the version is still `version`; bumps it. */
export async function updateTicket(db: DbOrTx, id: string, version: number, values: Partial<TicketInsert>): Promise<TicketRow | undefined> {
  const [row] = await db
    .update(tickets)
    .set({ ...values, version: sql`${tickets.version} + 1`, updatedAt: new Date() })
    .where(and(eq(tickets.id, id), eq(tickets.version, version)))
    .returning();
  return row;
}

export async function insertEvent(db: DbOrTx, values: EventInsert): Promise<void> {
  await db.insert(ticketEvents).values(values);
}

export async function eventsOf(db: DbOrTx, ticketId: string) {
  return db
    .select({ event: ticketEvents, actorName: userDirectory.displayName })
    .from(ticketEvents)
    .leftJoin(userDirectory, eq(userDirectory.id, ticketEvents.actorId))
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id));
}

/** Notes and replies of a merged ticket move to the surviving one; returns the moved ids. */
export async function moveConversation(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
  const moved = await db
    .update(ticketEvents)
    .set({ ticketId: toId, data: sql`${ticketEvents.data} || jsonb_build_object('mergedFrom', ${fromId}::text)` })
    .where(and(eq(ticketEvents.ticketId, fromId), inArray(ticketEvents.kind, ['note', 'reply', 'customer_reply'])))
    .returning({ id: ticketEvents.id });
  return moved.map((r) => r.id);
}

export async function moveAttachments(db: DbOrTx, fromId: string, toId: string): Promise<void> {
  await db.update(ticketAttachments).set({ ticketId: toId }).where(eq(ticketAttachments.ticketId, fromId));
}

// ---- attachments ----

export async function attachmentsOf(db: DbOrTx, ticketId: string): Promise<AttachmentRow[]> {
  return db.select().from(ticketAttachments).where(eq(ticketAttachments.ticketId, ticketId)).orderBy(asc(ticketAttachments.createdAt));
}

export async function findAttachment(db: DbOrTx, ticketId: string, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db.select().from(ticketAttachments).where(and(eq(ticketAttachments.id, id), eq(ticketAttachments.ticketId, ticketId)));
  return row;
}

export async function insertAttachment(db: DbOrTx, values: typeof ticketAttachments.$inferInsert): Promise<AttachmentRow> {
  const [row] = await db.insert(ticketAttachments).values(values).returning();
  return row!;
}

// ---- settings ----

export async function listCategories(db: DbOrTx): Promise<CategoryRow[]> {
  return db.select().from(ticketCategories).orderBy(asc(ticketCategories.position), asc(ticketCategories.createdAt));
}
export async function findCategory(db: DbOrTx, id: string): Promise<CategoryRow | undefined> {
  const [row] = await db.select().from(ticketCategories).where(eq(ticketCategories.id, id));
  return row;
}
export async function insertCategory(db: DbOrTx, v: typeof ticketCategories.$inferInsert): Promise<CategoryRow> {
  const [row] = await db.insert(ticketCategories).values(v).returning();
  return row!;
}
export async function updateCategory(db: DbOrTx, id: string, v: Partial<typeof ticketCategories.$inferInsert>): Promise<CategoryRow | undefined> {
  const [row] = await db.update(ticketCategories).set(v).where(eq(ticketCategories.id, id)).returning();
  return row;
}
/**
 * A renamed category: the tickets filed under it (deleted and merged ones too) carry the new name. Neither their
 * `version` nor `updated_at` moves — the ticket itself did not change, and an edit opened before stays valid.
 */
export async function renameTicketsCategory(db: DbOrTx, categoryId: string, name: string): Promise<number> {
  const rows = await db
    .update(tickets)
    .set({ category: name })
    .where(and(eq(tickets.categoryId, categoryId), sql`${tickets.category} is distinct from ${name}`))
    .returning({ id: tickets.id });
  return rows.length;
}

export async function listRootCauses(db: DbOrTx): Promise<RootCauseRow[]> {
  return db.select().from(ticketRootCauses).orderBy(asc(ticketRootCauses.position), asc(ticketRootCauses.createdAt));
}
export async function findRootCause(db: DbOrTx, id: string): Promise<RootCauseRow | undefined> {
  const [row] = await db.select().from(ticketRootCauses).where(eq(ticketRootCauses.id, id));
  return row;
}
export async function insertRootCause(db: DbOrTx, v: typeof ticketRootCauses.$inferInsert): Promise<RootCauseRow> {
  const [row] = await db.insert(ticketRootCauses).values(v).returning();
  return row!;
}
export async function updateRootCause(db: DbOrTx, id: string, v: Partial<typeof ticketRootCauses.$inferInsert>): Promise<RootCauseRow | undefined> {
  const [row] = await db.update(ticketRootCauses).set(v).where(eq(ticketRootCauses.id, id)).returning();
  return row;
}

export async function listRules(db: DbOrTx, onlyActive = false): Promise<RuleRow[]> {
  return db
    .select()
    .from(ticketAssignmentRules)
    .where(onlyActive ? eq(ticketAssignmentRules.active, true) : undefined)
    .orderBy(asc(ticketAssignmentRules.position), asc(ticketAssignmentRules.createdAt));
}
export async function lockRule(db: DbOrTx, id: string): Promise<RuleRow | undefined> {
  const [row] = await db.select().from(ticketAssignmentRules).where(eq(ticketAssignmentRules.id, id)).for('update');
  return row;
}
export async function insertRule(db: DbOrTx, v: typeof ticketAssignmentRules.$inferInsert): Promise<RuleRow> {
  const [row] = await db.insert(ticketAssignmentRules).values(v).returning();
  return row!;
}
export async function updateRule(db: DbOrTx, id: string, v: Partial<typeof ticketAssignmentRules.$inferInsert>): Promise<RuleRow | undefined> {
  const [row] = await db.update(ticketAssignmentRules).set({ ...v, updatedAt: new Date() }).where(eq(ticketAssignmentRules.id, id)).returning();
  return row;
}
export async function deleteRule(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(ticketAssignmentRules).where(eq(ticketAssignmentRules.id, id)).returning({ id: ticketAssignmentRules.id });
  return rows.length > 0;
}

// ---- people and customers ----

export async function activeUser(db: DbOrTx, id: string): Promise<{ id: string; teamId: string | null; displayName: string } | undefined> {
  const u = userDirectory;
  const [row] = await db
    .select({ id: u.id, teamId: u.teamId, displayName: u.displayName })
    .from(u)
    .where(and(eq(u.id, id), eq(u.active, true)));
  return row;
}

export type CustomerFacts = { id: string; name: string; ownerId: string | null; teamId: string | null; compound: string | null; district: string | null; tags: string[] };

export async function customerFacts(db: DbOrTx, id: string): Promise<CustomerFacts | undefined> {
  const cd = customerDirectory;
  const [row] = await db
    .select({ id: cd.id, name: cd.name, ownerId: cd.ownerId, teamId: cd.teamId, compound: cd.compound, district: cd.district, tags: cd.tags })
    .from(cd)
    .where(eq(cd.id, id));
  return row;
}

/** Where a message to the customer can go, and what they agreed to. */
export async function customerContact(db: DbOrTx, id: string) {
  const cd = customerDirectory;
  const [row] = await db.select({ phones: cd.phones, email: cd.email, consent: cd.consent }).from(cd).where(eq(cd.id, id));
  return row;
}

/** Tickets of a customer for its timeline: strictly before (time, id), newest first. */
export async function ticketsForTimeline(db: DbOrTx, customerId: string, before: { at: string; id: string } | null, limit: number) {
  return db
    .select({
      ticket: tickets,
      sortAt: sql<string>`to_char(${tickets.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      creatorName: userDirectory.displayName,
    })
    .from(tickets)
    .leftJoin(userDirectory, eq(userDirectory.id, tickets.createdBy))
    .where(
      and(
        eq(tickets.customerId, customerId),
        isNull(tickets.deletedAt),
        before ? sql`(${tickets.createdAt}, ${tickets.id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit);
}

/** Customer merge: tickets of the duplicate move to the survivor (and back on undo, by id). */
export async function moveTicketsToCustomer(db: DbOrTx, fromCustomerId: string, toCustomerId: string): Promise<string[]> {
  const rows = await db.update(tickets).set({ customerId: toCustomerId }).where(eq(tickets.customerId, fromCustomerId)).returning({ id: tickets.id });
  return rows.map((r) => r.id);
}
export async function moveTicketsBack(db: DbOrTx, ids: readonly string[], fromCustomerId: string, toCustomerId: string): Promise<void> {
  if (ids.length) {
    await db
      .update(tickets)
      .set({ customerId: toCustomerId })
      .where(and(inArray(tickets.id, [...ids]), eq(tickets.customerId, fromCustomerId)));
  }
}

// ---- churn signal (analytics) ----

export type ChurnFactRow = { customer_id: string; code: 'complaints' | 'low_rating' | 'breached'; n: number; rating: number | null; number: number | null };

/**
 * For a batch of customers, in one query: complaints created in (end − 30 d, end], the lowest rating given in
 * (end − 90 d, end] (from the rating events, so a rating given before a reopen still counts), and the oldest open
 * ticket whose SLA target had passed at `end`.
 */
/** The churn facts of the given customers, or of every customer when `customerIds` is null. */
export async function churnFacts(db: DbOrTx, customerIds: readonly string[] | null, end: Date): Promise<ChurnFactRow[]> {
  if (customerIds && !customerIds.length) return [];
  const among = customerIds ? sql`t.customer_id = any(${`{${customerIds.join(',')}}`}::uuid[])` : sql`t.customer_id is not null`;
  const at = end.toISOString();
  const rows = rowsOf<ChurnFactRow>(
    await db.execute(sql`
      select t.customer_id::text as customer_id, 'complaints' as code, count(*)::int as n, null::int as rating, null::int as number
        from ${tickets} t
       where ${among} and t.type = 'complaint' and t.deleted_at is null and t.merged_into_id is null
         and t.created_at > ${at}::timestamptz - interval '30 days' and t.created_at <= ${at}::timestamptz
       group by t.customer_id
      union all
      select t.customer_id::text, 'low_rating', count(*)::int, min((e.data->>'rating')::int), null::int
        from ${ticketEvents} e join ${tickets} t on t.id = e.ticket_id
       where ${among} and t.deleted_at is null and e.kind = 'rated' and (e.data->>'rating')::int <= 2
         and e.created_at > ${at}::timestamptz - interval '90 days' and e.created_at <= ${at}::timestamptz
       group by t.customer_id
      union all
      select t.customer_id::text, 'breached', count(*)::int, null::int, min(t.number)::int
        from ${tickets} t join ${ticketSlaClocks} c on c.ticket_id = t.id
       where ${among} and t.deleted_at is null and t.merged_into_id is null
         and t.status not in ('resolved', 'closed') and c.resolved_at is null and t.created_at <= ${at}::timestamptz
         and least(case when c.first_responded_at is null then c.first_response_due_at end, c.resolution_due_at)
             <= least(coalesce(c.paused_at, ${at}::timestamptz), ${at}::timestamptz)
       group by t.customer_id`),
  );
  return rows.map((r) => ({ ...r, n: Number(r.n), rating: r.rating === null ? null : Number(r.rating), number: r.number === null ? null : Number(r.number) }));
}
