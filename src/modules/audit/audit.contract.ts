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
  /** The action's label in the caller's language (the code itself when no catalogue labels it). */
  actionLabel: string;
  entityType: string;
  /** The entity type's label in the caller's language (the type itself when no catalogue labels it). */
  entityLabel: string;
  entityId: string | null;
  changes: unknown;
  /** Labels of the top-level keys of `changes` that have a field label (`field.<entity>.<key>` or `field.<key>`). */
  fieldLabels: Record<string, string>;
  ip: string | null;
  userAgent: string | null;
};

/** GET /audit: a page of entries, newest first; `nextCursor` asks for the next (older) page. */
export type AuditPage = { items: AuditView[]; nextCursor: string | null };
