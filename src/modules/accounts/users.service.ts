import { scopeWithin } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { hashPassword, isStrongEnough } from '../../platform/auth/password.js';
import { isUniqueViolation, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { maskPhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import { roleGrants } from './directory.js';
import {
  countActiveAdmins,
  deleteUserSessions,
  findTeam,
  findUserById,
  insertUser,
  listUsers as listUserRows,
  updateUser as updateUserRow,
  type UserRow,
} from './accounts.repository.js';
import type { CreateUserInput, UpdateUserInput } from './accounts.types.js';
import type { UserView } from './accounts.contract.js';
import { toUserView } from './views.js';
import { twoFactorUserIds } from './security.repository.js';

/**
 * Nobody hands out more than they hold: a role can be given (or taken from a user) only by an actor holding every
 * permission of that role and at least its data scope. The CLI and setup act as the system and may give any role.
 */
export async function assertCanGrant(db: DbOrTx, actor: Actor, roleKey: string, field = 'roleKey'): Promise<void> {
  if (actor.via === 'cli' || actor.via === 'system') return;
  const role = await roleGrants(db, roleKey);
  const missing = [...role.permissions].filter((p) => !actor.permissions.has(p));
  if (missing.length || !scopeWithin(actor, role.scope)) {
    throw new AppError('forbidden', 'users.role_too_strong', { role: roleKey }, [
      { field, key: 'users.role_too_strong', params: { role: roleKey } },
    ]);
  }
}

export async function listUsers(db: DbOrTx, actor: Actor | null): Promise<UserView[]> {
  requireAccess(actor, 'user:read');
  const rows = await listUserRows(db);
  const full = actor.permissions.has('user:manage');
  // Colleagues see each other's names and teams (to pick an owner); contact details are for user admins, and whether
  // two-factor sign-in is on (which they can reset, issue #18).
  const twoFactor = full ? await twoFactorUserIds(db) : null;
  return rows.map((u) => (twoFactor ? { ...toUserView(u), twoFactor: twoFactor.has(u.id) } : { ...toUserView(u), mobile: null, email: null }));
}

/** Creates a user. `firstAdmin` skips the access check: it is how setup and `hearth user create` make the first one. */
export async function createUser(
  db: DbOrTx,
  actor: Actor | null,
  input: CreateUserInput,
  opts: { firstAdmin?: boolean } = {},
): Promise<UserView> {
  if (!opts.firstAdmin) requireAccess(actor, 'user:manage');
  if (!actor) throw new AppError('unauthenticated', 'problem.unauthenticated');
  if (!isStrongEnough(input.password)) throw AppError.field('password', 'auth.weak_password');
  if (input.teamId && !(await findTeam(db, input.teamId))) throw AppError.field('teamId', 'teams.not_found');
  await assertCanGrant(db, actor, input.roleKey);
  let row: UserRow;
  try {
    row = await insertUser(db, {
      username: input.username,
      displayName: input.displayName,
      mobile: input.mobile ?? null,
      email: input.email ?? null,
      passwordHash: await hashPassword(input.password),
      roleKey: input.roleKey,
      teamId: input.teamId ?? null,
      locale: input.locale ?? null,
    });
  } catch (err) {
    throw uniqueUserError(err, input.username);
  }
  await recordAudit(db, actor, {
    action: 'create',
    entityType: 'user',
    entityId: row.id,
    changes: { username: row.username, roleKey: row.roleKey, teamId: row.teamId },
  });
  return toUserView(row);
}

export async function updateUser(db: DbOrTx, actor: Actor | null, id: string, input: UpdateUserInput): Promise<UserView> {
  requireAccess(actor, 'user:manage');
  const before = await findUserById(db, id);
  if (!before) throw AppError.notFound('users.not_found');
  if (input.active === false && id === actor.userId) throw AppError.field('active', 'users.cannot_deactivate_self');
  // A user manager cannot change someone stronger than themselves, nor make anyone stronger.
  await assertCanGrant(db, actor, before.roleKey, 'id');
  if (input.roleKey) await assertCanGrant(db, actor, input.roleKey);
  if (input.teamId && !(await findTeam(db, input.teamId))) throw AppError.field('teamId', 'teams.not_found');
  const { unlock, ...rest } = input;
  const values: Parameters<typeof updateUserRow>[2] = { ...rest };
  if (unlock) Object.assign(values, { failedLogins: 0, lockedUntil: null });
  let after: UserRow | undefined;
  try {
    after = await updateUserRow(db, id, values);
  } catch (err) {
    throw uniqueUserError(err, before.username);
  }
  if (!after) throw AppError.notFound('users.not_found');
  if (before.roleKey === 'admin' && before.active && (after.roleKey !== 'admin' || !after.active)) {
    if ((await countActiveAdmins(db)) === 0) throw AppError.conflict('users.last_admin');
  }
  if (!after.active) await deleteUserSessions(db, id);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of ['displayName', 'mobile', 'email', 'roleKey', 'teamId', 'active', 'locale'] as const) {
    if (before[k] === after[k]) continue;
    // Personal data is stored masked in the audit log (its readers need not hold user:manage).
    const masked = (m: string | null) => (m ? maskPhone(m) : m);
    changes[k] = k === 'mobile' ? [masked(before.mobile), masked(after.mobile)] : [before[k], after[k]];
  }
  if (unlock) changes.locked = [true, false];
  await recordAudit(db, actor, { action: 'update', entityType: 'user', entityId: id, changes });
  return toUserView(after);
}

export async function resetPassword(db: DbOrTx, actor: Actor | null, id: string, password: string): Promise<void> {
  requireAccess(actor, 'user:manage');
  if (!isStrongEnough(password)) throw AppError.field('password', 'auth.weak_password');
  const target = await findUserById(db, id);
  if (!target) throw AppError.notFound('users.not_found');
  await assertCanGrant(db, actor, target.roleKey, 'id');
  const row = await updateUserRow(db, id, {
    passwordHash: await hashPassword(password),
    passwordChangedAt: new Date(),
    failedLogins: 0,
    lockedUntil: null,
  });
  if (!row) throw AppError.notFound('users.not_found');
  await deleteUserSessions(db, id);
  await recordAudit(db, actor, { action: 'reset_password', entityType: 'user', entityId: id });
}

function uniqueUserError(err: unknown, username: string): unknown {
  if (isUniqueViolation(err, 'users_username_unique')) return AppError.field('username', 'users.username_taken', { value: username }, 'conflict');
  if (isUniqueViolation(err, 'users_mobile_unique')) return AppError.field('mobile', 'users.mobile_taken', {}, 'conflict');
  return err;
}
