/** What the tickets API returns and accepts: types and constants shared with the web app (no imports). */

export const TICKET_SEVERITIES = ['minor', 'major', 'critical'] as const;
export type TicketSeverity = (typeof TICKET_SEVERITIES)[number];

/** Where a ticket came from. */
export const TICKET_SOURCES = ['agent', 'call', 'api', 'public'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

/** Entries of a ticket's timeline. note = internal; reply = to the customer (through the outbox, shown publicly). */
export const TICKET_EVENT_KINDS = [
  'created',
  'assigned',
  'status',
  'note',
  'reply',
  'updated',
  'attachment',
  'merged',
  'resolved',
  'reopened',
  'rated',
  'satisfaction_requested',
  'outcome_told',
  'customer_reply',
] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

/** What an assignment rule does once its conditions match. */
export const ASSIGNMENT_TARGETS = ['user', 'team_round_robin', 'owner'] as const;
export type AssignmentTarget = (typeof ASSIGNMENT_TARGETS)[number];

/** Image attachments: accepted types (checked by magic bytes), the size of one and how many a ticket may carry. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_TICKET = 3;

export const TICKET_LIMITS = { title: 200, description: 5000, name: 100, address: 300, body: 5000, comment: 1000, publicReply: 2000, tag: 32, tags: 20 } as const;

/** Bulk changes from the queue (POST /tickets/bulk): at most this many tickets a request. */
export const TICKET_BULK_MAX = 500;
export const TICKET_BULK_ACTIONS = ['assign', 'status', 'tag'] as const;
export type TicketBulkAction = (typeof TICKET_BULK_ACTIONS)[number];
/** The statuses a bulk change may set: the manual steps of the workflow (resolving needs a root cause and a solution). */
export const TICKET_BULK_STATUSES = ['in_progress', 'waiting_on_customer', 'closed'] as const;

/** What a bulk change did to one ticket: changed, already so (nothing written), or refused with the reason. */
export interface TicketBulkItem {
  id: string;
  /** Null when the ticket was not found (or is not visible to the caller). */
  number: number | null;
  outcome: 'done' | 'unchanged' | 'refused';
  /** For a refusal: the message key (tickets.bad_transition, tickets.not_found, …). */
  code: string | null;
  /** For a refusal: why, in the caller's language. */
  reason: string | null;
}

/** The answer of a bulk change: the counts, and every ticket in the order sent. */
export interface TicketBulkResult {
  action: TicketBulkAction;
  done: number;
  unchanged: number;
  refused: number;
  items: TicketBulkItem[];
}

/** A tag in use on the tickets the caller sees, with how many carry it. */
export interface TicketTagCount {
  tag: string;
  count: number;
}

/** How long after its resolution the household may reopen a ticket from the follow page. */
export const PUBLIC_REOPEN_DAYS = 7;

/** The heating template's categories (seeded when the industry template is heating). */
export const HEATING_CATEGORIES = [
  { key: 'room_temp', zh: '室温不达标', en: 'Room below temperature' },
  { key: 'not_warm', zh: '暖气不热', en: 'Radiator not warm' },
  { key: 'leak', zh: '漏水', en: 'Leak' },
  { key: 'billing', zh: '缴费问题', en: 'Payment issue' },
  { key: 'attitude', zh: '服务态度', en: 'Service attitude' },
  { key: 'other', zh: '其他', en: 'Other' },
] as const;

export const DEFAULT_ROOT_CAUSES = [
  { zh: '管网/设备故障', en: 'Network or equipment fault' },
  { zh: '户内系统问题', en: 'In-home system problem' },
  { zh: '施工质量', en: 'Workmanship' },
  { zh: '服务过失', en: 'Service failure' },
  { zh: '客户误解', en: 'Customer misunderstanding' },
  { zh: '其他', en: 'Other' },
] as const;

export interface TicketCategoryView {
  id: string;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
  position: number;
  active: boolean;
}

export interface RootCauseView {
  id: string;
  nameZh: string;
  nameEn: string;
  position: number;
  active: boolean;
}

export interface AssignmentRuleView {
  id: string;
  name: string;
  position: number;
  active: boolean;
  categoryId: string | null;
  compound: string | null;
  district: string | null;
  vipOnly: boolean;
  target: AssignmentTarget;
  userId: string | null;
  teamId: string | null;
}

export interface TicketPerson {
  id: string;
  name: string;
}

export interface TicketSummary {
  id: string;
  number: number;
  title: string;
  status: 'new' | 'assigned' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed';
  type: 'complaint' | 'repair' | 'inquiry' | 'suggestion';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  severity: TicketSeverity;
  source: TicketSource;
  categoryId: string | null;
  category: string | null;
  customer: { id: string; name: string } | null;
  contactName: string | null;
  assignee: TicketPerson | null;
  teamId: string | null;
  /** Free labels (标签), in the order given. */
  tags: string[];
  reopenCount: number;
  rating: number | null;
  createdAt: string;
  updatedAt: string;
  /** The SLA clock, null when none. */
  sla: TicketSlaClock | null;
}

/**
 * A ticket's SLA clock: the same type as SlaClockView in sla/sla.contract.ts (a contract imports nothing, so it is
 * spelt out here; tickets.schemas.ts proves the two identical at compile time).
 */
export interface TicketSlaClock {
  policyName: string;
  calendarName: string;
  firstResponseDueAt: string | null;
  firstRespondedAt: string | null;
  resolutionDueAt: string | null;
  resolvedAt: string | null;
  paused: boolean;
  remainingMs: number | null;
  state: 'on_track' | 'warning' | 'breached' | 'met' | 'paused';
  escalationLevel: 0 | 1 | 2 | 3;
}

/**
 * The ticket queue: one page of summaries (newest first), the cursor of the next page (null on the last) and how
 * many match the filters.
 */
export interface TicketPage {
  items: TicketSummary[];
  nextCursor: string | null;
  total: number;
}

/** The contact's full phone number (customer:pii; audited). */
export interface TicketContactReveal {
  contactPhone: string | null;
}

export interface TicketAttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  createdAt: string;
}

