/**
 * 数据保留 (retention, issue #18 item 5): what its API returns. Types and plain constants only, no imports.
 *
 * Policies, one per kind of data, each off until an administrator turns it on:
 * - `inactive_customers` — customers with no transaction (no contract, no payment), no contact (沟通记录) and no edit
 *   for N years are anonymised through the erasure's hooks, each recorded in the register (a deletion request of
 *   channel `retention`).
 * - `audit_entries` — audit entries older than N years are deleted.
 * - `ticket_attachments` — attachments of tickets closed more than N months ago are deleted (rows and files).
 * - `outbox_messages` — outbox messages (sent, failed or suppressed) older than N months are deleted.
 */
export const RETENTION_KINDS = ['inactive_customers', 'audit_entries', 'ticket_attachments', 'outbox_messages'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export const RETENTION_UNITS = ['years', 'months'] as const;
export type RetentionUnit = (typeof RETENTION_UNITS)[number];
/** The unit each kind is counted in (what the settings page asks). */
export const RETENTION_UNIT_OF: Record<RetentionKind, RetentionUnit> = {
  inactive_customers: 'years',
  audit_entries: 'years',
  ticket_attachments: 'months',
  outbox_messages: 'months',
};
/** Defaults when nothing is configured (every policy off). */
export const RETENTION_DEFAULTS: Record<RetentionKind, number> = { inactive_customers: 5, audit_entries: 3, ticket_attachments: 24, outbox_messages: 12 };
/** The shortest period each kind may be given (a slip of the keyboard must not delete last month's audit log). */
export const RETENTION_MINIMUM: Record<RetentionKind, number> = { inactive_customers: 1, audit_entries: 1, ticket_attachments: 1, outbox_messages: 1 };
export const RETENTION_MAXIMUM = 100;

export const RETENTION_MODES = ['dry_run', 'apply'] as const;
export type RetentionMode = (typeof RETENTION_MODES)[number];
export const RETENTION_TRIGGERS = ['nightly', 'manual', 'cli'] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];
export const RETENTION_SAMPLE = 20;

export type RetentionPolicy = { kind: RetentionKind; enabled: boolean; amount: number; unit: RetentionUnit };
export type RetentionSettingsView = { policies: RetentionPolicy[] };

/** A policy as a run saw it: with its cut-off time (what is older goes). */
export type RetentionPolicySnapshot = RetentionPolicy & { cutoff: string };

/** Per kind: how many a dry run found (and a sample of their ids); how many an apply removed. */
export type RetentionKindReport = { count: number; sample: string[]; applied: number | null };
export type RetentionReport = Partial<Record<RetentionKind, RetentionKindReport>>;
export type RetentionCheckpoint = { index: number; applied: number };

export type RetentionRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type RetentionRunView = {
  id: string;
  mode: RetentionMode;
  trigger: RetentionTrigger;
  status: RetentionRunStatus;
  day: string | null;
  dryRunId: string | null;
  /** For a dry run: the apply run made from it, if any. */
  appliedById: string | null;
  policies: RetentionPolicySnapshot[];
  report: RetentionReport;
  error: string | null;
  createdById: string | null;
  createdByName: string | null;
  createdAt: string;
  finishedAt: string | null;
};
export type RetentionRunPage = { items: RetentionRunView[]; nextCursor: string | null };
