import type { Db } from '../../platform/db/client.js';
import { isEmbedded, yieldToEventLoop } from '../../platform/db/slice.js';
import { knownZone } from '../../platform/time.js';
import { readCompanySettings } from '../settings/index.js';
import { adapterFor, DeliveryError } from './adapters.js';
import { attachmentsOf } from './attachments.js';
import * as repo from './messages.repository.js';
import { consentPurposeOf, purposeRefusals } from './purpose.js';
import type { ClaimOutcome, MessageCustomer, MessageRow } from './messages.repository.js';
import { backoffMs, CAP_WINDOW_MS, countsTowardsCap, quietUntil } from './rules.js';
import { unsubscribeToken, unsubscribeUrl, type MessagingRuntime } from './runtime.js';
import { readMessageSettings, signingSecret, type MessageSettings } from './settings.js';
import { tracked, trackedHtml, trackingKey, withTrackedLinks } from './tracking.js';

/** A claim older than this was lost (the sender crashed or was killed): the message goes back to the queue. */
export const STALE_CLAIM_MS = 5 * 60_000;
const BATCH = 20;
/**
 * Outcomes wait to be written together, at the end of the batch or once the oldest has waited this long (slow
 * providers): a sender that dies mid-batch leaves at most about this much of sent messages to be sent again.
 */
const FLUSH_MS = 1000;

export type Outcome = 'sent' | 'retrying' | 'failed' | 'suppressed' | 'deferred' | 'lost';
export type DeliveryCounts = Record<Outcome, number>;

/** What the rules read for a batch of claimed messages: once per batch, not per message. */
type BatchContext = {
  settings: MessageSettings;
  zone: string;
  customers: Map<string, MessageCustomer>;
  /** Per customer, when its messages that count against the weekly cap were sent (epoch ms), this batch's included. */
  sentTimes: Map<string, number[]>;
  /** The unsubscribe and tracking key, read when the first message needs it. */
  secret: () => Promise<Buffer>;
  /** Messages whose customer withdrew the message's purpose on its channel (the consent ledger): suppressed. */
  refused: Set<string>;
};

