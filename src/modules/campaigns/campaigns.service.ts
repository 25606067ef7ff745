/**
 * Use cases of campaigns (营销活动): drafts with their offers and messages, approval over the budget limit, scheduling,
 * launching (a durable run, launch.ts), cancelling, and the clock that starts scheduled campaigns and ends running ones.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { userDirectory, userNames } from '../accounts/index.js';
import { readSetting, writeSetting } from '../settings/index.js';
import type { CampaignListItem, CampaignPage, CampaignSettings, CampaignView, OfferView } from './campaigns.contract.js';
import * as repo from './campaigns.repository.js';
import type { CampaignRow, CampaignWithNames, OfferRow } from './campaigns.repository.js';
import type { CampaignListQuery, CreateCampaignInput, OfferInput, UpdateCampaignInput } from './campaigns.types.js';
import { validSharedCode } from './codes.js';
import { latestLaunch, queueLaunch, requestLaunchCancel } from './launch.js';
import { withdrawBySource } from '../messages/index.js';
import { sharedCodeTaken } from './redemptions.js';
import { campaignOffers, campaigns } from './schema.js';

/** Budgets above this (fen) need a manager's approval before launch; a setting, ¥10,000 by default. */
export const APPROVAL_LIMIT_KEY = 'campaigns.approval_limit_fen';
const DEFAULT_APPROVAL_LIMIT_FEN = 1_000_000;
const DAY_MS = 86_400_000;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function approvalLimitFen(db: DbOrTx): Promise<number> {
  const v = await readSetting<number>(db, APPROVAL_LIMIT_KEY);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_APPROVAL_LIMIT_FEN;
}

export async function getCampaignSettings(db: DbOrTx, actor: Actor | null): Promise<CampaignSettings> {
  requireAccess(actor, 'campaign:read');
  return { approvalLimitFen: await approvalLimitFen(db) };
}

/** The approval limit is an installation setting (settings:manage); campaigns already approved stay approved. */
export async function updateCampaignSettings(db: DbOrTx, actor: Actor | null, input: CampaignSettings): Promise<CampaignSettings> {
  requireAccess(actor, 'settings:manage');
  const before = await approvalLimitFen(db);
  await writeSetting(db, APPROVAL_LIMIT_KEY, input.approvalLimitFen);
  await recordAudit(db, actor, { action: 'settings_update', entityType: 'settings', entityId: null, changes: { approvalLimitFen: [before, input.approvalLimitFen] } });
  return { approvalLimitFen: input.approvalLimitFen };
}

export function offerView(o: OfferRow): OfferView {
  return {
    id: o.id,
    kind: o.kind,
    name: o.name,
    percentOffBp: o.percentOffBp,
    thresholdFen: o.thresholdFen,
    discountFen: o.discountFen,
    detail: o.detail,
    multiplierX100: o.multiplierX100,
    codeMode: o.codeMode,
    sharedCode: o.sharedCode,
    validFrom: o.validFrom,
    validTo: o.validTo,
    perCustomerLimit: o.perCustomerLimit,
  };
}

const needsApproval = (c: CampaignRow, limit: number) => c.budgetFen > limit && !c.approvedAt;

async function view(db: DbOrTx, c: CampaignWithNames): Promise<CampaignView> {
  const segments = await repo.segmentNames(db, [c.segmentId]);
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    goal: c.goal,
    goalTarget: c.goalTarget,
    segmentId: c.segmentId,
    segmentName: c.segmentId ? (segments.get(c.segmentId)?.name ?? null) : null,
    holdoutBp: c.holdoutBp,
    offers: (await repo.offersOf(db, c.id)).map(offerView),
    channels: await repo.channelsOf(db, c.id),
    startsAt: iso(c.startsAt),
    attributionDays: c.attributionDays,
    budgetFen: c.budgetFen,
    costPerMessageFen: c.costPerMessageFen,
    costPerRedemptionFen: c.costPerRedemptionFen,
    marginBp: c.marginBp,
    owner: c.ownerId ? { id: c.ownerId, name: c.ownerName ?? '' } : null,
    needsApproval: needsApproval(c, await approvalLimitFen(db)),
    approvedBy: c.approvedBy ? { id: c.approvedBy, name: c.approverName ?? '' } : null,
    approvedAt: iso(c.approvedAt),
    launchedAt: iso(c.launchedAt),
    endsAt: iso(c.endsAt),
    endedAt: iso(c.endedAt),
    cancelledAt: iso(c.cancelledAt),
    treatedCount: c.treatedCount,
    holdoutCount: c.holdoutCount,
    launch: await latestLaunch(db, c.id),
    version: c.version,
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
  };
}

