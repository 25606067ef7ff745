/**
 * What the feedback API (客户反馈, issue #19) returns, shared with the web UI. Types and constants only, and no imports,
 * so the browser build can compile this file as it is.
 *
 * Every piece of customer voice is a feedback item: where it came from (and a link back), its text, the customer (or
 * the phone given on the public page), a category (the configurable tree; suggested by the text analysis and applied
 * by itself above a confidence), the sentiment with the words that drove it, keywords, an owner, a handling deadline,
 * a status, the reply sent to the customer through the outbox, and the ticket made from it.
 */

/** Where an item came from. Only `public_page` and `agent` are written in this increment; the others by `recordFeedback`. */
export const FEEDBACK_SOURCES = ['public_page', 'agent', 'sms', 'wechat', 'ticket', 'rating', 'interaction', 'survey', 'email', 'import'] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** new → in_progress → replied (a reply went to the customer) → closed. */
export const FEEDBACK_STATUSES = ['new', 'in_progress', 'replied', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export const FEEDBACK_SENTIMENTS = ['neg', 'neu', 'pos'] as const;
export type FeedbackSentiment = (typeof FEEDBACK_SENTIMENTS)[number];

/** Who chose the category: the analysis (above the confidence threshold) or a person. */
export const CATEGORY_SET_BY = ['auto', 'agent'] as const;
export type CategorySetBy = (typeof CATEGORY_SET_BY)[number];

/** A suggested category is applied by itself when the analysis is at least this sure; below, it stays a suggestion. */
export const AUTO_CATEGORY_CONFIDENCE = 0.6;

/**
 * The handling deadline: this many business hours after the item arrives, on the company's default SLA calendar (the
 * tickets module's `businessDeadline`) — two working days of the built-in 08:30–17:30 calendar, weekends and China's
 * public holidays left out.
 */
export const HANDLING_BUSINESS_HOURS = 18;

export const FEEDBACK_LIMITS = {
  /** The text of an item: at least 2, at most 2,000 characters. */
  textMin: 2,
  text: 2000,
  name: 50,
  sourceRef: 200,
  /** A reply goes out as one SMS (the outbox's SMS limit is 500 characters). */
  reply: 450,
  categoryName: 50,
  seedWords: 200,
  seedWord: 20,
} as const;

export type FeedbackRef = { id: string; name: string };
export type FeedbackCategoryRef = { id: string; nameZh: string; nameEn: string };
/** A word behind the sentiment: weight > 0 pushed towards positive, < 0 towards negative. */
export type FeedbackDriver = { word: string; weight: number };

export type FeedbackItemView = {
  id: string;
  /** The number people quote (反馈编号). */
  number: number;
  source: FeedbackSource;
  /** The record it came from in its source (a message, a ticket, a response …), when there is one. */
  sourceRef: string | null;
  /** As written: plain text, never markup. */
  text: string;
  customer: FeedbackRef | null;
  /** The name given on the public page. */
  contactName: string | null;
  /** The phone given on the public page, masked (138****5678). */
  contactPhone: string | null;
  category: FeedbackCategoryRef | null;
  suggestedCategory: FeedbackCategoryRef | null;
  /** How sure the analysis was of the suggestion, 0–1. */
  categoryConfidence: number | null;
  categorySetBy: CategorySetBy | null;
  /** What the analysis said. */
  sentiment: FeedbackSentiment;
  /** The confidence of that label, 0–1. */
  sentimentScore: number;
  /** P(positive), 0–1. */
  polarity: number;
  sentimentDrivers: FeedbackDriver[];
  /** An agent's correction of the sentiment (kept for retraining), or null. */
  sentimentCorrected: FeedbackSentiment | null;
  keywords: string[];
  owner: FeedbackRef | null;
  /** The handling deadline. */
  dueAt: string | null;
  status: FeedbackStatus;
  replyText: string | null;
  repliedAt: string | null;
  replyMessageId: string | null;
  ticketId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};
export type FeedbackPage = { items: FeedbackItemView[]; nextCursor: string | null };

export type FeedbackCategoryView = {
  id: string;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
  /** Words that suggest this category in a text. */
  seedWords: string[];
  position: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
};
export type FeedbackCategoryList = { items: FeedbackCategoryView[] };

/** What the public page's submitter is told. */
export type PublicFeedbackResult = { number: number };

// ---- assignment rules (分派规则) ----------------------------------------------------------------------------------

/** What a rule does once its conditions match: a user, the customer's account manager, or a team in turn. */
export const FEEDBACK_ASSIGNMENT_TARGETS = ['user', 'owner', 'team_round_robin'] as const;
export type FeedbackAssignmentTarget = (typeof FEEDBACK_ASSIGNMENT_TARGETS)[number];

export type FeedbackAssignmentRuleView = {
  id: string;
  name: string;
  /** Rules are tried in this order (then oldest first); the first that matches assigns. */
  position: number;
  active: boolean;
  /** Conditions: null matches anything. */
  categoryId: string | null;
  source: FeedbackSource | null;
  sentiment: FeedbackSentiment | null;
  compound: string | null;
  district: string | null;
  target: FeedbackAssignmentTarget;
  userId: string | null;
  teamId: string | null;
  createdAt: string;
  updatedAt: string;
};
export type FeedbackAssignmentRuleList = { items: FeedbackAssignmentRuleView[] };

// ---- bulk changes from the inbox -----------------------------------------------------------------------------------

/** At most this many items a bulk request. */
export const FEEDBACK_BULK_MAX = 500;
export const FEEDBACK_BULK_ACTIONS = ['assign', 'status', 'category'] as const;
export type FeedbackBulkAction = (typeof FEEDBACK_BULK_ACTIONS)[number];
/** The statuses a bulk change may set (replied is set by sending a reply). */
export const FEEDBACK_BULK_STATUSES = ['new', 'in_progress', 'closed'] as const;

/** What a bulk change did to one item: changed, already so (nothing written), or refused with the reason. */
export type FeedbackBulkItem = {
  id: string;
  /** Null when the item was not found (or is not visible to the caller). */
  number: number | null;
  outcome: 'done' | 'unchanged' | 'refused';
  /** For a refusal: the message key (feedback.not_found, feedback.deleted …). */
  code: string | null;
  /** For a refusal: why, in the caller's language. */
  reason: string | null;
};
/** The answer of a bulk change: the counts, and every item in the order sent. */
export type FeedbackBulkResult = { action: FeedbackBulkAction; done: number; unchanged: number; refused: number; items: FeedbackBulkItem[] };

// ---- inbound channels (SMS replies, WeChat messages, email) ------------------------------------------------------

export const FEEDBACK_INBOUND_CHANNELS = ['sms', 'wechat', 'email'] as const;
export type FeedbackInboundChannel = (typeof FEEDBACK_INBOUND_CHANNELS)[number];

/**
 * The inbound settings as the API shows them (secrets never returned). SMS replies are authenticated by the messages
 * module's SMS inbound key (the provider's one 上行 callback key); WeChat by the official account's server token
 * (WeChat's signature over token, timestamp and nonce); email by a key in the callback URL.
 */
export type FeedbackInboundSettingsView = { smsKeySet: boolean; wechatTokenSet: boolean; emailKeySet: boolean };

/** What an inbound callback answers (read by the provider or relay). */
export type FeedbackInboundResult = {
  /** 0: received. */
  code: number;
  msg: string;
  /** Items recorded by this call. */
  recorded: number;
  /** Messages recorded before (a retried callback): nothing written again. */
  duplicates: number;
  /** Texts that are no feedback: an opt-out keyword (TD/退订 withdraws SMS consent instead), or too short. */
  ignored: number;
};

// ---- the company's own models (重新训练, `hearth feedback retrain`) -------------------------------------------------

/**
 * How agents' corrections become the company's models (docs/FEEDBACK-TEXT.md, 公司模型):
 * - sentiment: at least `minPerClass` corrections labelled 负面 and as many labelled 正面 (中性 ones count too, for the
 *   neutral detection); the company model's log-odds are blended with the shipped
 *   model's with the weight `weightCap · n / (n + weightHalf)`, n the corrections it learnt from;
 * - category: a category joins once `categoryMin` of its items were categorised by a person; its examples weigh
 *   `categoryCap · n / (n + categoryHalf)` against the seed words (n its examples);
 * - at most `maxExamples` corrections of each kind, the newest.
 */
export const FEEDBACK_MODEL_RULES = { minPerClass: 10, weightCap: 0.8, weightHalf: 20, categoryMin: 5, categoryCap: 3, categoryHalf: 10, maxExamples: 20_000 } as const;

export const FEEDBACK_MODEL_KINDS = ['sentiment', 'category'] as const;
export type FeedbackModelKind = (typeof FEEDBACK_MODEL_KINDS)[number];

/** What a retrain did with one kind: a new version, the same training set as the model in use (nothing written), or too few. */
export type FeedbackModelOutcome = 'trained' | 'unchanged' | 'too_few';

export type FeedbackModelResult = {
  kind: FeedbackModelKind;
  outcome: FeedbackModelOutcome;
  /** Corrections per class (sentiment: neg / neu / pos; category: per category id). */
  counts: Record<string, number>;
  /** For too_few: why, in the reader's language. */
  message: string | null;
  /** The model in use after the run (null: none). */
  version: number | null;
};

export type FeedbackModelView = {
  kind: FeedbackModelKind;
  version: number;
  /** Corrections it learnt from. */
  examples: number;
  counts: Record<string, number>;
  /** The company model's weight in the blend (sentiment: 0–weightCap; category: the largest category weight). */
  weight: number;
  trainedAt: string;
};

export type FeedbackRetrainRunView = {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  /** manual (the page or the API) or cli. */
  reason: string;
  phase: string;
  results: FeedbackModelResult[];
  /**
   * The open items (new, in progress) analysed again with the new models after they were written, so far (while the
   * run goes on) or in all: `items` read, `changed` whose sentiment or category (suggested or applied) changed. Null
   * when no model changed (nothing to analyse again) or before the models are written.
   */
  reanalysis: FeedbackReanalysis | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

/** What a retrain's re-analysis of the open items did (an agent's own sentiment or category is never replaced). */
export type FeedbackReanalysis = { items: number; changed: number };

/** GET /feedback-models: the models in use, the corrections waiting, whether each kind can be trained, the latest run. */
export type FeedbackModelsView = {
  models: FeedbackModelView[];
  corrections: { sentiment: Record<'neg' | 'neu' | 'pos', number>; category: number };
  /** Per kind: null when it can be trained, else why not (the reader's language). */
  blocked: Record<FeedbackModelKind, string | null>;
  run: FeedbackRetrainRunView | null;
};
