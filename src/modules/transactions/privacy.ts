/**
 * The transactions module's personal-data hook (issue #18): the person's purchases, payments and refunds with their lines.
 * Erasure keeps every transaction and line (accounting: fee payments are kept by law) with amounts, dates, seasons and
 * external ids as they are — the customer they point at is the pseudonym; only the free-text notes go, and a line's
 * description keeps no identifying string of the person.
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { scrubText, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
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
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const noted = await db
      .update(transactions)
      .set({ notes: null })
      .where(and(eq(transactions.customerId, customerId), isNotNull(transactions.notes)))
      .returning({ id: transactions.id });
    const ids = (await db.select({ id: transactions.id }).from(transactions).where(eq(transactions.customerId, customerId))).map((r) => r.id);
    let lines = 0;
    if (ids.length && ctx.needles.length) {
      const rows = await db
        .select({ id: transactionLines.id, description: transactionLines.description })
        .from(transactionLines)
        .where(and(inArray(transactionLines.transactionId, ids), sqlHoldsAny(transactionLines.description, ctx.needles)));
      for (const r of rows) await db.update(transactionLines).set({ description: scrubText(r.description, ctx.needles) }).where(eq(transactionLines.id, r.id));
      lines = rows.length;
    }
    return { transactions: noted.length, transaction_lines: lines };
  },
};
