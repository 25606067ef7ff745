import { BUILTIN_ROLES, ROLE_KEYS, requireAccess, type Actor, type Permission, type Scope } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { findRole, listRoles as listRoleRows, updateRole as updateRoleRow, upsertBuiltinRole } from './accounts.repository.js';
import { invalidateDirectory } from './directory.js';
import { toRoleView } from './views.js';

/** Run at start: built-in roles exist and, unless an admin changed them, follow the code's defaults. */
export async function ensureBuiltinRoles(db: DbOrTx): Promise<void> {
  for (const key of ROLE_KEYS) {
    const def = BUILTIN_ROLES[key];
    await upsertBuiltinRole(db, key, def.scope, def.permissions);
  }
  invalidateDirectory(db);
}

export async function listRoles(db: DbOrTx, actor: Actor | null) {
  requireAccess(actor, 'user:read');
  return (await listRoleRows(db)).map(toRoleView);
}

export async function updateRole(
  db: DbOrTx,
  actor: Actor | null,
  key: string,
  input: { scope?: Scope; permissions?: Permission[] },
) {
  requireAccess(actor, 'role:manage');
  if (key === 'admin') throw AppError.forbidden('roles.admin_fixed');
  const before = await findRole(db, key);
  if (!before) throw AppError.notFound('roles.not_found');
  const excess = (input.permissions ?? []).filter((p) => !actor.permissions.has(p));
  if (excess.length) {
    throw new AppError('forbidden', 'roles.too_strong', { permissions: excess.join(', ') }, [
      { field: 'permissions', key: 'roles.too_strong', params: { permissions: excess.join(', ') } },
    ]);
  }
  const row = await updateRoleRow(db, key, {
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.permissions ? { permissions: [...new Set(input.permissions)] } : {}),
  });
  await recordAudit(db, actor, {
    action: 'update',
    entityType: 'role',
    entityId: key,
    changes: { scope: [before.scope, row!.scope], permissions: [before.permissions, row!.permissions] },
  });
  invalidateDirectory(db);
  return toRoleView(row!);
}
