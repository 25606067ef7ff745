/**
 * Sending a survey: a durable run (`platform/runs`) over `survey_sends`, in four phases walked in customer-id order in
 * short transactions, each saving its checkpoint in the same transaction (a resume continues after the last committed
 * slice; the campaign launch, campaigns/launch.ts, is the model):
 *
 * 1. **draw** — the audience: the segment's or static list's current members (`segment_member_ledger`), or the given
 *    customers, within the sender's data scope and not deleted, each with its rank: the first 64 bits of
 *    HMAC-SHA256(send seed, customer id) (`survey_send_members`).
 * 2. **sample** — a share p keeps exactly ⌊p·N⌋ members, a size n keeps min(n, N): those of lowest rank. The seed is
 *    the survey's id unless given, so the same audience and sample always draw the same customers.
 * 3. **invite** — each sampled member is skipped when already holding a live or answered invitation to this survey
 *    (`already_invited`), or invited to any survey within this survey's fatigueDays (`fatigue`); the others get an
 *    invitation (channel, expiry after expiryDays, `send_id`), unique per (send, customer). A dry run counts only.
 * 4. **send** — one outbox message per invitation through `enqueueBulk` (source 'survey', id = the send's id), the
 *    template's `{{surveyLink}}` filled with the invitation's signed link: consent, quiet hours and the weekly cap apply
 *    and the counts blocked by each rule are kept on the run.
 *
 * A cancelled send withdraws its messages not yet sent and its invitations not yet delivered (`withdrawSend`).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import { isConnectionLost, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import type { SliceSizer } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { keyedRank } from '../../platform/random.js';
import { DurableRuns, perCustomerSizer, runSlice, type RunHandle } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import { createTemplate, enqueueBulk, kickSweep, listMessageTemplates, messageFacts, publicBaseUrl, signingSecret, withdrawBySource, type MessagingRuntime } from '../messages/index.js';
import { segmentMemberLedger } from '../segments/index.js';
import { surveyInvitations, surveys, surveySendMembers, surveySends, type SendCheckpoint } from './schema.js';
import { DEFAULT_SURVEY_SETTINGS, type SendChannel, type SurveySettings } from './surveys.contract.js';
import { signToken } from './token.js';

export const SURVEY_SEND_QUEUE = 'surveys.send';
export const sendRuns = new DurableRuns<SendCheckpoint>(surveySends, { staleSeconds: 60 });
export type SendRow = typeof surveySends.$inferSelect;
const DAY_MS = 86_400_000;

export const EMPTY_CHECKPOINT: SendCheckpoint = { phase: 'draw', after: null, drawn: 0, sampledOut: 0, fatigue: 0, alreadyInvited: 0, invited: 0, queued: 0, blocked: {} };

/**
 * The customer (an outer query's column or a parameter) already holds an invitation to the survey that is answered, or
 * live at `now` (pending, sent or opened, not expired): they are not invited to it again.
 */
export const liveOrAnsweredInvitation = (surveyId: string | SQL, customerId: SQL, now: Date): SQL =>
  sql`exists (select 1 from ${surveyInvitations} i where i.survey_id = ${surveyId} and i.customer_id = ${customerId}
        and (i.status = 'responded' or (i.status in ('pending', 'sent', 'opened') and i.expires_at > ${now.toISOString()}::timestamptz)))`;

/** The customer (an outer query's column or a parameter) was invited by any survey after `since` (withdrawn ones aside): the fatigue rule. */
export const invitedSince = (customerId: SQL, since: Date): SQL =>
  sql`exists (select 1 from ${surveyInvitations} i where i.customer_id = ${customerId}
        and i.status <> 'withdrawn' and i.created_at > ${since.toISOString()}::timestamptz)`;

/** How many of N drawn a sample keeps: ⌊p·N⌋ for a share (basis points, exact integer arithmetic), min(n, N) for a size. */
export function sampleQuota(n: number, sample: { bp: number | null; size: number | null }): number {
  if (sample.bp !== null) return Math.floor((n * sample.bp) / 10_000);
  if (sample.size !== null) return Math.min(sample.size, n);
  return n;
}

/** The public link of an invitation: `<base>/s/v/<signed token>` (the base as `publicBaseUrl` gives it: no trailing slash). */
export const invitationLink = (base: string, secret: Buffer, invitationId: string) => `${base}/s/v/${signToken(secret, invitationId)}`;

export const settingsOf = (s: Partial<SurveySettings> | null | undefined): SurveySettings => ({ ...DEFAULT_SURVEY_SETTINGS, ...(s ?? {}) });

/** Signed links of many invitations at once: the base URL and the key read once. */
export async function linkMaker(db: DbOrTx, fallbackUrl: string): Promise<(invitationId: string) => string> {
  const base = await publicBaseUrl(db, fallbackUrl);
  const secret = await signingSecret(db);
  return (id) => invitationLink(base, secret, id);
}

