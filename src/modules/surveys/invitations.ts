/**
 * Survey distribution (issue #15 part 2): sends (durable runs, send.ts) to a segment, a static list or customers;
 * invitations (keyset pages, withdraw); hand-made links (channel link); the built-in invitation templates. Access:
 * `survey:manage` to send, withdraw and make links; `survey:read` to look; invitations are listed within the caller's
 * customer scope.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory, customerInScope } from '../customers/index.js';
import { messageCountsBySource, messageCountsBySources, templateChannels, type SourceCounts } from '../messages/index.js';
import { segmentSummaries } from '../segments/index.js';
import { surveyInvitations, surveys, surveySends } from './schema.js';
export { DEFAULT_TEMPLATES, defaultTemplateId } from './send.js';
import { EMPTY_CHECKPOINT, linkMaker, sendRuns, settingsOf, syncDelivered, withdrawSend, type SendRow } from './send.js';
import type {
  InvitationStatus,
  SendChannel,
  SurveyInvitationPage,
  SurveyInvitationView,
  SurveyLinkView,
  SurveySendList,
  SurveySendView,
} from './surveys.contract.js';
import { userNames } from '../accounts/index.js';

const DAY_MS = 86_400_000;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A live survey (404 when missing or in the trash); `sendable` also requires it to be active (409). */
export async function loadSurvey(db: DbOrTx, id: string, opts: { sendable?: boolean; lock?: boolean } = {}) {
  const query = db.select().from(surveys).where(sql`${surveys.id} = ${id} and ${surveys.deletedAt} is null`);
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) throw AppError.notFound('surveys.not_found');
  if (opts.sendable && row.status !== 'active') throw AppError.conflict('surveys.not_sendable', { status: row.status });
  return row;
}

/** The template must exist, be live and write on the send's channel. */
export async function checkTemplate(db: DbOrTx, templateId: string | undefined, channel: SendChannel, field = 'templateId'): Promise<void> {
  if (!templateId) return;
  const t = (await templateChannels(db, [templateId])).get(templateId);
  if (!t || t.archived) throw AppError.field(field, 'surveys.template_not_found');
  if (t.channel !== channel) throw AppError.field(field, 'surveys.template_channel', { channel: t.channel, wanted: channel });
}

// ---- sends ----------------------------------------------------------------------------------------------------------

export type SendInput = {
  segmentId?: string;
  customerIds?: string[];
  customerId?: string;
  channel: SendChannel;
  templateId?: string;
  sample?: { share?: number; size?: number };
  seed?: string;
  dryRun?: boolean;
};

/** Queues a send of an active survey (the route then hands the run to the job runner). */
export async function createSend(db: DbOrTx, actor: Actor | null, surveyId: string, input: SendInput): Promise<SurveySendView> {
  requireAccess(actor, 'survey:manage');
  const survey = await loadSurvey(db, surveyId, { sendable: true, lock: true });
  await checkTemplate(db, input.templateId, input.channel);
  let audience: SendRow['audience'] = 'customers';
  if (input.segmentId) {
    const [seg] = await segmentSummaries(db, [input.segmentId]);
    if (!seg || seg.deletedAt) throw AppError.field('segmentId', 'surveys.segment_not_found');
    audience = seg.kind === 'static' ? 'list' : 'segment';
  } else if (input.customerId) {
    await customerInScope(db, actor, input.customerId, { forWrite: true });
  }
  const active = await db.select({ id: surveySends.id }).from(surveySends).where(sql`${surveySends.surveyId} = ${surveyId} and ${surveySends.status} in ('queued', 'running')`);
  if (active.length) throw AppError.conflict('surveys.send_running');
  const sampleBp = input.sample?.share !== undefined ? Math.round(input.sample.share * 10_000) : null;
  const [row] = await db
    .insert(surveySends)
    .values({
      surveyId,
      status: 'queued',
      heartbeatAt: new Date(),
      requestedBy: actor.userId,
      audience,
      segmentId: input.segmentId ?? null,
      customerIds: input.segmentId ? null : input.customerId ? [input.customerId] : [...new Set(input.customerIds ?? [])],
      channel: input.channel,
      templateId: input.templateId ?? null,
      sampleBp,
      sampleSize: input.sample?.size ?? null,
      seed: input.seed ?? survey.id,
      dryRun: input.dryRun ?? false,
      checkpoint: null,
    })
    .returning();
  await recordAudit(db, actor, { action: 'send', entityType: 'survey', entityId: surveyId, changes: { sendId: row!.id, audience, segmentId: input.segmentId ?? null, channel: input.channel, dryRun: row!.dryRun } });
  return sendView(db, row!);
}

