import { randomUUID } from 'node:crypto';
import type { SQL, SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { knownZone } from '../../platform/time.js';
import { readCompanySettings } from '../settings/index.js';
import type { MessageCategory, MessageReason, TemplateVariable } from './messages.contract.js';
import * as repo from './messages.repository.js';
import type { MessageInsert } from './messages.repository.js';
import { storedSpans } from './field-spans.js';
import { enqueueOutcome, recipientOf, renderContext, renderFor, withOptOut } from './outbox.service.js';
import { purposeRefusals } from './purpose.js';
import { CAP_WINDOW_MS, countsTowardsCap, quietUntil } from './rules.js';
import { unsubscribeToken, unsubscribeUrl, type MessagingRuntime } from './runtime.js';
import { readMessageSettings, signingSecret } from './settings.js';

/** Rows per insert statement (all of them one JSON parameter): a slice of 5,000 goes in two statements. */
const INSERT_ROWS = 2500;

export type BulkInput = {
  /** What sends (e.g. 'campaign') and its id: one message per (source, customer, template), ever. */
  sourceKind: string;
  sourceId: string;
  templateId: string;
  /** The template's category when not given. */
  category?: MessageCategory;
  customerIds: string[];
  /** Per customer id, values of variables only the caller knows (the `coupon` code); they win over the built-in ones. */
  variables?: Map<string, Partial<Record<TemplateVariable, string>>>;
  createdBy: string | null;
  now: Date;
};

export type BulkResult = {
  /** Rows written as queued: due now, or waiting for quiet hours to end (those are also counted in `quietHours`). */
  queued: number;
  /** Rows written as suppressed, by reason. */
  suppressed: Record<'no_consent' | 'frequency_cap', number>;
  /** Customers without an address on the template's channel: nothing written for them (as sendMessage refuses). */
  noRecipient: number;
  /** Of `queued`, those waiting for the quiet hours to end (reason quiet_hours). */
  quietHours: number;
  /** Customers who already have this source's message for this template (a resumed slice): nothing written again. */
  existing: number;
  /** Ids that are no customer, or a deleted one: nothing written. */
  deleted: number;
};

/**
 * Puts one template's message to many customers in the outbox, in the caller's transaction, with the rules of
 * `sendMessage` (recipient, consent, weekly cap with pending messages, quiet hours) and its rendering (the customer's
 * language, variables, the opt-out footer with a signed unsubscribe link). Set-based: one query for the customers,
 * one for their weekly-cap counts, settings read once, then inserts of up to 2,500 rows (one JSON parameter each) that skip messages this
 * source already wrote (`messages_source_unique`): running a slice again writes nothing twice. The caller passes a
 * slice (1,000–5,000 ids); duplicate ids count once.
 *
 * Differences from sendMessage, on purpose:
 * - No audit row per message: the caller (a campaign launch) audits the launch once; 100,000 audit rows would
 *   drown the audit log and cost as much as the messages themselves. The rows keep `source_kind`/`source_id`.
 * - No per-customer row lock: a single message sent to the same customer at the same moment by another transaction
 *   may pass the cap check alongside it (the sender checks the cap again, sent messages only, before delivery).
 * - Customers without a recipient are counted, not written (the recipient column is required; sendMessage refuses
 *   them with an error rather than storing a message).
 * - Nothing is kicked per message: after the commit the caller calls `kickSweep(rt)` once; the sweep delivers every
 *   due message in batches (quiet-hours messages when they fall due).
 *
 * The weekly cap sees messages written earlier in the same transaction (another template of the same campaign).
 */
export async function enqueueBulk(db: DbOrTx, input: BulkInput, rt: MessagingRuntime): Promise<BulkResult> {
  const result: BulkResult = { queued: 0, suppressed: { no_consent: 0, frequency_cap: 0 }, noRecipient: 0, quietHours: 0, existing: 0, deleted: 0 };
  const ids = [...new Set(input.customerIds)];
  if (!ids.length) return result;
  const tpl = await repo.findTemplate(db, input.templateId);
  if (!tpl) throw AppError.field('templateId', 'messages.template_not_found');
  if (tpl.archivedAt) throw AppError.field('templateId', 'messages.template_archived');
  const { now } = input;
  const channel = tpl.channel;
  const category = input.category ?? tpl.category;

  const settings = await readMessageSettings(db);
  const company = await readCompanySettings(db);
  const rc = renderContext(company, now);
  const base = settings.publicUrl ?? rt.fallbackUrl;
  const secret = channel === 'email' ? await signingSecret(db) : null;
  const quietEnd = quietUntil(now, channel, settings.quietHours, knownZone(company.timezone));

  const found = new Map((await repo.customersForMessages(db, ids)).map((c) => [c.id, c]));
  const capCounts = countsTowardsCap(category) ? await repo.cappedCounts(db, ids, new Date(now.getTime() - CAP_WINDOW_MS)) : new Map<string, number>();
  // The consent ledger's purpose (issue #18): a household that objected to marketing, or refused surveys, gets none.
  const refused = await purposeRefusals(db, ids, channel, category, input.sourceKind);

  const rows: MessageInsert[] = [];
  for (const customerId of ids) {
    const c = found.get(customerId);
    if (!c || c.deletedAt) {
      result.deleted++;
      continue;
    }
    const recipient = recipientOf(c, channel, settings);
    if (!recipient) {
      result.noRecipient++;
      continue;
    }
    const rendered = renderFor(tpl, c, rc, input.variables?.get(customerId));
    const id = randomUUID();
    // The link is only written into emails (withOptOut): no signature for other channels.
    const link = secret ? unsubscribeUrl(base, unsubscribeToken(secret, id)) : '';
    const body = withOptOut(rendered.body, channel, category, rendered.locale, link);
    const { status, reason, nextAttemptAt } = await enqueueOutcome(
      !!c.consent?.[channel] && !refused.has(customerId),
      () => countsTowardsCap(category) && (capCounts.get(customerId) ?? 0) >= settings.weeklyCap,
      () => quietEnd,
      now,
    );
    rows.push({
      id,
      customerId,
      channel,
      category,
      templateId: tpl.id,
      locale: rendered.locale,
      subject: rendered.subject,
      body,
      fieldSpans: storedSpans(rendered, rendered.subject, body),
      recipient,
      status,
      reason,
      nextAttemptAt,
      createdBy: input.createdBy,
      createdAt: now,
      sourceKind: input.sourceKind,
      sourceId: input.sourceId,
    });
  }

  const byCustomer = new Map(rows.map((r) => [r.customerId, r]));
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const chunk = rows.slice(i, i + INSERT_ROWS);
    const written = await repo.insertMessagesOnce(db, chunk);
    result.existing += chunk.length - written.length;
    for (const customerId of written) {
      const r = byCustomer.get(customerId)!;
      if (r.status === 'suppressed') result.suppressed[r.reason as 'no_consent' | 'frequency_cap']++;
      else {
        result.queued++;
        if (r.reason === 'quiet_hours') result.quietHours++;
      }
    }
  }
  return result;
}

