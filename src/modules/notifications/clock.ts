/**
 * The notifications clock (every minute in each server that runs the clocks, like the SLA checker): tasks that became
 * due are told to their assignees, and once a day the users who asked for it get an e-mail digest of their unread
 * notifications.
 *
 * Due tasks: the check reads the tasks (interactions' `task_ledger` view) that fell due since the last check — a
 * watermark (due time, id) kept in `notification_watermarks`, locked for the pass, so two processes never read the same
 * tasks and a server back from downtime catches up — and each becomes one notification keyed `task_due:<id>:<due>`
 * (a repeat writes nothing; a task moved to a later due time is told again when that comes). A task created already
 * due (an SLA escalation's task, due at once, has its own notification) did not "become" due and is not told.
 *
 * Digest: from 08:00 company time, each user with the digest on gets one row per company day in
 * `notification_digests` (a unique index: one process sends it) and, when they have unread notifications made since
 * their previous digest, one e-mail through the outbox (`enqueueStaffEmail`), in the same transaction.
 *
 * Cleanup: once a company day (from 03:00) the expired notifications are deleted by a job (retention.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import type { App } from '../../platform/http/server.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { findUserById } from '../accounts/index.js';
import { taskLedger } from '../interactions/index.js';
import { enqueueStaffEmail, kickSweep, publicBaseUrl, type MessagingRuntime } from '../messages/index.js';
import { companyClock } from '../settings/index.js';
import * as repo from './notifications.repository.js';
import { render } from './notifications.service.js';
import { claimDailyCleanup } from './retention.js';
import { notificationDigests, notificationSettings, notificationWatermarks } from './schema.js';

const TASK_WATERMARK = 'task_due';
/** Tasks read per transaction. */
const TASK_BATCH = 2000;
/** The first check looks back this far (later ones start where the previous one stopped). */
const FIRST_LOOKBACK_MS = 24 * 3600_000;
const ZERO_ID = '00000000-0000-0000-0000-000000000000';
export const DIGEST_HOUR = 8;
/** Lines of one digest e-mail (the rest are counted). */
const DIGEST_LINES = 30;
export const DIGEST_SOURCE = 'notification_digest';

type DueTask = { id: string; title: string; assigneeId: string; dueText: string };

/** One batch of tasks due since the watermark, notified, and the watermark moved past them. */
async function dueTaskBatch(tx: DbOrTx, now: Date, size: number): Promise<{ written: number; full: boolean }> {
  await tx
    .insert(notificationWatermarks)
    .values({ name: TASK_WATERMARK, until: new Date(now.getTime() - FIRST_LOOKBACK_MS), untilId: ZERO_ID })
    .onConflictDoNothing();
  await tx.select().from(notificationWatermarks).where(eq(notificationWatermarks.name, TASK_WATERMARK)).for('update');
  const due = rowsOf<DueTask>(
    await tx.execute(sql`
      select t.id, t.title, t.assignee_id as "assigneeId", to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "dueText"
      from ${taskLedger} t, ${notificationWatermarks} w
      where w.name = ${TASK_WATERMARK} and t.status = 'open' and t.due_at <= ${now} and (t.due_at, t.id) > (w.until, w.until_id)
        and t.created_at < t.due_at
      order by t.due_at, t.id
      limit ${size}`),
  );
  const written = await repo.insertNotifications(
    tx,
    due.map((task) => ({
      userId: task.assigneeId,
      kind: 'task_due' as const,
      titleKey: 'notifications.task_due.title',
      params: { title: task.title },
      link: '/tasks?tab=overdue',
      dedupeKey: `task_due:${task.id}:${task.dueText}`,
      createdAt: now,
    })),
  );
  const full = due.length === size;
  const last = due[due.length - 1];
  // A full batch: the next one starts after its last task; otherwise every task due by now was read.
  const [until, untilId] = full && last ? [sql`${last.dueText}::timestamptz`, last.id] : [sql`${now}::timestamptz`, 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
  await tx.execute(sql`update ${notificationWatermarks} set until = ${until}, until_id = ${untilId}::uuid where name = ${TASK_WATERMARK}`);
  return { written, full };
}

/** Tells each task's assignee that it fell due (once per task and due time). Returns the notifications written. */
export async function checkDueTasks(db: Db, now: Date): Promise<number> {
  // On the embedded database the batches are sized like every job's slices, with a turn of the event loop between
  // them: a plan's whole book falling due at once must not hold the server's one thread and connection.
  const sizer = isEmbedded(db) ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 200, min: 50, max: TASK_BATCH }) : SliceSizer.fixed(TASK_BATCH);
  let total = 0;
  for (;;) {
    const size = sizer.size;
    const elapsed = sliceTimer();
    const { written, full } = await db.transaction((tx) => dueTaskBatch(tx, now, size));
    sizer.record(size, elapsed());
    total += written;
    if (!full) return total;
    await yieldToEventLoop();
  }
}

