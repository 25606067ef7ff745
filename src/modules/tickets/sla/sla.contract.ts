/** What the SLA code shares with the tickets workflow and the web (types only, no imports). */

export const TICKET_STATUSES = ['new', 'assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_TYPES = ['complaint', 'repair', 'inquiry', 'suggestion'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** What the SLA needs to know of a ticket to choose its policy and escalate it. */
export interface SlaTicketFacts {
  id: string;
  type: TicketType;
  priority: TicketPriority;
  /** The customer's value tier from the latest analytics run, if any. */
  customerTier: 'high' | 'middle' | 'low' | null;
  createdAt: Date;
}

/** One ticket's SLA clock as the UI shows it (times are ISO strings, UTC). */
export interface SlaClockView {
  policyName: string;
  calendarName: string;
  firstResponseDueAt: string | null;
  firstRespondedAt: string | null;
  resolutionDueAt: string | null;
  resolvedAt: string | null;
  /** While waiting on the customer the clock stands still. */
  paused: boolean;
  /** Business milliseconds left to the nearer open target (negative once breached); null when both are met. */
  remainingMs: number | null;
  state: 'on_track' | 'warning' | 'breached' | 'met' | 'paused';
  /** Escalation level reached: 0 none, 1 agent, 2 team lead, 3 department manager. */
  escalationLevel: 0 | 1 | 2 | 3;
}

// ---- calendars and policies (the SLA settings pages) ----------------------------------------------------------------

export const CUSTOMER_TIERS = ['high', 'middle', 'low'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

/** ISO weekdays: 1 Monday … 7 Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Working hours of one weekday on the wall clock ("08:30"–"17:30"; "24:00" ends at midnight). */
export interface SlaWorkingHours {
  weekday: number;
  start: string;
  end: string;
}

/** A public holiday (no work) or a make-up working day (调休: a weekend day worked, with Monday's hours). */
export interface SlaCalendarDay {
  date: string;
  name: string;
}

export interface SlaCalendarSpec {
  /** An IANA zone; Asia/Shanghai by default. */
  timeZone: string;
  /** 24×7: every minute counts, holidays do not matter. */
  alwaysOpen: boolean;
  hours: SlaWorkingHours[];
  holidays: SlaCalendarDay[];
  workdays: SlaCalendarDay[];
}

export interface SlaCalendarView extends SlaCalendarSpec {
  id: string;
  name: string;
  isDefault: boolean;
  version: number;
  updatedAt: string;
}

export interface SlaPolicyView {
  id: string;
  name: string;
  /** null = any. The most specific matching policy wins (type, then tier, then priority), then the lowest position. */
  ticketType: TicketType | null;
  priority: TicketPriority | null;
  customerTier: CustomerTier | null;
  calendarId: string;
  calendarName: string;
  /** Business minutes on the policy's calendar. */
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** A warning when this share of a target has passed (e.g. 80). */
  warnAtPercent: number;
  /** Escalation to the team lead / the department manager this many business minutes after the breach. */
  level2AfterMinutes: number;
  level3AfterMinutes: number;
  position: number;
  active: boolean;
  version: number;
}

// ---- reports ------------------------------------------------------------------------------------------------------

/**
 * One SLA target's figures over a range: the targets settled in it (met when the clock stopped in time, missed when
 * the due time passed first), and met ÷ settled (0–1; null when none settled). See reports.ts `slaCompliance`.
 */
export interface SlaTargetFigures {
  settled: number;
  met: number;
  missed: number;
  compliance: number | null;
}

/**
 * Times are business hours on each ticket's own SLA calendar (null: no ticket measured), over the tickets created in
 * the range; the SLA figures are over the targets settled in the range (`slaCompliance` in reports.ts).
 */
export interface TicketPerformanceRow {
  key: string | null;
  name: string;
  tickets: number;
  firstResponseMedianHours: number | null;
  firstResponseP90Hours: number | null;
  resolutionMedianHours: number | null;
  resolutionP90Hours: number | null;
  /** Resolution target (the headline): share (0–1) of the resolution targets settled in the range that were met. */
  slaCompliance: number | null;
  /** Resolution targets settled in the range, and of them missed. */
  slaMeasured: number;
  slaBreached: number;
  /** First-response target: the same over the first-response targets settled in the range. */
  firstResponseCompliance: number | null;
  firstResponseMeasured: number;
  firstResponseBreached: number;
  /** Share of resolved tickets that were reopened. */
  reopenRate: number | null;
  /** Mean of 1–5 ratings after tickets, and how many. */
  satisfactionAvg: number | null;
  ratings: number;
}

export interface TicketReport {
  from: string;
  to: string;
  total: number;
  byCategory: { key: string | null; count: number }[];
  byCompound: { key: string | null; count: number }[];
  byDay: { day: string; count: number }[];
  overall: TicketPerformanceRow;
  byAgent: TicketPerformanceRow[];
  byTeam: TicketPerformanceRow[];
}
