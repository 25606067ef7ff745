/** The feedback module's personal-data hook (issue #18): the person's feedback items (their text, the analysis, the reply sent). */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { feedbackItems } from './schema.js';

export const feedbackPersonalData: PersonalDataHook = {
  module: 'feedback',
  tables: ['feedback_items'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(feedbackItems).where(eq(feedbackItems.customerId, customerId)).orderBy(asc(feedbackItems.createdAt), asc(feedbackItems.id));
    return [{ name: 'items', table: 'feedback_items', rows }];
  },
};
