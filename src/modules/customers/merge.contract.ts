/**
 * What the duplicate finder and the merge API return, shared with the web UI. Types and plain constants only, and no
 * imports (the customer itself is a type parameter: `DuplicatePair<CustomerView>`).
 */

/** Why two customers look like the same one. */
export const DUPLICATE_REASONS = ['phone', 'email', 'id_number', 'name_address'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

/** Two live customers in the caller's scope that look alike; `a` has the smaller id. Personal data masked. */
export type DuplicatePair<C> = { a: C; b: C; reasons: DuplicateReason[] };

/**
 * The fields a merge lets the user choose between the two customers (the value of the survivor or of the merged
 * customer). `idNumber` carries the ID type with it, `address` all its parts, `owner` the owner and the team. Phones
 * and tags are not chosen: the survivor gets both customers' (its own first).
 */
export const MERGE_FIELDS = [
  'kind',
  'name',
  'email',
  'gender',
  'birthday',
  'lunarBirthday',
  'idNumber',
  'address',
  'preferences',
  'source',
  'stage',
  'owner',
  'consent',
  'notes',
  'externalId',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeChoice = 'survivor' | 'merged';

export type MergeView = {
  id: string;
  survivorId: string;
  survivorName: string;
  mergedId: string;
  mergedName: string;
  /** Which customer's value each field took. */
  choices: Partial<Record<MergeField, MergeChoice>>;
  /** How many rows moved to the survivor, per kind (contacts, transactions, …). */
  moved: Record<string, number>;
  mergedAt: string;
  mergedByName: string | null;
  undoneAt: string | null;
  undoneByName: string | null;
  /** Not undone yet, and the survivor unchanged since the merge. */
  undoable: boolean;
};

/** GET /customers/duplicates: a keyset page of pairs. */
export type DuplicatePage<C> = { items: DuplicatePair<C>[]; nextCursor: string | null };
/** GET /customers/merges: a page of merges, newest first. */
export type MergePage = { items: MergeView[]; nextCursor: string | null };
/** POST /customers/merge: the merge and the survivor as it is now. */
export type MergeResult<C> = { merge: MergeView; survivor: C };
/** POST /customers/merges/:id/undo: the merge (now undone) and both customers as they are again. */
export type UndoMergeResult<C> = { merge: MergeView; survivor: C; merged: C };
