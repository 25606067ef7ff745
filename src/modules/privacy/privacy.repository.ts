/** Queries of the personal-information requests register (no rules: privacy.service.ts decides). */
import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import { customerDirectory } from '../customers/index.js';
import { OPEN_PRIVACY_STATUSES, type PrivacyRequestKind, type PrivacyRequestStatus } from './privacy.contract.js';
import { privacyRequests } from './schema.js';

export type RequestRow = typeof privacyRequests.$inferSelect;
export type RequestWithNames = { request: RequestRow; customerName: string | null; handlerName: string | null; verifierName: string | null; sortAt: string };

const handler = alias(userDirectory, 'handler');
const verifier = alias(userDirectory, 'verifier');
/** Receipt time as full-precision UTC text: the list's cursor value. */
const sortAt = sql<string>`to_char(${privacyRequests.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function selectWithNames(db: DbOrTx) {
  return db
    .select({ request: privacyRequests, customerName: customerDirectory.name, handlerName: handler.displayName, verifierName: verifier.displayName, sortAt })
    .from(privacyRequests)
    .leftJoin(customerDirectory, eq(customerDirectory.id, privacyRequests.customerId))
    .leftJoin(handler, eq(handler.id, privacyRequests.handlerId))
    .leftJoin(verifier, eq(verifier.id, privacyRequests.verifiedBy));
}

export async function findRequest(db: DbOrTx, id: string): Promise<RequestWithNames | undefined> {
  const [row] = await selectWithNames(db).where(eq(privacyRequests.id, id));
  return row;
}

/** The request's row, locked for the change being made. */
export async function lockRequest(db: DbOrTx, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(privacyRequests).where(eq(privacyRequests.id, id)).for('update');
  return row;
}

export async function insertRequest(db: DbOrTx, values: typeof privacyRequests.$inferInsert): Promise<RequestRow> {
  const [row] = await db.insert(privacyRequests).values(values).returning();
  return row!;
}

export async function updateRequest(db: DbOrTx, id: string, values: Partial<typeof privacyRequests.$inferInsert>): Promise<void> {
  await db
    .update(privacyRequests)
    .set({ ...values, updatedAt: new Date(), version: sql`${privacyRequests.version} + 1` })
    .where(eq(privacyRequests.id, id));
}

export type RequestFilter = {
  status?: PrivacyRequestStatus | 'open';
  kind?: PrivacyRequestKind;
  overdue?: boolean;
  customerId?: string;
  handlerId?: string;
};

const openStatus = () => inArray(privacyRequests.status, [...OPEN_PRIVACY_STATUSES]);

function where(f: RequestFilter, now: Date): SQL | undefined {
  return and(
    f.status === 'open' ? openStatus() : f.status ? eq(privacyRequests.status, f.status) : undefined,
    f.kind ? eq(privacyRequests.kind, f.kind) : undefined,
    f.overdue === true ? and(openStatus(), lt(privacyRequests.dueAt, now)) : undefined,
    f.overdue === false ? sql`not (${privacyRequests.status} in ('received', 'verifying', 'in_progress') and ${privacyRequests.dueAt} < ${now})` : undefined,
    f.customerId ? eq(privacyRequests.customerId, f.customerId) : undefined,
    f.handlerId ? eq(privacyRequests.handlerId, f.handlerId) : undefined,
  );
}

/** Newest received first, after the cursor (receipt time, id). */
export async function listRequests(db: DbOrTx, f: RequestFilter, now: Date, after: { value: string; id: string } | undefined, limit: number): Promise<RequestWithNames[]> {
  return selectWithNames(db)
    .where(
      and(
        where(f, now),
        after
          ? or(lt(privacyRequests.receivedAt, sql`${after.value}::timestamptz`), and(eq(privacyRequests.receivedAt, sql`${after.value}::timestamptz`), lt(privacyRequests.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(privacyRequests.receivedAt), desc(privacyRequests.id))
    .limit(limit);
}

export async function countRequests(db: DbOrTx, f: RequestFilter, now: Date): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(privacyRequests).where(where(f, now));
  return Number(row?.n ?? 0);
}

/** Open requests whose reminder (or due time) has come and whose stage was not told yet, locked, oldest due first. */
export async function dueForReminder(db: DbOrTx, now: Date, limit: number): Promise<RequestRow[]> {
  return db
    .select()
    .from(privacyRequests)
    .where(
      and(
        openStatus(),
        or(
          and(sql`${privacyRequests.remindAt} <= ${now}`, sql`${privacyRequests.remindedStage} is null`),
          and(sql`${privacyRequests.dueAt} <= ${now}`, sql`${privacyRequests.remindedStage} is distinct from 'overdue'`),
        ),
      ),
    )
    .orderBy(privacyRequests.dueAt, privacyRequests.id)
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** A customer's requests (the privacy module's own export hook). */
export async function requestsOfCustomer(db: DbOrTx, customerId: string): Promise<RequestRow[]> {
  return db.select().from(privacyRequests).where(eq(privacyRequests.customerId, customerId)).orderBy(privacyRequests.receivedAt);
}

/** Notes the reminder stage told (no version bump: nobody edited the request). */
export async function setRemindedStage(db: DbOrTx, id: string, stage: 'due_soon' | 'overdue'): Promise<void> {
  await db.update(privacyRequests).set({ remindedStage: stage }).where(eq(privacyRequests.id, id));
}
