import { redactCustomerChanges } from '../../platform/auth/field-access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
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

/**
 * The label of an action code or entity type in a locale: `audit.action.<code>` / `audit.entity.<type>` in whichever
 * module's catalogue labels it (each module labels the codes it writes; the audit module those several write), else
 * the code itself.
 */
export function auditLabel(locale: Locale, kind: 'action' | 'entity', code: string): string {
  const key = `audit.${kind}.${code}`;
  return isMessageKey(key) ? t(locale, key) : code;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Labels of the keys of an entry's `changes` — top-level (`name`) and one level into an object value, also inside a
 * [before, after] pair (`address.compound`): the entity's own field label (`field.kbArticle.title`, `field.care.name`
 * for `care_plan`), else a shared one (`field.name`, `field.address.room`); keys without a label are left out.
 */
export function changeFieldLabels(locale: Locale, entityType: string, changes: unknown): Record<string, string> {
  if (!isPlainObject(changes)) return {};
  const prefixes = [...new Set([camel(entityType), entityType.split('_')[0]!])].map((p) => `field.${p}.`);
  const out: Record<string, string> = {};
  const label = (path: string) => {
    // `field.address.<part>` too: the address parts (compound, room …) are kept as fields of their own.
    const key = [...prefixes.map((p) => p + path), `field.${path}`, `field.address.${path}`].find(isMessageKey);
    if (key) out[path] = t(locale, key);
  };
  for (const [name, value] of Object.entries(changes)) {
    label(name);
    const inner = Array.isArray(value) ? value.filter(isPlainObject) : isPlainObject(value) ? [value] : [];
    for (const sub of new Set(inner.flatMap((o) => Object.keys(o)))) label(`${name}.${sub}`);
  }
  return out;
}

export function toAuditView(r: AuditRow, locale: Locale = 'zh-CN'): AuditView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorName: r.actorName,
    via: r.via,
    action: r.action,
    actionLabel: auditLabel(locale, 'action', r.action),
    entityType: r.entityType,
    entityLabel: auditLabel(locale, 'entity', r.entityType),
    entityId: r.entityId,
    changes: r.changes,
    fieldLabels: changeFieldLabels(locale, r.entityType, r.changes),
    ip: r.ip,
    userAgent: r.userAgent,
  };
}

/** The audit log for admins. */
export async function listAudit(
  db: DbOrTx,
  actor: Actor | null,
  q: AuditQuery,
  locale: Locale = 'zh-CN',
): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  requireAccess(actor, 'audit:read');
  const rows = await findAudit(db, { ...q, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  // Field-level access (issue #18): a customer entry's values of fields the reader's role does not see are left out.
  const shown = (r: AuditRow): AuditRow => (r.entityType === 'customer' ? { ...r, changes: redactCustomerChanges(actor, r.changes) as AuditRow['changes'] } : r);
  return { items: page.map((r) => toAuditView(shown(r), locale)), nextCursor: rows.length > q.limit && last ? String(last.id) : null };
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
  locale: Locale = 'zh-CN',
): Promise<AuditView[]> {
  const rows = await findAudit(db, { entityType, entityId, limit });
  return rows.map((r) => toAuditView(r, locale));
}
