/**
 * What the erasure API (issue #18: 删除个人信息, two-person approval) returns, shared with the web UI. Types only, no
 * imports, so the browser build compiles this file as it is.
 *
 * A deletion request that is being handled (verified, 办理中, linked to its customer) is *proposed* for erasure by one
 * holder of privacy:manage and *approved* by another; the approval executes it at once, irreversibly: the person is
 * anonymised in every module, the request is answered, and one audit entry (ids and counts only) records it.
 */

export type PrivacyErasureStatus = 'none' | 'proposed' | 'executed';

/**
 * What executed an erasure: a person's deletion request (two people), or an applied retention policy (数据保留: the
 * administrator's apply of a dry run is the approval; one request of channel `retention` per customer anonymised).
 */
export const PRIVACY_ERASURE_SOURCES = ['request', 'retention'] as const;
export type PrivacyErasureSource = (typeof PRIVACY_ERASURE_SOURCES)[number];

export type PrivacyErasureView = {
  requestId: string;
  status: PrivacyErasureStatus;
  source: PrivacyErasureSource;
  /** The retention apply run that executed it (source `retention`). */
  runId: string | null;
  proposedById: string | null;
  proposedByName: string | null;
  proposedAt: string | null;
  approvedById: string | null;
  approvedByName: string | null;
  executedAt: string | null;
  /** Customer records erased: the person's and the duplicates merged into it. */
  records: number | null;
  /** Rows changed or removed, per table. */
  counts: Record<string, number> | null;
  /** Whether the caller may approve it now (proposed, and proposed by someone else). */
  canApprove: boolean;
};
