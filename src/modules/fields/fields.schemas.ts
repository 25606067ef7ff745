/** Response schemas of the custom-fields API (see platform/http/response.ts), tied to fields.contract.ts. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES, type CustomFieldOption, type CustomFieldView, type CustomValue } from './fields.contract.js';

export const customFieldOption = responseOf<CustomFieldOption>()(z.object({ value: z.string(), labelZh: z.string(), labelEn: z.string() }));

export const customFieldView = responseOf<CustomFieldView>()(
  z.object({
    id: z.uuid(),
    entity: z.enum(CUSTOM_FIELD_ENTITIES),
    key: z.string().describe('Stable key: lower-case letters, digits and underscores'),
    labelZh: z.string(),
    labelEn: z.string(),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(customFieldOption).describe('Select and multi-select fields only (empty otherwise)'),
    required: z.boolean(),
    position: z.number().int(),
    active: z.boolean().describe('False when archived'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export const customFieldList = responseOf<{ items: CustomFieldView[] }>()(itemsOf(customFieldView));

/** One stored custom value: text, select and date (YYYY-MM-DD) as strings, numbers, booleans, multi-select as a list. */
export const customValue = responseOf<CustomValue>()(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));
