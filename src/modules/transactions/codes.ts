/**
 * Codes carried by a transaction (coupon codes): the transactions module does not know what a code means, so a
 * higher module (campaigns) registers the one handler that does. The handler runs inside the database transaction
 * that wrote the transaction (after its row and lines are inserted); throwing an AppError (e.g.
 * `AppError.field('couponCode', …)`) rolls the transaction back and answers that error (API) or rejects the row
 * (import). Codes apply to purchases only. Without a handler every code is refused as unknown.
 */
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import type { TransactionType } from './transactions.contract.js';

/** The longest code a transaction may carry (API and import). */
export const MAX_COUPON_CODE = 40;

export type TransactionCodeEvent = {
  transactionId: string;
  customerId: string;
  code: string;
  amountFen: number;
  type: TransactionType;
  occurredAt: Date;
  source: 'api' | 'import';
};

export type TransactionCodeHandler = (tx: DbOrTx, actor: Actor, event: TransactionCodeEvent) => Promise<void>;

let current: TransactionCodeHandler | null = null;

/**
 * Sets the handler of transaction codes. One handler: registering again replaces the previous one (so registering
 * on every app start is harmless). Returns a function that removes this handler again, restoring the one it replaced
 * (a no-op once another handler has replaced it).
 */
export function registerTransactionCodeHandler(handler: TransactionCodeHandler): () => void {
  const previous = current;
  current = handler;
  return () => {
    if (current === handler) current = previous;
  };
}

/** Test only: removes whatever handler is registered; the returned function puts it back. */
export function clearTransactionCodeHandlerForTests(): () => void {
  const previous = current;
  current = null;
  return () => {
    current = previous;
  };
}

/** Refuses a code before anything is written: codes apply to purchases, and are unknown without a handler. */
export function checkTransactionCode(code: string, type: TransactionType): void {
  if (type !== 'purchase') throw AppError.field('couponCode', 'transactions.coupon_purchase_only', { code });
  if (!current) throw AppError.field('couponCode', 'transactions.coupon_unknown', { code });
}

/** Hands the written transaction to the handler (inside its database transaction); throws what the handler throws. */
export async function applyTransactionCode(tx: DbOrTx, actor: Actor, event: TransactionCodeEvent): Promise<void> {
  const handler = current;
  if (!handler) throw AppError.field('couponCode', 'transactions.coupon_unknown', { code: event.code });
  await handler(tx, actor, event);
}

/** The row issue of a refused code (an import row): the AppError's first field issue, or its key on `couponCode`. */
export function codeIssueOf(err: AppError): FieldIssue {
  return err.issues[0] ?? { field: 'couponCode', key: err.key, params: err.params };
}
