/** The messages module's personal-data hook (issue #18): every outbox message to the person (text as sent, recipient, status). */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { messages } from './schema.js';

export const messagePersonalData: PersonalDataHook = {
  module: 'messages',
  tables: ['messages'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(messages).where(eq(messages.customerId, customerId)).orderBy(asc(messages.createdAt), asc(messages.id));
    return [{ name: 'messages', table: 'messages', rows }];
  },
};
