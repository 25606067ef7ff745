import { z } from 'zod';
import { trimmedText } from '../../platform/http/validation.js';
import { CUSTOM_FIELD_KEY_PATTERN, CUSTOM_FIELD_TYPES } from './fields.contract.js';

const optionSchema = z.strictObject({
  value: trimmedText(100).min(1),
  labelZh: trimmedText(100).min(1),
  labelEn: trimmedText(100).min(1),
});

const optionList = z
  .array(optionSchema)
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((o, i) => {
      if (seen.has(o.value)) ctx.addIssue({ code: 'custom', path: [i, 'value'], message: 'custom_fields.duplicate_option', params: { value: o.value } });
      seen.add(o.value);
    });
  });

export const createFieldBody = z
  .strictObject({
    key: z.string().regex(new RegExp(CUSTOM_FIELD_KEY_PATTERN), { message: 'custom_fields.bad_key' }),
    labelZh: trimmedText(50).min(1),
    labelEn: trimmedText(50).min(1),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: optionList.default([]),
    required: z.boolean().default(false),
    position: z.number().int().min(0).max(100_000).optional(),
  })
  .superRefine((v, ctx) => {
    const choice = v.type === 'select' || v.type === 'multiselect';
    if (choice && !v.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'custom_fields.options_required' });
    if (!choice && v.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'custom_fields.options_not_allowed' });
  });
export type CreateFieldInput = z.infer<typeof createFieldBody>;

export const updateFieldBody = z.strictObject({
  labelZh: trimmedText(50).min(1).optional(),
  labelEn: trimmedText(50).min(1).optional(),
  type: z.enum(CUSTOM_FIELD_TYPES).optional(),
  options: optionList.optional(),
  required: z.boolean().optional(),
  position: z.number().int().min(0).max(100_000).optional(),
});
export type UpdateFieldInput = z.infer<typeof updateFieldBody>;

export const fieldIdParam = z.strictObject({ id: z.uuid() });
export const fieldListQuery = z.strictObject({
  includeArchived: z.enum(['true', 'false']).optional().describe('Archived fields too (the admin page)'),
});