export interface TicketEventView {
  id: string;
  kind: TicketEventKind;
  body: string | null;
  data: Record<string, unknown>;
  actor: TicketPerson | null;
  at: string;
}

export interface TicketDetail extends TicketSummary {
  description: string;
  contactPhone: string | null;
  contactAddress: string | null;
  transactionId: string | null;
  mergedIntoId: string | null;
  rootCauseId: string | null;
  rootCause: string | null;
  solution: string | null;
  outcomeToldAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  ratingComment: string | null;
  ratedAt: string | null;
  returnVisitTaskId: string | null;
  publicUrl: string;
  version: number;
  attachments: TicketAttachmentView[];
  events: TicketEventView[];
}

/** What the public follow page shows (no internal notes, no agent names beyond 客服). */
export interface PublicTicketView {
  number: number;
  title: string;
  status: TicketSummary['status'];
  type: TicketSummary['type'];
  category: string | null;
  description: string;
  createdAt: string;
  resolvedAt: string | null;
  solution: string | null;
  /** The conversation the household sees: agents' replies and the household's own messages (never internal notes). */
  replies: { body: string; at: string; from: 'agent' | 'customer' }[];
  attachments: TicketAttachmentView[];
  /** The household may add a message (the ticket is open). */
  canReply: boolean;
  /** The household may reopen it (resolved or closed less than PUBLIC_REOPEN_DAYS days ago). */
  canReopen: boolean;
  canRate: boolean;
  rating: number | null;
  ratingComment: string | null;
}

/** A category of the public form. */
export interface PublicTicketCategory {
  id: string;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
}

export interface PublicSubmitResult {
  number: number;
  token: string;
  followUrl: string;
}
