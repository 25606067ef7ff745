/**
 * What the personal-information rights API (个人信息请求, issue #18) returns, shared with the web UI. Types and constants
 * only, no imports, so the browser build can compile this file as it is.
 *
 * A data request is a person's exercise of a right under PIPL (Art. 44–47, Art. 24): to see their data, to get a copy,
 * to correct it, to delete it, to withdraw consent, or to object to automated marketing. The register keeps who asked
 * (and how that was verified, by whom), the customer it concerns, its due date — 15 working days after the day it was
 * received, on the company's business calendar — its status, its handler and the answer given.
 */

export const PRIVACY_REQUEST_KINDS = ['access', 'copy', 'correction', 'deletion', 'consent_withdrawal', 'marketing_objection'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

/** received → verifying → in_progress → answered | refused (a request may be refused from any open status). */
export const PRIVACY_REQUEST_STATUSES = ['received', 'verifying', 'in_progress', 'answered', 'refused'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];
export const OPEN_PRIVACY_STATUSES: readonly PrivacyRequestStatus[] = ['received', 'verifying', 'in_progress'];

/** The moves the register allows (anything else is a 409 naming `status`). */
export const PRIVACY_TRANSITIONS: Record<PrivacyRequestStatus, readonly PrivacyRequestStatus[]> = {
  received: ['verifying', 'in_progress', 'refused'],
  verifying: ['in_progress', 'refused'],
  in_progress: ['answered', 'refused'],
  answered: [],
  refused: [],
};

/** How the request reached the company (what the form offers). */
export const PRIVACY_CHANNELS = ['counter', 'phone', 'email', 'letter', 'online', 'other'] as const;
/**
 * What the register holds: those, and `retention` — the deletion an applied retention policy made for one inactive
 * customer (数据保留), answered at once; nobody registers one by hand.
 */
export const PRIVACY_REQUEST_CHANNELS = [...PRIVACY_CHANNELS, 'retention'] as const;
export type PrivacyChannel = (typeof PRIVACY_REQUEST_CHANNELS)[number];

/** How the requester was shown to be the person (or their agent). */
export const VERIFICATION_METHODS = ['id_document', 'phone_code', 'in_person', 'known_contact', 'power_of_attorney', 'other'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Working days (on the business calendar) after the day of receipt by which a request must be answered. */
export const PRIVACY_DUE_WORKING_DAYS = 15;
/** The handler is reminded this many working days before the due date (and again when it passes). */
export const PRIVACY_REMIND_WORKING_DAYS = 3;

export const PRIVACY_LIMITS = { requesterName: 100, requesterContact: 100, details: 2000, answer: 5000, verificationNote: 500 } as const;

export type PrivacyVerificationView = {
  method: VerificationMethod;
  note: string | null;
  verifiedById: string | null;
  verifiedByName: string | null;
  verifiedAt: string;
};

export type PrivacyRequestView = {
  id: string;
  /** The number people quote (请求编号). */
  number: number;
  kind: PrivacyRequestKind;
  status: PrivacyRequestStatus;
  channel: PrivacyChannel;
  requesterName: string;
  requesterContact: string | null;
  details: string | null;
  customerId: string | null;
  customerName: string | null;
  verification: PrivacyVerificationView | null;
  handlerId: string | null;
  handlerName: string | null;
  receivedAt: string;
  /** The due day (YYYY-MM-DD, company calendar) and the instant it ends (its last working hour). */
  dueDay: string;
  dueAt: string;
  /** Open and past its due time. */
  overdue: boolean;
  /** Open and within the reminder window before its due time. */
  dueSoon: boolean;
  answer: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type PrivacyHistoryEntry = { id: number; at: string; actorName: string | null; action: string; actionLabel: string; changes: unknown };

export type PrivacyRequestDetail = PrivacyRequestView & { history: PrivacyHistoryEntry[] };

export type PrivacyRequestPage = { items: PrivacyRequestView[]; nextCursor: string | null; total: number };

/** The modules whose data an export gathers (each registers a hook), in export order. */
export type PrivacyHookList = { items: { module: string; tables: string[] }[] };
