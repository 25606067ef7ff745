/**
 * What the notifications API (站内通知, issue #21) returns, shared with the web UI. Types and constants only, no imports.
 *
 * A notification tells one user (its recipient, and only they ever see it) that something happened that concerns
 * them: a ticket assigned to them, an SLA warning or escalation, a task of theirs that became due, an import or an
 * analytics run they started that finished, a mention in a ticket's note or reply. Its title and body are stored as
 * message keys with parameters and rendered in the reader's language when read.
 */

export const NOTIFICATION_KINDS = [
  'ticket_assigned',
  'ticket_mentioned',
  'sla_warning',
  'sla_escalation',
  'task_due',
  'import_done',
  'import_failed',
  'analytics_done',
  'analytics_failed',
  'privacy_due',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NotificationView = {
  id: string;
  kind: NotificationKind;
  /** In the reader's language. */
  title: string;
  body: string | null;
  /** The record, as a path of the web app (`/tickets/<id>`, `/imports/<id>`, `/tasks?tab=overdue`, `/analytics`). */
  link: string | null;
  createdAt: string;
  /** Null while unread. */
  readAt: string | null;
};

export type NotificationPage = { items: NotificationView[]; nextCursor: string | null };

/** The bell's figure: unread notifications, counted up to UNREAD_COUNT_CAP (the bell shows 99+ anyway). */
export type UnreadCount = { unread: number };
export const UNREAD_COUNT_CAP = 1000;

export type MarkAllResult = { marked: number };

/** The reader's own settings: the daily e-mail digest of unread notifications (off by default). */
export type NotificationSettingsView = {
  digestEmail: boolean;
  /** The address the digest goes to (the user's account e-mail); null: none set, so no digest is sent. */
  email: string | null;
};
