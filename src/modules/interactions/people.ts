import { and, asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { users } from '../accounts/schema.js';
import type { UserRef } from './interactions.contract.js';

/**
 * The people a user may act for — assign a task to, log an interaction on behalf of: with data scope `all` every
 * active user, with `team` the active users of the actor's team and the teams below it, with `own` only themselves.
 */
function reachCondition(actor: Actor): SQL | undefined {
  const self = eq(users.id, actor.userId ?? '00000000-0000-0000-0000-000000000000');
  if (actor.scope === 'all') return undefined;
  if (actor.scope === 'team' && actor.teamIds.length) return or(self, inArray(users.teamId, [...actor.teamIds]));
  return self;
}

export async function userInReach(db: DbOrTx, actor: Actor, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.active, true), reachCondition(actor)));
  return !!row;
}

export async function usersInReach(db: DbOrTx, actor: Actor): Promise<UserRef[]> {
  return db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.active, true), reachCondition(actor)))
    .orderBy(asc(users.displayName))
    .limit(1000);
}
