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
