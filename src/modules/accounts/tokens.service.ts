import { randomBytes } from 'node:crypto';
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { findToken, insertToken, listTokens as listTokenRows, revokeToken as revokeTokenRow } from './accounts.repository.js';
import { sha256 } from './auth.service.js';
import { toTokenView } from './views.js';

export async function listTokens(db: DbOrTx, actor: Actor | null) {
  requireAccess(actor, 'token:manage');
  const all = actor.permissions.has('user:manage');
  return (await listTokenRows(db, all ? null : [actor.userId ?? ''])).map(toTokenView);
}

/** The secret is returned once; only its hash is stored. A token never holds a permission its creator lacks. */
export async function createToken(
  db: DbOrTx,
  actor: Actor | null,
  input: { name: string; permissions?: Permission[]; expiresInDays?: number },
) {
  requireAccess(actor, 'token:manage');
  if (!actor.userId || actor.via === 'token') throw AppError.forbidden();
  const wanted = input.permissions ?? [...actor.permissions];
  const excess = wanted.filter((p) => !actor.permissions.has(p));
  if (excess.length) {
    throw new AppError('forbidden', 'auth.token_too_strong', { permissions: excess.join(', ') }, [
      { field: 'permissions', key: 'auth.token_too_strong', params: { permissions: excess.join(', ') } },
    ]);
  }
  const prefix = randomBytes(4).toString('hex');
  const secret = `hth_${prefix}_${randomBytes(24).toString('base64url')}`;
  const row = await insertToken(db, {
    userId: actor.userId,
    name: input.name,
    prefix,
    tokenHash: sha256(secret),
    permissions: [...new Set(wanted)],
    expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
  });
  await recordAudit(db, actor, {
    action: 'create',
    entityType: 'api_token',
    entityId: row.id,
    changes: { name: row.name, permissions: row.permissions },
  });
  return { ...toTokenView(row), token: secret };
}

export async function revokeToken(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'token:manage');
  const row = await findToken(db, id);
  if (!row || (row.userId !== actor.userId && !actor.permissions.has('user:manage'))) {
    throw AppError.notFound('tokens.not_found');
  }
  await revokeTokenRow(db, id);
  await recordAudit(db, actor, { action: 'revoke', entityType: 'api_token', entityId: id });
}
