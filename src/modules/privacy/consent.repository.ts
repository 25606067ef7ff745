/** Queries of the consent ledger and the consent texts (privacy module's own tables; users through user_directory). */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import type { ConsentChannel, ConsentEntryPurpose, ConsentPurpose } from './consent.contract.js';
import { consentEntries, consentTexts } from './consent.schema.js';

export type ConsentEntryInsert = typeof consentEntries.$inferInsert;
export type ConsentEntryRow = typeof consentEntries.$inferSelect & { recordedByName: string | null; textVersion: number | null };
export type ConsentTextRow = typeof consentTexts.$inferSelect;

export async function insertEntries(db: DbOrTx, rows: ConsentEntryInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(consentEntries).values(rows.slice(i, i + 1000));
}

/**
 * The latest entry of each customer × channel among the given purposes (a purpose and `all`): what the ledger says
 * now. Keyed `<customer>:<channel>`.
 */
export async function latestEntries(
  db: DbOrTx,
  customerIds: string[],
  purposes: ConsentEntryPurpose[],
  channel?: ConsentChannel,
): Promise<Map<string, { id: number; action: 'grant' | 'withdraw'; recordedAt: Date }>> {
  if (!customerIds.length) return new Map();
  const e = consentEntries;
  const rows = await db
    .selectDistinctOn([e.customerId, e.channel], { customerId: e.customerId, channel: e.channel, id: e.id, action: e.action, recordedAt: e.recordedAt })
    .from(e)
    .where(and(inArray(e.customerId, customerIds), inArray(e.purpose, purposes), channel ? eq(e.channel, channel) : undefined))
    .orderBy(e.customerId, e.channel, desc(e.id));
  return new Map(rows.map((r) => [`${r.customerId}:${r.channel}`, { id: r.id, action: r.action, recordedAt: r.recordedAt }]));
}

/** Of the customers, those whose latest entry on the channel for the purpose (or all) is a withdrawal. */
export async function refusals(db: DbOrTx, customerIds: string[], channel: ConsentChannel, purpose: ConsentPurpose): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < customerIds.length; i += 5000) {
    const latest = await latestEntries(db, customerIds.slice(i, i + 5000), [purpose, 'all'], channel);
    for (const [key, v] of latest) if (v.action === 'withdraw') out.add(key.slice(0, key.indexOf(':')));
  }
  return out;
}

/** One customer's entries, newest first, before the entry id `before`. */
export async function entriesPage(db: DbOrTx, customerId: string, before: number | null, limit: number): Promise<ConsentEntryRow[]> {
  const e = consentEntries;
  const rows = await db
    .select({ entry: e, recordedByName: userDirectory.displayName, textVersion: consentTexts.version })
    .from(e)
    .leftJoin(userDirectory, eq(userDirectory.id, e.recordedBy))
    .leftJoin(consentTexts, eq(consentTexts.id, e.textId))
    .where(and(eq(e.customerId, customerId), before !== null ? lt(e.id, before) : undefined))
    .orderBy(desc(e.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.entry, recordedByName: r.recordedByName, textVersion: r.textVersion }));
}

// ---- texts ----------------------------------------------------------------------------------------------------------

export async function currentText(db: DbOrTx): Promise<ConsentTextRow | undefined> {
  const [row] = await db.select().from(consentTexts).orderBy(desc(consentTexts.version)).limit(1);
  return row;
}

export async function findText(db: DbOrTx, id: string): Promise<ConsentTextRow | undefined> {
  const [row] = await db.select().from(consentTexts).where(eq(consentTexts.id, id));
  return row;
}

export async function listTexts(db: DbOrTx): Promise<(ConsentTextRow & { used: number })[]> {
  const used = sql<number>`(select count(*)::int from ${consentEntries} e where e.text_id = ${consentTexts}."id")`;
  const rows = await db.select({ text: consentTexts, used }).from(consentTexts).orderBy(desc(consentTexts.version));
  return rows.map((r) => ({ ...r.text, used: Number(r.used) }));
}

export async function textUsed(db: DbOrTx, id: string): Promise<boolean> {
  const [row] = await db.select({ id: consentEntries.id }).from(consentEntries).where(eq(consentEntries.textId, id)).limit(1);
  return !!row;
}

export async function insertText(db: DbOrTx, values: Omit<typeof consentTexts.$inferInsert, 'version'>): Promise<ConsentTextRow> {
  // One version after another: the table is locked for the insert so two admins cannot make the same number.
  await db.execute(sql`lock table ${consentTexts} in share row exclusive mode`);
  const [row] = await db
    .insert(consentTexts)
    .values({ ...values, version: sql`(select coalesce(max(version), 0) + 1 from ${consentTexts})` })
    .returning();
  return row!;
}

export async function updateText(db: DbOrTx, id: string, revision: number, values: Partial<typeof consentTexts.$inferInsert>): Promise<ConsentTextRow | undefined> {
  const [row] = await db
    .update(consentTexts)
    .set({ ...values, revision: sql`${consentTexts.revision} + 1`, updatedAt: sql`now()` })
    .where(and(eq(consentTexts.id, id), eq(consentTexts.revision, revision)))
    .returning();
  return row;
}
