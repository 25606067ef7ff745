/** Request schemas of the feedback API. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import {
  FEEDBACK_ASSIGNMENT_TARGETS,
  FEEDBACK_BULK_ACTIONS,
  FEEDBACK_BULK_MAX,
  FEEDBACK_BULK_STATUSES,
  FEEDBACK_LIMITS as L,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  FEEDBACK_STATUSES,
} from './feedback.contract.js';

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

// ---- assignment rules ----
export const ruleBody = z.strictObject({
  name: trimmedText(100).min(1),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
  categoryId: z.uuid().nullable().optional().describe('Only items of this category (null: any)'),
  source: z.enum(FEEDBACK_SOURCES).nullable().optional().describe('Only items from this source (null: any)'),
  sentiment: z.enum(FEEDBACK_SENTIMENTS).nullable().optional().describe("Only items the analysis found so (null: any)"),
  compound: optionalText(100).describe("Only customers of this compound (小区)"),
  district: optionalText(100),
  target: z.enum(FEEDBACK_ASSIGNMENT_TARGETS).describe("user: userId; owner: the customer's account manager; team_round_robin: teamId's members in turn"),
  userId: z.uuid().nullable().optional(),
  teamId: z.uuid().nullable().optional(),
});
export type RuleInput = z.infer<typeof ruleBody>;
export const rulePatch = ruleBody.partial();
export type RulePatch = z.infer<typeof rulePatch>;

// ---- bulk ----
/**
 * A bulk change from the inbox: one action on up to 500 items. `assign` takes `ownerId` (null: unassign), `status`
 * takes `status`, `category` takes `categoryId` (null: uncategorised). A field the action needs is required.
 */
export const bulkFeedbackBody = z
  .strictObject({
    action: z.enum(FEEDBACK_BULK_ACTIONS),
    ids: z
      .array(z.uuid())
      .min(1)
      .max(FEEDBACK_BULK_MAX)
      .transform((ids) => [...new Set(ids)])
      .describe(`The items (at most ${FEEDBACK_BULK_MAX}); each is reported in the answer, in this order`),
    ownerId: z.uuid().nullable().optional().describe('assign: the new owner, null to unassign'),
    status: z.enum(FEEDBACK_BULK_STATUSES).optional().describe('status: the status to set'),
    categoryId: z.uuid().nullable().optional().describe('category: the category to set, null for none'),
  })
  .superRefine((v, ctx) => {
    const needs = { assign: 'ownerId', status: 'status', category: 'categoryId' } as const;
    const field = needs[v.action];
    if (v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
  });
export type BulkFeedbackInput = z.infer<typeof bulkFeedbackBody>;

// ---- inbound channels ----
const providerText = z.string().max(L.text * 2);
const providerId = z.union([z.string().trim().min(1).max(120), z.number().int().nonnegative()]).transform(String);

/** An inbound SMS (上行) as an Aliyun-style push — the messages module's shape, plus the provider's `sequence_id`. */
const inboundSms = z.looseObject({
  phone_number: z.string().trim().min(3).max(30),
  content: providerText,
  send_time: z.string().max(40).optional(),
  // Required (checked by the service, so that its absence is named: a union's branch would only say "body").
  sequence_id: providerId.optional().describe("Required: the provider's id of the message (a retried push records nothing twice)"),
});
export const inboundSmsBody = z.union([inboundSms, z.array(inboundSms).min(1).max(1000)]);
export type InboundSms = z.infer<typeof inboundSms>;
export const inboundKeyQuery = z.strictObject({ key: z.string().min(1).max(500) });

/** WeChat's server signature in the query: sha1 of the sorted token, timestamp and nonce. */
export const wechatQuery = z.looseObject({
  signature: z.string().regex(/^[0-9a-f]{40}$/i),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(64),
});
/** WeChat's server check: the signature's parts and the string to echo. */
export const wechatEchoQuery = z.looseObject({
  signature: z.string().regex(/^[0-9a-f]{40}$/i),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(64),
  echostr: z.string().min(1).max(200).describe('Answered as it came when the signature is right'),
});
/** A WeChat official account's message, as WeChat names its fields (its XML, or JSON forwarded as received). */
export const inboundWechatBody = z.looseObject({
  FromUserName: z.string().trim().min(1).max(100).describe("The sender's openid (matched to the customer holding it)"),
  ToUserName: z.string().max(100).optional(),
  CreateTime: z.number().int().nonnegative().optional(),
  MsgType: z.string().min(1).max(30),
  Content: providerText.optional(),
  // Events (a new follower, a menu click) carry none: required of messages by the service, so its absence is named.
  MsgId: providerId.optional().describe("WeChat's message id, required of messages (events have none): a retried push records nothing twice"),
});
export type InboundWechat = z.infer<typeof inboundWechatBody>;

/** An inbound email as a mail gateway posts it (plain text body). */
export const inboundEmailBody = z.looseObject({
  messageId: z.string().trim().min(1).max(300).describe("The Message-ID: a retried post records nothing twice"),
  from: z.string().trim().min(3).max(300).describe('The sender: an address, or "Name <address>"'),
  subject: z.string().max(500).optional(),
  text: providerText.describe('The plain-text body'),
});
export type InboundEmail = z.infer<typeof inboundEmailBody>;

const secretValue = z.string().trim().min(16).max(200).nullable().optional();
export const inboundSettingsPatch = z.strictObject({
  wechatToken: z.string().trim().min(3).max(32).regex(/^[A-Za-z0-9]+$/).nullable().optional().describe("The official account's server token (a value sets, null removes)"),
  emailKey: secretValue.describe('The key the email callback URL carries, at least 16 characters (a value sets, null removes)'),
});
export type InboundSettingsPatch = z.infer<typeof inboundSettingsPatch>;
