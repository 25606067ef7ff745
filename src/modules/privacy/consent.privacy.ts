/**
 * The consent ledger and the retention marks in the privacy module's personal-data hook (issue #18): a person's
 * consent history is part of their copy; an erasure keeps the entries (what was consented, when, by which source: the
 * company must still be able to show it had consent for what it sent) but removes what an agent wrote in them and the
 * refs that can quote the person (an SMS keyword), ends every consent still given (entries of source `erasure`, which
 * rewrite the consent column), and takes the customer's retention mark (the erasure is what it asked for).
 */
import { asc, eq, isNotNull, or, and } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { cachedConsent } from '../customers/index.js';
import { CONSENT_CHANNELS, type ConsentChannel } from './consent.contract.js';
import { latestEntries } from './consent.repository.js';
import { consentLedger } from './consent.service.js';
import type { ErasureContext, PersonalDataSection } from './hooks.js';
import { consentEntries } from './consent.schema.js';
import { retentionMarks } from './retention.schema.js';

export const CONSENT_TABLES = ['privacy_consent_entries', 'privacy_retention_marks'] as const;

export async function consentSections(db: DbOrTx, customerId: string): Promise<PersonalDataSection[]> {
  const entries = await db.select().from(consentEntries).where(eq(consentEntries.customerId, customerId)).orderBy(asc(consentEntries.id));
  const marks = await db.select().from(retentionMarks).where(eq(retentionMarks.customerId, customerId));
  return [
    { name: 'consent', table: 'privacy_consent_entries', rows: entries },
    { name: 'retention_marks', table: 'privacy_retention_marks', rows: marks },
  ];
}

export async function eraseConsentData(db: DbOrTx, customerId: string, _ctx: ErasureContext): Promise<Record<string, number>> {
  // Every consent still given ends with the erasure (source `erasure`), so the ledger and the consent column agree
  // whatever the customers module's erasure wrote into the column.
  const latest = await latestEntries(db, [customerId], ['service', 'marketing', 'survey', 'all']);
  const open = CONSENT_CHANNELS.filter((ch) => [...latest.entries()].some(([key, e]) => key === `${customerId}:${ch}` && e.action === 'grant'));
  const given = await grantedChannels(db, customerId);
  const channels = CONSENT_CHANNELS.filter((ch) => open.includes(ch) || given.has(ch));
  if (channels.length) await consentLedger.record(db, null, [{ customerId, source: 'erasure', textId: null, changes: channels.map((channel) => ({ channel, purpose: 'all' as const, granted: false })) }]);
  const scrubbed = await db
    .update(consentEntries)
    .set({ note: null, ref: null })
    .where(and(eq(consentEntries.customerId, customerId), or(isNotNull(consentEntries.note), and(eq(consentEntries.source, 'sms_keyword'), isNotNull(consentEntries.ref)))))
    .returning({ id: consentEntries.id });
  const marks = await db.delete(retentionMarks).where(eq(retentionMarks.customerId, customerId)).returning({ id: retentionMarks.customerId });
  return { privacy_consent_entries: scrubbed.length + channels.length, privacy_retention_marks: marks.length };
}

/** The channels the consent column says yes to (what the ledger adopts, if it never heard of them). */
async function grantedChannels(db: DbOrTx, customerId: string): Promise<Set<ConsentChannel>> {
  const c = (await cachedConsent(db, [customerId])).get(customerId);
  return new Set(CONSENT_CHANNELS.filter((ch) => !!c?.[ch]));
}
