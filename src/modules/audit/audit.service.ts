import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { AuditView } from './audit.contract.js';
import { findAudit, insertAudit, type AuditQuery, type AuditRow } from './audit.repository.js';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'reveal' | 'export' | 'login' | 'logout' | string;

export type AuditEntry = {
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  changes?: Record<string, unknown> | null;
};

/** Records what an actor did. Call it inside the same transaction as the change it describes. */
export async function recordAudit(db: DbOrTx, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  await insertAudit(
    db,
    list.map((e) => ({
      actorId: actor.userId,
      actorName: actor.displayName,
      via: actor.via,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      changes: e.changes ?? null,
      ip: actor.ip,
      userAgent: actor.userAgent ? actor.userAgent.slice(0, 300) : null,
    })),
  );
}

export function toAuditView(r: AuditRow): AuditView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorName: r.actorName,
    via: r.via,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    changes: r.changes,
    ip: r.ip,
    userAgent: r.userAgent,
  };
}

/** The audit log for admins. */
export async function listAudit(
  db: DbOrTx,
  actor: Actor | null,
  q: AuditQuery,
): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  requireAccess(actor, 'audit:read');
  const rows = await findAudit(db, { ...q, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(toAuditView), nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}

/**
 * The history of one entity for someone already allowed to read it (the caller checks that first).
 * `entityIds` lets a customer's history include its contacts.
 */
export async function entityHistory(
  db: DbOrTx,
  entityType: string,
  entityId: string,
  limit = 200,
): Promise<AuditView[]> {
  const rows = await findAudit(db, { entityType, entityId, limit });
  return rows.map(toAuditView);
}
