import type { FieldGrants } from '../../platform/auth/field-catalog.js';
import { PERMISSIONS, type Permission, type Scope } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { listRoles, teamAndDescendants, type RoleRow } from './accounts.repository.js';
import { directoryState, invalidateDirectory } from './directory.state.js';

/**
 * Roles and the team tree change rarely and are read on every request, so they are cached per database for a few
 * seconds and dropped at once when this process changes them.
 */
const TTL_MS = 5_000;
type Entry = { at: number; generation: number; roles: Map<string, RoleRow>; teams: Map<string, string[]>; credentials: Map<string, unknown> };
const cache = directoryState.cache as WeakMap<object, Entry>;

function entry(db: DbOrTx): Entry {
  let e = cache.get(db);
  const { generation } = directoryState;
  if (!e || e.generation !== generation || Date.now() - e.at > TTL_MS) {
    e = { at: Date.now(), generation, roles: new Map(), teams: new Map(), credentials: new Map() };
    cache.set(db, e);
  }
  return e;
}

export { invalidateDirectory };

export async function roleGrants(
  db: DbOrTx,
  key: string,
): Promise<{ scope: Scope; permissions: Set<Permission>; fieldGrants: Readonly<FieldGrants> | null }> {
  const e = entry(db);
  if (!e.roles.size) for (const r of await listRoles(db)) e.roles.set(r.key, r);
  const role = e.roles.get(key);
  // An unknown role sees nothing: no permissions, and an empty allow-list of fields.
  if (!role) return { scope: 'own', permissions: new Set(), fieldGrants: {} };
  const known = new Set<string>(PERMISSIONS);
  return {
    scope: role.scope,
    permissions: new Set(role.permissions.filter((p): p is Permission => known.has(p))),
    // The admin role sees and changes every field, whatever is stored.
    fieldGrants: role.key === 'admin' ? null : (role.fieldGrants ?? null),
  };
}

export async function teamReach(db: DbOrTx, teamId: string | null): Promise<string[]> {
  if (!teamId) return [];
  const e = entry(db);
  let ids = e.teams.get(teamId);
  if (!ids) {
    ids = await teamAndDescendants(db, teamId);
    e.teams.set(teamId, ids);
  }
  return ids;
}

/**
 * A session or API token resolved to its user, cached like roles: every request needs it, and without the cache a
 * read costs two queries instead of one. Any change to users, sessions or tokens made by this process (deactivation,
 * role change, revocation, sign-out, touch) invalidates every entry at once; another process's change is seen
 * within the TTL (5 s), as for roles.
 */
export async function cachedCredential<T>(db: DbOrTx, key: string, load: () => Promise<T>): Promise<T> {
  const e = entry(db);
  if (e.credentials.has(key)) return e.credentials.get(key) as T;
  const value = await load();
  if (e.generation === directoryState.generation) e.credentials.set(key, value);
  return value;
}
