/**
 * 数据保留: each kind of data a retention policy removes is answered by the module that owns it (its own
 * `retention.ts`: audit entries, ticket attachments, outbox messages; the privacy module's inactive customers), registered
 * at composition (app.ts). The privacy module runs them: counts and samples for a dry run, removal in slices for an
 * apply, never naming another module's tables.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { RetentionKind } from './retention.contract.js';

export type RetentionApplyContext = {
  runId: string;
  dataDir: string;
  /** Work to do once the slice's transaction committed (files on disk: deleted only when their rows are gone for good). */
  afterCommit: (fn: () => Promise<void>) => void;
  /** The administrator who applied the dry run (null: the CLI). */
  appliedBy?: string | null;
  /** The apply's clock. */
  now?: Date;
  /** Tables whose rows the slice anonymised in place (vacuumed on PostgreSQL when the run ends: erase.vacuum.ts). */
  touched?: (tables: string[]) => void;
};

export type RetentionSource = {
  kind: RetentionKind;
  /** Items per transaction when fewer than the run's slice (an erasure per customer is long: 1). */
  slice?: number;
  /** How many items the policy would remove: those older than `cutoff` by the kind's own clock. */
  count(db: DbOrTx, cutoff: Date): Promise<number>;
  /** Up to `limit` of their ids (for the dry run's report). */
  sample(db: DbOrTx, cutoff: Date, limit: number): Promise<string[]>;
  /** Removes (or marks) up to `limit` of them in the caller's transaction; returns how many. Fewer than `limit`: done. */
  apply(db: DbOrTx, cutoff: Date, limit: number, ctx: RetentionApplyContext): Promise<number>;
};

const sources = new Map<RetentionKind, RetentionSource>();

export function registerRetentionSource(source: RetentionSource): void {
  sources.set(source.kind, source);
}

export function retentionSource(kind: RetentionKind): RetentionSource | undefined {
  return sources.get(kind);
}
