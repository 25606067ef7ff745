/**
 * Reminders to non-responders: an invitation gets one when it is not answered (pending, sent or opened), not expired
 * nor withdrawn, its message went to the outbox (`sent_at`), it has had fewer than the survey's maxReminders, and
 * reminderAfterDays have passed since its last message (the invitation or the previous reminder). Each reminder is an
 * outbox message (source kind 'survey_reminder') through the same template as the invitation (the built-in one of the
 * channel for links of a trigger), so consent, quiet hours and the weekly cap apply. The source id of a reminder is
 * derived from (send or survey, round): the outbox writes one message per (source, customer, template), so a repeated
 * round writes nothing twice, and `messageCountsBySource` gives each round's figures.
 *
 * `surveyClock` (every few minutes in each server, src/app.ts): invitations past their expiry become expired,
 * delivered ones become sent, every active survey's due reminders go out, and the triggers fire (triggers.ts).
 */
import { sql } from 'drizzle-orm';
import { requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { stableUuid } from '../../platform/random.js';
import { recordAudit } from '../audit/index.js';
import { enqueueBulk, kickSweep, type MessagingRuntime } from '../messages/index.js';
import { defaultTemplateId, loadSurvey } from './invitations.js';
import { surveyInvitations, surveys, surveySends } from './schema.js';
import { linkMaker, settingsOf, syncDelivered } from './send.js';
import type { ReminderResult, SendChannel } from './surveys.contract.js';
import { runTriggers } from './triggers.js';

const DAY_MS = 86_400_000;
const BATCH = 2000;

/** A stable id for a round of reminders of a send (or of a survey's invitations without a send). */
export function reminderSourceId(key: string, round: number): string {
  return stableUuid(`survey_reminder:${key}:${round}`);
}

type Due = { id: string; customer_id: string; channel: SendChannel; send_id: string | null; template_id: string | null; round: number };

/** One survey's due reminders, in batches of their own transactions. */
export async function remindSurvey(db: Db, surveyId: string, rt: MessagingRuntime, actor: Actor): Promise<ReminderResult> {
  const result: ReminderResult = { eligible: 0, queued: 0, blocked: {} };
  const survey = await loadSurvey(db, surveyId);
  if (survey.status !== 'active') return result;
  const settings = settingsOf(survey.settings);
  if (settings.maxReminders <= 0) return result;
  const now = rt.now();
  const dueBefore = new Date(now.getTime() - settings.reminderAfterDays * DAY_MS);
  const link = await linkMaker(db, rt.fallbackUrl);
  const templates = new Map<string, string>();
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const due = rowsOf<Due>(
        await tx.execute(sql`
          select i.id, i.customer_id, i.channel, i.send_id, s.template_id, i.reminders_sent + 1 as round
          from ${surveyInvitations} i left join ${surveySends} s on s.id = i.send_id
          where i.survey_id = ${surveyId} and i.status in ('pending', 'sent', 'opened') and i.customer_id is not null
            and i.channel in ('sms', 'email', 'wechat') and i.sent_at is not null
            and i.expires_at > ${now.toISOString()}::timestamptz and i.reminders_sent < ${settings.maxReminders}
            and coalesce(i.last_reminded_at, i.sent_at) <= ${dueBefore.toISOString()}::timestamptz
          order by i.id limit ${BATCH}
          for update of i skip locked`),
      );
      // One enqueue per (template, send or survey, round).
      const groups = new Map<string, { templateId: string; sourceKey: string; round: number; rows: Due[] }>();
      for (const d of due) {
        let templateId = d.template_id;
        if (!templateId) {
          templateId = templates.get(d.channel) ?? (await defaultTemplateId(tx, actor, d.channel));
          templates.set(d.channel, templateId);
        }
        const sourceKey = d.send_id ?? surveyId;
        const key = `${templateId}|${sourceKey}|${d.round}`;
        const group = groups.get(key);
        if (group) group.rows.push(d);
        else groups.set(key, { templateId, sourceKey, round: Number(d.round), rows: [d] });
      }
      for (const { templateId, sourceKey, round, rows } of groups.values()) {
        const r = await enqueueBulk(
          tx,
          {
            sourceKind: 'survey_reminder',
            sourceId: reminderSourceId(sourceKey, round),
            templateId,
            customerIds: rows.map((x) => x.customer_id),
            variables: new Map(rows.map((x) => [x.customer_id, { surveyLink: link(x.id) }])),
            createdBy: actor.userId,
            now,
          },
          rt,
        );
        result.queued += r.queued;
        for (const [reason, k] of Object.entries({ ...r.suppressed, no_recipient: r.noRecipient })) if (k) result.blocked[reason] = (result.blocked[reason] ?? 0) + k;
      }
      if (due.length) {
        await tx.execute(sql`
          update ${surveyInvitations} set reminders_sent = reminders_sent + 1, last_reminded_at = ${now.toISOString()}::timestamptz
          where id = any(${sql.param(due.map((d) => d.id))}::uuid[])`);
      }
      result.eligible += due.length;
      return due.length;
    });
    await yieldToEventLoop();
    if (n < BATCH) break;
  }
  if (result.eligible) {
    await recordAudit(db, actor, { action: 'remind', entityType: 'survey', entityId: surveyId, changes: { ...result } });
    kickSweep(rt);
  }
  return result;
}

/** POST /surveys/:id/reminders: the due reminders of one survey, now. */
export async function remindNow(db: Db, actor: Actor | null, surveyId: string, rt: MessagingRuntime): Promise<ReminderResult> {
  requireAccess(actor, 'survey:manage');
  await loadSurvey(db, surveyId, { sendable: true });
  return remindSurvey(db, surveyId, rt, actor);
}

/** Invitations past their expiry (not answered nor withdrawn) become expired. */
export async function expireInvitations(db: DbOrTx, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${surveyInvitations} set status = 'expired'
      where status in ('pending', 'sent', 'opened') and expires_at <= ${now.toISOString()}::timestamptz returning id`),
  );
  return rows.length;
}

/** Delivered invitation messages: pending → sent, for every send with pending invitations. */
export async function syncAllDelivered(db: DbOrTx): Promise<void> {
  const sends = rowsOf<{ send_id: string }>(await db.execute(sql`select distinct send_id from ${surveyInvitations} where status = 'pending' and send_id is not null`));
  for (const s of sends) await syncDelivered(db, s.send_id);
}

/** The periodic work of surveys: expiry, delivery status, reminders of every active survey, triggers. */
export async function surveyClock(db: Db, rt: MessagingRuntime, log?: (line: string) => void): Promise<void> {
  const now = rt.now();
  const actor = systemActor('system');
  await expireInvitations(db, now);
  await syncAllDelivered(db);
  const active = rowsOf<{ id: string }>(await db.execute(sql`select id from ${surveys} where status = 'active' and deleted_at is null order by id`));
  for (const s of active) {
    try {
      await remindSurvey(db, s.id, rt, actor);
    } catch (err) {
      log?.(`survey reminders ${s.id}: ${(err as Error).message}`);
    }
  }
  await runTriggers(db, rt, actor, log);
}
