/** The transactions module's personal-data hook (issue #18): the person's purchases, payments and refunds with their lines. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { transactionLines, transactions } from './schema.js';

export const transactionPersonalData: PersonalDataHook = {
  module: 'transactions',
  tables: ['transactions', 'transaction_lines'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(transactions).where(eq(transactions.customerId, customerId)).orderBy(asc(transactions.occurredAt), asc(transactions.id));
    const ids = rows.map((r) => r.id);
    const lines = ids.length ? await db.select().from(transactionLines).where(inArray(transactionLines.transactionId, ids)).orderBy(asc(transactionLines.transactionId), asc(transactionLines.position)) : [];
    return [
      { name: 'transactions', table: 'transactions', rows: rows.map(({ importKey: _k, ...r }) => r) },
      { name: 'lines', table: 'transaction_lines', rows: lines },
    ];
  },
};
