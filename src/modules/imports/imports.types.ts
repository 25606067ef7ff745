import { z } from 'zod';
import { trimmedText } from '../../platform/http/validation.js';
import { DUPLICATE_POLICIES, IMPORT_KINDS } from './imports.contract.js';

export const uploadQuery = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  fileName: trimmedText(200).min(1).describe('The original file name (its extension tells .xlsx from text)'),
});

export const startBody = z.strictObject({
  mapping: z.record(z.string().max(200), z.string().max(50)).describe('header → field key; an empty key ignores the column'),
  options: z
    .strictObject({
      onDuplicate: z.enum(DUPLICATE_POLICIES).optional(),
      createMissingCustomers: z.boolean().optional(),
    })
    .optional(),
  saveTemplateAs: trimmedText(100).min(1).nullable().optional().describe('Save the mapping as a reusable template'),
});

export const importIdParam = z.strictObject({ id: z.uuid() });
export const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const rejectsQuery = z.strictObject({
  afterRow: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const templatesQuery = z.strictObject({ kind: z.enum(IMPORT_KINDS).optional() });
