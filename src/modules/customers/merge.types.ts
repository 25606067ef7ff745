import { z } from 'zod';
import { DUPLICATE_REASONS, MERGE_FIELDS, type MergeField } from './merge.contract.js';

const choice = z.enum(['survivor', 'merged']);

export const duplicatesQuery = z.strictObject({
  reason: z.enum(DUPLICATE_REASONS).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type DuplicatesQuery = z.infer<typeof duplicatesQuery>;

/** Two different customers (the order does not matter). */
export const dismissBody = z
  .strictObject({ customerId: z.uuid(), otherId: z.uuid() })
  .superRefine((v, ctx) => {
    if (v.customerId === v.otherId) ctx.addIssue({ code: 'custom', path: ['otherId'], message: 'merge.same_customer' });
  });

export const mergeBody = z
  .strictObject({
    survivorId: z.uuid().describe('The customer that stays'),
    mergedId: z.uuid().describe('The duplicate: soft-deleted and marked as merged into the survivor'),
    survivorVersion: z.number().int().min(1).describe('The version of the survivor you compared; a stale one is refused with 409'),
    mergedVersion: z.number().int().min(1).describe('The version of the duplicate you compared'),
    values: z
      .strictObject(Object.fromEntries(MERGE_FIELDS.map((f) => [f, choice.optional()])) as Record<MergeField, z.ZodOptional<typeof choice>>)
      .default({})
      .describe(
        "Per field, whose value the survivor keeps ('survivor' or 'merged'). A field left out keeps the survivor's value, or takes the duplicate's when the survivor has none. Phones and tags are always combined.",
      ),
  })
  .superRefine((v, ctx) => {
    if (v.survivorId === v.mergedId) ctx.addIssue({ code: 'custom', path: ['mergedId'], message: 'merge.same_customer' });
  });
export type MergeInput = z.infer<typeof mergeBody>;

export const mergeIdParam = z.strictObject({ id: z.uuid() });

export const mergesQuery = z.strictObject({
  customerId: z.uuid().optional().describe('Only merges this customer took part in'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MergesQuery = z.infer<typeof mergesQuery>;
