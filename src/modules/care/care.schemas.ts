/**
 * Response schemas of the care API (回访计划, 关怀规则, runs, preview, coverage), each tied to its care.contract.ts
 * type by responseOf.
 */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import {
  CARE_TIERS,
  LUNAR_FESTIVALS,
  OCCASIONS,
  PLAN_KINDS,
  SOLAR_FESTIVALS,
  type CareAction,
  type CareAudience,
  type CoverageReport,
  type CoverageRow,
  type OverdueItem,
  type PlanList,
  type PlanView,
  type PreviewItem,
  type RuleList,
  type RulePreview,
  type RuleView,
  type RunSummary,
} from './care.contract.js';

const userRef = z.object({ id: z.string(), name: z.string() });

export const careAudience = responseOf<CareAudience>()(
  z
    .object({
      tiers: z.array(z.enum(CARE_TIERS)).optional(),
      tags: z.array(z.string()).optional(),
      stages: z.array(z.string()).optional(),
      cities: z.array(z.string()).optional(),
      compounds: z.array(z.string()).optional(),
      segments: z.array(z.number().int()).optional().describe('Analytics segment numbers'),
      segmentIds: z.array(z.string()).optional().describe('Customer segments (客户细分): a current member of any of them'),
    })
    .describe('Every given list narrows (AND); values inside one list are alternatives (OR)'),
);

export const planView = responseOf<PlanView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PLAN_KINDS),
    audience: careAudience,
    intervalDays: z.number().int().describe('interval plans: days between visits; event plans: days after the transaction'),
    eventKeyword: z.string().nullable(),
    taskTitle: z.string(),
    fallbackUserId: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdBy: userRef.nullable(),
    createdAt: z.string(),
  }),
);

export const planList = responseOf<PlanList>()(z.object({ items: z.array(planView) }));

export const careAction = responseOf<CareAction>()(
  z.object({
    tiers: z.array(z.enum(CARE_TIERS)).optional(),
    taskTitle: z.string().nullable().optional().describe('A 关怀 task for the owner'),
    templateId: z.string().nullable().optional().describe('A message by this template'),
  }),
);

export const ruleView = responseOf<RuleView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    audience: careAudience,
    occasion: z.enum(OCCASIONS),
    daysBefore: z.number().int(),
    actions: z.array(careAction).describe("In order: the first whose tiers include the customer's tier applies"),
    fallbackUserId: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdBy: userRef.nullable(),
    createdAt: z.string(),
  }),
);

export const ruleList = responseOf<RuleList>()(z.object({ items: z.array(ruleView) }));

export const runSummary = responseOf<RunSummary>()(
  z.object({
    today: z.string().describe('The company-local day the run evaluated (YYYY-MM-DD)'),
    tasks: z.number().int(),
    messages: z.number().int(),
    suppressed: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
  }),
);

const previewItem = responseOf<PreviewItem>()(
  z.object({
    customerId: z.string(),
    customerName: z.string(),
    occasionDate: z.string(),
    sendDate: z.string(),
    tier: z.enum(CARE_TIERS),
    taskTitle: z.string().nullable(),
    templateId: z.string().nullable(),
  }),
);

export const rulePreview = responseOf<RulePreview>()(
  z.object({
    festivalDates: z.array(z.object({ festival: z.enum([...LUNAR_FESTIVALS, ...SOLAR_FESTIVALS]), date: z.string() })),
    items: z.array(previewItem),
    truncated: z.boolean(),
  }),
);

const coverageRow = responseOf<CoverageRow>()(
  z.object({
    planId: z.string(),
    planName: z.string(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    covered: z.number().int(),
    onTime: z.number().int(),
    overdue: z.number().int(),
  }),
);

const overdueItem = responseOf<OverdueItem>()(
  z.object({
    planId: z.string(),
    planName: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    taskId: z.string(),
    dueAt: z.string(),
    daysOverdue: z.number().int(),
  }),
);

export const coverageReport = responseOf<CoverageReport>()(z.object({ rows: z.array(coverageRow), overdue: z.array(overdueItem) }));