export async function loadCampaign(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<CampaignWithNames> {
  const row = await repo.findCampaign(db, id, opts);
  if (!row) throw AppError.notFound('campaigns.not_found');
  return row;
}

// ---- checks --------------------------------------------------------------------------------------------------------

async function checkOwner(db: DbOrTx, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const rows = rowsOf<{ id: string }>(await db.execute(sql`select id from ${userDirectory} where id = ${ownerId}`));
  if (!rows.length) throw AppError.field('ownerId', 'campaigns.owner_unknown', { field: 'ownerId' });
}

async function checkSegment(db: DbOrTx, segmentId: string | null | undefined): Promise<void> {
  if (!segmentId) return;
  const s = (await repo.segmentNames(db, [segmentId])).get(segmentId);
  if (!s || s.deleted) throw AppError.field('segmentId', 'campaigns.segment_unknown');
}

async function checkTemplates(db: DbOrTx, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  if (new Set(ids).size !== ids.length) throw AppError.field('templateIds', 'campaigns.template_twice');
  const live = await repo.liveTemplates(db, ids);
  ids.forEach((id, i) => {
    if (!live.has(id)) throw AppError.field(`templateIds.${i}`, 'campaigns.template_unknown');
  });
}

/** Offers as stored: shared codes normalised, checked for shape and for use by another campaign. */
async function offerRows(db: DbOrTx, offers: OfferInput[] | undefined, campaignId: string | null): Promise<Omit<typeof campaignOffers.$inferInsert, 'campaignId' | 'position'>[]> {
  const rows = [];
  const shared = new Set<string>();
  for (const [i, o] of (offers ?? []).entries()) {
    let sharedCode: string | null = null;
    if (o.codeMode === 'shared') {
      sharedCode = validSharedCode(o.sharedCode ?? '');
      if (!sharedCode) throw AppError.field(`offers.${i}.sharedCode`, 'campaigns.shared_code_invalid');
      if (shared.has(sharedCode) || (await sharedCodeTaken(db, sharedCode, campaignId))) {
        throw AppError.field(`offers.${i}.sharedCode`, 'campaigns.shared_code_taken', { value: sharedCode });
      }
      shared.add(sharedCode);
    }
    rows.push({
      kind: o.kind,
      name: o.name,
      percentOffBp: o.kind === 'percent' ? (o.percentOffBp ?? null) : null,
      thresholdFen: o.kind === 'threshold' ? (o.thresholdFen ?? null) : null,
      discountFen: o.kind === 'threshold' ? (o.discountFen ?? null) : null,
      detail: o.kind === 'gift' || o.kind === 'bundle' ? (o.detail ?? null) : null,
      multiplierX100: o.kind === 'points_multiplier' ? (o.multiplierX100 ?? null) : null,
      codeMode: o.codeMode,
      sharedCode,
      validFrom: o.validFrom ?? null,
      validTo: o.validTo ?? null,
      perCustomerLimit: o.perCustomerLimit,
    });
  }
  return rows;
}

// ---- CRUD ------------------------------------------------------------------------------------------------------------

export async function listCampaigns(db: DbOrTx, actor: Actor | null, q: CampaignListQuery): Promise<CampaignPage> {
  requireAccess(actor, 'campaign:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const rows = await repo.listCampaigns(db, { status: q.status, after, limit: q.limit + 1 });
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  const segments = await repo.segmentNames(db, shown.map((r) => r.segmentId));
  const owners = await userNames(db, shown.map((r) => r.ownerId));
  const items: CampaignListItem[] = shown.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    goal: r.goal,
    segmentName: r.segmentId ? (segments.get(r.segmentId)?.name ?? null) : null,
    holdoutBp: r.holdoutBp,
    budgetFen: r.budgetFen,
    startsAt: iso(r.startsAt),
    launchedAt: iso(r.launchedAt),
    endsAt: iso(r.endsAt),
    treatedCount: r.treatedCount,
    holdoutCount: r.holdoutCount,
    createdAt: iso(r.createdAt)!,
    ownerName: r.ownerId ? (owners.get(r.ownerId) ?? null) : null,
  }));
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null, total: await repo.countCampaigns(db, q.status) };
}

