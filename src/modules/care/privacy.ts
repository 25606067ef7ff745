/** The care module's personal-data hook (issue #18): the care occasions and return visits that fired for the person. Erasure: the occasions that fired are dates and rule ids: kept, and the erased (soft-deleted) record gets no new ones. */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { careOccurrences } from './schema.js';

export const carePersonalData: PersonalDataHook = {
  module: 'care',
  tables: ['care_occurrences'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(careOccurrences).where(eq(careOccurrences.customerId, customerId)).orderBy(asc(careOccurrences.id));
    return [{ name: 'occurrences', table: 'care_occurrences', rows }];
  },
  async erase() {
    return {};
  },
};
