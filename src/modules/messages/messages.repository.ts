import { and, asc, count, desc, eq, getTableColumns, gt, inArray, isNull, isNotNull, lt, ne, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { getViewConfig } from 'drizzle-orm/pg-core';
import { bulkInsert } from '../../platform/db/bulk.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/auth/permissions.js';
import { userDirectory } from '../accounts/index.js';
import { customerAccess, customerDirectory, lockCustomer, type CustomerView } from '../customers/index.js';
import type { MessageChannel, MessageReason, MessageStatus } from './messages.contract.js';
import { messages, messageTemplates } from './schema.js';

export type TemplateRow = typeof messageTemplates.$inferSelect;
export type TemplateInsert = typeof messageTemplates.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
export type MessageInsert = typeof messages.$inferInsert;
export type MessageWithRefs = MessageRow & { customerName: string | null; templateName: string | null; createdByName: string | null; sortAt: string };

const utcText = (column: SQL | typeof messages.createdAt) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// ---- templates ---------------------------------------------------------------------------------------------------

export async function insertTemplate(db: DbOrTx, values: TemplateInsert): Promise<TemplateRow> {
  const [row] = await db.insert(messageTemplates).values(values).returning();
  return row!;
}

export async function findTemplate(db: DbOrTx, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(messageTemplates).where(eq(messageTemplates.id, id));
  return row;
}

/** A live template with this name (case-insensitive), other than `exceptId`. */
export async function templateNamed(db: DbOrTx, name: string, exceptId?: string): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(messageTemplates)
    .where(
      and(
        sql`lower(${messageTemplates.name}) = lower(${name})`,
        isNull(messageTemplates.archivedAt),
        exceptId ? ne(messageTemplates.id, exceptId) : undefined,
      ),
    );
  return row;
}

export async function listTemplates(db: DbOrTx, q: { archived: 'exclude' | 'only' | 'include'; channel?: MessageChannel }): Promise<TemplateRow[]> {
  return db
    .select()
    .from(messageTemplates)
    .where(
      and(
        q.archived === 'exclude' ? isNull(messageTemplates.archivedAt) : q.archived === 'only' ? isNotNull(messageTemplates.archivedAt) : undefined,
        q.channel ? eq(messageTemplates.channel, q.channel) : undefined,
      ),
    )
    .orderBy(asc(messageTemplates.name), asc(messageTemplates.id))
    .limit(1000);
}

/** Updates a template if it still has the given version (any when none is given). */
export async function updateTemplate(db: DbOrTx, id: string, values: Partial<TemplateInsert>, version?: number): Promise<TemplateRow | undefined> {
  const [row] = await db
    .update(messageTemplates)
    .set({ ...values, updatedAt: new Date(), version: sql`${messageTemplates.version} + 1` })
    .where(and(eq(messageTemplates.id, id), version === undefined ? undefined : eq(messageTemplates.version, version)))
    .returning();
  return row;
}

// ---- the customer a message is for -----------------------------------------------------------------------------

export type MessageCustomer = {
  id: string;
  name: string;
  email: string | null;
  phones: string[];
  preferences: CustomerView['preferences'];
  consent: CustomerView['consent'];
  custom: CustomerView['custom'];
  externalId: string | null;
  ownerName: string | null;
  deletedAt: Date | null;
  version: number;
};

/**
 * What rendering and the rules need of a customer, read through the customers module's view. `lock` first takes the
 * customer's row lock (the customers module's `lockCustomer`) until the transaction ends, so two messages for the same
 * customer are counted against the weekly cap one after the other.
 */
export async function customerForMessage(db: DbOrTx, id: string, lock = false): Promise<MessageCustomer | undefined> {
  if (lock && !(await lockCustomer(db, id))) return undefined;
  const [row] = await messageCustomers(db).where(eq(customerDirectory.id, id));
  return row;
}

/** `customerForMessage` for many customers in one query (no locks); customers that do not exist are left out. */
export async function customersForMessages(db: DbOrTx, ids: string[]): Promise<MessageCustomer[]> {
  if (!ids.length) return [];
  return messageCustomers(db).where(sql`${customerDirectory.id} = any(${sql.param(ids)}::uuid[])`);
}

/** The columns rendering and the rules read, with the owner's name. */
function messageCustomers(db: DbOrTx) {
  return db
    .select({
      id: customerDirectory.id,
      name: customerDirectory.name,
      email: customerDirectory.email,
      phones: customerDirectory.phones,
      preferences: customerDirectory.preferences,
      consent: customerDirectory.consent,
      custom: customerDirectory.custom,
      externalId: customerDirectory.externalId,
      ownerName: userDirectory.displayName,
      deletedAt: customerDirectory.deletedAt,
      version: customerDirectory.version,
    })
    .from(customerDirectory)
    .leftJoin(userDirectory, eq(userDirectory.id, customerDirectory.ownerId));
}