export async function getCampaign(db: DbOrTx, actor: Actor | null, id: string): Promise<CampaignView> {
  requireAccess(actor, 'campaign:read');
  return view(db, await loadCampaign(db, id));
}

export async function createCampaign(db: DbOrTx, actor: Actor | null, input: CreateCampaignInput): Promise<CampaignView> {
  requireAccess(actor, 'campaign:manage');
  await checkSegment(db, input.segmentId);
  await checkTemplates(db, input.templateIds);
  await checkOwner(db, input.ownerId);
  const offers = await offerRows(db, input.offers, null);
  const [row] = await db
    .insert(campaigns)
    .values({
      name: input.name,
      description: input.description ?? null,
      goal: input.goal,
      goalTarget: input.goalTarget,
      segmentId: input.segmentId ?? null,
      holdoutBp: input.holdoutBp,
      startsAt: input.startsAt ? new Date(input.startsAt) : null,
      attributionDays: input.attributionDays,
      budgetFen: input.budgetFen,
      costPerMessageFen: input.costPerMessageFen,
      costPerRedemptionFen: input.costPerRedemptionFen,
      marginBp: input.marginBp,
      seed: randomBytes(16).toString('hex'),
      ownerId: input.ownerId === undefined ? actor.userId : input.ownerId,
      createdBy: actor.userId,
    })
    .returning();
  await saveParts(db, row!.id, offers, input.templateIds);
  await recordAudit(db, actor, { action: 'create', entityType: 'campaign', entityId: row!.id, changes: { name: input.name, goal: input.goal, segmentId: input.segmentId ?? null } });
  return view(db, await loadCampaign(db, row!.id));
}

async function saveParts(db: DbOrTx, id: string, offers: Awaited<ReturnType<typeof offerRows>> | undefined, templateIds: string[] | undefined): Promise<void> {
  try {
    if (offers) await repo.replaceOffers(db, id, offers);
  } catch (err) {
    if (isUniqueViolation(err)) throw AppError.field('offers', 'campaigns.shared_code_taken', { value: '' });
    throw err;
  }
  if (templateIds) await repo.replaceChannels(db, id, templateIds);
}

/** Drafts and scheduled campaigns can change; a raised budget needs approval again. */
export async function updateCampaign(db: DbOrTx, actor: Actor | null, id: string, input: UpdateCampaignInput): Promise<CampaignView> {
  requireAccess(actor, 'campaign:manage');
  const c = await loadCampaign(db, id, { lock: true });
  if (input.version !== c.version) throw AppError.conflict('campaigns.stale', { current: c.version, given: input.version }, 'version');
  if (c.status !== 'draft' && c.status !== 'scheduled') throw AppError.conflict('campaigns.not_editable', { status: c.status });
  await checkSegment(db, input.segmentId);
  await checkTemplates(db, input.templateIds);
  await checkOwner(db, input.ownerId);
  const offers = input.offers ? await offerRows(db, input.offers, id) : undefined;
  const budgetFen = input.budgetFen ?? c.budgetFen;
  await db
    .update(campaigns)
    .set({
      name: input.name ?? c.name,
      description: input.description === undefined ? c.description : input.description,
      goal: input.goal ?? c.goal,
      goalTarget: input.goalTarget ?? c.goalTarget,
      segmentId: input.segmentId === undefined ? c.segmentId : input.segmentId,
      holdoutBp: input.holdoutBp ?? c.holdoutBp,
      startsAt: input.startsAt === undefined ? c.startsAt : input.startsAt ? new Date(input.startsAt) : null,
      attributionDays: input.attributionDays ?? c.attributionDays,
      budgetFen,
      costPerMessageFen: input.costPerMessageFen ?? c.costPerMessageFen,
      costPerRedemptionFen: input.costPerRedemptionFen ?? c.costPerRedemptionFen,
      marginBp: input.marginBp ?? c.marginBp,
      ownerId: input.ownerId === undefined ? c.ownerId : input.ownerId,
      approvedBy: budgetFen > c.budgetFen ? null : c.approvedBy,
      approvedAt: budgetFen > c.budgetFen ? null : c.approvedAt,
      // A scheduled campaign that changes goes back to draft: it is scheduled again after review.
      status: 'draft',
      version: c.version + 1,
      updatedAt: new Date(),
    })
    .where(sql`${campaigns.id} = ${id}`);
  await saveParts(db, id, offers, input.templateIds);
  const { version: _v, ...changes } = input;
  await recordAudit(db, actor, { action: 'update', entityType: 'campaign', entityId: id, changes });
  return view(db, await loadCampaign(db, id));
}

