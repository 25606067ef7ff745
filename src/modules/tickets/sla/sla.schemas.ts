/**
 * Response schemas of the SLA settings and the ticket reports (see platform/http/response.ts), each tied to its
 * sla.contract.ts type by responseOf; the SLA clock is also part of every ticket (tickets.schemas.ts).
 */
import { z } from 'zod';
import { responseOf } from '../../../platform/http/response.js';
import {
  CUSTOMER_TIERS,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  type SlaCalendarDay,
  type SlaCalendarView,
  type SlaClockView,
  type SlaPolicyView,
  type SlaWorkingHours,
  type TicketPerformanceRow,
  type TicketReport,
} from './sla.contract.js';

const instant = z.string().describe('ISO 8601 date-time (UTC)');

export const slaClockView = responseOf<SlaClockView>()(
  z.object({
    policyName: z.string(),
    calendarName: z.string(),
    firstResponseDueAt: instant.nullable(),
    firstRespondedAt: instant.nullable(),
    resolutionDueAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    paused: z.boolean().describe('While waiting on the customer the clock stands still'),
    remainingMs: z.number().nullable().describe('Business milliseconds left to the nearer open target (negative once breached); null when both are met'),
    state: z.enum(['on_track', 'warning', 'breached', 'met', 'paused']),
    escalationLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).describe('0 none, 1 agent, 2 team lead, 3 department manager'),
  }),
);

const workingHours = responseOf<SlaWorkingHours>()(
  z.object({
    weekday: z.number().int().describe('1 Monday … 7 Sunday'),
    start: z.string().describe('HH:MM on the wall clock'),
    end: z.string().describe('HH:MM on the wall clock; 24:00 = midnight'),
  }),
);
const calendarDay = responseOf<SlaCalendarDay>()(z.object({ date: z.string().describe('YYYY-MM-DD'), name: z.string() }));

export const slaCalendarView = responseOf<SlaCalendarView>()(
  z.object({
    id: z.uuid(),
    name: z.string(),
    timeZone: z.string().describe('An IANA zone'),
    alwaysOpen: z.boolean().describe('24×7: every minute counts, holidays do not matter'),
    hours: z.array(workingHours),
    holidays: z.array(calendarDay).describe('Public holidays: no working time'),
    workdays: z.array(calendarDay).describe('Make-up working days (调休): worked with Monday’s hours'),
    isDefault: z.boolean(),
    version: z.number().int().describe('Send it back with an edit: a stale version is refused (409)'),
    updatedAt: instant,
  }),
);
export const slaCalendarList = responseOf<SlaCalendarView[]>()(z.array(slaCalendarView));

export const slaPolicyView = responseOf<SlaPolicyView>()(
  z.object({
    id: z.uuid(),
    name: z.string(),
    ticketType: z.enum(TICKET_TYPES).nullable().describe('null = any'),
    priority: z.enum(TICKET_PRIORITIES).nullable().describe('null = any'),
    customerTier: z.enum(CUSTOMER_TIERS).nullable().describe('null = any'),
    calendarId: z.uuid(),
    calendarName: z.string(),
    firstResponseMinutes: z.number().int().describe("Business minutes on the policy's calendar"),
    resolutionMinutes: z.number().int().describe("Business minutes on the policy's calendar"),
    warnAtPercent: z.number().int().describe('A warning when this share of a target has passed'),
    level2AfterMinutes: z.number().int().describe('Escalation to the team lead this many business minutes after the breach'),
    level3AfterMinutes: z.number().int().describe('Escalation to the department manager this many business minutes after the breach'),
    position: z.number().int(),
    active: z.boolean(),
    version: z.number().int(),
  }),
);
export const slaPolicyList = responseOf<SlaPolicyView[]>()(z.array(slaPolicyView));

const hours = z.number().nullable().describe('Business hours on each ticket’s SLA calendar; null when no ticket was measured');
const share = z.number().nullable().describe('0–1; null when nothing was measured');

const performanceRow = responseOf<TicketPerformanceRow>()(
  z.object({
    key: z.string().nullable(),
    name: z.string(),
    tickets: z.number().int(),
    firstResponseMedianHours: hours,
    firstResponseP90Hours: hours,
    resolutionMedianHours: hours,
    resolutionP90Hours: hours,
    slaCompliance: share.describe('Resolution target: share of the resolution targets settled in the range (met when resolved in time, missed when the due time passed) that were met'),
    slaMeasured: z.number().int().describe('Resolution targets settled in the range'),
    slaBreached: z.number().int().describe('Resolution targets missed in the range'),
    firstResponseCompliance: share.describe('First-response target: share of the first-response targets settled in the range that were met'),
    firstResponseMeasured: z.number().int().describe('First-response targets settled in the range'),
    firstResponseBreached: z.number().int().describe('First-response targets missed in the range'),
    reopenRate: share.describe('Share of resolved tickets that were reopened'),
    satisfactionAvg: z.number().nullable().describe('Mean of the 1–5 ratings'),
    ratings: z.number().int(),
  }),
);
const keyCount = z.object({ key: z.string().nullable(), count: z.number().int() });

export const ticketReportView = responseOf<TicketReport>()(
  z.object({
    from: z.string().describe('YYYY-MM-DD'),
    to: z.string().describe('YYYY-MM-DD'),
    total: z.number().int(),
    byCategory: z.array(keyCount),
    byCompound: z.array(keyCount),
    byDay: z.array(z.object({ day: z.string().describe('YYYY-MM-DD'), count: z.number().int() })),
    overall: performanceRow,
    byAgent: z.array(performanceRow),
    byTeam: z.array(performanceRow),
  }),
);
