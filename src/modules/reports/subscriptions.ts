/**
 * 报表订阅 (issue #17): reports emailed after each complete week or month, through the outbox (messages module:
 * `enqueueStaffEmail`), so every send is retried with backoff and its state is the outbox's. The send history is the
 * deliveries with their emails' states.
 *
 * The schedule (`runReportSchedule`, the reports clock every ten minutes): for each active subscription, the last
 * complete period (so a new subscription gets the latest report at the next tick, then one each period) — last week (Monday to Sunday) or last month, company time — gets one delivery (a unique index on
 * the subscription and period: two processes never send it twice) and one email per recipient, in one transaction.
 * The files are made when each email is sent (`reportAttachments`, registered with the messages module as the
 * attachments of source kind `report`), as the subscription's owner sees the report; a retry makes them again.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { dataScopeOf } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import { enqueueStaffEmail, messageStatuses, type MessageAttachment } from '../messages/index.js';
import { companyClock } from '../settings/index.js';
import { changePercent, formatFigure } from './format.js';
import type { ReportCadence, ReportDeliveryList, ReportFormat, ReportKind, ReportSubscriptionList, ReportSubscriptionView } from './reports.contract.js';
import { reportPdf } from './reports.pdf.js';
import { generateReport, lastCompletePeriod } from './reports.service.js';
import { reportWorkbook } from './reports.xlsx.js';
import { reportDeliveries, reportSubscriptions } from './schema.js';

export const ATTACHMENT_KIND = 'report';


/** Sees every subscription with a data scope of `all`; otherwise only their own. */
const visible = (actor: Actor) => (dataScopeOf(actor).kind === 'all' ? undefined : eq(reportSubscriptions.ownerId, actor.userId ?? '00000000-0000-0000-0000-000000000000'));

async function views(db: DbOrTx, where: ReturnType<typeof and>): Promise<ReportSubscriptionView[]> {
  const rows = await db
    .select({ s: reportSubscriptions, ownerName: userDirectory.displayName })
    .from(reportSubscriptions)
    .leftJoin(userDirectory, eq(userDirectory.id, reportSubscriptions.ownerId))
    .where(and(isNull(reportSubscriptions.deletedAt), where))
    .orderBy(desc(reportSubscriptions.createdAt), reportSubscriptions.id);
  return rows.map(({ s, ownerName }) => ({
    id: s.id,
    kind: s.kind,
    cadence: s.cadence,
    format: s.format,
    recipients: s.recipients,
    owner: { id: s.ownerId, name: ownerName ?? '' },
    active: s.active,
    createdAt: s.createdAt.toISOString(),
  }));
}

export async function listSubscriptions(db: DbOrTx, actor: Actor | null): Promise<ReportSubscriptionList> {
  requireAccess(actor, 'report:read');
  return { items: await views(db, and(visible(actor))) };
}

async function loadVisible(db: DbOrTx, actor: Actor, id: string): Promise<ReportSubscriptionView> {
  const [v] = await views(db, and(eq(reportSubscriptions.id, id), visible(actor)));
  if (!v) throw AppError.notFound('reports.subscription_not_found');
  return v;
}

export async function createSubscription(
  db: DbOrTx,
  actor: Actor | null,
  input: { kind: ReportKind; cadence: ReportCadence; format: ReportFormat; recipients: string[] },
): Promise<ReportSubscriptionView> {
  requireAccess(actor, 'report:read');
  if (!actor.userId) throw AppError.forbidden();
  const [row] = await db
    .insert(reportSubscriptions)
    .values({ ...input, recipients: [...new Set(input.recipients.map((r) => r.toLowerCase()))], ownerId: actor.userId })
    .returning({ id: reportSubscriptions.id });
  return loadVisible(db, actor, row!.id);
}

export async function updateSubscription(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  input: Partial<{ format: ReportFormat; recipients: string[]; active: boolean }>,
): Promise<ReportSubscriptionView> {
  requireAccess(actor, 'report:read');
  await loadVisible(db, actor, id);
  await db
    .update(reportSubscriptions)
    .set({ ...input, ...(input.recipients ? { recipients: [...new Set(input.recipients.map((r) => r.toLowerCase()))] } : {}), updatedAt: new Date() })
    .where(eq(reportSubscriptions.id, id));
  return loadVisible(db, actor, id);
}

export async function deleteSubscription(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'report:read');
  await loadVisible(db, actor, id);
  await db.update(reportSubscriptions).set({ deletedAt: new Date(), active: false }).where(eq(reportSubscriptions.id, id));
}