/** Only drafts are deleted (soft): a campaign that reached customers keeps its record. */
export async function deleteCampaign(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'campaign:manage');
  const c = await loadCampaign(db, id, { lock: true });
  if (c.status !== 'draft') throw AppError.conflict('campaigns.not_deletable', { status: c.status });
  await db.update(campaigns).set({ deletedAt: new Date(), updatedAt: new Date() }).where(sql`${campaigns.id} = ${id}`);
  await recordAudit(db, actor, { action: 'delete', entityType: 'campaign', entityId: id, changes: { name: c.name } });
}

// ---- approval, schedule, cancel ------------------------------------------------------------------------------------

export async function approveCampaign(db: DbOrTx, actor: Actor | null, id: string, version: number): Promise<CampaignView> {
  requireAccess(actor, 'campaign:approve');
  const c = await loadCampaign(db, id, { lock: true });
  if (version !== c.version) throw AppError.conflict('campaigns.stale', { current: c.version, given: version }, 'version');
  if (c.status !== 'draft' && c.status !== 'scheduled') throw AppError.conflict('campaigns.not_editable', { status: c.status });
  if (!needsApproval(c, await approvalLimitFen(db))) throw AppError.conflict('campaigns.no_approval_needed');
  if (c.createdBy && c.createdBy === actor.userId && c.ownerId === actor.userId) {
    // A manager may approve a campaign someone else prepared, or their own only when another user owns it.
    throw AppError.conflict('campaigns.approve_own');
  }
  await db.update(campaigns).set({ approvedBy: actor.userId, approvedAt: new Date(), version: c.version + 1, updatedAt: new Date() }).where(sql`${campaigns.id} = ${id}`);
  await recordAudit(db, actor, { action: 'approve', entityType: 'campaign', entityId: id, changes: { budgetFen: c.budgetFen } });
  return view(db, await loadCampaign(db, id));
}

/** What a launch needs: an audience, a message or an offer, and approval when over the limit. */
async function checkLaunchable(db: DbOrTx, c: CampaignRow): Promise<void> {
  if (!c.segmentId) throw AppError.field('segmentId', 'validation.required', { field: 'segmentId' });
  await checkSegment(db, c.segmentId);
  const offers = await repo.offersOf(db, c.id);
  const channels = await repo.channelsOf(db, c.id);
  if (!offers.length && !channels.length) throw AppError.conflict('campaigns.nothing_to_send');
  await checkTemplates(db, channels.map((x) => x.templateId));
  const limit = await approvalLimitFen(db);
  if (needsApproval(c, limit)) throw AppError.conflict('campaigns.needs_approval', { limit: limit / 100 });
}

export async function scheduleCampaign(db: DbOrTx, actor: Actor | null, id: string, version: number, now: Date): Promise<CampaignView> {
  requireAccess(actor, 'campaign:manage');
  const c = await loadCampaign(db, id, { lock: true });
  if (version !== c.version) throw AppError.conflict('campaigns.stale', { current: c.version, given: version }, 'version');
  if (c.status !== 'draft') throw AppError.conflict('campaigns.not_draft', { status: c.status });
  if (!c.startsAt) throw AppError.field('startsAt', 'validation.required', { field: 'startsAt' });
  if (c.startsAt.getTime() <= now.getTime()) throw AppError.field('startsAt', 'campaigns.starts_in_past');
  await checkLaunchable(db, c);
  await db.update(campaigns).set({ status: 'scheduled', version: c.version + 1, updatedAt: new Date() }).where(sql`${campaigns.id} = ${id}`);
  await recordAudit(db, actor, { action: 'schedule', entityType: 'campaign', entityId: id, changes: { startsAt: c.startsAt.toISOString() } });
  return view(db, await loadCampaign(db, id));
}