/** Invitations of a send whose message was delivered: pending → sent. */
export async function syncDelivered(db: DbOrTx, sendId: string): Promise<void> {
  await db.execute(sql`
    update ${surveyInvitations} i set status = 'sent'
    where i.send_id = ${sendId} and i.status = 'pending' and ${messageFacts.sentTo(sendId, sql`i.customer_id`)}`);
}

/** A cancelled send: its queued messages are withdrawn, and its invitations whose message never went out with them. */
export async function withdrawSend(db: DbOrTx, sendId: string): Promise<number> {
  const n = await withdrawBySource(db, sendId);
  await syncDelivered(db, sendId);
  await db.execute(sql`update ${surveyInvitations} set status = 'withdrawn' where send_id = ${sendId} and status = 'pending'`);
  return n;
}

/** The built-in invitation texts, one template per channel (created on first use, editable like any template). */
export const DEFAULT_TEMPLATES: Record<SendChannel, { name: string; subjectZh: string | null; subjectEn: string | null; bodyZh: string; bodyEn: string }> = {
  sms: {
    name: '满意度调查邀请（短信）',
    subjectZh: null,
    subjectEn: null,
    bodyZh: '【{{company}}】{{name}}您好，诚邀您参与满意度调查：{{surveyLink}}',
    bodyEn: '[{{company}}] Dear {{name}}, please tell us how we did: {{surveyLink}}',
  },
  email: {
    name: '满意度调查邀请（邮件）',
    subjectZh: '{{company}}诚邀您参与满意度调查',
    subjectEn: '{{company}} would like your opinion',
    bodyZh: '{{name}}您好：\n\n感谢您一直以来的支持。请花两分钟参与我们的满意度调查：\n{{surveyLink}}\n\n{{company}}',
    bodyEn: 'Dear {{name}},\n\nThank you for your custom. Please take two minutes to tell us how we did:\n{{surveyLink}}\n\n{{company}}',
  },
  wechat: {
    name: '满意度调查邀请（微信）',
    subjectZh: null,
    subjectEn: null,
    bodyZh: '{{name}}您好，诚邀您参与{{company}}满意度调查：{{surveyLink}}',
    bodyEn: 'Dear {{name}}, please take part in the {{company}} satisfaction survey: {{surveyLink}}',
  },
};

/** The channel's built-in invitation template: the live template of that name, else created now (category care). */
export async function defaultTemplateId(db: DbOrTx, actor: Actor, channel: SendChannel): Promise<string> {
  const d = DEFAULT_TEMPLATES[channel];
  const { items } = await listMessageTemplates(db, actor, { archived: 'exclude', channel });
  const found = items.find((t) => t.name === d.name);
  if (found) return found.id;
  const created = await createTemplate(db, actor, { name: d.name, channel, category: 'care', subjectZh: d.subjectZh, subjectEn: d.subjectEn, bodyZh: d.bodyZh, bodyEn: d.bodyEn });
  return created.id;
}

export async function unfinishedSendIds(db: DbOrTx): Promise<string[]> {
  return sendRuns.unfinished(db);
}

