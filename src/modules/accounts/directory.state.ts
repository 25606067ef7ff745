/**
 * The directory cache's state (directory.ts): kept apart so that the repository, which drops the cache on every
 * change, and the directory, which reads through the repository, do not import each other.
 */
export const directoryState = {
  /**
   * Bumped by every change. Changes are made inside transactions, whose `tx` is not the `db` the cache is keyed by,
   * so dropping one entry is not enough: every entry older than the last change is stale.
   */
  generation: 0,
  cache: new WeakMap<object, unknown>(),
};

export function invalidateDirectory(db: object): void {
  directoryState.generation++;
  directoryState.cache.delete(db);
}
