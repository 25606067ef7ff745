/**
 * What the care API returns (回访计划 return-visit plans, 关怀规则 care rules, their runs, coverage and preview): plain
 * types and constants with no imports, shared with the web app.
 */

/** Value tiers from analytics (`analytics_customer_current.value_tier`); `none` = a customer with no tier yet. */
export const CARE_TIERS = ['high', 'middle', 'low', 'none'] as const;
export type CareTier = (typeof CARE_TIERS)[number];

export const CUSTOMER_STAGES = ['prospect', 'new', 'active', 'loyal', 'at_risk', 'dormant', 'churned'] as const;

/** Who a plan or rule is about; every given list narrows (AND), values inside one list are alternatives (OR). */
export type CareAudience = {
  tiers?: CareTier[];
  tags?: string[];
  stages?: string[];
  cities?: string[];
  compounds?: string[];
  /** Analytics segment numbers (`analytics_customer_current.segment`). */
  segments?: number[];
  /** Customer segments (客户细分, dynamic or static lists): a customer matches when a current member of any of them. */
  segmentIds?: string[];
};

/** interval: every N days after the last visit or contact; event: N days after a matching transaction (a repair). */
export const PLAN_KINDS = ['interval', 'event'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export type PlanView = {
  id: string;
  name: string;
  kind: PlanKind;
  audience: CareAudience;
  /** interval plans: days between visits; event plans: days after the transaction. */
  intervalDays: number;
  /** event plans: a transaction matches when a line's product name/category or description contains it (维修). */
  eventKeyword: string | null;
  taskTitle: string;
  /** Who gets the task when the customer has no owner (else the plan's creator). */
  fallbackUserId: string | null;
  active: boolean;
  version: number;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
};

export type PlanList = { items: PlanView[] };

export const LUNAR_FESTIVALS = ['spring', 'lantern', 'dragon_boat', 'qixi', 'mid_autumn', 'double_ninth'] as const;
export const SOLAR_FESTIVALS = ['new_year', 'womens_day', 'mothers_day', 'fathers_day', 'teachers_day', 'national_day'] as const;
export const OCCASIONS = ['birthday', 'anniversary', ...LUNAR_FESTIVALS, ...SOLAR_FESTIVALS] as const;
export type Occasion = (typeof OCCASIONS)[number];
export type Festival = (typeof LUNAR_FESTIVALS)[number] | (typeof SOLAR_FESTIVALS)[number];

/** One variation of a rule's action: for the customers of these tiers (none = everyone not matched before). */
export type CareAction = {
  tiers?: CareTier[];
  /** A 关怀 task for the owner, e.g. 送礼品. */
  taskTitle?: string | null;
  /** A message by template through the outbox. */
  templateId?: string | null;
};

export type RuleView = {
  id: string;
  name: string;
  audience: CareAudience;
  occasion: Occasion;
  daysBefore: number;
  /** Variations in order: the first whose tiers include the customer's tier applies (one without tiers matches all). */
  actions: CareAction[];
  fallbackUserId: string | null;
  active: boolean;
  version: number;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
};

export type RuleList = { items: RuleView[] };

export type RunSummary = {
  /** The company-local day the run evaluated (YYYY-MM-DD). */
  today: string;
  tasks: number;
  messages: number;
  /** Messages the outbox suppressed (no consent, weekly cap). */
  suppressed: number;
  /** Occasions already handled (by an earlier run or another process). */
  skipped: number;
  errors: number;
};

export type PreviewItem = {
  customerId: string;
  customerName: string;
  /** The occasion's date (YYYY-MM-DD) and the day the care goes out (occasion − days before). */
  occasionDate: string;
  sendDate: string;
  tier: CareTier;
  taskTitle: string | null;
  templateId: string | null;
};

export type RulePreview = {
  /** Festival dates in the window (for festival occasions), e.g. 中秋 2026-09-25. */
  festivalDates: { festival: Festival; date: string }[];
  items: PreviewItem[];
  truncated: boolean;
};

export type CoverageRow = {
  planId: string;
  planName: string;
  ownerId: string | null;
  ownerName: string | null;
  covered: number;
  onTime: number;
  overdue: number;
};

export type OverdueItem = {
  planId: string;
  planName: string;
  customerId: string;
  customerName: string;
  ownerId: string | null;
  ownerName: string | null;
  taskId: string;
  dueAt: string;
  daysOverdue: number;
};

export type CoverageReport = { rows: CoverageRow[]; overdue: OverdueItem[] };
