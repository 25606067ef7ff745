/**
 * Transactions written: a higher module (loyalty: points for payments, their reversal on a refund or a delete) hears
 * of every transaction created, deleted or restored — one call per API write, one per import batch — inside the
 * database transaction that wrote them, so what it writes commits or rolls back with them. The hook receives ids
 * only and reads what it needs through `transaction_ledger`. A hook must be idempotent on the ids (an import resumed
 * after a crash hands the same rows again only if their first write rolled back, but a hook must not rely on that).
 */
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';

export type TransactionWrittenEvent = { change: 'created' | 'deleted' | 'restored'; ids: string[]; source: 'api' | 'import' };
export type TransactionWrittenHook = (tx: DbOrTx, actor: Actor, event: TransactionWrittenEvent) => Promise<void>;

const hooks = new Map<string, TransactionWrittenHook>();

/**
 * Sets the hook registered under `name` (registering the same name again replaces it: an app built with another
 * clock replaces the hook that closed over the previous one). Returns its removal.
 */
export function registerTransactionWrittenHook(name: string, hook: TransactionWrittenHook): () => void {
  hooks.set(name, hook);
  return () => {
    if (hooks.get(name) === hook) hooks.delete(name);
  };
}

export async function transactionsWritten(tx: DbOrTx, actor: Actor, event: TransactionWrittenEvent): Promise<void> {
  if (!event.ids.length) return;
  for (const hook of hooks.values()) await hook(tx, actor, event);
}
