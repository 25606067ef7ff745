/**
 * Queries of the SLA tables (calendars, policies, clocks, escalations) and the ticket facts escalation needs. People and
 * teams are read through the accounts module's views (user_directory, team_directory).
 */
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../../platform/db/client.js';
import { slaCalendars, slaPolicies, ticketEscalations, ticketSlaClocks } from './schema.js';

export type CalendarRow = typeof slaCalendars.$inferSelect;
export type PolicyRow = typeof slaPolicies.$inferSelect;
export type ClockRow = typeof ticketSlaClocks.$inferSelect;
export type ClockInsert = typeof ticketSlaClocks.$inferInsert;

// ---- calendars ----

export const listCalendars = (db: DbOrTx) =>
  db.select().from(slaCalendars).orderBy(desc(slaCalendars.isDefault), asc(slaCalendars.createdAt), asc(slaCalendars.name));

export async function findCalendar(db: DbOrTx, id: string): Promise<CalendarRow | undefined> {
  return (await db.select().from(slaCalendars).where(eq(slaCalendars.id, id)))[0];
}

export async function insertCalendar(db: DbOrTx, values: typeof slaCalendars.$inferInsert): Promise<CalendarRow> {
  return (await db.insert(slaCalendars).values(values).returning())[0]!;
}

export async function updateCalendar(db: DbOrTx, id: string, version: number, values: Partial<typeof slaCalendars.$inferInsert>): Promise<CalendarRow | undefined> {
  const rows = await db
    .update(slaCalendars)
    .set({ ...values, version: version + 1, updatedAt: new Date() })
    .where(and(eq(slaCalendars.id, id), eq(slaCalendars.version, version)))
    .returning();
  return rows[0];
}

export async function clearDefaultCalendar(db: DbOrTx, exceptId: string): Promise<void> {
  await db.update(slaCalendars).set({ isDefault: false }).where(and(eq(slaCalendars.isDefault, true), sql`${slaCalendars.id} <> ${exceptId}`));
}

/** Whether any policy names the calendar: inactive ones too (their foreign key would refuse the delete). */
export async function calendarInUse(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.calendarId, id)).limit(1);
  return rows.length > 0;
}

export async function deleteCalendar(db: DbOrTx, id: string): Promise<void> {
  await db.delete(slaCalendars).where(eq(slaCalendars.id, id));
}

export async function calendarHasClocks(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.select({ id: ticketSlaClocks.ticketId }).from(ticketSlaClocks).where(eq(ticketSlaClocks.calendarId, id)).limit(1);
  return rows.length > 0;
}

// ---- policies ----

export type PolicyWithCalendar = PolicyRow & { calendarName: string };

export async function listPolicies(db: DbOrTx, onlyActive = false): Promise<PolicyWithCalendar[]> {
  return db
    .select({ ...policyColumns(), calendarName: slaCalendars.name })
    .from(slaPolicies)
    .innerJoin(slaCalendars, eq(slaCalendars.id, slaPolicies.calendarId))
    .where(onlyActive ? eq(slaPolicies.active, true) : undefined)
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt));
}

const policyColumns = () => getTableColumns(slaPolicies);

export async function findPolicy(db: DbOrTx, id: string): Promise<PolicyWithCalendar | undefined> {
  const rows = await db
    .select({ ...policyColumns(), calendarName: slaCalendars.name })
    .from(slaPolicies)
    .innerJoin(slaCalendars, eq(slaCalendars.id, slaPolicies.calendarId))
    .where(eq(slaPolicies.id, id));
  return rows[0];
}

export async function insertPolicy(db: DbOrTx, values: typeof slaPolicies.$inferInsert): Promise<PolicyRow> {
  return (await db.insert(slaPolicies).values(values).returning())[0]!;
}

export async function updatePolicy(db: DbOrTx, id: string, version: number, values: Partial<typeof slaPolicies.$inferInsert>): Promise<PolicyRow | undefined> {
  const rows = await db
    .update(slaPolicies)
    .set({ ...values, version: version + 1, updatedAt: new Date() })
    .where(and(eq(slaPolicies.id, id), eq(slaPolicies.version, version)))
    .returning();
  return rows[0];
}

// ---- clocks ----

export async function findClock(db: DbOrTx, ticketId: string, lock = false): Promise<ClockRow | undefined> {
  const q = db.select().from(ticketSlaClocks).where(eq(ticketSlaClocks.ticketId, ticketId));
  return (await (lock ? q.for('update') : q))[0];
}

export async function findClocks(db: DbOrTx, ticketIds: readonly string[]): Promise<ClockRow[]> {
  if (!ticketIds.length) return [];
  return db.select().from(ticketSlaClocks).where(inArray(ticketSlaClocks.ticketId, [...ticketIds]));
}

export async function insertClock(db: DbOrTx, values: ClockInsert): Promise<void> {
  await db.insert(ticketSlaClocks).values(values).onConflictDoNothing();
}

export async function saveClock(db: DbOrTx, ticketId: string, values: Partial<ClockInsert>): Promise<void> {
  await db
    .update(ticketSlaClocks)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(ticketSlaClocks.ticketId, ticketId));
}

/**
 * Open, running clocks (not resolved, not paused): what the deadline checker looks at. Clocks escalated to the top
 * level whose resolution target has passed have nothing left to fire; they are left out, or a few thousand tickets
 * abandoned after their escalation would fill every batch (oldest due first) and starve all the others.
 */