/** A send as the API shows it; a list passes the requesters' names and the sends' message counts read at once. */
async function sendView(db: DbOrTx, r: SendRow, names?: Map<string, string>, counts?: Map<string, SourceCounts>): Promise<SurveySendView> {
  const cp = r.checkpoint ?? EMPTY_CHECKPOINT;
  const messages = r.dryRun ? null : (counts?.get(r.id) ?? (await messageCountsBySource(db, r.id)));
  const blocked: Record<string, number> = { ...cp.blocked };
  // What the outbox suppressed since (withdrawn by a cancel, a customer deleted) joins the reasons counted at enqueueing.
  for (const reason of ['withdrawn', 'customer_deleted'] as const) if (messages?.suppressed[reason]) blocked[reason] = messages.suppressed[reason];
  const who = names ?? (await userNames(db, [r.requestedBy]));
  return {
    id: r.id,
    surveyId: r.surveyId,
    status: r.status,
    progress: r.progress,
    error: r.error,
    audience: r.audience,
    segmentId: r.segmentId,
    customerCount: r.customerIds ? r.customerIds.length : null,
    channel: r.channel,
    templateId: r.templateId,
    sample: r.sampleBp !== null || r.sampleSize !== null ? { share: r.sampleBp !== null ? r.sampleBp / 10_000 : null, size: r.sampleSize } : null,
    dryRun: r.dryRun,
    counts: {
      drawn: cp.drawn,
      sampledOut: cp.sampledOut,
      fatigue: cp.fatigue,
      alreadyInvited: cp.alreadyInvited,
      invited: cp.invited,
      queued: cp.queued,
      blocked,
      delivered: messages?.sent ?? 0,
      failed: messages?.failed ?? 0,
    },
    requestedBy: r.requestedBy ? { id: r.requestedBy, name: who.get(r.requestedBy) ?? '' } : null,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

export async function listSends(db: DbOrTx, actor: Actor | null, surveyId: string): Promise<SurveySendList> {
  requireAccess(actor, 'survey:read');
  await loadSurvey(db, surveyId);
  const rows = await db.select().from(surveySends).where(sql`${surveySends.surveyId} = ${surveyId}`).orderBy(sql`${surveySends.createdAt} desc, ${surveySends.id} desc`).limit(200);
  const names = await userNames(db, rows.map((r) => r.requestedBy));
  const counts = await messageCountsBySources(db, rows.filter((r) => !r.dryRun).map((r) => r.id));
  return { items: await Promise.all(rows.map((r) => sendView(db, r, names, counts))) };
}

async function loadSend(db: DbOrTx, surveyId: string, sendId: string): Promise<SendRow> {
  const [row] = await db.select().from(surveySends).where(sql`${surveySends.id} = ${sendId} and ${surveySends.surveyId} = ${surveyId}`);
  if (!row) throw AppError.notFound('surveys.send_not_found');
  return row;
}

export async function getSend(db: DbOrTx, actor: Actor | null, surveyId: string, sendId: string): Promise<SurveySendView> {
  requireAccess(actor, 'survey:read');
  await loadSurvey(db, surveyId);
  const row = await loadSend(db, surveyId, sendId);
  if (!row.dryRun) await syncDelivered(db, sendId);
  return sendView(db, row);
}

/** Stops a queued or running send (at its next checkpoint) and withdraws what it queued and has not gone out. */
export async function cancelSend(db: DbOrTx, actor: Actor | null, surveyId: string, sendId: string): Promise<SurveySendView> {
  requireAccess(actor, 'survey:manage');
  await loadSurvey(db, surveyId);
  const row = await loadSend(db, surveyId, sendId);
  if (row.status !== 'queued' && row.status !== 'running' && row.status !== 'done') throw AppError.conflict('surveys.send_not_cancellable', { status: row.status });
  if (row.status !== 'done') await sendRuns.requestCancel(db, sendId);
  const withdrawn = await withdrawSend(db, sendId);
  if (row.status === 'done') await db.update(surveySends).set({ status: 'cancelled' }).where(sql`${surveySends.id} = ${sendId}`);
  await recordAudit(db, actor, { action: 'send_cancel', entityType: 'survey', entityId: surveyId, changes: { sendId, withdrawn } });
  return sendView(db, await loadSend(db, surveyId, sendId));
}

// ---- invitations ----------------------------------------------------------------------------------------------------

type InvitationRow = typeof surveyInvitations.$inferSelect & { customerName: string | null; sortValue: string };

function invitationView(r: InvitationRow): SurveyInvitationView {
  return {
    id: r.id,
    customer: r.customerId ? { id: r.customerId, name: r.customerName ?? '' } : null,
    channel: r.channel,
    source: r.source,
    sourceRef: r.sourceRef,
    sendId: r.sendId,
    status: r.status,
    expiresAt: iso(r.expiresAt)!,
    remindersSent: r.remindersSent,
    lastRemindedAt: iso(r.lastRemindedAt),
    sentAt: iso(r.sentAt),
    openedAt: iso(r.openedAt),
    respondedAt: iso(r.respondedAt),
    ticketId: r.ticketId,
    agentId: r.agentId,
    createdAt: iso(r.createdAt)!,
  };
}

export type InvitationQuery = { status?: InvitationStatus; sendId?: string; customerId?: string; cursor?: string; limit: number };

/** Newest first, keyset on (created_at, id); customers outside the caller's scope are left out (anonymous ones shown). */
export async function listInvitations(db: DbOrTx, actor: Actor | null, surveyId: string, q: InvitationQuery): Promise<SurveyInvitationPage> {
  requireAccess(actor, 'survey:read');
  await loadSurvey(db, surveyId);
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const conds = [sql`i.survey_id = ${surveyId}`, sql`(i.customer_id is null or ${customerAccess.filter(actor, sql`i.customer_id`)})`];
  if (q.status) conds.push(sql`i.status = ${q.status}`);
  if (q.sendId) conds.push(sql`i.send_id = ${q.sendId}`);
  if (q.customerId) conds.push(sql`i.customer_id = ${q.customerId}`);
  if (after) conds.push(sql`(i.created_at, i.id) < (${after.value}::timestamptz, ${after.id}::uuid)`);
  const ids = rowsOf<{ id: string; sort_value: string; customer_name: string | null }>(
    await db.execute(sql`
      select i.id, i.created_at::text as sort_value, c.name as customer_name
      from ${surveyInvitations} i left join ${customerDirectory} c on c.id = i.customer_id
      where ${sql.join(conds, sql` and `)}
      order by i.created_at desc, i.id desc limit ${q.limit + 1}`),
  );
  const shown = ids.slice(0, q.limit);
  const full = shown.length ? await db.select().from(surveyInvitations).where(sql`${surveyInvitations.id} = any(${sql.param(shown.map((r) => r.id))}::uuid[])`) : [];
  const byId = new Map(full.map((r) => [r.id, r]));
  const items = shown.map((r) => invitationView({ ...byId.get(r.id)!, customerName: r.customer_name, sortValue: r.sort_value }));
  const last = shown.at(-1);
  return { items, nextCursor: ids.length > q.limit && last ? encodeCursor(last.sort_value, last.id) : null };
}

async function invitationInScope(db: DbOrTx, actor: Actor, surveyId: string, invId: string, lock = false) {
  const query = db.select().from(surveyInvitations).where(sql`${surveyInvitations.id} = ${invId} and ${surveyInvitations.surveyId} = ${surveyId}`);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw AppError.notFound('surveys.invitation_not_found');
  if (row.customerId) await customerInScope(db, actor, row.customerId);
  return row;
}

/** A live invitation is called off: its link answers that it was withdrawn. Answered ones stay. */
export async function withdrawInvitation(db: DbOrTx, actor: Actor | null, surveyId: string, invId: string): Promise<SurveyInvitationView> {
  requireAccess(actor, 'survey:manage');
  await loadSurvey(db, surveyId);
  const row = await invitationInScope(db, actor, surveyId, invId, true);
  if (!['pending', 'sent', 'opened'].includes(row.status)) throw AppError.conflict('surveys.invitation_not_withdrawable', { status: row.status });
  await db.update(surveyInvitations).set({ status: 'withdrawn' }).where(sql`${surveyInvitations.id} = ${invId}`);
  await recordAudit(db, actor, { action: 'invitation_withdraw', entityType: 'survey', entityId: surveyId, changes: { invitationId: invId, status: [row.status, 'withdrawn'] } });
  const names = row.customerId ? rowsOf<{ name: string }>(await db.execute(sql`select name from ${customerDirectory} where id = ${row.customerId}`)) : [];
  return invitationView({ ...row, status: 'withdrawn', customerName: names[0]?.name ?? null, sortValue: '' });
}

/**
 * "Copy link": the signed link of a customer's live invitation to the survey, made now (channel link, status sent) when
 * the customer holds none. Without a customer: an anonymous link, when the survey accepts anonymous answers. The
 * fatigue rule does not apply: someone chose to hand this link out.
 */
export async function createLink(db: DbOrTx, actor: Actor | null, surveyId: string, input: { customerId?: string }, ctx: { now: Date; fallbackUrl: string }): Promise<SurveyLinkView> {
  requireAccess(actor, 'survey:manage');
  const survey = await loadSurvey(db, surveyId, { sendable: true });
  const settings = settingsOf(survey.settings);
  if (!input.customerId && !settings.anonymousAllowed) throw AppError.field('customerId', 'surveys.link_needs_customer');
  if (input.customerId) await customerInScope(db, actor, input.customerId, { forWrite: true });
  const link = await linkMaker(db, ctx.fallbackUrl);
  if (input.customerId) {
    const [live] = await db
      .select()
      .from(surveyInvitations)
      .where(
        sql`${surveyInvitations.surveyId} = ${surveyId} and ${surveyInvitations.customerId} = ${input.customerId}
            and ${surveyInvitations.status} in ('pending', 'sent', 'opened') and ${surveyInvitations.expiresAt} > ${ctx.now.toISOString()}::timestamptz`,
      )
      .orderBy(sql`${surveyInvitations.createdAt} desc`)
      .limit(1);
    if (live) return { invitationId: live.id, link: link(live.id), expiresAt: iso(live.expiresAt)!, reused: true };
  }
  const [row] = await db
    .insert(surveyInvitations)
    .values({
      surveyId,
      versionId: survey.currentVersionId!,
      customerId: input.customerId ?? null,
      channel: 'link',
      source: 'customer',
      status: 'sent',
      sentAt: ctx.now,
      createdAt: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + settings.expiryDays * DAY_MS),
    })
    .returning();
  await recordAudit(db, actor, { action: 'invitation_link', entityType: 'survey', entityId: surveyId, changes: { invitationId: row!.id, customerId: input.customerId ?? null } });
  return { invitationId: row!.id, link: link(row!.id), expiresAt: iso(row!.expiresAt)!, reused: false };
}
