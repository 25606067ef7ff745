/**
 * What the heating tools' API returns (供热: the compound tree, 欠费, 停暖 / 抢修通知): plain types and constants with no
 * imports, shared with the web app.
 */

/** The tree's levels: 小区 → 楼栋 → 单元. */
export const TREE_LEVELS = ['compound', 'building', 'unit'] as const;
export type TreeLevel = (typeof TREE_LEVELS)[number];

/** One node of the tree (a compound, a building of a compound, a unit of a building), counted in the reader's data scope. */
export type TreeNode = {
  /** The compound's, building's or unit's name as the customers carry it; null: households without one. */
  key: string | null;
  households: number;
  /** Open tickets (new, assigned, in progress, waiting on the customer) of its households. */
  openTickets: number;
  /** Households owing heating fees (any season), and what they owe in all (fen). */
  arrearsHouseholds: number;
  arrearsFen: number;
};

export type TreeLevelView = {
  level: TreeLevel;
  compound: string | null;
  building: string | null;
  items: TreeNode[];
  /** When the arrears read model was last rebuilt in full (null: never). */
  arrearsAsOf: string | null;
};

/** How a season's due amount is known: the household's bills, or the fee of its latest paid season. */
export const ARREARS_BASES = ['bill', 'last_fee'] as const;
export type ArrearsBasis = (typeof ARREARS_BASES)[number];

export type ArrearsSeason = { season: string; dueFen: number; paidFen: number; owedFen: number; basis: ArrearsBasis };

/** A household owing heating fees, with what it owes by season (oldest first). Phones are masked. */
export type ArrearsRow = {
  customerId: string;
  name: string;
  customerNo: string | null;
  compound: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  phone: string | null;
  /** Owed in all (for the season filtered on, when there is one). */
  owedFen: number;
  seasons: ArrearsSeason[];
};

export type ArrearsPage = { items: ArrearsRow[]; nextCursor: string | null };

export type ArrearsSeasonTotal = { season: string; households: number; owedFen: number };

export type ArrearsRunView = {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  reason: string;
  /** The latest season due when it ran (2025-2026). */
  dueSeason: string;
  customers: number;
  rows: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
};

export type ArrearsSummary = {
  /** Totals per season, newest first, and over all seasons. */
  seasons: ArrearsSeasonTotal[];
  total: { households: number; owedFen: number };
  /** The latest season whose payment deadline has passed (2025-2026). */
  dueSeason: string;
  /** The latest full rebuild and the one running now, if any. */
  lastRun: ArrearsRunView | null;
  running: ArrearsRunView | null;
};

/** 停暖通知 (heating stops: planned outage) or 抢修通知 (an emergency repair). */
export const NOTICE_KINDS = ['outage', 'repair'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The outbox's channels (the messages module's), as a notice names them. */
export const NOTICE_CHANNELS = ['sms', 'email', 'wechat'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** Why a household was not reached. */
export const NOTICE_BLOCKED_REASONS = ['no_consent', 'no_recipient', 'frequency_cap', 'deleted'] as const;
export type NoticeBlockedReason = (typeof NOTICE_BLOCKED_REASONS)[number];

export type NoticeCounts = {
  /** Messages put in the outbox (due now, or waiting for the quiet hours to end). */
  queued: number;
  /** Of queued, waiting for the quiet hours to end. */
  quietHours: number;
  blocked: Record<NoticeBlockedReason, number>;
};

/** A notice's messages as the outbox has them now. */
export type NoticeDelivery = { queued: number; sending: number; sent: number; failed: number; suppressed: number };

export type NoticeView = {
  id: string;
  kind: NoticeKind;
  compound: string;
  building: string | null;
  unit: string | null;
  channel: NoticeChannel;
  templateId: string;
  templateName: string | null;
  text: string | null;
  households: number;
  counts: NoticeCounts;
  /** Households reached (queued) and blocked so far. */
  reached: number;
  blocked: number;
  delivery: NoticeDelivery;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { done: number; total: number };
  error: string | null;
  requestedBy: { id: string; name: string } | null;
  createdAt: string;
  finishedAt: string | null;
};

export type NoticePage = { items: NoticeView[]; nextCursor: string | null };

/**
 * What a notice to a target would reach, in the sender's data scope: its households and, on the channel, those that
 * consent and those that also have an address (a mobile number, an e-mail address; WeChat's open id is known only when
 * sending: null). `inline`: small enough to be sent at once rather than as a background run.
 */
export type NoticePreview = { households: number; consenting: number; reachable: number | null; inline: boolean };

/** Targets of at most this many households are sent in the request's transaction; larger ones as a durable run. */
export const NOTICE_INLINE_MAX = 300;