/** One user's digest of the day: claimed by its row; an e-mail when there is something unread since the previous one. */
async function digestFor(tx: DbOrTx, userId: string, day: string, now: Date, baseUrl: string): Promise<boolean> {
  const [claim] = await tx.insert(notificationDigests).values({ userId, day, count: 0, createdAt: now }).onConflictDoNothing().returning({ id: notificationDigests.id });
  if (!claim) return false;
  const [prev] = rowsOf<{ at: Date | string | null }>(
    await tx.execute(sql`select max(created_at) as at from ${notificationDigests} where user_id = ${userId} and day < ${day}`),
  );
  const since = prev?.at ? new Date(prev.at) : new Date(now.getTime() - 24 * 3600_000);
  const user = await findUserById(tx, userId);
  if (!user?.active || !user.email) return false;
  const { rows, total } = await repo.unreadSince(tx, userId, since, now, DIGEST_LINES);
  if (!total) return false;
  const locale: Locale = user.locale ?? 'zh-CN';
  const lines = [t(locale, 'notifications.digest.intro', { name: user.displayName }), ''];
  for (const n of rows) {
    const title = render(locale, n.titleKey, n.params);
    const body = n.bodyKey ? render(locale, n.bodyKey, n.params) : '';
    lines.push(`· ${title}${body ? ` — ${body}` : ''}${n.link ? `\n  ${baseUrl}${n.link}` : ''}`);
  }
  if (total > rows.length) lines.push('', t(locale, 'notifications.digest.more', { n: total - rows.length }));
  lines.push('', t(locale, 'notifications.digest.footer', { url: `${baseUrl}/notifications` }));
  const messageId = await enqueueStaffEmail(
    tx,
    { recipient: user.email, subject: t(locale, 'notifications.digest.subject', { n: total }), body: lines.join('\n'), locale, sourceKind: DIGEST_SOURCE, sourceId: claim.id, createdBy: null },
    now,
  );
  await tx.update(notificationDigests).set({ count: total, messageId }).where(eq(notificationDigests.id, claim.id));
  return true;
}

/** The daily digests due (from 08:00 company time), one transaction per user. Returns the e-mails queued. */
export async function sendDigests(db: Db, messaging: MessagingRuntime): Promise<number> {
  const now = messaging.now();
  const clock = await companyClock(db, now);
  if (clock.hour < DIGEST_HOUR) return 0;
  const due = await db
    .select({ userId: notificationSettings.userId })
    .from(notificationSettings)
    .where(
      and(
        eq(notificationSettings.digestEmail, true),
        sql`not exists (select 1 from ${notificationDigests} d where d.user_id = ${notificationSettings.userId} and d.day = ${clock.today})`,
      ),
    );
  if (!due.length) return 0;
  const baseUrl = await publicBaseUrl(db, messaging.fallbackUrl);
  let sent = 0;
  for (const { userId } of due) if (await db.transaction((tx) => digestFor(tx, userId, clock.today, now, baseUrl))) sent++;
  if (sent) kickSweep(messaging);
  return sent;
}

/**
 * Every minute (when `timer`): the due-task check, the digests, and once a company day the cleanup of expired
 * notifications (claimed here, run as a job: `queueCleanup`; retention.ts). One pass at a time; the app waits for it on
 * close.
 */
export function startNotificationClock(app: App, db: Db, messaging: MessagingRuntime, timer: boolean, queueCleanup: () => Promise<void>): void {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    running ??= checkDueTasks(db, messaging.now())
      .then(() => sendDigests(db, messaging))
      .then(() => claimDailyCleanup(db, messaging.now()))
      .then((claimed) => (claimed ? queueCleanup() : undefined))
      .catch((err: Error) => app.log.warn(`notifications clock: ${err.message}`))
      .finally(() => (running = null));
  };
  const handle = timer ? setInterval(tick, 60_000) : null;
  handle?.unref();
  if (timer) tick();
  app.addHook('onClose', async () => {
    if (handle) clearInterval(handle);
    await running;
  });
}
