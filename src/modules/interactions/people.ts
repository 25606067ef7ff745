import { and, asc, eq, type SQL } from 'drizzle-orm';
import { dataScopeOf, scopeWhere } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { userDirectory } from '../accounts/index.js';
import type { UserRef } from './interactions.contract.js';

/**
 * The people a user may act for — assign a task to, log an interaction on behalf of: with data scope `all` every
 * active user, with `team` the active users of the actor's team and the teams below it, with `own` only themselves.
 * The data scope applied to users (their id as the owner, their team as the team; platform/auth/access.ts).
 */
function reachCondition(actor: Actor): SQL | undefined {
  const scope = dataScopeOf(actor);
  return scope.kind === 'all' ? undefined : scopeWhere(scope, userDirectory.id, userDirectory.teamId);
}

export async function userInReach(db: DbOrTx, actor: Actor, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: userDirectory.id })
    .from(userDirectory)
    .where(and(eq(userDirectory.id, userId), eq(userDirectory.active, true), reachCondition(actor)));
  return !!row;
}

export async function usersInReach(db: DbOrTx, actor: Actor): Promise<UserRef[]> {
  return db
    .select({ id: userDirectory.id, name: userDirectory.displayName })
    .from(userDirectory)
    .where(and(eq(userDirectory.active, true), reachCondition(actor)))
    .orderBy(asc(userDirectory.displayName))
    .limit(1000);
}
