/**
 * Automatic invitations (触发式调查): a survey's triggers invite a customer N days after an event of theirs.
 *
 * - `purchase`: a purchase (transaction type purchase), optionally only with a line of one of `productIds`;
 * - `repair_done`: a purchase with a line of a repair product (its catalogue category names 维修 or repair), or of one
 *   of `productIds` when given;
 * - `ticket_resolved`: a ticket of the customer resolved (no products: `productIds` is refused).
 *
 * Purchases and repairs: the clock (reminders.ts `surveyClock`) looks at events whose delay has passed, at most 30 days
 * back and never before the trigger existed (a new trigger does not invite for the whole history), leaves out
 * customers holding a live or answered invitation to the survey or invited to any survey within its fatigueDays, and
 * writes one invitation per event (source trigger, `source_ref` = `tx:<transaction id>`, unique per survey, so a
 * repeated tick writes nothing twice) and its outbox message (source kind 'survey', id derived from the trigger and
 * the day).
 *
 * Tickets: the tickets module calls `recordTicketInvitations` (registered in src/app.ts with
 * `registerTicketResolvedHook`) inside the resolving transaction. For each active survey with a ticket_resolved
 * trigger (its first one, by creation, when it has several) and under the same rules (live or answered invitation,
 * fatigue, a live customer) it records an invitation: pending, not sent (`sent_at` null), `source_ref` =
 * `ticket:<ticket id>` (unique per survey: a ticket reopened and resolved again is invited once), with the ticket and
 * the agent who served the customer (copied to the response). The clock sends the ones whose delay has passed
 * (`sendTicketInvitations`: its outbox message, `sent_at`, a fresh expiry); reminders count from then. Consent, quiet
 * hours and the weekly cap apply at the outbox, as for the other triggers. A survey whose triggers no longer include
 * ticket_resolved withdraws its unsent ticket invitations.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { stableUuid } from '../../platform/random.js';
import { recordAudit } from '../audit/index.js';
import { customerDirectory } from '../customers/index.js';
import { enqueueBulk, kickSweep, type MessagingRuntime } from '../messages/index.js';
import type { TicketResolvedEvent } from '../tickets/index.js';
import { productCatalogue, transactionLedger, transactionLineLedger } from '../transactions/index.js';
import { checkTemplate, defaultTemplateId, loadSurvey } from './invitations.js';
import { surveyInvitations, surveys, surveyTriggers } from './schema.js';
import { invitedSince, linkMaker, liveOrAnsweredInvitation, settingsOf } from './send.js';
import type { SendChannel, SurveyTriggerList, SurveyTriggerView, TriggerEvent } from './surveys.contract.js';

const DAY_MS = 86_400_000;
const LOOKBACK_DAYS = 30;
const BATCH = 2000;

type TriggerRow = typeof surveyTriggers.$inferSelect;
type SurveyRow = typeof surveys.$inferSelect;

/** A ticket invitation recorded by the resolved hook (the only writer of `ticket_id`) whose message has not gone out. */
const UNSENT_TICKET_INVITATION = sql`${surveyInvitations.source} = 'trigger' and ${surveyInvitations.ticketId} is not null
  and ${surveyInvitations.status} = 'pending' and ${surveyInvitations.sentAt} is null`;
export type TriggerInput = { on: TriggerEvent; delayDays?: number; productIds?: string[]; channel: SendChannel; templateId?: string };

const view = (t: TriggerRow): SurveyTriggerView => ({
  id: t.id,
  on: t.on,
  delayDays: t.delayDays,
  productIds: t.productIds,
  channel: t.channel,
  templateId: t.templateId,
  createdAt: new Date(t.createdAt).toISOString(),
});

export async function listTriggers(db: DbOrTx, actor: Actor | null, surveyId: string): Promise<SurveyTriggerList> {
  requireAccess(actor, 'survey:read');
  await loadSurvey(db, surveyId);
  const rows = await db.select().from(surveyTriggers).where(sql`${surveyTriggers.surveyId} = ${surveyId}`).orderBy(sql`${surveyTriggers.createdAt}, ${surveyTriggers.id}`);
  return { items: rows.map(view) };
}