export async function runningClocks(db: DbOrTx, limit: number, now: Date): Promise<ClockRow[]> {
  return db
    .select()
    .from(ticketSlaClocks)
    .where(
      and(
        isNull(ticketSlaClocks.resolvedAt),
        isNull(ticketSlaClocks.pausedAt),
        or(lt(ticketSlaClocks.escalationLevel, 3), gt(ticketSlaClocks.resolutionDueAt, now)),
      ),
    )
    .orderBy(asc(ticketSlaClocks.resolutionDueAt))
    .limit(limit);
}

// ---- escalations ----

/** Claims a warning or escalation; true only for the one transaction that inserted it. */
export async function claimEscalation(
  db: DbOrTx,
  row: { ticketId: string; kind: 'escalation' | 'warning'; level: number; round: number; target: 'first_response' | 'resolution'; userId: string | null },
): Promise<string | null> {
  const rows = await db.insert(ticketEscalations).values(row).onConflictDoNothing().returning({ id: ticketEscalations.id });
  return rows[0]?.id ?? null;
}

/** The warnings already fired for these tickets, as `ticket:level:round` keys. */
export async function firedWarnings(db: DbOrTx, ticketIds: readonly string[]): Promise<Set<string>> {
  if (!ticketIds.length) return new Set();
  const rows = await db
    .select({ ticketId: ticketEscalations.ticketId, level: ticketEscalations.level, round: ticketEscalations.round })
    .from(ticketEscalations)
    .where(and(eq(ticketEscalations.kind, 'warning'), inArray(ticketEscalations.ticketId, [...ticketIds])));
  return new Set(rows.map((r) => `${r.ticketId}:${r.level}:${r.round}`));
}

export async function setEscalationTask(db: DbOrTx, id: string, taskId: string | null): Promise<void> {
  await db.update(ticketEscalations).set({ taskId }).where(eq(ticketEscalations.id, id));
}

export async function raiseEscalationLevel(db: DbOrTx, ticketId: string, level: number): Promise<void> {
  await db
    .update(ticketSlaClocks)
    .set({ escalationLevel: sql`greatest(${ticketSlaClocks.escalationLevel}, ${level})` })
    .where(eq(ticketSlaClocks.ticketId, ticketId));
}

export async function escalationsOf(db: DbOrTx, ticketId: string) {
  return db.select().from(ticketEscalations).where(eq(ticketEscalations.ticketId, ticketId)).orderBy(asc(ticketEscalations.createdAt));
}

// ---- who to tell ----

export type TicketFacts = {
  id: string;
  number: number;
  title: string;
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  customerId: string | null;
};

/** The tickets behind running clocks (deleted or merged tickets are left out: their clocks no longer matter). */
export async function ticketFacts(db: DbOrTx, ids: readonly string[]): Promise<Map<string, TicketFacts>> {
  if (!ids.length) return new Map();
  const res = await db.execute(sql`
    select t.id, t.number, t.title, t.status, t.assignee_id, coalesce(t.team_id, u.team_id) as team_id, t.customer_id
    from tickets t left join user_directory u on u.id = t.assignee_id
    where t.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) and t.deleted_at is null and t.merged_into_id is null`);
  const out = new Map<string, TicketFacts>();
  for (const r of rowsOf<Record<string, unknown>>(res)) {
    out.set(String(r.id), {
      id: String(r.id),
      number: Number(r.number),
      title: String(r.title),
      status: String(r.status),
      assigneeId: (r.assignee_id as string | null) ?? null,
      teamId: (r.team_id as string | null) ?? null,
      customerId: (r.customer_id as string | null) ?? null,
    });
  }
  return out;
}

/** The team and its ancestors, nearest first (live teams only). */
export async function teamChain(db: DbOrTx, teamId: string): Promise<string[]> {
  const res = await db.execute(sql`
    with recursive chain(id, parent_id, depth) as (
      select id, parent_id, 0 from team_directory where id = ${teamId}::uuid and deleted_at is null
      union all
      select t.id, t.parent_id, c.depth + 1 from team_directory t join chain c on t.id = c.parent_id where t.deleted_at is null and c.depth < 20
    ) select id from chain order by depth`);
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}

/** The longest-serving active manager (role manager) of each of these teams. */
export async function managersOf(db: DbOrTx, teamIds: readonly string[]): Promise<Map<string, string>> {
  if (!teamIds.length) return new Map();
  const res = await db.execute(sql`
    select distinct on (team_id) team_id, id from user_directory
    where active and role_key = 'manager' and team_id in (${sql.join(teamIds.map((id) => sql`${id}::uuid`), sql`, `)})
    order by team_id, created_at, id`);
  return new Map(rowsOf<{ team_id: string; id: string }>(res).map((r) => [r.team_id, r.id]));
}

/** The first administrator: the last resort when no manager is found. */
export async function firstAdmin(db: DbOrTx): Promise<string | null> {
  const res = await db.execute(sql`select id from user_directory where active and role_key = 'admin' order by created_at, id limit 1`);
  return rowsOf<{ id: string }>(res)[0]?.id ?? null;
}

export async function userLocale(db: DbOrTx, userId: string): Promise<'zh-CN' | 'en'> {
  const res = await db.execute(sql`select locale from user_directory where id = ${userId}::uuid`);
  return rowsOf<{ locale: string | null }>(res)[0]?.locale === 'en' ? 'en' : 'zh-CN';
}