/** Live customers with this phone (E.164), through the phones GIN index. */
export async function customersWithPhone(db: DbOrTx, e164: string): Promise<string[]> {
  const rows = await db
    .select({ id: customerDirectory.id })
    .from(customerDirectory)
    .where(and(sql`${customerDirectory.phones} @> array[${e164}]::text[]`, isNull(customerDirectory.deletedAt)));
  return rows.map((r) => r.id);
}

// ---- the outbox ------------------------------------------------------------------------------------------------

/** The name the joined customer goes by in the outbox queries (the customers module's view, not aliased). */
const CUSTOMER_VIEW = getViewConfig(customerDirectory).name;

const withRefs = {
  ...getTableColumns(messages),
  customerName: customerDirectory.name,
  templateName: messageTemplates.name,
  createdByName: userDirectory.displayName,
  sortAt: utcText(messages.createdAt),
};

function selectWithRefs(db: DbOrTx) {
  return db
    .select(withRefs)
    .from(messages)
    .leftJoin(customerDirectory, eq(customerDirectory.id, messages.customerId))
    .leftJoin(messageTemplates, eq(messageTemplates.id, messages.templateId))
    .leftJoin(userDirectory, eq(userDirectory.id, messages.createdBy));
}

export async function insertMessage(db: DbOrTx, values: MessageInsert): Promise<MessageRow> {
  const [row] = await db.insert(messages).values(values).returning();
  return row!;
}

export async function findMessage(db: DbOrTx, id: string): Promise<MessageWithRefs | undefined> {
  const [row] = await selectWithRefs(db).where(eq(messages.id, id));
  return row;
}

