/**
 * Request schemas of the surveys API. A definition's structure is definition.ts's `surveyDefinitionSchema` (issue
 * paths such as `definition.questions.2.options`, its cross-field checks under `survey_definition.*` keys).
 */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { trimmedText } from '../../platform/http/validation.js';
import { surveyDefinitionSchema } from './definition.js';
import { SURVEY_FIELD_LIMITS, SURVEY_KINDS, SURVEY_STATUSES, SURVEY_TEMPLATE_KEYS } from './surveys.contract.js';

export const settingsInput = z.strictObject({
  expiryDays: z.number().int().min(1).max(365).optional().describe('An invitation expires this many days after it is made (default 14)'),
  maxReminders: z.number().int().min(0).max(10).optional().describe('At most this many reminders to non-responders (default 2)'),
  reminderAfterDays: z.number().int().min(1).max(90).optional().describe('Days between messages before a reminder (default 3)'),
  fatigueDays: z.number().int().min(0).max(3660).optional().describe('A customer invited to any survey within this many days is not invited again (default 90; 0: no rule)'),
  anonymousAllowed: z.boolean().optional().describe('Accept answers without an identified customer (QR codes, open links)'),
});
export type SettingsInput = z.infer<typeof settingsInput>;

export const createSurveyBody = z
  .strictObject({
    name: trimmedText(SURVEY_FIELD_LIMITS.name).min(1).optional().describe("Default: the template's name, or the definition's title"),
    templateKey: z.enum(SURVEY_TEMPLATE_KEYS).optional().describe('Start from a shipped template (GET /surveys/templates)'),
    kind: z.enum(SURVEY_KINDS).optional().describe("What it measures (default: the template's kind, else custom)"),
    definition: surveyDefinitionSchema.optional().describe('The questions, when not from a template'),
    settings: settingsInput.optional(),
    ownerId: z.uuid().nullable().optional().describe('Who looks after the survey (default: the creator)'),
  })
  .superRefine((b, ctx) => {
    if (b.templateKey === undefined && b.definition === undefined) ctx.addIssue({ code: 'custom', path: ['definition'], message: 'surveys.template_or_definition' });
    if (b.templateKey !== undefined && b.definition !== undefined) ctx.addIssue({ code: 'custom', path: ['definition'], message: 'surveys.template_or_definition' });
  });
export type CreateSurveyInput = z.infer<typeof createSurveyBody>;

export const updateSurveyBody = z.strictObject({
  name: trimmedText(SURVEY_FIELD_LIMITS.name).min(1).optional(),
  settings: settingsInput.optional().describe('Only the keys sent change'),
  definition: surveyDefinitionSchema.optional().describe('A new definition: version n+1 when the current one has responses, else edited in place'),
  ownerId: z.uuid().nullable().optional(),
  version: z.number().int().min(1).describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateSurveyInput = z.infer<typeof updateSurveyBody>;

export const surveyListQuery = z.strictObject({
  status: z.enum(SURVEY_STATUSES).optional(),
  kind: z.enum(SURVEY_KINDS).optional(),
  q: z.string().trim().max(SURVEY_FIELD_LIMITS.q).optional().describe('Part of the name'),
  deleted: z.enum(['exclude', 'only']).default('exclude').describe('only: the surveys in the trash (restorable)'),
  ...pageQuery(100, 20),
});
export type SurveyListQuery = z.infer<typeof surveyListQuery>;

export const versionBody = z.strictObject({ version: z.number().int().min(1).describe('The version shown (409 when it changed since)') });

export const idParam = z.strictObject({ id: z.uuid() });
