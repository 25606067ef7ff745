/**
 * What the interactions API returns (沟通记录, the customer timeline, tasks): plain types and constants with no
 * imports, shared with the web app.
 */

/** How the customer was reached: 电话, 上门拜访, 邮件, 短信, 微信, 在线客服, 会议, 座谈会/讲座. */
export const INTERACTION_CHANNELS = ['call', 'visit', 'email', 'sms', 'wechat', 'chat', 'meeting', 'seminar'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];

/** 呼入 (the customer reached us) or 呼出 (we reached the customer). */
export const INTERACTION_DIRECTIONS = ['inbound', 'outbound'] as const;
export type InteractionDirection = (typeof INTERACTION_DIRECTIONS)[number];

export type UserRef = { id: string; name: string };

export type InteractionView = {
  id: string;
  customerId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt: string;
  /** Who talked to the customer (by default whoever logged it). */
  user: UserRef | null;
  summary: string;
  content: string | null;
  outcome: string | null;
  nextStep: string | null;
  transactionId: string | null;
  /** A ticket this contact belongs to (tickets come with a later module). */
  ticketId: string | null;
  /** The task whose completion logged it, if any. */
  taskId: string | null;
  version: number;
  createdAt: string;
  deletedAt: string | null;
};

export type InteractionPage = { items: InteractionView[]; nextCursor: string | null };

/**
 * One business event on a customer's timeline, whichever module it comes from (`kind`: interaction, transaction,
 * task, and later modules' kinds). `title` and `summary` are in the caller's language; `data` is the kind's own view.
 */
export type TimelineEvent = {
  kind: string;
  id: string;
  at: string;
  title: string;
  summary: string | null;
  actor: UserRef | null;
  data: Record<string, unknown>;
};

export type TimelinePage = { items: TimelineEvent[]; nextCursor: string | null };

/** 回访, 关怀, 挽回, 其他. */
export const TASK_TYPES = ['return_visit', 'care', 'win_back', 'other'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Open tasks by due time, in the company's time zone: overdue (due before now), today (due later today) and
 * upcoming (due after today). `open` is all three.
 */
export const TASK_BUCKETS = ['overdue', 'today', 'upcoming'] as const;
export type TaskBucket = (typeof TASK_BUCKETS)[number];

export type TaskView = {
  id: string;
  type: TaskType;
  title: string;
  notes: string | null;
  customerId: string | null;
  /** Null when there is no customer, or the caller's data scope does not reach it. */
  customerName: string | null;
  assignee: UserRef;
  dueAt: string;
  status: TaskStatus;
  /** For an open task: which bucket it is in now. */
  bucket: TaskBucket | null;
  result: string | null;
  interactionId: string | null;
  completedAt: string | null;
  completedBy: UserRef | null;
  createdBy: UserRef | null;
  version: number;
  createdAt: string;
};

export type TaskPage = { items: TaskView[]; nextCursor: string | null };

export type TaskCounts = Record<TaskBucket, number>;

/** Bulk changes from 我的任务 (POST /tasks/bulk): at most this many tasks a request. */
export const TASK_BULK_MAX = 500;
/** Reassign, move the due time, complete (with one result for all), cancel. */
export const TASK_BULK_ACTIONS = ['assign', 'due', 'complete', 'cancel'] as const;
export type TaskBulkAction = (typeof TASK_BULK_ACTIONS)[number];

/** What a bulk change did to one task: changed, already so, or refused with the reason (in the caller's language). */
export type TaskBulkItem = { id: string; outcome: 'done' | 'unchanged' | 'refused'; code: string | null; reason: string | null };
export type TaskBulkResult = { action: TaskBulkAction; done: number; unchanged: number; refused: number; items: TaskBulkItem[] };

/** The people the caller may assign a task to. */
export type AssigneeList = { items: UserRef[] };