/**
 * After the transaction that enqueued bulk messages committed: one sweep of the outbox soon (the runtime's `drain`),
 * instead of a delivery job per message. Without a drain the periodic sweep delivers them within its interval.
 */
export function kickSweep(rt: MessagingRuntime): void {
  try {
    rt.drain?.();
  } catch (err) {
    rt.log(`bulk messages: could not start a sweep (${(err as Error).message}); the periodic sweep will send them`);
  }
}

/** How a bulk source's messages stand: delivered = sent. */
export type SourceCounts = {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  suppressed: Record<MessageReason, number>;
};

export async function messageCountsBySource(db: DbOrTx, sourceId: string): Promise<SourceCounts> {
  return (await messageCountsBySources(db, [sourceId])).get(sourceId)!;
}

/** The counts of many bulk sources in one grouped query: every id given is in the map (all zero when it wrote nothing). */
export async function messageCountsBySources(db: DbOrTx, sourceIds: readonly string[]): Promise<Map<string, SourceCounts>> {
  const out = new Map<string, SourceCounts>();
  // The database gives uuids in lower case: each id given is found under that form.
  const byId = new Map<string, SourceCounts>();
  for (const id of sourceIds) {
    const counts = byId.get(id.toLowerCase()) ?? {
      total: 0,
      queued: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      suppressed: { no_consent: 0, frequency_cap: 0, customer_deleted: 0, quiet_hours: 0, withdrawn: 0 },
    };
    byId.set(id.toLowerCase(), counts);
    out.set(id, counts);
  }
  if (!byId.size) return out;
  for (const r of await repo.countsBySources(db, [...byId.keys()])) {
    const c = byId.get(r.sourceId!)!;
    c.total += r.n;
    if (r.status === 'suppressed') {
      if (r.reason) c.suppressed[r.reason] += r.n;
    } else c[r.status] += r.n;
  }
  return out;
}

/** SQL facts about a bulk source's messages, for other modules' queries. */
export const messageFacts = {
  /** A message of the source to the customer (a column or expression of the outer query) was sent. */
  sentTo: (sourceId: string, customerId: SQLWrapper): SQL => repo.sentToSql(sourceId, customerId),
  /** A message of the source to the customer was opened (an email's image loaded, or a link followed: tracking.ts). */
  openedBy: (sourceId: string, customerId: SQLWrapper): SQL => repo.engagedSql(sourceId, customerId, 'opened'),
  /** A tracked link in a message of the source to the customer was followed. */
  clickedBy: (sourceId: string, customerId: SQLWrapper): SQL => repo.engagedSql(sourceId, customerId, 'clicked'),
};

/**
 * Calls off a bulk source's messages that have not gone out (queued, incl. those waiting for quiet hours): suppressed
 * with reason `withdrawn`. A message a sender already claimed (sending) still goes. Returns how many were withdrawn.
 */
export async function withdrawBySource(db: DbOrTx, sourceId: string): Promise<number> {
  return repo.withdrawQueuedBySource(db, sourceId);
}