/** Newest first, keyset on (created_at, id). */
export async function listMessages(
  db: DbOrTx,
  q: {
    customerId?: string;
    status?: MessageStatus;
    channel?: MessageChannel;
    from?: Date;
    to?: Date;
    /** Only messages to customers this actor sees (the customers module's rule, on the joined customer); none = every customer. */
    visibleTo?: Actor;
    before?: { value: string; id: string };
    limit: number;
  },
): Promise<MessageWithRefs[]> {
  return selectWithRefs(db)
    .where(
      and(
        q.customerId ? eq(messages.customerId, q.customerId) : undefined,
        q.from ? sql`${messages.createdAt} >= ${q.from.toISOString()}::timestamptz` : undefined,
        q.to ? sql`${messages.createdAt} < ${q.to.toISOString()}::timestamptz + interval '1 millisecond'` : undefined,
        q.visibleTo ? customerAccess.where(q.visibleTo, CUSTOMER_VIEW) : undefined,
        q.status ? eq(messages.status, q.status) : undefined,
        q.channel ? eq(messages.channel, q.channel) : undefined,
        q.before ? sql`(${messages.createdAt}, ${messages.id}) < (${q.before.value}::timestamptz, ${q.before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(q.limit);
}

/**
 * Marketing and care messages of a customer that count against the weekly cap at `now`: those waiting or being
 * sent, and those sent within the window (`since` … now). `exceptId` leaves out the message being checked.
 */
export async function cappedCount(db: DbOrTx, customerId: string, since: Date, opts: { includePending: boolean; exceptId?: string }): Promise<number> {
  const sentRecently = and(eq(messages.status, 'sent'), gt(messages.sentAt, since));
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.customerId, customerId),
        ne(messages.category, 'transactional'),
        opts.includePending ? or(inArray(messages.status, ['queued', 'sending']), sentRecently) : sentRecently,
        opts.exceptId ? ne(messages.id, opts.exceptId) : undefined,
      ),
    );
  return row?.n ?? 0;
}

/** `cappedCount` (pending included) for many customers in one grouped query: customer id → count (absent = 0). */
export async function cappedCounts(db: DbOrTx, customerIds: string[], since: Date): Promise<Map<string, number>> {
  if (!customerIds.length) return new Map();
  const rows = await db
    .select({ customerId: messages.customerId, n: count() })
    .from(messages)
    .where(
      and(
        sql`${messages.customerId} = any(${sql.param(customerIds)}::uuid[])`,
        ne(messages.category, 'transactional'),
        or(inArray(messages.status, ['queued', 'sending']), and(eq(messages.status, 'sent'), gt(messages.sentAt, since))),
      ),
    )
    .groupBy(messages.customerId);
  return new Map(rows.filter((r) => r.customerId !== null).map((r) => [r.customerId!, r.n]));
}

/**
 * When the marketing and care messages of these customers that count against the weekly cap at send time were sent:
 * those sent after `since`, leaving out `exceptIds` (the batch being checked), as epoch milliseconds per customer (a
 * customer with none is absent). One grouped query for a sender's batch; the sender counts, per message, the times
 * within the window that ends at its own check, as `cappedCount` (`includePending: false`) would.
 */
export async function cappedSentTimes(db: DbOrTx, customerIds: string[], since: Date, exceptIds: string[]): Promise<Map<string, number[]>> {
  if (!customerIds.length) return new Map();
  const rows = rowsOf<{ customer_id: string; sent: (number | string)[] }>(
    await db.execute(sql`
      select customer_id, array_agg((extract(epoch from sent_at) * 1000)::float8) as sent
      from ${messages}
      where customer_id = any(${sql.param(customerIds)}::uuid[]) and status = 'sent' and sent_at > ${since.toISOString()}::timestamptz
        and category <> 'transactional' and id <> all(${sql.param(exceptIds)}::uuid[])
      group by customer_id`),
  );
  return new Map(rows.map((r) => [r.customer_id, r.sent.map(Number)]));
}

/**
 * Many messages in one statement (the rows travel as one JSON parameter: platform/db/bulk.ts); a message whose
 * (source, customer, template) is already in the outbox is skipped (`messages_source_unique`, on conflict do nothing).
 * Returns the customers of the rows written.
 */
export async function insertMessagesOnce(db: DbOrTx, rows: MessageInsert[]): Promise<string[]> {
  if (!rows.length) return [];
  const written = await bulkInsert<typeof messages, { customerId: string }>(db, messages, rows, { returning: ['customerId'], onConflictDoNothing: true });
  return written.map((r) => r.customerId);
}

/** The messages of bulk sources by source, status and reason (one grouped query). */
export async function countsBySources(
  db: DbOrTx,
  sourceIds: readonly string[],
): Promise<{ sourceId: string | null; status: MessageStatus; reason: MessageReason | null; n: number }[]> {
  return db
    .select({ sourceId: messages.sourceId, status: messages.status, reason: messages.reason, n: count() })
    .from(messages)
    .where(sql`${messages.sourceId} = any(${sql.param([...sourceIds])}::uuid[])`)
    .groupBy(messages.sourceId, messages.status, messages.reason);
}

/** Whether a message of the source to the customer (an outer query's column) was sent: through messages_source_unique. */
/** A message of the source to the customer was opened / clicked (tracking.ts). */
export function engagedSql(sourceId: string, customerId: SQLWrapper, what: 'opened' | 'clicked'): SQL {
  const col = what === 'opened' ? sql`eng_m.opened_at` : sql`eng_m.clicked_at`;
  return sql`exists (select 1 from ${messages} as eng_m where eng_m.source_id = ${sourceId}::uuid and eng_m.customer_id = ${customerId} and ${col} is not null)`;
}

export function sentToSql(sourceId: string, customerId: SQLWrapper): SQL {
  return sql`exists (select 1 from ${messages} as sent_m where sent_m.source_id = ${sourceId}::uuid and sent_m.customer_id = ${customerId} and sent_m.status = 'sent')`;
}

/**
 * Claims due messages for one sender: queued ones whose next attempt time has come (one by id, or up to `limit`,
 * earliest first) become `sending` with the claim time, in one statement. `for update skip locked` lets two senders
 * (two server processes) claim at the same time without waiting for each other or taking the same row; a row another
 * sender claimed meanwhile no longer matches `status = 'queued'` when it is re-checked. The selection is a
 * materialised CTE: as an `in (subquery)` the planner may run the subquery again and claim more than `limit`. The
 * claim counts as an attempt, so a message that keeps crashing its sender still runs out of attempts.
 */
export async function claimDue(db: DbOrTx, now: Date, limit: number, id?: string): Promise<MessageRow[]> {
  const at = now.toISOString();
  const claimed = rowsOf<{ id: string }>(
    await db.execute(sql`
      with due as materialized (
        select id from messages
        where status = 'queued' and next_attempt_at <= ${at}::timestamptz ${id ? sql`and id = ${id}::uuid` : sql``}
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked
      )
      update messages m
      set status = 'sending', claimed_at = ${at}::timestamptz, attempts = m.attempts + 1, updated_at = now()
      from due
      where m.id = due.id and m.status = 'queued'
      returning m.id`),
  );
  if (!claimed.length) return [];
  return db
    .select()
    .from(messages)
    .where(inArray(messages.id, claimed.map((r) => r.id)))
    .orderBy(asc(messages.nextAttemptAt), asc(messages.id));
}

/** Claims left by a sender that stopped (crash, kill) go back to the queue, due at once. */
export async function releaseStale(db: DbOrTx, claimedBefore: Date): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ status: 'queued', claimedAt: null, nextAttemptAt: claimedBefore, updatedAt: new Date() })
    .where(and(eq(messages.status, 'sending'), lt(messages.claimedAt, claimedBefore)))
    .returning({ id: messages.id });
  return rows.length;
}

/** What a sender writes when it is done with a claimed message: status, reason and next attempt always, the rest as set. */
export type ClaimOutcome = Pick<MessageInsert, 'status' | 'reason' | 'nextAttemptAt'> &
  Partial<Pick<MessageInsert, 'attempts' | 'sentAt' | 'provider' | 'providerMessageId' | 'lastError'>>;

/**
 * Records the outcomes of claimed messages in one statement (they travel as one JSON parameter), each only while its
 * claim is still ours (status sending, same claim time): a claim released as stale and taken by another sender is not
 * overwritten. A column an outcome does not name keeps its value. Returns the ids written.
 */
export async function finishClaims(db: DbOrTx, done: { row: Pick<MessageRow, 'id' | 'claimedAt'>; values: ClaimOutcome }[]): Promise<Set<string>> {
  if (!done.length) return new Set();
  const json = JSON.stringify(
    done.map(({ row, values: v }) => ({
      id: row.id,
      claimed_at: row.claimedAt?.toISOString() ?? null,
      status: v.status,
      reason: v.reason ?? null,
      next_attempt_at: v.nextAttemptAt?.toISOString() ?? null,
      ...(v.attempts !== undefined && { attempts: v.attempts }),
      ...(v.sentAt !== undefined && { sent_at: v.sentAt?.toISOString() ?? null }),
      ...(v.provider !== undefined && { provider: v.provider }),
      ...(v.providerMessageId !== undefined && { provider_message_id: v.providerMessageId }),
      ...(v.lastError !== undefined && { last_error: v.lastError }),
    })),
  );
  const given = (key: string, type: string) => sql.raw(`case when o.v ? '${key}' then (o.v->>'${key}')::${type} else m.${key} end`);
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${messages} m
      set status = o.v->>'status', reason = o.v->>'reason', next_attempt_at = (o.v->>'next_attempt_at')::timestamptz,
          attempts = ${given('attempts', 'int')}, sent_at = ${given('sent_at', 'timestamptz')}, provider = ${given('provider', 'text')},
          provider_message_id = ${given('provider_message_id', 'text')}, last_error = ${given('last_error', 'text')},
          claimed_at = null, updated_at = ${new Date().toISOString()}::timestamptz
      from jsonb_array_elements(${json}::jsonb) as o(v)
      where m.id = (o.v->>'id')::uuid and m.status = 'sending' and m.claimed_at is not distinct from (o.v->>'claimed_at')::timestamptz
      returning m.id`),
  );
  return new Set(rows.map((r) => r.id));
}