/** Replaces the survey's triggers. An unchanged trigger keeps its row (and so its start: no new back-fill). */
export async function setTriggers(db: DbOrTx, actor: Actor | null, surveyId: string, items: TriggerInput[], now: Date): Promise<SurveyTriggerList> {
  requireAccess(actor, 'survey:manage');
  await loadSurvey(db, surveyId, { lock: true });
  for (const [i, t] of items.entries()) {
    if (t.on === 'ticket_resolved' && t.productIds?.length) throw AppError.field(`items.${i}.productIds`, 'surveys.trigger_products_ticket');
    await checkTemplate(db, t.templateId, t.channel, `items.${i}.templateId`);
  }
  const existing = await db.select().from(surveyTriggers).where(sql`${surveyTriggers.surveyId} = ${surveyId}`);
  const key = (t: { on: string; delayDays: number; productIds: string[]; channel: string; templateId: string | null }) =>
    JSON.stringify([t.on, t.delayDays, [...t.productIds].sort(), t.channel, t.templateId]);
  const wanted = items.map((t) => ({ on: t.on, delayDays: t.delayDays ?? 0, productIds: [...new Set(t.productIds ?? [])], channel: t.channel, templateId: t.templateId ?? null }));
  const kept = new Set<string>();
  for (const w of wanted) {
    const same = existing.find((e) => !kept.has(e.id) && key(e) === key(w));
    if (same) kept.add(same.id);
    else await db.insert(surveyTriggers).values({ surveyId, ...w, createdBy: actor.userId, createdAt: now });
  }
  const dropped = existing.filter((e) => !kept.has(e.id)).map((e) => e.id);
  if (dropped.length) await db.delete(surveyTriggers).where(sql`${surveyTriggers.id} = any(${sql.param(dropped)}::uuid[])`);
  // No ticket trigger left: the ticket invitations recorded and not sent yet are called off.
  const withdrawn = wanted.some((w) => w.on === 'ticket_resolved')
    ? []
    : await db
        .update(surveyInvitations)
        .set({ status: 'withdrawn' })
        .where(sql`${surveyInvitations.surveyId} = ${surveyId} and ${UNSENT_TICKET_INVITATION}`)
        .returning({ id: surveyInvitations.id });
  const changes = { triggers: wanted, ...(withdrawn.length ? { withdrawnTicketInvitations: withdrawn.length } : {}) };
  await recordAudit(db, actor, { action: 'triggers', entityType: 'survey', entityId: surveyId, changes });
  return listTriggers(db, actor, surveyId);
}

/** A stable source id per (trigger, UTC day): one message per customer and template a day from one trigger. */
function triggerSourceId(triggerId: string, now: Date): string {
  return stableUuid(`survey_trigger:${triggerId}:${now.toISOString().slice(0, 10)}`);
}

/** The events of a trigger that are due and not yet invited, with customers the rules allow. */
async function candidates(db: DbOrTx, t: TriggerRow, survey: typeof surveys.$inferSelect, now: Date): Promise<{ tx_id: string; customer_id: string }[]> {
  const settings = settingsOf(survey.settings);
  const until = new Date(now.getTime() - t.delayDays * DAY_MS);
  const from = new Date(Math.max(new Date(t.createdAt).getTime() - t.delayDays * DAY_MS, until.getTime() - LOOKBACK_DAYS * DAY_MS));
  const fatigueSince = new Date(now.getTime() - settings.fatigueDays * DAY_MS);
  const products = t.productIds.length ? sql`and l.product_id = any(${sql.param(t.productIds)}::uuid[])` : sql``;
  const lines =
    t.on === 'repair_done' && !t.productIds.length
      ? sql`and exists (select 1 from ${transactionLineLedger} l join ${productCatalogue} p on p.id = l.product_id
              where l.transaction_id = t.id and (p.category ilike '%维修%' or p.category ilike '%repair%'))`
      : t.productIds.length
        ? sql`and exists (select 1 from ${transactionLineLedger} l where l.transaction_id = t.id ${products})`
        : sql``;
  return rowsOf<{ tx_id: string; customer_id: string }>(
    await db.execute(sql`
      select t.id as tx_id, t.customer_id from ${transactionLedger} t
      join ${customerDirectory} c on c.id = t.customer_id and c.deleted_at is null
      where t.type = 'purchase' and t.deleted_at is null
        and t.occurred_at > ${from.toISOString()}::timestamptz and t.occurred_at <= ${until.toISOString()}::timestamptz
        ${lines}
        and not exists (select 1 from ${surveyInvitations} i where i.survey_id = ${survey.id} and i.source = 'trigger' and i.source_ref = 'tx:' || t.id::text)
        and not ${liveOrAnsweredInvitation(survey.id, sql`t.customer_id`, now)}
        and (${settings.fatigueDays} = 0 or not ${invitedSince(sql`t.customer_id`, fatigueSince)})
      order by t.occurred_at, t.id limit ${BATCH}`),
  );
}

