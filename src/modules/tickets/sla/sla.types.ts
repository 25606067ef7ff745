import { z } from 'zod';
import { trimmedText } from '../../../platform/http/validation.js';
import { knownZone } from '../../../platform/time.js';
import { parseClock } from './calendar.js';
import { CUSTOMER_TIERS, TICKET_PRIORITIES, TICKET_TYPES } from './sla.contract.js';

const clock = z
  .string()
  .regex(/^\d{2}:\d{2}$/, { message: 'validation.invalid_format' })
  .refine((v) => parseClock(v) !== null, { message: 'validation.invalid_format' })
  .describe('HH:MM on the wall clock; 24:00 = midnight');

const hoursEntry = z
  .strictObject({ weekday: z.number().int().min(1).max(7).describe('1 Monday … 7 Sunday'), start: clock, end: clock })
  .refine((h) => (parseClock(h.end) ?? 0) > (parseClock(h.start) ?? 0), { message: 'sla.hours_order', path: ['end'] });

const day = z.strictObject({ date: z.iso.date(), name: trimmedText(50).default('') });

const dayList = z
  .array(day)
  .max(400)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      if (seen.has(d.date)) ctx.addIssue({ code: 'custom', message: 'sla.duplicate_day', path: [i, 'date'], params: { date: d.date } });
      seen.add(d.date);
    });
  });

/** An IANA zone the runtime knows (platform/time.ts falls back to Asia/Shanghai for any other). */
const zone = z
  .string()
  .max(60)
  .refine((v) => knownZone(v) === v, { message: 'sla.invalid_zone' });

const hoursList = z
  .array(hoursEntry)
  .max(50)
  .superRefine((list, ctx) => {
    for (let i = 0; i < list.length; i++)
      for (let j = 0; j < i; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a.weekday === b.weekday && parseClock(a.start)! < parseClock(b.end)! && parseClock(b.start)! < parseClock(a.end)!)
          ctx.addIssue({ code: 'custom', message: 'sla.hours_overlap', path: [i, 'start'] });
      }
  });

const calendarFields = {
  name: trimmedText(100).min(1),
  timeZone: zone.default('Asia/Shanghai'),
  alwaysOpen: z.boolean().default(false).describe('24×7: every minute counts'),
  hours: hoursList.default([]),
  holidays: dayList.default([]).describe('Public holidays: no working time'),
  workdays: dayList.default([]).describe('Make-up working days (调休): worked with Monday’s hours'),
  isDefault: z.boolean().default(false),
};

export const createCalendarBody = z.strictObject(calendarFields);
export type CreateCalendarInput = z.infer<typeof createCalendarBody>;

export const updateCalendarBody = z.strictObject({
  name: calendarFields.name.optional(),
  timeZone: zone.optional(),
  alwaysOpen: z.boolean().optional(),
  hours: hoursList.optional(),
  holidays: dayList.optional(),
  workdays: dayList.optional(),
  isDefault: z.literal(true).optional().describe('Make this the default calendar'),
  version: z.number().int().min(1).describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateCalendarInput = z.infer<typeof updateCalendarBody>;

const minutes = (max: number) => z.number().int().min(1).max(max);

const policyFields = {
  name: trimmedText(100).min(1),
  ticketType: z.enum(TICKET_TYPES).nullable().default(null),
  priority: z.enum(TICKET_PRIORITIES).nullable().default(null),
  customerTier: z.enum(CUSTOMER_TIERS).nullable().default(null),
  calendarId: z.uuid().optional().describe('The default calendar when left out'),
  firstResponseMinutes: minutes(60 * 24 * 60).describe('Business minutes'),
  resolutionMinutes: minutes(60 * 24 * 365).describe('Business minutes'),
  warnAtPercent: z.number().int().min(1).max(99).default(80),
  level2AfterMinutes: minutes(60 * 24 * 60).default(240).describe('Business minutes after the breach'),
  level3AfterMinutes: minutes(60 * 24 * 365).default(1440).describe('Business minutes after the breach'),
  position: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
};

const levelsInOrder = (p: { level2AfterMinutes?: number; level3AfterMinutes?: number }) =>
  p.level2AfterMinutes === undefined || p.level3AfterMinutes === undefined || p.level2AfterMinutes < p.level3AfterMinutes;

export const createPolicyBody = z
  .strictObject(policyFields)
  .refine(levelsInOrder, { message: 'sla.level2_after_level3', path: ['level3AfterMinutes'] });
export type CreatePolicyInput = z.infer<typeof createPolicyBody>;

export const updatePolicyBody = z.strictObject({
  name: policyFields.name.optional(),
  ticketType: z.enum(TICKET_TYPES).nullable().optional(),
  priority: z.enum(TICKET_PRIORITIES).nullable().optional(),
  customerTier: z.enum(CUSTOMER_TIERS).nullable().optional(),
  calendarId: z.uuid().optional(),
  firstResponseMinutes: policyFields.firstResponseMinutes.optional(),
  resolutionMinutes: policyFields.resolutionMinutes.optional(),
  warnAtPercent: z.number().int().min(1).max(99).optional(),
  level2AfterMinutes: minutes(60 * 24 * 60).optional(),
  level3AfterMinutes: minutes(60 * 24 * 365).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
  version: z.number().int().min(1),
});
export type UpdatePolicyInput = z.infer<typeof updatePolicyBody>;

export const idParam = z.strictObject({ id: z.uuid() });

export const reportQuery = z.strictObject({
  from: z.iso.date().optional().describe('First day (company time zone); 30 days before `to` by default'),
  to: z.iso.date().optional().describe('Last day, inclusive; today by default'),
  teamId: z.uuid().optional().describe('Only the tickets of this team'),
});
export type ReportQuery = z.infer<typeof reportQuery>;
