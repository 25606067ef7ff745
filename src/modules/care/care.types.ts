import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { CARE_TIERS, CUSTOMER_STAGES, OCCASIONS, PLAN_KINDS } from './care.contract.js';

const textList = (max: number) => z.array(trimmedText(max).min(1)).max(100);

export const audienceBody = z.strictObject({
  tiers: z.array(z.enum(CARE_TIERS)).max(CARE_TIERS.length).optional().describe('Value tiers; none = no tier yet'),
  tags: textList(50).optional(),
  stages: z.array(z.enum(CUSTOMER_STAGES)).optional(),
  cities: textList(50).optional(),
  compounds: textList(100).optional(),
  segments: z.array(z.number().int().min(0).max(100_000)).max(100).optional().describe('Analytics segment numbers'),
  segmentIds: z.array(z.uuid()).max(20).optional().describe('Customer segments (客户细分): a current member of any of them'),
});

const planFields = {
  name: trimmedText(100).min(1),
  kind: z.enum(PLAN_KINDS),
  audience: audienceBody,
  intervalDays: z.number().int().min(1).max(730).describe('interval: days between visits; event: days after the transaction'),
  eventKeyword: optionalText(50).describe('event plans: matched in product name/category or line description (维修)'),
  taskTitle: trimmedText(100).min(1),
  fallbackUserId: z.uuid().nullable().optional().describe('Who gets the task when the customer has no owner (else the creator)'),
  active: z.boolean(),
};

export const createPlanBody = z.strictObject({ ...planFields, audience: audienceBody.default({}), active: z.boolean().default(true) });
export type CreatePlanInput = z.infer<typeof createPlanBody>;
export const updatePlanBody = z
  .strictObject(planFields)
  .partial()
  .extend({ version: z.number().int().min(1).optional().describe('The version the edit started from (409 when it changed since)') });
export type UpdatePlanInput = z.infer<typeof updatePlanBody>;

export const actionBody = z.strictObject({
  tiers: z.array(z.enum(CARE_TIERS)).max(CARE_TIERS.length).optional(),
  taskTitle: optionalText(100).describe('A 关怀 task for the owner'),
  templateId: z.uuid().nullable().optional().describe('A message by this template'),
});

const ruleFields = {
  name: trimmedText(100).min(1),
  audience: audienceBody,
  occasion: z.enum(OCCASIONS),
  daysBefore: z.number().int().min(0).max(60),
  actions: z.array(actionBody).min(1).max(5),
  fallbackUserId: z.uuid().nullable().optional(),
  active: z.boolean(),
};

export const createRuleBody = z.strictObject({
  ...ruleFields,
  audience: audienceBody.default({}),
  daysBefore: ruleFields.daysBefore.default(0),
  active: z.boolean().default(true),
});
export type CreateRuleInput = z.infer<typeof createRuleBody>;
export const updateRuleBody = z
  .strictObject(ruleFields)
  .partial()
  .extend({ version: z.number().int().min(1).optional().describe('The version the edit started from (409 when it changed since)') });
export type UpdateRuleInput = z.infer<typeof updateRuleBody>;

export const previewRuleBody = createRuleBody.omit({ name: true, active: true }).extend({ name: trimmedText(100).optional() });
export type PreviewRuleInput = z.infer<typeof previewRuleBody>;

export const idParam = z.strictObject({ id: z.uuid() });
export const coverageQuery = z.strictObject({
  planId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
});
export type CoverageQuery = z.infer<typeof coverageQuery>;
