/** The duplicate check's query and its answer's schema (tied to duplicate-check.contract.ts by responseOf). */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import { optionalText } from '../../platform/http/validation.js';
import { DUPLICATE_CHECK_REASONS, type DuplicateCheckView } from './duplicate-check.contract.js';

/** What the create form has typed so far; every part optional, an empty one ignored. */
export const duplicateCheckQuery = z.strictObject({
  phones: optionalText(400).describe('Phone numbers, comma separated (any common form; incomplete ones are ignored)'),
  idNumber: optionalText(32),
  name: optionalText(200).describe('With an address: the name compared with the names at that address'),
  city: optionalText(50),
  street: optionalText(200),
  compound: optionalText(100),
  building: optionalText(20),
  unit: optionalText(20),
  room: optionalText(20),
});
export type DuplicateCheckQuery = z.infer<typeof duplicateCheckQuery>;

const reason = z.enum(DUPLICATE_CHECK_REASONS);
const text = z.string().nullable();

export const duplicateCheckView = responseOf<DuplicateCheckView>()(
  z.object({
    matches: z
      .array(
        z.object({
          id: z.uuid(),
          kind: z.enum(['person', 'organization']),
          name: z.string(),
          phones: z.array(z.string()).describe('Masked'),
          idNumber: text.describe('Masked'),
          address: z.object({ province: text, city: text, district: text, street: text, compound: text, building: text, unit: text, room: text }),
          ownerName: text,
          reasons: z.array(reason),
        }),
      )
      .describe("Live customers within the caller's data scope that match (at most 10, oldest first)"),
    outsideScope: z
      .array(z.object({ reason, count: z.number().int() }))
      .describe("Per reason, how many live customers outside the caller's data scope match too (only that they exist)"),
    erased: z
      .array(z.object({ reason: z.enum(['phone', 'id_number']), erasedOn: z.string() }))
      .describe('The phone or ID number being entered was a person erased at their request (PIPL), and the day: confirm their consent before saving'),
  }),
);
