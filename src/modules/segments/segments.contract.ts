/**
 * What the segments API returns (客户细分: dynamic segments built from a rule, static lists kept by hand, their members,
 * daily counts and refresh runs): plain types and constants with no imports, shared with the web app.
 */

export const SEGMENT_KINDS = ['dynamic', 'static'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export const SEGMENT_LIMITS = { name: 100, description: 1000, members: 1000, sample: 20 } as const;

/** A rule as stored: the tree of rule.ts (AND / OR groups, NOT, conditions), opaque to the web contract. */
export type SegmentRuleJson = unknown;

export type SegmentUserRef = { id: string; name: string };

export type SegmentListItem = {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  /** Current members the caller may see (all of them for a caller whose data scope reaches every customer). */
  memberCount: number;
  refreshedAt: string | null;
  owner: SegmentUserRef | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};

export type SegmentPage = { items: SegmentListItem[]; nextCursor: string | null };

export const REFRESH_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type RefreshStatus = (typeof REFRESH_STATUSES)[number];

export type RefreshView = {
  id: string;
  segmentId: string | null;
  kind: 'manual' | 'nightly' | 'cli';
  status: RefreshStatus;
  progress: { phase: string; done: number; total: number };
  /** Members who entered and left in this run (a nightly run: over all its segments). */
  entered: number;
  exited: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type SegmentView = SegmentListItem & {
  /** A condition on a field the caller's role does not see comes as `{ hidden: true, label }` (field grants). */
  rule: SegmentRuleJson | null;
  createdBy: SegmentUserRef | null;
  /** The segment's latest refresh run (dynamic segments), if any. */
  lastRefresh: RefreshView | null;
};

export type SegmentCustomer = { id: string; name: string; city: string | null; compound: string | null };

export type SegmentPreview = { count: number; sample: SegmentCustomer[] };

export type SegmentMember = SegmentCustomer & { enteredAt: string };

export type SegmentMemberPage = { items: SegmentMember[]; nextCursor: string | null; total: number };

export type SegmentCountPoint = { day: string; count: number };

export type SegmentHistory = { items: SegmentCountPoint[] };

/** What adding customers to a static list did: ids unknown, deleted or outside the caller's scope are not told apart. */
export type SegmentAddReport = { added: number; alreadyMembers: number; notFound: string[]; memberCount: number };

/** Importing phones or customer numbers into a static list: what a file may hold (bytes, values) and what is reported. */
export const SEGMENT_IMPORT_LIMITS = { bytes: 2 * 1024 * 1024, values: 50_000, valueLength: 64, reported: 100 } as const;
export const SEGMENT_IMPORT_KEYS = ['phone', 'externalId'] as const;
export type SegmentImportKey = (typeof SEGMENT_IMPORT_KEYS)[number];

/**
 * What importing a file of phones or customer numbers into a static list did. Values are matched among the live
 * customers the caller sees; `notFound` and `ambiguous` list the values as written in the file (the first 100 each,
 * with their counts).
 */
export type SegmentImportReport = {
  /** Distinct values read (a header line and blank lines are not counted). */
  values: number;
  added: number;
  alreadyMembers: number;
  notFound: string[];
  notFoundCount: number;
  /** Phones that match several customers: none of them is added. */
  ambiguous: string[];
  ambiguousCount: number;
  memberCount: number;
};

export type SegmentRemoveReport = { removed: number; notMembers: string[]; memberCount: number };

export const SEGMENT_FIELD_TYPES = ['text', 'number', 'money', 'date', 'enum', 'tags', 'boolean'] as const;
export const SEGMENT_OPTION_SOURCES = ['users', 'teams', 'products', 'segments', 'tags'] as const;

export type SegmentFieldOptionView = { value: string | number; label: string };

/** A field the rule builder offers (GET /segments/fields), labelled in the caller's language. */
export type SegmentFieldItem = {
  key: string;
  group: string;
  type: (typeof SEGMENT_FIELD_TYPES)[number];
  ops: string[];
  /** The operators as people read them (等于, 在最近 N 天内 …), by operator. */
  opLabels: Record<string, string>;
  label: string;
  options?: SegmentFieldOptionView[];
  optionsSource?: (typeof SEGMENT_OPTION_SOURCES)[number];
  params?: {
    name: string;
    kind: 'days' | 'enum' | 'id';
    required: boolean;
    default?: string | number;
    options?: SegmentFieldOptionView[];
    optionsSource?: (typeof SEGMENT_OPTION_SOURCES)[number];
  }[];
};

export type SegmentFieldList = { items: SegmentFieldItem[] };
