/**
 * Request schemas of the segments API. The rule's structure is rule.ts's `ruleSchema` (the `SegmentRule` component of
 * the OpenAPI document; issue paths such as `rule.all.0.op`); fields and values are checked by checkRule.
 */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { ruleSchema } from './rule.js';
import { SEGMENT_IMPORT_KEYS, SEGMENT_KINDS, SEGMENT_LIMITS } from './segments.contract.js';

export const createSegmentBody = z
  .strictObject({
    name: trimmedText(SEGMENT_LIMITS.name).min(1).describe('Unique among live segments (case-insensitive)'),
    description: optionalText(SEGMENT_LIMITS.description),
    kind: z.enum(SEGMENT_KINDS).default('dynamic').describe('dynamic: members follow the rule; static: a list kept by hand'),
    rule: ruleSchema.optional().describe('The rule tree (dynamic segments only)'),
    ownerId: z.uuid().nullable().optional().describe('Who looks after the segment (default: the creator)'),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'dynamic' && !b.rule) ctx.addIssue({ code: 'custom', path: ['rule'], message: 'validation.required' });
    if (b.kind === 'static' && b.rule) ctx.addIssue({ code: 'custom', path: ['rule'], message: 'segments.static_has_no_rule' });
  });
export type CreateSegmentInput = z.infer<typeof createSegmentBody>;

export const updateSegmentBody = z.strictObject({
  name: trimmedText(SEGMENT_LIMITS.name).min(1).optional(),
  description: optionalText(SEGMENT_LIMITS.description),
  rule: ruleSchema.optional().describe('A new rule (dynamic segments); members change at the next refresh'),
  ownerId: z.uuid().nullable().optional(),
  version: z.number().int().min(1).describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateSegmentInput = z.infer<typeof updateSegmentBody>;

export const segmentListQuery = z.strictObject({
  kind: z.enum(SEGMENT_KINDS).optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude').describe('only: the deleted segments (restorable)'),
  ...pageQuery(100, 20),
});
export type SegmentListQuery = z.infer<typeof segmentListQuery>;

export const memberListQuery = z.strictObject({ ...pageQuery(200, 50) });
export type MemberListQuery = z.infer<typeof memberListQuery>;

export const historyQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(3660).default(90).describe('How many days back'),
});

export const previewBody = z.strictObject({ rule: ruleSchema });
export type PreviewInput = z.infer<typeof previewBody>;

export const memberIdsBody = z.strictObject({
  customerIds: z.array(z.uuid()).min(1).max(SEGMENT_LIMITS.members).describe(`Up to ${SEGMENT_LIMITS.members} customer ids`),
});
export type MemberIdsInput = z.infer<typeof memberIdsBody>;

export const deleteSegmentBody = z.strictObject({ version: z.number().int().min(1).optional() }).optional();

export const idParam = z.strictObject({ id: z.uuid() });

export const importQuery = z.strictObject({
  by: z.enum(SEGMENT_IMPORT_KEYS).default('phone').describe('phone: mobile or landline numbers (+86 assumed); externalId: customer numbers (外部编号)'),
});
