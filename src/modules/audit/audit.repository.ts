import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { bulkInsert } from '../../platform/db/bulk.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { auditLog } from './schema.js';

export type AuditInsert = typeof auditLog.$inferInsert;
export type AuditRow = typeof auditLog.$inferSelect;

export async function insertAudit(db: DbOrTx, rows: AuditInsert[]): Promise<void> {
  if (rows.length > 20) for (let i = 0; i < rows.length; i += 2000) await bulkInsert(db, auditLog, rows.slice(i, i + 2000));
  else if (rows.length) await db.insert(auditLog).values(rows);
}

export type AuditQuery = {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  beforeId?: number;
  limit: number;
};

export async function findAudit(db: DbOrTx, q: AuditQuery): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (q.entityType) where.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (q.beforeId) where.push(lt(auditLog.id, q.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
