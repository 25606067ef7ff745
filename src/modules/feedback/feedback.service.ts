/**
 * The feedback inbox (客户反馈, issue #19): recording items (agents, the public page, and `recordFeedback` for other
 * modules), reading them (the inbox's filters, one item), correcting them (category, sentiment, owner, status; a
 * version check), removing and restoring them. Replies and tickets are in handling.service.ts; the category tree in
 * categories.service.ts.
 *
 * Who sees an item: feedback:read, and then an item of a customer the user's data scope reaches (customerAccess);
 * an item without a customer only for feedback:manage holders (they triage the anonymous ones). Changing one needs
 * feedback:manage.
 *
 * On arrival every item is analysed (./text, with the company's retrained models when there are: retrain.service.ts):
 * sentiment with its drivers, keywords, and the most likely category with its confidence — applied by itself at AUTO_CATEGORY_CONFIDENCE or above, else left as a suggestion. The owner is
 * decided by the assignment rules (rules.service.ts; no rule matching: the customer's active owner, else nobody). The
 * handling deadline is HANDLING_BUSINESS_HOURS after arrival on the tickets' default business calendar.
 */
import { sql, type SQL } from 'drizzle-orm';
import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { maskPhone, normalizePhone } from '../../platform/phone.js';
import { dayRange } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerInScope, customersByKeys } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { businessDeadline } from '../tickets/index.js';
import { analysisCategories, ensureFeedbackSeed, liveCategory } from './categories.service.js';
import {
  AUTO_CATEGORY_CONFIDENCE,
  FEEDBACK_LIMITS,
  HANDLING_BUSINESS_HOURS,
  type FeedbackItemView,
  type FeedbackPage,
  type FeedbackSource,
  type PublicFeedbackResult,
} from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import type { CreateFeedbackInput, FeedbackListQuery, PublicFeedbackInput, UpdateFeedbackInput } from './feedback.types.js';
import { feedbackItems } from './schema.js';
import { analyseText } from './text/index.js';
import { feedbackReceived } from './received.js';
import { ownerByRules } from './rules.service.js';
import { companyModels } from './retrain.service.js';

const HOUR = 3_600_000;

// ---- who sees what ---------------------------------------------------------------------------------------------------

/** The items the actor sees, as SQL over feedback_items. */
export function visibleTo(actor: Actor): SQL {
  const reached = customerAccess.filter(actor, feedbackItems.customerId);
  return can(actor, 'feedback:manage')
    ? sql`(${feedbackItems.customerId} is null or ${reached})`
    : sql`(${feedbackItems.customerId} is not null and ${reached})`;
}

