/**
 * New customers, heard by the modules that care without this module importing them (loyalty: 老带新 attribution).
 *
 * A customer may be created with a `referralCode` (the create body's field, the import's 推荐码 column, the loyalty
 * module's public join page). This module does not know what a code means; it only carries it:
 * - before anything is written, `checkReferralCodes` of every hook answers the codes it refuses (unknown), each with
 *   its message: a create answers 400 naming `referralCode`, an import rejects the row naming the column. Without a
 *   hook that checks codes, a code is accepted and nothing reads it.
 * - after the customers are written (and audited), `created` runs inside the same database transaction, on the handle
 *   it is given, so what it writes commits or rolls back with them. One call per create, one per import batch (every
 *   new customer of the batch, with its code or null). A hook must be cheap when no customer carries a code.
 * Registered by the composition root (src/app.ts); registering a name again replaces the hook.
 */
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';

export type CustomerCreatedEvent = { source: 'create' | 'import'; customers: { customerId: string; referralCode: string | null }[] };

export type CustomerCreatedHook = {
  /** The codes among `codes` this hook refuses, each with its message (key and parameters). */
  checkReferralCodes?: (db: DbOrTx, codes: string[]) => Promise<Map<string, Omit<FieldIssue, 'field'>>>;
  created: (db: DbOrTx, actor: Actor, event: CustomerCreatedEvent) => Promise<void>;
};

const hooks = new Map<string, CustomerCreatedHook>();

/** Sets the hook registered under `name`; returns its removal. */
export function registerCustomerCreatedHook(name: string, hook: CustomerCreatedHook): () => void {
  hooks.set(name, hook);
  return () => {
    if (hooks.get(name) === hook) hooks.delete(name);
  };
}

/** The refused codes among `codes`, each with its message (the first hook's that refuses it). */
export async function referralCodeIssues(db: DbOrTx, codes: readonly string[]): Promise<Map<string, Omit<FieldIssue, 'field'>>> {
  const out = new Map<string, Omit<FieldIssue, 'field'>>();
  const unique = [...new Set(codes.filter(Boolean))];
  if (!unique.length) return out;
  for (const hook of hooks.values()) {
    if (!hook.checkReferralCodes) continue;
    for (const [code, issue] of await hook.checkReferralCodes(db, unique)) if (!out.has(code)) out.set(code, issue);
  }
  return out;
}

/** A create's code: 400 naming `referralCode` when a hook refuses it. */
export async function refuseBadReferralCode(db: DbOrTx, code: string | null | undefined): Promise<void> {
  if (!code) return;
  const issue = (await referralCodeIssues(db, [code])).get(code);
  if (issue) throw AppError.validation([{ field: 'referralCode', ...issue }]);
}

export async function customersCreated(db: DbOrTx, actor: Actor, event: CustomerCreatedEvent): Promise<void> {
  if (!event.customers.length) return;
  for (const hook of hooks.values()) await hook.created(db, actor, event);
}
