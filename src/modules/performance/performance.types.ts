/** Request schemas of the team-performance API. */
import { z } from 'zod';
import { trimmedText } from '../../platform/http/validation.js';

export const performanceQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'validation.invalid' })
    .optional()
    .describe('YYYY-MM (company time zone); this month by default'),
  teamId: z.uuid().optional().describe('Only this team and the teams below it'),
});
export type PerformanceQuery = z.infer<typeof performanceQuery>;

const weight = z.number().int().min(0).max(100);
export const weightsBody = z.strictObject({
  tickets: weight,
  firstResponse: weight,
  resolution: weight,
  sla: weight,
  satisfaction: weight,
  returnVisits: weight,
});

export const trainingNoteBody = z.strictObject({ userId: z.uuid(), note: trimmedText(2000).min(1) });
export const userQuery = z.strictObject({ userId: z.uuid() });
export const idParam = z.strictObject({ id: z.uuid() });