/** Fires every trigger of every active survey once (the clock). Returns the invitations written. */
export async function runTriggers(db: Db, rt: MessagingRuntime, actor: Actor, log?: (line: string) => void): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select t.id from ${surveyTriggers} t join ${surveys} s on s.id = t.survey_id
      where s.status = 'active' and s.deleted_at is null and t."on" <> 'ticket_resolved' order by t.created_at, t.id`),
  );
  let written = 0;
  for (const { id } of rows) {
    try {
      written += await fireTrigger(db, id, rt, actor);
    } catch (err) {
      log?.(`survey trigger ${id}: ${(err as Error).message}`);
    }
  }
  written += await sendTicketInvitations(db, rt, actor, log);
  if (written) kickSweep(rt);
  return written;
}

async function fireTrigger(db: Db, triggerId: string, rt: MessagingRuntime, actor: Actor): Promise<number> {
  const now = rt.now();
  return db.transaction(async (tx) => {
    const [t] = await tx.select().from(surveyTriggers).where(sql`${surveyTriggers.id} = ${triggerId}`);
    if (!t) return 0;
    const [survey] = await tx.select().from(surveys).where(sql`${surveys.id} = ${t.surveyId}`).for('update');
    if (!survey || survey.status !== 'active') return 0;
    const seen = new Set<string>();
    const due = (await candidates(tx, t, survey, now)).filter((c) => !seen.has(c.customer_id) && seen.add(c.customer_id));
    if (!due.length) return 0;
    const settings = settingsOf(survey.settings);
    const inserted = await bulkInsert<typeof surveyInvitations, { id: string; customerId: string }>(
      tx,
      surveyInvitations,
      due.map((c) => ({
        surveyId: survey.id,
        versionId: survey.currentVersionId!,
        customerId: c.customer_id,
        channel: t.channel,
        source: 'trigger' as const,
        sourceRef: `tx:${c.tx_id}`,
        expiresAt: new Date(now.getTime() + settings.expiryDays * DAY_MS),
        sentAt: now,
        createdAt: now,
      })),
      { onConflictDoNothing: true, returning: ['id', 'customerId'] },
    );
    if (!inserted.length) return 0;
    await enqueueInvitations(tx, t, inserted, rt, actor, now);
    return inserted.length;
  });
}

/** The outbox messages of a trigger's invitations (source kind 'survey', one source id per trigger and day). */
async function enqueueInvitations(tx: DbOrTx, t: TriggerRow, invited: { id: string; customerId: string }[], rt: MessagingRuntime, actor: Actor, now: Date): Promise<void> {
  const link = await linkMaker(tx, rt.fallbackUrl);
  await enqueueBulk(
    tx,
    {
      sourceKind: 'survey',
      sourceId: triggerSourceId(t.id, now),
      templateId: t.templateId ?? (await defaultTemplateId(tx, actor, t.channel)),
      customerIds: invited.map((r) => r.customerId),
      variables: new Map(invited.map((r) => [r.customerId, { surveyLink: link(r.id) }])),
      createdBy: null,
      now,
    },
    rt,
  );
}

// ---- ticket_resolved -------------------------------------------------------------------------------------------------

/**
 * The tickets module's resolved hook (inside the resolving transaction): one pending, unsent invitation per active
 * survey with a ticket_resolved trigger, when the rules allow (see the head of this file). Sent by the clock.
 */
export async function recordTicketInvitations(db: DbOrTx, e: TicketResolvedEvent): Promise<void> {
  const now = e.resolvedAt;
  const targets = rowsOf<{ survey_id: string; version_id: string; settings: SurveyRow['settings']; channel: SendChannel; delay_days: number }>(
    await db.execute(sql`
      select distinct on (s.id) s.id as survey_id, s.current_version_id as version_id, s.settings, t.channel, t.delay_days
      from ${surveyTriggers} t join ${surveys} s on s.id = t.survey_id
      where t."on" = 'ticket_resolved' and s.status = 'active' and s.deleted_at is null and s.current_version_id is not null
        and exists (select 1 from ${customerDirectory} c where c.id = ${e.customerId} and c.deleted_at is null)
        and not ${liveOrAnsweredInvitation(sql`s.id`, sql`${e.customerId}`, now)}
      order by s.id, t.created_at, t.id`),
  );
  // One survey after the other: an invitation written for one counts for the next one's fatigue rule.
  for (const target of targets) {
    const settings = settingsOf(target.settings);
    if (settings.fatigueDays > 0) {
      const since = new Date(now.getTime() - settings.fatigueDays * DAY_MS);
      const [recent] = rowsOf<{ invited: boolean }>(await db.execute(sql`select ${invitedSince(sql`${e.customerId}`, since)} as invited`));
      if (recent?.invited) continue;
    }
    await db
      .insert(surveyInvitations)
      .values({
        surveyId: target.survey_id,
        versionId: target.version_id,
        customerId: e.customerId,
        channel: target.channel,
        source: 'trigger',
        sourceRef: `ticket:${e.ticketId}`,
        status: 'pending',
        // Sent after the delay, then valid for expiryDays from the sending (the clock sets both).
        expiresAt: new Date(now.getTime() + (target.delay_days + settings.expiryDays) * DAY_MS),
        createdAt: now,
        ticketId: e.ticketId,
        agentId: e.agentId,
      })
      .onConflictDoNothing();
  }
}

/** The clock's part: each active survey's recorded ticket invitations whose delay has passed get their message. */
async function sendTicketInvitations(db: Db, rt: MessagingRuntime, actor: Actor, log?: (line: string) => void): Promise<number> {
  const triggers = rowsOf<{ id: string }>(
    await db.execute(sql`select distinct on (t.survey_id) t.id from ${surveyTriggers} t join ${surveys} s on s.id = t.survey_id
      where s.status = 'active' and s.deleted_at is null and t."on" = 'ticket_resolved' order by t.survey_id, t.created_at, t.id`),
  );
  let sent = 0;
  for (const { id } of triggers) {
    try {
      sent += await sendTicketTrigger(db, id, rt, actor);
    } catch (err) {
      log?.(`survey ticket trigger ${id}: ${(err as Error).message}`);
    }
  }
  return sent;
}

async function sendTicketTrigger(db: Db, triggerId: string, rt: MessagingRuntime, actor: Actor): Promise<number> {
  const now = rt.now();
  return db.transaction(async (tx) => {
    const [t] = await tx.select().from(surveyTriggers).where(sql`${surveyTriggers.id} = ${triggerId}`);
    if (!t) return 0;
    const [survey] = await tx.select().from(surveys).where(sql`${surveys.id} = ${t.surveyId}`).for('update');
    if (!survey || survey.status !== 'active' || survey.deletedAt) return 0;
    const settings = settingsOf(survey.settings);
    const dueBefore = new Date(now.getTime() - t.delayDays * DAY_MS);
    const due = rowsOf<{ id: string; customer_id: string }>(
      await tx.execute(sql`
        select i.id, i.customer_id from ${surveyInvitations} i
        where i.survey_id = ${survey.id} and i.source = 'trigger' and i.ticket_id is not null and i.status = 'pending'
          and i.sent_at is null and i.customer_id is not null
          and i.created_at <= ${dueBefore.toISOString()}::timestamptz and i.expires_at > ${now.toISOString()}::timestamptz
        order by i.created_at, i.id limit ${BATCH}
        for update of i skip locked`),
    );
    if (!due.length) return 0;
    await tx
      .update(surveyInvitations)
      .set({ channel: t.channel, sentAt: now, expiresAt: new Date(now.getTime() + settings.expiryDays * DAY_MS) })
      .where(sql`${surveyInvitations.id} = any(${sql.param(due.map((d) => d.id))}::uuid[])`);
    await enqueueInvitations(tx, t, due.map((d) => ({ id: d.id, customerId: d.customer_id })), rt, actor, now);
    return due.length;
  });
}
