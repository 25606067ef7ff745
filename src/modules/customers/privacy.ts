/**
 * The customers module's personal-data hook (issue #18): the profile (every stored field, tags and custom-field values
 * included, without the search keys derived from it), contacts, and the merges the person took part in (the
 * snapshots of both records as they were).
 */
import { eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { customerContacts, customerMerges, customers } from './schema.js';

export const customerPersonalData: PersonalDataHook = {
  module: 'customers',
  tables: ['customers', 'customer_contacts', 'customer_merges'],
  async export(db: DbOrTx, customerId: string) {
    const profile = await db.select().from(customers).where(eq(customers.id, customerId));
    const plain = profile.map(({ searchText: _t, phoneDigits: _p, searchBigrams: _b, importKey: _k, ...rest }) => rest);
    const custom = plain.flatMap((c) => Object.entries(c.custom ?? {}).map(([key, value]) => ({ key, value })));
    const tags = plain.flatMap((c) => c.tags.map((tag) => ({ tag })));
    const contacts = await db.select().from(customerContacts).where(eq(customerContacts.customerId, customerId));
    const merges = await db.select().from(customerMerges).where(or(eq(customerMerges.survivorId, customerId), eq(customerMerges.mergedId, customerId)));
    return [
      { name: 'profile', table: 'customers', rows: plain },
      { name: 'tags', table: 'customers', rows: tags },
      { name: 'custom_fields', table: 'customers', rows: custom },
      { name: 'contacts', table: 'customer_contacts', rows: contacts },
      { name: 'merges', table: 'customer_merges', rows: merges },
    ];
  },
};