export async function loadVisible(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<repo.ItemWithNames> {
  const r = await repo.findItem(db, id, visibleTo(actor), lock);
  if (!r) throw AppError.notFound('feedback.not_found');
  return r;
}

/** Loads an item for a change: visible, live, and (when given) still at the version the edit started from. */
export async function loadForWrite(db: DbOrTx, actor: Actor, id: string, version?: number): Promise<repo.ItemWithNames> {
  const r = await loadVisible(db, actor, id, true);
  if (r.item.deletedAt) throw AppError.conflict('feedback.deleted');
  if (version !== undefined && version !== r.item.version) throw AppError.conflict('feedback.stale', { current: r.item.version, given: version }, 'version');
  return r;
}

// ---- views -----------------------------------------------------------------------------------------------------------

export function viewOf(r: repo.ItemWithNames): FeedbackItemView {
  const i = r.item;
  return {
    id: i.id,
    number: i.number,
    source: i.source,
    sourceRef: i.sourceRef,
    text: i.text,
    customer: i.customerId ? { id: i.customerId, name: r.customerName ?? '' } : null,
    contactName: i.contactName,
    contactPhone: i.contactPhone ? maskPhone(i.contactPhone) : null,
    category: r.category,
    suggestedCategory: r.suggested,
    categoryConfidence: i.categoryConfidence,
    categorySetBy: i.categorySetBy,
    sentiment: i.sentiment,
    sentimentScore: i.sentimentScore,
    polarity: i.polarity,
    sentimentDrivers: i.sentimentDrivers,
    sentimentCorrected: i.sentimentCorrected,
    keywords: i.keywords,
    owner: i.ownerId ? { id: i.ownerId, name: r.ownerName ?? '' } : null,
    dueAt: i.dueAt?.toISOString() ?? null,
    status: i.status,
    replyText: i.replyText,
    repliedAt: i.repliedAt?.toISOString() ?? null,
    replyMessageId: i.replyMessageId,
    ticketId: i.ticketId,
    version: i.version,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    deletedAt: i.deletedAt?.toISOString() ?? null,
  };
}

/** The item as the actor sees it after a change (in the same transaction). */
export async function reload(db: DbOrTx, actor: Actor, id: string): Promise<FeedbackItemView> {
  return viewOf(await loadVisible(db, actor, id));
}

// ---- recording -------------------------------------------------------------------------------------------------------

/** What any source records: the text, where it came from, and whom it is from when known. */
export type RecordFeedbackInput = {
  text: string;
  source: FeedbackSource;
  sourceRef?: string | null;
  customerId?: string | null;
  contactName?: string | null;
  /** Any form of a phone number; kept in E.164 when valid, dropped when not. */
  contactPhone?: string | null;
  /** A category chosen by a person (category_set_by agent); otherwise the analysis decides. */
  categoryId?: string | null;
  createdBy?: string | null;
  now?: Date;
};

/**
 * Records one item — for other modules (inbound SMS, ticket texts, ratings' comments, survey answers, imports): the
 * text (cut to 2,000 characters) is analysed, the category applied above the threshold, the owner taken from the
 * customer, the deadline set. Writes in the caller's transaction, with its audit entry under `actor` (the system by
 * default). The caller checks access; this function does not.
 */
export async function recordFeedback(db: DbOrTx, input: RecordFeedbackInput, actor: Actor = systemActor('system')): Promise<repo.ItemRow> {
  await ensureFeedbackSeed(db);
  const now = input.now ?? new Date();
  const text = input.text.trim().slice(0, FEEDBACK_LIMITS.text);
  const categories = await analysisCategories(db);
  // The company's own models (重新训练) blend with the shipped model and the seed words once trained.
  const a = analyseText(text, { categories, company: await companyModels(db) });
  const suggestedId = a.category && categories.some((c) => c.key === a.category) ? a.category : null;
  const chosen = input.categoryId ?? null;
  const auto = !chosen && suggestedId !== null && a.categoryConfidence >= AUTO_CATEGORY_CONFIDENCE;
  const categoryId = chosen ?? (auto ? suggestedId : null);
  const routed = await ownerByRules(db, { categoryId, source: input.source, sentiment: a.sentiment, customerId: input.customerId ?? null });
  const ownerId = routed?.ownerId ?? null;
  const row = await repo.insertItem(db, {
    customerId: input.customerId ?? null,
    source: input.source,
    sourceRef: input.sourceRef ?? null,
    text,
    contactName: input.contactName ?? null,
    contactPhone: input.contactPhone ? normalizePhone(input.contactPhone) : null,
    categoryId,
    suggestedCategoryId: suggestedId,
    categoryConfidence: suggestedId ? a.categoryConfidence : null,
    categorySetBy: chosen ? 'agent' : auto ? 'auto' : null,
    sentiment: a.sentiment,
    sentimentScore: a.score,
    polarity: a.polarity,
    sentimentDrivers: a.drivers.map((d) => ({ word: d.word, weight: d.weight })),
    keywords: a.keywords,
    ownerId,
    dueAt: await businessDeadline(db, now, HANDLING_BUSINESS_HOURS * HOUR),
    createdBy: input.createdBy ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(db, actor, {
    action: 'feedback_create',
    entityType: 'feedback',
    entityId: row.id,
    changes: { number: row.number, source: row.source, customerId: row.customerId, sentiment: row.sentiment, categoryId: row.categoryId, categorySetBy: row.categorySetBy, ownerId, ruleId: routed?.ruleId ?? null },
  });
  if (row.customerId) await feedbackReceived(db, { feedbackId: row.id, customerId: row.customerId, source: row.source, at: now });
  return row;
}

/** The sources whose items carry a provider's message id or an import key, recorded once each. */
export type ExternalSource = 'sms' | 'wechat' | 'email' | 'import';

/**
 * Records an item from a provider's message (inbound SMS, WeChat, email) or an imported row once: a retried webhook
 * or a file imported again finds the item recorded before (`duplicate`) and writes nothing. Two deliveries at once wait
 * on a transaction-scoped advisory lock on the reference; the unique index (source, source_ref) is the last guard.
 */
export async function recordExternalFeedback(
  db: DbOrTx,
  input: RecordFeedbackInput & { source: ExternalSource; sourceRef: string },
  actor?: Actor,
): Promise<{ row: repo.ItemRow; duplicate: boolean }> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`feedback:${input.source}:${input.sourceRef}`}, 0))`);
  const before = await repo.itemByExternalRef(db, input.source, input.sourceRef);
  if (before) return { row: before, duplicate: true };
  return { row: await recordFeedback(db, input, actor), duplicate: false };
}

/** An agent records what a customer said (on the phone, at the counter …). */
export async function createFeedback(db: DbOrTx, actor: Actor | null, input: CreateFeedbackInput, now = new Date()): Promise<FeedbackItemView> {
  requireAccess(actor, 'feedback:manage');
  const customerId = input.customerId ?? null;
  if (customerId) {
    await customerInScope(db, actor, customerId, { forWrite: true }).catch(() => {
      throw AppError.field('customerId', 'feedback.customer_not_found');
    });
  }
  if (input.contactPhone && !normalizePhone(input.contactPhone)) throw AppError.field('contactPhone', 'feedback.phone_invalid');
  await ensureFeedbackSeed(db);
  if (input.categoryId) await liveCategory(db, input.categoryId);
  const row = await recordFeedback(
    db,
    { ...input, customerId, createdBy: actor.userId, now },
    actor,
  );
  return reload(db, actor, row.id);
}

/** The public page (no sign-in): the customer is found by the complete phone number, or the item stays anonymous. */
export async function submitPublicFeedback(db: DbOrTx, input: PublicFeedbackInput, ip: string | null, now = new Date()): Promise<PublicFeedbackResult> {
  const phone = input.phone ? normalizePhone(input.phone) : null;
  if (input.phone && !phone) throw AppError.field('phone', 'feedback.phone_invalid');
  const customerId = phone ? ((await customersByKeys(db, { externalIds: [], phones: [phone] })).byPhone.get(phone)?.id ?? null) : null;
  const visitor: Actor = { ...systemActor('system'), displayName: 'public', ip };
  const row = await recordFeedback(db, { text: input.text, source: 'public_page', customerId, contactName: input.name ?? null, contactPhone: phone, now }, visitor);
  return { number: row.number };
}

// ---- reading ---------------------------------------------------------------------------------------------------------

/** The inbox, newest first, a keyset page at a time (`cursor`: the last answer's `nextCursor`). */
export async function listFeedback(db: DbOrTx, actor: Actor | null, q: FeedbackListQuery): Promise<FeedbackPage> {
  requireAccess(actor, 'feedback:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  if (q.from && q.to && q.to < q.from) throw AppError.field('to', 'validation.invalid', { field: 'to' });
  const created = q.from || q.to ? dayRange((await companyClock(db)).zone, q.from, q.to) : undefined;
  const rows = await repo.listItems(
    db,
    {
      visible: visibleTo(actor),
      deleted: q.deleted,
      status: q.status,
      categoryId: q.categoryId,
      sentiment: q.sentiment,
      ownerId: q.ownerId,
      customerId: q.customerId,
      q: q.q || undefined,
      keyword: q.keyword,
      compound: q.compound,
      created,
    },
    { after, limit: q.limit + 1 },
  );
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(viewOf), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.item.id) : null };
}

export async function getFeedback(db: DbOrTx, actor: Actor | null, id: string): Promise<FeedbackItemView> {
  requireAccess(actor, 'feedback:read');
  return reload(db, actor, id);
}

// ---- correcting --------------------------------------------------------------------------------------------------------

async function changedValues(db: DbOrTx, item: repo.ItemRow, input: Omit<UpdateFeedbackInput, 'version'>): Promise<Partial<repo.ItemInsert>> {
  const values: Partial<repo.ItemInsert> = {};
  if (input.categoryId !== undefined) {
    if (input.categoryId) await liveCategory(db, input.categoryId);
    values.categoryId = input.categoryId;
    values.categorySetBy = 'agent';
  }
  if (input.sentiment !== undefined) values.sentimentCorrected = input.sentiment;
  if (input.ownerId !== undefined) {
    if (input.ownerId && !(await repo.activeUser(db, input.ownerId))) throw AppError.field('ownerId', 'feedback.owner_not_found');
    values.ownerId = input.ownerId;
  }
  if (input.status !== undefined) values.status = input.status;
  // Only what differs from the stored item (confirming the analysis' category still makes it the agent's).
  for (const [k, v] of Object.entries(values)) if ((item as Record<string, unknown>)[k] === v) delete (values as Record<string, unknown>)[k];
  return values;
}

/** `version` may be left out by a bulk change (each item is locked and changed from what it is then). */
export async function updateFeedback(db: DbOrTx, actor: Actor | null, id: string, input: Omit<UpdateFeedbackInput, 'version'> & { version?: number }, now = new Date()): Promise<FeedbackItemView> {
  requireAccess(actor, 'feedback:manage');
  const { item } = await loadForWrite(db, actor, id, input.version);
  const values = await changedValues(db, item, input);
  if (!Object.keys(values).length) return reload(db, actor, id);
  const changes = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [(item as Record<string, unknown>)[k] ?? null, v ?? null]]));
  await repo.updateItem(db, id, values, now);
  await recordAudit(db, actor, { action: 'feedback_update', entityType: 'feedback', entityId: id, changes });
  return reload(db, actor, id);
}

export async function deleteFeedback(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<void> {
  requireAccess(actor, 'feedback:manage');
  const { item } = await loadVisible(db, actor, id, true);
  if (item.deletedAt) return;
  await repo.updateItem(db, id, { deletedAt: now }, now);
  await recordAudit(db, actor, { action: 'feedback_delete', entityType: 'feedback', entityId: id, changes: { number: item.number } });
}

export async function restoreFeedback(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<FeedbackItemView> {
  requireAccess(actor, 'feedback:manage');
  const { item } = await loadVisible(db, actor, id, true);
  if (!item.deletedAt) throw AppError.conflict('feedback.not_deleted');
  await repo.updateItem(db, id, { deletedAt: null }, now);
  await recordAudit(db, actor, { action: 'feedback_restore', entityType: 'feedback', entityId: id, changes: { number: item.number } });
  return reload(db, actor, id);
}
