/** Request schemas of the feedback API. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { FEEDBACK_LIMITS as L, FEEDBACK_SENTIMENTS, FEEDBACK_SOURCES, FEEDBACK_STATUSES } from './feedback.contract.js';

const feedbackText = trimmedText(L.text).min(L.textMin).describe(`The customer's words, ${L.textMin}–${L.text} characters (stored and shown as plain text)`);
const version = z.number().int().min(1).describe('The version the edit started from (409 when it changed since)');

export const createFeedbackBody = z.strictObject({
  text: feedbackText,
  customerId: z.uuid().nullable().optional().describe('The customer it is from (one the user may write to)'),
  source: z.enum(FEEDBACK_SOURCES).default('agent'),
  sourceRef: optionalText(L.sourceRef).describe('The record it came from in its source'),
  contactName: optionalText(L.name),
  contactPhone: optionalText(30).describe('A phone to call back when there is no customer'),
  categoryId: z.uuid().nullable().optional().describe("The category, when the agent knows it (else the analysis' suggestion, applied above the threshold)"),
});
export type CreateFeedbackInput = z.infer<typeof createFeedbackBody>;

export const updateFeedbackBody = z.strictObject({
  categoryId: z.uuid().nullable().optional().describe('The category chosen by the agent (category_set_by becomes agent)'),
  sentiment: z.enum(FEEDBACK_SENTIMENTS).nullable().optional().describe("A correction of the analysis' sentiment (null clears it); kept for retraining"),
  ownerId: z.uuid().nullable().optional(),
  status: z.enum(['new', 'in_progress', 'closed'] as const).optional().describe('replied is set by sending a reply'),
  version,
});
export type UpdateFeedbackInput = z.infer<typeof updateFeedbackBody>;

export const feedbackListQuery = z.strictObject({
  status: z.enum(FEEDBACK_STATUSES).optional(),
  categoryId: z.uuid().optional(),
  sentiment: z.enum(FEEDBACK_SENTIMENTS).optional().describe("The agent's correction when there is one, else the analysis'"),
  ownerId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  q: trimmedText(100).optional().describe('Text contains'),
  keyword: trimmedText(50).min(1).optional().describe('Carries this keyword (as the analysis found it; the hot topics and the keyword cloud link here)'),
  compound: trimmedText(100).min(1).optional().describe("The compound (小区) of the customer's address"),
  from: z.iso.date().optional().describe('Created on or after this day (company time zone)'),
  to: z.iso.date().optional().describe('Created on or before this day (company time zone)'),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
  ...pageQuery(200, 50),
});
export type FeedbackListQuery = z.infer<typeof feedbackListQuery>;

export const replyBody = z.strictObject({
  body: trimmedText(L.reply).min(1).describe("The reply, sent to the customer through the outbox on their agreed channel (SMS first, then email, WeChat)"),
});
export type ReplyInput = z.infer<typeof replyBody>;

export const idParam = z.strictObject({ id: z.uuid() });

const seedWords = z.array(trimmedText(L.seedWord).min(1)).max(L.seedWords);

export const createCategoryBody = z.strictObject({
  parentId: z.uuid().nullable().optional(),
  nameZh: trimmedText(L.categoryName).min(1),
  nameEn: optionalText(80),
  seedWords: seedWords.default([]),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type CreateCategoryInput = z.infer<typeof createCategoryBody>;

export const updateCategoryBody = z.strictObject({
  parentId: z.uuid().nullable().optional(),
  nameZh: trimmedText(L.categoryName).min(1).optional(),
  nameEn: optionalText(80),
  seedWords: seedWords.optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  archived: z.boolean().optional(),
});
export type UpdateCategoryInput = z.infer<typeof updateCategoryBody>;

// ---- public ----
export const publicFeedbackBody = z.strictObject({
  text: feedbackText,
  phone: optionalText(30).describe('Optional: a mobile number (matched to a customer when one has it)'),
  name: optionalText(L.name),
});
export type PublicFeedbackInput = z.infer<typeof publicFeedbackBody>;