export type SendDeps = {
  messaging: MessagingRuntime;
  resolveActor: (userId: string) => Promise<Actor | null>;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export async function executeSend(db: Db, sendId: string, deps: SendDeps): Promise<SendRow> {
  try {
    const outcome = await sendRuns.execute(db, sendId, (run) => performSend(db, run, deps), { signal: deps.signal });
    if (outcome === 'cancelled') await db.transaction((tx) => withdrawSend(tx, sendId));
    kickSweep(deps.messaging); // the outbox sends what the run queued
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    deps.log?.(`survey send ${sendId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [row] = await db.select().from(surveySends).where(sql`${surveySends.id} = ${sendId}`);
  if (!row) throw AppError.notFound('surveys.send_not_found');
  return row;
}

type Ctx = { db: Db; run: RunHandle<SendCheckpoint>; send: SendRow; survey: typeof surveys.$inferSelect; actor: Actor; deps: SendDeps; sizer: SliceSizer; now: Date };
type SetCp = (cp: SendCheckpoint) => void;

async function performSend(db: Db, run: RunHandle<SendCheckpoint>, deps: SendDeps): Promise<void> {
  const [send] = await db.select().from(surveySends).where(sql`${surveySends.id} = ${run.id}`);
  const [survey] = send ? await db.select().from(surveys).where(sql`${surveys.id} = ${send.surveyId}`) : [];
  if (!send || !survey) throw AppError.notFound('surveys.send_not_found');
  const actor = send.requestedBy ? await deps.resolveActor(send.requestedBy) : null;
  if (!actor) throw new Error('the user who sent the survey can no longer act');
  const sizer = perCustomerSizer(db);
  const ctx: Ctx = { db, run, send, survey, actor, deps, sizer, now: deps.messaging.now() };
  let cp: SendCheckpoint = run.resumeFrom ?? EMPTY_CHECKPOINT;
  const set: SetCp = (next) => (cp = next);
  if (cp.phase === 'draw' && !(await draw(ctx, cp, set))) return;
  if (cp.phase === 'sample' && !(await sample(ctx, cp, set))) return;
  if (cp.phase === 'invite' && !(await invite(ctx, cp, set))) return;
  if (cp.phase === 'send' && !(await sendMessages(ctx, cp, set))) return;
  const counts = { drawn: cp.drawn, sampledOut: cp.sampledOut, fatigue: cp.fatigue, alreadyInvited: cp.alreadyInvited, invited: cp.invited, queued: cp.queued, blocked: cp.blocked };
  await db.transaction(async (tx) => {
    await tx.update(surveySends).set({ details: counts }).where(sql`${surveySends.id} = ${run.id}`);
    await recordAudit(tx, actor, { action: send.dryRun ? 'send_dry_run' : 'send_done', entityType: 'survey', entityId: survey.id, changes: { sendId: send.id, ...counts } });
    await run.finish(tx, { progress: { phase: 'done', done: cp.drawn, total: cp.drawn }, checkpoint: { ...cp, phase: 'done' } });
  });
}

/** One slice (platform runSlice): the work and its checkpoint in one transaction. False when the run must stop (cancel, stop). */
function slice(ctx: Ctx, work: (tx: DbOrTx, size: number) => Promise<{ next: SendCheckpoint; done: number; total: number }>, set: SetCp): Promise<boolean> {
  return runSlice(
    ctx.db,
    ctx.run,
    ctx.sizer,
    async (tx, size) => {
      const { next, done, total } = await work(tx, size);
      return { next, progress: { phase: next.phase, done, total } };
    },
    set,
  );
}

async function draw(ctx: Ctx, start: SendCheckpoint, set: SetCp): Promise<boolean> {
  const { send, actor } = ctx;
  let cp = start;
  for (;;) {
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const after = cp.after ? sql`and c.id > ${cp.after}` : sql``;
        const rows = rowsOf<{ id: string }>(
          send.audience === 'customers'
            ? await tx.execute(sql`
                select c.id from ${customerDirectory} c
                where c.id = any(${sql.param(send.customerIds ?? [])}::uuid[]) and c.deleted_at is null ${after} and ${customerAccess.where(actor, 'c')}
                order by c.id limit ${size}`)
            : await tx.execute(sql`
                select l.customer_id as id from ${segmentMemberLedger} l
                join ${customerDirectory} c on c.id = l.customer_id and c.deleted_at is null
                where l.segment_id = ${send.segmentId} and l.exited_at is null
                  ${cp.after ? sql`and l.customer_id > ${cp.after}` : sql``} ${after} and ${customerAccess.where(actor, 'c')}
                order by l.customer_id limit ${size}`),
        );
        await bulkInsert(
          tx,
          surveySendMembers,
          rows.map((r) => ({ sendId: send.id, customerId: r.id, rank: keyedRank(send.seed, r.id) })),
          { onConflictDoNothing: true },
        );
        const drawn = cp.drawn + rows.length;
        const next: SendCheckpoint = rows.length < size ? { ...cp, phase: 'sample', after: null, drawn } : { ...cp, after: rows[rows.length - 1]!.id, drawn };
        return { next, done: drawn, total: 0 };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
    if (cp.phase !== 'draw') return true;
  }
}

/** The members past the quota (by rank, then id) are sampled out, in one update. */
async function sample(ctx: Ctx, start: SendCheckpoint, set: SetCp): Promise<boolean> {
  const { send } = ctx;
  return slice(
    ctx,
    async (tx) => {
      const keep = sampleQuota(start.drawn, { bp: send.sampleBp, size: send.sampleSize });
      let sampledOut = 0;
      if (keep < start.drawn) {
        const rows = rowsOf<{ n: number }>(
          await tx.execute(sql`
            with out as (
              select customer_id from ${surveySendMembers} where send_id = ${send.id}
              order by rank collate "C", customer_id offset ${keep})
            , upd as (update ${surveySendMembers} m set outcome = 'sampled_out' from out
                where m.send_id = ${send.id} and m.customer_id = out.customer_id returning 1)
            select count(*)::int as n from upd`),
        );
        sampledOut = Number(rows[0]?.n ?? 0);
      }
      return { next: { ...start, phase: 'invite', after: null, sampledOut }, done: start.drawn, total: start.drawn };
    },
    (next) => set(next),
  );
}

async function invite(ctx: Ctx, start: SendCheckpoint, set: SetCp): Promise<boolean> {
  const { send, survey, now } = ctx;
  const settings = settingsOf(survey.settings);
  const fatigueSince = new Date(now.getTime() - settings.fatigueDays * DAY_MS);
  const expiresAt = new Date(now.getTime() + settings.expiryDays * DAY_MS);
  const source = send.audience === 'customers' ? 'customer' : send.audience;
  const invitedOutcome = send.dryRun ? 'would_invite' : 'invited';
  const total = start.drawn - start.sampledOut;
  let cp = start;
  for (;;) {
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const rows = rowsOf<{ id: string; outcome: string }>(
          await tx.execute(sql`
            with m as (
              select customer_id from ${surveySendMembers}
              where send_id = ${send.id} and outcome = 'drawn' ${cp.after ? sql`and customer_id > ${cp.after}` : sql``}
              order by customer_id limit ${size}),
            cls as (
              select m.customer_id, case
                when ${liveOrAnsweredInvitation(survey.id, sql`m.customer_id`, now)} then 'already_invited'
                when ${settings.fatigueDays} > 0 and ${invitedSince(sql`m.customer_id`, fatigueSince)} then 'fatigue'
                else ${invitedOutcome} end as outcome
              from m)
            update ${surveySendMembers} s set outcome = cls.outcome from cls
            where s.send_id = ${send.id} and s.customer_id = cls.customer_id
            returning s.customer_id as id, s.outcome`),
        );
        const invited = rows.filter((r) => r.outcome === 'invited').map((r) => r.id);
        await bulkInsert(
          tx,
          surveyInvitations,
          invited.map((customerId) => ({ surveyId: survey.id, versionId: survey.currentVersionId!, customerId, channel: send.channel, source, sourceRef: send.segmentId, sendId: send.id, expiresAt, createdAt: now })),
          { onConflictDoNothing: true },
        );
        const count = (o: string) => rows.filter((r) => r.outcome === o).length;
        const last = rows.map((r) => r.id).sort().at(-1) ?? null;
        const tallied = {
          ...cp,
          fatigue: cp.fatigue + count('fatigue'),
          alreadyInvited: cp.alreadyInvited + count('already_invited'),
          invited: cp.invited + count(invitedOutcome),
        };
        const finished = rows.length < size;
        const next: SendCheckpoint = finished ? { ...tallied, phase: send.dryRun ? 'done' : 'send', after: null } : { ...tallied, after: last };
        return { next, done: next.fatigue + next.alreadyInvited + next.invited, total };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
    if (cp.phase !== 'invite') return true;
  }
}

async function sendMessages(ctx: Ctx, start: SendCheckpoint, set: SetCp): Promise<boolean> {
  const { send, now, deps } = ctx;
  const templateId = send.templateId ?? (await ctx.db.transaction((tx) => defaultTemplateId(tx, ctx.actor, send.channel)));
  const link = await linkMaker(ctx.db, deps.messaging.fallbackUrl);
  let cp = start;
  for (;;) {
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const rows = rowsOf<{ customer_id: string; id: string }>(
          await tx.execute(sql`
            select i.customer_id, i.id from ${surveyInvitations} i
            where i.send_id = ${send.id} and i.status = 'pending' ${cp.after ? sql`and i.customer_id > ${cp.after}` : sql``}
            order by i.customer_id limit ${size}`),
        );
        let queued = 0;
        const blocked = { ...cp.blocked };
        if (rows.length) {
          const variables = new Map(rows.map((r) => [r.customer_id, { surveyLink: link(r.id) }]));
          const r = await enqueueBulk(
            tx,
            { sourceKind: 'survey', sourceId: send.id, templateId, customerIds: rows.map((x) => x.customer_id), variables, createdBy: ctx.actor.userId, now },
            deps.messaging,
          );
          queued = r.queued;
          for (const [reason, n] of Object.entries({ ...r.suppressed, no_recipient: r.noRecipient })) if (n) blocked[reason] = (blocked[reason] ?? 0) + n;
          await tx.execute(sql`
            update ${surveyInvitations} set sent_at = ${now.toISOString()}::timestamptz
            where send_id = ${send.id} and customer_id = any(${sql.param(rows.map((x) => x.customer_id))}::uuid[]) and sent_at is null`);
        }
        const after = rows.at(-1)?.customer_id ?? null;
        const next: SendCheckpoint = rows.length < size ? { ...cp, phase: 'done', after: null, queued: cp.queued + queued, blocked } : { ...cp, after, queued: cp.queued + queued, blocked };
        return { next, done: next.queued + Object.values(blocked).reduce((a, b) => a + b, 0), total: cp.invited };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
    if (cp.phase !== 'send') return true;
  }
}
