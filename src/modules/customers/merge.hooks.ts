import type { DbOrTx } from '../../platform/db/client.js';

/**
 * How a module takes part in merging duplicate customers: it moves its own rows from the merged customer to the
 * survivor and says which ones it moved; undoing the merge hands exactly those ids back. Both run inside the merge's
 * (or the undo's) transaction, on the handle they are given.
 */
export type MergeHook = {
  /** Stable name: the moved ids are stored under it in the merge record (so never rename it). */
  key: string;
  /** Moves every row of `fromId` to `toId` (soft-deleted rows too) and returns the ids of the rows it moved. */
  move(db: DbOrTx, fromId: string, toId: string): Promise<string[]>;
  /** Moves the rows with these ids, where they still belong to `fromId` (the survivor), back to `toId`. */
  moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void>;
};

const hooks = new Map<string, MergeHook>();

/** Registers (or replaces) a module's merge hook; the composition root (src/app.ts) calls this at start. */
export function registerMergeHook(hook: MergeHook): void {
  // The customers module keeps its own contacts under these keys of the merge record.
  if (hook.key === 'contacts' || hook.key.startsWith('contacts.')) throw new Error(`merge hook key "${hook.key}" is reserved`);
  hooks.set(hook.key, hook);
}

/** The registered hooks, in registration order. */
export function mergeHooks(): MergeHook[] {
  return [...hooks.values()];
}

export function mergeHook(key: string): MergeHook | undefined {
  return hooks.get(key);
}
