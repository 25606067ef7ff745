/**
 * The audit module's personal-data hook (issue #18): the audit entries about the person (entity `customer`, their id).
 *
 * Erasure keeps every entry (who did what when stays provable) and scrubs what the details hold about the person: in
 * the entries about their customer record, every value of a personal field (name, phones, e-mail, ID number, address,
 * birthday, notes, custom fields, contact, free texts) becomes `***`; in any entry — about their tickets, feedback, a
 * request they made — every identifying string of theirs (phone and ID numbers, full address, a name no one else
 * bears) found in the details is replaced. The erasure's own entry holds ids and counts only (privacy/erase.ts).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_MARK, scrubJson, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { auditLog } from './schema.js';

/** Keys of the details that hold a person's data (a customer's fields, and free texts). */
const PERSONAL_KEY = /name|phone|email|idnumber|id_number|address|province|city|district|street|compound|building|unit|room|note|custom|birthday|contact|description|title|summary|content|text|body|recipient|requester|comment|reason|answer|detail/i;

function redact(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return ERASED_MARK;
}

function redactPersonal(changes: unknown, needles: readonly string[]): unknown {
  if (Array.isArray(changes)) return changes.map((c) => redactPersonal(c, needles));
  if (!changes || typeof changes !== 'object') return scrubJson(changes, needles);
  return Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, PERSONAL_KEY.test(k) ? redact(v) : redactPersonal(v, needles)]));
}

export const auditPersonalData: PersonalDataHook = {
  module: 'audit',
  tables: ['audit_log'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.entityType, 'customer'), eq(auditLog.entityId, customerId))).orderBy(asc(auditLog.id));
    return [{ name: 'entries', table: 'audit_log', rows }];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const about = and(eq(auditLog.entityType, 'customer'), eq(auditLog.entityId, customerId));
    const own = await db.select({ id: auditLog.id, changes: auditLog.changes }).from(auditLog).where(about);
    for (const e of own) await db.update(auditLog).set({ changes: redactPersonal(e.changes, ctx.needles) }).where(eq(auditLog.id, e.id));
    // Then any entry whose details still hold an identifying string of theirs (their own entries were redacted above).
    const others = await db.select({ id: auditLog.id, changes: auditLog.changes }).from(auditLog).where(sqlHoldsAny(auditLog.changes, ctx.everywhere));
    for (const e of others) await db.update(auditLog).set({ changes: scrubJson(e.changes, ctx.everywhere) }).where(eq(auditLog.id, e.id));
    return { audit_log: new Set([...own, ...others].map((e) => e.id)).size };
  },
};