/**
 * Marks the campaign running (launched now, the attribution window from now) — the caller then queues the launch run,
 * which draws the groups and writes the messages. From draft (by hand) or scheduled (by hand early, or the clock).
 */
export async function beginLaunch(db: DbOrTx, actor: Actor, c: CampaignRow, now: Date): Promise<void> {
  await checkLaunchable(db, c);
  await db
    .update(campaigns)
    .set({ status: 'running', launchedAt: now, endsAt: new Date(now.getTime() + c.attributionDays * DAY_MS), version: c.version + 1, updatedAt: now })
    .where(sql`${campaigns.id} = ${c.id}`);
  await recordAudit(db, actor, { action: 'launch', entityType: 'campaign', entityId: c.id, changes: { segmentId: c.segmentId, holdoutBp: c.holdoutBp } });
}

export async function cancelCampaign(db: DbOrTx, actor: Actor | null, id: string, version: number): Promise<CampaignView> {
  requireAccess(actor, 'campaign:manage');
  const c = await loadCampaign(db, id, { lock: true });
  if (version !== c.version) throw AppError.conflict('campaigns.stale', { current: c.version, given: version }, 'version');
  if (c.status === 'ended' || c.status === 'cancelled') throw AppError.conflict('campaigns.already_over', { status: c.status });
  await db.update(campaigns).set({ status: 'cancelled', cancelledAt: new Date(), version: c.version + 1, updatedAt: new Date() }).where(sql`${campaigns.id} = ${id}`);
  // Messages not yet sent are called off; a launch still running stops at its next slice.
  const withdrawn = await withdrawBySource(db, id);
  await requestLaunchCancel(db, id);
  await recordAudit(db, actor, { action: 'cancel', entityType: 'campaign', entityId: id, changes: { from: c.status, withdrawn } });
  return view(db, await loadCampaign(db, id));
}

/** The clock: running campaigns whose window closed end (returns how many). */
export async function endDueCampaigns(db: DbOrTx, actor: Actor, now: Date): Promise<number> {
  const due = await repo.dueEnded(db, now);
  for (const c of due) {
    await db.update(campaigns).set({ status: 'ended', endedAt: now, version: c.version + 1, updatedAt: now }).where(sql`${campaigns.id} = ${c.id}`);
    await recordAudit(db, actor, { action: 'end', entityType: 'campaign', entityId: c.id, changes: { endsAt: c.endsAt?.toISOString() ?? null } });
  }
  return due.length;
}

/** Launch now (from draft, or a scheduled campaign early): marks it running and queues the launch run (returned). */
export async function launchCampaign(db: DbOrTx, actor: Actor | null, id: string, version: number, now: Date): Promise<{ campaign: CampaignView; runId: string }> {
  requireAccess(actor, 'campaign:manage');
  const c = await loadCampaign(db, id, { lock: true });
  if (version !== c.version) throw AppError.conflict('campaigns.stale', { current: c.version, given: version }, 'version');
  if (c.status !== 'draft' && c.status !== 'scheduled') throw AppError.conflict('campaigns.not_launchable', { status: c.status });
  await beginLaunch(db, actor, c, now);
  const run = await queueLaunch(db, id, actor.userId);
  return { campaign: await view(db, await loadCampaign(db, id)), runId: run.id };
}

/**
 * The clock: scheduled campaigns whose start has come are launched in the name of whoever scheduled them (the owner,
 * else the creator); returns the runs to execute. A campaign that can no longer launch (its segment deleted, approval
 * withdrawn) goes back to draft with the reason in the audit log.
 */
export async function launchDueCampaigns(db: DbOrTx, actor: Actor, now: Date): Promise<string[]> {
  const runIds: string[] = [];
  for (const c of await repo.dueScheduled(db, now)) {
    try {
      await beginLaunch(db, actor, c, now);
      runIds.push((await queueLaunch(db, c.id, c.ownerId ?? c.createdBy)).id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await db.update(campaigns).set({ status: 'draft', version: c.version + 1, updatedAt: now }).where(sql`${campaigns.id} = ${c.id}`);
      await recordAudit(db, actor, { action: 'launch_refused', entityType: 'campaign', entityId: c.id, changes: { reason: err.key } });
    }
  }
  return runIds;
}
