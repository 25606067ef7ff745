/**
 * 停暖通知 / 抢修通知: one message to every household of a compound, a building or a unit, through the outbox.
 *
 * - **Who.** The households of the target within the sender's data scope, not deleted. Sending needs `ticket:manage`
 *   (a service manager's action: the outage and the repair are service operations) and `customer:write` (what sending
 *   any message to a customer needs); reading notices and the preview need `ticket:manage` as well.
 * - **What.** A message template (any; its channel is the notice's), or text typed for the notice on a channel: the text
 *   is kept as a template of the 事务 category (reused when the same text was sent before), so both go the one bulk
 *   path of the outbox (`enqueueBulk`, source `heating_notice` / the notice's id: one message per household ever).
 * - **The rules.** Consent to the channel applies (a household that refused SMS is not texted: counted blocked,
 *   `no_consent`); a household without an address on the channel is counted `no_recipient` (no mobile number, no
 *   e-mail, no WeChat id); quiet hours apply (a notice written at 22:00 goes out at 08:00 — counted reached, and as
 *   waiting). **The weekly cap does not apply**: the notice is sent as a service (transactional) message. The cap is
 *   there against over-messaging with marketing and care (the seeds' warning); an outage or a repair notice is about
 *   the household's own heat, and a household that got three care messages this week must still learn that its
 *   heating stops tomorrow. For the same reason it does not count towards the cap for later marketing, and SMS carry
 *   no 回TD退订 footer (it is no solicitation).
 * - **Size.** A target of at most NOTICE_INLINE_MAX (300) households — a building, a unit — is sent in the request's
 *   transaction: the answer already has the counts. A larger one (a compound may be thousands) is a durable run over
 *   the households by id, a slice a transaction with its checkpoint and running counts (the server never freezes; a
 *   resumed slice never writes a message twice: the slice and its checkpoint commit together, and the outbox's
 *   source index holds one message per household); the page polls the notice until it is done.
 * - **Audited**: `heating_notice` when created (target, channel, template, households), `heating_notice_done` with the
 *   counts when a run ends. The request honours Idempotency-Key (platform): the same key sends once.
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t } from '../../platform/i18n/index.js';
import { zoneOffsetMs } from '../../platform/time.js';
import { DurableRuns, perCustomerSizer, runSlice, type RunHandle } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import { createTemplate, enqueueBulk, kickSweep, listMessageTemplates, messageCountsBySources, type BulkResult, type MessagingRuntime, type SourceCounts } from '../messages/index.js';
import { companyClock } from '../settings/index.js';
import { NOTICE_INLINE_MAX, type NoticeChannel, type NoticeCounts, type NoticePage, type NoticePreview, type NoticeView } from './heating.contract.js';
import type { NoticeInput } from './heating.types.js';
import { checkTarget, targetWhere } from './heating.service.js';
import { heatingNotices } from './schema.js';

export const NOTICE_QUEUE = 'heating.notice';
export const NOTICE_SOURCE = 'heating_notice';
type Checkpoint = { after: string | null; counts: NoticeCounts };
export const noticeRuns = new DurableRuns<Checkpoint>(heatingNotices, { staleSeconds: 60 });
type NoticeRow = typeof heatingNotices.$inferSelect;

export const EMPTY_COUNTS: NoticeCounts = { queued: 0, quietHours: 0, blocked: { no_consent: 0, no_recipient: 0, frequency_cap: 0, deleted: 0 } };

/** A bulk enqueue's outcome added to the running counts. */
export function addCounts(c: NoticeCounts, r: BulkResult): NoticeCounts {
  return {
    queued: c.queued + r.queued,
    quietHours: c.quietHours + r.quietHours,
    blocked: {
      no_consent: c.blocked.no_consent + r.suppressed.no_consent,
      no_recipient: c.blocked.no_recipient + r.noRecipient,
      frequency_cap: c.blocked.frequency_cap + r.suppressed.frequency_cap,
      deleted: c.blocked.deleted + r.deleted,
    },
  };
}

