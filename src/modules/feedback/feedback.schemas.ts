/** Response schemas of the feedback API (documented in /api/docs/json, checked under the test runner). */
import { z } from 'zod';
import { itemsOf, pageOf, responseOf } from '../../platform/http/response.js';
import {
  CATEGORY_SET_BY,
  FEEDBACK_ASSIGNMENT_TARGETS,
  FEEDBACK_BULK_ACTIONS,
  type FeedbackAssignmentRuleList,
  type FeedbackAssignmentRuleView,
  type FeedbackBulkResult,
  type FeedbackInboundResult,
  type FeedbackInboundSettingsView,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  FEEDBACK_STATUSES,
  type FeedbackCategoryList,
  type FeedbackCategoryRef,
  type FeedbackCategoryView,
  type FeedbackItemView,
  type FeedbackPage,
  type FeedbackRef,
  type PublicFeedbackResult,
  type FeedbackModelsView,
  type FeedbackRetrainRunView,
} from './feedback.contract.js';

const ref = responseOf<FeedbackRef>()(z.object({ id: z.string(), name: z.string() }));
const categoryRef = responseOf<FeedbackCategoryRef>()(z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() }));

export const feedbackItem = responseOf<FeedbackItemView>()(
  z.object({
    id: z.string(),
    number: z.number().int(),
    source: z.enum(FEEDBACK_SOURCES),
    sourceRef: z.string().nullable(),
    text: z.string(),
    customer: ref.nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable().describe('Masked'),
    category: categoryRef.nullable(),
    suggestedCategory: categoryRef.nullable(),
    categoryConfidence: z.number().nullable(),
    categorySetBy: z.enum(CATEGORY_SET_BY).nullable(),
    sentiment: z.enum(FEEDBACK_SENTIMENTS),
    sentimentScore: z.number(),
    polarity: z.number(),
    sentimentDrivers: z.array(z.object({ word: z.string(), weight: z.number() })),
    sentimentCorrected: z.enum(FEEDBACK_SENTIMENTS).nullable(),
    keywords: z.array(z.string()),
    owner: ref.nullable(),
    dueAt: z.string().nullable(),
    status: z.enum(FEEDBACK_STATUSES),
    replyText: z.string().nullable(),
    repliedAt: z.string().nullable(),
    replyMessageId: z.string().nullable(),
    ticketId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  }),
);
export const feedbackPage = responseOf<FeedbackPage>()(pageOf(feedbackItem));

export const feedbackCategory = responseOf<FeedbackCategoryView>()(
  z.object({
    id: z.string(),
    parentId: z.string().nullable(),
    nameZh: z.string(),
    nameEn: z.string(),
    seedWords: z.array(z.string()),
    position: z.number().int(),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export const feedbackCategoryList = responseOf<FeedbackCategoryList>()(itemsOf(feedbackCategory));

export const publicFeedbackResult = responseOf<PublicFeedbackResult>()(z.object({ number: z.number().int() }));

export const feedbackRule = responseOf<FeedbackAssignmentRuleView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    active: z.boolean(),
    categoryId: z.string().nullable(),
    source: z.enum(FEEDBACK_SOURCES).nullable(),
    sentiment: z.enum(FEEDBACK_SENTIMENTS).nullable(),
    compound: z.string().nullable(),
    district: z.string().nullable(),
    target: z.enum(FEEDBACK_ASSIGNMENT_TARGETS),
    userId: z.string().nullable(),
    teamId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export const feedbackRuleList = responseOf<FeedbackAssignmentRuleList>()(itemsOf(feedbackRule));

export const feedbackBulkResult = responseOf<FeedbackBulkResult>()(
  z.object({
    action: z.enum(FEEDBACK_BULK_ACTIONS),
    done: z.number().int().describe('Items changed'),
    unchanged: z.number().int().describe('Items already so (nothing written)'),
    refused: z.number().int().describe('Items refused, or not found'),
    items: z
      .array(
        z.object({
          id: z.uuid(),
          number: z.number().int().nullable().describe('Null when not found'),
          outcome: z.enum(['done', 'unchanged', 'refused']),
          code: z.string().nullable().describe('For a refusal: the message key'),
          reason: z.string().nullable().describe("For a refusal: why, in the caller's language"),
        }),
      )
      .describe('Every item, in the order sent'),
  }),
);

export const feedbackInboundResult = responseOf<FeedbackInboundResult>()(
  z.object({
    code: z.number().int().describe('0: received'),
    msg: z.string(),
    recorded: z.number().int(),
    duplicates: z.number().int().describe('Messages recorded before (a retried callback)'),
    ignored: z.number().int().describe('Opt-out keywords (handled by the messages module), non-text messages, texts under two characters'),
  }),
);

export const feedbackInboundSettings = responseOf<FeedbackInboundSettingsView>()(
  z.object({ smsKeySet: z.boolean().describe("The messages module's SMS inbound key (message settings)"), wechatTokenSet: z.boolean(), emailKeySet: z.boolean() }),
);

// ---- the company's own models (重新训练) ----
const modelKind = z.enum(['sentiment', 'category']);
const modelResult = z.object({
  kind: modelKind,
  outcome: z.enum(['trained', 'unchanged', 'too_few']).describe('trained: a new version; unchanged: the same corrections as the model in use (nothing written); too_few: below the minimum'),
  counts: z.record(z.string(), z.number().int()).describe('Corrections per class (sentiment: neg / neu / pos; category: per category id)'),
  message: z.string().nullable().describe('For too_few: why, in the reader\'s language'),
  version: z.number().int().nullable().describe('The model in use after the run'),
});
export const feedbackRetrainRun = responseOf<FeedbackRetrainRunView>()(
  z.object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    reason: z.string(),
    phase: z.string(),
    results: z.array(modelResult),
    reanalysis: z
      .object({ items: z.number().int().describe('Open items (new, in progress) analysed again'), changed: z.number().int().describe('Of them, those whose sentiment or category changed') })
      .nullable()
      .describe('The open items analysed again with the new models (an agent\'s own sentiment or category kept); null when no model changed'),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  }),
);
export const feedbackRetrainAccepted = z.object({ run: feedbackRetrainRun, queued: z.boolean().describe('False: a retrain was already queued or running; that one is answered') });
export const feedbackModelsResponse = responseOf<FeedbackModelsView>()(
  z.object({
    models: z.array(
      z.object({
        kind: modelKind,
        version: z.number().int(),
        examples: z.number().int(),
        counts: z.record(z.string(), z.number().int()),
        weight: z.number().describe("The company model's weight in the blend"),
        trainedAt: z.string(),
      }),
    ),
    corrections: z.object({ sentiment: z.object({ neg: z.number().int(), neu: z.number().int(), pos: z.number().int() }), category: z.number().int() }),
    blocked: z.object({ sentiment: z.string().nullable(), category: z.string().nullable() }).describe('Per kind: null when it can be trained, else why not'),
    run: feedbackRetrainRun.nullable(),
  }),
);