/** The batch's messages whose purpose (marketing, survey) the customer refused on the channel: one query per group. */
async function refusedMessages(db: Db, rows: MessageRow[]): Promise<Set<string>> {
  const groups = new Map<string, MessageRow[]>();
  for (const r of rows) {
    if (!r.customerId) continue;
    const key = `${r.channel}|${consentPurposeOf(r.category, r.sourceKind)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out = new Set<string>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const refused = await purposeRefusals(db, [...new Set(group.map((r) => r.customerId!))], first.channel, first.category, first.sourceKind);
    for (const r of group) if (refused.has(r.customerId!)) out.add(r.id);
  }
  return out;
}

/** An outcome decided, waiting to be written; `kickMs`: ask for the next try after that delay once it is written. */
type Decided = { row: MessageRow; values: ClaimOutcome; outcome: Outcome; kickMs: number | null };

/**
 * The sending side of the outbox. `deliverDue` claims due messages (one by id, or every due one in batches), checks
 * the rules again — consent, quiet hours, the weekly cap — and hands each to its channel's adapter; the outcome is
 * written back only while the claim is still this sender's. No transaction is held while a provider is called.
 * Any number of senders (pg-boss workers, the periodic sweep, other server processes) may run at once.
 *
 * A batch costs a fixed number of statements, whatever its size: its customers in one query, the weekly-cap history
 * of its customers in one grouped query, the settings once, its outcomes in one update (more only when a slow
 * provider makes the batch outlast FLUSH_MS). Each message still gets its own rules check at its own time and its
 * own provider call, and a message sent earlier in the batch counts against the cap of the next one to its customer.
 */
export class MessageDelivery {
  constructor(
    private readonly db: Db,
    private readonly rt: MessagingRuntime,
  ) {}

  /** Delivers one message by id (a job), or every due one, `batch` claimed at a time (the sweep). */
  async deliverDue(opts: { id?: string; batch?: number } = {}): Promise<DeliveryCounts> {
    const batch = opts.id ? 1 : (opts.batch ?? BATCH);
    const counts: DeliveryCounts = { sent: 0, retrying: 0, failed: 0, suppressed: 0, deferred: 0, lost: 0 };
    const now = this.rt.now();
    if (!opts.id) await repo.releaseStale(this.db, new Date(now.getTime() - STALE_CLAIM_MS));
    for (;;) {
      const claimed = await repo.claimDue(this.db, now, batch, opts.id);
      if (!claimed.length) break;
      for (const outcome of await this.deliverBatch(claimed)) counts[outcome]++;
      if (opts.id || claimed.length < batch) break;
      // On the embedded database the requests that arrived meanwhile take the one connection before the next batch.
      if (isEmbedded(this.db)) await yieldToEventLoop();
    }
    return counts;
  }

  /** One claimed batch: what the rules need read at once, then each message in claim order, outcomes written together. */
  private async deliverBatch(rows: MessageRow[]): Promise<Outcome[]> {
    const settings = await readMessageSettings(this.db);
    const zone = knownZone((await readCompanySettings(this.db)).timezone);
    const customerIds = [...new Set(rows.flatMap((r) => (r.customerId ? [r.customerId] : [])))];
    const customers = new Map((await repo.customersForMessages(this.db, customerIds)).map((c) => [c.id, c]));
    // The cap's history, for the customers whose messages may reach the cap check; the earliest window any message of
    // the batch can look at starts a window before now (each message then counts within its own window).
    const capped = new Set(
      rows.flatMap((r) => {
        const c = r.customerId ? customers.get(r.customerId) : undefined;
        return c && !c.deletedAt && c.consent?.[r.channel] && countsTowardsCap(r.category) ? [c.id] : [];
      }),
    );
    const since = new Date(this.rt.now().getTime() - CAP_WINDOW_MS);
    const sentTimes = await repo.cappedSentTimes(this.db, [...capped], since, rows.map((r) => r.id));
    let secret: Promise<Buffer> | null = null;
    const refused = await refusedMessages(this.db, rows);
    const ctx: BatchContext = { settings, zone, customers, sentTimes, secret: () => (secret ??= signingSecret(this.db)), refused };

    const outcomes: Outcome[] = [];
    let pending: Decided[] = [];
    let oldest = 0;
    const flush = async () => {
      const done = pending;
      pending = [];
      const written = await repo.finishClaims(this.db, done);
      for (const d of done) {
        const ok = written.has(d.row.id);
        outcomes.push(ok ? d.outcome : 'lost');
        if (ok && d.kickMs !== null) await this.kick(d.row.id, d.kickMs);
      }
    };
    try {
      for (const row of rows) {
        const decided = await this.deliver(row, ctx);
        if (!pending.length) oldest = performance.now();
        pending.push(decided);
        if (performance.now() - oldest >= FLUSH_MS) await flush();
      }
    } finally {
      // Also when a message threw (the signing key could not be read): what was decided, and sent, is recorded.
      if (pending.length) await flush();
    }
    return outcomes;
  }

  /** The rules again for one claimed message, then the provider: the outcome to record. */
  private async deliver(row: MessageRow, ctx: BatchContext): Promise<Decided> {
    const now = this.rt.now();
    const decided = (values: ClaimOutcome, outcome: Outcome, kickMs: number | null = null): Decided => ({ row, values, outcome, kickMs });

    // Mail to staff (no customer: a scheduled report) has no consent, quiet hours or cap to check.
    if (row.customerId === null) return this.send(row, ctx, null);
    // The rules again: the customer may have withdrawn consent, the clock may have entered quiet hours.
    const c = ctx.customers.get(row.customerId);
    if (!c || c.deletedAt) return decided({ status: 'suppressed', reason: 'customer_deleted', nextAttemptAt: null }, 'suppressed');
    if (!c.consent?.[row.channel] || ctx.refused.has(row.id)) return decided({ status: 'suppressed', reason: 'no_consent', nextAttemptAt: null }, 'suppressed');
    const until = quietUntil(now, row.channel, ctx.settings.quietHours, ctx.zone);
    if (until) {
      // Not an attempt: the claim's count is given back.
      return decided({ status: 'queued', reason: 'quiet_hours', nextAttemptAt: until, attempts: row.attempts - 1 }, 'deferred', until.getTime() - now.getTime());
    }
    if (countsTowardsCap(row.category)) {
      const since = now.getTime() - CAP_WINDOW_MS;
      const sent = (ctx.sentTimes.get(row.customerId) ?? []).filter((at) => at > since).length;
      if (sent >= ctx.settings.weeklyCap) return decided({ status: 'suppressed', reason: 'frequency_cap', nextAttemptAt: null }, 'suppressed');
    }

    const base = ctx.settings.publicUrl ?? this.rt.fallbackUrl;
    const secret = await ctx.secret();
    const link = row.channel === 'email' ? unsubscribeUrl(base, unsubscribeToken(secret, row.id)) : null;
    const result = await this.send(row, ctx, link, tracked(row.category, row.customerId) ? { base, key: trackingKey(secret, row.id) } : null);
    // Sent: it counts against the cap of the customer's later messages in this batch.
    if (result.outcome === 'sent' && countsTowardsCap(row.category)) {
      const times = ctx.sentTimes.get(row.customerId) ?? [];
      times.push(result.values.sentAt!.getTime());
      ctx.sentTimes.set(row.customerId, times);
    }
    return result;
  }

  /** Hands the message (with its attachments, made now) to the channel's adapter: the outcome to record. */
  private async send(row: MessageRow, ctx: BatchContext, link: string | null, tracking: { base: string; key: string } | null = null): Promise<Decided> {
    const now = this.rt.now();
    const { settings } = ctx;
    const adapter = adapterFor(row.channel, settings, this.rt.log);
    try {
      const attachments = row.channel === 'email' ? await attachmentsOf(this.db, row) : [];
      // Tracked: the links as ours (tracking.ts), and an email's HTML part with the open image.
      const body = tracking ? withTrackedLinks(row.body, tracking.base, tracking.key) : row.body;
      const html = tracking && row.channel === 'email' ? trackedHtml(body, tracking.base, tracking.key) : undefined;
      const r = await adapter.send({ id: row.id, channel: row.channel, recipient: row.recipient, subject: row.subject, body, html, locale: row.locale, unsubscribeUrl: link, attachments });
      const values: ClaimOutcome = { status: 'sent', reason: null, sentAt: this.rt.now(), provider: adapter.name, providerMessageId: r.providerMessageId, lastError: null, nextAttemptAt: null };
      return { row, values, outcome: 'sent', kickMs: null };
    } catch (err) {
      const error = `${err instanceof Error ? err.message : String(err)}`.slice(0, 1000) || 'error';
      const permanent = err instanceof DeliveryError && err.permanent;
      if (permanent || row.attempts >= settings.retry.maxAttempts) {
        return { row, values: { status: 'failed', reason: null, provider: adapter.name, lastError: error, nextAttemptAt: null }, outcome: 'failed', kickMs: null };
      }
      const wait = backoffMs(row.attempts, settings.retry);
      const values: ClaimOutcome = { status: 'queued', reason: null, provider: adapter.name, lastError: error, nextAttemptAt: new Date(now.getTime() + wait) };
      return { row, values, outcome: 'retrying', kickMs: wait };
    }
  }

  private async kick(id: string, delayMs: number): Promise<void> {
    try {
      await this.rt.kick(id, delayMs);
    } catch (err) {
      this.rt.log(`message ${id}: could not queue the next attempt (${(err as Error).message}); the sweep will pick it up`);
    }
  }
}
