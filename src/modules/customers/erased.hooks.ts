/**
 * People erased before (PIPL, issue #18): the privacy module keeps a keyed hash of an erased person's phone and ID
 * numbers; this module asks it — through the lookup the composition root registers (src/app.ts), never importing the
 * privacy module — whether a phone or ID number being entered or imported was an erased person's.
 * - The create form's duplicate check (「可能重复」) answers it as a warning (`erased`): the person may have come back
 *   of their own will; the agent confirms their consent before saving.
 * - An import refuses such a row (`customers.erased_person`, naming the column): a bulk file re-creating a person who
 *   asked to be forgotten would undo the erasure unseen (HubSpot blocks a deleted contact's address the same way). An
 *   agent can still enter them by hand after the warning.
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
