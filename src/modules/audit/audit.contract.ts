/**
 * What the audit API returns, shared with the web UI. Types only, and no imports, so the browser build can compile
 * this file as it is.
 */

/** One audit-log entry: who did what to which entity, when and from where. */
export type AuditView = {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  via: string;
  action: string;
  entityType: string;
  entityId: string | null;
  changes: unknown;
  ip: string | null;
  userAgent: string | null;
};

/** GET /audit: a page of entries, newest first; `nextCursor` asks for the next (older) page. */
export type AuditPage = { items: AuditView[]; nextCursor: string | null };
