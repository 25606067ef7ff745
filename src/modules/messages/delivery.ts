import type { Db } from '../../platform/db/client.js';
import { knownZone } from '../../platform/time.js';
import { readCompanySettings } from '../settings/index.js';
import { adapterFor, DeliveryError } from './adapters.js';
import { attachmentsOf } from './attachments.js';
import * as repo from './messages.repository.js';
import type { MessageRow } from './messages.repository.js';
import { backoffMs, CAP_WINDOW_MS, countsTowardsCap, quietUntil } from './rules.js';
import { unsubscribeToken, unsubscribeUrl, type MessagingRuntime } from './runtime.js';
import { readMessageSettings, signingSecret, type MessageSettings } from './settings.js';
import { tracked, trackedHtml, trackingKey, withTrackedLinks } from './tracking.js';

/** A claim older than this was lost (the sender crashed or was killed): the message goes back to the queue. */
export const STALE_CLAIM_MS = 5 * 60_000;
const BATCH = 20;

export type Outcome = 'sent' | 'retrying' | 'failed' | 'suppressed' | 'deferred' | 'lost';
export type DeliveryCounts = Record<Outcome, number>;

/**
 * The sending side of the outbox. `deliverDue` claims due messages (one by id, or every due one in batches), checks
 * the rules again — consent, quiet hours, the weekly cap — and hands each to its channel's adapter; the outcome is
 * written back only while the claim is still this sender's. No transaction is held while a provider is called.
 * Any number of senders (pg-boss workers, the periodic sweep, other server processes) may run at once.
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
      const settings = await readMessageSettings(this.db);
      const zone = knownZone((await readCompanySettings(this.db)).timezone);
      for (const row of claimed) counts[await this.deliver(row, settings, zone)]++;
      if (opts.id || claimed.length < batch) break;
    }
    return counts;
  }

  private async deliver(row: MessageRow, settings: MessageSettings, zone: string): Promise<Outcome> {
    const now = this.rt.now();
    const finish = async (values: Parameters<typeof repo.finishClaim>[2], outcome: Outcome): Promise<Outcome> =>
      (await repo.finishClaim(this.db, row, values)) ? outcome : 'lost';

    // Mail to staff (no customer: a scheduled report) has no consent, quiet hours or cap to check.
    if (row.customerId === null) return this.send(row, settings, null, finish);
    // The rules again: the customer may have withdrawn consent, the clock may have entered quiet hours.
    const c = await repo.customerForMessage(this.db, row.customerId);
    if (!c || c.deletedAt) return finish({ status: 'suppressed', reason: 'customer_deleted', nextAttemptAt: null }, 'suppressed');
    if (!c.consent?.[row.channel]) return finish({ status: 'suppressed', reason: 'no_consent', nextAttemptAt: null }, 'suppressed');
    const until = quietUntil(now, row.channel, settings.quietHours, zone);
    if (until) {
      // Not an attempt: the claim's count is given back.
      const outcome = await finish({ status: 'queued', reason: 'quiet_hours', nextAttemptAt: until, attempts: row.attempts - 1 }, 'deferred');
      if (outcome === 'deferred') await this.kick(row.id, until.getTime() - now.getTime());
      return outcome;
    }
    if (countsTowardsCap(row.category)) {
      const sent = await repo.cappedCount(this.db, row.customerId, new Date(now.getTime() - CAP_WINDOW_MS), { includePending: false, exceptId: row.id });
      if (sent >= settings.weeklyCap) return finish({ status: 'suppressed', reason: 'frequency_cap', nextAttemptAt: null }, 'suppressed');
    }

    const base = settings.publicUrl ?? this.rt.fallbackUrl;
    const secret = await signingSecret(this.db);
    const link = row.channel === 'email' ? unsubscribeUrl(base, unsubscribeToken(secret, row.id)) : null;
    return this.send(row, settings, link, finish, tracked(row.category, row.customerId) ? { base, key: trackingKey(secret, row.id) } : null);
  }

  /** Hands the message (with its attachments, made now) to the channel's adapter and writes the outcome. */
  private async send(
    row: MessageRow,
    settings: MessageSettings,
    link: string | null,
    finish: (values: Parameters<typeof repo.finishClaim>[2], outcome: Outcome) => Promise<Outcome>,
    tracking: { base: string; key: string } | null = null,
  ): Promise<Outcome> {
    const now = this.rt.now();
    const adapter = adapterFor(row.channel, settings, this.rt.log);
    try {
      const attachments = row.channel === 'email' ? await attachmentsOf(this.db, row) : [];
      // Tracked: the links as ours (tracking.ts), and an email's HTML part with the open image.
      const body = tracking ? withTrackedLinks(row.body, tracking.base, tracking.key) : row.body;
      const html = tracking && row.channel === 'email' ? trackedHtml(body, tracking.base, tracking.key) : undefined;
      const r = await adapter.send({ id: row.id, channel: row.channel, recipient: row.recipient, subject: row.subject, body, html, locale: row.locale, unsubscribeUrl: link, attachments });
      return finish(
        { status: 'sent', reason: null, sentAt: this.rt.now(), provider: adapter.name, providerMessageId: r.providerMessageId, lastError: null, nextAttemptAt: null },
        'sent',
      );
    } catch (err) {
      const error = `${err instanceof Error ? err.message : String(err)}`.slice(0, 1000) || 'error';
      const permanent = err instanceof DeliveryError && err.permanent;
      if (permanent || row.attempts >= settings.retry.maxAttempts) {
        return finish({ status: 'failed', reason: null, provider: adapter.name, lastError: error, nextAttemptAt: null }, 'failed');
      }
      const wait = backoffMs(row.attempts, settings.retry);
      const outcome = await finish({ status: 'queued', reason: null, provider: adapter.name, lastError: error, nextAttemptAt: new Date(now.getTime() + wait) }, 'retrying');
      if (outcome === 'retrying') await this.kick(row.id, wait);
      return outcome;
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