const EMPTY_DELIVERY: SourceCounts = { total: 0, queued: 0, sending: 0, sent: 0, failed: 0, suppressed: { no_consent: 0, frequency_cap: 0, customer_deleted: 0, quiet_hours: 0, withdrawn: 0 } };

export function noticeView(r: NoticeRow, d: SourceCounts = EMPTY_DELIVERY): NoticeView {
  const counts = r.status === 'done' ? r.counts : (r.checkpoint?.counts ?? r.counts);
  const blocked = Object.values(counts.blocked).reduce((a, b) => a + b, 0);
  const suppressed = Object.values(d.suppressed).reduce((a, b) => a + b, 0);
  return {
    id: r.id,
    kind: r.kind,
    compound: r.compound,
    building: r.building,
    unit: r.unit,
    channel: r.channel as NoticeChannel,
    templateId: r.templateId,
    templateName: r.templateName,
    text: r.text,
    households: r.households,
    counts,
    reached: counts.queued,
    blocked,
    delivery: { queued: d.queued, sending: d.sending, sent: d.sent, failed: d.failed, suppressed },
    status: r.status,
    progress: { done: r.progress.done, total: r.households },
    error: r.error,
    requestedBy: r.requestedBy ? { id: r.requestedBy, name: r.requestedByName ?? '' } : null,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** The target's households in the actor's scope (alias `c`). */
const audience = (actor: Actor, q: { compound: string; building?: string | null; unit?: string | null }): SQL =>
  sql`c.deleted_at is null and ${customerAccess.where(actor, 'c')} and ${targetWhere(q)}`;

/** What a channel needs of a household to be reachable (WeChat's open id lives in a setting of the outbox: unknown here). */
function addressOn(channel: NoticeChannel): SQL | null {
  if (channel === 'sms') return sql`exists (select 1 from unnest(c.phones) p where p ~ '^\\+861[0-9]{10}$' or p !~ '^\\+86')`;
  if (channel === 'email') return sql`coalesce(c.email, '') <> ''`;
  return null;
}

/** How many households a notice to the target would reach on the channel (before sending). */
export async function previewNotice(db: DbOrTx, actor: Actor | null, q: { compound: string; building?: string; unit?: string; channel: NoticeChannel }): Promise<NoticePreview> {
  requireAccess(actor, 'ticket:manage');
  checkTarget(q);
  const consents = sql`coalesce((c.consent ->> ${q.channel})::boolean, false)`;
  const address = addressOn(q.channel);
  const [r] = rowsOf<{ households: number; consenting: number; reachable: number | null }>(
    await db.execute(sql`
      select count(*)::int as households, count(*) filter (where ${consents})::int as consenting,
             ${address ? sql`count(*) filter (where ${consents} and ${address})::int` : sql`null::int`} as reachable
      from ${customerDirectory} c where ${audience(actor, q)}`),
  );
  const households = Number(r?.households ?? 0);
  return { households, consenting: Number(r?.consenting ?? 0), reachable: r?.reachable === null || r?.reachable === undefined ? null : Number(r.reachable), inline: households <= NOTICE_INLINE_MAX };
}

/** "幸福小区 3号楼 2单元": the target as people say it. */
export const targetLabel = (n: { compound: string; building?: string | null; unit?: string | null }) => [n.compound, n.building, n.unit].filter(Boolean).join(' ');

/** The picked template (live), or the typed text as a transactional template (the same text again reuses it). */
async function noticeTemplate(db: DbOrTx, actor: Actor, input: NoticeInput, noticeId: string, now: Date): Promise<{ id: string; name: string; channel: NoticeChannel }> {
  if (input.templateId) {
    if (input.text) throw AppError.field('text', 'heating.template_or_text');
    const { items } = await listMessageTemplates(db, actor, { archived: 'exclude' });
    const tpl = items.find((x) => x.id === input.templateId);
    if (!tpl) throw AppError.field('templateId', 'heating.template_not_found');
    if (input.channel && input.channel !== tpl.channel) throw AppError.field('channel', 'heating.channel_mismatch');
    return { id: tpl.id, name: tpl.name, channel: tpl.channel };
  }
  if (!input.text) throw AppError.field('text', 'heating.template_or_text');
  const channel = input.channel ?? 'sms';
  const kind = t('zh-CN', `heating.kind.${input.kind}`);
  const { items } = await listMessageTemplates(db, actor, { archived: 'exclude', channel });
  const same = items.find((x) => x.category === 'transactional' && x.bodyZh === input.text && x.name.startsWith(`${kind} · `));
  if (same) return { id: same.id, name: same.name, channel };
  const { zone } = await companyClock(db, now);
  const stamp = new Date(now.getTime() + zoneOffsetMs(zone, now)).toISOString().slice(0, 16).replace('T', ' ');
  const name = `${kind} · ${targetLabel(input).slice(0, 60)} · ${stamp} · ${noticeId.slice(0, 4)}`;
  // The notice's own permission covers keeping its text: the template is created in the sender's name.
  const keeper: Actor = { ...actor, permissions: new Set([...actor.permissions, 'message:manage']) };
  const tpl = await createTemplate(db, keeper, { name, channel, category: 'transactional', subjectZh: channel === 'email' ? kind : null, subjectEn: null, bodyZh: input.text, bodyEn: null });
  return { id: tpl.id, name: tpl.name, channel };
}

export type NoticeDeps = { messaging: MessagingRuntime; resolveActor: (userId: string) => Promise<Actor | null>; signal?: AbortSignal; log?: (line: string) => void };

/**
 * Creates a notice in the caller's transaction: a small target is sent here and now (status done), a large one is
 * queued as a run (`queued: true`: the caller starts it after the commit). Kick the outbox after the commit either way.
 */
export async function createNotice(db: DbOrTx, actor: Actor | null, input: NoticeInput, rt: MessagingRuntime): Promise<{ view: NoticeView; queued: boolean }> {
  requireAccess(actor, 'ticket:manage');
  requireAccess(actor, 'customer:write');
  checkTarget(input);
  const now = rt.now();
  const id = randomUUID();
  const tpl = await noticeTemplate(db, actor, input, id, now);
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${customerDirectory} c where ${audience(actor, input)}`));
  const households = Number(count?.n ?? 0);
  if (!households) throw AppError.field(input.unit ? 'unit' : input.building ? 'building' : 'compound', 'heating.no_households', { target: targetLabel(input) });
  const inline = households <= NOTICE_INLINE_MAX;
  let counts = EMPTY_COUNTS;
  if (inline) {
    const ids = rowsOf<{ id: string }>(await db.execute(sql`select c.id from ${customerDirectory} c where ${audience(actor, input)} order by c.id`)).map((r) => r.id);
    counts = addCounts(counts, await enqueueBulk(db, { sourceKind: NOTICE_SOURCE, sourceId: id, templateId: tpl.id, category: 'transactional', customerIds: ids, createdBy: actor.userId, now }, rt));
  }
  const [row] = await db
    .insert(heatingNotices)
    .values({
      id,
      kind: input.kind,
      compound: input.compound,
      building: input.building ?? null,
      unit: input.unit ?? null,
      templateId: tpl.id,
      templateName: tpl.name,
      channel: tpl.channel,
      text: input.text ?? null,
      households,
      counts,
      requestedBy: actor.userId,
      requestedByName: actor.displayName,
      createdAt: now,
      ...(inline ? { status: 'done' as const, startedAt: now, finishedAt: now, progress: { phase: 'done', done: households, total: households } } : {}),
    })
    .returning();
  await recordAudit(db, actor, {
    action: 'heating_notice',
    entityType: 'heating_notice',
    entityId: id,
    changes: { kind: input.kind, target: targetLabel(input), channel: tpl.channel, templateId: tpl.id, templateName: tpl.name, households, ...(inline ? { counts } : {}) },
  });
  return { view: noticeView(row!), queued: !inline };
}

/** Executes a queued notice (a durable run); failures are stored on the notice. The outbox is kicked after it. */
export async function executeNotice(db: Db, id: string, deps: NoticeDeps): Promise<void> {
  try {
    await noticeRuns.execute(db, id, (run) => sendSlices(db, run, deps), { signal: deps.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    deps.log?.(`heating notice ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  kickSweep(deps.messaging);
}

async function sendSlices(db: Db, run: RunHandle<Checkpoint>, deps: NoticeDeps): Promise<void> {
  const [notice] = await db.select().from(heatingNotices).where(sql`${heatingNotices.id} = ${run.id}`);
  if (!notice) throw AppError.notFound('heating.notice_not_found');
  const actor = notice.requestedBy ? await deps.resolveActor(notice.requestedBy) : null;
  if (!actor) throw new Error('the user who sent the notice can no longer act');
  const sizer = perCustomerSizer(db);
  const now = deps.messaging.now();
  let cp: Checkpoint = run.resumeFrom ?? { after: null, counts: EMPTY_COUNTS };
  let done = cp.counts.queued + Object.values(cp.counts.blocked).reduce((a, b) => a + b, 0);
  for (let more = true; more; ) {
    const ok = await runSlice(
      db,
      run,
      sizer,
      async (tx, size) => {
        const ids = rowsOf<{ id: string }>(
          await tx.execute(sql`
            select c.id from ${customerDirectory} c where ${audience(actor, notice)} ${cp.after ? sql`and c.id > ${cp.after}::uuid` : sql``}
            order by c.id limit ${size}`),
        ).map((r) => r.id);
        more = ids.length === size;
        const r = await enqueueBulk(tx, { sourceKind: NOTICE_SOURCE, sourceId: notice.id, templateId: notice.templateId, category: 'transactional', customerIds: ids, createdBy: notice.requestedBy, now }, deps.messaging);
        done += ids.length;
        const next: Checkpoint = { after: ids.at(-1) ?? cp.after, counts: addCounts(cp.counts, r) };
        return { next, progress: { phase: 'send', done, total: notice.households } };
      },
      (next) => (cp = next),
    );
    if (!ok) return;
  }
  await db.transaction(async (tx) => {
    await tx.update(heatingNotices).set({ counts: cp.counts }).where(sql`${heatingNotices.id} = ${notice.id}`);
    await recordAudit(tx, actor, { action: 'heating_notice_done', entityType: 'heating_notice', entityId: notice.id, changes: { target: targetLabel(notice), counts: cp.counts } });
    await run.finish(tx, { progress: { phase: 'done', done, total: notice.households }, checkpoint: cp });
  });
}

export async function unfinishedNotices(db: DbOrTx): Promise<string[]> {
  return noticeRuns.unfinished(db);
}

export async function getNotice(db: DbOrTx, actor: Actor | null, id: string): Promise<NoticeView> {
  requireAccess(actor, 'ticket:manage');
  const [row] = await db.select().from(heatingNotices).where(sql`${heatingNotices.id} = ${id}`);
  if (!row) throw AppError.notFound('heating.notice_not_found');
  return noticeView(row, (await messageCountsBySources(db, [row.id])).get(row.id));
}

/** Notices, newest first (keyset pages), with their messages' delivery as the outbox has it now. */
export async function listNotices(db: DbOrTx, actor: Actor | null, q: { cursor?: string; limit: number }): Promise<NoticePage> {
  requireAccess(actor, 'ticket:manage');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : null;
  const rows = await db
    .select()
    .from(heatingNotices)
    .where(after ? sql`(${heatingNotices.createdAt}, ${heatingNotices.id}) < (${after.value}::timestamptz, ${after.id}::uuid)` : sql`true`)
    .orderBy(sql`${heatingNotices.createdAt} desc, ${heatingNotices.id} desc`)
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const delivery = await messageCountsBySources(db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((r) => noticeView(r, delivery.get(r.id))),
    nextCursor: rows.length > q.limit && last ? encodeCursor(rowsTime(last), last.id) : null,
  };
}

/** The cursor's time: full microsecond precision is not kept by Date, so compare at the millisecond it holds. */
const rowsTime = (r: NoticeRow) => r.createdAt.toISOString();