/** A failed (or suppressed) message back to the queue, due now; its attempts start again. */
export async function requeue(db: DbOrTx, id: string, now: Date, from: MessageStatus[]): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({ status: 'queued', reason: null, attempts: 0, lastError: null, nextAttemptAt: now, claimedAt: null, updatedAt: new Date() })
    .where(and(eq(messages.id, id), inArray(messages.status, from)))
    .returning();
  return row;
}

/** Sent messages of a customer for the timeline: newest first, strictly before (sent_at, id). */
export async function sentForTimeline(db: DbOrTx, customerId: string, before: { at: string; id: string } | null, limit: number) {
  return db
    .select({ ...withRefs, sortAt: utcText(sql`${messages.sentAt}`) })
    .from(messages)
    .leftJoin(customerDirectory, eq(customerDirectory.id, messages.customerId))
    .leftJoin(messageTemplates, eq(messageTemplates.id, messages.templateId))
    .leftJoin(userDirectory, eq(userDirectory.id, messages.createdBy))
    .where(
      and(
        eq(messages.customerId, customerId),
        eq(messages.status, 'sent'),
        before ? sql`(${messages.sentAt}, ${messages.id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(messages.sentAt), desc(messages.id))
    .limit(limit);
}

export async function withdrawQueuedBySource(db: DbOrTx, sourceId: string): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ status: 'suppressed', reason: 'withdrawn', nextAttemptAt: null, updatedAt: new Date() })
    .where(sql`${messages.sourceId} = ${sourceId}::uuid and ${messages.status} = 'queued'`)
    .returning({ id: messages.id });
  return rows.length;
}

export async function messagesByIds(db: DbOrTx, ids: readonly string[]): Promise<MessageRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(messages)
    .where(sql`${messages.id} = any(${`{${ids.join(',')}}`}::uuid[])`);
}
