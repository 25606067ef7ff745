/**
 * Customers' consent and the consent ledger (issue #18 item 4). The ledger lives in the privacy module; the customers'
 * `consent` column is its cache (the `service` purpose per channel), read by segments facts, campaigns, messages and
 * care. Every path that changes consent — the form, the import, a merge, the messages module's unsubscribe link and TD
 * keyword — calls `recordConsent` inside its transaction; the ledger the composition root registers
 * (`registerConsentLedger`, app.ts) appends the entries and rewrites the cache from them (`writeConsentCache`), so the
 * two cannot drift. The customers module does not import the privacy module: the ledger is handed in.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { ConsentEntryPurpose, ConsentPurpose, ConsentSource } from '../privacy/index.js';
import { CHANNELS, type Channel, type Consent } from './customers.contract.js';
import { customers } from './schema.js';

export type ConsentChange = { channel: Channel; purpose: ConsentEntryPurpose; granted: boolean };
export type ConsentRecord = {
  customerId: string;
  changes: ConsentChange[];
  source: ConsentSource;
  /** What it came from (a message id, the keyword, an import job). */
  ref?: string | null;
  note?: string | null;
  /** The consent text shown; undefined: the current version. */
  textId?: string | null;
};

export type ConsentLedger = {
  record(db: DbOrTx, actor: Actor | null, records: ConsentRecord[]): Promise<void>;
  /** Of `customerIds`, those whose latest entry for the channel and purpose (or all purposes) is a withdrawal. */
  refusals(db: DbOrTx, customerIds: string[], channel: Channel, purpose: ConsentPurpose): Promise<Set<string>>;
};

let ledger: ConsentLedger | null = null;

/** The composition root hands in the privacy module's ledger. */
export function registerConsentLedger(l: ConsentLedger): void {
  ledger = l;
}

/** The changes from one consent to another, each for all purposes of its channel (the form's per-channel checkbox). */
export function consentChanges(before: Partial<Consent> | null, after: Partial<Consent>): ConsentChange[] {
  return CHANNELS.filter((ch) => !!before?.[ch] !== !!after[ch]).map((ch) => ({ channel: ch, purpose: 'all' as const, granted: !!after[ch] }));
}

/**
 * Records consent changes in the ledger (the caller's transaction); without a ledger (a bare script) only the cache is
 * written, as before the ledger existed.
 */
export async function recordConsent(db: DbOrTx, actor: Actor | null, records: ConsentRecord[]): Promise<void> {
  const real = records.filter((r) => r.changes.length);
  if (!real.length) return;
  if (ledger) return ledger.record(db, actor, real);
  for (const r of real) {
    const [row] = await db.select({ consent: customers.consent }).from(customers).where(eq(customers.id, r.customerId));
    const next = { ...(row?.consent ?? {}) } as Consent;
    for (const c of r.changes) if (c.purpose === 'all' || c.purpose === 'service') next[c.channel] = c.granted;
    await writeConsentCache(db, [{ customerId: r.customerId, consent: next }]);
  }
}

export async function consentRefusals(db: DbOrTx, customerIds: string[], channel: Channel, purpose: ConsentPurpose): Promise<Set<string>> {
  if (!ledger || !customerIds.length || purpose === 'service') return new Set();
  return ledger.refusals(db, customerIds, channel, purpose);
}

/**
 * The cache, rewritten from the ledger: rows whose consent differs get it and a new version (an edit opened before is
 * refused as stale, as with any change). Returns how many changed.
 */
export async function writeConsentCache(db: DbOrTx, rows: { customerId: string; consent: Consent }[]): Promise<number> {
  let changed = 0;
  for (const r of rows) {
    const value = Object.fromEntries(CHANNELS.map((ch) => [ch, !!r.consent[ch]])) as Consent;
    const done = await db
      .update(customers)
      .set({ consent: value, version: sql`${customers.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(customers.id, r.customerId), sql`${customers.consent} is distinct from ${JSON.stringify(value)}::jsonb`))
      .returning({ id: customers.id });
    changed += done.length;
  }
  return changed;
}

/** The cached consent of customers (the privacy module's derivation test compares it with the ledger). */
export async function cachedConsent(db: DbOrTx, customerIds: string[]): Promise<Map<string, Consent>> {
  if (!customerIds.length) return new Map();
  const rows = await db.select({ id: customers.id, consent: customers.consent }).from(customers).where(inArray(customers.id, customerIds));
  return new Map(rows.map((r) => [r.id, r.consent]));
}
