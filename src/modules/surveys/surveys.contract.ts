/**
 * What the surveys API returns (满意度调查: CSAT, NPS, CES, SERVQUAL and custom surveys, their versions, invitations,
 * responses and QR codes): plain types and constants with no imports, shared with the web app.
 */

/** What a survey measures: its headline figure (custom: none in particular). */
export const SURVEY_KINDS = ['csat', 'nps', 'ces', 'servqual', 'custom'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** draft (being built; no invitations) → active (invitations and answers accepted) → closed (answers refused; may be activated again). */
export const SURVEY_STATUSES = ['draft', 'active', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** The shipped templates (templates.ts): CSAT after a ticket, relational NPS, SERVQUAL for heating service, post-repair CES. */
export const SURVEY_TEMPLATE_KEYS = ['ticket_csat', 'relational_nps', 'heating_servqual', 'repair_ces'] as const;
export type SurveyTemplateKey = (typeof SURVEY_TEMPLATE_KEYS)[number];

export const INVITATION_CHANNELS = ['sms', 'email', 'wechat', 'qr', 'link'] as const;
export type InvitationChannel = (typeof INVITATION_CHANNELS)[number];

/** Who an invitation went to and why: a segment, a static list, one customer, a trigger (a ticket resolved …), a QR code. */
export const INVITATION_SOURCES = ['segment', 'list', 'customer', 'trigger', 'qr'] as const;
export type InvitationSource = (typeof INVITATION_SOURCES)[number];

export const INVITATION_STATUSES = ['pending', 'sent', 'opened', 'responded', 'expired', 'withdrawn'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const RESPONSE_STATUSES = ['partial', 'complete'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/** Where a QR code hangs: a compound (小区), a building (楼栋), a service hall (营业厅), elsewhere. */
export const QR_PLACES = ['compound', 'building', 'hall', 'other'] as const;
export type QrPlace = (typeof QR_PLACES)[number];

/** Whether a QR code's answers are anonymous or the respondent identifies themself (phone). */
export const QR_IDENTIFY = ['anonymous', 'self'] as const;
export type QrIdentify = (typeof QR_IDENTIFY)[number];

export const SURVEY_FIELD_LIMITS = { name: 100, q: 100 } as const;

/** Distribution rules of one survey. */
export type SurveySettings = {
  /** An invitation expires this many days after it is made. */
  expiryDays: number;
  /** At most this many reminders to a customer who has not answered. */
  maxReminders: number;
  /** The first reminder, and each next one, this many days after the previous message. */
  reminderAfterDays: number;
  /** A customer invited (to any survey) within this many days is not invited again. */
  fatigueDays: number;
  /** Answers without an identified customer (QR codes, open links) are accepted. */
  anonymousAllowed: boolean;
};

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = { expiryDays: 14, maxReminders: 2, reminderAfterDays: 3, fatigueDays: 90, anonymousAllowed: false };

/** A definition as stored: definition.ts's SurveyDefinition (title, questions, branches, weights), opaque to the web contract. */
export type SurveyDefinitionJson = unknown;

// ---- definitions (the plain parts of definition.ts, whose zod schema stays the rule) --------------------------------

/** The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988): 有形性 可靠性 响应性 保证性 移情性. */
export const DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DIMENSION_NAMES: Record<Dimension, { zh: string; en: string }> = {
  tangibles: { zh: '有形性', en: 'Tangibles' },
  reliability: { zh: '可靠性', en: 'Reliability' },
  responsiveness: { zh: '响应性', en: 'Responsiveness' },
  assurance: { zh: '保证性', en: 'Assurance' },
  empathy: { zh: '移情性', en: 'Empathy' },
};

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'rating', 'single', 'multiple', 'text', 'matrix', 'servqual'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const BRANCH_OPS = ['eq', 'in', 'lte', 'gte', 'answered', 'skipped'] as const;
export type BranchOp = (typeof BRANCH_OPS)[number];

/** The fixed scales of the standard questions (inclusive). */
export const SCALES = { nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 }, ces: { min: 1, max: 7 }, servqual: { min: 1, max: 7 } } as const;

export const SURVEY_LIMITS = { text: 500, id: 40, questions: 100, options: 30, rows: 20, items: 40, textAnswer: 2000, defaultTextAnswer: 500 } as const;

export type SurveyUserRef = { id: string; name: string };

export type SurveyListItem = {
  id: string;
  name: string;
  kind: SurveyKind;
  status: SurveyStatus;
  templateKey: SurveyTemplateKey | null;
  /** The number of the current definition version (1, 2, …). */
  definitionVersion: number;
  /** Complete responses, all versions. */
  responseCount: number;
  /** Invitations not withdrawn, all versions. */
  invitedCount: number;
  /** Percent of those invitations answered (0–100); null when nobody was invited. */
  responseRate: number | null;
  owner: SurveyUserRef | null;
  createdAt: string;
  updatedAt: string;
  /** When it went to the trash (restorable); null when live. */
  deletedAt: string | null;
};

export type SurveyView = SurveyListItem & {
  settings: SurveySettings;
  currentVersionId: string;
  /** The current version's definition. */
  definition: SurveyDefinitionJson;
  /** Responses started and not finished, all versions. */
  partialCount: number;
  createdBy: SurveyUserRef | null;
  /** The row's version for optimistic edits: PATCH and the state changes send it back (409 when it moved). */
  version: number;
};

export type SurveyPage = { items: SurveyListItem[]; nextCursor: string | null; total: number };

export type SurveyVersionView = {
  id: string;
  /** 1, 2, …: a new one when a definition with answers is edited. */
  version: number;
  definition: SurveyDefinitionJson;
  /** Responses tied to this version (complete and partial). */
  responseCount: number;
  current: boolean;
  createdBy: SurveyUserRef | null;
  createdAt: string;
};

export type SurveyVersionList = { items: SurveyVersionView[] };

export type SurveyTemplateView = {
  key: SurveyTemplateKey;
  kind: SurveyKind;
  /** The template's name in the caller's language. */
  name: string;
  description: string;
  questionCount: number;
  definition: SurveyDefinitionJson;
};

export type SurveyTemplateList = { items: SurveyTemplateView[] };

// ---- distribution (invitations, sends, reminders, triggers) ---------------------------------------------------------

/** The channels a send or a trigger writes messages on (the outbox's channels). */
export const SEND_CHANNELS = ['sms', 'email', 'wechat'] as const;
export type SendChannel = (typeof SEND_CHANNELS)[number];

/** Whom a send draws: a segment (dynamic), a static list (a segment of kind static), or customers given by id. */
export const SEND_AUDIENCES = ['segment', 'list', 'customers'] as const;
export type SendAudience = (typeof SEND_AUDIENCES)[number];

/** What became of a drawn customer (would_invite: a dry run's invitable customer). */
export const SEND_OUTCOMES = ['drawn', 'sampled_out', 'fatigue', 'already_invited', 'invited', 'would_invite'] as const;
export type SendOutcome = (typeof SEND_OUTCOMES)[number];

/** What starts an automatic invitation. */
export const TRIGGER_EVENTS = ['ticket_resolved', 'repair_done', 'purchase'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export type SendCounts = {
  /** Members of the audience within the sender's data scope. */
  drawn: number;
  /** Left out by the sample. */
  sampledOut: number;
  /** Invited to any survey within the survey's fatigueDays. */
  fatigue: number;
  /** Already holding a live (or answered) invitation to this survey. */
  alreadyInvited: number;
  /** Invitations written (a dry run: invitations it would write). */
  invited: number;
  /** Messages written to the outbox as queued. */
  queued: number;
  /** Messages not sent, by reason: no_consent, frequency_cap, no_recipient (no address on the channel), withdrawn, customer_deleted. */
  blocked: Record<string, number>;
  /** Messages delivered so far. */
  delivered: number;
  /** Messages whose delivery failed. */
  failed: number;
};

export type SurveySendView = {
  id: string;
  surveyId: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { phase: string; done: number; total: number };
  error: string | null;
  audience: SendAudience;
  segmentId: string | null;
  /** The number of customers given (audience customers). */
  customerCount: number | null;
  channel: SendChannel;
  templateId: string | null;
  /** The sample: a share (0 < p ≤ 1) or a size; null: everyone. */
  sample: { share: number | null; size: number | null } | null;
  dryRun: boolean;
  counts: SendCounts;
  requestedBy: SurveyUserRef | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type SurveySendList = { items: SurveySendView[] };

export type SurveyInvitationView = {
  id: string;
  customer: { id: string; name: string } | null;
  channel: InvitationChannel;
  source: InvitationSource;
  sourceRef: string | null;
  sendId: string | null;
  status: InvitationStatus;
  expiresAt: string;
  remindersSent: number;
  lastRemindedAt: string | null;
  sentAt: string | null;
  openedAt: string | null;
  respondedAt: string | null;
  ticketId: string | null;
  agentId: string | null;
  createdAt: string;
};

export type SurveyInvitationPage = { items: SurveyInvitationView[]; nextCursor: string | null };

/** A hand-made link (channel link): the invitation and its signed URL. */
export type SurveyLinkView = { invitationId: string; link: string; expiresAt: string; reused: boolean };

/** A QR code (GET/POST /surveys/:id/qr-codes). */
export type SurveyQrCodeView = {
  id: string;
  surveyId: string;
  label: string;
  place: QrPlace;
  placeValue: string | null;
  identify: QrIdentify;
  /** The link the code carries (the public page). */
  url: string;
  /** Complete responses given through this code. */
  responseCount: number;
  createdAt: string;
};

/** What a reminder round did. */
export type ReminderResult = { eligible: number; queued: number; blocked: Record<string, number> };

export type SurveyTriggerView = { id: string; on: TriggerEvent; delayDays: number; productIds: string[]; channel: SendChannel; templateId: string | null; createdAt: string };
export type SurveyTriggerList = { items: SurveyTriggerView[] };

// ---- results (GET /surveys/:id/results) -----------------------------------------------------------------------------

/** What the results may be broken down by: a segment (current members), value tier, compound, agent, or over time. */
export const RESULT_BREAKDOWNS = ['segment', 'tier', 'compound', 'agent', 'day', 'week', 'month'] as const;
export type ResultBreakdown = (typeof RESULT_BREAKDOWNS)[number];

/** Percent figures are raw (not rounded); null when nobody answered. */
export type NpsFigures = { n: number; promoters: number; passives: number; detractors: number; nps: number | null; ci95: [number, number] | null };
export type CsatFigures = { n: number; satisfiedShare: number | null; mean: number | null; ci95: [number, number] | null };
export type CesFigures = { n: number; mean: number | null; easyShare: number | null };

export type ServqualItemFigures = { id: string; dimension: string; text: string; n: number; expectation: number | null; perception: number | null; gap: number | null };
export type ServqualDimensionFigures = { dimension: string; items: number; expectation: number | null; perception: number | null; gap: number | null; weight: number | null };
export type ServqualFigures = { items: ServqualItemFigures[]; dimensions: ServqualDimensionFigures[]; gap: number | null; weightedGap: number | null };

/** One question's answers: counts per score / option (every one, zeros included), matrix rows, or text samples. */
export type QuestionResult = {
  id: string;
  type: string;
  text: string;
  /** Complete responses that answered it. */
  answered: number;
  /** Scores (nps, csat, ces, rating) and choices (single, multiple): one entry per score or option, in order. */
  counts: { value: string; label: string; count: number }[];
  /** Mean of a score question (nps, csat, ces, rating); null otherwise or unanswered. */
  mean: number | null;
  /** Matrix: per row, the counts per scale point (scale.min … scale.max) and the mean. */
  rows: { id: string; label: string; counts: number[]; mean: number | null }[] | null;
  /** Text: the latest 20 answers, newest first. */
  samples: { text: string; at: string }[] | null;
};

export type BreakdownRow = { key: string; label: string; responses: number; nps: NpsFigures; csat: CsatFigures; ces: CesFigures };

export type SurveyResults = {
  /** Complete responses within the filters and the caller's data scope. */
  responses: number;
  nps: NpsFigures;
  csat: CsatFigures;
  ces: CesFigures;
  /** SERVQUAL gaps of the version's first SERVQUAL question; null when it asks none. */
  servqual: ServqualFigures | null;
  surveyId: string;
  /** The definition version the figures belong to (default: the current one). */
  version: number;
  /** Invitations of the version (withdrawn ones left out) and how many of them were answered. */
  invited: number;
  /** Answered invitations / invitations, in percent; null when nobody was invited. */
  responseRate: number | null;
  questions: QuestionResult[];
  by: ResultBreakdown | null;
  breakdown: BreakdownRow[];
  /** The company time zone the day / week / month keys are in. */
  zone: string;
};