/** The send history of a subscription, newest first, with each email's state in the outbox. */
export async function subscriptionDeliveries(db: DbOrTx, actor: Actor | null, id: string): Promise<ReportDeliveryList> {
  requireAccess(actor, 'report:read');
  await loadVisible(db, actor, id);
  const rows = await db.select().from(reportDeliveries).where(eq(reportDeliveries.subscriptionId, id)).orderBy(desc(reportDeliveries.periodStart)).limit(60);
  const statuses = await messageStatuses(
    db,
    rows.flatMap((r) => r.messageIds),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      createdAt: r.createdAt.toISOString(),
      messages: r.messageIds.flatMap((m) => {
        const s = statuses.get(m);
        return s ? [{ messageId: m, ...s }] : [];
      }),
    })),
  };
}

// ---- the schedule --------------------------------------------------------------------------------------------------

/**
 * Queues the due deliveries: each active subscription's last complete period, once. Returns how many emails were
 * queued (the caller asks the outbox for a sweep). `resolveActor` gives the owner as an actor (null when the owner
 * can no longer sign in: nothing is sent for them).
 */
export async function runReportSchedule(db: Db, now: Date, resolveActor: (userId: string) => Promise<Actor | null>): Promise<number> {
  const { today } = await companyClock(db, now);
  const subs = await db.select().from(reportSubscriptions).where(and(isNull(reportSubscriptions.deletedAt), eq(reportSubscriptions.active, true)));
  let queued = 0;
  for (const s of subs) {
    const period = lastCompletePeriod(s.cadence, today);
    const actor = await resolveActor(s.ownerId);
    if (!actor || !actor.permissions.has('report:read')) continue;
    queued += await db.transaction(async (tx) => {
      const [delivery] = await tx
        .insert(reportDeliveries)
        .values({ subscriptionId: s.id, periodStart: period.start, periodEnd: period.end })
        .onConflictDoNothing()
        .returning({ id: reportDeliveries.id });
      if (!delivery) return 0; // sent already (or by another process just now)
      const doc = await generateReport(tx, actor, { kind: s.kind, cadence: s.cadence, date: period.start }, now);
      const body = emailBody(doc, actor.locale);
      const ids: string[] = [];
      for (const recipient of s.recipients) {
        ids.push(await enqueueStaffEmail(tx, { recipient, subject: doc.title, body, locale: actor.locale, sourceKind: ATTACHMENT_KIND, sourceId: delivery.id, createdBy: s.ownerId }, now));
      }
      await tx.update(reportDeliveries).set({ messageIds: ids }).where(eq(reportDeliveries.id, delivery.id));
      return ids.length;
    });
  }
  return queued;
}

function emailBody(doc: Awaited<ReturnType<typeof generateReport>>, locale: Actor['locale']): string {
  const lines = [doc.title, ''];
  for (const s of doc.sections) {
    if (!s.figures.length) continue;
    lines.push(`【${s.title}】`);
    for (const f of s.figures) {
      const change = changePercent(f.value, f.previous);
      lines.push(
        `${f.label}：${formatFigure(f.value, f.unit, locale)}（${t(locale, 'reports.previous_period')} ${formatFigure(f.previous, f.unit, locale)}${change === null ? '' : `，${change > 0 ? '+' : ''}${change}%`}）`,
      );
    }
    lines.push('');
  }
  lines.push(t(locale, 'reports.email.attached'));
  return lines.join('\n');
}

/** The files of a report email, made now as the subscription's owner sees the report (the messages module calls it). */
export function reportAttachments(resolveActor: (db: DbOrTx, userId: string) => Promise<Actor | null>, now: () => Date = () => new Date()) {
  return async (db: DbOrTx, deliveryId: string): Promise<MessageAttachment[]> => {
    const [row] = rowsOf<{ kind: ReportKind; cadence: ReportCadence; format: ReportFormat; owner_id: string; period_start: string }>(
      await db.execute(sql`select s.kind, s.cadence, s.format, s.owner_id, d.period_start::text as period_start
        from ${reportDeliveries} d join ${reportSubscriptions} s on s.id = d.subscription_id where d.id = ${deliveryId}::uuid`),
    );
    if (!row) return [];
    const actor = await resolveActor(db, row.owner_id);
    if (!actor) throw new Error('the report’s owner can no longer sign in');
    const doc = await generateReport(db, actor, { kind: row.kind, cadence: row.cadence, date: row.period_start }, now());
    const name = `report-${row.kind}-${row.period_start}`;
    const files: MessageAttachment[] = [];
    if (row.format !== 'xlsx') files.push({ filename: `${name}.pdf`, content: await reportPdf(doc, actor.locale), contentType: 'application/pdf' });
    if (row.format !== 'pdf') {
      files.push({ filename: `${name}.xlsx`, content: await reportWorkbook(doc, actor.locale), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    }
    return files;
  };
}
