/**
 * People erased before (PIPL, issue #18): the privacy module keeps a keyed hash of an erased person's phone and ID
 * numbers; this module asks it — through the lookup the composition root registers (src/app.ts), never importing the
 * privacy module — whether a phone or ID number being entered or imported was an erased person's.
 * - The create form's duplicate check (「可能重复」) answers it as a warning (`erased`): the person may have come back
 *   of their own will; the agent confirms their consent before saving.
 * - An import refuses such a row (`customers.erased_person`, naming the column): a bulk file re-creating a person who
 *   asked to be forgotten would undo the erasure unseen (HubSpot blocks a deleted contact's address the same way). An
 *   agent can still enter them by hand after the warning.
 * - A customer record the privacy module erased (anonymised in place and soft-deleted: the person's record, or a
 *   duplicate merged into it) is never brought back: its restore and the undo of a merge it took part in answer 409
 *   (`customers.erased_restore`, `merge.undo_erased`). The privacy module says which records those are, through the
 *   check the composition root registers (`registerErasedCustomerCheck`).
 */
import type { DbOrTx } from '../../platform/db/client.js';

export type ErasedPersonMatch = { kind: 'phone' | 'id_number'; value: string; erasedAt: Date };
export type ErasedPersonLookup = (db: DbOrTx, keys: { phones: readonly string[]; idNumbers: readonly string[] }) => Promise<ErasedPersonMatch[]>;

let lookup: ErasedPersonLookup | null = null;

/** Sets the lookup (one: the privacy module's); returns its removal. */
export function registerErasedPersonLookup(fn: ErasedPersonLookup): () => void {
  lookup = fn;
  return () => {
    if (lookup === fn) lookup = null;
  };
}

/** The phones and ID numbers among these that were an erased person's (none without a registered lookup). */
export async function erasedPersonMatches(db: DbOrTx, keys: { phones: readonly string[]; idNumbers: readonly string[] }): Promise<ErasedPersonMatch[]> {
  if (!lookup || (!keys.phones.length && !keys.idNumbers.length)) return [];
  return lookup(db, keys);
}

/** Of these customer ids, those whose records an erasure anonymised. */
export type ErasedCustomerCheck = (db: DbOrTx, customerIds: readonly string[]) => Promise<Set<string>>;

let erasedCheck: ErasedCustomerCheck | null = null;

/** Sets the check (one: the privacy module's `erasedCustomerIds`); returns its removal. */
export function registerErasedCustomerCheck(fn: ErasedCustomerCheck): () => void {
  erasedCheck = fn;
  return () => {
    if (erasedCheck === fn) erasedCheck = null;
  };
}

/** The ids among these whose records were erased (none without a registered check). */
export async function erasedCustomers(db: DbOrTx, customerIds: readonly string[]): Promise<Set<string>> {
  if (!erasedCheck || !customerIds.length) return new Set();
  return erasedCheck(db, customerIds);
}
