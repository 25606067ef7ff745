/**
 * What makes a notification: the hooks other modules call (registered in src/app.ts through `registerNotificationHooks`,
 * so no producer imports this module), each run inside the producer's transaction where there is one, so a rolled-back
 * write notifies nobody. The due-task check and the digest are in clock.ts.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import { usersHoldingPermission } from '../accounts/index.js';
import type { AnalyticsRunFinishedEvent, AnalyticsRunFinishedHook } from '../analytics/index.js';
import type { ImportFinishedEvent, ImportFinishedHook } from '../imports/index.js';
import type { PrivacyDueEvent, PrivacyDueHook } from '../privacy/index.js';
import type { SlaAlertEvent, SlaAlertHook, TicketAssignedEvent, TicketAssignedHook, TicketMessageEvent, TicketMessageHook } from '../tickets/index.js';
import { mentionedIds } from './mentions.js';
import * as repo from './notifications.repository.js';

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const ticketLink = (id: string) => `/tickets/${id}`;

/** A ticket assigned to someone: the assignee is told, unless they assigned it to themselves. */
export async function notifyTicketAssigned(db: DbOrTx, e: TicketAssignedEvent): Promise<void> {
  if (e.by?.id === e.assigneeId && !e.ruleId) return;
  const bodyKey = e.ruleId ? 'notifications.ticket_assigned.by_rule' : e.by ? 'notifications.ticket_assigned.by_user' : 'notifications.ticket_assigned.by_system';
  await repo.insertNotifications(db, [
    {
      userId: e.assigneeId,
      kind: 'ticket_assigned',
      titleKey: 'notifications.ticket_assigned.title',
      bodyKey,
      params: { number: e.number, title: e.title, by: e.by?.name ?? '' },
      link: ticketLink(e.ticketId),
      createdAt: e.at,
    },
  ]);
}

/**
 * A note or a reply naming users with @: each named user who handles tickets (holds ticket:read) is told, the author
 * never. The ticket's own data scope is not checked: the author chose to show it to them.
 */
export async function notifyTicketMentions(db: DbOrTx, e: TicketMessageEvent): Promise<void> {
  if (!e.body.includes('@')) return;
  const candidates = await repo.mentionCandidates(db, e.body);
  if (!candidates.length) return;
  const readers = new Set(await usersHoldingPermission(db, 'ticket:read'));
  const ids = mentionedIds(e.body, candidates).filter((id) => id !== e.author?.id && readers.has(id));
  await repo.insertNotifications(
    db,
    ids.map((userId) => ({
      userId,
      kind: 'ticket_mentioned' as const,
      titleKey: `notifications.ticket_mentioned.${e.kind}`,
      bodyKey: 'notifications.text',
      params: { number: e.number, by: e.author?.name ?? '', text: clip(e.body, 200) },
      link: ticketLink(e.ticketId),
      createdAt: e.at,
    })),
  );
}

/** A warning or an escalation level: the assignee and the person the SLA checker escalated to, once each. */
export async function notifySlaAlert(db: DbOrTx, e: SlaAlertEvent): Promise<void> {
  const recipients = [...new Set([e.assigneeId, e.userId].filter((x): x is string => !!x))];
  const titleKey = e.kind === 'warning' ? `notifications.sla_warning.${e.target}` : `notifications.sla_escalation.${e.level}`;
  await repo.insertNotifications(
    db,
    recipients.map((userId) => ({
      userId,
      kind: e.kind === 'warning' ? ('sla_warning' as const) : ('sla_escalation' as const),
      titleKey,
      bodyKey: 'notifications.text',
      params: { number: e.number, text: e.title },
      link: ticketLink(e.ticketId),
      dedupeKey: `sla:${e.ticketId}:${e.kind}:${e.level}:${e.round}`,
      createdAt: e.at,
    })),
  );
}

/**
 * A piece of background work the user started ended: done (its body names what it did) or failed (the reason, when
 * there is one). Imports and analytics runs alike; work nobody started (a nightly run) has nobody to tell.
 */
async function notifyFinished(
  db: DbOrTx,
  e: { work: 'import' | 'analytics'; userId: string | null; done: boolean; error: string | null; params: Record<string, string | number>; link: string; at: Date },
): Promise<void> {
  if (!e.userId) return;
  const kind = `${e.work}_${e.done ? 'done' : 'failed'}` as const;
  await repo.insertNotifications(db, [
    {
      userId: e.userId,
      kind,
      titleKey: `notifications.${kind}.title`,
      bodyKey: e.done ? `notifications.${e.work}_done.body` : e.error ? 'notifications.text' : null,
      params: { ...e.params, text: clip(e.error ?? '', 300) },
      link: e.link,
      createdAt: e.at,
    },
  ]);
}

/** An import the user started ended: done (with its counts) or failed (with the reason). */
export const notifyImportFinished = (db: DbOrTx, e: ImportFinishedEvent): Promise<void> =>
  notifyFinished(db, {
    work: 'import',
    userId: e.startedBy,
    done: e.status === 'done',
    error: e.error,
    params: { fileName: e.fileName, created: e.created, updated: e.updated, skipped: e.skipped, rejected: e.rejected },
    link: `/imports/${e.jobId}`,
    at: e.at,
  });

/** An analytics run the user started ended. */
export const notifyAnalyticsRunFinished = (db: DbOrTx, e: AnalyticsRunFinishedEvent): Promise<void> =>
  notifyFinished(db, { work: 'analytics', userId: e.requestedBy, done: e.status === 'done', error: e.error, params: { asOf: e.asOf, customers: e.customers ?? 0 }, link: '/analytics', at: e.at });

/**
 * A personal-information request nears its due date (3 working days before) or passed it: its handler is told, or —
 * none assigned yet — every active holder of privacy:manage. Once per request, stage and due day.
 */
export async function notifyPrivacyDue(db: DbOrTx, e: PrivacyDueEvent): Promise<void> {
  const recipients = e.handlerId ? [e.handlerId] : await usersHoldingPermission(db, 'privacy:manage');
  await repo.insertNotifications(
    db,
    recipients.map((userId) => ({
      userId,
      kind: 'privacy_due' as const,
      titleKey: `notifications.privacy_due.${e.stage}`,
      params: { number: e.number, dueDay: e.dueDay },
      link: `/privacy?request=${e.requestId}`,
      dedupeKey: `privacy_due:${e.requestId}:${e.stage}:${e.dueDay}`,
      createdAt: e.at,
    })),
  );
}

/** The producers' registries, passed in by the composition root (this module imports none of them). */
export type NotificationRegistries = {
  registerTicketAssignedHook: (fn: TicketAssignedHook) => void;
  registerTicketMessageHook: (fn: TicketMessageHook) => void;
  registerSlaAlertHook: (fn: SlaAlertHook) => void;
  registerImportFinishedHook: (fn: ImportFinishedHook) => void;
  registerAnalyticsRunFinishedHook: (fn: AnalyticsRunFinishedHook) => void;
  registerPrivacyDueHook: (fn: PrivacyDueHook) => void;
};

/** Registers every notification producer (src/app.ts, at load; registering again changes nothing). */
export function registerNotificationHooks(r: NotificationRegistries): void {
  r.registerTicketAssignedHook(notifyTicketAssigned);
  r.registerTicketMessageHook(notifyTicketMentions);
  r.registerSlaAlertHook(notifySlaAlert);
  r.registerImportFinishedHook(notifyImportFinished);
  r.registerAnalyticsRunFinishedHook(notifyAnalyticsRunFinished);
  r.registerPrivacyDueHook(notifyPrivacyDue);
}
