/**
 * The consent ledger and the erased-record register in the privacy module's personal-data hook (issue #18): a person's
 * consent history is part of their copy; an erasure keeps the entries (what was consented, when, by which source: the
 * company must still be able to show it had consent for what it sent) but removes what an agent wrote in them and the
 * refs that can quote the person (an SMS keyword), and ends every consent still given (entries of source `erasure`,
 * which rewrite the consent column). `privacy_erased_customers` (ids and a time: which records an erasure anonymised)
 * is written after the hooks ran and holds nothing to erase.
 */
import { asc, eq, isNotNull, or, and } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { cachedConsent } from '../customers/index.js';
import { CONSENT_CHANNELS, type ConsentChannel } from './consent.contract.js';
import { latestEntries } from './consent.repository.js';
import { consentLedger } from './consent.service.js';
import type { ErasureContext, PersonalDataSection } from './hooks.js';
import { consentEntries } from './consent.schema.js';
import { privacyErasedCustomers } from './erase.schema.js';

export const CONSENT_TABLES = ['privacy_consent_entries', 'privacy_erased_customers'] as const;

export async function consentSections(db: DbOrTx, customerId: string): Promise<PersonalDataSection[]> {
  const entries = await db.select().from(consentEntries).where(eq(consentEntries.customerId, customerId)).orderBy(asc(consentEntries.id));
  const erased = await db.select().from(privacyErasedCustomers).where(eq(privacyErasedCustomers.customerId, customerId));
  return [
    { name: 'consent', table: 'privacy_consent_entries', rows: entries },
    { name: 'erasures', table: 'privacy_erased_customers', rows: erased },
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
  return { privacy_consent_entries: scrubbed.length + channels.length };
}

/** The channels the consent column says yes to (what the ledger adopts, if it never heard of them). */
async function grantedChannels(db: DbOrTx, customerId: string): Promise<Set<ConsentChannel>> {
  const c = (await cachedConsent(db, [customerId])).get(customerId);
  return new Set(CONSENT_CHANNELS.filter((ch) => !!c?.[ch]));
}
