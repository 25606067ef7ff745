/** Request schemas of 数据保留 (retention policies and runs). */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { RETENTION_KINDS, RETENTION_MAXIMUM, RETENTION_MODES } from './retention.contract.js';

export const retentionSettingsBody = z.strictObject({
  policies: z
    .array(
      z.strictObject({
        kind: z.enum(RETENTION_KINDS),
        enabled: z.boolean().optional(),
        amount: z.number().int().min(1).max(RETENTION_MAXIMUM).optional().describe("How many of the kind's unit (years or months) data is kept"),
      }),
    )
    .max(RETENTION_KINDS.length)
    .refine((ps) => new Set(ps.map((p) => p.kind)).size === ps.length, { message: 'each kind once' }),
});
export type RetentionSettingsInput = z.infer<typeof retentionSettingsBody>;

export const retentionRunsQuery = z.strictObject({ mode: z.enum(RETENTION_MODES).optional(), ...pageQuery(100, 20) });
export type RetentionRunsQuery = z.infer<typeof retentionRunsQuery>;

export const retentionRunParam = z.strictObject({ id: z.uuid() });
